"""pyqtgraph's GL view (camera, mouse orbit, items) on a QOpenGLWindow, drawn through the static layer.

A QOpenGLWindow embedded with createWindowContainer, not a QOpenGLWidget: a
QOpenGLWidget makes Qt composite the WHOLE main window through OpenGL on every
repaint, which on software GL (llvmpipe) costs 2-3x the frame rate.

Each paint copies the cached static layer (app.ui.gl.static_layer) and draws
only the runs and markers over it. While the camera moves (an orbit drag) the
layer is redrawn every frame, with the stand-ins of ``stand_ins`` (a coarser
mesh) in place of their items; once the camera stands still the full layer
is drawn again (app.ui.gl.motion).

The cursor readout (``readout``: text, colours, size) is painted last, top-left
over everything, as the 2-D map shows its own; empty text paints nothing.
"""
from __future__ import annotations

import numpy as np
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6.QtCore import QCoreApplication, QEvent, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QSurfaceFormat
from PySide6.QtOpenGL import QOpenGLWindow

from app.ui.gl.motion import CameraMotion
from app.ui.gl.static_layer import StaticLayer, copy_colour, draw_over, layer_key, static_items

CLICK_SLOP = 4    # px: a press that moves further than this is an orbit drag, not a click


class GLWindow(GLViewMixin, QOpenGLWindow):
    """The 3-D scene's window: orbit and zoom as pyqtgraph does, clicks, synchronous paints."""

    batching = False        # while True, item updates only mark the window dirty
    click_handler = None    # callable(x_px, y_px, shift) for a left press+release without a drag
    hover_handler = None    # callable(x_px, y_px) as the pointer moves with no button; (None, None) when it leaves
    readout = ("", "#202020", "#FFFFFF", 10.0)   # (text, ink, ground, point size) painted top-left
    cache_static = True     # draw through the static layer (False: every item every frame)
    _press = None

    def __init__(self) -> None:
        super().__init__()
        fmt = QSurfaceFormat.defaultFormat()
        fmt.setSwapInterval(0)     # playback has its own timer; do not wait for vblank
        fmt.setSamples(0)
        fmt.setDepthBufferSize(24)   # the default format may have none: hills would not hide what is behind
        self.setFormat(fmt)
        self.layer = StaticLayer()
        self.stand_ins: dict = {}    # item -> lighter item drawn in its place while the camera moves
        self.motion = CameraMotion(self.update, self)

    # --- mouse: orbit as pyqtgraph does, plus a click that is not a drag ----
    def mousePressEvent(self, ev) -> None:
        self._press = ev.position() if ev.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:
        if self._press is not None and (ev.position() - self._press).manhattanLength() > CLICK_SLOP:
            self._press = None   # an orbit: its release must not move a start
        if self.hover_handler is not None:
            idle = ev.buttons() == Qt.MouseButton.NoButton
            self.hover_handler(*((ev.position().x(), ev.position().y()) if idle else (None, None)))
        super().mouseMoveEvent(ev)

    def leaveEvent(self, ev) -> None:
        if self.hover_handler is not None:
            self.hover_handler(None, None)
        super().leaveEvent(ev)

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

    def invalidate_static(self) -> None:
        """Redraw the static layer at the next paint (a change its key cannot see, e.g. a theme)."""
        self.layer.invalidate()

    def paintGL(self) -> None:
        if not self.cache_static or not static_items(self):
            super().paintGL()
            self._paint_readout()
            return
        w, h = self.deviceWidth(), self.deviceHeight()
        region = self.getViewport()
        self.setProjection(region, region)
        self.setModelview()
        camera = (tuple(self.viewMatrix().copyDataTo()), tuple(self.currentProjection().copyDataTo()))
        coarse = self.motion.moving(camera) and bool(self.stand_ins)
        bg = tuple(self.opts["bgcolor"])
        layer = self.layer.render(self, w, h, layer_key(self, w, h, bg, coarse), bg=bg,
                                  dpr=self.devicePixelRatio(), stand_ins=self.stand_ins if coarse else None)
        copy_colour(layer.handle(), self.defaultFramebufferObject(), w, h)
        draw_over(self, w, h)   # runs and markers draw without depth test (see MARKER_GL_OPTIONS)
        self._paint_readout()

    def _paint_readout(self) -> None:
        text, ink, ground, pt = self.readout
        if not text:
            return
        p = QPainter(self)
        try:
            font = QFont()
            font.setPointSizeF(pt)
            p.setFont(font)
            box = p.fontMetrics().boundingRect(text).adjusted(-4, -2, 4, 2)
            box.moveTo(6, 4)
            under = QColor(ground)
            under.setAlpha(200)      # the surface shows through a little, as under the 2-D readout
            p.fillRect(box, under)
            p.setPen(QColor(ink))
            p.drawText(QRectF(box), Qt.AlignmentFlag.AlignCenter, text)
        finally:
            p.end()

    def devicePixelRatioF(self) -> float:   # GLViewMixin and items ask the QWidget API
        return float(self.devicePixelRatio())

    def rect(self) -> QRect:
        return QRect(0, 0, self.width(), self.height())
