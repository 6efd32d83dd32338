"""The three panes of an export, each a hidden view of the app drawn offscreen: 3-D surface, 2-D map, plots."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QVector3D

from app.ui.common.log_ticks import use_log_ticks
from app.ui.export.ellipses import HeadEllipses
from app.ui.export.errors import NEEDS_DISPLAY, RenderError
from app.ui.export.layout import GAP, LABEL_PX, TICK_PX, font
from app.ui.export.pg_paint import lay_out, paint_item, static_leaves, style_axis, style_plot, transparent
from app.ui.gl.framebuffers import GLUnavailable
from app.ui.gl.offscreen import OffscreenView
from app.ui.views.contour_view import ContourView
from app.ui.views.curvature_layer import CurvatureLayer
from app.ui.views.plots_view import PlotsView
from app.ui.views.surface_view import BOX, HEIGHT, SurfaceView

RUNS_Z = 10     # ContourView draws runs (halo, line, markers) at z >= 10, the map below


class Surface3D:
    """A hidden SurfaceView drawn offscreen (app.ui.gl.offscreen) at the pane's pixel size.

    Axis labels in the export's font (LABEL_PX, grown with the scale like all
    text); the camera frames the whole box unless the scene saved a zoom.
    The static layer is drawn once and kept (app.ui.gl.offscreen): a video frame draws only the runs.
    """

    def __init__(self, th, grid, landscape, vspec, camera: dict | None) -> None:
        self.widget = SurfaceView(th=th)
        self.widget.contours.antialias = True     # smooth contour lines: drawn once in a video
        self.widget.round_joins = True            # export lines are thick: no notches at bends
        self.widget.wireframe = bool(vspec.wireframe)
        self.widget.set_surface(grid, vspec.colormap, vspec.contour_levels, tuple(landscape.minima), landscape)
        self.view = self.widget.gl
        cam = dict(camera if camera is not None else (vspec.camera or {}))
        self.fit = "distance" not in cam     # no saved zoom: frame the whole box
        if cam:
            self.view.setCameraPosition(**{k: float(cam[k]) for k in ("distance", "elevation", "azimuth")
                                            if k in cam})
        self._base_center = self.view.opts["center"]
        self._fitted: tuple[int, int] | None = None
        try:
            self.offscreen = OffscreenView(self.view, label_font=font(LABEL_PX))
        except GLUnavailable:
            raise RenderError(NEEDS_DISPLAY) from None

    def set_tracks(self, runs) -> None:
        self.widget.set_tracks(runs)

    def render(self, w: int, h: int, s: float, transparent: bool) -> QImage:
        """The 3-D view as a w x h QImage, line widths and marker sizes times s."""
        if self.fit and self._fitted != (w, h):
            self._fit_camera(w, h)
            self._fitted = (w, h)
        try:
            return self.offscreen.render(w, h, s, transparent)
        except GLUnavailable as e:
            raise RenderError(str(e)) from None

    def close(self) -> None:
        self.offscreen.close()
        self.widget.dispose()     # GL window + container: freed in a safe order
        self.widget.deleteLater()

    def _ndc(self, pts: np.ndarray, w: int, h: int) -> np.ndarray:
        v = self.view
        m = v.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * v.viewMatrix()
        out = [m.map(QVector3D(*map(float, p))) for p in pts]
        return np.array([[q.x(), q.y()] for q in out])

    def _fit_camera(self, w: int, h: int, margin: float = 0.07) -> None:
        """Choose distance and centre so the surface box and its labels fill the pane, centred.

        Perspective scale goes as 1/distance, so a few fixed-point steps converge.
        """
        v = self.view
        r = BOX / 2 + 0.8
        corners = np.array([[x, y, z] for x in (-r, r) for y in (-r, r) for z in (0.0, HEIGHT)])
        v.opts["center"] = self._base_center
        tan = math.tan(math.radians(v.opts["fov"] / 2))
        for _ in range(6):
            ndc = self._ndc(corners, w, h)
            lo, hi = ndc.min(axis=0), ndc.max(axis=0)
            c = (lo + hi) / 2
            ext = float(np.max((hi - lo) / 2))
            d = v.opts["distance"]
            inv = v.viewMatrix().inverted()[0]
            right = inv.mapVector(QVector3D(1, 0, 0))
            up = inv.mapVector(QVector3D(0, 1, 0))
            v.opts["center"] = v.opts["center"] + right * float(c[0] * d * tan) + up * float(c[1] * d * tan * h / w)
            v.opts["distance"] = d * ext / (1 - margin)


class Contour2D:
    """A hidden ContourView with export fonts; ``ellipses``: the curvature ellipses at the heads
    (app.ui.export.ellipses), drawn for the map's painted view range."""

    def __init__(self, th, grid, vspec, minima, names: tuple[str, str] = ("x", "y"), landscape=None,
                 ellipses: bool = False) -> None:
        self.view = ContourView(th=th)
        self.view.set_surface(grid, vspec.colormap, vspec.contour_levels, minima)
        self.view.set_axis_names(*names)      # before the export's axis style, which keeps the text
        if vspec.color_by != "loss" and landscape is not None:   # the map coloured by curvature
            self.curvature = CurvatureLayer(self.view)
            try:
                self.curvature.show(landscape, grid, vspec.color_by)
            except ValueError as e:
                raise RenderError(f"cannot colour the map by {vspec.color_by}: {e}") from None
        self.plot = self.view.plot
        style_plot(self.plot, th)
        style_axis(self.view.colorbar.getAxis("right"), th)
        self.plot.setContentsMargins(2, TICK_PX * 0.6, 2, 2)    # room for the top tick label
        self._layer = None
        self._layer_key = None
        self._landscape, self._runs = landscape, []
        self.ellipses = HeadEllipses(self.plot, th) if ellipses and landscape is not None else None

    def set_tracks(self, runs) -> None:
        self.view.set_tracks(runs)
        self._runs = list(runs)

    def _draw_ellipses(self, rect) -> None:
        """The heads' curves sized for the view range the map is painted with (known once laid out)."""
        if self.ellipses is None:
            return
        lay_out(self.plot, QRectF(0, 0, rect.width(), rect.height()))
        self.ellipses.draw(self._landscape, self._runs, self.plot.getViewBox().viewRange(), self.view.grid.bounds)

    def set_surface(self, grid, vspec, minima) -> None:
        """Another surface (a plane redrawn through a moving run): the cached map layer is redrawn."""
        self.view.set_surface(grid, vspec.colormap, vspec.contour_levels, minima)
        self._layer_key = None

    def close(self) -> None:
        _delete(self.view)

    def paint(self, painter, rect, pen_scale: float, dpr: float, cached: bool = False) -> None:
        """Paint the map into rect; ``cached`` (videos): heatmap, contours, axes once, then only the runs.

        Runs are the items above the contour layer (z >= RUNS_Z), and so are the heads' ellipses;
        everything else is drawn once into a layer image and hidden (opacity 0) per frame.
        """
        self._draw_ellipses(rect)
        if not cached:
            paint_item(painter, self.plot, rect, pen_scale)
            return
        runs = [it for it in self.plot.getViewBox().addedItems if it.zValue() >= RUNS_Z]
        key = (rect.width(), rect.height(), pen_scale, dpr)
        if key != self._layer_key:
            layer = QImage(round(rect.width() * dpr), round(rect.height() * dpr),
                           QImage.Format.Format_ARGB32_Premultiplied)
            layer.fill(QColor(0, 0, 0, 0))
            layer.setDevicePixelRatio(dpr)
            p = QPainter(layer)
            p.setRenderHints(painter.renderHints())
            with transparent(runs):
                paint_item(p, self.plot, QRectF(0, 0, rect.width(), rect.height()), pen_scale)
            p.end()
            self._layer, self._layer_key = layer, key
        painter.drawImage(QPointF(rect.left(), rect.top()), self._layer)
        with transparent(static_leaves(self.plot.scene(), runs)):
            paint_item(painter, self.plot, rect, pen_scale)


class Plots:
    """Hidden loss and |grad| plots (their own legend off: the export has one for all views)."""

    def __init__(self, th, race, grid) -> None:
        self.view = v = PlotsView(th=th)
        v.set_landscape(race.landscape, float(grid.f.min()))
        if hasattr(v, "set_total_steps"):
            v.set_total_steps(race.total_steps)     # x spans the whole race: axes do not move in a video
        canvas = getattr(v, "canvas", None)
        if canvas is not None and hasattr(canvas, "removeItem"):
            try:
                canvas.removeItem(v.legend)     # give its column back to the plots
            except (ValueError, RuntimeError, AttributeError):
                pass
        v.legend.setVisible(False)
        for p in (v.loss_plot, v.grad_plot):
            style_plot(p, th)
            axis = p.getAxis("left")
            use_log_ticks(axis)
            axis.setStyle(maxTextLevel=0)
            p.setTitle(p.titleLabel.text, size=f"{LABEL_PX}px", color=th.foreground)

    def items(self, rect) -> list:
        """(item, logical rect) pairs to paint: the shared canvas, or the two plots side by side."""
        canvas = getattr(self.view, "canvas", None)
        if canvas is not None:
            return [(canvas.ci, rect)]
        half = (rect.width() - GAP) / 2
        return [(self.view.loss_plot, QRectF(rect.left(), rect.top(), half, rect.height())),
                (self.view.grad_plot, QRectF(rect.left() + half + GAP, rect.top(), half, rect.height()))]

    def set_tracks(self, runs) -> None:
        self.view.set_tracks(runs, legend=False)

    def close(self) -> None:
        _delete(self.view)


def _delete(widget) -> None:
    """Delete a hidden view's C++ side now, scene and items with it. Left to the garbage
    collector, an item's Python side may go first while Qt still lays the item out
    (pyqtgraph's LabelItem then has lost its attributes, or Qt reads freed memory)."""
    import shiboken6

    if shiboken6.isValid(widget):
        shiboken6.delete(widget)
