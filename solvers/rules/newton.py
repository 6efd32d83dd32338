"""Newton's method with optional damping (Levenberg-style), batched 2x2 solve.

    g ← ∇f(x) + λx,   H ← ∇²f(x) + (δ + λ) I
    x ← x − η H⁻¹ g

(weight decay λ adds λx to the gradient and λI to the Hessian: it is the
Newton step on f + λ/2 |x|².) The 2x2 system is solved by Cramer's rule,
elementwise over the swarm: an exactly singular H gives inf/NaN for that point
only (run marks it diverged) instead of a LinAlgError for everyone. Newton
jumps to the stationary point of the local quadratic model, which is a saddle
when H is indefinite (x² − y²).

Nocedal & Wright, Numerical Optimization, 2nd ed. (2006), ch. 3.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ._common import WEIGHT_DECAY, lr_spec, with_weight_decay


class NewtonState(NamedTuple):
    count: int


def solve2x2(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """H⁻¹g for stacks of 2x2 H (..., 2, 2) and g (..., 2), by Cramer's rule."""
    a, b, c, d = h[..., 0, 0], h[..., 0, 1], h[..., 1, 0], h[..., 1, 1]
    g0, g1 = g[..., 0], g[..., 1]
    det = a * d - b * c
    out = np.empty(np.broadcast_shapes(g.shape, h.shape[:-1]), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out[..., 0] = (d * g0 - b * g1) / det
        out[..., 1] = (a * g1 - c * g0) / det
    return out


def build(hyper: dict):
    lr, wd, damping = hyper["lr"], hyper["weight_decay"], hyper["damping"]
    shift = damping + wd

    def init(params: np.ndarray) -> NewtonState:
        return NewtonState(0)

    def update(grad, state: NewtonState, params, *, hessian=None, lr_scale=1.0):
        if hessian is None:
            raise ValueError("newton needs the Hessian: call update(..., hessian=H)")
        g = with_weight_decay(grad, params, wd)
        h = hessian
        if shift != 0.0:
            h = h + shift * np.eye(2)
        return -(lr * lr_scale) * solve2x2(h, g), NewtonState(state.count + 1)

    return init, update


SPEC = SolverSpec(
    name="newton", title="Newton's method",
    rule_latex=(r"$g \leftarrow \nabla f(x),\ \ H \leftarrow \nabla^2 f(x) + \delta I$" "\n"
                r"$x \leftarrow x - \eta\, H^{-1} g$"),
    rule_lines=("g ← ∇f(x),  H ← ∇²f(x) + δI", "x ← x − η H⁻¹g"),
    citation="Nocedal & Wright, Numerical Optimization, 2nd ed. (2006), ch. 3",
    params={
        "lr": lr_spec(1.0),
        "damping": ParamSpec(0.0, 0.0, math.inf, label="damping", symbol="δ", high_open=True,
                             slider=(0.0, 10.0)),
        "weight_decay": WEIGHT_DECAY,
    },
    needs_hessian=True,
    summary="Jumps to the stationary point of the local quadratic model.")
