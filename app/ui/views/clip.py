"""Clip a run's path to the drawn box, so a path never leaves the picture.

A diverged run's last points lie far outside the surface (or are inf); drawn
as they are, they shoot across the letterbox margins and the axes. Each
segment is clipped to the box (Liang–Barsky, vectorised over all segments, by
app.ui.gl.clip.segment_params, which the 3-D paths use too);
parts outside are dropped and the cuts become NaN gaps, which pyqtgraph's
``connect="finite"`` leaves undrawn.
"""
from __future__ import annotations

import numpy as np

from app.ui.gl.clip import segment_params

Bounds = tuple[tuple[float, float], tuple[float, float]]


def clip_path(points: np.ndarray, bounds: Bounds) -> np.ndarray:
    """The polyline ``points`` (n, 2) cut to ``bounds``; NaN rows separate the visible pieces.

    A path wholly inside comes back unchanged (the same array, no copy).
    Segments with a non-finite end are dropped.
    """
    p = np.asarray(points, dtype=np.float64)
    p = p if p.ndim == 2 else p.reshape(-1, 2)
    (x0, x1), (y0, y1) = bounds
    with np.errstate(invalid="ignore"):
        inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    if inside.all():
        return p
    if len(p) < 2:
        return p[inside]
    a, b = p[:-1], p[1:]
    t0, t1, ok = segment_params(a, b, (x0, y0), (x1, y1))
    d = b - a
    with np.errstate(invalid="ignore"):       # dropped segments with an inf end give NaN here
        start = a + t0[:, None] * d
        end = a + t1[:, None] * d
    # a kept segment continues the previous one when that ended at its own end point (t1 == 1)
    # and this one starts at its own start point (t0 == 0); otherwise a new piece begins
    joined = np.zeros(len(a), dtype=bool)
    joined[1:] = ok[:-1] & (t1[:-1] == 1.0) & (t0[1:] == 0.0)
    new_piece = ok & ~joined
    rows = np.stack([np.full_like(start, np.nan), start, end], axis=1)      # (segments, 3, 2)
    keep = np.stack([new_piece, new_piece, ok], axis=1)
    out = rows[keep]
    return out[1:] if len(out) and np.isnan(out[0]).all() else out


def last_visible(points: np.ndarray) -> np.ndarray | None:
    """The last finite point of a clipped path (where a diverged run's cross goes), or None."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    finite = np.flatnonzero(np.isfinite(p).all(axis=1))
    return p[finite[-1]] if len(finite) else None
