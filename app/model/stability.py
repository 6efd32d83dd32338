"""Linear-stability facts of gradient descent and its momentum forms on a quadratic.

On f(x) = ½ xᵀHx (plus coupled weight decay λ, so H + λI) each eigen-direction of
curvature h evolves by a fixed 2×2 (momentum) or 1×1 (gd) linear map; the run
converges iff every such map has spectral radius < 1. With torch's update rules
(solvers/rules/sgd.py) that holds for every curvature up to λmax iff

    gd, sgd       η (λmax + λ) < 2
    momentum      η (λmax + λ) (1 − τ) < 2 (1 + μ)        (τ = dampening; μ = 0 is plain gd)
    nesterov      η (λmax + λ) < 2 (1 + μ) / (1 + 2μ)

(heavy ball: characteristic polynomial z² − (1 + μ − ηh)z + μ, Jury's test gives
ηh < 2(1 + μ); Nesterov's is z² − (1 + μ − ηh(1 + μ))z + μ(1 − ηh), giving
ηh(1 + 2μ) < 2(1 + μ)). ``lr_factor`` is the right-hand side, so the lr bound is
lr_factor / (λmax + λ).

Polyak's optimal heavy ball for curvatures m ≤ L (both > 0) is
η* = 4 / (√L + √m)², μ* = ((√L − √m) / (√L + √m))²: the fastest rate, (√κ − 1)/(√κ + 1).
No Qt here.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]

def lr_factor(solver: str, hyper: Mapping[str, Any]) -> Floats | None:
    """η·(λmax + λ) must stay below this for ``solver`` with ``hyper`` (arrays broadcast); None: no such bound."""
    if solver in ("gd", "sgd"):
        return np.asarray(2.0)
    mu = np.asarray(hyper.get("momentum", 0.0), dtype=np.float64)
    if solver == "momentum":
        damp = np.asarray(hyper.get("dampening", 0.0), dtype=np.float64)
        with np.errstate(divide="ignore"):
            heavy = 2.0 * (1.0 + mu) / (1.0 - damp)
        # torch applies no momentum, so no dampening, when μ = 0: that is gradient descent
        return np.asarray(np.where(mu == 0.0, 2.0, heavy), dtype=np.float64)
    if solver == "nesterov":
        return np.asarray(2.0 * (1.0 + mu) / (1.0 + 2.0 * mu), dtype=np.float64)
    return None


def bound_text(solver: str, hyper: Mapping[str, Any]) -> str:
    """How the bound is written for ``solver`` with ``hyper`` (arrays: any value decides), e.g.
    "2/λmax", "2(1+μ)/λmax", "2(1+μ)/((1+2μ)(λmax+λ))"; "" where lr_factor has no bound."""
    def some(name: str) -> bool:
        return bool(np.any(np.asarray(hyper.get(name, 0.0), dtype=np.float64) != 0.0))

    if solver in ("gd", "sgd") or (solver == "momentum" and not some("momentum")):
        text = "2/λmax"
    elif solver == "momentum":
        text = "2(1+μ)/((1−τ)λmax)" if some("dampening") else "2(1+μ)/λmax"
    elif solver == "nesterov":
        text = "2(1+μ)/((1+2μ)λmax)"
    else:
        return ""
    return text.replace("λmax", "(λmax+λ)") if some("weight_decay") else text


def heavy_ball_optimum(lam_min: float, lam_max: float) -> tuple[float, float] | None:
    """Polyak's (η*, μ*) for curvatures in [lam_min, lam_max]; None unless 0 < lam_min <= lam_max."""
    if not (math.isfinite(lam_min) and math.isfinite(lam_max) and 0.0 < lam_min <= lam_max):
        return None
    a, b = math.sqrt(lam_max), math.sqrt(lam_min)
    return 4.0 / (a + b) ** 2, ((a - b) / (a + b)) ** 2
