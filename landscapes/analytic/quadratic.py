"""Quadratic and cubic warm-ups: a round bowl, a ravine, a saddle, a monkey saddle.

These have closed-form everything, so they are where the lecture starts: the
learning-rate limit 2/L on the bowl, the condition number on the ravine, and
stationary points that are not minima on the two saddles.
"""
from __future__ import annotations

import math
from typing import Any

from ..base import Coord, FunctionLandscape, Landscape
from ..registration import register
from ._common import finite_param


@register("quadratic_bowl")
def quadratic_bowl(center: Any = (0.0, 0.0)) -> Landscape:
    """f(x, y) = (x − cx)² + (y − cy)²; minimum 0 at the centre (default the origin).

    Hessian 2·I: every direction has the same curvature, so plain gradient
    descent converges for lr < 1 (= 2/L with L = 2) and in one step at lr = 0.5.
    """
    try:
        cx, cy = center
    except (TypeError, ValueError):
        raise ValueError(f"quadratic_bowl: center must be a pair (x, y), got {center!r}") from None
    cx = finite_param("quadratic_bowl", "center[0]", cx)
    cy = finite_param("quadratic_bowl", "center[1]", cy)
    centered = cx == 0.0 and cy == 0.0

    def value(x: Coord, y: Coord) -> Coord:
        return (x - cx) ** 2 + (y - cy) ** 2

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        return 2.0 * (x - cx), 2.0 * (y - cy)

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 2.0, 0.0, 2.0

    if centered:
        formula, latex = "x² + y²", r"$x^2 + y^2$"
    else:
        formula = f"(x − {cx:g})² + (y − {cy:g})²".replace("− -", "+ ")
        latex = f"$(x - {cx:g})^2 + (y - {cy:g})^2$".replace("- -", "+ ")
    return FunctionLandscape(
        name="quadratic_bowl",
        title="Quadratic bowl",
        formula=formula,
        latex=latex,
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((cx - 2.0, cx + 2.0), (cy - 2.0, cy + 2.0)),
        minima=((cx, cy),),
        min_value=0.0,
        default_start=(cx - 1.5, cy + 1.2),
        description=(
            "The same curvature in every direction: gradient descent heads straight for "
            "the minimum, converges for lr < 1 and oscillates or diverges beyond."
        ),
        params={"center": (cx, cy)},
    )


@register("ravine")
def ravine(condition: float = 20.0, angle: float = 0.0) -> Landscape:
    """f = u² + κ·v² with (u, v) the point rotated by −θ: u = x·cos θ + y·sin θ, v = −x·sin θ + y·cos θ.

    The Hessian 2·Rᵀ·diag(1, κ)·R has eigenvalues 2 and 2κ, so its condition
    number is exactly κ = ``condition``. ``angle`` θ (degrees) turns the valley
    axis away from x, which defeats per-coordinate scaling (Adagrad, Adam).
    Minimum 0 at the origin.
    """
    kappa = finite_param("ravine", "condition", condition, low=1.0)
    theta_deg = finite_param("ravine", "angle", angle)
    t = math.radians(theta_deg)
    c, s = math.cos(t), math.sin(t)

    def value(x: Coord, y: Coord) -> Coord:
        u, v = c * x + s * y, -s * x + c * y
        return u * u + kappa * v * v

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        u, v = c * x + s * y, -s * x + c * y
        return 2.0 * (c * u - kappa * s * v), 2.0 * (s * u + kappa * c * v)

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 2.0 * (c * c + kappa * s * s), 2.0 * c * s * (1.0 - kappa), 2.0 * (s * s + kappa * c * c)

    k = f"{kappa:g}"
    if theta_deg == 0.0:
        formula, latex = f"x² + {k}·y²", f"$x^2 + {k}\\,y^2$"
        title = f"Ravine (κ = {k})"
    else:
        formula = (f"u² + {k}·v²,  u = x·cos θ + y·sin θ,  v = −x·sin θ + y·cos θ,  θ = {theta_deg:g}°")
        latex = (f"$u^2 + {k}\\,v^2,\\ u = x\\cos\\theta + y\\sin\\theta,\\ "
                 f"v = -x\\sin\\theta + y\\cos\\theta,\\ \\theta = {theta_deg:g}^\\circ$")
        title = f"Ravine (κ = {k}, θ = {theta_deg:g}°)"
    u0, v0 = -2.5, 0.6  # start far along the valley floor, a little up one wall
    return FunctionLandscape(
        name="ravine",
        title=title,
        formula=formula,
        latex=latex,
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        default_start=(c * u0 - s * v0, s * u0 + c * v0),
        description=(
            f"An ill-conditioned quadratic (condition number {k}): gradient descent must use "
            "lr < 1/κ to stay stable across the valley and then crawls along it; momentum "
            "and Newton do not."
        ),
        params={"condition": kappa, "angle": theta_deg},
    )


@register("saddle")
def saddle() -> Landscape:
    """f(x, y) = x² − y²: a stationary point at the origin that is not a minimum.

    Hessian diag(2, −2). Unbounded below along y, so there is no minimum
    (minima = (), min_value = None).
    """

    def value(x: Coord, y: Coord) -> Coord:
        return x * x - y * y

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        return 2.0 * x, -2.0 * y

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 2.0, 0.0, -2.0

    return FunctionLandscape(
        name="saddle",
        title="Saddle",
        formula="x² − y²",
        latex=r"$x^2 - y^2$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(),
        min_value=None,
        default_start=(-1.8, 0.02),
        description=(
            "A saddle point: starting almost on the ridge, gradient descent slows to a crawl "
            "near the origin before the tiny y component grows and it escapes; noise escapes faster."
        ),
    )


@register("monkey_saddle")
def monkey_saddle() -> Landscape:
    """f(x, y) = x³ − 3·x·y²: a degenerate saddle (zero Hessian at the origin) with three valleys.

    Gradient (3x² − 3y², −6xy); Hessian [[6x, −6y], [−6y, −6x]]. Unbounded
    below, so no minimum.
    """

    def value(x: Coord, y: Coord) -> Coord:
        return x * (x * x - 3.0 * y * y)

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        return 3.0 * (x * x - y * y), -6.0 * x * y

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 6.0 * x, -6.0 * y, -6.0 * x

    return FunctionLandscape(
        name="monkey_saddle",
        title="Monkey saddle",
        formula="x³ − 3·x·y²",
        latex=r"$x^3 - 3\,x\,y^2$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-1.5, 1.5), (-1.5, 1.5)),
        minima=(),
        min_value=None,
        default_start=(1.2, 0.05),
        description=(
            "A flat degenerate saddle (gradient and Hessian both vanish at the origin): "
            "second-order information does not help, and runs stall there before sliding "
            "into one of the three valleys."
        ),
    )
