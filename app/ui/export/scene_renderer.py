"""One race's hidden views composed into a picture of a fixed size (PNG, SVG, video frames).

The 3-D view draws into a framebuffer of exactly its pane's pixel size
(app.ui.gl.offscreen); the 2-D view and the plots (pyqtgraph PlotItems) are
painted through QGraphicsScene.render into the same QImage; title, step
counter and legend are painted with QPainter (app.ui.export.layout). SVG is
the 2-D view, with vector contours and trajectories (the heatmap is an
embedded image), or the data view. On a toy classifier's weight space the
data view (app.ui.export.data_pane) is a view of its own ("data") and a third
pane of "both".
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter

from app.model import build, toy_view
from app.model.export_options import ExportOptionError, check_view
from app.ui.common import theme
from app.ui.export import layout as canvas
from app.ui.export.data_pane import DataPane, shows_data
from app.ui.export.errors import RenderError
from app.ui.export.image_io import rgbx_view, save_svg
from app.ui.export.panes import Contour2D, Plots, Surface3D
from app.ui.export.pg_paint import flush_layouts, paint_item
from app.ui.views.landmark_marks import LandmarkMarks
from app.ui.views.surface_grid import axis_names, sample


class SceneRenderer:
    """Hidden views of one race composed into an image of a fixed size.

    Call ``update()`` after stepping the race, then ``image()`` (QImage),
    ``frame()`` (RGB array) or ``save_svg(path)``; ``close()`` frees GL objects.
    ``cache`` (videos): the map's static parts are drawn once, then only the
    runs (the 3-D view always keeps its static layer). ``ellipses``: the curvature
    ellipses at the heads on the 2-D map; None: as the scene's view.ellipses says.
    """

    def __init__(self, race, size: tuple[int, int], view: str = "both", *, transparent: bool = False,
                 camera: dict | None = None, th=None, grid=None, cache: bool = False,
                 ellipses: bool | None = None) -> None:
        try:
            view = check_view(view)
        except ExportOptionError as e:
            raise RenderError(str(e)) from None
        self.race, self.view, self.transparent = race, view, transparent
        self.size = (int(size[0]), int(size[1]))
        self.scale = canvas.scale_for(self.size)
        self.theme = th if th is not None else theme.LIGHT
        spec, vspec = race.scene.landscape, race.scene.view
        grid_given = grid is not None
        if grid is None:
            grid = sample(race.landscape, build.view_bounds(spec, race.landscape), int(spec.resolution),
                          log=vspec.log_z)
        self.grid = grid
        minima = tuple(race.landscape.minima)
        self.cache = cache
        has_data = shows_data(race.landscape)
        # A toy classifier's runs move in all parameters: unless given a grid (the window's), the
        # surface is drawn through the first run as it moves, as the window draws it through the
        # selected one, so its heights are that run's losses.
        self._follow, self._through_key = has_data and not grid_given, None
        if view == "data" and not has_data:
            raise RenderError("the data view is of a toy_classifier landscape; this scene shows "
                              f"{race.landscape.title}: use --view both, 3d or 2d")
        saved = {k: pg.getConfigOption(k) for k in ("background", "foreground", "antialias")}
        theme.apply_pyqtgraph(self.theme)      # our views are light even if the window is dark
        try:
            self.surface = Surface3D(self.theme, grid, race.landscape, vspec, camera) \
                if view in ("both", "3d") else None
            shown = race.scene.view.ellipses if ellipses is None else ellipses
            self.contour = Contour2D(self.theme, grid, vspec, minima, axis_names(race.landscape),
                                     race.landscape, ellipses=shown) \
                if view in ("both", "2d") else None
            if self.contour is not None:     # a CIFAR-10 plane's W_init, W*, W_random, as on screen
                LandmarkMarks(self.contour.plot, self.theme).set_landmarks(getattr(race.landscape, "landmarks", {}))
            self.plots = Plots(self.theme, race, grid) if view == "both" else None
            self.data = DataPane(self.theme, race.landscape) if has_data and view in ("both", "data") else None
        finally:
            pg.setConfigOptions(**saved)
        self.update()
        self._warm_up()

    def _warm_up(self) -> None:
        """Paint the pyqtgraph panes once, unseen: axes size themselves to their labels on first paint."""
        panes = {k: r for k, r in self.layout()["panes"].items() if k != "3d"}
        if not panes:
            return
        img = QImage(*self.size, QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(self.scale)
        painter = QPainter(img)
        try:
            for name, rect in panes.items():
                if name == "data":
                    self.data.paint(painter, rect, 1.0)
                    continue
                for item, part in (self.plots.items(rect) if name == "plots" else [(self.contour.plot, rect)]):
                    paint_item(painter, item, part)
        finally:
            painter.end()
        flush_layouts()

    def update(self) -> None:
        """Push the race's current runs to every view."""
        runs = self.race.runs
        if self._follow and runs and (self.surface is not None or self.contour is not None):
            self._draw_through(runs[0])
        for v in (self.surface, self.contour, self.plots, self.data):
            if v is not None:
                v.set_tracks(runs)

    def _draw_through(self, track) -> None:
        """Sample and draw the plane through the run's full parameters (the scene's own on it)."""
        f = self.race.landscape
        theta = toy_view.params_of(track, f)
        if theta.tobytes() == self._through_key:
            return
        self._through_key = theta.tobytes()
        plane = f.through(theta) if float(f.distance_from_plane(theta)) > 0.0 else f
        spec, vspec = self.race.scene.landscape, self.race.scene.view
        self.grid = sample(plane, build.view_bounds(spec, f), int(spec.resolution), log=vspec.log_z)
        if self.surface is not None:
            self.surface.widget.set_surface(self.grid, vspec.colormap, vspec.contour_levels, (), plane)
        if self.contour is not None:
            self.contour.set_surface(self.grid, vspec, ())

    # --- output ------------------------------------------------------------
    def image(self) -> QImage:
        """The composed picture as a QImage of exactly ``size`` pixels."""
        w, h = self.size
        # RGBX8888 is byte-ordered RGB(X): a video frame is a view of it, no conversion
        fmt = QImage.Format.Format_ARGB32_Premultiplied if self.transparent else QImage.Format.Format_RGBX8888
        img = QImage(w, h, fmt)
        img.fill(QColor(0, 0, 0, 0) if self.transparent else QColor(self.theme.background))
        img.setDevicePixelRatio(self.scale)
        painter = QPainter(img)
        try:
            self._paint(painter, svg=False)
        finally:
            painter.end()
        img.setDevicePixelRatio(1.0)
        return img

    def frame(self) -> np.ndarray:
        """The picture as an (h, w, 4) uint8 RGBX array, valid until the next call (video frames).

        A view of the image's own pixels (no copy); the encoder keeps RGB.
        """
        img = self.image()
        if img.format() != QImage.Format.Format_RGBX8888:
            img = img.convertToFormat(QImage.Format.Format_RGBX8888)
        self._frame_image = img        # keeps the pixels alive while the array is in use
        return rgbx_view(img)

    def save_svg(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """The 2-D view (or the data view) as SVG: vector lines, markers, text; the images embedded."""
        if self.contour is None and self.data is None:
            raise RenderError("SVG export is of the 2-D view: use view '2d' (or a .png for 3-D)")
        return save_svg(path, self.size, self.logical_size, self.race.scene.title,
                        lambda painter: self._paint(painter, svg=True), overwrite=overwrite)

    def close(self) -> None:
        """Free the hidden views now: GL objects, and the pyqtgraph scenes with all their items."""
        if self.surface is not None:
            self.surface.close()
            self.surface = None
        for pane in (self.contour, self.plots, self.data):
            if pane is not None:
                pane.close()
        self.contour = self.plots = self.data = None

    @property
    def logical_size(self) -> tuple[float, float]:
        return self.size[0] / self.scale, self.size[1] / self.scale

    # --- layout and painting ----------------------------------------------------
    def layout(self, svg: bool = False) -> dict:
        """Logical rects of header, legend and the panes that are drawn."""
        view = ("data" if self.view == "data" else "2d") if svg else self.view
        return canvas.layout(self.logical_size, view, canvas.legend_entries(self.race.runs),
                             self.plots is not None, self.scale, data=self.data is not None)

    def _paint(self, painter: QPainter, svg: bool) -> None:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                               | QPainter.RenderHint.SmoothPixmapTransform)
        lay = self.layout(svg)
        k = 1.0 if svg else self.scale       # SVG strokes are drawn in logical units already
        for name, rect in lay["panes"].items():
            if name == "3d":
                self._paint_3d(painter, rect)
            elif name == "2d":
                self.contour.paint(painter, rect, k, self.scale, cached=self.cache and not svg)
            elif name == "data":
                self.data.paint(painter, rect, k)
            else:
                for item, part in self.plots.items(rect):
                    paint_item(painter, item, part, k)
        race = self.race
        canvas.paint_header(painter, lay["header"], self.theme, race.scene.title, race.step_count, race.total_steps)
        canvas.paint_legend(painter, lay["legend"], lay["rows"], self.theme)

    def _paint_3d(self, painter: QPainter, rect) -> None:
        s = self.scale
        x0, y0 = round(rect.left() * s), round(rect.top() * s)
        w, h = round(rect.right() * s) - x0, round(rect.bottom() * s) - y0
        img = self.surface.render(w, h, s, self.transparent)
        img.setDevicePixelRatio(s)       # device pixels land 1:1 on the output
        painter.drawImage(QPointF(x0 / s, y0 / s), img)
