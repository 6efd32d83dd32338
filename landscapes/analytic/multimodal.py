"""Benchmarks with many local minima or trigonometric terms.

Definitions, domains and minima follow Surjanovic & Bingham, Virtual Library
of Simulation Experiments (sfu.ca/~ssurjano), and Jamil & Yang (2013).
Gradients and Hessians are hand-derived closed forms.
"""
from __future__ import annotations

import math

import numpy as np

from ..base import Coord, FunctionLandscape, Landscape
from ..registration import register

PI = math.pi


@register("levi13")
def levi13() -> Landscape:
    """Lévi N.13: f = sin²(3πx) + (x − 1)²·(1 + sin²(3πy)) + (y − 1)²·(1 + sin²(2πy)); minimum 0 at (1, 1).

    Using d/dt sin²(ωt) = ω·sin(2ωt):
    f_x = 3π·sin(6πx) + 2(x − 1)·(1 + sin²(3πy))
    f_y = 3π(x − 1)²·sin(6πy) + 2(y − 1)·(1 + sin²(2πy)) + 2π(y − 1)²·sin(4πy)
    f_xx = 18π²·cos(6πx) + 2(1 + sin²(3πy)),  f_xy = 6π(x − 1)·sin(6πy)
    f_yy = 18π²(x − 1)²·cos(6πy) + 2(1 + sin²(2πy)) + 8π(y − 1)·sin(4πy) + 8π²(y − 1)²·cos(4πy)
    """

    def value(x: Coord, y: Coord) -> Coord:
        return (np.sin(3 * PI * x) ** 2 + (x - 1.0) ** 2 * (1.0 + np.sin(3 * PI * y) ** 2)
                + (y - 1.0) ** 2 * (1.0 + np.sin(2 * PI * y) ** 2))

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        dx, dy = x - 1.0, y - 1.0
        gx = 3 * PI * np.sin(6 * PI * x) + 2.0 * dx * (1.0 + np.sin(3 * PI * y) ** 2)
        gy = (3 * PI * dx * dx * np.sin(6 * PI * y) + 2.0 * dy * (1.0 + np.sin(2 * PI * y) ** 2)
              + 2 * PI * dy * dy * np.sin(4 * PI * y))
        return gx, gy

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        dx, dy = x - 1.0, y - 1.0
        hxx = 18 * PI**2 * np.cos(6 * PI * x) + 2.0 * (1.0 + np.sin(3 * PI * y) ** 2)
        hxy = 6 * PI * dx * np.sin(6 * PI * y)
        hyy = (18 * PI**2 * dx * dx * np.cos(6 * PI * y) + 2.0 * (1.0 + np.sin(2 * PI * y) ** 2)
               + 8 * PI * dy * np.sin(4 * PI * y) + 8 * PI**2 * dy * dy * np.cos(4 * PI * y))
        return hxx, hxy, hyy

    return FunctionLandscape(
        name="levi13",
        title="Lévi N.13",
        formula="sin²(3πx) + (x − 1)²·(1 + sin²(3πy)) + (y − 1)²·(1 + sin²(2πy))",
        latex=(r"$\sin^2(3\pi x) + (x - 1)^2\,(1 + \sin^2(3\pi y))"
               r" + (y - 1)^2\,(1 + \sin^2(2\pi y))$"),
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-2.0, 4.0), (-2.0, 4.0)),
        minima=((1.0, 1.0),),
        min_value=0.0,
        default_start=(-1.4, 3.3),
        description=(
            "A ribbed bowl: the x-ripples trap gradient descent in a local dip after a few "
            "steps, while momentum or noise rides over them toward (1, 1)."
        ),
    )


# McCormick: ∇f = 0 gives cos(x + y) = −1/2 and x − y = 1, so the global minimizer is
# (1/2 − π/3, −1/2 − π/3) with value −√3/2 − π/3 = −1.9132229549810364 (published −1.9133).
MCCORMICK_MINIMUM = (0.5 - PI / 3.0, -0.5 - PI / 3.0)
MCCORMICK_MIN_VALUE = -math.sqrt(3.0) / 2.0 - PI / 3.0


@register("mccormick")
def mccormick() -> Landscape:
    """f = sin(x + y) + (x − y)² − 1.5x + 2.5y + 1; minimum −1.9132229549 at (−0.54719, −1.54719).

    ∇f = (cos(x + y) + 2(x − y) − 1.5, cos(x + y) − 2(x − y) + 2.5);
    H = [[2 − sin(x + y), −2 − sin(x + y)], [−2 − sin(x + y), 2 − sin(x + y)]].
    """

    def value(x: Coord, y: Coord) -> Coord:
        return np.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1.0

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        c, d = np.cos(x + y), x - y
        return c + 2.0 * d - 1.5, c - 2.0 * d + 2.5

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        s = np.sin(x + y)
        return 2.0 - s, -2.0 - s, 2.0 - s

    return FunctionLandscape(
        name="mccormick",
        title="McCormick",
        formula="sin(x + y) + (x − y)² − 1.5·x + 2.5·y + 1",
        latex=r"$\sin(x + y) + (x - y)^2 - 1.5\,x + 2.5\,y + 1$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-1.5, 4.0), (-3.0, 4.0)),
        minima=(MCCORMICK_MINIMUM,),
        min_value=MCCORMICK_MIN_VALUE,
        default_start=(3.5, -2.5),
        description=(
            "A steep trough along x − y = 1 with a sine ripple along it: fast across, slow "
            "along; a start higher up the trough gets caught in the dip at (2.59, 1.59)."
        ),
    )


# Styblinski-Tang roots of 4t³ − 32t + 5 = 0: the global one and the worse local one.
_ST_GLOBAL = -2.9035340277711771
_ST_LOCAL = 2.7468027709908370


@register("styblinski_tang")
def styblinski_tang() -> Landscape:
    """f = ½·Σᵢ (xᵢ⁴ − 16xᵢ² + 5xᵢ) in 2-D; minimum −78.33233140754282 at (−2.903534, −2.903534).

    Separable: each coordinate has a deep well at −2.9035 and a shallower one at
    2.7468, so there are three local minima besides the global one.
    ∂f/∂xᵢ = 2xᵢ³ − 16xᵢ + 2.5; ∂²f/∂xᵢ² = 6xᵢ² − 16; mixed term 0.
    """

    def value(x: Coord, y: Coord) -> Coord:
        x2, y2 = x * x, y * y  # products, not **: numpy's pow is slow for 4
        return 0.5 * (x2 * x2 - 16.0 * x2 + 5.0 * x + y2 * y2 - 16.0 * y2 + 5.0 * y)

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        return (2.0 * x * x - 16.0) * x + 2.5, (2.0 * y * y - 16.0) * y + 2.5

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 6.0 * x * x - 16.0, 0.0, 6.0 * y * y - 16.0

    g, loc = _ST_GLOBAL, _ST_LOCAL
    return FunctionLandscape(
        name="styblinski_tang",
        title="Styblinski-Tang",
        formula="½·(x⁴ − 16·x² + 5·x + y⁴ − 16·y² + 5·y)",
        latex=r"$\frac{1}{2}\,(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=((g, g),),
        min_value=-78.33233140754282,
        local_minima=((g, loc), (loc, g), (loc, loc)),
        default_start=(0.2, 4.6),
        description=(
            "Four basins of different depth (−78.3, −64.2 twice, −50.1): a start near a "
            "watershed shows solvers choosing different basins, and only one is the best."
        ),
    )


@register("rastrigin")
def rastrigin() -> Landscape:
    """f = 20 + Σᵢ (xᵢ² − 10·cos(2πxᵢ)) in 2-D; minimum 0 at (0, 0) (Rastrigin 1974).

    ∂f/∂xᵢ = 2xᵢ + 20π·sin(2πxᵢ); ∂²f/∂xᵢ² = 2 + 40π²·cos(2πxᵢ); mixed term 0.
    A local minimum near every integer point.
    """

    def value(x: Coord, y: Coord) -> Coord:
        return 20.0 + x * x - 10.0 * np.cos(2 * PI * x) + y * y - 10.0 * np.cos(2 * PI * y)

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        return 2.0 * x + 20 * PI * np.sin(2 * PI * x), 2.0 * y + 20 * PI * np.sin(2 * PI * y)

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 2.0 + 40 * PI**2 * np.cos(2 * PI * x), 0.0, 2.0 + 40 * PI**2 * np.cos(2 * PI * y)

    return FunctionLandscape(
        name="rastrigin",
        title="Rastrigin",
        formula="20 + x² − 10·cos(2πx) + y² − 10·cos(2πy)",
        latex=r"$20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        default_start=(-4.3, 3.7),
        description=(
            "An egg-crate of local minima on a bowl: every gradient method stops in the "
            "nearest cup; only large steps, momentum or noise make progress toward the centre."
        ),
    )


# Below this radius a point counts as Ackley's cone tip (1/r would overflow further in).
_ACKLEY_TIP = 1e-150
_ACKLEY_K = 0.2 / math.sqrt(2.0)  # −20·exp(−0.2·√(½(x² + y²))) = −20·exp(−k·r)


@register("ackley")
def ackley() -> Landscape:
    """f = −20·exp(−0.2·√(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20; minimum 0 at (0, 0).

    With r = √(x² + y²), k = 0.2/√2 and u = (x, y)/r, the cone term h(r) = −20·e^(−kr)
    has ∇h = 20k·e^(−kr)·u and ∇²h = h″·uuᵀ + (h′/r)·(I − uuᵀ), h″ = −20k²·e^(−kr).
    The origin is a cone tip: there we return the subgradient 0 (the minimum) and
    the Hessian h″(0)·I, the second derivative along every ray out of the tip,
    so nothing is NaN or infinite. The ripple term E = exp(½(cos 2πx + cos 2πy))
    gives ∂(−E)/∂x = π·sin(2πx)·E, ∂²(−E)/∂x² = E·(2π²·cos 2πx − π²·sin² 2πx),
    ∂²(−E)/∂x∂y = −π²·sin 2πx·sin 2πy·E.
    """
    k = _ACKLEY_K

    def cone(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord, Coord, Coord]:
        """Return (tip mask, e^(−kr), h′/r with 0 at the tip, u_x, u_y with 0 at the tip)."""
        r = np.sqrt(x * x + y * y)
        tip = r < _ACKLEY_TIP
        inv_r = 1.0 / np.where(tip, 1.0, r)
        ekr = np.exp(-k * r)
        h1_over_r = np.where(tip, 0.0, 20.0 * k * ekr * inv_r)
        return tip, ekr, h1_over_r, np.where(tip, 0.0, x * inv_r), np.where(tip, 0.0, y * inv_r)

    def value(x: Coord, y: Coord) -> Coord:
        r = np.sqrt(x * x + y * y)
        ripple = np.exp(0.5 * (np.cos(2 * PI * x) + np.cos(2 * PI * y)))
        return -20.0 * np.exp(-k * r) - ripple + math.e + 20.0

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        _, _, h1_over_r, _, _ = cone(x, y)
        sx, sy = np.sin(2 * PI * x), np.sin(2 * PI * y)
        e = np.exp(0.5 * (np.cos(2 * PI * x) + np.cos(2 * PI * y)))
        return h1_over_r * x + PI * sx * e, h1_over_r * y + PI * sy * e

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        tip, ekr, h1_over_r, ux, uy = cone(x, y)
        h2 = -20.0 * k * k * ekr
        # ∇²h = h″·uuᵀ + (h′/r)(I − uuᵀ); at the tip u = 0 and h′/r := 0, so add h″(0)·I.
        diag = h1_over_r + np.where(tip, h2, 0.0)
        cxx = (h2 - h1_over_r) * ux * ux + diag
        cxy = (h2 - h1_over_r) * ux * uy
        cyy = (h2 - h1_over_r) * uy * uy + diag
        cx, cy = np.cos(2 * PI * x), np.cos(2 * PI * y)
        sx, sy = np.sin(2 * PI * x), np.sin(2 * PI * y)
        e = np.exp(0.5 * (cx + cy))
        rxx = e * (2 * PI**2 * cx - PI**2 * sx * sx)
        ryy = e * (2 * PI**2 * cy - PI**2 * sy * sy)
        rxy = -(PI**2) * sx * sy * e
        return cxx + rxx, cxy + rxy, cyy + ryy

    return FunctionLandscape(
        name="ackley",
        title="Ackley",
        formula="−20·exp(−0.2·√(½·(x² + y²))) − exp(½·(cos 2πx + cos 2πy)) + e + 20",
        latex=(r"$-20\,\exp(-0.2\sqrt{\frac{1}{2}(x^2 + y^2)})"
               r" - \exp(\frac{1}{2}(\cos 2\pi x + \cos 2\pi y)) + e + 20$"),
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-4.0, 4.0), (-4.0, 4.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        default_start=(-3.2, 2.7),
        description=(
            "A nearly flat plate of ripples around a sharp funnel: gradients say little far "
            "out, and the minimum is a kink (no gradient, infinite curvature) at the origin."
        ),
    )
