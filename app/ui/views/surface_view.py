"""The 3-D view: the loss surface coloured by height, with trajectories racing over it.

The surface is built once per landscape (set_surface); each frame only the
trajectory items get new whole arrays (set_tracks). Data coordinates are mapped
into a 10 x 10 box with height 0..HEIGHT so every landscape has a pleasant aspect.

The GL scene lives in a QOpenGLWindow embedded with createWindowContainer, not
in a QOpenGLWidget: a QOpenGLWidget makes Qt composite the WHOLE main window
through OpenGL on every repaint, which on software GL (llvmpipe) costs 2-3x
the frame rate. Two consequences: window grabs need grab_with_gl() to include
the 3-D pixels, and the window must be freed before its container (dispose()).
"""
from __future__ import annotations

import atexit
import weakref

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from OpenGL import GL
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt, Signal
from PySide6.QtGui import QImage, QSurfaceFormat
from PySide6.QtOpenGL import QOpenGLWindow
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.common import colormaps, theme
from app.ui.views.surface_grid import SurfaceGrid, decimated

BOX = 10.0        # the surface spans [-5, 5] x [-5, 5] in world units
HEIGHT = 4.0      # and [0, HEIGHT] in z
MAX_MESH = 160    # 3-D mesh vertices per side at most: llvmpipe pays per triangle every frame
LIFT = 0.06       # trajectories float this far above the surface (world units)
CLICK_SLOP = 4    # px: a press that moves further than this is an orbit drag, not a click
RAY_SAMPLES = 600 # steps along the view ray inside the surface box before bisecting a crossing
CAMERAS = {
    "reset": dict(distance=15.0, elevation=48.0, azimuth=-62.0),
    "top": dict(distance=14.0, elevation=90.0, azimuth=-90.0),
    "side": dict(distance=18.0, elevation=6.0, azimuth=-90.0),
}
_ON_TOP = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: True, GL.GL_CULL_FACE: False,
           "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA), "glDepthMask": (GL.GL_TRUE,)}
# Halos do not write depth, so the bright line drawn after them always wins.
_HALO = {**_ON_TOP, "glDepthMask": (GL.GL_FALSE,)}
# Markers (heads, starts, minima) are the key facts: drawn over everything.
_MARKER = {**_ON_TOP, GL.GL_DEPTH_TEST: False}
MARKER_GL_OPTIONS = _MARKER   # public: overlays (arrows, annotations) drawn like the paths
LIGHT_DIR = np.array([-0.45, -0.55, 0.70])   # from the front-left, above: hills read as hills
STATIC_DEPTH = 10   # GL items below this depth value are the cached static layer
_SURFACE = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False,
            "glDepthMask": (GL.GL_TRUE,)}


class _PathItems:
    """The GL items of all runs: one halo item and one line item, each a single draw.

    Every run's polyline goes in as separate segments (mode='lines'): one GL call
    for all runs instead of one per run, with the same pixels (GL rasterizes a
    strip segment by segment too), all halos under all lines as before.
    """

    def __init__(self, view, th: theme.Theme, line_width: float, halo_width: float) -> None:
        # Paths are drawn over the surface (no depth test): in the narrow creases
        # where solvers travel, the walls would otherwise hide them from most angles.
        self.halo = gl.GLLinePlotItem(mode="lines", width=halo_width + 1, antialias=True,
                                      color=theme.rgba_float(th.halo, 0.8))
        self.line = gl.GLLinePlotItem(mode="lines", width=line_width + 1, antialias=True)
        self.halo.setGLOptions({**_HALO, GL.GL_DEPTH_TEST: False})
        self.line.setGLOptions(_MARKER)
        self.halo.setDepthValue(10)
        self.line.setDepthValue(11)
        for it in (self.halo, self.line):
            view.addItem(it)

    def set_paths(self, paths: list[np.ndarray], colors: list[tuple]) -> None:
        """paths: per run (k, 3) world points; colors: per run RGBA floats."""
        segs = [np.repeat(p, 2, axis=0)[1:-1] for p in paths if len(p) >= 2]
        cols = [np.broadcast_to(np.asarray(c, dtype=np.float32), (2 * len(p) - 2, 4))
                for p, c in zip(paths, colors) if len(p) >= 2]
        if not segs:
            for it in (self.halo, self.line):
                it.setData(pos=np.zeros((0, 3), dtype=np.float32))
            return
        pos = np.concatenate(segs)
        self.halo.setData(pos=pos)
        self.line.setData(pos=pos, color=np.ascontiguousarray(np.concatenate(cols)))

    def remove(self, view) -> None:
        for it in (self.halo, self.line):
            view.removeItem(it)


class GLWindow(GLViewMixin, QOpenGLWindow):
    """pyqtgraph's GL view (camera, mouse orbit, items) on a QOpenGLWindow."""

    def __init__(self) -> None:
        super().__init__()
        fmt = QSurfaceFormat.defaultFormat()
        fmt.setSwapInterval(0)     # playback has its own timer; do not wait for vblank
        fmt.setSamples(0)
        fmt.setDepthBufferSize(24)   # the default format may have none: hills would not hide what is behind
        self.setFormat(fmt)

    batching = False   # while True, item updates only mark the window dirty
    click_handler = None   # callable(x_px, y_px, shift) for a left press+release without a drag
    _press = None

    # --- mouse: orbit as pyqtgraph does, plus a click that is not a drag ----
    def mousePressEvent(self, ev) -> None:
        self._press = ev.position() if ev.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:
        if self._press is not None and (ev.position() - self._press).manhattanLength() > CLICK_SLOP:
            self._press = None   # an orbit: its release must not move a start
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:
        press, self._press = self._press, None
        if press is not None and ev.button() == Qt.MouseButton.LeftButton and self.click_handler is not None:
            shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.click_handler(ev.position().x(), ev.position().y(), shift)
        super().mouseReleaseEvent(ev)

    def view_projection(self) -> np.ndarray:
        """4x4 world -> clip matrix (projection @ view) as drawn; logical and device pixels give
        the same matrix because the frustum depends only on the viewport's aspect ratio."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        m = self.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * self.viewMatrix()
        return np.array(m.data(), dtype=np.float64).reshape(4, 4).T   # data() is column-major

    def ray(self, x_px: float, y_px: float) -> tuple[np.ndarray, np.ndarray]:
        """(origin, unit direction) in world space of the view ray through window point (x_px, y_px)."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        ndc = np.array([2.0 * x_px / w - 1.0, 1.0 - 2.0 * y_px / h])
        inv = np.linalg.inv(self.view_projection())
        ends = inv @ np.array([[*ndc, -1.0, 1.0], [*ndc, 1.0, 1.0]]).T   # near and far plane
        near, far = (ends[:3] / ends[3]).T
        d = far - near
        return near, d / np.linalg.norm(d)


    def update(self) -> None:
        if self.batching:
            self.dirty = True
            return
        super().update()

    def paint_now(self) -> None:
        """Render and swap synchronously (no ~5 ms requestUpdate delay, one paint per frame)."""
        if self.isExposed():
            QCoreApplication.sendEvent(self, QEvent(QEvent.Type.UpdateRequest))
        else:
            super().update()

    # --- static layer cache ------------------------------------------------
    # The surface mesh, its contour lines and the floor change only when the
    # landscape, the look or the camera does, yet cost ~2/3 of a frame on
    # llvmpipe. They are drawn once into a framebuffer; each frame copies it
    # (one blit) and draws only the runs and markers over it.
    cache_static = True
    _static_fbo = None
    _static_key = None
    _static_version = 0

    def invalidate_static(self) -> None:
        """Redraw the cached static layer at the next paint."""
        self._static_version += 1

    def _static_items(self) -> list:
        out = []
        for it in self.items:
            if it.parentItem() is not None or it.depthValue() >= STATIC_DEPTH or isinstance(it, gl.GLTextItem):
                continue   # text is painted into the cache by _paint_labels (see there)
            if not getattr(it, "_static_hooked", False):
                _hook_static(it, self)
            out.append(it)
        return out

    def paintGL(self) -> None:
        static = self._static_items() if self.cache_static else []
        if not static:
            super().paintGL()
            return
        labels = self._static_labels()
        from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat

        w, h = self.deviceWidth(), self.deviceHeight()
        region = self.getViewport()
        self.setProjection(region, region)
        self.setModelview()
        key = (w, h, tuple(self.opts["bgcolor"]), tuple(self.viewMatrix().copyDataTo()),
               tuple(self.currentProjection().copyDataTo()), tuple((id(it), it.visible()) for it in static),
               tuple((id(it), it.visible(), it.text, tuple(np.asarray(it.pos, dtype=float)), it.color.rgba(),
                      it.font.key()) for it in labels),
               self._static_version)
        default = self.defaultFramebufferObject()
        fbo = self._static_fbo
        if fbo is None or (fbo.width(), fbo.height()) != (w, h):
            fmt = QOpenGLFramebufferObjectFormat()
            fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            fbo = self._static_fbo = QOpenGLFramebufferObject(w, h, fmt)
            self._static_key = None
        if key != self._static_key:
            fbo.bind()
            GL.glViewport(0, 0, w, h)
            GL.glClearColor(*self.opts["bgcolor"])
            GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
            self._draw_top_level(static)
            self._paint_labels(labels, w, h)
            self._static_key = key
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, fbo.handle())
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, default)
        GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, default)
        GL.glViewport(0, 0, w, h)
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT)   # runs and markers draw without depth test (see _MARKER)
        self._draw_top_level([it for it in self.items if it.parentItem() is None and it not in static
                              and not any(it is lb for lb in labels)])

    def _static_labels(self) -> list:
        """Top-level text items below STATIC_DEPTH: the axis labels, drawn into the cache."""
        return [it for it in self.items if isinstance(it, gl.GLTextItem) and it.parentItem() is None
                and it.depthValue() < STATIC_DEPTH]

    def _paint_labels(self, labels, w: int, h: int) -> None:
        """GLTextItem.paint for every label, with one QPainter on the bound cache framebuffer.

        GLTextItem paints with a QPainter on the window (~0.2 ms a label, every
        frame); painted into the cache they cost nothing per frame. Same place,
        font, colour and hints, and, drawn right after the static items and
        before the runs, the same stacking as before.
        """
        from PySide6.QtGui import QPainter, QVector3D
        from PySide6.QtOpenGL import QOpenGLPaintDevice

        labels = [it for it in sorted(labels, key=lambda a: a.depthValue()) if it.visible() and it.text]
        if not labels:
            return
        device = QOpenGLPaintDevice(w, h)
        device.setDevicePixelRatio(self.devicePixelRatio())
        painter = QPainter(device)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        try:
            for it in labels:
                self._modelViewStack.append(self.currentModelView() * it.transform())
                try:
                    at = it.align_text(it.compute_projection().map(QVector3D(*it.pos)).toPointF())
                finally:
                    self._modelViewStack.pop()
                painter.setPen(it.color)
                painter.setFont(it.font)
                painter.drawText(at, it.text)
        finally:
            painter.end()

    def _draw_top_level(self, items) -> None:
        """GLViewMixin.drawItemTree for a subset of the top-level items, in depth order."""
        for it in sorted(items, key=lambda a: a.depthValue()):
            if not it.visible():
                continue
            self._modelViewStack.append(self.currentModelView() * it.transform())
            try:
                self.drawItemTree(it)
            finally:
                self._modelViewStack.pop()

    def devicePixelRatioF(self) -> float:   # GLViewMixin and items ask the QWidget API
        return float(self.devicePixelRatio())

    def rect(self) -> QRect:
        return QRect(0, 0, self.width(), self.height())


def _hook_static(item, window: GLWindow) -> None:
    """Make item.update() (called by setData, setVisible, transforms) also invalidate the cache."""
    original = item.update
    ref = weakref.ref(window)

    def update() -> None:
        win = ref()
        if win is not None:
            win.invalidate_static()
        original()

    item.update = update
    item._static_hooked = True


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
                                            glOptions=_SURFACE)
        self.surface.setDepthValue(0)
        self.addItem(self.surface)
        # Antialiasing thousands of contour segments costs ~7 ms a frame on llvmpipe.
        self.contours = gl.GLLinePlotItem(mode="lines", width=1.0, antialias=False, color=(1, 1, 1, 0.35))
        self.contours.setGLOptions(_ON_TOP)
        self.contours.setDepthValue(1)
        self.addItem(self.contours)
        self.floor = gl.GLGridItem(size=pg.Vector(BOX, BOX, 1), color=th.grid3d)
        self.floor.setSpacing(BOX / 10, BOX / 10)
        self.floor.translate(0, 0, -0.02)
        self.addItem(self.floor)
        self._labels: list[gl.GLTextItem] = []
        self._paths: _PathItems | None = None   # made with the current look by the next set_tracks
        self._tracks: list[_PathItems] = []     # per run, the shared path items (one draw for all runs)
        self.heads_outline = self._scatter(20)
        self.heads = self._scatter(21)
        self.starts_outline = self._scatter(20)
        self.starts = self._scatter(21)
        self.crosses = gl.GLLinePlotItem(mode="lines", width=4.0, antialias=True, color=(0.85, 0.1, 0.1, 1))
        self.crosses.setGLOptions(_MARKER)
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
        it.setGLOptions(_MARKER)
        it.setDepthValue(depth)
        self.addItem(it)
        return it

    # --- look ---------------------------------------------------------------
    def set_sizes(self, line: float, halo: float, head: float, start: float) -> None:
        """Pixel widths of run lines and their halos, sizes of head and start markers."""
        self.line_width, self.halo_width = float(line), float(halo)
        self.head_size, self.start_size = float(head), float(start)
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
        grid = decimated(grid, MAX_MESH)
        self.grid, self.colormap = grid, colormap
        X = (grid.xs - grid.xs[0]) / (grid.xs[-1] - grid.xs[0]) * BOX - BOX / 2
        Y = (grid.ys - grid.ys[0]) / (grid.ys[-1] - grid.ys[0]) * BOX - BOX / 2
        t = grid.t.T        # (n_x, n_y): pyqtgraph wants z[i, j] at (x[i], y[j])
        self._mesh = (grid.xs, grid.ys, grid.t)
        colors = colormaps.colors_for(t, colormap)
        colors[..., :3] *= _lambert(X, Y, t * HEIGHT)[..., None]
        colors = colors.reshape(-1, 4)
        self.surface.setData(x=X, y=Y, z=(t * HEIGHT).astype(np.float32), colors=colors,
                             showGrid=self.wireframe, lineColor=(0, 0, 0, 0.25))
        self._set_contours(contour_levels)
        self._minima = (minima, landscape)
        self._set_minima(minima, landscape)
        self._set_labels()

    def _set_contours(self, levels: int) -> None:
        self._levels = levels
        lines = self.grid.contour_lines(levels if self.show_contours else 0)
        if len(lines) < 2:
            self.contours.setData(pos=np.zeros((0, 3)))
            return
        a, b = lines[:-1], lines[1:]
        ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
        seg = np.empty((2 * ok.sum(), 2))
        seg[0::2], seg[1::2] = a[ok], b[ok]
        pos = self.world(seg, np.zeros(len(seg)), lift=0.0)
        pos[:, 2] = self._height_at(seg) + 0.01   # on the drawn mesh, so lines are not buried
        self.contours.setData(pos=pos, color=(1, 1, 1, 0.45) if self.theme.name == "light" else (0, 0, 0, 0.5))

    def _height_at(self, xy: np.ndarray) -> np.ndarray:
        """Bilinear height of the drawn (decimated) mesh at data points: paths and contour
        lines lie on what the eye sees, not under it where the mesh cuts across a crease."""
        mx, my, t = self._mesh
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
        # x along the front edge, y along the right edge: the corner labels never collide.
        spec = [((0, -h, 0), "x"), ((h, 0, 0), "y"),
                ((-BOX / 2, -h, 0), f"{x0:g}"), ((BOX / 2 - 0.6, -h, 0), f"{x1:g}"),
                ((h, -BOX / 2 + 0.6, 0), f"{y0:g}"), ((h, BOX / 2, 0), f"{y1:g}")]
        self._labels = []
        for pos, text in spec:
            it = gl.GLTextItem(pos=np.array(pos, dtype=float), text=text, color=fg)
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
            self._paths = _PathItems(self, self.theme, self.line_width, self.halo_width)
        self._tracks = [self._paths] * len(tracks)
        heads, head_colors, starts, crosses, paths = [], [], [], [], []
        for tr in tracks:
            pos = self.world(tr.points, tr.losses)
            pos[:, 2] = np.maximum(pos[:, 2], self._height_at(tr.points) + LIFT)
            color = theme.rgba_float(tr.color)
            paths.append(pos)
            heads.append(pos[-1])
            head_colors.append(color)
            starts.append(pos[0])
            if tr.diverged_at is not None:
                crosses.append(pos[-1])
        self._paths.set_paths(paths, head_colors)
        if heads:
            heads = np.asarray(heads)
            self.heads_outline.setData(pos=heads, size=self.head_size + 5, color=theme.rgba_float(self.theme.halo))
            self.heads.setData(pos=heads, size=self.head_size, color=np.asarray(head_colors))
            starts = np.asarray(starts)
            self.starts_outline.setData(pos=starts, size=self.start_size, color=np.asarray(head_colors))
            self.starts.setData(pos=starts, size=self.start_size - 5, color=theme.rgba_float("#FFFFFF"))
        else:
            for it in (self.heads, self.heads_outline, self.starts, self.starts_outline):
                it.setData(pos=np.zeros((0, 3)))
        self.crosses.setData(pos=_cross_segments(np.asarray(crosses).reshape(-1, 3)))

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
        (the renderer of app.ui.export.render draws it, labels included).
        """
        from app.ui.export.render import _Offscreen3D

        renderer = _Offscreen3D.around(self)
        try:
            return renderer.render(int(width), int(height), 1.0, False)
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


def _cross_segments(centers: np.ndarray, r: float = 0.25) -> np.ndarray:
    """Two crossing segments (an X) around each centre: (4k, 3) for mode='lines'."""
    if len(centers) == 0:
        return np.zeros((0, 3), dtype=np.float32)
    d = np.array([[-r, -r, 0], [r, r, 0], [-r, r, 0], [r, -r, 0]], dtype=np.float32)
    return (centers[:, None, :] + d[None]).reshape(-1, 3).astype(np.float32)
