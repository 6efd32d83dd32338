"""What the app shows and suggests about a solver, as plain data (no Qt, no landscapes).

Each rule module (solvers/rules/*.py) fills these in for its solvers, so the
Runs panel, the lecture overlay and the "suggest an lr" code stay generic:

- RuleLine: one line of the update rule, in mathtext and in Unicode, and how
  it reads when weight decay is off (unchanged, another form, or gone);
- StepView -> Breakdown: the named numbers of one update (Term), e.g. Adam's
  m, v, m̂, v̂, and a short note (a singular H, a rejected guess);
- SurfaceScale -> suggested hyper-parameters: a solver only ever sees plain
  numbers of the surface (its curvature, the view's width), never a landscape.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RuleLine:
    """One equation of an update rule.

    ``plain`` is the (latex, text) of the line when λ = 0 (e.g. "g ← ∇f(x)"
    for "g ← ∇f(x) + λx"); ``decay_only`` lines are left out when λ = 0.
    """

    latex: str                          # mathtext, "$...$"
    text: str                           # Unicode, e.g. "m ← β₁m + (1 − β₁)g"
    plain: tuple[str, str] | None = None
    decay_only: bool = False

    def shown(self, weight_decay: float) -> tuple[str, str] | None:
        """(latex, text) of this line for a run with weight decay λ, or None if it is left out."""
        if weight_decay:
            return self.latex, self.text
        if self.decay_only:
            return None
        return self.plain if self.plain is not None else (self.latex, self.text)


@dataclass(frozen=True)
class Term:
    """One named number of an update: a scalar, a P-vector or a P×P matrix (P = 2 on a surface)."""

    key: str        # stable name for code and tests: "m", "v", "m_hat", ...
    latex: str      # mathtext symbol, e.g. r"\hat m"
    text: str       # Unicode symbol, e.g. "m̂"
    value: Any      # float, (P,) or (P, P) array


@dataclass(frozen=True)
class StepView:
    """One update of one point, as the explainer sees it.

    States are the solver's own NamedTuples for this one point (arrays of
    shape (1, P), P = 2 on a surface); ``grad`` is the gradient the update got (None for a
    gradient-free solver), ``count`` the update's step number t (1-based, as
    torch counts it).
    """

    hyper: Mapping[str, Any]
    x: FloatArray                      # the point before the step, (P,)
    grad: FloatArray | None            # (P,)
    hessian: FloatArray | None         # (P, P), for solvers that need it
    lr: float                          # η_t: the schedule applied
    count: int
    before: Any                        # state before the step
    after: Any                         # state after the step
    delta: FloatArray                  # Δx, (P,)
    loss_fn: Callable[[FloatArray], Any] | None = None

    @property
    def weight_decay(self) -> float:
        return float(self.hyper.get("weight_decay", 0.0))


@dataclass(frozen=True)
class Breakdown:
    """What a rule module says about one step: its terms, and a short note.

    The note is shown under the numbers, one line per "; "-separated part, so
    each part stays short enough for a side panel.
    """

    terms: tuple[Term, ...] = ()
    note: str = ""          # e.g. "H is singular (det H = 0); no Newton step exists here"


class SurfaceScale(NamedTuple):
    """The plain numbers of a surface that a suggested learning rate depends on."""

    curvature: float   # L: the largest |Hessian eigenvalue| seen (start and minima)
    width: float       # the larger side of the view's bounds


def one(a: Any) -> FloatArray:
    """The first point's (P,) vector of a state array (states are batched (n, P))."""
    arr = np.asarray(a, dtype=np.float64)
    first: FloatArray = arr.reshape(-1, arr.shape[-1])[0].copy()
    return first


def decay_terms(view: StepView) -> tuple[Term, ...]:
    """The "g + λx" term of coupled weight decay (torch adds λx to the gradient), if λ > 0."""
    if not view.weight_decay or view.grad is None:
        return ()
    return (Term("g_wd", r"g + \lambda x", "g + λx", view.grad + view.weight_decay * view.x),)


def momentum_velocity(state: Any, hyper: Mapping[str, Any]) -> FloatArray | None:
    """The momentum buffer, for solvers whose momentum is on (μ > 0)."""
    if np.any(np.asarray(hyper.get("momentum", 0.0)) > 0.0):
        buffer: FloatArray = np.asarray(state.momentum_buffer, dtype=np.float64)
        return buffer
    return None
