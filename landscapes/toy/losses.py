"""The four multiclass losses of the lecture's linear-classifier demo, vectorised over parameters.

Scores s = X·Wᵀ + b for X (N, 2), W (..., C, 2), b (..., C); example i has label yᵢ:

    ww          Σ_{j≠yᵢ} max(0, s_j − s_yᵢ + 1)            (Weston & Watkins 1999)
    ova         Σ_j max(0, 1 − t_j·s_j), t_j = ±1 (+1 for yᵢ)   (one-vs-all)
    structured  max(0, max_{j≠yᵢ} s_j − s_yᵢ + 1)            (Crammer & Singer 2001)
    softmax     −log p_yᵢ, p = softmax(s)                     (cross-entropy)

    L(W, b) = (1/N) Σᵢ Lᵢ + reg·Σ W²       (the bias is not regularized)

Gradients are exact subgradients (at a hinge's kink, max(0, m) counts as
inactive). The demo coded the regularizer's gradient as 0.5·reg·W; the
gradient of reg·Σ W² is 2·reg·W, which is what is used here. Leading shapes
of W and b broadcast, so a whole grid of parameter settings is one call.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from solvers.naming import did_you_mean

from .params import pack

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

KINDS = ("ww", "ova", "structured", "softmax")
KIND_TITLES = {"ww": "Weston–Watkins SVM", "ova": "One-vs-all SVM",
               "structured": "Structured SVM", "softmax": "Softmax"}


# --- validation (one-line ValueErrors naming the problem) -----------------------
def check_kind(kind: object) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"unknown loss kind {kind!r}{did_you_mean(kind, KINDS)}; "
                         f"choose one of {', '.join(KINDS)}")
    return kind


def check_reg(reg: object) -> float:
    if isinstance(reg, bool) or not isinstance(reg, (int, float, np.integer, np.floating)):
        raise ValueError(f"reg must be a number, got {reg!r}")
    if not math.isfinite(reg) or reg < 0:
        raise ValueError(f"reg must be finite and >= 0, got {reg!r}")
    return float(reg)


def check_data(X: ArrayLike, y: ArrayLike, n_classes: int | None) -> tuple[Floats, Ints]:
    """X as (N, 2) finite floats and y as (N,) labels in 0 .. n_classes − 1 (any >= 0 when None), N ≥ 1."""
    Xa = np.asarray(X, dtype=np.float64)
    ya = np.asarray(y)
    if Xa.ndim != 2 or Xa.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), got {Xa.shape}")
    if len(Xa) == 0:
        raise ValueError("the data set is empty: X and y need at least one point")
    if not np.isfinite(Xa).all():
        raise ValueError("X must hold finite numbers")
    if ya.shape != (len(Xa),):
        raise ValueError(f"y must have shape ({len(Xa)},) to match X, got {ya.shape}")
    if ya.dtype.kind not in "iuf" or (ya.dtype.kind == "f"
                                      and not (np.isfinite(ya).all() and (ya == np.round(ya)).all())):
        raise ValueError(f"labels y must be whole numbers, got {ya.dtype} values")
    labels = ya.astype(np.int64)
    if n_classes is None:
        if labels.min() < 0:
            raise ValueError(f"labels y must be >= 0, got {labels.min()}")
    elif labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"labels y must lie in 0 .. {n_classes - 1} for {n_classes} classes, "
                         f"got {labels.min()} .. {labels.max()}")
    return Xa, labels


def check_params(W: ArrayLike, b: ArrayLike) -> tuple[Floats, Floats, int]:
    """W (..., C, 2) and b (..., C) as floats with broadcastable leading shapes; returns C too."""
    Wa = np.asarray(W, dtype=np.float64)
    ba = np.asarray(b, dtype=np.float64)
    if Wa.ndim < 2 or Wa.shape[-1] != 2:
        raise ValueError(f"W must have shape (..., C, 2) (one row per class), got {Wa.shape}")
    c = Wa.shape[-2]
    if c < 2:
        raise ValueError(f"a classifier needs at least 2 classes, W has {c} row(s)")
    if ba.ndim < 1 or ba.shape[-1] != c:
        raise ValueError(f"b must have shape (..., {c}) to match W {Wa.shape}, got {ba.shape}")
    try:
        np.broadcast_shapes(Wa.shape[:-2], ba.shape[:-1])
    except ValueError:
        raise ValueError(f"the leading shapes of W {Wa.shape} and b {ba.shape} do not broadcast") from None
    return Wa, ba, c


# --- per-example losses and their score gradients -------------------------------
def _scores(W: Floats, b: Floats, X: Floats) -> Floats:
    """s (..., N, C) = X·Wᵀ + b (two broadcast products: faster than einsum/matmul on tiny stacks)."""
    return X[:, 0, None] * W[..., None, :, 0] + X[:, 1, None] * W[..., None, :, 1] + b[..., None, :]


def _true_class(s: Floats, y: Ints) -> Floats:
    """s_yᵢ (..., N)."""
    return np.take_along_axis(s, np.broadcast_to(y[:, None], s.shape[:-1] + (1,)), axis=-1)[..., 0]


def _example_terms(s: Floats, y: Ints, kind: str) -> tuple[Floats, Floats]:
    """Per-example losses Lᵢ (..., N) and ∂Lᵢ/∂s (..., N, C)."""
    onehot = (np.arange(s.shape[-1]) == y[:, None]).astype(np.float64)   # (N, C)
    if kind == "ww":
        margins = np.where(onehot, 0.0, s - _true_class(s, y)[..., None] + 1.0)
        active = (margins > 0).astype(np.float64)
        grad = active - onehot * active.sum(axis=-1, keepdims=True)
        return np.maximum(margins, 0.0).sum(axis=-1), grad
    if kind == "ova":
        t = 2.0 * onehot - 1.0
        margins = 1.0 - t * s
        return np.maximum(margins, 0.0).sum(axis=-1), -t * (margins > 0)
    if kind == "structured":
        rivals = np.where(onehot, -np.inf, s)
        best = rivals.argmax(axis=-1)[..., None]                          # first of any ties
        margin = np.take_along_axis(rivals, best, axis=-1)[..., 0] - _true_class(s, y) + 1.0
        grad = (np.arange(s.shape[-1]) == best) - onehot
        return np.maximum(margin, 0.0), grad * (margin > 0)[..., None]
    z = s - s.max(axis=-1, keepdims=True)                                 # softmax, stably
    log_norm = np.log(np.exp(z).sum(axis=-1))
    return log_norm - _true_class(z, y), np.exp(z - log_norm[..., None]) - onehot


def _prepared(W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike, kind: object,
              reg: object) -> tuple[Floats, Floats, Floats, Ints, str, float]:
    Wa, ba, c = check_params(W, b)
    Xa, ya = check_data(X, y, c)
    return Wa, ba, Xa, ya, check_kind(kind), check_reg(reg)


def point_losses(W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike,
                 kind: str = "ww") -> tuple[Floats, Floats]:
    """(scores (..., N, C), per-point data losses (..., N)): what the data view's table shows."""
    Wa, ba, Xa, ya, k, _ = _prepared(W, b, X, y, kind, 0.0)
    s = _scores(Wa, ba, Xa)
    return s, _example_terms(s, ya, k)[0]


def multiclass_loss(W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike, kind: str = "ww",
                    reg: float = 0.0) -> tuple[Floats, Floats, Floats]:
    """(loss (...), dW (..., C, 2), db (..., C)) of mean data loss + reg·Σ W²; see the module docstring.

    Non-finite parameters give non-finite losses (a diverging run is marked by
    the solver, not stopped by an exception); bad data, kind or reg raise ValueError.
    """
    Wa, ba, Xa, ya, k, r = _prepared(W, b, X, y, kind, reg)
    with np.errstate(invalid="ignore", over="ignore"):
        losses, g = _example_terms(_scores(Wa, ba, Xa), ya, k)
        g = g / len(ya)
        loss = losses.mean(axis=-1) + r * (Wa * Wa).sum(axis=(-2, -1))
        dW = np.swapaxes(g, -1, -2) @ Xa + 2.0 * r * Wa
    return np.asarray(loss, dtype=np.float64), dW, g.sum(axis=-2)


def loss_hessian(W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike, kind: str = "softmax",
                 reg: float = 0.0) -> Floats:
    """The exact Hessian (..., 3C, 3C) over theta = [W row-major, b] (see params.py for the order).

    softmax: (1/N) Σᵢ (diag pᵢ − pᵢpᵢᵀ) ⊗ φᵢφᵢᵀ with φᵢ = (xᵢ, 1), plus 2·reg on
    the W diagonal. The SVM losses are piecewise linear in the parameters, so
    away from their kinks only the regularizer's 2·reg·I (on W) remains.
    """
    Wa, ba, Xa, ya, k, r = _prepared(W, b, X, y, kind, reg)
    c = Wa.shape[-2]
    lead = np.broadcast_shapes(Wa.shape[:-2], ba.shape[:-1])
    out = np.zeros(lead + (3 * c, 3 * c))
    if k == "softmax":
        with np.errstate(invalid="ignore", over="ignore"):
            z = _scores(Wa, ba, Xa)
            z = z - z.max(axis=-1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=-1, keepdims=True)                            # (..., N, C)
            curv = p[..., :, None] * np.eye(c) - p[..., :, None] * p[..., None, :]
            phi = np.concatenate([Xa, np.ones((len(Xa), 1))], axis=1)     # (N, 3): x, y, 1
            outer = phi[:, :, None] * phi[:, None, :]                     # (N, 3, 3)
            blocks = np.einsum("...nce,nkl->...ckel", curv, outer) / len(Xa)
        # blocks[..., c, k, e, l] is indexed by (class, feature); theta puts W's two
        # features class by class first and every bias (feature 2) after them.
        order = np.array([3 * i + f for i in range(c) for f in (0, 1)] + [3 * i + 2 for i in range(c)])
        flat = blocks.reshape(lead + (3 * c, 3 * c))
        out = flat[..., order[:, None], order[None, :]]
    diag = np.arange(2 * c)
    out[..., diag, diag] += 2.0 * r
    return out


def softmax_hessian(W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike, reg: float = 0.0) -> Floats:
    """The softmax loss's exact Hessian over theta = [W row-major, b]: loss_hessian(kind="softmax")."""
    return loss_hessian(W, b, X, y, "softmax", reg)


def gradient_vector(W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike, kind: str = "ww",
                    reg: float = 0.0) -> tuple[Floats, Floats]:
    """(loss (...), gradient (..., 3C)) over theta, the flat form of multiclass_loss."""
    loss, dW, db = multiclass_loss(W, b, X, y, kind, reg)
    return loss, pack(dW, db)


def describe(kind: str, reg: float) -> dict[str, str]:
    """Display strings for one loss kind and strength: title, Unicode formula and LaTeX."""
    formula, latex = _FORMULAS[check_kind(kind)]
    strength = check_reg(reg)
    if strength:
        formula += f" + {strength:g}·‖W‖²"
        latex += rf" + {strength:g}\,\|W\|^2"
    return {"title": KIND_TITLES[kind], "formula": formula, "latex": f"${latex}$"}


_FORMULAS = {
    "ww": ("(1/N) Σᵢ Σ_{j≠yᵢ} max(0, s_j − s_yᵢ + 1)",
           r"\frac{1}{N}\sum_i \sum_{j \neq y_i} \max(0, s_j - s_{y_i} + 1)"),
    "ova": ("(1/N) Σᵢ Σ_j max(0, 1 − t_j s_j)",
            r"\frac{1}{N}\sum_i \sum_j \max(0, 1 - t_j s_j)"),
    "structured": ("(1/N) Σᵢ max(0, max_{j≠yᵢ} s_j − s_yᵢ + 1)",
                   r"\frac{1}{N}\sum_i \max(0, \max_{j \neq y_i} s_j - s_{y_i} + 1)"),
    "softmax": ("(1/N) Σᵢ −log(e^{s_yᵢ} / Σ_j e^{s_j})",
                r"\frac{1}{N}\sum_i -\log \frac{e^{s_{y_i}}}{\sum_j e^{s_j}}"),
}
