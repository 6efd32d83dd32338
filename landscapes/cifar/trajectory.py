"""The plane that best shows a set of optimisation paths (Li et al. 2018, "Visualizing the
Loss Landscape of Neural Nets", section 7).

Given iterates θ_1..θ_T of one or more runs (any parameter shape), the plane's
two directions are the top two principal components of the mean-centred
differences θ_i − c (c = ``center``, by default the last finite point). Since
the differences are mean-centred, the directions are those of θ_i − θ̄; the
centre only fixes the plane's origin. ``explained`` is the share of the total
variance Σσ² each direction carries: how much of the paths the picture holds.

How it is computed: T x D with T in the thousands and D = 30,730 is too big
for a dense SVD (T²D flops), so the top two singular vectors come from
randomized subspace iteration on a block of ten vectors (Halko, Martinsson &
Tropp 2011, Alg. 4.4) with a final Rayleigh-Ritz step, iterated until the
plane stops turning (sine of the largest angle between successive estimates
below ``tol``); each iteration is two passes over the points, centred on the
fly in cache-sized chunks (the record is never copied). Exact to that
tolerance, never an approximation of the plane by a sample. 4 runs x 1,501
iterates x 30,730 float32: about 1.2 s of CPU (benchmarks/bench_cifar_race.py).

A thinner record gives the same plane: a path's principal directions are its
slow, large-scale motion, which every k-th iterate (k up to a few dozen for
1,500 SGD steps) keeps, while the step-to-step noise it drops carries a
small share of the variance. So the race engine records each run's iterates
with a doubling stride into a fixed number of rows (app/model/cifar_race.py),
and benchmarks/bench_cifar_race.py prints the angle between the plane of all
iterates and the plane of that record. A running sketch (a frequent-directions
or incremental-PCA summary updated per step) would do the same in O(kD) memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

Array = np.ndarray[Any, Any]

_BLOCK = 10        # subspace size: 2 wanted + 8 oversampling (Halko et al. recommend 5..10)
_MAX_ITER = 40     # a path spectrum converges in a handful; flat noise may use them all
_ROWS = 32         # rows centred at a time (32 x 30,730 float32 = 3.9 MB: stays in cache)


@dataclass(frozen=True)
class TrajectoryPlane:
    """A plane through ``center`` spanned by two orthonormal ``directions`` (2, *shape)."""

    center: Array       # (*shape,)
    directions: Array   # (2, *shape), orthonormal (as flat vectors)
    explained: Array    # (2,) share of the total variance along each direction
    singular_values: Array  # (2,) σ₁ ≥ σ₂ of the centred T x D matrix

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.center.shape)

    def _flat(self, P: ArrayLike) -> tuple[Array, tuple[int, ...]]:
        """(P − center) as (n, D) float64 and the leading shape of P."""
        P = np.asarray(P, dtype=np.float64)
        k = len(self.shape)
        if P.ndim < k or P.shape[P.ndim - k:] != self.shape:
            raise ValueError(f"points must end in the plane's shape {self.shape}, got {P.shape}")
        lead = P.shape[:P.ndim - k]
        return (P - self.center).reshape(-1, self.center.size), lead

    def coords(self, P: ArrayLike) -> Array:
        """(..., 2): (P − center) projected on the two directions."""
        diff, lead = self._flat(P)
        out: Array = (diff @ self.directions.reshape(2, -1).T).reshape(*lead, 2)
        return out

    def off_plane(self, P: ArrayLike) -> Array:
        """(...): distance of P − center from the plane (the residual after projection)."""
        diff, lead = self._flat(P)
        D = self.directions.reshape(2, -1)
        residual = diff - (diff @ D.T) @ D   # explicit residual: no cancellation near the plane
        out: Array = np.linalg.norm(residual, axis=1).reshape(lead)
        return out

    def point(self, a: ArrayLike, b: ArrayLike) -> Array:
        """center + a·d₁ + b·d₂ for scalars or arrays a, b (broadcast): (..., *shape)."""
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        k = (None,) * len(self.shape)
        out: Array = (self.center + a[(..., *k)] * self.directions[0] + b[(..., *k)] * self.directions[1])
        return out


def _finite_rows(P: Array) -> Array:
    """Boolean mask of rows with every entry finite (a float64 row sum, exact check where it overflows)."""
    sums = np.add.reduce(P, axis=1, dtype=np.float64)
    ok: Array = np.isfinite(sums)
    for i in np.flatnonzero(~ok):
        ok[i] = bool(np.isfinite(P[i]).all())
    return ok


def _finite_and_mean(flat: Array) -> tuple[Array, Array]:
    """(the finite rows, their float64 mean). A finite column mean proves every entry
    finite, so the common case costs one pass; otherwise the rows are checked."""
    mean: Array = flat.mean(axis=0, dtype=np.float64)
    if np.isfinite(mean).all():
        return flat, mean
    ok = _finite_rows(flat)
    if int(ok.sum()) < 3:
        raise ValueError(f"trajectory_plane needs at least three finite points, got {int(ok.sum())}")
    rows = flat[ok]
    return rows, rows.mean(axis=0, dtype=np.float64)


def _orth(Y: Array) -> Array:
    q: Array = np.linalg.qr(Y)[0]
    return q


class _Centred:
    """A = flat − mean without forming it: each pass centres cache-sized row chunks on the fly,
    so the record is read once a pass and never copied (no second 738 MB for 6,000 x 30,730)."""

    def __init__(self, flat: Array, mean: Array) -> None:
        self.flat, self.m = flat, mean.astype(flat.dtype)

    def chunks(self) -> Any:
        for i in range(0, len(self.flat), _ROWS):
            yield i, self.flat[i:i + _ROWS] - self.m

    def sketch(self, omega: Array) -> tuple[float, Array]:
        """(Σ A², A @ omega) in one pass (row dots in A's precision, summed in float64)."""
        Y = np.empty((len(self.flat), omega.shape[1]), dtype=self.flat.dtype)
        total = 0.0
        for i, a in self.chunks():
            total += float(np.sum(np.einsum("ij,ij->i", a, a), dtype=np.float64))
            np.matmul(a, omega, out=Y[i:i + _ROWS])
        return total, Y

    def times(self, X: Array) -> Array:
        """A @ X (T x k) as float64."""
        X = X.astype(self.flat.dtype)
        out = np.empty((len(self.flat), X.shape[1]))
        for i, a in self.chunks():
            out[i:i + _ROWS] = a @ X
        return out

    def t_times(self, Q: Array) -> Array:
        """Aᵀ @ Q (D x k) as float64, summed over the chunks."""
        Q = Q.astype(self.flat.dtype)
        out = np.zeros((self.flat.shape[1], Q.shape[1]))
        for i, a in self.chunks():
            out += a.T @ Q[i:i + _ROWS]
        return out


def _top_two(A: _Centred, Y: Array, tol: float) -> tuple[Array, Array]:
    """(σ₁, σ₂), (2, D) right singular vectors of A (T x D), by subspace iteration from the sketch Y = AΩ."""
    if len(A.flat) <= 4 * _BLOCK:  # small: the thin SVD directly
        _, s, vt = np.linalg.svd(A.flat.astype(np.float64) - A.m, full_matrices=False)
        return s[:2], vt[:2]
    Q = _orth(Y.astype(np.float64))
    prev: Array | None = None
    for _ in range(_MAX_ITER):
        B = A.t_times(Q).T                                       # Q^T A  (k x D)
        ub, s, vt = np.linalg.svd(B, full_matrices=False)        # Rayleigh-Ritz on span(Q)
        top = Q @ ub[:, :2]                                      # left vectors (T x 2)
        if prev is not None:
            turn = np.linalg.norm(top - prev @ (prev.T @ top), ord=2)
            if turn < tol:
                break
        prev = top
        Q = _orth(A.times(vt.T))
    return s[:2], vt[:2]


def trajectory_plane(points: ArrayLike, center: ArrayLike | None = None, tol: float | None = None) -> TrajectoryPlane:
    """The PCA plane of ``points`` (T, *shape): iterates of one or more runs, in any order.

    center: (*shape,) origin of the plane (default: the last finite point).
    Rows with any inf/NaN are left out; fewer than three finite rows, or
    finite rows that do not spread (all equal), is a ValueError. float32
    points are worked on in float32 (and never copied);
    tol (sine of the last turn of the plane) defaults to 1e-10 for float64
    and 1e-4 for float32 points (a turn of 0.006°: the next iteration moves
    no direction by more than float32 noise would).

    Signs: each direction points so that the first finite point has a
    coordinate <= 0 on it (a path from the start reads left to right, bottom to top).
    """
    P = np.asarray(points)
    if P.ndim < 2 or P.shape[0] == 0 or not np.issubdtype(P.dtype, np.number) or np.iscomplexobj(P):
        raise ValueError(f"points must be a real array (T, *shape) with T >= 3, got shape {P.shape}")
    shape = P.shape[1:]
    if int(np.prod(shape)) < 2:
        raise ValueError(f"points need at least two coordinates to span a plane, got shape {P.shape}")
    dtype = np.float32 if P.dtype == np.float32 else np.float64
    flat = P.reshape(P.shape[0], -1).astype(dtype, copy=False)
    if flat.shape[0] < 3:
        raise ValueError(f"trajectory_plane needs at least three finite points, got {flat.shape[0]}")
    flat, mean = _finite_and_mean(flat)
    if center is None:
        c = flat[-1].astype(np.float64).reshape(shape)
    else:
        c = np.asarray(center, dtype=np.float64)
        if c.shape != shape:
            raise ValueError(f"center must have the points' shape {shape}, got {c.shape}")
        if not np.isfinite(c).all():
            raise ValueError("center must be finite")
    k = min(_BLOCK, *flat.shape)
    omega = np.random.default_rng(0).standard_normal((flat.shape[1], k)).astype(dtype)  # fixed: same plane
    A = _Centred(flat, mean)
    total, Y = A.sketch(omega)
    if not total > 0.0:
        raise ValueError("the finite points are all the same: they span no plane")
    s, vt = _top_two(A, Y, tol if tol is not None else (1e-4 if dtype == np.float32 else 1e-10))
    first = (flat[0].astype(np.float64) - c.ravel()) @ vt.T
    vt = vt * np.where(first > 0, -1.0, 1.0)[:, None]
    return TrajectoryPlane(center=c, directions=vt.reshape(2, *shape), explained=s ** 2 / total,
                           singular_values=s)
