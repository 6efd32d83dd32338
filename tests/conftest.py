"""Test-wide set-up.

Qt must be told to share OpenGL contexts before any QApplication exists, or
the second GL widget fails. With no display at all Qt would abort the whole
run, so without DISPLAY we fall back to the offscreen platform (2-D only) and
the GL tests skip.
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

REPO = Path(__file__).resolve().parents[1]
SHARED_CIFAR = REPO.parent / "shared" / "data" / "cifar-10-batches-py"


@pytest.fixture(scope="session")
def cifar_root() -> Path:
    """The real CIFAR-10 (official python layout) from ../shared/data."""
    if not SHARED_CIFAR.is_dir():
        pytest.skip(f"CIFAR-10 not found at {SHARED_CIFAR}")
    return SHARED_CIFAR


def pytest_collection_modifyitems(config, items):
    if HAS_GL_DISPLAY:
        return
    skip = pytest.mark.skip(reason="needs an X display with OpenGL (run under xvfb-run)")
    for item in items:
        if "gl" in item.keywords:
            item.add_marker(skip)
