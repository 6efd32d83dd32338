"""RMSprop: torch.optim.RMSprop (single-tensor path), incl. momentum and centered.

    g ← ∇f(x) + λx
    r ← α r + (1 − α) g²
    centered:  ḡ ← lerp(ḡ, g, 1 − α),  d ← √(r − ḡ²) + ε    else  d ← √r + ε
    momentum:  b ← μ b + g / d,  x ← x − η b                else  x ← x − η g / d

Tieleman & Hinton, Lecture 6.5 "rmsprop", COURSERA: Neural Networks for
Machine Learning (2012); centered form: Graves, "Generating sequences with
recurrent neural networks" (2013).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ._common import WEIGHT_DECAY, eps_spec, flag, lerp, lr_spec, with_weight_decay


class RMSpropState(NamedTuple):
    count: int
    square_avg: np.ndarray       # r
    grad_avg: np.ndarray         # ḡ (centered only; zeros otherwise)
    momentum_buffer: np.ndarray  # b (momentum > 0 only; zeros otherwise)


def build(hyper: dict):
    lr, wd, eps = hyper["lr"], hyper["weight_decay"], hyper["eps"]
    alpha, mu, centered = hyper["alpha"], hyper["momentum"], hyper["centered"]

    def init(params: np.ndarray) -> RMSpropState:
        z = np.zeros(np.shape(params), dtype=np.float64)
        return RMSpropState(0, z, z, z)

    def update(grad, state: RMSpropState, params, *, hessian=None, lr_scale=1.0):
        g = with_weight_decay(grad, params, wd)
        square_avg = state.square_avg * alpha + (1.0 - alpha) * (g * g)
        grad_avg = state.grad_avg
        if centered:
            grad_avg = lerp(grad_avg, g, 1.0 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = np.sqrt(square_avg) + eps
        buf = state.momentum_buffer
        if mu > 0.0:
            buf = buf * mu + g / avg
            step = buf
        else:
            step = g / avg
        return -(lr * lr_scale) * step, RMSpropState(state.count + 1, square_avg, grad_avg, buf)

    return init, update


SPEC = SolverSpec(
    name="rmsprop", title="RMSprop",
    rule_latex=(r"$g \leftarrow \nabla f(x) + \lambda x$" "\n"
                r"$r \leftarrow \alpha r + (1-\alpha)\, g^2$" "\n"
                r"$x \leftarrow x - \frac{\eta\, g}{\sqrt{r} + \epsilon}$"),
    rule_lines=("g ← ∇f(x) + λx", "r ← αr + (1 − α)g²", "x ← x − η g / (√r + ε)"),
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
    summary="Divides each coordinate's step by a running RMS of its gradients.")
