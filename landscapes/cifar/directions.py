"""Directions spanning a 2-D slice of weight space.

Filter normalization (Li, Xu, Taylor, Studer, Goldstein 2018, "Visualizing the
Loss Landscape of Neural Nets", §4): draw d ~ N(0, I) shaped like W and rescale
each filter to the norm of the matching filter of W,
    d_j ← d_j / ‖d_j‖ · ‖W_j‖.
For a linear classifier a filter is one class template: a column of W
(3073 values, bias entry included), so a step of a = 1 changes every class
score by as much as W* itself does, whatever its scale.

The eigen-plane (the sharpest plane through W): the top two eigenvectors of the
loss's Hessian at W, each scaled to ‖W‖ — the length of a filter-normalized
direction (its columns have W's column norms, so ‖d‖ = ‖W‖) — so both planes
have the same units and a step of a = 1 moves W equally far in either.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .curvature import hessian_top_eigs

Array = np.ndarray[Any, np.dtype[np.float64]]
_DIRECTIONS_STREAM = 2  # linear.train_linear uses [seed] for W_init and [seed, 1] for batches


def filter_normalized_directions(W: np.ndarray[Any, Any], seed: int = 0) -> tuple[Array, Array]:
    """Two random Gaussian directions, each column rescaled to the norm of W's column.

    Seeded by [seed, 2], a stream independent of the training's (see linear.py).
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"W must be a 2-D (features, classes) array, got shape {W.shape}")
    # a stream of its own: default_rng(seed) is the SGD init W_init, and directions
    # drawn from it would point along the leftover of W_init inside W*
    rng = np.random.default_rng([seed, _DIRECTIONS_STREAM])
    target = np.linalg.norm(W, axis=0)
    out = []
    for _ in range(2):
        d = rng.standard_normal(W.shape)
        out.append(d * (target / np.linalg.norm(d, axis=0)))
    return out[0], out[1]


def plane_through(W0: np.ndarray[Any, Any], W1: np.ndarray[Any, Any],
                  W2: np.ndarray[Any, Any]) -> tuple[Array, Array, Array, tuple[tuple[float, float], ...]]:
    """The plane through three weight matrices, with W0 at the origin.

    D1 = W1 − W0 (so W1 sits at (1, 0)); D2 is the part of W2 − W0 orthogonal
    to D1 (Gram–Schmidt), scaled to ‖D1‖, so the axes have equal units and
    W2 = W0 + α·D1 + β·D2 with α = ⟨W2 − W0, D1⟩/‖D1‖², β = ‖(W2 − W0)⊥‖/‖D1‖.
    Returns (origin, D1, D2, ((0, 0), (1, 0), (α, β))).
    """
    W0, W1, W2 = (np.asarray(M, dtype=np.float64) for M in (W0, W1, W2))
    if not W0.shape == W1.shape == W2.shape:
        raise ValueError(f"the three weights must share a shape, got {W0.shape}, {W1.shape}, {W2.shape}")
    D1 = W1 - W0
    n1 = float(np.linalg.norm(D1))
    v = W2 - W0
    alpha = float(np.vdot(v, D1)) / n1**2 if n1 > 0 else 0.0
    perp = v - alpha * D1
    np_ = float(np.linalg.norm(perp))
    if n1 == 0 or np_ <= 1e-12 * max(n1, float(np.linalg.norm(v))):
        raise ValueError("the three weights are (nearly) collinear: they do not span a plane")
    D2 = perp * (n1 / np_)
    beta = np_ / n1
    return W0, D1, D2, ((0.0, 0.0), (1.0, 0.0), (alpha, beta))


def eigen_directions(W: ArrayLike, x: ArrayLike, y: ArrayLike, loss: str = "softmax", reg: str = "l2",
                     strength: float = 0.0, mean: ArrayLike | None = None, seed: int = 0,
                     tol: float = 1e-4, dtype: DTypeLike = np.float64) -> tuple[Array, Array, Array]:
    """(D1, D2, eigenvalues (2,)): the top two Hessian eigenvectors at W, scaled to ‖W‖.

    Lanczos (hessian_top_eigs, seeded, products in ``dtype``) on the loss of cifar_slice over raw rows x.
    An eigenvector's sign is arbitrary: each is flipped so its largest entry is
    positive, so the same W gives the same picture. W = 0 keeps unit vectors.
    """
    W_arr = np.asarray(W, dtype=np.float64)
    values, vectors = hessian_top_eigs(W_arr, x, y, k=2, loss=loss, reg=reg, strength=strength, tol=tol,
                                       seed=seed, mean=mean, dtype=dtype)
    norm = float(np.linalg.norm(W_arr))
    scale = norm if norm > 0 else 1.0
    out = []
    for v in vectors:
        flat = v.ravel()
        sign = 1.0 if flat[np.argmax(np.abs(flat))] >= 0 else -1.0
        out.append(sign * scale * v)
    return out[0], out[1], values
