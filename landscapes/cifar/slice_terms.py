"""Exact loss terms on the plane W(a, b) = C + a·D1 + b·D2, from precomputed scores.

With features X (N, 3073), scores are linear in (a, b):
    S(a, b) = X C + a·X D1 + b·X D2 = S0 + a·S1 + b·S2          (N × K classes)
so a point costs O(N·K) instead of O(N·D·K). All arrays are stored class-major
(K, N) so the class reductions run over contiguous rows.

Softmax, per example i (p = softmax of the scores at (a, b)):
    Lᵢ = log Σ_c exp sᵢc − sᵢ,yᵢ
    ∂Lᵢ/∂a = Σ_c pᵢc S1ᵢc − S1ᵢ,yᵢ
    ∂²Lᵢ/∂d∂e = Σ_c pᵢc Sdᵢc Seᵢc − (Σ_c pᵢc Sdᵢc)(Σ_c pᵢc Seᵢc)     (d, e ∈ {1, 2})
The log-sum-exp shift is the bound uᵢ = max_c S0ᵢc + |a| max_c|S1ᵢc| + |b| max_c|S2ᵢc|
≥ max_c sᵢc, so exp never overflows; within one sign quadrant of (a, b) the
shift folds into the stored arrays (a·(S1 − sgn(a)·M1)), saving a pass. Should
Σ exp underflow (the bound far above the true max), the point is redone with
the exact max.

Multiclass SVM (margin 1): Lᵢ = Σ_{c≠yᵢ} max(0, Δ0ᵢc + a·Δ1ᵢc + b·Δ2ᵢc) with
Δkᵢc = Skᵢc − Skᵢ,yᵢ (+1 for Δ0), and Δ0ᵢ,yᵢ = −∞ so the true class adds 0.
It is piecewise linear: gradient Σ [margin > 0]·Δ, Hessian 0 (almost everywhere).

Regularization of W(a, b): L2 is an exact quadratic in (a, b) from the Gram
matrix of (C, D1, D2); L1, Σ|C + a·D1 + b·D2|, is summed in blocks of weights.
"""
from __future__ import annotations

from typing import Any, Protocol

import numpy as np

Array = np.ndarray[Any, np.dtype[np.float64]]
# (value (k,), grad (k, 2) or None, hessian (k, 3) as h11, h12, h22 or None) at k points
Derivs = tuple[Array, Array | None, Array | None]


class BlockTerm(Protocol):
    """A loss term summed over ``count`` items in blocks e0:e1 (see parallel.reduce_points)."""

    count: int
    width: int
    quadrant_split: bool

    def outputs(self, order: int) -> int: ...

    def partial(self, a: Array, b: Array, e0: int, e1: int, order: int) -> Array: ...

    def finish(self, a: Array, b: Array, sums: Array, order: int) -> Derivs: ...


_TINY_SUM = 1e-290  # Σ exp below this: the shift bound was too loose, redo exactly


def _mul_add(a3: Array, A: Array, B: Array, out: Array) -> Array:
    """out = a3 * A + B (a3 of shape (K, 1, 1)), in place."""
    np.multiply(a3, A, out=out)
    out += B
    return out


class SoftmaxTerm:
    """Mean softmax cross-entropy over N examples on the plane (exact)."""

    width_kind = "data"
    quadrant_split = True

    def __init__(self, S0: Array, S1: Array, S2: Array, y: np.ndarray[Any, Any]) -> None:
        # S* are (N, K) scores; store class-major (K, N)
        n = len(y)
        rows = np.arange(n)
        self.count, self.width = n, S0.shape[1]
        self.S1, self.S2 = np.ascontiguousarray(S1.T), np.ascontiguousarray(S2.T)
        M0, M1, M2 = S0.max(axis=1), np.abs(S1).max(axis=1), np.abs(S2).max(axis=1)
        self.S0s = np.ascontiguousarray((S0 - M0[:, None]).T)
        self.S1_pos, self.S1_neg = self.S1 - M1, self.S1 + M1   # for a >= 0 / a < 0
        self.S2_pos, self.S2_neg = self.S2 - M2, self.S2 + M2
        self.S11, self.S12, self.S22 = self.S1 * self.S1, self.S1 * self.S2, self.S2 * self.S2
        self.shift_means = np.array([M0.mean(), M1.mean(), M2.mean()])
        self.true_class_means = np.array([S0[rows, y].mean(), S1[rows, y].mean(), S2[rows, y].mean()])
        self._S0 = np.ascontiguousarray(S0.T)
        self._M = (M0, M1, M2)

    @staticmethod
    def outputs(order: int) -> int:
        return (1, 4, 7)[order]

    def partial(self, a: Array, b: Array, e0: int, e1: int, order: int) -> Array:
        k = a.size
        a3, b3 = a[:, None, None], b[:, None, None]
        S1 = self.S1_pos if a[0] >= 0 else self.S1_neg
        S2 = self.S2_pos if b[0] >= 0 else self.S2_neg
        n = e1 - e0
        buf = np.empty((k, self.width, n))
        tmp = np.empty_like(buf)
        _mul_add(a3, S1[:, e0:e1], self.S0s[:, e0:e1], buf)
        np.multiply(b3, S2[:, e0:e1], out=tmp)
        buf += tmp
        np.exp(buf, out=buf)
        Z = buf.sum(axis=1)                                   # (k, n)
        out = np.empty((k, self.outputs(order)))
        out[:, 0] = np.log(Z).sum(axis=1)
        bad = ~(Z.min(axis=1) >= _TINY_SUM) & np.isfinite(a) & np.isfinite(b)
        if order >= 1:
            self._derivatives(buf, Z, e0, e1, order, out)
        for j in np.flatnonzero(bad):
            out[j] = self._exact_partial(a[j], b[j], e0, e1, order)
        return out

    def row_log_sums(self, b: float, a: np.ndarray, e0: int, e1: int, restart: int = 16) -> np.ndarray:
        """Σᵢ log Σ_c exp(shifted scores) over examples e0:e1 for evenly spaced a (one sign) at fixed b.

        Uses exp((a + h)·S1) = exp(a·S1)·exp(h·S1): one multiply per point instead
        of an exp, restarted exactly every ``restart`` points (error ≤ restart ulp).
        Points whose sum underflows are redone with the exact max.
        """
        S1 = (self.S1_pos if a[0] >= 0 else self.S1_neg)[:, e0:e1]
        S2 = (self.S2_pos if b >= 0 else self.S2_neg)[:, e0:e1]
        h = (a[-1] - a[0]) / (a.size - 1) if a.size > 1 else 0.0
        T = self.S0s[:, e0:e1] + b * S2
        R = np.exp(h * S1)
        E = np.empty_like(T)
        out = np.empty(a.size)
        for j in range(a.size):
            if j % restart == 0:
                np.multiply(a[j], S1, out=E)
                E += T
                np.exp(E, out=E)
            else:
                E *= R
            Z = E.sum(axis=0)
            out[j] = np.log(Z).sum()
            if not Z.min() >= _TINY_SUM and np.isfinite(a[j]) and np.isfinite(b):
                out[j] = self._exact_partial(a[j], b, e0, e1, 0)[0]
        return out

    def _derivatives(self, E: Array, Z: Array, e0: int, e1: int, order: int, out: Array) -> None:
        A1 = np.einsum("kcn,cn->kn", E, self.S1[:, e0:e1]) / Z
        A2 = np.einsum("kcn,cn->kn", E, self.S2[:, e0:e1]) / Z
        out[:, 1] = A1.sum(axis=1)
        out[:, 2] = A2.sum(axis=1)
        out[:, 3] = 0.0
        if order >= 2:
            out[:, 4] = (np.einsum("kcn,cn->kn", E, self.S11[:, e0:e1]) / Z - A1 * A1).sum(axis=1)
            out[:, 5] = (np.einsum("kcn,cn->kn", E, self.S12[:, e0:e1]) / Z - A1 * A2).sum(axis=1)
            out[:, 6] = (np.einsum("kcn,cn->kn", E, self.S22[:, e0:e1]) / Z - A2 * A2).sum(axis=1)

    def _exact_partial(self, a: float, b: float, e0: int, e1: int, order: int) -> Array:
        """One point with the true per-example max as shift (the rare fallback)."""
        s = self._S0[:, e0:e1] + a * self.S1[:, e0:e1] + b * self.S2[:, e0:e1]
        m = s.max(axis=0)
        E = np.exp(s - m)[None]
        Z = E.sum(axis=1)
        out = np.empty((1, self.outputs(order)))
        M0, M1, M2 = (M[e0:e1] for M in self._M)
        u = M0 + abs(a) * M1 + abs(b) * M2       # the finish step adds the bound back
        out[0, 0] = np.sum(np.log(Z[0]) + m - u)
        if order >= 1:
            self._derivatives(E, Z, e0, e1, order, out)
        row: Array = out[0]
        return row

    def finish(self, a: Array, b: Array, sums: Array, order: int) -> Derivs:
        """Per-point (value, grad (K, 2), hessian (K, 3) as h11, h12, h22) from the sums."""
        n = self.count
        m0, m1, m2 = self.shift_means
        y0, y1, y2 = self.true_class_means
        value = sums[:, 0] / n + m0 + np.abs(a) * m1 + np.abs(b) * m2 - (y0 + a * y1 + b * y2)
        grad = hess = None
        if order >= 1:
            grad = np.stack([sums[:, 1] / n - y1, sums[:, 2] / n - y2], axis=-1)
        if order >= 2:
            hess = sums[:, 4:7] / n
        return value, grad, hess


class HingeTerm:
    """Mean multiclass SVM hinge loss (margin 1) over N examples on the plane (exact)."""

    quadrant_split = False

    def __init__(self, S0: Array, S1: Array, S2: Array, y: np.ndarray[Any, Any]) -> None:
        n = len(y)
        rows = np.arange(n)
        self.count, self.width = n, S0.shape[1]
        D0 = S0 - S0[rows, y][:, None] + 1.0
        D0[rows, y] = -np.inf
        D1 = S1 - S1[rows, y][:, None]
        D2 = S2 - S2[rows, y][:, None]
        self.D0, self.D1, self.D2 = (np.ascontiguousarray(D.T) for D in (D0, D1, D2))

    @staticmethod
    def outputs(order: int) -> int:
        return (1, 3, 3)[order]

    def partial(self, a: Array, b: Array, e0: int, e1: int, order: int) -> Array:
        a3, b3 = a[:, None, None], b[:, None, None]
        buf = np.empty((a.size, self.width, e1 - e0))
        tmp = np.empty_like(buf)
        D1, D2 = self.D1[:, e0:e1], self.D2[:, e0:e1]
        _mul_add(a3, D1, self.D0[:, e0:e1], buf)
        np.multiply(b3, D2, out=tmp)
        buf += tmp
        np.maximum(buf, 0.0, out=buf)
        out = np.empty((a.size, self.outputs(order)))
        out[:, 0] = buf.sum(axis=(1, 2))
        if order >= 1:
            np.sign(buf, out=buf)                 # 1 where the margin is violated, else 0
            out[:, 1] = np.einsum("kcn,cn->k", buf, D1)
            out[:, 2] = np.einsum("kcn,cn->k", buf, D2)
        return out

    def finish(self, a: Array, b: Array, sums: Array, order: int) -> Derivs:
        n = self.count
        grad = np.stack([sums[:, 1] / n, sums[:, 2] / n], axis=-1) if order >= 1 else None
        hess = np.zeros((a.size, 3)) if order >= 2 else None
        return sums[:, 0] / n, grad, hess


class L1Term:
    """strength · Σ|C + a·D1 + b·D2| over all weights, summed in blocks."""

    quadrant_split = False
    width = 1

    def __init__(self, C: Array, D1: Array, D2: Array, strength: float) -> None:
        self.C, self.D1, self.D2 = (np.ascontiguousarray(M, dtype=np.float64).reshape(1, -1) for M in (C, D1, D2))
        self.count = self.C.size
        self.strength = strength

    @staticmethod
    def outputs(order: int) -> int:
        return (1, 3, 3)[order]

    def partial(self, a: Array, b: Array, e0: int, e1: int, order: int) -> Array:
        a2, b2 = a[:, None], b[:, None]
        D1, D2 = self.D1[0, e0:e1], self.D2[0, e0:e1]
        w = a2 * D1 + self.C[0, e0:e1] + b2 * D2
        out = np.empty((a.size, self.outputs(order)))
        out[:, 0] = np.abs(w).sum(axis=1)
        if order >= 1:
            s = np.sign(w)
            out[:, 1] = s @ D1
            out[:, 2] = s @ D2
        return out

    def finish(self, a: Array, b: Array, sums: Array, order: int) -> Derivs:
        s = self.strength
        grad = s * sums[:, 1:3] if order >= 1 else None
        hess = np.zeros((a.size, 3)) if order >= 2 else None
        return s * sums[:, 0], grad, hess


class L2Term:
    """strength · ‖C + a·D1 + b·D2‖², an exact quadratic from the Gram matrix G of (C, D1, D2):

        R(a, b) = s·(G00 + 2a·G01 + 2b·G02 + a²·G11 + 2ab·G12 + b²·G22)
    """

    def __init__(self, C: Array, D1: Array, D2: Array, strength: float) -> None:
        V = np.stack([np.ravel(C), np.ravel(D1), np.ravel(D2)]).astype(np.float64)
        self.G = V @ V.T
        self.strength = strength

    def evaluate(self, a: Array, b: Array, order: int) -> Derivs:
        G, s = self.G, self.strength
        value = s * (G[0, 0] + 2 * a * G[0, 1] + 2 * b * G[0, 2]
                     + a * a * G[1, 1] + 2 * a * b * G[1, 2] + b * b * G[2, 2])
        grad = hess = None
        if order >= 1:
            grad = 2 * s * np.stack([G[0, 1] + a * G[1, 1] + b * G[1, 2],
                                     G[0, 2] + a * G[1, 2] + b * G[2, 2]], axis=-1)
        if order >= 2:
            hess = np.broadcast_to(2 * s * np.array([G[1, 1], G[1, 2], G[2, 2]]), (a.size, 3))
        return value, grad, hess
