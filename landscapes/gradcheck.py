"""Finite-difference gradients and the gradient check, as taught (CS231n notes).

    numerical gradient   gₙ,ᵢ = (f(p + h·eᵢ) − f(p − h·eᵢ)) / 2h     (error O(h²))
    relative error       |gₐ − gₙ| / max(|gₐ|, |gₙ|, tiny), worst coordinate

Rule of thumb for float64 and h = 1e-5: below 1e-7 the analytic gradient is
right; above 1e-2 it is wrong. Where both gradients vanish (at a minimum)
the ratio only measures finite-difference noise, so look away from
stationary points. Everything is vectorized over points of shape (..., 2).
"""
from __future__ import annotations

import numpy as np

from .base import as_points

_EYE = np.eye(2)


def _value_fn(f):
    """Accept a Landscape (uses .value) or a plain callable (..., 2) -> (...)."""
    return f.value if hasattr(f, "value") else f


def _check_step(h: float) -> float:
    h = float(h)
    if not np.isfinite(h) or h <= 0.0:
        raise ValueError(f"finite-difference step h must be positive and finite, got {h!r}")
    return h


def numerical_grad(f, p, h: float = 1e-5) -> np.ndarray:
    """Centered-difference gradient of ``f`` at points ``p`` (..., 2) -> (..., 2)."""
    h = _check_step(h)
    p = as_points(p)
    value = _value_fn(f)
    shifted = p[..., None, :] + h * _EYE  # (..., 2, 2): row i is p + h·eᵢ
    back = p[..., None, :] - h * _EYE
    return (np.asarray(value(shifted)) - np.asarray(value(back))) / (2.0 * h)


def numerical_hessian(f, p, h: float = 1e-4) -> np.ndarray:
    """Hessian (..., 2, 2) by centered differences of the analytic gradient ``f.grad``, symmetrized.

    Column j is (∇f(p + h·eⱼ) − ∇f(p − h·eⱼ)) / 2h; the result is ½(J + Jᵀ).
    """
    h = _check_step(h)
    p = as_points(p)
    shifted = p[..., None, :] + h * _EYE
    back = p[..., None, :] - h * _EYE
    rows = (f.grad(shifted) - f.grad(back)) / (2.0 * h)  # rows[..., j, i] = ∂ᵢ∂ⱼ f
    return 0.5 * (rows + np.swapaxes(rows, -1, -2))


def gradcheck(f, p, h: float = 1e-5, tiny: float = 1e-12) -> np.ndarray:
    """Relative error of ``f.grad`` against ``numerical_grad``, per point: shape (...).

    err = maxᵢ |gₐ,ᵢ − gₙ,ᵢ| / max(|gₐ,ᵢ|, |gₙ,ᵢ|, tiny). ``tiny`` only keeps the
    ratio finite where both components are exactly zero.
    """
    p = as_points(p)
    analytic = f.grad(p)
    numeric = numerical_grad(f, p, h)
    scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), tiny)
    return np.max(np.abs(analytic - numeric) / scale, axis=-1)
