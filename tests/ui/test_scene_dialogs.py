"""The Save and Open dialogs start in the last used folder or the documents folder, not the
current directory; a saved scene is readable as any new file is, not 0600 (issue 10 point 22)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

pytestmark = pytest.mark.gl


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.fixture
def dialog_starts(monkeypatch):
    """Each dialog's start path; the user picks the path in ``answer[0]``."""
    starts: list[str] = []
    answer = [""]

    def fake(_parent, _title, start, _filter=""):
        starts.append(start)
        return answer[0], ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake)
    return starts, answer


def test_dialogs_start_in_documents_then_in_the_last_used_folder(make_window, dialog_starts, tmp_path,
                                                               monkeypatch):
    docs = tmp_path / "Documents"
    docs.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _where: str(docs))
    monkeypatch.chdir(Path(__file__).resolve().parents[2])      # started from the source tree
    starts, answer = dialog_starts
    w = make_window()
    w.files.save_dialog()
    assert Path(starts[-1]) == docs / "scene.json"
    folder = tmp_path / "lectures"
    folder.mkdir()
    answer[0] = str(folder / "mine.json")
    w.files.save_dialog()
    saved = folder / "mine.json"
    assert saved.is_file()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o666 & ~current_umask()   # as a new file, not 0600
    answer[0] = ""
    w.files.save_dialog()
    w.files.open_dialog()
    assert Path(starts[-2]) == folder / "scene.json" and Path(starts[-1]) == folder
    assert w.settings.scene_folder() == str(folder)       # remembered for the next start
