"""Trajectories clipped to the drawn box: a diverged run leaves the picture at its edge.

Numpy only. A path is a polyline of world points; it is drawn as separate
segments (GL mode 'lines'), so clipping cuts each segment a -> b to the part
with lo <= x, y <= hi (Liang-Barsky: the segment a + t (b - a), 0 <= t <= 1,
meets each side at one t; the kept part is [max of entering t, min of leaving t]).
Height needs no clipping: the 3-D view clamps it to the colour range already.
"""
from __future__ import annotations

import numpy as np


def segment_params(a: np.ndarray, b: np.ndarray, lo, hi) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Liang-Barsky for segments a[i] -> b[i] ((k, n) arrays, n >= 2; only x and y are clipped).

    ``lo``/``hi`` are the box's corners: one number for a square box, or (x, y) pairs. Returns
    (t0, t1, kept): segment i's visible part is a + t (b - a) for t0 <= t <= t1 where kept[i];
    a segment wholly outside, or with a non-finite end, is not kept. Shared by the 3-D paths
    (clip_segments) and the 2-D map (app.ui.views.clip).
    """
    lo = np.broadcast_to(np.asarray(lo, dtype=np.float64), (2,))
    hi = np.broadcast_to(np.asarray(hi, dtype=np.float64), (2,))
    kept = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    d = b - a
    t0, t1 = np.zeros(len(a)), np.ones(len(a))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):   # huge / tiny: inf, handled
        for axis in (0, 1):
            # inside means p * t <= q for both sides of this axis
            for p, q in ((-d[:, axis], a[:, axis] - lo[axis]), (d[:, axis], hi[axis] - a[:, axis])):
                r = q / p
                t0 = np.where(p < 0, np.maximum(t0, r), t0)
                t1 = np.where(p > 0, np.minimum(t1, r), t1)
                kept &= ~((p == 0) & (q < 0))      # parallel to this side and beyond it
    kept &= t0 <= t1
    return t0, t1, kept


def clip_segments(a: np.ndarray, b: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Segments a[i] -> b[i] ((k, 3) arrays) cut to lo <= x, y <= hi; segments wholly outside
    (or with a non-finite end) are dropped. Returns the kept parts' ends (m, 3), (m, 3), in order."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 3)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 3)
    t0, t1, kept = segment_params(a, b, lo, hi)
    d = b[kept] - a[kept]
    return a[kept] + t0[kept, None] * d, a[kept] + t1[kept, None] * d


def clip_path(points: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A polyline (k, 3) as clipped segments for GL mode 'lines': (2m, 3), ends interleaved."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    if len(points) < 2:
        return np.zeros((0, 3))
    a, b = clip_segments(points[:-1], points[1:], lo, hi)
    out = np.empty((2 * len(a), 3))
    out[0::2], out[1::2] = a, b
    return out


def inside(points: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Per point (k, 3): finite and lo <= x, y <= hi."""
    points = np.asarray(points).reshape(-1, 3)
    xy = points[:, :2]
    with np.errstate(invalid="ignore"):
        return np.isfinite(points).all(axis=1) & (xy >= lo).all(axis=1) & (xy <= hi).all(axis=1)
