"""The static layer of a 3-D view: what does not change during a race, drawn once and copied under each frame.

The surface mesh, its contour lines, the floor grid and the axis labels change
only when the landscape, the look or the camera does, yet cost most of a frame
on software GL (llvmpipe). The rule, the same on screen and in exports:

- static items: top-level items with a depth value below STATIC_DEPTH, text excepted;
- static labels: top-level GLTextItems below STATIC_DEPTH, painted with one QPainter
  into the layer right after the static items (GLTextItem.paint would open a
  QPainter on the window every frame);
- everything else (runs, markers, overlays) is drawn over the copied layer with
  the depth buffer cleared: those items never hide behind the surface.

A layer is redrawn when its key changes: size, background, camera, the
visibility and data of its items (any item.update() counts, see watch) and
the text of its labels.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QVector3D
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLPaintDevice

from app.ui.gl.framebuffers import make_fbo

STATIC_DEPTH = 10   # GL items below this depth value are the static layer


def static_items(view) -> list:
    """The view's static items (see the module docstring), watched for changes."""
    out = [it for it in view.items if it.parentItem() is None and it.depthValue() < STATIC_DEPTH
           and not isinstance(it, gl.GLTextItem)]
    for it in out:
        watch(it)
    return out


def static_labels(view) -> list:
    """The view's static text items: the axis labels."""
    return [it for it in view.items if isinstance(it, gl.GLTextItem) and it.parentItem() is None
            and it.depthValue() < STATIC_DEPTH]


def watch(item) -> None:
    """Count item.update() calls (setData, setVisible, transforms) in item._layer_version."""
    if hasattr(item, "_layer_version"):
        return
    original = item.update
    item._layer_version = 0

    def update() -> None:
        item._layer_version += 1
        original()

    item.update = update


def layer_key(view, w: int, h: int, bg: Sequence[float], extra: object = None) -> tuple:
    """What the layer's pixels depend on: redraw when this changes."""
    items = static_items(view)
    labels = static_labels(view)
    return (w, h, tuple(bg), tuple(view.viewMatrix().copyDataTo()), tuple(view.currentProjection().copyDataTo()),
            tuple((id(it), it.visible(), it._layer_version) for it in items),
            tuple((id(it), it.visible(), it.text, tuple(np.asarray(it.pos, dtype=float)), it.color.rgba(),
                   it.font.key(), int(it.alignment)) for it in labels),
            extra)


def draw_items(view, items, stand_ins: Mapping | None = None) -> None:
    """GLViewMixin.drawItemTree for some top-level items, in depth order.

    ``stand_ins`` maps an item to a lighter one drawn in its place (e.g. a
    coarser mesh while the camera moves); stand-ins are kept hidden in the view.
    """
    for it in sorted(items, key=lambda a: a.depthValue()):
        if not it.visible():
            continue
        src = stand_ins.get(it, it) if stand_ins else it
        view._modelViewStack.append(view.currentModelView() * src.transform())
        try:
            if src is it:
                view.drawItemTree(it)
            else:
                if view.default_vao.isCreated():   # as drawItemTree does: QPainter unbinds it
                    view.default_vao.bind()
                src.paint()
        finally:
            view._modelViewStack.pop()


def paint_labels(view, labels, w: int, h: int, dpr: float = 1.0, font: QFont | None = None) -> None:
    """Paint text items into the bound framebuffer at their projected places (one QPainter).

    Each label is placed as GLTextItem places it (its alignment about the
    projected point), in its own font or ``font``; call right after the
    static items so the view's projection is the one they were drawn with.
    """
    labels = [it for it in sorted(labels, key=lambda a: a.depthValue()) if it.visible() and it.text]
    if not labels:
        return
    device = QOpenGLPaintDevice(w, h)
    device.setDevicePixelRatio(dpr)
    lw, lh = w / dpr, h / dpr
    painter = QPainter(device)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    try:
        for it in labels:
            m = view.currentProjection() * view.currentModelView() * it.transform()
            ndc = m.map(QVector3D(*map(float, it.pos)))
            f = font if font is not None else it.font
            at = _aligned(QPointF((ndc.x() + 1) / 2 * lw, (1 - ndc.y()) / 2 * lh), f, it.text, it.alignment)
            painter.setPen(it.color)
            painter.setFont(f)
            painter.drawText(at, it.text)
    finally:
        painter.end()


def _aligned(at: QPointF, font: QFont, text: str, alignment) -> QPointF:
    """The baseline point of text aligned about ``at`` (as GLTextItem.align_text, in any font)."""
    rect = QFontMetrics(font).tightBoundingRect(text)
    dx = dy = 0.0
    if alignment & Qt.AlignmentFlag.AlignRight:
        dx = rect.width()
    if alignment & Qt.AlignmentFlag.AlignHCenter:
        dx = rect.width() / 2.0
    if alignment & Qt.AlignmentFlag.AlignTop:
        dy = rect.height()
    if alignment & Qt.AlignmentFlag.AlignVCenter:
        dy = rect.height() / 2.0
    return QPointF(at.x() - dx, at.y() + dy)


def draw_layer(view, fbo, w: int, h: int, bg: Sequence[float], *, dpr: float = 1.0,
               font: QFont | None = None, stand_ins: Mapping | None = None) -> None:
    """Clear fbo to bg and draw the static items and labels into it."""
    fbo.bind()
    GL.glViewport(0, 0, w, h)
    GL.glClearColor(*bg)
    GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
    view.setProjection((0, 0, w, h), (0, 0, w, h))
    view.setModelview()
    draw_items(view, static_items(view), stand_ins)
    paint_labels(view, static_labels(view), w, h, dpr, font)


def draw_over(view, w: int, h: int) -> None:
    """Draw the items that are not in the static layer into the bound framebuffer, over what is there."""
    skip = set(map(id, static_items(view) + static_labels(view)))
    GL.glViewport(0, 0, w, h)
    GL.glClear(GL.GL_DEPTH_BUFFER_BIT)
    view.setProjection((0, 0, w, h), (0, 0, w, h))
    view.setModelview()
    draw_items(view, [it for it in view.items if it.parentItem() is None and id(it) not in skip])


def copy_colour(src: int, dst: int, w: int, h: int) -> None:
    """Blit the colour of framebuffer src into dst (GL handles) and leave dst bound."""
    GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, src)
    GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, dst)
    GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST)
    GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, dst)


class StaticLayer:
    """The static layer of one view at one size, kept in a single-sample framebuffer.

    ``samples`` > 0 draws it multisampled and resolves it (exports); the
    screen draws it single-sampled, as its window is.
    """

    def __init__(self, samples: int = 0) -> None:
        self.samples = samples
        self.fbo: QOpenGLFramebufferObject | None = None
        self._multi: QOpenGLFramebufferObject | None = None
        self.key: tuple | None = None
        self.version = 0      # bumped by invalidate(): a change no key can see (e.g. a theme)

    def invalidate(self) -> None:
        self.version += 1

    def render(self, view, w: int, h: int, key: tuple, *, bg: Sequence[float], dpr: float = 1.0,
               font: QFont | None = None, stand_ins: Mapping | None = None) -> QOpenGLFramebufferObject:
        """The layer's framebuffer for ``key`` (from layer_key), drawn now only if the key changed.

        Needs the view's GL context current.
        """
        key = (key, self.version)
        if self.fbo is None or (self.fbo.width(), self.fbo.height()) != (w, h):
            self.fbo = make_fbo(w, h)
            self._multi = make_fbo(w, h, self.samples) if self.samples else None
            self.key = None
        if key != self.key:
            target = self._multi if self._multi is not None else self.fbo
            draw_layer(view, target, w, h, bg, dpr=dpr, font=font, stand_ins=stand_ins)
            if self._multi is not None:
                QOpenGLFramebufferObject.blitFramebuffer(self.fbo, self._multi)
            self.key = key
        return self.fbo

    def release(self) -> None:
        """Forget the framebuffers (call with their context current, so GL frees them)."""
        self.fbo = self._multi = None
        self.key = None
