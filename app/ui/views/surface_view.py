"""The 3-D view: the loss surface coloured by height, with trajectories racing over it.

The surface is built once per landscape (set_surface); each frame only the
trajectory items get new whole arrays (set_tracks). Data coordinates are mapped
into a 10 x 10 box with height 0..HEIGHT so every landscape has a pleasant aspect.

The GL scene lives in an app.ui.gl.window.GLWindow (a QOpenGLWindow embedded
with createWindowContainer, drawn through the cached static layer). Two
consequences: window grabs need grab_with_gl() to include the 3-D pixels, and
the window must be freed before its container (dispose()). While the camera
moves, the window draws a coarser stand-in mesh (MOVING_MESH) in the surface's place.

Runs are clipped to the drawn box (app.ui.gl.clip): a diverged run's path ends
at the box's edge, its head and cross where it leaves the box.
"""
from __future__ import annotations

import atexit
import weakref

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.common import colormaps, theme
from app.ui.gl.clip import clip_path, inside
from app.ui.gl.offscreen import OffscreenView
from app.ui.gl.paths import MARKER_GL_OPTIONS, ON_TOP, SURFACE, PathItems, cross_segments
from app.ui.gl.window import GLWindow
from app.ui.views.surface_grid import SurfaceGrid, axis_names, bound_labels, decimated

BOX = 10.0        # the surface spans [-5, 5] x [-5, 5] in world units
HEIGHT = 4.0      # and [0, HEIGHT] in z
MAX_MESH = 160    # 3-D mesh vertices per side at most: llvmpipe pays per triangle every frame
MOVING_MESH = 80  # ... and while the camera moves, when the static layer is redrawn every frame
LIFT = 0.06       # trajectories float this far above the surface (world units)
RAY_SAMPLES = 600 # steps along the view ray inside the surface box before bisecting a crossing
CAMERAS = {
    "reset": dict(distance=15.0, elevation=48.0, azimuth=-62.0),
    "top": dict(distance=14.0, elevation=90.0, azimuth=-90.0),
    "side": dict(distance=18.0, elevation=6.0, azimuth=-90.0),
}
LIGHT_DIR = np.array([-0.45, -0.55, 0.70])   # from the front-left, above: hills read as hills
LABEL_PT = 16     # axis labels (points); lecture mode passes its larger size to set_sizes


_LIVE_VIEWS: weakref.WeakSet[SurfaceView] = weakref.WeakSet()


@atexit.register
def _dispose_live_views() -> None:
    # Registered after PySide's own exit hook, so it runs first: windows are
    # freed in a safe order even if nobody closed the main window.
    for view in list(_LIVE_VIEWS):
        try:
            view.dispose()
        except RuntimeError:   # its C++ side is already gone
            pass


class SurfaceView(QWidget):
    """One SurfaceGrid and any number of trajectories, in 3-D.

    Signal start_clicked(x, y, all_runs): a click (no drag) hit the surface at data (x, y);
    all_runs is True when Shift was held. The same signal as ContourView's.
    """

    start_clicked = Signal(float, float, bool)

    def __init__(self, parent=None, th: theme.Theme = theme.LIGHT) -> None:
        super().__init__(parent)
        self.theme = th
        self.grid: SurfaceGrid | None = None
        self.line_width, self.halo_width = theme.LINE_WIDTH, theme.HALO_WIDTH
        self.head_size, self.start_size = theme.HEAD_SIZE, theme.START_SIZE
        self.label_pt = LABEL_PT
        self.round_joins = False     # round path joins (exports: thick lines); costs two draws a frame
        self._minima: tuple = ((), None)
        self.colormap = "viridis"
        self.show_contours = True
        self.wireframe = False
        self.gl = GLWindow()
        self.container = QWidget.createWindowContainer(self.gl, self)
        _LIVE_VIEWS.add(self)
        self.container.setToolTip("Drag to orbit, wheel to zoom; click to set the start (Shift: every run); camera presets 1 / 2 / 3")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.container)
        self.gl.setBackgroundColor(th.background)
        self.gl.click_handler = self._on_click
        self.setMinimumSize(200, 160)
        self.surface = gl.GLSurfacePlotItem(computeNormals=False, smooth=False, shader=None,
                                            glOptions=SURFACE)
        self.surface.setDepthValue(0)
        self.addItem(self.surface)
        # drawn in the surface's place while the camera moves (hidden: only the GL window's
        # static layer draws it, see app.ui.gl.window)
        self.surface_coarse = gl.GLSurfacePlotItem(computeNormals=False, smooth=False, shader=None,
                                                   glOptions=SURFACE)
        self.surface_coarse.setDepthValue(0)
        self.surface_coarse.setVisible(False)
        self.addItem(self.surface_coarse)
        self.gl.stand_ins[self.surface] = self.surface_coarse
        # Antialiasing thousands of contour segments costs ~7 ms a frame on llvmpipe.
        self.contours = gl.GLLinePlotItem(mode="lines", width=1.0, antialias=False, color=(1, 1, 1, 0.35))
        self.contours.setGLOptions(ON_TOP)
        self.contours.setDepthValue(1)
        self.addItem(self.contours)
        # the stand-ins while the camera moves: a coarser mesh, and contour lines laid on it
        self.contours_coarse = gl.GLLinePlotItem(mode="lines", width=1.0, antialias=False)
        self.contours_coarse.setGLOptions(ON_TOP)
        self.contours_coarse.setDepthValue(1)
        self.contours_coarse.setVisible(False)
        self.addItem(self.contours_coarse)
        self.gl.stand_ins[self.contours] = self.contours_coarse
        self.floor = gl.GLGridItem(size=pg.Vector(BOX, BOX, 1), color=th.grid3d)
        self.floor.setSpacing(BOX / 10, BOX / 10)
        self.floor.translate(0, 0, -0.02)
        self.addItem(self.floor)
        self._labels: list[gl.GLTextItem] = []
        self._paths: PathItems | None = None   # made with the current look by the next set_tracks
        self._tracks: list[PathItems] = []     # per run, the shared path items (one draw for all runs)
        self.heads_outline = self._scatter(20)
        self.heads = self._scatter(21)
        self.starts_outline = self._scatter(20)
        self.starts = self._scatter(21)
        self.crosses = gl.GLLinePlotItem(mode="lines", width=4.0, antialias=True, color=(0.85, 0.1, 0.1, 1))
        self.crosses.setGLOptions(MARKER_GL_OPTIONS)
        self.crosses.setDepthValue(22)
        self.addItem(self.crosses)
        self.stars_outline = self._scatter(20)
        self.stars = self._scatter(21)
        self.set_camera("reset")

    def dispose(self) -> None:
        """Delete the GL window, then its container, now (idempotent).

        PySide owns the window from Python while the container owns it in C++;
        left to teardown, PySide may free the window first and Qt then crashes
        on the container's dangling pointer. MainWindow.closeEvent calls this.
        """
        import shiboken6

        if self.container is None:
            return
        gl_window, container = self.gl, self.container
        self.container = None
        if shiboken6.isValid(gl_window):
            shiboken6.delete(gl_window)
        if shiboken6.isValid(container):
            from PySide6.QtCore import QCoreApplication, QEvent

            container.deleteLater()   # through Qt, so PySide hears of it
            QCoreApplication.sendPostedEvents(container, QEvent.Type.DeferredDelete)

    @property
    def disposed(self) -> bool:
        """The GL window is gone (the main window closed): nothing may draw into it."""
        return self.container is None

    # --- delegation to the GL window ---------------------------------------
    def addItem(self, item) -> None:
        self.gl.addItem(item)

    def removeItem(self, item) -> None:
        self.gl.removeItem(item)

    def setCameraPosition(self, **kw) -> None:
        self.gl.setCameraPosition(**kw)

    def grabFramebuffer(self) -> QImage:
        return self.gl.grabFramebuffer()

    def _scatter(self, depth: int) -> gl.GLScatterPlotItem:
        it = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), pxMode=True)
        it.setGLOptions(MARKER_GL_OPTIONS)
        it.setDepthValue(depth)
        self.addItem(it)
        return it

    # --- look ---------------------------------------------------------------
    def set_sizes(self, line: float, halo: float, head: float, start: float, label_pt: float | None = None) -> None:
        """Pixel widths of run lines and their halos, sizes of head and start markers; the axis labels'
        point size (keep it at least the 2-D view's tick size)."""
        self.line_width, self.halo_width = float(line), float(halo)
        self.head_size, self.start_size = float(head), float(start)
        if label_pt is not None:
            self.label_pt = float(label_pt)
            if self.grid is not None:
                self._set_labels()
        self._drop_tracks()

    def set_theme(self, th: theme.Theme) -> None:
        """Recolour in place: background, floor grid, halos, contour lines, axis labels, minima."""
        self.theme = th
        self.gl.setBackgroundColor(th.background)
        self.floor.setColor(th.grid3d)
        self._drop_tracks()
        if self.grid is not None:
            self._set_contours(self._levels)
            self._set_minima(*self._minima)
            self._set_labels()
        self.gl.invalidate_static()

    def _drop_tracks(self) -> None:
        """Forget the path items: the next set_tracks makes them with the current look."""
        if self._paths is not None:
            self._paths.remove(self)
        self._paths, self._tracks = None, []

    # --- coordinates ------------------------------------------------------
    def world(self, xy: np.ndarray, f: np.ndarray, lift: float = LIFT) -> np.ndarray:
        """Data points (k, 2) with losses (k,) -> world positions (k, 3)."""
        (x0, x1), (y0, y1) = self.grid.bounds
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        out = np.empty((len(xy), 3), dtype=np.float32)
        out[:, 0] = (xy[:, 0] - x0) / (x1 - x0) * BOX - BOX / 2
        out[:, 1] = (xy[:, 1] - y0) / (y1 - y0) * BOX - BOX / 2
        out[:, 2] = self.grid.unit(np.asarray(f).reshape(-1)) * HEIGHT + lift
        return out

    # --- surface (rebuilt only when the landscape or its look changes) ----
    def set_surface(self, grid: SurfaceGrid, colormap: str = "viridis", contour_levels: int = 20,
                    minima=(), landscape=None) -> None:
        # The mesh and its contour lines on the same decimated nodes (the 2-D map keeps the full grid).
        full = grid
        grid = decimated(full, MAX_MESH)
        self.grid, self.colormap = grid, colormap
        self._mesh = (grid.xs, grid.ys, grid.t)
        self._coarse = decimated(full, MOVING_MESH)
        self.surface.setData(**self._mesh_data(grid))
        self.surface_coarse.setData(**self._mesh_data(self._coarse))
        self._set_contours(contour_levels)
        self._minima = (minima, landscape)
        self._set_minima(minima, landscape)
        self._set_labels()

    def _mesh_data(self, grid: SurfaceGrid) -> dict:
        """GLSurfacePlotItem.setData arguments of the grid's mesh in the box, coloured and shaded."""
        X = (grid.xs - grid.xs[0]) / (grid.xs[-1] - grid.xs[0]) * BOX - BOX / 2
        Y = (grid.ys - grid.ys[0]) / (grid.ys[-1] - grid.ys[0]) * BOX - BOX / 2
        t = grid.t.T        # (n_x, n_y): pyqtgraph wants z[i, j] at (x[i], y[j])
        colors = colormaps.colors_for(t, self.colormap)
        colors[..., :3] *= _lambert(X, Y, t * HEIGHT)[..., None]
        z = (t * HEIGHT).astype(np.float32)
        if grid.undefined is not None:
            # no surface where f has no value: GL drops triangles with a NaN corner, so the
            # undefined region is a hole, not a plateau at the colour map's top
            z[grid.undefined.T] = np.nan
        return dict(x=X, y=Y, z=z, colors=colors.reshape(-1, 4),
                    showGrid=self.wireframe, lineColor=(0, 0, 0, 0.25))

    def _set_contours(self, levels: int) -> None:
        self._levels = levels
        color = (1, 1, 1, 0.45) if self.theme.name == "light" else (0, 0, 0, 0.5)
        coarse = self._coarse
        for item, grid in ((self.contours, self.grid), (self.contours_coarse, coarse)):
            item.setData(pos=self._contour_segments(grid, levels), color=color)

    def _contour_segments(self, grid: SurfaceGrid, levels: int) -> np.ndarray:
        """The grid's contour lines as (2k, 3) segment ends (GL mode 'lines') on its own mesh."""
        lines = grid.contour_lines(levels if self.show_contours else 0)
        if len(lines) < 2:
            return np.zeros((0, 3), dtype=np.float32)
        a, b = lines[:-1], lines[1:]
        ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
        seg = np.empty((2 * ok.sum(), 2))
        seg[0::2], seg[1::2] = a[ok], b[ok]
        pos = self.world(seg, np.zeros(len(seg)), lift=0.0)
        # on the drawn mesh, so lines are not buried
        pos[:, 2] = self._height_at(seg, (grid.xs, grid.ys, grid.t)) + 0.01
        return pos

    def _height_at(self, xy: np.ndarray, mesh: tuple | None = None) -> np.ndarray:
        """Bilinear height of the drawn (decimated) mesh at data points: paths and contour
        lines lie on what the eye sees, not under it where the mesh cuts across a crease."""
        mx, my, t = self._mesh if mesh is None else mesh
        fx = np.interp(xy[:, 0], mx, np.arange(len(mx)))
        fy = np.interp(xy[:, 1], my, np.arange(len(my)))
        i0 = np.clip(np.floor(fx).astype(int), 0, len(mx) - 2)
        j0 = np.clip(np.floor(fy).astype(int), 0, len(my) - 2)
        ax, ay = fx - i0, fy - j0
        h = (t[j0, i0] * (1 - ax) * (1 - ay) + t[j0, i0 + 1] * ax * (1 - ay)
             + t[j0 + 1, i0] * (1 - ax) * ay + t[j0 + 1, i0 + 1] * ax * ay)
        return (h * HEIGHT).astype(np.float32)

    # --- picking: window point -> data point on the drawn surface ----------
    def _on_click(self, x_px: float, y_px: float, shift: bool) -> None:
        hit = self.pick(x_px, y_px)
        if hit is not None:   # a click on the background sets nothing
            self.start_clicked.emit(float(hit[0]), float(hit[1]), shift)

    def pick(self, x_px: float, y_px: float) -> tuple[float, float] | None:
        """Data (x, y) where the view ray through window point (x_px, y_px) first meets the drawn
        height field, or None when it misses.

        The ray o + s d is clipped to the box [-BOX/2, BOX/2]^2 x [0, HEIGHT] (slab method),
        sampled RAY_SAMPLES times; the first sample pair where g(s) = z(s) - height(x(s), y(s))
        goes from >= 0 to < 0 is refined by 40 bisections (|error| < box diagonal / 2^40).
        """
        if self.grid is None:
            return None
        o, d = self.gl.ray(x_px, y_px)
        lo = np.array([-BOX / 2, -BOX / 2, 0.0])
        hi = np.array([BOX / 2, BOX / 2, HEIGHT])
        with np.errstate(divide="ignore", invalid="ignore"):
            a, b = (lo - o) / d, (hi - o) / d
        a, b = np.where(d == 0, -np.inf, np.minimum(a, b)), np.where(d == 0, np.inf, np.maximum(a, b))
        inside = (d != 0) | ((o >= lo) & (o <= hi))
        s0, s1 = max(float(np.max(a)), 0.0), float(np.min(b))
        if not inside.all() or s1 <= s0:
            return None
        s = np.linspace(s0, s1, RAY_SAMPLES)
        g = self._ray_gap(o, d, s)
        below = np.flatnonzero((g[:-1] >= 0) & (g[1:] < 0))
        if len(below) == 0:
            return None
        lo_s, hi_s = s[below[0]], s[below[0] + 1]
        for _ in range(40):
            mid = 0.5 * (lo_s + hi_s)
            if self._ray_gap(o, d, np.array([mid]))[0] >= 0:
                lo_s = mid
            else:
                hi_s = mid
        p = o + 0.5 * (lo_s + hi_s) * d
        (x0, x1), (y0, y1) = self.grid.bounds
        return (x0 + (p[0] / BOX + 0.5) * (x1 - x0), y0 + (p[1] / BOX + 0.5) * (y1 - y0))

    def _ray_gap(self, o: np.ndarray, d: np.ndarray, s: np.ndarray) -> np.ndarray:
        """Height of the ray above the drawn mesh at ray parameters s (world units)."""
        p = o[None, :] + s[:, None] * d[None, :]
        (x0, x1), (y0, y1) = self.grid.bounds
        xy = np.column_stack([x0 + (p[:, 0] / BOX + 0.5) * (x1 - x0), y0 + (p[:, 1] / BOX + 0.5) * (y1 - y0)])
        return p[:, 2] - self._height_at(xy).astype(np.float64)

    def _set_minima(self, minima, landscape) -> None:
        pts = np.asarray([m for m in minima if self._inside(m)], dtype=np.float64).reshape(-1, 2)
        if len(pts) == 0 or landscape is None:
            for it in (self.stars, self.stars_outline):
                it.setData(pos=np.zeros((0, 3)))
            return
        pos = self.world(pts, landscape.value(pts), lift=0.08)
        # GL points cannot be stars: a small white dot in a black ring, like the 2-D star's colours.
        self.stars_outline.setData(pos=pos, size=13, color=theme.rgba_float(self.theme.halo))
        self.stars.setData(pos=pos, size=8, color=theme.rgba_float("#FFFFFF"))

    def _inside(self, p) -> bool:
        (x0, x1), (y0, y1) = self.grid.bounds
        return x0 <= p[0] <= x1 and y0 <= p[1] <= y1

    def _set_labels(self) -> None:
        for it in self._labels:
            self.removeItem(it)
        (x0, x1), (y0, y1) = self.grid.bounds
        fg = pg.mkColor(self.theme.foreground)
        h = BOX / 2 + 0.6
        (tx0, tx1), (ty0, ty1) = bound_labels(x0, x1), bound_labels(y0, y1)
        # x along the front edge, y along the right edge, each label centred on its point
        ax, ay = axis_names(self._minima[1])     # the landscape's own names (W[0,0], ...) or x, y
        spec = [((0, -h, 0), ax), ((h, 0, 0), ay),
                ((-BOX / 2 + 0.3, -h, 0), tx0), ((BOX / 2 - 0.3, -h, 0), tx1),
                ((h, -BOX / 2 + 0.3, 0), ty0), ((h, BOX / 2 - 0.3, 0), ty1)]
        font = QFont("DejaVu Sans")
        font.setPointSizeF(self.label_pt)
        centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
        self._labels = []
        for pos, text in spec:
            it = gl.GLTextItem(pos=np.array(pos, dtype=float), text=text, color=fg, font=font, alignment=centre)
            self.addItem(it)
            self._labels.append(it)

    # --- per frame ---------------------------------------------------------
    def set_tracks(self, tracks) -> None:
        """Draw the runs (sequence of RunTrack): whole-array setData, nothing rebuilt."""
        if self.grid is None or self.container is None:
            return
        self.gl.batching, self.gl.dirty = True, False
        try:
            self._set_tracks(tracks)
        finally:
            self.gl.batching = False
        self.gl.paint_now()

    def _set_tracks(self, tracks) -> None:
        if self._paths is None:
            self._paths = PathItems(self, self.theme, self.line_width, self.halo_width, self.round_joins)
        self._tracks = [self._paths] * len(tracks)
        heads, head_colors, starts, start_colors, crosses, segments, colors = [], [], [], [], [], [], []
        for tr in tracks:
            pos = self.world(tr.points, tr.losses)
            with np.errstate(invalid="ignore"):
                pos[:, 2] = np.maximum(pos[:, 2], self._height_at(tr.points) + LIFT)
            color = theme.rgba_float(tr.color)
            within = inside(pos, -BOX / 2, BOX / 2)
            if within.all():     # the usual case: the whole path in the box, nothing to cut
                seg = np.repeat(pos, 2, axis=0)[1:-1] if len(pos) >= 2 else pos[:0]
            else:
                seg = clip_path(pos, -BOX / 2, BOX / 2).astype(np.float32)
            segments.append(seg)
            colors.append(color)
            ok = within[[0, -1]]
            if ok[0]:
                starts.append(pos[0])
                start_colors.append(color)
            # the head where the run is, or where its path last leaves the box
            head = pos[-1] if ok[1] else (seg[-1] if len(seg) else None)
            if head is not None:
                heads.append(head)
                head_colors.append(color)
                if tr.diverged_at is not None:
                    crosses.append(head)
        self._paths.set_segments(segments, colors)
        self._set_markers(self.heads, self.heads_outline, heads, head_colors, self.head_size,
                          self.head_size + 5, theme.rgba_float(self.theme.halo))
        self._set_markers(self.starts, self.starts_outline, starts, start_colors, self.start_size - 5,
                          self.start_size, None, fill=theme.rgba_float("#FFFFFF"))
        self.crosses.setData(pos=cross_segments(np.asarray(crosses).reshape(-1, 3)))

    @staticmethod
    def _set_markers(inner, outer, pos, colors, inner_size, outer_size, outer_color, fill=None) -> None:
        """Two-tone point markers: outer ring (outer_color, or the run's colour) under an inner dot
        (the run's colour, or fill)."""
        if not pos:
            for it in (inner, outer):
                it.setData(pos=np.zeros((0, 3)))
            return
        pos, colors = np.asarray(pos, dtype=np.float32), np.asarray(colors)
        outer.setData(pos=pos, size=outer_size, color=colors if outer_color is None else outer_color)
        inner.setData(pos=pos, size=inner_size, color=colors if fill is None else fill)

    # --- camera and export -------------------------------------------------
    def set_camera(self, preset: str) -> None:
        if preset not in CAMERAS:
            raise ValueError(f"unknown camera preset {preset!r}; choose one of {', '.join(CAMERAS)}")
        self.setCameraPosition(pos=pg.Vector(0, 0, HEIGHT * 0.35), **CAMERAS[preset])

    def camera_dict(self) -> dict[str, float]:
        o = self.gl.opts
        return {"distance": float(o["distance"]), "elevation": float(o["elevation"]), "azimuth": float(o["azimuth"])}

    def render_image(self, width: int, height: int) -> QImage:
        """Render the current view at width x height into a QImage, in an offscreen framebuffer.

        Works on a hidden SurfaceView too, and never resizes the window on screen
        (app.ui.gl.offscreen draws it, labels included).
        """
        renderer = OffscreenView(self.gl)
        try:
            return renderer.render(int(width), int(height))
        finally:
            renderer.close()


def grab_with_gl(widget: QWidget) -> QImage:
    """widget.grab() plus the pixels of every SurfaceView inside it (native GL
    windows are not part of QWidget.grab)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QPainter

    img = widget.grab().toImage()
    painter = QPainter(img)
    views = ([widget] if isinstance(widget, SurfaceView) else []) + widget.findChildren(SurfaceView)
    for view in views:
        if view.isVisible() and view.container is not None:
            top_left = view.container.mapTo(widget, QPoint(0, 0))
            frame = view.gl.grabFramebuffer()
            painter.drawImage(top_left, frame.scaled(view.container.size()))
    painter.end()
    return img


def _lambert(X: np.ndarray, Y: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Diffuse shading factor in [0.6, 1] per vertex, precomputed once (no per-frame normals).

    The normal of z = Z(x, y) is (-dZ/dx, -dZ/dy, 1) / norm; shade = 0.6 + 0.4 max(n . light, 0).
    """
    dzdx, dzdy = np.gradient(Z, X, Y)
    n = np.stack([-dzdx, -dzdy, np.ones_like(Z)], axis=-1)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    light = LIGHT_DIR / np.linalg.norm(LIGHT_DIR)
    return (0.6 + 0.4 * np.clip(n @ light, 0.0, 1.0)).astype(np.float32)
