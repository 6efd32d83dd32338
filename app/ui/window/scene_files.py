"""Scene files of the main window: open and save (dialogs too), and the Open recent menu.

The dialogs start in the folder of the last scene saved or opened (remembered in the
settings), else in the user's documents folder, never in the current directory (which
may be the source tree).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from app.model import scene_io

FILTER = "Loss Lab scenes (*.json)"


class SceneFiles:
    def __init__(self, window: QMainWindow) -> None:   # the MainWindow (which imports this module)
        self.w = window

    def open(self, path) -> bool:
        """Load a scene file; on a bad file show an error and keep the current scene."""
        try:
            scene = scene_io.load_scene(Path(path))
        except (ValueError, OSError) as e:
            QMessageBox.critical(self.w, "Cannot open scene", f"{path}\n\n{e}")
            return False
        self.w.load_scene(scene)
        self._used(path)
        return True

    def save(self, path) -> Path:
        race = self.w.race
        race.scene.view.camera = self.w.surface_view.camera_dict()
        scene, left_out = scene_io.savable(race.scene)
        out = scene_io.save_scene(scene, Path(path))
        self._used(path)
        self.w.show_message(f"saved {Path(path).name}" + (f"; {left_out}" if left_out else ""))
        return out

    def _used(self, path) -> None:
        self.w.settings.add_recent(path)
        self.w.settings.set_scene_folder(Path(path).resolve().parent)
        self.fill_recent()

    def start_folder(self) -> Path:
        """Where the dialogs open: the last used folder if it still exists, else the documents folder."""
        last = self.w.settings.scene_folder()
        if last and Path(last).is_dir():
            return Path(last)
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(docs) if docs and Path(docs).is_dir() else Path.home()

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open scene", str(self.start_folder()),
                                              f"{FILTER};;All files (*)")
        if path:
            self.open(path)

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "Save scene", str(self.start_folder() / "scene.json"), FILTER)
        if path:
            try:
                self.save(path)
            except (ValueError, OSError) as e:
                QMessageBox.critical(self.w, "Cannot save scene", f"{path}\n\n{e}")

    def fill_recent(self) -> None:
        menu = self.w.recent_menu
        menu.clear()
        for p in self.w.settings.recent_files():
            a = menu.addAction(p)
            a.triggered.connect(lambda _c=False, p=p: self.open(p))
        menu.setEnabled(bool(self.w.settings.recent_files()))
