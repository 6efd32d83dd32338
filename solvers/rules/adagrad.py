"""Adagrad: torch.optim.Adagrad (single-tensor path).

    g ← ∇f(x) + λx,   t ← t + 1
    η_t ← η / (1 + (t − 1)·lr_decay)
    s ← s + g²                         (s starts at initial_accumulator_value)
    x ← x − η_t g / (√s + ε)

Duchi, Hazan, Singer, "Adaptive subgradient methods for online learning and
stochastic optimization", JMLR 12 (2011).

Suggested lr: a step is about η per coordinate whatever the gradient's scale
(at first exactly η: g / √(g²)), so η is a tenth of the view's width; the
steps then shrink as s grows.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ..teaching import Breakdown, FloatArray, RuleLine, StepView, Term, decay_terms, one
from ._common import DECAY_LINE, WEIGHT_DECAY, eps_spec, lr_spec, view_width_lr, with_weight_decay


class AdagradState(NamedTuple):
    count: int  # type: ignore[assignment]  # optax's name; shadows tuple.count
    sum_sq: FloatArray  # s, running sum of squared gradients


def build(hyper: dict[str, Any]) -> tuple[Any, Any]:
    lr, wd, eps = hyper["lr"], hyper["weight_decay"], hyper["eps"]
    lr_decay, acc0 = hyper["lr_decay"], hyper["initial_accumulator_value"]

    def init(params: FloatArray) -> AdagradState:
        return AdagradState(0, np.full(np.shape(params), acc0, dtype=np.float64))

    def update(grad: FloatArray, state: AdagradState, params: FloatArray, *, hessian: Any = None,
               lr_scale: float = 1.0) -> tuple[FloatArray, AdagradState]:
        g = with_weight_decay(grad, params, wd)
        count = state.count + 1
        clr = (lr * lr_scale) / (1 + (count - 1) * lr_decay)
        sum_sq = state.sum_sq + g * g
        return -clr * (g / (np.sqrt(sum_sq) + eps)), AdagradState(count, sum_sq)

    return init, update


def explain(view: StepView) -> Breakdown:
    """s' = s + g²;  η_t = η / (1 + (t − 1)δ);  Δx = −η_t g / (√s' + ε)."""
    s = one(view.after.sum_sq)
    lr_eff = view.lr / (1 + (view.count - 1) * float(view.hyper["lr_decay"]))
    return Breakdown(decay_terms(view) + (
        Term("s", "s", "s", s), Term("lr_eff", r"\eta_t", "η_t", lr_eff),
        Term("denom", r"\sqrt{s} + \epsilon", "√s + ε", np.sqrt(s) + float(view.hyper["eps"]))))


SPEC = SolverSpec(
    name="adagrad", title="Adagrad",
    rule=(DECAY_LINE,
          RuleLine(r"$s \leftarrow s + g^2$", "s ← s + g²"),
          RuleLine(r"$\eta_t \leftarrow \frac{\eta}{1 + (t-1)\,\delta}$", "ηₜ ← η / (1 + (t − 1)δ)"),
          RuleLine(r"$x \leftarrow x - \frac{\eta_t\, g}{\sqrt{s} + \epsilon}$", "x ← x − ηₜ g / (√s + ε)")),
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
    build=build, explain_step=explain, suggest_hyper=view_width_lr(0.1),
    summary="Per-coordinate steps shrink with the sum of past squared gradients.")
