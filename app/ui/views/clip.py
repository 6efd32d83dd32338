"""Clip a run's path to the drawn box, so a path never leaves the picture.

A diverged run's last points lie far outside the surface (or are inf); drawn
as they are, they shoot across the letterbox margins and the axes. Each
segment is clipped to the box (Liang–Barsky, vectorised over all segments);
parts outside are dropped and the cuts become NaN gaps, which pyqtgraph's
``connect="finite"`` leaves undrawn.
"""
from __future__ import annotations

import numpy as np

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
    d = b - a
    finite = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    t0 = np.zeros(len(a))
    t1 = np.ones(len(a))
    ok = finite.copy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):   # huge / tiny: inf, handled
        for pk, qk in ((-d[:, 0], a[:, 0] - x0), (d[:, 0], x1 - a[:, 0]),
                       (-d[:, 1], a[:, 1] - y0), (d[:, 1], y1 - a[:, 1])):
            parallel = pk == 0
            ok &= ~(parallel & (qk < 0))          # parallel to this edge and outside it
            r = qk / pk
            t0 = np.where(~parallel & (pk < 0), np.maximum(t0, r), t0)
            t1 = np.where(~parallel & (pk > 0), np.minimum(t1, r), t1)
    ok &= t0 <= t1
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
