"""The pictures and numbers of the linear-classifier lab's data view, without Qt.

A linear classifier on 2-D points scores s = W·x + b (one row of W per
class) and predicts the class with the largest score. What the data view
draws and the table shows, all from (W, b) and the data:

- ``predicted_grid``: the predicted class on a grid of data space (the
  background colours);
- ``zero_score_segment``: where class c's score is zero, the line
  W_c·x + b_c = 0 cut to the view box, and ``score_arrow``: a short arrow
  from that line along W_c, the direction the score grows;
- ``decision_boundaries``: where the predicted class changes, as one
  NaN-separated polyline (each run draws its own in its colour);
- ``point_table``: scores and loss of every point, the data loss, the
  regularization loss and the total (what ``multiclass_loss`` adds up);
- ``params_of``: the full parameters theta of a run (its own in the full
  space, else its head lifted from the plane);
- ``edited_params``: the landscape spec's params after a point is moved,
  added or removed (the data are then saved as "points").
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from landscapes.toy_classifier import FullObjective, WeightSpaceLandscape, point_losses

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Box = tuple[tuple[float, float], tuple[float, float]]

KIND_NAME = "toy_classifier"     # the landscape kind whose landscapes the lab shows
VIEW_MARGIN = 1.4                # the data view shows the points with this much room around them
MIN_HALF_WIDTH = 1.0             # ... and at least [-1, 1]²: the classic points fill most of it


def data_box(X: ArrayLike) -> Box:
    """A square box around the origin holding every point with room to spare (the 1:1 data view)."""
    pts = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    r = max(MIN_HALF_WIDTH, VIEW_MARGIN * float(np.abs(pts).max())) if len(pts) else MIN_HALF_WIDTH
    r = math.ceil(r * 4.0) / 4.0     # round ticks at the edges
    return (-r, r), (-r, r)


def params_of(track: Any, landscape: WeightSpaceLandscape) -> Floats:
    """The full parameters (P,) a run is at: its own ``theta`` when the race runs in the full
    space, else its head lifted from the plane."""
    theta = getattr(track, "theta", None)
    if theta is not None:
        return np.asarray(theta, dtype=np.float64).reshape(-1)
    return np.asarray(landscape.lift(np.asarray(track.head, dtype=np.float64)), dtype=np.float64)


def grid_axes(box: Box, n: int) -> tuple[Floats, Floats]:
    """The n pixel centres along x and along y of an n × n grid over ``box``."""
    (x0, x1), (y0, y1) = box
    hx, hy = (x1 - x0) / n, (y1 - y0) / n
    return (np.linspace(x0 + hx / 2, x1 - hx / 2, n), np.linspace(y0 + hy / 2, y1 - hy / 2, n))


def predicted_grid(W: ArrayLike, b: ArrayLike, box: Box, n: int = 160) -> Ints:
    """(n, n) predicted class at pixel centres, row j at the j-th y from the bottom, column i at
    the i-th x (ties go to the lower class, as argmax does)."""
    Wa, ba = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
    xs, ys = grid_axes(box, n)
    scores = (xs[None, :, None] * Wa[:, 0] + ys[:, None, None] * Wa[:, 1]) + ba   # (n, n, C)
    return np.asarray(np.argmax(scores, axis=-1), dtype=np.int64)


def _clip_line(p0: Floats, d: Floats, box: Box) -> tuple[float, float] | None:
    """The parameter range [t0, t1] of the line p0 + t·d inside the box (Liang–Barsky), or None."""
    lo, hi = -math.inf, math.inf
    for k, (a, b) in enumerate(box):
        if d[k] == 0.0:
            if not a <= p0[k] <= b:
                return None
            continue
        t_a, t_b = (a - p0[k]) / d[k], (b - p0[k]) / d[k]
        lo, hi = max(lo, min(t_a, t_b)), min(hi, max(t_a, t_b))
    return (lo, hi) if lo < hi else None


def zero_score_segment(w: ArrayLike, b: float, box: Box) -> Floats | None:
    """The two ends (2, 2) of the line w·x + b = 0 inside the box, or None (w = 0, or the line
    misses the box)."""
    wa = np.asarray(w, dtype=np.float64)
    norm2 = float(wa @ wa)
    if not norm2 > 0.0 or not math.isfinite(norm2) or not math.isfinite(b):
        return None
    p0 = -float(b) * wa / norm2                          # the line's point nearest the origin
    d = np.array([-wa[1], wa[0]]) / math.sqrt(norm2)     # along the line
    t = _clip_line(p0, d, box)
    if t is None:
        return None
    return np.stack([p0 + t[0] * d, p0 + t[1] * d])


def score_arrow(w: ArrayLike, b: float, box: Box, length: float) -> Floats | None:
    """An arrow (2, 2: tail, tip) of ``length`` along w, from the middle of the visible part of
    the zero-score line: the side where class c's score is positive. None if the line is not seen."""
    seg = zero_score_segment(w, b, box)
    if seg is None:
        return None
    wa = np.asarray(w, dtype=np.float64)
    tail = seg.mean(axis=0)
    return np.stack([tail, tail + length * wa / float(np.linalg.norm(wa))])


def decision_boundaries(W: ArrayLike, b: ArrayLike, box: Box, samples: int = 400) -> Floats:
    """Where the predicted class changes, as (M, 2) points with NaN rows between pieces.

    The boundary between classes i and j lies on the line (W_i − W_j)·x + b_i − b_j = 0,
    where s_i = s_j is also the top score. Each pair's line is sampled ``samples`` times
    across the box and kept where no third class scores higher: exact to the sample spacing.
    """
    Wa, ba = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
    c = len(ba)
    pieces: list[Floats] = []
    for i in range(c):
        for j in range(i + 1, c):
            seg = zero_score_segment(Wa[i] - Wa[j], float(ba[i] - ba[j]), box)
            if seg is None:
                continue
            t = np.linspace(0.0, 1.0, samples)[:, None]
            pts = seg[0] + t * (seg[1] - seg[0])
            s = pts @ Wa.T + ba                               # (samples, C)
            top = np.maximum(s[:, i], s[:, j])
            others = np.delete(s, [i, j], axis=1)
            tol = 1e-9 * (1.0 + np.abs(top))
            on = (others <= (top + tol)[:, None]).all(axis=1) if others.size else np.ones(samples, bool)
            pieces.append(np.where(on[:, None], pts, np.nan))
            pieces.append(np.full((1, 2), np.nan))
    return np.concatenate(pieces) if pieces else np.empty((0, 2))


@dataclass(frozen=True)
class PointTable:
    """The table of the data view: per point its scores (N, C) and loss (N,); the totals."""

    X: Floats
    y: Ints
    scores: Floats
    losses: Floats
    data_loss: float      # mean of ``losses``
    reg_loss: float       # reg · Σ W²
    total: float          # data_loss + reg_loss: the loss the solvers descend

    @property
    def positive(self) -> NDArray[np.bool_]:
        """(N,) the points whose loss is above zero (the ones that still pull on W)."""
        return np.asarray(self.losses > 0.0)

    @property
    def correct(self) -> int:
        """How many points the classifier puts in their own class (top score; a tie counts as wrong)."""
        true = np.take_along_axis(self.scores, self.y[:, None], axis=1)[:, 0]
        rivals = np.where(np.arange(self.scores.shape[1]) == self.y[:, None], -np.inf, self.scores)
        return int(np.sum(true > rivals.max(axis=1)))


def point_table(objective: FullObjective, theta: ArrayLike) -> PointTable:
    """Scores, per-point losses and the three totals at theta (P,)."""
    W, b = objective.unpack(np.asarray(theta, dtype=np.float64))
    scores, losses = point_losses(W, b, objective.X, objective.y, objective.kind)
    data = float(np.mean(losses))
    reg = float(objective.reg * np.sum(W * W))
    return PointTable(objective.X, objective.y, np.asarray(scores), np.asarray(losses), data, reg, data + reg)


# --- editing the data (the spec keeps edited data as "points") --------------------
def points_of(objective: FullObjective) -> list[list[float]]:
    """The data as the spec's "points" rows [x, y, class]."""
    return [[float(x), float(y), int(c)] for (x, y), c in zip(objective.X, objective.y, strict=True)]


def edited_params(params: dict[str, Any], objective: FullObjective, *, move: tuple[int, float, float] | None = None,
                  add: tuple[float, float, int] | None = None, remove: int | None = None) -> dict[str, Any]:
    """The spec's params with one point moved (index, x, y), added (x, y, class) or removed (index).

    The data are written as "points" (they replace "data") and "classes" keeps the number
    of classes, so removing the last point of a class keeps its row of W. A bad index, a
    class out of range, a non-finite place or removing the only point is a ValueError.
    """
    rows = points_of(objective)
    n, c = len(rows), objective.n_classes

    def index(i: int) -> int:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < n:
            raise ValueError(f"no point {i!r}: there are {n} points")
        return int(i)

    def place(x: float, y: float) -> list[float]:
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"a point needs finite x and y, got ({x}, {y})")
        return [float(x), float(y)]

    if move is not None:
        k = index(move[0])
        rows[k] = [*place(move[1], move[2]), rows[k][2]]
    if add is not None:
        label = add[2]
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label < c:
            raise ValueError(f"class must be 0 .. {c - 1}, got {label!r}")
        rows.append([*place(add[0], add[1]), int(label)])
    if remove is not None:
        k = index(remove)
        if n == 1:
            raise ValueError("cannot remove the only point: the loss needs at least one")
        del rows[k]
    # "seed" stays: it may also seed the random plane
    out = {key: v for key, v in params.items() if key not in ("data", "n")}
    out["points"] = rows
    out["classes"] = c
    return out


def with_params(params: dict[str, Any], objective: FullObjective, theta: ArrayLike) -> dict[str, Any]:
    """The spec's params with "W" and "b" set to theta's (the plane's centre and the runs' start)."""
    W, b = objective.unpack(np.asarray(theta, dtype=np.float64))
    return {**params, "W": [[float(v) for v in row] for row in W], "b": [float(v) for v in b]}
