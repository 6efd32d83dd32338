"""Newton's method with optional damping (Levenberg-style), batched P×P solve.

    g ← ∇f(x) + λx,   H ← ∇²f(x) + (δ + λ) I
    x ← x − η H⁻¹ g

(weight decay λ adds λx to the gradient and λI to the Hessian: it is the
Newton step on f + λ/2 |x|².) The 2x2 system of a surface is solved by
Cramer's rule, elementwise over the swarm; larger ones (P parameters, e.g. the
toy classifier's nine) by LU (numpy.linalg.solve), point by point when one is
singular. Either way an exactly singular H gives inf/NaN for that point only
(run marks it diverged) instead of a LinAlgError for everyone. At a
stationary point (g = 0) the step is 0 whatever H is: H⁻¹0 = 0 where H is
invertible, and 0 is the least-norm solution of H d = 0 where it is not (the
monkey saddle x³ − 3xy² or x⁴ + y⁴ at the origin), so the point stays put
instead of being marked diverged. Newton jumps to the stationary point of the
local quadratic model, which is a saddle when H is indefinite (x² − y²); it
takes full steps, so its suggested lr is 1.

Nocedal & Wright, Numerical Optimization, 2nd ed. (2006), ch. 3.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ..teaching import Breakdown, FloatArray, RuleLine, StepView, SurfaceScale, Term, decay_terms
from ._common import WEIGHT_DECAY, any_nonzero, lr_spec, with_weight_decay


class NewtonState(NamedTuple):
    count: int  # type: ignore[assignment]  # optax's name; shadows tuple.count


def solve2x2(h: FloatArray, g: FloatArray) -> FloatArray:
    """H⁻¹g for stacks of 2x2 H (..., 2, 2) and g (..., 2), by Cramer's rule (0 where g = 0)."""
    a, b, c, d = h[..., 0, 0], h[..., 0, 1], h[..., 1, 0], h[..., 1, 1]
    g0, g1 = g[..., 0], g[..., 1]
    det = a * d - b * c
    out = np.empty(np.broadcast_shapes(g.shape, h.shape[:-1]), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out[..., 0] = (d * g0 - b * g1) / det
        out[..., 1] = (a * g1 - c * g0) / det
    stationary = np.broadcast_to((g0 == 0.0) & (g1 == 0.0), out.shape[:-1])
    out[stationary] = 0.0
    return out


def solve(h: FloatArray, g: FloatArray) -> FloatArray:
    """H⁻¹g for stacks of P×P H (..., P, P) and g (..., P): Cramer's rule for P = 2 (solve2x2),
    LU otherwise; a singular H gives NaN for its point only, and g = 0 gives 0."""
    if g.shape[-1] == 2:
        return solve2x2(h, g)
    shape = np.broadcast_shapes(g.shape, h.shape[:-1])
    hb = np.broadcast_to(h, shape + shape[-1:]).reshape(-1, shape[-1], shape[-1])
    gb = np.broadcast_to(g, shape).reshape(-1, shape[-1])
    with np.errstate(all="ignore"):
        try:
            out: FloatArray = np.asarray(np.linalg.solve(hb, gb[..., None])[..., 0], dtype=np.float64)
        except np.linalg.LinAlgError:   # some H singular: solve the others one by one
            out = np.full(gb.shape, np.nan)
            for i in range(len(gb)):
                try:
                    out[i] = np.linalg.solve(hb[i], gb[i])
                except np.linalg.LinAlgError:
                    pass
    out[(gb == 0.0).all(axis=-1)] = 0.0
    result: FloatArray = out.reshape(shape)
    return result


def build(hyper: dict[str, Any]) -> tuple[Any, Any]:
    lr, wd, damping = hyper["lr"], hyper["weight_decay"], hyper["damping"]
    shift = damping + wd

    def init(params: FloatArray) -> NewtonState:
        return NewtonState(0)

    def update(grad: FloatArray, state: NewtonState, params: FloatArray, *, hessian: FloatArray | None = None,
               lr_scale: float = 1.0) -> tuple[FloatArray, NewtonState]:
        if hessian is None:
            raise ValueError("newton needs the Hessian: call update(..., hessian=H)")
        g = with_weight_decay(grad, params, wd)
        h = hessian
        if any_nonzero(shift):   # (n, 1) settings become (n, 1, 1), one shift per point's H
            h = h + np.asarray(shift)[..., None] * np.eye(g.shape[-1])
        return -(lr * lr_scale) * solve(h, g), NewtonState(state.count + 1)

    return init, update


def explain(view: StepView) -> Breakdown:
    """H = ∇²f + (δ + λ)I and the Newton direction H⁻¹g, or why there is none."""
    if view.hessian is None or view.grad is None:
        raise ValueError("newton's step is explained from the gradient and the Hessian at x")
    shift = float(view.hyper["damping"]) + view.weight_decay
    h = view.hessian + shift * np.eye(len(view.grad))
    g = view.grad + view.weight_decay * view.x
    terms = decay_terms(view) + (Term("H", "H", "H", h),)
    direction = solve(h, g)
    if np.isfinite(direction).all():
        return Breakdown(terms + (Term("newton_dir", r"H^{-1} g", "H⁻¹g", direction),))
    det = float(h[0, 0] * h[1, 1] - h[0, 1] * h[1, 0]) if len(g) == 2 else float(np.linalg.det(h))
    why = "H is singular (det H = 0)" if det == 0.0 else "H⁻¹g is not a finite number"
    return Breakdown(terms, note=f"{why}; no Newton step exists here")


def suggest(scale: SurfaceScale) -> dict[str, Any]:
    return {"lr": 1.0}


SPEC = SolverSpec(
    name="newton", title="Newton's method",
    rule=(RuleLine(r"$g \leftarrow \nabla f(x) + \lambda x,\ \ H \leftarrow \nabla^2 f(x) + (\delta + \lambda) I$",
                   "g ← ∇f(x) + λx,  H ← ∇²f(x) + (δ + λ)I",
                   plain=(r"$g \leftarrow \nabla f(x),\ \ H \leftarrow \nabla^2 f(x) + \delta I$",
                          "g ← ∇f(x),  H ← ∇²f(x) + δI")),
          RuleLine(r"$x \leftarrow x - \eta\, H^{-1} g$", "x ← x − η H⁻¹g")),
    citation="Nocedal & Wright, Numerical Optimization, 2nd ed. (2006), ch. 3",
    params={
        "lr": lr_spec(1.0),
        "damping": ParamSpec(0.0, 0.0, math.inf, label="damping", symbol="δ", high_open=True,
                             slider=(0.0, 10.0)),
        "weight_decay": WEIGHT_DECAY,
    },
    build=build, needs_hessian=True, explain_step=explain, suggest_hyper=suggest,
    summary="Jumps to the stationary point of the local quadratic model.")
