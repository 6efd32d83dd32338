"""Help (issue 10, point 18): F1 or ? shows every shortcut of the window; an About box."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
import tomllib
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


@pytest.fixture
def app_window(qtbot, make_app):
    w, features = make_app()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)     # window shortcuts need the active window
    return w, features["help"]


def _plain(html_text: str) -> str:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(html_text)
    return doc.toPlainText()


@pytest.mark.parametrize("key", [Qt.Key.Key_F1, Qt.Key.Key_Question])
def test_key_opens_the_sheet_with_every_shortcut(qtbot, app_window, key):
    w, hp = app_window
    qtbot.keyClick(w, key)
    qtbot.waitUntil(lambda: hp.sheet is not None and hp.sheet.isVisible())
    text = _plain(hp.table.text())
    with_keys = [a for a in w.actions() if a.shortcuts()]
    assert len(with_keys) >= 30          # the window's own, lecture, annotations, swarm, export, help
    for a in with_keys:
        for k in a.shortcuts():
            assert k.toString(QKeySequence.SequenceFormat.NativeText) in text, a.text()
        assert a.text().replace("&", "").rstrip("…").strip() in text
    for expected in ("F11", "Presentation", "Space", "Play", "F1", "Keyboard shortcuts", "Ctrl+E", "Export"):
        assert expected in text


def test_the_sheet_follows_a_new_action(qtbot, app_window):
    """Built from the actions when it opens: a key added later is on it (it never goes stale)."""
    w, hp = app_window
    w.host.add_action("Frobnicate the map", "Ctrl+Alt+F", lambda: None, "a test action")
    hp.show_shortcuts()
    text = _plain(hp.table.text())
    assert "Frobnicate the map" in text and "Ctrl+Alt+F" in text


def test_about_names_the_installed_version(qtbot, app_window):
    w, hp = app_window
    box = hp.show_about()
    assert box.isVisible()
    assert f"Loss Lab {metadata.version('losslab')}" in _plain(box.text())
    with open(Path(__file__).parents[2] / "pyproject.toml", "rb") as f:
        assert metadata.version("losslab") == tomllib.load(f)["project"]["version"]
    box.accept()
