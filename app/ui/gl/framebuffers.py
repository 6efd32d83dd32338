"""Offscreen framebuffers, their read-back as QImage, and the shared offscreen GL context."""
from __future__ import annotations

import numpy as np
from OpenGL import GL
from PySide6.QtGui import QImage, QOffscreenSurface, QOpenGLContext, QSurfaceFormat
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat


class GLUnavailable(RuntimeError):
    """No OpenGL context can be made (no display): one line."""


def make_fbo(w: int, h: int, samples: int = 0) -> QOpenGLFramebufferObject:
    """A w x h framebuffer with colour, depth and stencil; ``samples`` > 0 multisamples it."""
    fmt = QOpenGLFramebufferObjectFormat()
    fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
    fmt.setSamples(samples)
    return QOpenGLFramebufferObject(w, h, fmt)


def read_fbo(fbo: QOpenGLFramebufferObject, w: int, h: int, opaque: bool = True) -> QImage:
    """A single-sample framebuffer's pixels as a QImage (a copy).

    A straight glReadPixels is cheaper than QOpenGLFramebufferObject.toImage,
    which converts every pixel to ARGB32 on the CPU. Opaque renders ignore
    the alpha channel: blended lines leave alpha < 1 in an opaque scene,
    which read as premultiplied colours would come out as magenta specks.
    """
    fbo.bind()
    GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
    data = GL.glReadPixels(0, 0, w, h, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE)
    fbo.release()
    rows = np.frombuffer(data, dtype=np.uint8).reshape(h, w * 4)
    fmt = QImage.Format.Format_RGBX8888 if opaque else QImage.Format.Format_RGBA8888_Premultiplied
    img = QImage(np.ascontiguousarray(rows[::-1]).data, w, h, 4 * w, fmt)
    return img.copy()       # own the pixels: the numpy buffer goes away


_CONTEXT: tuple[QOpenGLContext, QOffscreenSurface] | None = None


def offscreen_context() -> tuple[QOpenGLContext, QOffscreenSurface]:
    """(context, surface) for drawing without a window: made once, sharing objects with all contexts."""
    global _CONTEXT
    if _CONTEXT is None:
        fmt = QSurfaceFormat.defaultFormat()
        surface = QOffscreenSurface()
        surface.setFormat(fmt)
        surface.create()
        ctx = QOpenGLContext()
        ctx.setFormat(fmt)
        share = QOpenGLContext.globalShareContext()
        if share is not None:
            ctx.setShareContext(share)
        if not surface.isValid() or not ctx.create() or not ctx.makeCurrent(surface):
            raise GLUnavailable("no OpenGL context can be made (3-D drawing needs a display)")
        ctx.doneCurrent()
        _CONTEXT = (ctx, surface)
    return _CONTEXT
