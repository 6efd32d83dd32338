"""The GL items of the runs in the 3-D view, and the GL options shared by everything drawn over the surface."""
from __future__ import annotations

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL

from app.ui.common import theme

ON_TOP = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: True, GL.GL_CULL_FACE: False,
          "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA), "glDepthMask": (GL.GL_TRUE,)}
# Halos do not write depth, so the bright line drawn after them always wins.
HALO = {**ON_TOP, "glDepthMask": (GL.GL_FALSE,)}
# Markers (heads, starts, minima) are the key facts: drawn over everything. Overlays (arrows,
# annotations) use these too: everything over the static layer is drawn without depth test.
MARKER_GL_OPTIONS = {**ON_TOP, GL.GL_DEPTH_TEST: False}
SURFACE = {GL.GL_DEPTH_TEST: True, GL.GL_BLEND: False, GL.GL_CULL_FACE: False,
           "glDepthMask": (GL.GL_TRUE,)}


class PathItems:
    """The GL items of all runs: one halo item and one line item, each a single draw.

    Every run's polyline goes in as separate segments (mode='lines'): one GL call
    for all runs instead of one per run, with the same pixels (GL rasterizes a
    strip segment by segment too), all halos under all lines as before.
    """

    def __init__(self, view, th: theme.Theme, line_width: float, halo_width: float,
                 round_joins: bool = False) -> None:
        # Paths are drawn over the surface (no depth test): in the narrow creases
        # where solvers travel, the walls would otherwise hide them from most angles.
        self.halo = gl.GLLinePlotItem(mode="lines", width=halo_width + 1, antialias=True,
                                      color=theme.rgba_float(th.halo, 0.8))
        self.line = gl.GLLinePlotItem(mode="lines", width=line_width + 1, antialias=True)
        self.halo.setGLOptions({**HALO, GL.GL_DEPTH_TEST: False})
        self.line.setGLOptions(MARKER_GL_OPTIONS)
        self.halo.setDepthValue(10)
        self.line.setDepthValue(11)
        self.items = [self.halo, self.line]
        self.joins: tuple[gl.GLScatterPlotItem, gl.GLScatterPlotItem] | None = None
        if round_joins:
            # Thick GL lines end square, so a bend shows a notch (a saw-tooth at 4K): a round dot
            # of the line's width at every vertex closes it. The halo then writes depth and tests
            # it (the depth buffer is empty under the runs): where its segments and dots overlap,
            # the translucent halo is blended once, not darkened into beads.
            once = {**HALO, GL.GL_DEPTH_TEST: True, "glDepthMask": (GL.GL_TRUE,)}
            self.halo.setGLOptions(once)
            halo_dots = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), size=halo_width + 1, pxMode=True,
                                             color=theme.rgba_float(th.halo, 0.8))
            line_dots = gl.GLScatterPlotItem(pos=np.zeros((0, 3)), size=line_width + 1, pxMode=True)
            halo_dots.setGLOptions(once)
            line_dots.setGLOptions(MARKER_GL_OPTIONS)
            halo_dots.setDepthValue(10)
            line_dots.setDepthValue(11)
            self.joins = (halo_dots, line_dots)
            self.items += [halo_dots, line_dots]
        for it in self.items:
            view.addItem(it)

    def set_segments(self, segments: list[np.ndarray], colors: list[tuple]) -> None:
        """segments: per run (2m, 3) world points, segment ends interleaved; colors: per run RGBA floats."""
        segs = [p for p in segments if len(p)]
        cols = [np.broadcast_to(np.asarray(c, dtype=np.float32), (len(p), 4))
                for p, c in zip(segments, colors, strict=True) if len(p)]
        if not segs:
            for it in self.items:
                it.setData(pos=np.zeros((0, 3), dtype=np.float32))
            return
        pos = np.concatenate(segs)
        color = np.ascontiguousarray(np.concatenate(cols))
        self.halo.setData(pos=pos)
        self.line.setData(pos=pos, color=color)
        if self.joins is not None:
            halo_dots, line_dots = self.joins
            halo_dots.setData(pos=pos)
            line_dots.setData(pos=pos, color=color)

    def remove(self, view) -> None:
        for it in self.items:
            view.removeItem(it)


def cross_segments(centers: np.ndarray, r: float = 0.25) -> np.ndarray:
    """Two crossing segments (an X) around each centre: (4k, 3) for mode='lines'."""
    if len(centers) == 0:
        return np.zeros((0, 3), dtype=np.float32)
    d = np.array([[-r, -r, 0], [r, r, 0], [-r, r, 0], [r, -r, 0]], dtype=np.float32)
    return (centers[:, None, :] + d[None]).reshape(-1, 3).astype(np.float32)
