"""Named points of a surface on the 2-D map: W_init, W* and W_random on a CIFAR-10 plane.

A slice through the plane of three weight matrices (CifarSlice.landmarks,
name -> (a, b)) is only readable when the three are marked: the caption of
scene 12 speaks of them. Each is a white diamond with a dark outline (over
any colour map) under the runs (z 6: above the minima stars, below the paths
at z >= 10), and its name above it over everything: W* is where the runs
end, and its name must not hide under their heads.
"""
from __future__ import annotations

from collections.abc import Mapping

import pyqtgraph as pg
from PySide6.QtGui import QFont

from app.ui.common import theme

Z = 6
LABEL_Z = 30


class LandmarkMarks:
    def __init__(self, plot: pg.PlotItem, th: theme.Theme = theme.LIGHT) -> None:
        self.plot, self.theme = plot, th
        self.points = pg.ScatterPlotItem(symbol="d", size=16, brush=pg.mkBrush("#FFFFFF"),
                                         pen=pg.mkPen(th.halo, width=2))
        self.points.setZValue(Z)
        plot.addItem(self.points)
        self.labels: list[pg.TextItem] = []
        self.names: tuple[str, ...] = ()
        self.font_pt = 10

    def set_landmarks(self, landmarks: Mapping[str, tuple[float, float]]) -> None:
        """Mark these points (replacing the last ones); {} clears the map."""
        for label in self.labels:
            self.plot.removeItem(label)
        self.names = tuple(landmarks)
        self.points.setData(pos=[(float(a), float(b)) for a, b in landmarks.values()])
        self.labels = []
        for name, (a, b) in landmarks.items():
            label = pg.TextItem(name, anchor=(0.5, 1.25))   # centred above the diamond
            label.setPos(float(a), float(b))
            label.setZValue(LABEL_Z)
            self.plot.addItem(label)
            self.labels.append(label)
        self.set_look(self.theme, self.font_pt)

    def set_look(self, th: theme.Theme, font_pt: int) -> None:
        self.theme, self.font_pt = th, font_pt
        self.points.setPen(pg.mkPen(th.halo, width=2))
        self.points.setSize(16 if font_pt <= 12 else 24)
        font = QFont()
        font.setPointSize(font_pt)
        font.setBold(True)
        for label in self.labels:
            label.setFont(font)
            label.setColor(th.foreground)
            label.fill = pg.mkBrush(th.background + "C8")
