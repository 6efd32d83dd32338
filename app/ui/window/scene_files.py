"""Scene files of the main window: open and save (dialogs too), and the Open recent menu."""
from __future__ import annotations

from pathlib import Path

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
        self.w.settings.add_recent(path)
        self.fill_recent()
        return True

    def save(self, path) -> Path:
        race = self.w.race
        race.scene.view.camera = self.w.surface_view.camera_dict()
        out = scene_io.save_scene(race.scene, Path(path))
        self.w.settings.add_recent(path)
        self.fill_recent()
        self.w.show_message(f"saved {Path(path).name}")
        return out

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open scene", "", f"{FILTER};;All files (*)")
        if path:
            self.open(path)

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "Save scene", "scene.json", FILTER)
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
