"""The Solver interface: a pure init/update pair over arrays (optax style).

A solver never sees a landscape: it takes a gradient (and, for newton, a
Hessian) and returns the update to add to the point. State is a small
immutable NamedTuple. Every array has a leading shape (..., 2), so one solver
moves a whole swarm at once.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np


@dataclass(frozen=True)
class ParamSpec:
    """How a hyper-parameter is shown and validated (sliders read this).

    low/high bound the *allowed* values (validation); ``slider`` is the range a
    slider offers (defaults to low/high when those are finite). ``kind`` is
    "float", "bool" or "pair" (betas: a 2-tuple validated by ``components``).
    """

    default: Any
    low: float            # smallest allowed value (inclusive unless low_open)
    high: float           # largest allowed value (inclusive unless high_open)
    log: bool = False     # slider on a log scale
    label: str = ""       # display name, e.g. "learning rate"
    symbol: str = ""      # Unicode symbol, e.g. "η", "β₁"
    low_open: bool = False
    high_open: bool = False
    kind: str = "float"   # "float" | "bool" | "pair"
    slider: tuple[float, float] | None = None
    components: tuple[ParamSpec, ...] = ()

    def slider_range(self) -> tuple[float, float]:
        """(low, high) for a slider: ``slider`` if given, else the allowed range."""
        if self.slider is not None:
            return self.slider
        return (float(self.low), float(self.high))

    def allowed(self) -> str:
        """The allowed range as text, e.g. '[0, 1)' or '(0, inf)'."""
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"{lo}{self.low:g}, {self.high:g}{hi}"

    def check(self, name: str, value: Any) -> Any:
        """Return ``value`` normalised (float, bool or tuple of floats) or raise ValueError."""
        if self.kind == "bool":
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            raise ValueError(f"{name} must be True or False, got {value!r}")
        if self.kind == "pair":
            if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != len(self.components):
                raise ValueError(f"{name} must be a tuple of {len(self.components)} numbers, got {value!r}")
            return tuple(c.check(f"{name}[{i}]", v) for i, (c, v) in enumerate(zip(self.components, value)))
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"{name} must be a number, got {value!r}")
        v = float(value)
        too_low = v < self.low or (self.low_open and v == self.low)
        too_high = v > self.high or (self.high_open and v == self.high)
        if not np.isfinite(v) or too_low or too_high:
            raise ValueError(f"{name}={value!r} is out of range: allowed {self.allowed()}")
        return v


@dataclass(frozen=True)
class SolverSpec:
    """What the GUI, the CLI and validation know about one solver.

    rule_latex is mathtext-compatible LaTeX (one line per equation, joined by
    newlines); rule_lines are the same equations in Unicode, e.g.
    "m ← β₁m + (1 − β₁)g".
    """

    name: str
    title: str
    rule_latex: str
    rule_lines: tuple[str, ...]
    citation: str
    params: Mapping[str, ParamSpec]
    needs_hessian: bool = False
    summary: str = ""
    needs_loss: bool = False  # gradient-free: update gets loss_fn and grad=None

    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in self.params.items()}


@dataclass(frozen=True)
class Solver:
    """A configured optimizer.

    init(params) -> state
    update(grad, state, params, *, hessian=None, lr_scale=1.0) -> (updates, state)
    The new point is params + updates. lr_scale is the schedule's multiplier
    for this step (lr_t = lr * lr_scale).

    needs_loss solvers (random_search) are gradient-free: init(params, seed)
    and update(None, state, params, *, loss_fn, lr_scale) where loss_fn maps
    points (..., 2) to loss values (...).
    """

    name: str
    hyper: Mapping[str, Any]
    init: Callable[[np.ndarray], NamedTuple]
    update: Callable[..., tuple[np.ndarray, NamedTuple]]
    needs_hessian: bool = False
    needs_loss: bool = False

    @property
    def lr(self) -> float:
        return float(self.hyper["lr"])

    def replace(self, **hyper: Any) -> Solver:
        """A new solver of the same kind with some hyper-parameters changed."""
        from .registry import make

        return make(self.name, **{**self.hyper, **hyper})

    def label(self) -> str:
        """Short display label, e.g. 'adam (lr 1.0e-02)'."""
        return f"{self.name} (lr {self.lr:.1e})"


@dataclass
class Trajectory:
    """What run() returns. Leading shape S of the starts, T = steps + 1.

    points     (T, *S, 2)  never NaN: a diverged run repeats its last finite point
    losses     (T, *S)     loss at each point (finite, see points)
    grad_norms (T, *S)     |grad| at each point
    lrs        (T,)        effective learning rate used for the step from t
    diverged   (*S,) bool  the run left the far box or hit inf/NaN
    diverged_at (*S,) int  the step at which it diverged, -1 if it did not
    """

    points: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    lrs: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    solver: str = ""
    hyper: dict = field(default_factory=dict)

    @property
    def final(self) -> np.ndarray:
        return self.points[-1]
