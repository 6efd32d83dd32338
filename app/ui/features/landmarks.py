"""The surface's named points (a CIFAR-10 plane's W_init, W*, W_random) marked on the 2-D map.

Follows the landscape on screen (host.landscape_changed) and the lecture's
sizes (host.look_changed); a surface without ``landmarks`` has no marks.
"""
from __future__ import annotations

from PySide6.QtCore import QObject

from app.ui.common import theme
from app.ui.views.landmark_marks import LandmarkMarks
from app.ui.window.host import Host

LECTURE_PT = 18


class Landmarks(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.marks = LandmarkMarks(host.contour_view.plot, host.theme)
        host.landscape_changed.connect(self.refresh)
        host.look_changed.connect(self._look)
        self.refresh()

    def refresh(self) -> None:
        race = self.host.race
        self.marks.set_landmarks(dict(getattr(race.landscape, "landmarks", {}) or {}) if race is not None else {})

    def _look(self, th: theme.Theme, presentation: bool) -> None:
        self.marks.set_look(th, LECTURE_PT if presentation else 10)


def install(host: Host) -> Landmarks:
    return Landmarks(host)
