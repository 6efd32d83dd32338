"""The 2-D map coloured by curvature (app.model.curvature_colour), on screen and in an export.

λmin on a diverging scale centred at 0, or |λmin/λmax| over [0, 1], in the heatmap's
place (ContourView.set_field); the loss's contour lines stay, and a dashed line marks
λmin = 0, where the surface stops being convex.
"""
from __future__ import annotations

import contourpy
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.model.curvature_colour import CurvatureField, curvature_field
from app.ui.common import colormaps, theme
from app.ui.views.contour_view import ContourView
from app.ui.views.surface_grid import SurfaceGrid

RATIO_COLORMAP = "magma"   # not the loss's viridis: a glance tells the two maps apart


def zero_line(field: CurvatureField, grid: SurfaceGrid) -> np.ndarray:
    """The λmin = 0 level set as one NaN-separated (k, 2) polyline."""
    lam = field.lambda_min
    if not np.isfinite(lam).any():
        return np.empty((0, 2))
    gen = contourpy.contour_generator(grid.xs, grid.ys, lam, line_type="ChunkCombinedNan")
    parts = [c for c in gen.lines(0.0)[0] if c is not None and len(c)]
    return np.concatenate(parts) if parts else np.empty((0, 2))


class CurvatureLayer:
    """Colours ``view`` by a curvature field, or gives it back its loss colours."""

    def __init__(self, view: ContourView) -> None:
        self.view = view
        self.field: CurvatureField | None = None
        self.boundary = pg.PlotDataItem(connect="finite")
        self.boundary.setZValue(-4)      # over the contour lines, under the runs
        view.plot.addItem(self.boundary)
        self.set_theme(view.theme)

    def set_theme(self, th: theme.Theme) -> None:
        self.boundary.setPen(pg.mkPen(th.foreground, width=2.0, style=Qt.PenStyle.DashLine))

    def compute(self, landscape, grid: SurfaceGrid, mode: str) -> CurvatureField:
        """The field (slow surfaces: call this off the GUI thread, then show_field)."""
        return curvature_field(landscape, grid.xs, grid.ys, mode, grid.undefined)

    def show(self, landscape, grid: SurfaceGrid, mode: str) -> None:
        """Colour by ``mode`` ("loss" gives the loss back); ValueError (nothing changed) if the
        surface has no Hessian."""
        self.show_field(None if mode == "loss" else self.compute(landscape, grid, mode))

    def show_field(self, field: CurvatureField | None) -> None:
        self.field = field
        view = self.view
        if field is None or view.grid is None:
            view.clear_field()
            self.boundary.clear()
            return
        cmap = colormaps.diverging() if field.diverging else colormaps.get(RATIO_COLORMAP)
        view.set_field(field.values, field.levels, cmap, field.label)
        line = zero_line(field, view.grid)
        self.boundary.setData(line[:, 0], line[:, 1], connect="finite") if len(line) else self.boundary.clear()
