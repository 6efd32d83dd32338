"""The Hessian's trace and eigenvalue density from H·v products alone (as PyHessian does).

- Trace, Hutchinson (1990): tr H = E[vᵀ H v] for Rademacher v (entries ±1);
  the mean of m probes, with its standard error std/√m.
- Density, stochastic Lanczos quadrature (Golub & Meurant; Ghorbani, Krishnan,
  Xiao 2019; Yao et al., PyHessian 2020): m Lanczos steps from a random unit v
  give a tridiagonal T = S diag(θ) Sᵀ; the nodes θⱼ with weights S₀ⱼ² are a
  Gauss quadrature of vᵀ δ(H − t) v, whose mean over v is the spectral density
  (1/n) Σ δ(t − λᵢ). Smoothed by a Gaussian of width σ, as PyHessian's density_generate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .curvature import Array, HessianOperator


def _whole(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def hutchinson_trace(matvec: Any, shape: tuple[int, ...], probes: int = 64, seed: int = 0,
                     batch: int = 8) -> tuple[float, float]:
    """(estimate, standard error) of tr H from ``probes`` Rademacher probes, ``batch`` per product."""
    probes, batch = _whole("probes", probes, 2), _whole("batch", batch, 1)
    rng = np.random.default_rng(seed)
    samples = []
    for done in range(0, probes, batch):
        V = rng.choice(np.array([-1.0, 1.0]), size=(min(batch, probes - done), *shape))
        HV = matvec(V)
        samples.extend(np.sum(V * HV, axis=tuple(range(1, V.ndim))))
    s = np.array(samples)
    return float(s.mean()), float(s.std(ddof=1) / np.sqrt(len(s)))


def hessian_trace(W: ArrayLike, x: ArrayLike, y: ArrayLike, loss: str = "softmax", reg: str = "l2",
                  strength: float = 0.0, probes: int = 64, seed: int = 0, mean: ArrayLike | None = None,
                  dtype: DTypeLike = np.float64) -> tuple[float, float]:
    """Hutchinson's estimate of the Hessian's trace and its standard error (see the module docstring)."""
    op = HessianOperator(W, x, y, loss, reg, strength, mean, dtype)
    return hutchinson_trace(op.matvec, op.shape, probes, seed)


def lanczos_tridiagonal(matvec: Any, v0: Array, steps: int) -> tuple[Array, Array]:
    """(α, β) of ``steps`` Lanczos steps from v0, fully reorthogonalised; stops early on an
    invariant subspace (then T's eigenvalues are exact eigenvalues of H)."""
    n = v0.size
    m = min(steps, n)
    Q = np.zeros((m, n))
    Q[0] = v0 / np.linalg.norm(v0)
    alpha, beta = np.zeros(m), np.zeros(max(m - 1, 0))
    scale = 0.0
    for j in range(m):
        w = np.asarray(matvec(Q[j]), dtype=np.float64).ravel()
        alpha[j] = Q[j] @ w
        scale = max(scale, abs(alpha[j]))
        if j + 1 == m:
            break
        for _ in range(2):
            w -= Q[:j + 1].T @ (Q[:j + 1] @ w)
        b = float(np.linalg.norm(w))
        if b <= 1e-12 * max(scale, 1e-300):
            return alpha[:j + 1], beta[:j]
        beta[j] = b
        Q[j + 1] = w / b
    return alpha, beta


@dataclass(frozen=True)
class SpectrumDensity:
    """SLQ nodes and weights per run (lists of arrays: a run may stop early) and the smoothed density.

    ``density`` integrates to 1 over ``grid`` (spacing uniform); ``sigma`` is the kernel width.
    """

    nodes: list[Array]
    weights: list[Array]
    grid: Array
    density: Array
    sigma: float


def slq_density(matvec: Any, n: int, steps: int = 90, runs: int = 1, seed: int = 0, bins: int = 10000,
                sigma_squared: float = 1e-5, pad: float = 0.01) -> SpectrumDensity:
    """Stochastic Lanczos quadrature of a symmetric operator on vectors of size n (PyHessian's settings)."""
    steps, runs, bins = _whole("steps", steps, 1), _whole("runs", runs, 1), _whole("bins", bins, 2)
    rng = np.random.default_rng(seed)
    nodes, weights = [], []
    for _ in range(runs):
        v0 = rng.choice(np.array([-1.0, 1.0]), size=n)
        alpha, beta = lanczos_tridiagonal(matvec, v0, steps)
        T = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
        theta, S = np.linalg.eigh(T)
        nodes.append(theta)
        weights.append(S[0] ** 2)
    lo = min(float(t.min()) for t in nodes)
    hi = max(float(t.max()) for t in nodes)
    span = hi - lo
    lo, hi = lo - pad * max(span, abs(lo), 1e-300), hi + pad * max(span, abs(hi), 1e-300)
    grid = np.linspace(lo, hi, bins)
    sigma = float(np.sqrt(sigma_squared) * max(1.0, hi - lo))
    density = np.zeros(bins)
    for theta, w in zip(nodes, weights, strict=True):
        z = (grid[:, None] - theta[None, :]) / sigma
        density += (np.exp(-0.5 * z * z) / (sigma * np.sqrt(2 * np.pi))) @ w
    density /= runs
    density /= density.sum() * (grid[1] - grid[0])
    return SpectrumDensity(nodes, weights, grid, density, sigma)


def hessian_spectrum_density(W: ArrayLike, x: ArrayLike, y: ArrayLike, loss: str = "softmax", reg: str = "l2",
                             strength: float = 0.0, steps: int = 90, runs: int = 1, seed: int = 0,
                             bins: int = 10000, sigma_squared: float = 1e-5, mean: ArrayLike | None = None,
                             dtype: DTypeLike = np.float64, cache: bool = True) -> SpectrumDensity:
    """The Hessian's eigenvalue density by stochastic Lanczos quadrature (see the module docstring)."""
    op = HessianOperator(W, x, y, loss, reg, strength, mean, dtype, cache)
    return slq_density(lambda v: op.matvec(v.reshape(op.shape)), op.shape[0] * op.shape[1], steps, runs, seed,
                       bins, sigma_squared)
