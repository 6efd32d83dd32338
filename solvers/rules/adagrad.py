"""Adagrad: torch.optim.Adagrad (single-tensor path).

    g ← ∇f(x) + λx,   t ← t + 1
    η_t ← η / (1 + (t − 1)·lr_decay)
    s ← s + g²                         (s starts at initial_accumulator_value)
    x ← x − η_t g / (√s + ε)

Duchi, Hazan, Singer, "Adaptive subgradient methods for online learning and
stochastic optimization", JMLR 12 (2011).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ._common import WEIGHT_DECAY, eps_spec, lr_spec, with_weight_decay


class AdagradState(NamedTuple):
    count: int
    sum_sq: np.ndarray  # s, running sum of squared gradients


def build(hyper: dict):
    lr, wd, eps = hyper["lr"], hyper["weight_decay"], hyper["eps"]
    lr_decay, acc0 = hyper["lr_decay"], hyper["initial_accumulator_value"]

    def init(params: np.ndarray) -> AdagradState:
        return AdagradState(0, np.full(np.shape(params), acc0, dtype=np.float64))

    def update(grad, state: AdagradState, params, *, hessian=None, lr_scale=1.0):
        g = with_weight_decay(grad, params, wd)
        count = state.count + 1
        clr = (lr * lr_scale) / (1 + (count - 1) * lr_decay)
        sum_sq = state.sum_sq + g * g
        return -clr * (g / (np.sqrt(sum_sq) + eps)), AdagradState(count, sum_sq)

    return init, update


SPEC = SolverSpec(
    name="adagrad", title="Adagrad",
    rule_latex=(r"$g \leftarrow \nabla f(x) + \lambda x$" "\n" r"$s \leftarrow s + g^2$" "\n"
                r"$x \leftarrow x - \frac{\eta_t\, g}{\sqrt{s} + \epsilon},\ \ "
                r"\eta_t = \frac{\eta}{1 + (t-1)\,\delta}$"),
    rule_lines=("g ← ∇f(x) + λx", "s ← s + g²", "ηₜ ← η / (1 + (t − 1)δ)", "x ← x − ηₜ g / (√s + ε)"),
    citation="Duchi, Hazan & Singer, Adaptive subgradient methods, JMLR 12 (2011)",
    params={
        "lr": lr_spec(1e-2),
        "lr_decay": ParamSpec(0.0, 0.0, math.inf, label="lr decay", symbol="δ", high_open=True,
                              slider=(0.0, 0.1)),
        "weight_decay": WEIGHT_DECAY,
        "initial_accumulator_value": ParamSpec(0.0, 0.0, math.inf, label="initial accumulator",
                                               symbol="s₀", high_open=True, slider=(0.0, 1.0)),
        "eps": eps_spec(1e-10),
    },
    summary="Per-coordinate steps shrink with the sum of past squared gradients.")
