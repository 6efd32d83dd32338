"""Trajectories clipped to the drawn box: a diverged run leaves the picture at its edge.

Numpy only. A path is a polyline of world points; it is drawn as separate
segments (GL mode 'lines'), so clipping cuts each segment a -> b to the part
with lo <= x, y <= hi (Liang-Barsky: the segment a + t (b - a), 0 <= t <= 1,
meets each side at one t; the kept part is [max of entering t, min of leaving t]).
Height needs no clipping: the 3-D view clamps it to the colour range already.
"""
from __future__ import annotations

import numpy as np


def clip_segments(a: np.ndarray, b: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Segments a[i] -> b[i] ((k, 3) arrays) cut to lo <= x, y <= hi; segments wholly outside
    (or with a non-finite end) are dropped. Returns the kept parts' ends (m, 3), (m, 3), in order."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 3)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 3)
    keep = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    a, b = a[keep], b[keep]
    d = b - a
    t0, t1 = np.zeros(len(a)), np.ones(len(a))
    out = np.zeros(len(a), dtype=bool)
    for axis in (0, 1):
        # inside means p * t <= q for both sides of this axis
        for p, q in ((-d[:, axis], a[:, axis] - lo), (d[:, axis], hi - a[:, axis])):
            with np.errstate(divide="ignore", invalid="ignore"):
                r = q / p
            t0 = np.where(p < 0, np.maximum(t0, r), t0)
            t1 = np.where(p > 0, np.minimum(t1, r), t1)
            out |= (p == 0) & (q < 0)      # parallel to this side and beyond it
    kept = ~out & (t0 <= t1)
    return a[kept] + t0[kept, None] * d[kept], a[kept] + t1[kept, None] * d[kept]


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
