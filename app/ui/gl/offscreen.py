"""A pyqtgraph GL view rendered at any pixel size into a QImage, without a window on screen.

The view (a GLViewMixin: the screen's GLWindow, shown or hidden) is drawn in
its own context when it has one, or in the shared offscreen context
(AA_ShareOpenGLContexts), into framebuffers of exactly the requested size,
by the rule of static_layer, as the screen draws: the static layer
(multisampled, resolved once and kept while its key holds), copied, then the
runs and markers over the copy (GL smooths their lines and points itself).
A video frame thus costs only the runs: ~6 ms instead of ~17 ms at 800x600
on llvmpipe; a single picture costs no more than one multisampled pass
(resolving and clearing a 4K multisampled buffer twice is what costs there).
Pixel widths of lines and markers are multiplied by the render's scale, so
a 4K export does not get hairlines.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from PySide6.QtGui import QFont, QImage, QOpenGLContext

from app.ui.gl.framebuffers import GLUnavailable, make_fbo, offscreen_context, read_fbo
from app.ui.gl.static_layer import StaticLayer, copy_colour, draw_over, layer_key


class OffscreenView:
    """Renders one GL view offscreen; close() frees its framebuffers (the view stays its owner's)."""

    SAMPLES = 4

    def __init__(self, view, *, label_font: QFont | None = None) -> None:
        self.view = view
        ctx = view.context() if view.isValid() else None
        # a view with a GL context of its own draws there (its vertex buffers live there)
        self.context = (ctx, view) if isinstance(ctx, QOpenGLContext) else offscreen_context()
        self.label_font = label_font
        self.layer = StaticLayer(samples=self.SAMPLES)
        self._plain = None
        self._applied: dict[int, object] = {}

    def render(self, w: int, h: int, s: float = 1.0, transparent: bool = False) -> QImage:
        """The view as a w x h QImage (labels included), line widths and marker sizes times s."""
        v = self.view
        w, h = max(int(w), 1), max(int(h), 1)
        self._scale_items(s)
        bg = (0.0, 0.0, 0.0, 0.0) if transparent else tuple(v.opts["bgcolor"])  # premultiplied clear
        ctx, surface = self.context
        if not ctx.makeCurrent(surface):
            raise GLUnavailable("cannot make the OpenGL context current for 3-D rendering")
        try:
            for it in v.items:
                if not it.isInitialized():
                    it.initialize()
            if self._plain is None or (self._plain.width(), self._plain.height()) != (w, h):
                self._plain = make_fbo(w, h)
            v.setProjection((0, 0, w, h), (0, 0, w, h))
            v.setModelview()
            layer = self.layer.render(v, w, h, layer_key(v, w, h, bg), bg=bg, dpr=s, font=self.label_font)
            copy_colour(layer.handle(), self._plain.handle(), w, h)
            draw_over(v, w, h)
            return read_fbo(self._plain, w, h, opaque=not transparent)
        finally:
            ctx.doneCurrent()

    def close(self) -> None:
        """Free the framebuffers while their context is current."""
        ctx, surface = self.context
        if ctx.makeCurrent(surface):
            self.layer.release()
            self._plain = None
            ctx.doneCurrent()
        self.layer.release()
        self._plain = None

    def _scale_items(self, s: float) -> None:
        """Multiply pixel widths/sizes by s; a value the view set since (its base) is scaled afresh."""
        if s == 1.0:
            return
        for it in self.view.items:
            if isinstance(it, gl.GLLinePlotItem):
                if self._applied.get(id(it)) is not it.width:
                    it.width = float(it.width) * s
                    self._applied[id(it)] = it.width
            elif isinstance(it, gl.GLScatterPlotItem):
                if self._applied.get(id(it)) is not it.size:
                    it.setData(size=np.asarray(it.size, dtype=np.float32) * s if np.ndim(it.size)
                               else float(it.size) * s)
                    self._applied[id(it)] = it.size
