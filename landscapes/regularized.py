"""Weight decay as a landscape: a surface plus L2 and/or L1 penalties.

    f_reg(p) = f(p) + λ₂·‖p‖² + λ₁·‖p‖₁
    ∇f_reg   = ∇f + 2λ₂·p + λ₁·sign(p)      (sign(0) = 0: the subgradient of minimal norm)
    ∇²f_reg  = ∇²f + 2λ₂·I                   (the L1 term is piecewise linear: adds 0)

The penalty moves the minimum toward the origin; where it lands is in
general unknown, so minima = () and min_value = None (except when both
strengths are zero, where ``f`` itself is returned).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .base import Coord, Landscape, as_points


def _strength(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"regularization strength {name} must be a number, got {value!r}") from None
    if not math.isfinite(v) or v < 0.0:
        raise ValueError(f"regularization strength {name} must be finite and >= 0, got {value!r}")
    return v


class RegularizedLandscape(Landscape):
    """``base`` plus λ₂·‖p‖² + λ₁·‖p‖₁; see the module docstring for the math.

    ``params`` = {"base": base.name, "base_params": base.params, "l2": λ₂, "l1": λ₁},
    so ``regularized(get(base, **base_params), l2, l1)`` rebuilds it.
    """

    name = "regularized"

    def __init__(self, base: Landscape, l2: float, l1: float) -> None:
        super().__init__(base=base.name, base_params=dict(base.params), l2=l2, l1=l1)
        self.base, self.l2, self.l1 = base, l2, l1
        # the penalty is over the base's own axes (a CIFAR-10 plane's a and b, not x and y): their
        # names, the plane's named points and its minibatch gradient carry over
        names = getattr(base, "axis_labels", None)
        u, v = "x", "y"
        if names is not None and len(names) == 2:
            self.axis_labels = (str(names[0]), str(names[1]))
            u, v = (str(n).split(" ")[0] for n in names)      # "a (along D₁)" is a
        if hasattr(base, "landmarks"):
            self.landmarks = base.landmarks
        if callable(getattr(base, "minibatch_grad", None)):
            self.minibatch_grad = self._minibatch_grad
        terms, uni, tex = [], [], []
        if l2:
            terms.append(f"L2 (λ={l2:g})")
            uni.append(f"{l2:g}·({u}² + {v}²)")
            tex.append(f"{l2:g}\\,({u}^2 + {v}^2)")
        if l1:
            terms.append(f"L1 (λ={l1:g})")
            uni.append(f"{l1:g}·(|{u}| + |{v}|)")
            tex.append(f"{l1:g}\\,(|{u}| + |{v}|)")
        self.title = " + ".join([base.title, *terms])
        self.formula = " + ".join([base.formula or f"f({u}, {v})", *uni])
        inner = base.latex.strip("$") if base.latex else f"f({u}, {v})"
        self.latex = "$" + " + ".join([inner, *tex]) + "$"
        self.bounds = base.bounds
        self.minima = ()
        self.local_minima = ()
        self.min_value = None
        self.default_start = base.default_start
        self.log_scale = base.log_scale
        self.description = (
            f"{base.description} Regularized: the penalty pulls the minimum toward the origin"
            + (" and L1 makes coordinates stick at exactly 0." if l1 else ".")
        ).strip()

    def value(self, p: Any) -> np.ndarray:
        p = as_points(p)
        out: np.ndarray = self.base.value(p) + self.l2 * np.sum(p * p, axis=-1) + self.l1 * np.sum(np.abs(p), axis=-1)
        return out

    def grad(self, p: Any) -> np.ndarray:
        p = as_points(p)
        out: np.ndarray = self.base.grad(p) + self._penalty_grad(p)
        return out

    def _penalty_grad(self, p: np.ndarray) -> np.ndarray:
        out: np.ndarray = 2.0 * self.l2 * p + self.l1 * np.sign(p)
        return out

    def _minibatch_grad(self, p: Any, batch_size: int, rng: np.random.Generator) -> np.ndarray:
        """The base's minibatch gradient plus the penalty's, which is exact (it needs no data)."""
        p = as_points(p)
        out: np.ndarray = np.asarray(self.base.minibatch_grad(p, batch_size, rng)) + self._penalty_grad(p)  # type: ignore[attr-defined]
        return out

    def hessian(self, p: Any) -> np.ndarray:
        p = as_points(p)
        return self.base.hessian(p) + 2.0 * self.l2 * np.eye(2)

    # Kept consistent with the public methods for code that calls the _xy layer.
    def _value_xy(self, x: Coord, y: Coord) -> Coord:
        return self.value(np.stack([x, y], axis=-1))

    def _grad_xy(self, x: Coord, y: Coord) -> tuple[Coord, Coord]:
        g = self.grad(np.stack([x, y], axis=-1))
        return g[..., 0], g[..., 1]

    def _hessian_xy(self, x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        h = self.hessian(np.stack(np.broadcast_arrays(x, y), axis=-1))
        return h[..., 0, 0], h[..., 0, 1], h[..., 1, 1]


def regularized(f: Landscape, l2: float = 0.0, l1: float = 0.0) -> Landscape:
    """Return ``f`` + l2·‖p‖² + l1·‖p‖₁ as a Landscape (``f`` itself when both are 0).

    Raises ValueError for a negative, NaN or infinite strength.
    """
    l2, l1 = _strength("l2", l2), _strength("l1", l1)
    if not isinstance(f, Landscape):
        raise ValueError(f"regularized() needs a Landscape, got {type(f).__name__}")
    if l2 == 0.0 and l1 == 0.0:
        return f
    return RegularizedLandscape(f, l2, l1)
