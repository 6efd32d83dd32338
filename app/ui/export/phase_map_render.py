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
from collections.abc import Callable
from pathlib import Path

from app.model.phase_map import PhaseMap

Progress = Callable[..., object]


class PhaseMapPicture:
    """The phase map view under its title, hidden, at one output size."""

    def __init__(self, pm: PhaseMap, title: str, size: tuple[int, int],
                 current: tuple[float, float] | None = None) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

        from app.ui.common import theme
        from app.ui.views.phase_map_view import PhaseMapView

        th = theme.LIGHT
        theme.apply_pyqtgraph(th)            # white plots, as the window's light theme
        self.root = QWidget()
        self.root.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.root.setStyleSheet(f"QWidget {{ background: {th.background}; color: {th.foreground}; }}")
        head = QLabel(title)
        font = head.font()
        font.setPointSize(12)
        head.setFont(font)
        head.setWordWrap(True)
        self.view = PhaseMapView(th)
        lay = QVBoxLayout(self.root)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addWidget(head)
        lay.addWidget(self.view, 1)
        self.root.setFixedSize(*size)
        self.root.show()
        self.view.show_map(pm)
        self.view.show_current(current)
        QApplication.processEvents()
        self.size = size

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

    def image(self):
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        return self.root.grab().toImage()

    def paint(self, painter) -> None:
        """The whole picture onto ``painter`` (an SVG generator's): the widgets paint themselves."""
        from PySide6.QtCore import QPoint
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        self.root.render(painter, QPoint(0, 0))

    def save(self, out: Path, overwrite: bool = False) -> Path:
        from app.ui.export.image_io import save_png, save_svg

        if out.suffix.lower() == ".svg":
            return save_svg(out, self.size, self.size, "Phase map", self.paint, overwrite=overwrite)
        return save_png(self.image(), out, overwrite=overwrite)

    def close(self) -> None:
        self.root.close()
        self.root.deleteLater()


def render_phase_map(pm: PhaseMap, out: str | os.PathLike, title: str, size: tuple[int, int] = (1100, 820),
                     current: tuple[float, float] | None = None, progress: Progress | None = None,
                     overwrite: bool = False) -> Path:
    """Draw ``pm`` as the phase map window does and write it to ``out`` (.png or .svg)."""
    from app.ui.export.errors import RenderError
    from app.ui.export.qt_app import ensure_app

    out = Path(out)
    if out.suffix.lower() not in (".png", ".svg"):
        raise RenderError(f"a phase map is a picture: the output must end in .png or .svg, got '{out}'")
    ensure_app(need_gl=False)
    if progress is not None:
        progress(0.0, "drawing the map")
    picture = PhaseMapPicture(pm, title, size, current)
    try:
        picture.save(out, overwrite=overwrite)
    finally:
        picture.close()
    if progress is not None:
        progress(1.0, "done")
    return out
