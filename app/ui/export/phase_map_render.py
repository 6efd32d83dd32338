"""Headless picture of a phase map (``losslab map``) to PNG or SVG.

    render_phase_map(pm, "map.png", title, size=(1100, 820), current=(0.004, 0.85), progress=report)

The map is drawn by the phase map window's own view (app.ui.views.phase_map_view.PhaseMapView:
cells, colour bar, diverged cells, best cell, stability edge, heavy-ball theory), laid out
hidden at the output's size (Qt.WA_DontShowOnScreen) under the title lines of
app.model.cli_map.map_summary. ``current`` marks the mapped run's own setting, as the
window marks the selected run. The file goes through app.model.safe_output (image_io).
"""
from __future__ import annotations

import os
from pathlib import Path

from app.model.phase_map import PhaseMap
from app.ui.export.offscreen_picture import OffscreenPicture, Progress, write_picture


class PhaseMapPicture(OffscreenPicture):
    """The phase map view under its title, hidden, at one output size."""

    svg_title = "Phase map"

    def __init__(self, pm: PhaseMap, title: str, size: tuple[int, int],
                 current: tuple[float, float] | None = None) -> None:
        from PySide6.QtWidgets import QApplication

        from app.ui.views.phase_map_view import PhaseMapView

        super().__init__(size, title)
        self.view = PhaseMapView(self.theme)
        self.layout.addWidget(self.view, 1)
        self.shown()
        self.view.show_map(pm)
        self.view.show_current(current)
        QApplication.processEvents()

    def pixel_of(self, x: float, y: float) -> tuple[int, int]:
        """The picture's pixel (column, row) of the setting (x, y) (axis values, not log10)."""
        from PySide6.QtCore import QPointF

        from app.ui.views.phase_map_view import display

        pm = self.view.pm
        assert pm is not None
        at = QPointF(float(display(pm.x, x)), float(display(pm.y, y)))
        scene = self.view.plot.getViewBox().mapViewToScene(at)
        local = self.view.mapTo(self.root, self.view.mapFromScene(scene))
        return local.x(), local.y()

    def cell_centre(self, i: int, j: int) -> tuple[int, int]:
        """The pixel at the centre of cell (i, j) (row i = y value i, column j = x value j)."""
        pm = self.view.pm
        assert pm is not None
        return self.pixel_of(float(pm.x.values[j]), float(pm.y.values[i]))


def render_phase_map(pm: PhaseMap, out: str | os.PathLike, title: str, size: tuple[int, int] = (1100, 820),
                     current: tuple[float, float] | None = None, progress: Progress | None = None,
                     overwrite: bool = False) -> Path:
    """Draw ``pm`` as the phase map window does and write it to ``out`` (.png or .svg)."""
    return write_picture(lambda: PhaseMapPicture(pm, title, size, current), out, "a phase map",
                         progress=progress, overwrite=overwrite)
