"""Small helpers shared by the analytic landscape modules."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import GradFn, HessianFn


def finite_param(landscape: str, name: str, value: Any, *, low: float | None = None) -> float:
    """Return ``value`` as a float, or raise a one-line ValueError naming the parameter."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{landscape}: parameter {name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{landscape}: parameter {name} must be finite, got {value!r}")
    if low is not None and v < low:
        raise ValueError(f"{landscape}: parameter {name} must be >= {low:g}, got {v:g}")
    return v


def newton_minimum(
    grad: GradFn, hessian: HessianFn, start: tuple[float, float], iterations: int = 60
) -> tuple[float, float]:
    """Polish a minimizer by Newton's method on the analytic gradient and Hessian.

    ``grad(x, y) -> (gx, gy)`` and ``hessian(x, y) -> (hxx, hxy, hyy)`` on
    floats. The start must already lie in the minimizer's basin of quadratic
    convergence (the callers start at the well centres, a few percent away).
    """
    p = np.array(start, dtype=np.float64)
    for _ in range(iterations):
        gx, gy = grad(p[0], p[1])
        hxx, hxy, hyy = hessian(p[0], p[1])
        step = np.linalg.solve(np.array([[hxx, hxy], [hxy, hyy]], dtype=np.float64), [gx, gy])
        p = p - step
        if np.max(np.abs(step)) < 1e-15:
            break
    return float(p[0]), float(p[1])
