"""Sensible starting hyper-parameters of a solver for a given landscape.

Used when a race is built from names alone (``losslab render --landscape
rosenbrock --solvers gd,adam``) and when the ui adds a run.

Rules of thumb (Goodfellow et al., Deep Learning, 2016, sec. 4.3 and 8.3):
- gradient descent on a surface of curvature L is stable for lr < 2/L and
  fastest near lr = 1/L; we take lr = 1/L with L the largest Hessian
  eigenvalue (in absolute value) along the way: at the start and at the known
  minima;
- heavy-ball momentum with mu moves like GD with lr / (1 - mu) once the
  velocity builds up, so it gets lr = (1 - mu) / L, i.e. the same travel;
- Adam/RMSprop/Adagrad steps are about lr per coordinate whatever the
  gradient scale, so their lr is a fraction of the view's width;
- Newton takes full steps (lr = 1);
- random search proposes x + σξ: σ (its ``lr``) is a length in the plane,
  so it is a fraction of the view's width too (its default 0.1 is tiny on a
  CIFAR slice and huge on a unit bowl).
"""
from __future__ import annotations

import numpy as np

from landscapes import Landscape


def curvature(landscape: Landscape, start) -> float:
    """Largest |eigenvalue| of the Hessian at ``start`` and at the known minima."""
    pts = [tuple(start), *landscape.minima]
    H = landscape.hessian(np.asarray(pts, dtype=np.float64))
    eig = np.abs(np.linalg.eigvalsh(H))
    eig = eig[np.isfinite(eig)]
    return float(eig.max()) if eig.size and eig.max() > 0 else 1.0


def _nice(x: float) -> float:
    """Round to 2 significant digits so labels read '1.0e-03', not '9.87e-04'."""
    return float(f"{x:.1e}")


def suggest_hyper(solver: str, landscape: Landscape, start=None) -> dict:
    """Hyper-parameters (torch names) that move ``solver`` telling-ly but stably."""
    start = landscape.default_start if start is None else start
    L = curvature(landscape, start)
    (x0, x1), (y0, y1) = landscape.bounds
    width = max(x1 - x0, y1 - y0)
    if solver in ("gd", "sgd"):
        return {"lr": _nice(1.0 / L)}
    if solver in ("momentum", "nesterov"):
        return {"lr": _nice(0.1 / L), "momentum": 0.9}
    if solver in ("adam", "adamw"):
        return {"lr": _nice(0.02 * width)}
    if solver == "rmsprop":
        return {"lr": _nice(0.005 * width)}
    if solver == "adagrad":
        return {"lr": _nice(0.1 * width)}
    if solver == "newton":
        return {"lr": 1.0}
    if solver == "random_search":
        return {"lr": _nice(0.02 * width)}
    return {}
