"""The classifier's loss over its full parameter vector theta (..., 3C), for solvers and curvature tools.

``full_objective(X, y, kind, reg)`` has value/grad/hessian over theta of shape
(..., P), P = 3C (nine for the demo's three classes), in the order of
params.py. It is what solvers.Stepper races on in the full space: its
``bounds`` (one pair per parameter) set the dimension and the far box, and
``grad_scale`` the size of gradient noise.
"""
from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .losses import check_data, check_kind, check_reg, gradient_vector, loss_hessian, multiclass_loss
from .params import pack, param_names, unpack

Floats = NDArray[np.float64]
# Half-width of FullObjective.bounds: weights of the demo's data live within a few units
BOUND = 5.0


class GradCheck(NamedTuple):
    """Analytic vs centred-difference gradient, per parameter: each (..., P).

    relative_error = |analytic − numeric| / max(|analytic|, |numeric|, tiny), as in
    landscapes.gradcheck: below 1e-7 the gradient is right; near 1 at a hinge's
    kink, where the one-sided slopes differ and a subgradient picks one.
    """

    analytic: Floats
    numeric: Floats
    relative_error: Floats


class FullObjective:
    """mean data loss + reg·Σ W² of a linear classifier on fixed data, as a function of theta.

    Attributes: X (N, 2), y (N,), kind, reg, n_classes C, n_params P = 3C,
    names (the P parameter names, as 'W[1,0]', 'b[2]'), bounds (P pairs
    (−BOUND, BOUND): the region of sensible parameters; a Stepper's far box
    is ten times it, so a run past ±10·BOUND in any parameter counts as diverged).
    """

    def __init__(self, X: ArrayLike, y: ArrayLike, kind: str = "ww", reg: float = 0.0,
                 n_classes: int | None = None) -> None:
        if n_classes is None:
            n_classes = max(2, int(check_data(X, y, None)[1].max()) + 1)
        elif isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
            raise ValueError(f"n_classes must be a whole number >= 2, got {n_classes!r}")
        self.X, self.y = check_data(X, y, int(n_classes))
        self.kind = check_kind(kind)
        self.reg = check_reg(reg)
        self.n_classes = int(n_classes)
        self.n_params = 3 * self.n_classes
        self.names = param_names(self.n_classes)
        self.bounds = ((-BOUND, BOUND),) * self.n_params

    def unpack(self, theta: ArrayLike) -> tuple[Floats, Floats]:
        """(W (..., C, 2), b (..., C)) from theta (..., P); a wrong last axis is a ValueError."""
        return unpack(theta, self.n_classes)

    def pack(self, W: ArrayLike, b: ArrayLike) -> Floats:
        """theta (..., P) from W and b."""
        theta = pack(W, b)
        if theta.shape[-1] != self.n_params:
            raise ValueError(f"W and b must be for {self.n_classes} classes, got {theta.shape[-1] // 3}")
        return theta

    def value(self, theta: ArrayLike) -> Floats:
        return multiclass_loss(*self.unpack(theta), self.X, self.y, self.kind, self.reg)[0]

    def grad(self, theta: ArrayLike) -> Floats:
        return self.value_and_grad(theta)[1]

    def value_and_grad(self, theta: ArrayLike) -> tuple[Floats, Floats]:
        return gradient_vector(*self.unpack(theta), self.X, self.y, self.kind, self.reg)

    def hessian(self, theta: ArrayLike) -> Floats:
        """(..., P, P), exact; for the SVM kinds only the regularizer's part (see losses.loss_hessian)."""
        return loss_hessian(*self.unpack(theta), self.X, self.y, self.kind, self.reg)

    def gradcheck(self, theta: ArrayLike, h: float = 1e-5, tiny: float = 1e-12) -> GradCheck:
        """The gradient check at theta (..., P): all 2P shifted evaluations in one call."""
        if not (isinstance(h, (int, float)) and np.isfinite(h) and h > 0):
            raise ValueError(f"finite-difference step h must be positive and finite, got {h!r}")
        t = np.asarray(theta, dtype=np.float64)
        self.unpack(t)  # the shape check, with its message
        step = h * np.eye(self.n_params)
        numeric = (self.value(t[..., None, :] + step) - self.value(t[..., None, :] - step)) / (2.0 * h)
        analytic = self.grad(t)
        scale = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), tiny)
        return GradCheck(analytic, numeric, np.abs(analytic - numeric) / scale)

    @cached_property
    def grad_scale(self) -> float:
        """Typical gradient size: the median |∇L| over 256 seeded parameter vectors theta ~ N(0, I).

        Solvers scale gradient noise by it, as with the 2-D landscapes' grad_scale.
        """
        theta = np.random.default_rng(0).standard_normal((256, self.n_params))
        norms = np.linalg.norm(self.grad(theta), axis=-1)
        scale = float(np.median(norms))
        return scale if scale > 0 else 1.0

    def __repr__(self) -> str:
        return (f"<FullObjective {self.kind} reg={self.reg:g}: {len(self.y)} points, "
                f"{self.n_classes} classes, {self.n_params} parameters>")


def full_objective(X: ArrayLike, y: ArrayLike, kind: str = "ww", reg: float = 0.0,
                   n_classes: int | None = None) -> FullObjective:
    """The loss over theta (..., 3C); C defaults to max(y) + 1 (at least 2)."""
    return FullObjective(X, y, kind, reg, n_classes)
