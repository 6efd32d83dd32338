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

Suggested lr: Adam's step is about η per coordinate whatever the gradient's
scale, so η is 1/50 of the view's width. The velocity arrows draw m.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial
from typing import Any, NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ..teaching import Breakdown, FloatArray, RuleLine, StepView, Term, decay_terms, one
from ._common import DECAY_LINE, WEIGHT_DECAY, any_nonzero, eps_spec, flag, lerp, lr_spec, view_width_lr


class AdamState(NamedTuple):
    count: int  # type: ignore[assignment]  # optax's name; shadows tuple.count
    exp_avg: FloatArray         # m
    exp_avg_sq: FloatArray      # v
    max_exp_avg_sq: FloatArray  # v̂ (amsgrad only; zeros otherwise)


def build(hyper: dict[str, Any], *, decoupled: bool = False) -> tuple[Any, Any]:
    lr, wd, eps = hyper["lr"], hyper["weight_decay"], hyper["eps"]
    beta1, beta2 = hyper["betas"]
    amsgrad, corrected = hyper["amsgrad"], hyper["bias_correction"]

    def init(params: FloatArray) -> AdamState:
        z = np.zeros(np.shape(params), dtype=np.float64)
        return AdamState(0, z, z, z)

    def update(grad: FloatArray, state: AdamState, params: FloatArray, *, hessian: Any = None,
               lr_scale: float = 1.0) -> tuple[FloatArray, AdamState]:
        lr_t = lr * lr_scale
        count = state.count + 1
        g = grad
        if not decoupled and any_nonzero(wd):
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
        if decoupled and any_nonzero(wd):
            # torch decays x first, then adds the Adam step to the decayed x
            updates = updates - (lr_t * wd) * params
        return updates, AdamState(count, m, v, v_max)

    return init, update


def _moments(view: StepView) -> tuple[Term, ...]:
    """m' = β₁m + (1 − β₁)g;  v' = β₂v + (1 − β₂)g²;  m̂ = m'/(1 − β₁ᵗ),  v̂ = v'/(1 − β₂ᵗ)."""
    b1, b2 = (float(b) for b in view.hyper["betas"])
    m, v = one(view.after.exp_avg), one(view.after.exp_avg_sq)
    corrected = bool(view.hyper["bias_correction"])
    bc1 = 1.0 - b1 ** view.count if corrected else 1.0
    bc2 = 1.0 - b2 ** view.count if corrected else 1.0
    return (Term("m", "m", "m", m), Term("v", "v", "v", v),
            Term("m_hat", r"\hat m", "m̂", m / bc1), Term("v_hat", r"\hat v", "v̂", v / bc2))


def explain(view: StepView) -> Breakdown:
    return Breakdown(decay_terms(view) + _moments(view))


def explain_adamw(view: StepView) -> Breakdown:
    """adamw's decay acts on x (Δx has −ηλx), not in g: no "g + λx" term."""
    return Breakdown(_moments(view))


def velocity(state: Any, hyper: Mapping[str, Any]) -> FloatArray | None:
    """The first moment m: the direction Adam carries the point (before its per-coordinate scaling)."""
    return np.asarray(state.exp_avg, dtype=np.float64)


BETAS = ParamSpec(
    (0.9, 0.999), 0.0, 1.0, label="betas", symbol="β", high_open=True, kind="pair",
    components=(
        ParamSpec(0.9, 0.0, 1.0, label="β₁ (first moment)", symbol="β₁", high_open=True,
                  slider=(0.0, 0.999)),
        ParamSpec(0.999, 0.0, 1.0, label="β₂ (second moment)", symbol="β₂", high_open=True,
                  slider=(0.0, 0.9999)),
    ))

_RULE = (RuleLine(r"$m \leftarrow \beta_1 m + (1-\beta_1)\, g$", "m ← β₁m + (1 − β₁)g"),
         RuleLine(r"$v \leftarrow \beta_2 v + (1-\beta_2)\, g^2$", "v ← β₂v + (1 − β₂)g²"),
         RuleLine(r"$\hat m = \frac{m}{1-\beta_1^t},\ \ \hat v = \frac{v}{1-\beta_2^t}$",
                  "m̂ ← m / (1 − β₁ᵗ),  v̂ ← v / (1 − β₂ᵗ)"),
         RuleLine(r"$x \leftarrow x - \frac{\eta\, \hat m}{\sqrt{\hat v} + \epsilon}$",
                  "x ← x − η m̂ / (√v̂ + ε)"))


def _params(weight_decay: ParamSpec) -> dict[str, ParamSpec]:
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
    rule=(DECAY_LINE, *_RULE),
    citation="Kingma & Ba, Adam: a method for stochastic optimization, ICLR 2015",
    params=_params(WEIGHT_DECAY),
    build=build, explain_step=explain, suggest_hyper=view_width_lr(0.02), velocity_state=velocity,
    summary="Momentum on the gradient, RMSprop scaling, both bias-corrected.")

ADAMW = SolverSpec(
    name="adamw", title="AdamW",
    rule=(RuleLine(r"$x \leftarrow x\,(1 - \eta\lambda)$", "x ← x (1 − ηλ)", decay_only=True), *_RULE),
    citation="Loshchilov & Hutter, Decoupled weight decay regularization, ICLR 2019",
    params=_params(ParamSpec(1e-2, 0.0, math.inf, label="weight decay", symbol="λ",
                             high_open=True, slider=(0.0, 1.0))),
    build=partial(build, decoupled=True), explain_step=explain_adamw, suggest_hyper=view_width_lr(0.02),
    velocity_state=velocity,
    summary="Adam with weight decay applied to x directly, not through the gradient.")
