"""The k largest eigenpairs of a symmetric operator, by block Lanczos with full reorthogonalisation.

The basis Q of the block Krylov space span{Q₀, HQ₀, H²Q₀, ...} is kept orthonormal
(classical Gram–Schmidt, twice: "twice is enough", Parlett), and the products HQ are
kept too, so the Rayleigh–Ritz step T = Qᵀ(HQ) and the residuals ‖Hy − θy‖ of the Ritz
pairs are exact, not recurrence estimates. It stops when every top-k residual is at
most tol·|θ|: then a true eigenvalue lies within tol·|θ| of each θ.

A block of b vectors costs one pass over the data for all b (the products are
memory-bound), so b = k + 1 converges in fewer passes than single-vector Lanczos
when the top eigenvalues are close. On an invariant subspace (e.g. H = c·I) the
new directions vanish and are replaced by random ones, so k pairs come back even then.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray[Any, np.dtype[np.float64]]
MatMat = Callable[[Array], Array]   # (b, n) -> (b, n): H applied to each row


@dataclass(frozen=True)
class LanczosResult:
    """Top-k Ritz pairs: ``values`` descending (k,), unit ``vectors`` (k, n), exact ``residuals``
    ‖H v − θ v‖ (k,), ``products`` H·v products used, ``passes`` calls of matmat,
    ``converged`` (every residual ≤ tol·|θ|)."""

    values: Array
    vectors: Array
    residuals: Array
    products: int
    passes: int
    converged: bool


def _orthonormal_rows(B: Array, Q: Array, rng: np.random.Generator, scale: float) -> Array:
    """Rows of B orthogonalised against Q's rows (twice) and each other; rows that vanish
    (an invariant subspace) are replaced by random directions orthogonal to everything."""
    for _ in range(2):
        B = B - (B @ Q.T) @ Q
    U, s, Vt = np.linalg.svd(B.T, full_matrices=False)        # columns of U span the new rows
    keep = s > 1e-10 * max(scale, 1e-300)
    new = U[:, keep].T
    missing = B.shape[0] - new.shape[0]
    if missing:
        basis = np.vstack([Q, new])
        R = rng.standard_normal((missing, B.shape[1]))
        for _ in range(2):
            R = R - (R @ basis.T) @ basis
        R = np.linalg.qr(R.T)[0].T
        new = np.vstack([new, R])
    return new


def lanczos_top(matmat: MatMat, n: int, k: int = 3, tol: float = 1e-6, seed: int = 0,
                max_products: int = 300, block: int | None = None) -> LanczosResult:
    """The k largest eigenpairs of the symmetric operator ``matmat`` on vectors of size n.

    ``block`` vectors per pass (default k + 1, at most n); stops at relative ``tol``
    (see the module docstring) or after ``max_products`` single-vector products.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise ValueError(f"k must be a whole number in 1..{n}, got {k!r}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 < tol < 1:
        raise ValueError(f"tol must be a number in (0, 1), got {tol!r}")
    b = min(int(k) + 1 if block is None else int(block), n)
    if b < 1:
        raise ValueError(f"block must be a whole number >= 1, got {block!r}")
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.standard_normal((n, b)))[0].T          # (b, n) orthonormal rows
    HQ = np.asarray(matmat(Q), dtype=np.float64)
    products, passes = b, 1
    while True:
        T = Q @ HQ.T
        theta, S = np.linalg.eigh(0.5 * (T + T.T))
        top = np.argsort(theta)[::-1][:k]
        Y, HY = S[:, top].T @ Q, S[:, top].T @ HQ
        residuals = np.linalg.norm(HY - theta[top, None] * Y, axis=1)
        converged = len(top) == k and bool(np.all(residuals <= tol * np.abs(theta[top])))
        room = min(b, n - Q.shape[0], max_products - products)
        if converged or room < 1:
            break
        scale = float(np.abs(theta).max())
        new = _orthonormal_rows(HQ[-b:][:room], Q, rng, scale)
        Q = np.vstack([Q, new])
        HQ = np.vstack([HQ, np.asarray(matmat(new), dtype=np.float64)])
        products += new.shape[0]
        passes += 1
    Y /= np.linalg.norm(Y, axis=1, keepdims=True)
    return LanczosResult(theta[top], Y, residuals, products, passes, converged)
