"""What the app remembers between sessions (QSettings): last scene, recent files, dock layout,
the CIFAR-10 data folder and the folder of the last saved or opened scene.

Tests pass their own QSettings (a temp ini file) so they never read the user's.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORG, APP = "LossLab", "losslab"
MAX_RECENT = 8


def default_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


def ini_settings(path: str | Path) -> QSettings:
    """Settings in one ini file (tests, portable installs)."""
    return QSettings(str(path), QSettings.Format.IniFormat)


class AppSettings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else default_settings()

    # last session: the whole scene as JSON text
    def last_scene_json(self) -> str | None:
        v = self.q.value("session/scene_json")
        return str(v) if v else None

    def set_last_scene_json(self, text: str) -> None:
        self.q.setValue("session/scene_json", text)

    # recent files, newest first, no duplicates
    def recent_files(self) -> list[str]:
        v = self.q.value("session/recent", [])
        if isinstance(v, str):
            v = [v]
        return [str(p) for p in (v or [])]

    def add_recent(self, path: str | Path) -> list[str]:
        p = str(Path(path).resolve())
        files = [p] + [f for f in self.recent_files() if f != p]
        files = files[:MAX_RECENT]
        self.q.setValue("session/recent", files)
        return files

    # window geometry and dock layout
    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self.q.value("window/geometry"), self.q.value("window/state")

    def set_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self.q.setValue("window/geometry", geometry)
        self.q.setValue("window/state", state)

    # the CIFAR-10 data folder the user chose ('' if none: $LOSSLAB_CIFAR_ROOT, then the download cache)
    def cifar_root(self) -> str:
        v = self.q.value("data/cifar_root", "")
        return str(v) if isinstance(v, str) else ""

    def set_cifar_root(self, path: str | Path | None) -> None:
        self.q.setValue("data/cifar_root", "" if path is None else str(path))

    # where the Save and Open dialogs start ('' if never used)
    def scene_folder(self) -> str:
        v = self.q.value("session/scene_folder", "")
        return str(v) if isinstance(v, str) else ""

    def set_scene_folder(self, folder: str | Path) -> None:
        self.q.setValue("session/scene_folder", str(folder))

    def sync(self) -> None:
        self.q.sync()
