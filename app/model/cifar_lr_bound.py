"""The stability bound 2/λmax of full-batch gradient descent at a training race's W.

On a quadratic, gradient descent with step η multiplies the error along the
Hessian's top eigenvector by (1 − η·λmax) each step: below η = 2/λmax it
shrinks, above it grows. Near a W the race's loss is that quadratic, so the
bound at the selected run's current W says which learning rates full-batch GD
can take from there (the lr control marks rates past it).

    bound = lr_bound(race, run=0)   # LrBound: lam_max, bound (= 2/λmax), step, run
    bound.past(lr)                  # True when lr is beyond the bound
    applies("sgd")                  # the bound speaks of plain gradient steps: gd and sgd

Momentum, Adam and the other rules move W by something other than η·∇L (a
velocity, a per-weight scaled step), so their stable rates are not 2/λmax and
the window marks only gd and sgd runs.

λmax is the top eigenvalue of the race's full-batch objective (data term over
all its training rows plus the regularizer), by block Lanczos on exact
Hessian-vector products (landscapes.cifar.hessian_top_eigs, float32 products:
~1e-8 relative on CIFAR-10). The race keeps its features [x − mean, 1], so the
products read those (x − mean with a zero mean) instead of reloading images.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.model.cifar_race import CifarRace
from landscapes.cifar import hessian_top_eigs

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class LrBound:
    """λmax of the full-batch loss at one run's W at one step, and the GD bound 2/λmax."""

    lam_max: float
    run: int
    step: int

    @property
    def bound(self) -> float:
        return 2.0 / self.lam_max if self.lam_max > 0 else float("inf")

    def past(self, lr: float) -> bool:
        """Is full-batch GD with this lr past the bound (unstable along the top eigenvector)?"""
        return float(lr) > self.bound

    def marks(self, solver: str, lr: float) -> bool:
        """Should a run of this solver and lr be marked as past the bound? (gd and sgd only)"""
        return applies(solver) and self.past(lr)

    def verdict(self, solver: str, lr: float) -> str:
        """What the bound says of a run of this solver and lr, for the lr control (rich text)."""
        if not applies(solver):
            return f" The bound of plain gradient steps: {solver}'s η is not on that scale."
        if self.past(lr):
            return " <b style='color:#B03000'>η is past it: full-batch GD from here diverges.</b>"
        return " η is below it."


PLAIN_GRADIENT = ("gd", "sgd")


def applies(solver: str) -> bool:
    """Does the 2/λmax bound speak of this solver's lr (plain steps W − η·∇L)?"""
    return solver in PLAIN_GRADIENT


def lam_max(race: CifarRace, W: Any, tol: float = 1e-4) -> float:
    """The largest Hessian eigenvalue of the race's full-batch objective at W (3073, 10)."""
    X = race.data.X
    values, _ = hessian_top_eigs(np.asarray(W, dtype=np.float64), X[:, :-1], race.data.y, k=1, loss=race.loss,
                                 reg=race.reg, strength=race.strength, tol=tol,
                                 mean=np.zeros(X.shape[1] - 1), dtype=np.float32, cache=False)
    return float(values[0])


def lr_bound(race: CifarRace, run: int = 0, tol: float = 1e-4) -> LrBound:
    """The bound at run ``run``'s current W (its last finite W if it diverged)."""
    if isinstance(run, bool) or not isinstance(run, int) or not 0 <= run < len(race.runs):
        raise ValueError(f"run must be an index in 0..{len(race.runs) - 1}, got {run!r}")
    r = race.runs[run]
    step = r.diverged_at if r.diverged else race.t
    return LrBound(lam_max(race, r.W, tol), run, int(step))
