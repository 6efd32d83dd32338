"""RMSprop: torch.optim.RMSprop (single-tensor path), incl. momentum and centered.

    g ← ∇f(x) + λx
    r ← α r + (1 − α) g²
    centered:  ḡ ← lerp(ḡ, g, 1 − α),  d ← √(r − ḡ²) + ε    else  d ← √r + ε
    momentum:  b ← μ b + g / d,  x ← x − η b                else  x ← x − η g / d

Tieleman & Hinton, Lecture 6.5 "rmsprop", COURSERA: Neural Networks for
Machine Learning (2012); centered form: Graves, "Generating sequences with
recurrent neural networks" (2013).

Suggested lr: steps are about η per coordinate whatever the gradient's scale
(the first one is η/√(1 − α) = 10η at α = 0.99), so η is 1/200 of the view's width.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ..teaching import Breakdown, FloatArray, RuleLine, StepView, Term, decay_terms, momentum_velocity, one
from ._common import DECAY_LINE, WEIGHT_DECAY, eps_spec, flag, lerp, lr_spec, view_width_lr, with_weight_decay


class RMSpropState(NamedTuple):
    count: int  # type: ignore[assignment]  # optax's name; shadows tuple.count
    square_avg: FloatArray       # r
    grad_avg: FloatArray         # ḡ (centered only; zeros otherwise)
    momentum_buffer: FloatArray  # b (momentum > 0 only; zeros otherwise)


def build(hyper: dict[str, Any]) -> tuple[Any, Any]:
    lr, wd, eps = hyper["lr"], hyper["weight_decay"], hyper["eps"]
    alpha, mu, centered = hyper["alpha"], hyper["momentum"], hyper["centered"]

    def init(params: FloatArray) -> RMSpropState:
        z = np.zeros(np.shape(params), dtype=np.float64)
        return RMSpropState(0, z, z, z)

    def update(grad: FloatArray, state: RMSpropState, params: FloatArray, *, hessian: Any = None,
               lr_scale: float = 1.0) -> tuple[FloatArray, RMSpropState]:
        g = with_weight_decay(grad, params, wd)
        square_avg = state.square_avg * alpha + (1.0 - alpha) * (g * g)
        grad_avg = state.grad_avg
        if centered:
            grad_avg = lerp(grad_avg, g, 1.0 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = np.sqrt(square_avg) + eps
        buf = state.momentum_buffer
        if np.ndim(mu) > 0 and np.any(mu > 0.0):   # an array of settings: μ = 0 ones take g / d
            on = mu > 0.0
            buf = np.where(on, buf * mu + g / avg, buf)
            step = np.where(on, buf, g / avg)
        elif np.ndim(mu) == 0 and mu > 0.0:
            buf = buf * mu + g / avg
            step = buf
        else:
            step = g / avg
        return -(lr * lr_scale) * step, RMSpropState(state.count + 1, square_avg, grad_avg, buf)

    return init, update


def explain(view: StepView) -> Breakdown:
    """r' = αr + (1 − α)g²;  d = √r' + ε (centered: √(r' − ḡ'²) + ε);  Δx = −η g / d, or −η b'."""
    h, after = view.hyper, view.after
    r = one(after.square_avg)
    if h["centered"]:
        ga = one(after.grad_avg)
        d = np.sqrt(r - ga * ga) + float(h["eps"])
    else:
        d = np.sqrt(r) + float(h["eps"])
    terms: tuple[Term, ...] = (Term("r", "r", "r", r), Term("denom", r"\sqrt{r} + \epsilon", "√r + ε", d))
    if float(h["momentum"]) > 0.0:
        terms += (Term("b", "b", "b", one(after.momentum_buffer)),)
    return Breakdown(decay_terms(view) + terms)


SPEC = SolverSpec(
    name="rmsprop", title="RMSprop",
    rule=(DECAY_LINE,
          RuleLine(r"$r \leftarrow \alpha r + (1-\alpha)\, g^2$", "r ← αr + (1 − α)g²"),
          RuleLine(r"$x \leftarrow x - \frac{\eta\, g}{\sqrt{r} + \epsilon}$", "x ← x − η g / (√r + ε)")),
    citation="Tieleman & Hinton, Lecture 6.5 rmsprop, Coursera Neural Networks for ML (2012)",
    params={
        "lr": lr_spec(1e-2),
        "alpha": ParamSpec(0.99, 0.0, 1.0, label="decay rate", symbol="α", high_open=True,
                           slider=(0.0, 0.999)),
        "eps": eps_spec(1e-8),
        "weight_decay": WEIGHT_DECAY,
        "momentum": ParamSpec(0.0, 0.0, 1.0, label="momentum", symbol="μ", high_open=True,
                              slider=(0.0, 0.999)),
        "centered": flag(False, "centered"),
    },
    build=build, explain_step=explain, suggest_hyper=view_width_lr(0.005), velocity_state=momentum_velocity,
    summary="Divides each coordinate's step by a running RMS of its gradients.")
