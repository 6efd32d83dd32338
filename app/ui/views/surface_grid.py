"""The sampled surface both views draw: grid values, display heights and contour lines.

Computed once per landscape/resolution change (never per frame). The display
height g is f itself, or, for surfaces whose values span decades,

    g = log10(f - f_min + eps),   eps = 1e-6 * (f_max - f_min)

so the valley floor of Rosenbrock or Beale is not a flat sheet. Both views use
g normalised to t in [0, 1], so the heatmap and the 3-D colours agree.
"""
from __future__ import annotations

from dataclasses import dataclass

import contourpy
import numpy as np

Bounds = tuple[tuple[float, float], tuple[float, float]]
_FLOAT32_SAFE = 1e37   # below float32's 3.4e38 with room for the views' scaling


@dataclass
class SurfaceGrid:
    xs: np.ndarray          # (n,)
    ys: np.ndarray          # (n,)
    f: np.ndarray           # (n, n) with f[j, i] = f(xs[i], ys[j]), finite
    g: np.ndarray           # display height, same shape
    log: bool
    f_min: float
    eps: float
    g_lo: float
    g_hi: float
    # (n, n) True where f is undefined (NaN, e.g. log of a negative): f and g hold a filler
    # there so heights stay finite, but the views draw those cells as undefined, not as values
    undefined: np.ndarray | None = None

    @property
    def bounds(self) -> Bounds:
        return (float(self.xs[0]), float(self.xs[-1])), (float(self.ys[0]), float(self.ys[-1]))

    def height(self, f) -> np.ndarray:
        """Display height g of loss values f (any shape)."""
        f = np.asarray(f, dtype=np.float64)
        if not self.log:
            return f
        return np.log10(np.maximum(f - self.f_min, 0.0) + self.eps)

    def unit(self, f) -> np.ndarray:
        """Loss values -> t in [0, 1] (clipped): the colour index and the 3-D height."""
        span = self.g_hi - self.g_lo or 1.0
        return np.clip((self.height(f) - self.g_lo) / span, 0.0, 1.0)

    @property
    def t(self) -> np.ndarray:
        span = self.g_hi - self.g_lo or 1.0
        return np.clip((self.g - self.g_lo) / span, 0.0, 1.0)

    @property
    def g_shown(self) -> np.ndarray:
        """g with NaN where f is undefined (pyqtgraph draws NaN pixels transparent, contourpy skips them)."""
        if self.undefined is None or not self.undefined.any():
            return self.g
        return np.where(self.undefined, np.nan, self.g)

    def contour_levels(self, n: int) -> np.ndarray:
        """n levels evenly spaced in g: log-spaced in f when the view is log."""
        return np.linspace(self.g_lo, self.g_hi, n + 2)[1:-1]

    def contour_lines(self, n: int) -> np.ndarray:
        """All contour lines as one (k, 2) array, lines separated by NaN rows (connect='finite')."""
        if n <= 0:
            return np.empty((0, 2))
        gen = contourpy.contour_generator(self.xs, self.ys, self.g_shown, line_type="ChunkCombinedNan")
        parts = []
        for level in self.contour_levels(n):
            for chunk in gen.lines(level)[0]:
                if chunk is not None and len(chunk):
                    parts.append(chunk)
                    parts.append(np.full((1, 2), np.nan))
        return np.concatenate(parts) if parts else np.empty((0, 2))


def decimated(grid: SurfaceGrid, max_nodes: int) -> SurfaceGrid:
    """The grid at most ``max_nodes`` evenly spaced nodes a side (itself if already that small).

    Nodes are taken, not averaged: heights stay exact and the value range
    (g_lo, g_hi, so colours and heights) is the full grid's. The 3-D view
    draws its mesh and lays its contour lines on this same grid, so lines do
    not sink into a coarser mesh on steep walls.
    """
    import dataclasses

    if max(len(grid.xs), len(grid.ys)) <= max_nodes:
        return grid
    ix = np.unique(np.linspace(0, len(grid.xs) - 1, min(len(grid.xs), max_nodes)).round().astype(int))
    iy = np.unique(np.linspace(0, len(grid.ys) - 1, min(len(grid.ys), max_nodes)).round().astype(int))
    pick = np.ix_(iy, ix)
    undefined = grid.undefined[pick] if grid.undefined is not None else None
    return dataclasses.replace(grid, xs=grid.xs[ix], ys=grid.ys[iy], f=grid.f[pick], g=grid.g[pick],
                               undefined=undefined)


def axis_names(landscape) -> tuple[str, str]:
    """The names of a landscape's two axes: its own (the toy classifier's "W[0,0]", "W[0,1]"), else x and y."""
    names = getattr(landscape, "axis_labels", None)
    return (str(names[0]), str(names[1])) if names is not None and len(names) == 2 else ("x", "y")


def bound_labels(lo: float, hi: float, digits: int = 3) -> tuple[str, str]:
    """Axis-end labels of the range lo..hi: ``digits`` significant digits (-0.128048 -> "-0.128"),
    more only where needed to tell the two ends apart (100.001 and 100.002)."""
    for n in range(digits, 16):
        a, b = f"{lo:.{n}g}", f"{hi:.{n}g}"
        if a != b or lo == hi:
            return a, b
    return a, b


def sample(landscape, bounds: Bounds, n: int, log: bool | None = None) -> SurfaceGrid:
    """Evaluate the landscape on an n x n grid over bounds (vectorized, one call)."""
    if not 2 <= int(n) <= 2000:
        raise ValueError(f"grid resolution must be 2..2000, got {n}")
    # far from the minimum a surface may overflow to inf or nan: expected, replaced just below
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        xs, ys, f = landscape.grid(int(n), bounds)
    finite = np.isfinite(f)
    if not finite.any():
        raise ValueError(f"{landscape.title} is not finite anywhere in {bounds}")
    undefined = np.isnan(f) | (f == -np.inf)     # +inf is "too large", drawn at the top; NaN is no value
    # at most 1e300 either way, so differences of values stay finite
    f = np.clip(np.where(finite, f, np.max(f[finite])), -1e300, 1e300)
    f_min = float(f.min())
    if getattr(landscape, "min_value", None) is not None:
        f_min = min(f_min, float(landscape.min_value))
    if log is None:
        log = bool(getattr(landscape, "log_scale", False))
    span = float(f.max() - f_min)
    # the views draw heights as float32: linear heights beyond its range, or a span too thin
    # for it, can only be shown on a log scale (else pyqtgraph's rescale overflows)
    log = log or float(np.abs(f).max()) > _FLOAT32_SAFE or 0 < span < 1 / _FLOAT32_SAFE
    # the log floor: 6 decades below the top, or lower where the map's own values are (the 1st
    # percentile above the minimum), so a surface spanning 35 decades (exp(20x) + y²) is not
    # floored flat over most of the map
    above = f[f > f_min] - f_min
    eps = max(min(span * 1e-6, float(np.percentile(above, 1)) if above.size else np.inf), 1e-300)
    grid = SurfaceGrid(xs, ys, f, f, log, f_min, eps, 0.0, 1.0, undefined if undefined.any() else None)
    g = grid.height(f)
    grid.g = g
    grid.g_lo, grid.g_hi = float(g.min()), float(g.max())
    return grid
