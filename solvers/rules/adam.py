"""Adam and AdamW: torch.optim.Adam / AdamW (single-tensor path).

    t ← t + 1
    adam:   g ← ∇f(x) + λx            adamw:  x ← x (1 − ηλ),  g ← ∇f(x)
    m ← lerp(m, g, 1 − β₁)            (= β₁m + (1 − β₁)g)
    v ← β₂v + (1 − β₂)g²
    amsgrad: v̂ ← max(v̂, v), used in place of v
    x ← x − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)

bias_correction=False (not in torch; the lecture's "Adam without bias
correction") drops both (1 − βᵗ) factors: x ← x − η m / (√v + ε). Its first
step is then (1 − β₁)/√(1 − β₂) ≈ 3.16 times the bias-corrected one (|Δx| = η).

Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015;
AMSGrad: Reddi, Kale, Kumar, ICLR 2018; AdamW: Loshchilov & Hutter,
"Decoupled weight decay regularization", ICLR 2019.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ._common import WEIGHT_DECAY, eps_spec, flag, lerp, lr_spec


class AdamState(NamedTuple):
    count: int
    exp_avg: np.ndarray         # m
    exp_avg_sq: np.ndarray      # v
    max_exp_avg_sq: np.ndarray  # v̂ (amsgrad only; zeros otherwise)


def build(hyper: dict, *, decoupled: bool = False):
    lr, wd, eps = hyper["lr"], hyper["weight_decay"], hyper["eps"]
    beta1, beta2 = hyper["betas"]
    amsgrad, corrected = hyper["amsgrad"], hyper["bias_correction"]

    def init(params: np.ndarray) -> AdamState:
        z = np.zeros(np.shape(params), dtype=np.float64)
        return AdamState(0, z, z, z)

    def update(grad, state: AdamState, params, *, hessian=None, lr_scale=1.0):
        lr_t = lr * lr_scale
        count = state.count + 1
        g = grad
        if wd != 0.0 and not decoupled:
            g = grad + wd * params
        m = lerp(state.exp_avg, g, 1.0 - beta1)
        v = state.exp_avg_sq * beta2 + (1.0 - beta2) * (g * g)
        v_max = state.max_exp_avg_sq
        if amsgrad:
            v_max = np.maximum(v_max, v)
        bc1 = 1.0 - beta1 ** count if corrected else 1.0
        bc2_sqrt = (1.0 - beta2 ** count) ** 0.5 if corrected else 1.0
        denom = np.sqrt(v_max if amsgrad else v) / bc2_sqrt + eps
        updates = -(lr_t / bc1) * (m / denom)
        if wd != 0.0 and decoupled:
            # torch decays x first, then adds the Adam step to the decayed x
            updates = updates - (lr_t * wd) * params
        return updates, AdamState(count, m, v, v_max)

    return init, update


BETAS = ParamSpec(
    (0.9, 0.999), 0.0, 1.0, label="betas", symbol="β", high_open=True, kind="pair",
    components=(
        ParamSpec(0.9, 0.0, 1.0, label="β₁ (first moment)", symbol="β₁", high_open=True,
                  slider=(0.0, 0.999)),
        ParamSpec(0.999, 0.0, 1.0, label="β₂ (second moment)", symbol="β₂", high_open=True,
                  slider=(0.0, 0.9999)),
    ))

_LINES = ("m ← β₁m + (1 − β₁)g", "v ← β₂v + (1 − β₂)g²",
          "m̂ ← m / (1 − β₁ᵗ),  v̂ ← v / (1 − β₂ᵗ)", "x ← x − η m̂ / (√v̂ + ε)")
_LATEX = (r"$m \leftarrow \beta_1 m + (1-\beta_1)\, g$" "\n"
          r"$v \leftarrow \beta_2 v + (1-\beta_2)\, g^2$" "\n"
          r"$\hat m = \frac{m}{1-\beta_1^t},\ \ \hat v = \frac{v}{1-\beta_2^t}$" "\n"
          r"$x \leftarrow x - \frac{\eta\, \hat m}{\sqrt{\hat v} + \epsilon}$")


def _params(weight_decay: ParamSpec) -> dict:
    return {
        "lr": lr_spec(1e-3),
        "betas": BETAS,
        "eps": eps_spec(1e-8),
        "weight_decay": weight_decay,
        "amsgrad": flag(False, "AMSGrad"),
        "bias_correction": flag(True, "bias correction"),
    }


ADAM = SolverSpec(
    name="adam", title="Adam",
    rule_latex=r"$g \leftarrow \nabla f(x) + \lambda x$" "\n" + _LATEX,
    rule_lines=("g ← ∇f(x) + λx",) + _LINES,
    citation="Kingma & Ba, Adam: a method for stochastic optimization, ICLR 2015",
    params=_params(WEIGHT_DECAY),
    summary="Momentum on the gradient, RMSprop scaling, both bias-corrected.")

ADAMW = SolverSpec(
    name="adamw", title="AdamW",
    rule_latex=r"$x \leftarrow x\,(1 - \eta\lambda)$" "\n" + _LATEX,
    rule_lines=("x ← x (1 − ηλ)",) + _LINES,
    citation="Loshchilov & Hutter, Decoupled weight decay regularization, ICLR 2019",
    params=_params(ParamSpec(1e-2, 0.0, math.inf, label="weight decay", symbol="λ",
                             high_open=True, slider=(0.0, 1.0))),
    summary="Adam with weight decay applied to x directly, not through the gradient.")
