"""Finite-difference gradients and the gradient check, as taught (CS231n notes).

    numerical gradient   gₙ,ᵢ = (f(p + h·eᵢ) − f(p − h·eᵢ)) / 2h       (error O(h²))
    relative error       ‖g − gₙ‖ / max(‖g‖, ‖gₙ‖, tiny)                (norm-wise)

The error is taken on the whole gradient vector, not per component: a
component near 1e-11 is round-off for finite differences, and its own ratio
says nothing about whether the gradient is right. Rule of thumb for float64:
below 1e-7 the analytic gradient is right; above 1e-2 it is wrong.
Everything is vectorized over points of shape (..., 2).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .base import as_points

_EYE = np.eye(2)

ValueFn = Callable[[np.ndarray], Any]


def _value_fn(f: Any) -> ValueFn:
    """Accept a Landscape (uses .value) or a plain callable (..., 2) -> (...)."""
    fn: ValueFn = f.value if hasattr(f, "value") else f
    return fn


def _check_step(h: float) -> float:
    h = float(h)
    if not np.isfinite(h) or h <= 0.0:
        raise ValueError(f"finite-difference step h must be positive and finite, got {h!r}")
    return h


def _central(value: ValueFn, p: np.ndarray, h: np.ndarray | float) -> np.ndarray:
    """Centered differences at points ``p`` (..., 2) with step ``h`` (a scalar, or one per point)."""
    h = np.asarray(h, dtype=np.float64)[..., None, None]
    step = h * _EYE  # (..., 2, 2): row i is h·eᵢ
    ahead = np.asarray(value(p[..., None, :] + step), dtype=np.float64)
    back = np.asarray(value(p[..., None, :] - step), dtype=np.float64)
    out: np.ndarray = (ahead - back) / (2.0 * h[..., 0])
    return out


def numerical_grad(f: Any, p: Any, h: float = 1e-5) -> np.ndarray:
    """Centered-difference gradient of ``f`` at points ``p`` (..., 2) -> (..., 2)."""
    return _central(_value_fn(f), as_points(p), _check_step(h))


def numerical_hessian(f: Any, p: Any, h: float = 1e-4) -> np.ndarray:
    """Hessian (..., 2, 2) by centered differences of the analytic gradient ``f.grad``, symmetrized.

    Column j is (∇f(p + h·eⱼ) − ∇f(p − h·eⱼ)) / 2h; the result is ½(J + Jᵀ).
    """
    h = _check_step(h)
    p = as_points(p)
    shifted = p[..., None, :] + h * _EYE
    back = p[..., None, :] - h * _EYE
    rows = (np.asarray(f.grad(shifted)) - np.asarray(f.grad(back))) / (2.0 * h)  # rows[..., j, i] = ∂ᵢ∂ⱼ f
    out: np.ndarray = 0.5 * (rows + np.swapaxes(rows, -1, -2))
    return out


def gradcheck(f: Any, p: Any, h: float = 1e-4, tiny: float = 1e-12) -> np.ndarray:
    """Norm-wise relative error of ``f.grad`` against finite differences, per point: shape (...).

        err = ‖g − gₙ‖ / max(‖g‖, ‖gₙ‖, r, tiny)

    * The step follows the scale of the point: s = h·max(1, ‖p‖).
    * gₙ = (4·d(s) − d(2s)) / 3, Richardson's extrapolation of the centered
      differences d at steps s and 2s: its error is O(s⁴), not O(s²).
    * r = ‖d(s) − d(2s)‖ is how much the two centered differences disagree:
      a gradient that small cannot be told from zero by finite differences.
      It keeps the ratio meaningful at a minimum, where both gradients are
      round-off (without it, 1.0 at every Rastrigin local minimum).
    ``tiny`` only keeps the ratio finite where everything is exactly zero.
    """
    h = _check_step(h)
    p = as_points(p)
    value = _value_fn(f)
    s = h * np.maximum(1.0, np.linalg.norm(p, axis=-1))
    d1, d2 = _central(value, p, s), _central(value, p, 2.0 * s)
    numeric = (4.0 * d1 - d2) / 3.0
    analytic = np.asarray(f.grad(p), dtype=np.float64)
    norm = np.linalg.norm
    scale = np.maximum.reduce([norm(analytic, axis=-1), norm(numeric, axis=-1), norm(d1 - d2, axis=-1),
                               np.full(p.shape[:-1], tiny)])
    out: np.ndarray = norm(analytic - numeric, axis=-1) / scale
    return out
