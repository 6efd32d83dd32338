"""Test-wide set-up.

Qt must be told to share OpenGL contexts before any QApplication exists, or
the second GL widget fails. With no display at all Qt would abort the whole
run, so without DISPLAY we fall back to the offscreen platform (2-D only) and
the GL tests skip.

Under CI (the CI environment variable is set, as .ci/run does) nothing that
CI is meant to check may skip: a missing GL display or missing CIFAR-10 data
is a failure there. The data folder comes from LOSSLAB_TEST_CIFAR, which
scripts/test.sh sets (the official python layout, cifar-10-batches-py).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HAS_GL_DISPLAY = os.environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal")

try:
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
except ImportError:  # pragma: no cover - Qt is a hard dependency
    pass

IN_CI = bool(os.environ.get("CI"))
TEST_CIFAR = Path(os.environ.get("LOSSLAB_TEST_CIFAR", "")) if os.environ.get("LOSSLAB_TEST_CIFAR") else None


@pytest.fixture(scope="session")
def cifar_root() -> Path:
    """The real CIFAR-10 (official python layout) named by $LOSSLAB_TEST_CIFAR."""
    if TEST_CIFAR is None or not TEST_CIFAR.is_dir():
        message = f"CIFAR-10 not found (LOSSLAB_TEST_CIFAR={TEST_CIFAR})"
        if IN_CI:
            pytest.fail(message + ": CI must check the real data")
        pytest.skip(message)
    return TEST_CIFAR


def pytest_collection_modifyitems(config, items):
    if HAS_GL_DISPLAY:
        return
    if IN_CI:
        raise pytest.UsageError("CI needs an X display with OpenGL for the GL tests (run under xvfb-run)")
    skip = pytest.mark.skip(reason="needs an X display with OpenGL (run under xvfb-run)")
    for item in items:
        if "gl" in item.keywords:
            item.add_marker(skip)
