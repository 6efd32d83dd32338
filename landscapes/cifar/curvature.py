"""Exact Hessian-vector products of the linear classifier's loss, and its top eigenpairs.

The loss is the one cifar_slice evaluates (see linear.py): features X = [x − mean, 1],
scores S = X W with W (D + 1, K), data loss averaged over the N rows, and the
regularizer over all of W, bias row included.

    softmax   H·V = (1/N) Σᵢ xᵢ ((diag pᵢ − pᵢ pᵢᵀ)(Vᵀ xᵢ))ᵀ
                  = (1/N) Xᵀ (P ⊙ U − P ⊙ rowsum(P ⊙ U)),   U = X V,  P = softmax(X W)
    svm       0: the hinge loss is piecewise linear in W, so its Hessian is zero
              wherever it exists (everywhere except on the measure-zero kinks)
    l2        strength·ΣW² adds 2·strength·V
    l1        strength·Σ|W| adds 0 (almost everywhere, as for the SVM)

So the SVM's only curvature is the regularizer's: with l2 every eigenvalue is
2·strength, with l1 the Hessian is 0 — which is why Newton's method behaves oddly
there. The 30,730² matrix is never formed: a product costs two passes over X.

Exactness: in float64 the product agrees with a dense autograd Hessian to
rounding (~1e-13 relative). ``dtype=np.float32`` halves memory and time; it
rounds the features, P and V to float32, giving ~1e-6 relative error per product.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .lanczos import lanczos_top
from .linear import LOSSES, REGS, check_choice, check_strength, image_mean

Array = np.ndarray[Any, np.dtype[np.float64]]

ROWS = 4096  # rows of x converted to float features at a time (≈ 100 MB in float64)


def _check_problem(W: ArrayLike, x: ArrayLike, y: ArrayLike) -> tuple[Array, np.ndarray, np.ndarray]:
    W_arr = np.asarray(W, dtype=np.float64)
    x_arr, y_arr = np.asarray(x), np.asarray(y)
    if x_arr.ndim != 2 or len(x_arr) == 0:
        raise ValueError(f"x must be non-empty rows (N, D), got shape {x_arr.shape}")
    if W_arr.ndim != 2 or W_arr.shape[0] != x_arr.shape[1] + 1:
        raise ValueError(f"W must be ({x_arr.shape[1] + 1}, K) for x of shape {x_arr.shape}, got {W_arr.shape}")
    if not np.all(np.isfinite(W_arr)):
        raise ValueError("W must be finite")
    if y_arr.shape != (len(x_arr),):
        raise ValueError(f"y must hold one label per row of x ({len(x_arr)}), got shape {y_arr.shape}")
    if not np.issubdtype(y_arr.dtype, np.integer) or y_arr.min() < 0 or y_arr.max() >= W_arr.shape[1]:
        raise ValueError(f"labels must be whole numbers in 0..{W_arr.shape[1] - 1}")
    return W_arr, x_arr, y_arr


class HessianOperator:
    """H·V at fixed W for the loss of cifar_slice, with the per-row softmax P computed once.

    ``cache=True`` keeps the float features (N·(D+1) numbers of ``dtype``; 1.2 GB
    in float64 for all 50,000 images) so repeated products skip the uint8
    conversion; ``cache=False`` converts ``ROWS`` rows at a time (bounded memory).
    """

    def __init__(self, W: ArrayLike, x: ArrayLike, y: ArrayLike, loss: str = "softmax", reg: str = "l2",
                 strength: float = 0.0, mean: ArrayLike | None = None, dtype: DTypeLike = np.float64,
                 cache: bool = False) -> None:
        self.loss = check_choice("loss", loss, LOSSES)
        self.reg = check_choice("reg", reg, REGS)
        self.strength = check_strength(strength)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise ValueError(f"dtype must be float64 or float32, got {self.dtype}")
        W_arr, self._x, self._y = _check_problem(W, x, y)
        self.shape: tuple[int, int] = (int(W_arr.shape[0]), int(W_arr.shape[1]))
        self.n_examples = len(self._x)
        self.mean = image_mean(self._x) if mean is None else np.asarray(mean, dtype=np.float64)
        if self.mean.shape != (self._x.shape[1],):
            raise ValueError(f"mean must have shape ({self._x.shape[1]},), got {self.mean.shape}")
        self.products = 0  # how many single-vector products so far (a batch of k counts k)
        self._cached: list[np.ndarray] | None = [] if cache else None
        self._P: list[np.ndarray] = []
        if self.loss == "softmax":
            W_d = W_arr.astype(self.dtype)
            for i0 in range(0, self.n_examples, ROWS):
                X = self._features(i0)
                S = (X @ W_d).astype(np.float64)
                E = np.exp(S - S.max(axis=1, keepdims=True))
                self._P.append((E / E.sum(axis=1, keepdims=True)).astype(self.dtype))

    def _features(self, i0: int) -> np.ndarray:
        """[x − mean, 1] for rows i0:i0 + ROWS, from the cache when there is one."""
        c = i0 // ROWS
        if self._cached is not None and c < len(self._cached):
            return self._cached[c]
        rows = self._x[i0:i0 + ROWS]
        X = np.empty((len(rows), rows.shape[1] + 1), dtype=self.dtype)
        np.subtract(rows, self.mean, out=X[:, :-1], dtype=self.dtype, casting="unsafe")
        X[:, -1] = 1.0
        if self._cached is not None:
            self._cached.append(X)
        return X

    def matvec(self, V: ArrayLike) -> Array:
        """H·V for V of W's shape (D+1, K), or a batch (k, D+1, K) -> the same shape, float64."""
        V_arr = np.asarray(V, dtype=np.float64)
        batched = V_arr.ndim == 3
        if V_arr.shape[-2:] != self.shape or V_arr.ndim not in (2, 3):
            raise ValueError(f"V must have shape {self.shape} or (k, {self.shape[0]}, {self.shape[1]}), "
                             f"got {V_arr.shape}")
        Vb = V_arr if batched else V_arr[None]
        k = Vb.shape[0]
        self.products += k
        out = np.zeros_like(Vb)
        if self.loss == "softmax":
            D, K = self.shape
            V2 = np.ascontiguousarray(Vb.transpose(1, 0, 2).reshape(D, k * K), dtype=self.dtype)
            acc = np.zeros((D, k * K), dtype=self.dtype)
            for c, i0 in enumerate(range(0, self.n_examples, ROWS)):
                X = self._features(i0)
                P = self._P[c][:, None, :]                       # (n, 1, K)
                PU = (X @ V2).reshape(len(X), k, K) * P          # P ⊙ U
                T = PU - P * PU.sum(axis=2, keepdims=True)       # (diag p − p pᵀ) u, per row and vector
                acc += X.T @ T.reshape(len(X), k * K)
            out += acc.astype(np.float64).reshape(D, k, K).transpose(1, 0, 2) / self.n_examples
        if self.reg == "l2" and self.strength:
            out += 2.0 * self.strength * Vb
        return out if batched else out[0]


def hessian_vector_product(W: ArrayLike, x: ArrayLike, y: ArrayLike, V: ArrayLike, loss: str = "softmax",
                           reg: str = "l2", strength: float = 0.0, mean: ArrayLike | None = None,
                           dtype: DTypeLike = np.float64) -> Array:
    """Exact H·V of cifar_slice's loss at W on raw rows x (see the module docstring).

    V has W's shape (D+1, K) or a leading batch (k, D+1, K); ``mean`` is the
    training mean image (None: the mean of x, as cifar_slice does). Memory is
    bounded: x is converted ``ROWS`` rows at a time.
    """
    return HessianOperator(W, x, y, loss, reg, strength, mean, dtype).matvec(V)


def hessian_top_eigs(W: ArrayLike, x: ArrayLike, y: ArrayLike, k: int = 3, loss: str = "softmax",
                     reg: str = "l2", strength: float = 0.0, tol: float = 1e-6, seed: int = 0,
                     mean: ArrayLike | None = None, max_products: int = 300, block: int | None = None,
                     dtype: DTypeLike = np.float64, cache: bool = True) -> tuple[Array, Array]:
    """The k largest Hessian eigenvalues (descending, (k,)) and unit eigenvectors (k, *W.shape).

    Block Lanczos with full reorthogonalisation on exact H·V products (lanczos.lanczos_top,
    ``block`` vectors per pass, default k + 1), each value to relative ``tol``; ValueError
    if ``max_products`` products do not reach it. ``cache`` keeps the float features
    between passes (see HessianOperator). float32 products move the eigenvalues by ~1e-8
    relative on CIFAR-10 (see benchmarks/bench_curvature.py) at under half the time, but
    their rounding (~1e-7 relative) caps the reachable ``tol``: on CIFAR-10, 1e-8 is not
    reached in float32. So float64 stays the default (any tol the caller asks for is
    certified); callers content with ~1e-4, like the app's curvature window
    (app.model.cifar_curvature), pass float32 (tested to agree with float64 to 1e-4).
    """
    op = HessianOperator(W, x, y, loss, reg, strength, mean, dtype, cache)
    n = op.shape[0] * op.shape[1]

    def matmat(V: Array) -> Array:
        return op.matvec(V.reshape((len(V), *op.shape))).reshape(len(V), n)

    result = lanczos_top(matmat, n, k, tol, seed, max_products, block)
    if not result.converged:
        raise ValueError(f"Lanczos did not reach tol {tol:g} in {result.products} products "
                         f"(residuals {np.array2string(result.residuals, precision=2)}); "
                         "raise max_products or tol")
    return result.values, result.vectors.reshape((k, *op.shape))
