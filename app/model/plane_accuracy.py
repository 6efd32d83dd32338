"""Accuracy of W(a, b) = C + a·D1 + b·D2 over a grid, exactly, from the plane's scores.

With S0 = X C, S1 = X D1, S2 = X D2 precomputed, an example's class scores
along a grid row (b fixed) are the lines T + a·S1 (T = S0 + b·S2), and it is
classified right exactly where its true class's line lies above the other
nine: for each class c ≠ y, (T_y − T_c) + a·(S1_y − S1_c) > 0, a half-line in
a. The nine half-lines meet in one interval (lo, hi), so a row costs O(N·K)
for all its points (the interval's grid points found by binary search),
not O(N·K) per point: 101 x 101 points on 49,000 images in a second.
Ties (a point exactly on a crossing) have measure zero and are not
special-cased; np.argmax's first-index rule may differ there.
"""
from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]


def row_correct_counts(T: Array, S1: Array, y: Array, xs: Array) -> Array:
    """(len(xs),) how many examples argmax(T + a·S1) classifies as y, for each a in ascending xs."""
    n, k = T.shape
    rows = np.arange(n)
    d = T[rows, y][:, None] - T            # (N, K): margin of the true class at a = 0
    s = S1[rows, y][:, None] - S1          # (N, K): how the margin moves with a
    other = np.ones((n, k), dtype=bool)
    other[rows, y] = False
    with np.errstate(divide="ignore", invalid="ignore"):
        r = -d / s                          # where each margin crosses zero
    lo = np.where(other & (s > 0), r, -np.inf).max(axis=1)
    hi = np.where(other & (s < 0), r, np.inf).min(axis=1)
    never = (other & (s == 0) & (d <= 0)).any(axis=1)   # a parallel class at or above the true one
    start = np.searchsorted(xs, lo, side="right")        # first a > lo
    stop = np.searchsorted(xs, hi, side="left")          # first a >= hi
    ok = ~never & (stop > start)
    m = len(xs)
    diff = np.bincount(start[ok], minlength=m + 1) - np.bincount(stop[ok], minlength=m + 1)
    out: Array = np.cumsum(diff)[:m]
    return out


def grid_accuracy(scores: tuple[Array, Array, Array, Array], xs: Array, ys: Array) -> Array:
    """acc[j, i]: accuracy of W(xs[i], ys[j]) on the examples whose plane scores are
    ``scores`` = (S0, S1, S2, y); xs ascending. NaN when there are no examples."""
    S0, S1, S2, y = scores
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    if xs.ndim != 1 or ys.ndim != 1 or xs.size == 0 or ys.size == 0:
        raise ValueError("grid axes must be non-empty 1-D arrays")
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()) or np.any(np.diff(xs) < 0):
        raise ValueError("grid axes must be finite, with xs ascending")
    acc = np.full((ys.size, xs.size), np.nan)
    if len(y) == 0:
        return acc
    for j, b in enumerate(ys):
        acc[j] = row_correct_counts(S0 + b * S2, S1, y, xs) / len(y)
    return acc
