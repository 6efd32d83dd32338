"""Sensible starting hyper-parameters of a solver for a given landscape.

Used when a race is built from names alone (``losslab render --landscape
rosenbrock --solvers gd,adam``) and when the ui adds a run.

The rule of thumb is each solver's own (its rule module's ``suggest_hyper``,
see solvers/rules/*.py: 1/L for gradient descent, a fraction of the view's
width for Adam, ...). This module measures the two numbers those rules take,
since solvers never see a landscape: the curvature L (the largest |Hessian
eigenvalue| at the start and at the known minima) and the view's width, and
rounds the suggested lr to 2 significant digits.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import solvers
from landscapes import Landscape
from solvers.teaching import SurfaceScale


def curvature(landscape: Landscape, start: Any) -> float:
    """Largest |eigenvalue| of the Hessian at ``start`` and at the known minima."""
    pts = [tuple(start), *landscape.minima]
    H = landscape.hessian(np.asarray(pts, dtype=np.float64))
    eig = np.abs(np.linalg.eigvalsh(H))
    eig = eig[np.isfinite(eig)]
    return float(eig.max()) if eig.size and eig.max() > 0 else 1.0


def surface_scale(landscape: Landscape, start: Any = None) -> SurfaceScale:
    """The plain numbers a solver's suggestion depends on: curvature and view width."""
    start = landscape.default_start if start is None else start
    (x0, x1), (y0, y1) = landscape.bounds
    return SurfaceScale(curvature=curvature(landscape, start), width=float(max(x1 - x0, y1 - y0)))


def _nice(x: float) -> float:
    """Round to 2 significant digits so labels read '1.0e-03', not '9.87e-04'."""
    return float(f"{x:.1e}")


def suggest_hyper(solver: str, landscape: Landscape, start: Any = None) -> dict[str, Any]:
    """Hyper-parameters (torch names) that move ``solver`` telling-ly but stably."""
    hyper = solvers.spec(solver).suggestion(surface_scale(landscape, start))
    if "lr" in hyper:
        hyper["lr"] = _nice(float(hyper["lr"]))
    return hyper
