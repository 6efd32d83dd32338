"""The Landscape interface: a loss surface over points of shape (..., 2).

Every method takes any leading shape, so one call evaluates a whole grid or a
whole swarm without Python loops. Subclasses implement the three ``_xy``
methods on separate coordinate arrays; the public methods do the stacking.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import numpy as np

Bounds = tuple[tuple[float, float], tuple[float, float]]
# What the ``_xy`` methods take and return: float64 arrays or numpy scalars
# that broadcast, or plain floats for constant terms (a Hessian of 2.0).
# numpy's stubs type ufuncs on such mixtures loosely, hence Any.
Coord = Any
ValueFn = Callable[[Coord, Coord], Coord]
GradFn = Callable[[Coord, Coord], tuple[Coord, Coord]]
HessianFn = Callable[[Coord, Coord], tuple[Coord, Coord, Coord]]


def as_points(p: Any) -> np.ndarray:
    """Return ``p`` as a float64 array whose last axis has length 2."""
    a = np.asarray(p, dtype=np.float64)
    if a.ndim == 0 or a.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got {a.shape}")
    return a


class Landscape:
    """A loss surface f(x, y) with analytic gradient and Hessian.

    Attributes (set by subclasses or the constructor):
      name           registry name, e.g. "rosenbrock"
      title          display name, e.g. "Rosenbrock"
      formula        Unicode formula for display, e.g. "(1 − x)² + 100(y − x²)²"
      latex          LaTeX formula (mathtext-compatible) for rendered math
      bounds         ((xmin, xmax), (ymin, ymax)) default view
      minima         tuple of known global minimizers (x, y); () if none
      local_minima   other known (non-global) local minimizers, for markers; () if none
      min_value      global minimum value, or None if unbounded/unknown
      default_start  (x, y) where runs start by default
      log_scale      True when the values span decades (view uses log height)
      params         the parameters that rebuild it: get(name, **params)
      description    one-paragraph teaching note (basins, minima, why it is here)
    """

    name: str = "landscape"
    title: str = "Landscape"
    formula: str = ""
    latex: str = ""
    bounds: Bounds = ((-2.0, 2.0), (-2.0, 2.0))
    minima: tuple[tuple[float, float], ...] = ()
    local_minima: tuple[tuple[float, float], ...] = ()
    min_value: float | None = None
    default_start: tuple[float, float] = (-1.5, 1.5)
    log_scale: bool = False
    description: str = ""

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = dict(params)

    # --- subclasses implement these on coordinate arrays -------------------
    def _value_xy(self, x: Coord, y: Coord) -> Coord:
        raise NotImplementedError

    def _grad_xy(self, x: Coord, y: Coord) -> tuple[Coord, Coord]:
        raise NotImplementedError

    def _hessian_xy(self, x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        """Return (f_xx, f_xy, f_yy)."""
        raise NotImplementedError

    # --- public API over points of shape (..., 2) ---------------------------
    def value(self, p: Any) -> np.ndarray:
        p = as_points(p)
        x, y = p[..., 0], p[..., 1]
        return np.broadcast_to(np.asarray(self._value_xy(x, y), dtype=np.float64), x.shape).copy()

    def grad(self, p: Any) -> np.ndarray:
        p = as_points(p)
        x, y = p[..., 0], p[..., 1]
        gx, gy = self._grad_xy(x, y)
        out = np.empty(p.shape, dtype=np.float64)
        out[..., 0] = gx
        out[..., 1] = gy
        return out

    def hessian(self, p: Any) -> np.ndarray:
        p = as_points(p)
        x, y = p[..., 0], p[..., 1]
        hxx, hxy, hyy = self._hessian_xy(x, y)
        out = np.empty(p.shape + (2,), dtype=np.float64)
        out[..., 0, 0] = hxx
        out[..., 0, 1] = hxy
        out[..., 1, 0] = hxy
        out[..., 1, 1] = hyy
        return out

    def value_and_grad(self, p: Any) -> tuple[np.ndarray, np.ndarray]:
        return self.value(p), self.grad(p)

    # --- helpers for views and solvers --------------------------------------
    def grid(self, n: int = 200, bounds: Bounds | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Evaluate on an n x n grid: returns (xs, ys, Z) with Z[j, i] = f(xs[i], ys[j])."""
        (x0, x1), (y0, y1) = bounds or self.bounds
        xs = np.linspace(x0, x1, n)
        ys = np.linspace(y0, y1, n)
        X, Y = np.meshgrid(xs, ys)
        return xs, ys, self.value(np.stack([X, Y], axis=-1))

    @cached_property
    def grad_scale(self) -> float:
        """Typical gradient size over the default view (median |grad| on a 41x41 grid).

        Gradient noise is ``noise * grad_scale * N(0, I)``, so one noise slider
        means the same on every surface.
        """
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
        g = self.grad(np.stack([X, Y], axis=-1))
        n = np.linalg.norm(g, axis=-1)
        n = n[np.isfinite(n)]
        s = float(np.median(n)) if n.size else 1.0
        return s if s > 0 else 1.0

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"<Landscape {self.name}({args})>"


def _pair(v: Any) -> tuple[float, float]:
    a, b = v
    return float(a), float(b)


class FunctionLandscape(Landscape):
    """A Landscape built from three coordinate-array callables.

    value(x, y) -> f; grad(x, y) -> (fx, fy); hessian(x, y) -> (fxx, fxy, fyy).
    """

    def __init__(
        self,
        *,
        name: str,
        value: ValueFn,
        grad: GradFn,
        hessian: HessianFn,
        title: str | None = None,
        formula: str = "",
        latex: str = "",
        bounds: Bounds = ((-2.0, 2.0), (-2.0, 2.0)),
        minima: tuple[tuple[float, float], ...] = (),
        min_value: float | None = None,
        local_minima: tuple[tuple[float, float], ...] = (),
        default_start: tuple[float, float] | None = None,
        log_scale: bool = False,
        description: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(**dict(params or {}))
        self.name = name
        self.title = title or name.replace("_", " ").title()
        self.formula = formula
        self.latex = latex
        self.bounds = (_pair(bounds[0]), _pair(bounds[1]))
        self.minima = tuple(_pair(m) for m in minima)
        self.local_minima = tuple(_pair(m) for m in local_minima)
        self.min_value = None if min_value is None else float(min_value)
        if default_start is None:
            (x0, x1), (y0, y1) = self.bounds
            default_start = (x0 + 0.15 * (x1 - x0), y0 + 0.85 * (y1 - y0))
        self.default_start = _pair(default_start)
        self.log_scale = log_scale
        self.description = description
        self._v, self._g, self._h = value, grad, hessian

    def _value_xy(self, x: Coord, y: Coord) -> Coord:
        return self._v(x, y)

    def _grad_xy(self, x: Coord, y: Coord) -> tuple[Coord, Coord]:
        return self._g(x, y)

    def _hessian_xy(self, x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return self._h(x, y)
