"""The Solver interface: a pure init/update pair over arrays (optax style).

A solver never sees a landscape: it takes a gradient (and, for newton, a
Hessian) and returns the update to add to the point. State is a small
immutable NamedTuple. Every array has a leading shape (..., 2), so one solver
moves a whole swarm at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple

import numpy as np


@dataclass(frozen=True)
class ParamSpec:
    """How a hyper-parameter is shown and validated (sliders read this)."""

    default: Any
    low: float            # smallest allowed value (inclusive unless low_open)
    high: float           # largest allowed value (inclusive unless high_open)
    log: bool = False     # slider on a log scale
    label: str = ""       # display name, e.g. "learning rate"
    symbol: str = ""      # Unicode symbol, e.g. "η", "β₁"
    low_open: bool = False
    high_open: bool = False


@dataclass(frozen=True)
class Solver:
    """A configured optimizer.

    init(params) -> state
    update(grad, state, params, *, hessian=None, lr_scale=1.0) -> (updates, state)
    The new point is params + updates. lr_scale is the schedule's multiplier
    for this step (lr_t = lr * lr_scale).
    """

    name: str
    hyper: Mapping[str, Any]
    init: Callable[[np.ndarray], NamedTuple]
    update: Callable[..., tuple[np.ndarray, NamedTuple]]
    needs_hessian: bool = False

    @property
    def lr(self) -> float:
        return float(self.hyper["lr"])

    def replace(self, **hyper: Any) -> "Solver":
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
