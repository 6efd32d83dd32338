"""The classifier's loss over a plane in its parameter space, as a Landscape.

    theta(a, b) = o + a·d₁ + b·d₂        (d₁, d₂ orthonormal, P = 3C entries each)
    f(a, b)     = L(theta(a, b))          (L = multiclass_loss over theta, see objective.py)

Two kinds of plane:
- two named parameters, e.g. axes=("W[0,0]", "W[0,1]"): d₁, d₂ are those unit
  vectors and o holds every other parameter at its given value, so (a, b) are
  the two parameters' own values;
- axes="random": two seeded random directions in the full space (Gaussian,
  then orthonormalised), through the given parameters.

In both, the coordinates of any theta are (d₁·theta, d₂·theta): for named axes
the two parameters' values, and the same on every parallel plane, so a path
drawn by its projection does not jump when the plane moves under it.

Values, gradients and Hessians are exact by the chain rule: ∇f = D·∇L,
∇²f = D·∇²L·Dᵀ with D = (d₁; d₂). For the SVM losses ∇²L is the
regularizer's part only (they are piecewise linear). A run that moves in the
full space is drawn at ``project(theta)``; ``distance_from_plane(theta)``
says how far off the plane it is, and ``through(theta)`` is the parallel
plane under it (same directions), for redrawing the surface as it moves.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..base import Landscape, as_points
from .losses import KIND_TITLES, check_params, describe
from .objective import FullObjective
from .params import param_index

Floats = NDArray[np.float64]
DEFAULT_AXES = ("W[0,0]", "W[0,1]")


class WeightSpaceLandscape(Landscape):
    """f(a, b) = L(origin + a·d₁ + b·d₂); see the module docstring.

    Extra attributes: objective (the FullObjective), origin (P,), directions
    (2, P) orthonormal, axis_labels (two names, as 'W[0,0]' or 'd₁'), center
    (the parameters the plane was built through, P,), span (half-width of the view).
    """

    name = "weight_space"

    def __init__(self, objective: FullObjective, center: ArrayLike, directions: ArrayLike,
                 axis_labels: tuple[str, str], span: float, **params: object) -> None:
        super().__init__(kind=objective.kind, reg=objective.reg, span=span, **params)
        self.objective = objective
        self.span = span
        self.directions = np.asarray(directions, dtype=np.float64)
        self.center = np.asarray(center, dtype=np.float64)
        # the origin is center minus its in-plane part (so origin ⟂ d₁, d₂ and the
        # coordinates of any theta are d·theta, whichever parallel plane it is)
        start = self.directions @ self.center
        self.origin = self.center - start @ self.directions
        self.axis_labels = axis_labels
        a, b = float(start[0]), float(start[1])
        self.default_start = (a, b)
        self.bounds = ((a - span, a + span), (b - span, b + span))
        self.minima = ()
        self.min_value = None
        text = describe(objective.kind, objective.reg)
        self.title = f"{KIND_TITLES[objective.kind]} loss over {axis_labels[0]}, {axis_labels[1]}"
        self.formula, self.latex = text["formula"], text["latex"]
        plane = ("a plane through the current parameters along two random directions"
                 if params.get("axes") == "random" else
                 f"the plane of {axis_labels[0]} and {axis_labels[1]} with every other parameter held fixed")
        self.description = (
            f"The {KIND_TITLES[objective.kind]} loss of a linear classifier on {len(objective.y)} "
            f"points, over {plane}. Moving the data or the other parameters reshapes this surface.")

    # --- between the plane and the full parameter space -------------------------
    def lift(self, p: ArrayLike) -> Floats:
        """theta (..., P) at plane coordinates p (..., 2)."""
        return self.origin + as_points(p) @ self.directions

    def project(self, theta: ArrayLike) -> Floats:
        """Plane coordinates (..., 2) of parameter vectors theta (..., P) (orthogonal projection)."""
        return np.asarray(self._offsets(theta) @ self.directions.T, dtype=np.float64)

    def distance_from_plane(self, theta: ArrayLike) -> Floats:
        """(...) Euclidean distance of theta from the plane (0 for points on it)."""
        r = self._offsets(theta)
        along = (r @ self.directions.T) @ self.directions
        return np.asarray(np.linalg.norm(r - along, axis=-1), dtype=np.float64)

    def through(self, theta: ArrayLike) -> WeightSpaceLandscape:
        """The parallel plane through theta (P,), same directions, labels and span."""
        t = np.asarray(theta, dtype=np.float64)
        if t.shape != (self.objective.n_params,):
            raise ValueError(f"theta must have shape ({self.objective.n_params},), got {t.shape}")
        plane = {k: v for k, v in self.params.items() if k in ("axes", "seed")}
        return WeightSpaceLandscape(self.objective, t, self.directions, self.axis_labels, self.span, **plane)

    def _offsets(self, theta: ArrayLike) -> Floats:
        t = np.asarray(theta, dtype=np.float64)
        if t.ndim == 0 or t.shape[-1] != self.objective.n_params:
            raise ValueError(f"theta must have shape (..., {self.objective.n_params}), got {t.shape}")
        return t - self.origin

    # --- the Landscape interface over plane points (..., 2) ----------------------
    def value(self, p: ArrayLike) -> Floats:
        return self.objective.value(self.lift(p))

    def grad(self, p: ArrayLike) -> Floats:
        return self.value_and_grad(p)[1]

    def value_and_grad(self, p: ArrayLike) -> tuple[Floats, Floats]:
        loss, g = self.objective.value_and_grad(self.lift(p))
        return loss, np.asarray(g @ self.directions.T, dtype=np.float64)

    def hessian(self, p: ArrayLike) -> Floats:
        h = self.objective.hessian(self.lift(p))
        return np.asarray(np.einsum("ip,...pq,jq->...ij", self.directions, h, self.directions),
                          dtype=np.float64)

    # kept consistent with the public methods for code that calls the _xy layer
    def _value_xy(self, x: Floats, y: Floats) -> Floats:
        return self.value(np.stack(np.broadcast_arrays(x, y), axis=-1))

    def _grad_xy(self, x: Floats, y: Floats) -> tuple[Floats, Floats]:
        g = self.grad(np.stack(np.broadcast_arrays(x, y), axis=-1))
        return g[..., 0], g[..., 1]

    def _hessian_xy(self, x: Floats, y: Floats) -> tuple[Floats, Floats, Floats]:
        h = self.hessian(np.stack(np.broadcast_arrays(x, y), axis=-1))
        return h[..., 0, 0], h[..., 0, 1], h[..., 1, 1]


def _check_span(span: object) -> float:
    if isinstance(span, bool) or not isinstance(span, (int, float, np.integer, np.floating)) \
            or not math.isfinite(span) or span <= 0:
        raise ValueError(f"span must be a finite number > 0, got {span!r}")
    return float(span)


def random_directions(n_params: int, seed: int) -> Floats:
    """Two orthonormal directions (2, n_params): seeded Gaussians, orthonormalised by QR."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    q, r = np.linalg.qr(np.random.default_rng(int(seed)).standard_normal((n_params, 2)))
    return np.asarray((q * np.sign(np.diag(r))).T, dtype=np.float64)  # signs fixed: follow the draws


def weight_space(W: ArrayLike, b: ArrayLike, X: ArrayLike, y: ArrayLike, kind: str = "ww",
                 reg: float = 0.0, axes: tuple[str, str] | str = DEFAULT_AXES, *, seed: int = 0,
                 span: float = 3.0) -> WeightSpaceLandscape:
    """The loss of the classifier (W (C, 2), b (C,)) on (X, y) over a plane through it.

    axes: two parameter names (e.g. ("W[0,0]", "W[0,1]"), "b[2]") or "random"
    (two seeded orthonormal directions). The view spans ± span around the given
    parameters' coordinates, which are also the default start.
    """
    Wa, ba, c = check_params(W, b)
    if Wa.ndim != 2 or ba.ndim != 1:
        raise ValueError(f"W and b must be one classifier, shapes ({c}, 2) and ({c},), "
                         f"got {Wa.shape} and {ba.shape}")
    objective = FullObjective(X, y, kind, reg, n_classes=c)
    theta = objective.pack(Wa, ba)
    s = _check_span(span)
    if isinstance(axes, str):
        if axes != "random":
            raise ValueError(f"axes must be two parameter names or 'random', got {axes!r}")
        return WeightSpaceLandscape(objective, theta, random_directions(objective.n_params, seed),
                                    ("d₁", "d₂"), s, axes="random", seed=int(seed))
    if len(axes) != 2:
        raise ValueError(f"axes must name two parameters, got {axes!r}")
    i, j = (param_index(a, objective.n_classes) for a in axes)
    if i == j:
        raise ValueError(f"axes must be two different parameters, got {axes[0]!r} twice")
    eye = np.eye(objective.n_params)
    labels = (objective.names[i], objective.names[j])
    return WeightSpaceLandscape(objective, theta, eye[[i, j]], labels, s, axes=labels)
