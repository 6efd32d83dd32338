"""The 2-D map coloured by curvature (app.model.curvature_colour), on screen and in an export.

λmin on a diverging scale centred at 0, or |λmin/λmax| over [0, 1], in the heatmap's
place (ContourView.set_field); the loss's contour lines stay, and a dashed line marks
λmin = 0, where the surface stops being convex.
"""
from __future__ import annotations

import html

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
    """Colours ``view`` by a curvature field, or gives it back its loss colours.

    The field takes the heatmap's place (view.image) and its colour bar; the view's own
    set_surface puts the loss back whenever the surface is redrawn, so the layer only
    restores the loss itself while the surface it coloured is still the one shown.
    """

    def __init__(self, view: ContourView) -> None:
        self.view = view
        self.field: CurvatureField | None = None
        self._loss_look = None     # (grid, colour map, colour-bar label) of the loss the field covers
        self.boundary = pg.PlotDataItem(connect="finite")
        self.boundary.setZValue(-4)      # over the contour lines, under the runs
        view.plot.addItem(self.boundary)
        self.set_theme(view.theme)

    def set_theme(self, th: theme.Theme) -> None:
        self.boundary.setPen(pg.mkPen(th.foreground, width=2.0, style=Qt.PenStyle.DashLine))

    @staticmethod
    def compute(landscape, grid: SurfaceGrid, mode: str, progress=None, cancel=None) -> CurvatureField | None:
        """The field (slow surfaces: off the GUI thread with progress and cancel, then show_field)."""
        return curvature_field(landscape, grid.xs, grid.ys, mode, grid.undefined, progress, cancel)

    def show(self, landscape, grid: SurfaceGrid, mode: str) -> None:
        """Colour by ``mode`` ("loss" gives the loss back); ValueError (nothing changed) if the
        surface has no Hessian."""
        self.show_field(None if mode == "loss" else self.compute(landscape, grid, mode))

    def show_field(self, field: CurvatureField | None) -> None:
        view = self.view
        if field is None or view.grid is None:
            self.field = None
            self._show_loss()
            self.boundary.clear()
            return
        values = np.asarray(field.values, dtype=np.float32)
        if values.shape != view.grid.g.shape:
            raise ValueError(f"a field of the map's shape {view.grid.g.shape} is needed, got {values.shape}")
        look = self._loss_look
        if look is None or look[0] is not view.grid:      # the loss is what the view shows now
            self._loss_look = (view.grid, view.colorbar.colorMap(), view.colorbar.getAxis("right").labelText)
        self.field = field
        cmap = colormaps.diverging() if field.diverging else colormaps.get(RATIO_COLORMAP)
        view.image.setImage(values, levels=field.levels)
        view.colorbar.setColorMap(cmap)
        view.colorbar.setLevels(field.levels)
        self._bar_label(html.escape(field.label, quote=False))   # the axis reads its label as HTML: "< 0" is text
        view.undefined_hatch.setVisible(bool(np.isnan(values).any()))
        line = zero_line(field, view.grid)
        self.boundary.setData(line[:, 0], line[:, 1], connect="finite") if len(line) else self.boundary.clear()

    def _show_loss(self) -> None:
        """The loss's colours again, unless the view has drawn a new surface (in its loss) since."""
        look, self._loss_look = self._loss_look, None
        grid = self.view.grid
        if look is None or look[0] is not grid:
            return
        view = self.view
        view.image.setImage(grid.g_shown.astype(np.float32), levels=(grid.g_lo, grid.g_hi))
        view.colorbar.setColorMap(look[1])
        view.colorbar.setLevels((grid.g_lo, grid.g_hi))
        self._bar_label(look[2])
        view.undefined_hatch.setVisible(grid.undefined is not None)

    def _bar_label(self, label: str) -> None:
        axis = self.view.colorbar.getAxis("right")
        axis.setLabel(label)
        axis.resizeEvent()     # pyqtgraph centres a label only on a resize: a longer one ran off the top
