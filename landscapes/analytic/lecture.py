"""Two surfaces designed for the lecture: sharp vs flat minima, and a good vs a bad basin.

Both are Gaussian wells on a shallow bowl,

    f(p) = f₀ + c·|p|² − Σₖ Aₖ·exp(−|p − μₖ|² / (2σₖ²)),

so with Gₖ = exp(−|p − μₖ|²/(2σₖ²)) and dₖ = p − μₖ:
    ∇f  = 2c·p + Σₖ (Aₖ/σₖ²)·Gₖ·dₖ
    ∇²f = 2c·I + Σₖ (Aₖ/σₖ²)·Gₖ·(I − dₖdₖᵀ/σₖ²).
The bowl keeps every run bounded; the wells' minima sit slightly off their
centres because of it and of each other, so they are polished by Newton's
method at import (tests check the gradient vanishes there and that no grid
point is lower).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..base import Coord, FunctionLandscape, GradFn, HessianFn, Landscape, ValueFn
from ..registration import register
from ._common import newton_minimum


class Well(NamedTuple):
    depth: float   # Aₖ
    x: float       # μₖ
    y: float
    width: float   # σₖ


def _wells_on_bowl(offset: float, bowl: float, wells: tuple[Well, ...]) -> tuple[ValueFn, GradFn, HessianFn]:
    """Return (value, grad, hessian) callables on coordinate arrays for the formula above."""

    def gauss(x: Coord, y: Coord, w: Well) -> tuple[Coord, Coord, Coord]:
        dx, dy = x - w.x, y - w.y
        return dx, dy, w.depth / w.width**2 * np.exp(-(dx * dx + dy * dy) / (2.0 * w.width**2))

    def value(x: Coord, y: Coord) -> Coord:
        v = offset + bowl * (x * x + y * y)
        for w in wells:
            dx, dy, g = gauss(x, y, w)
            v = v - g * w.width**2
        return v

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        gx, gy = 2.0 * bowl * x, 2.0 * bowl * y
        for w in wells:
            dx, dy, g = gauss(x, y, w)
            gx, gy = gx + g * dx, gy + g * dy
        return gx, gy

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        hxx = hyy = 2.0 * bowl
        hxy = 0.0
        for w in wells:
            dx, dy, g = gauss(x, y, w)
            s2 = w.width**2
            hxx = hxx + g * (1.0 - dx * dx / s2)
            hxy = hxy - g * dx * dy / s2
            hyy = hyy + g * (1.0 - dy * dy / s2)
        return hxx, hxy, hyy

    return value, grad, hessian


def _pt(p: tuple[float, float]) -> str:
    """A point for prose, with a real minus sign: (−1.50, 0.60)."""
    return f"({p[0]:.2f}, {p[1]:.2f})".replace("-", "−")


def _formula(offset: float, bowl: float, wells: tuple[Well, ...]) -> tuple[str, str]:
    uni, tex = [f"{offset:g} + {bowl:g}·(x² + y²)"], [f"{offset:g} + {bowl:g}\\,(x^2 + y^2)"]
    for w in wells:
        sx = f"x − {w.x:g}" if w.x >= 0 else f"x + {-w.x:g}"
        sy = f"y − {w.y:g}" if w.y >= 0 else f"y + {-w.y:g}"
        two_s2 = f"{2 * w.width**2:g}"
        uni.append(f" − {w.depth:g}·exp(−(({sx})² + ({sy})²)/{two_s2})")
        tex.append(f" - {w.depth:g}\\,e^{{-(({sx})^2 + ({sy})^2)/{two_s2}}}".replace("−", "-"))
    return "".join(uni), "$" + "".join(tex) + "$"


# sharp_flat: the narrow well is slightly deeper, so the sharp minimum is the global one.
SHARP_FLAT_OFFSET, SHARP_FLAT_BOWL = 2.0, 0.05
SHARP_WELL = Well(depth=1.7, x=-1.5, y=-0.6, width=0.2)
FLAT_WELL = Well(depth=1.55, x=1.2, y=0.6, width=0.9)
_SF = _wells_on_bowl(SHARP_FLAT_OFFSET, SHARP_FLAT_BOWL, (SHARP_WELL, FLAT_WELL))
SHARP_MINIMUM = newton_minimum(_SF[1], _SF[2], (SHARP_WELL.x, SHARP_WELL.y))
FLAT_MINIMUM = newton_minimum(_SF[1], _SF[2], (FLAT_WELL.x, FLAT_WELL.y))


@register("sharp_flat")
def sharp_flat() -> Landscape:
    """A narrow deep well (the global minimum) and a wide, slightly shallower one.

    f = 2 + 0.05·|p|² − 1.7·exp(−|p − (−1.5, −0.6)|²/0.08) − 1.55·exp(−|p − (1.2, 0.6)|²/1.62).
    Global minimum in the sharp well at (−1.49592, −0.59834), value 0.42301, Hessian
    eigenvalues ≈ 42.5 (stable for gradient descent only with lr < 2/42.6 ≈ 0.047);
    local minimum in the flat well at (1.14025, 0.57012), value 0.53552, eigenvalues ≈ 2.
    Exact figures: SHARP_MINIMUM, FLAT_MINIMUM (Newton-polished at import).
    """
    value, grad, hessian = _SF
    formula, latex = _formula(SHARP_FLAT_OFFSET, SHARP_FLAT_BOWL, (SHARP_WELL, FLAT_WELL))
    flat_value = float(value(*FLAT_MINIMUM))
    sharp_value = float(value(*SHARP_MINIMUM))
    return FunctionLandscape(
        name="sharp_flat",
        title="Sharp vs flat minimum",
        formula=formula,
        latex=latex,
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=(SHARP_MINIMUM,),
        min_value=sharp_value,
        local_minima=(FLAT_MINIMUM,),
        default_start=(-2.2, -1.6),
        description=(
            f"The narrow well at {_pt(SHARP_MINIMUM)} is the global minimum ({sharp_value:.3f}); "
            f"the wide one at {_pt(FLAT_MINIMUM)} is only a little higher ({flat_value:.3f}). Small steps "
            "settle in the sharp well; large steps or noise cannot stay in it and end in the flat one."
        ),
    )


# local_minima: a deep wide basin (global) and a shallower one on the other side.
LOCAL_MINIMA_OFFSET, LOCAL_MINIMA_BOWL = 2.0, 0.15
GOOD_WELL = Well(depth=2.0, x=1.3, y=-0.9, width=0.8)
BAD_WELL = Well(depth=1.2, x=-1.3, y=1.0, width=0.5)
_LM = _wells_on_bowl(LOCAL_MINIMA_OFFSET, LOCAL_MINIMA_BOWL, (GOOD_WELL, BAD_WELL))
GOOD_MINIMUM = newton_minimum(_LM[1], _LM[2], (GOOD_WELL.x, GOOD_WELL.y))
BAD_MINIMUM = newton_minimum(_LM[1], _LM[2], (BAD_WELL.x, BAD_WELL.y))


@register("local_minima")
def local_minima() -> Landscape:
    """A good (global) basin and a worse local basin.

    f = 2 + 0.15·|p|² − 2·exp(−|p − (1.3, −0.9)|²/1.28) − 1.2·exp(−|p − (−1.3, 1)|²/0.5).
    Global minimum at (1.18452, −0.82005), value 0.34192; local minimum at
    (−1.22132, 0.93951), value 1.17856. Exact figures: GOOD_MINIMUM, BAD_MINIMUM.
    From the default start (−2.6, 2.4) gradient descent (any stable lr) stays in
    the bad basin; heavy-ball momentum 0.9 with lr ≈ 0.03 rolls through it.
    """
    value, grad, hessian = _LM
    formula, latex = _formula(LOCAL_MINIMA_OFFSET, LOCAL_MINIMA_BOWL, (GOOD_WELL, BAD_WELL))
    good_value, bad_value = float(value(*GOOD_MINIMUM)), float(value(*BAD_MINIMUM))
    return FunctionLandscape(
        name="local_minima",
        title="Good and bad basins",
        formula=formula,
        latex=latex,
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=(GOOD_MINIMUM,),
        min_value=good_value,
        local_minima=(BAD_MINIMUM,),
        default_start=(-2.6, 2.4),
        description=(
            f"Gradient descent from the default start rolls into the bad basin at "
            f"{_pt(BAD_MINIMUM)}, value {bad_value:.2f}, and stays; momentum or noise can "
            f"carry a run over the ridge to the global minimum at {_pt(GOOD_MINIMUM)}, "
            f"value {good_value:.2f}."
        ),
    )
