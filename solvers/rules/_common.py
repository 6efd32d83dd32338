"""Shared hyper-parameter specs, rule lines and suggestions, and the element-wise helpers torch uses."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..base import ParamSpec
from ..teaching import FloatArray, RuleLine, SurfaceScale

INF = math.inf


def lr_spec(default: float) -> ParamSpec:
    """Learning rate η: any finite positive number (a zero-lr run never moves)."""
    return ParamSpec(default, 0.0, INF, log=True, label="learning rate", symbol="η",
                     low_open=True, high_open=True, slider=(1e-5, 10.0))


WEIGHT_DECAY = ParamSpec(0.0, 0.0, INF, label="weight decay", symbol="λ",
                         high_open=True, slider=(0.0, 1.0))


def eps_spec(default: float) -> ParamSpec:
    """ε keeps the division finite; it must be positive."""
    return ParamSpec(default, 0.0, 1.0, log=True, label="epsilon", symbol="ε",
                     low_open=True, slider=(1e-12, 1e-1))


MOMENTUM = ParamSpec(0.9, 0.0, 1.0, label="momentum", symbol="μ", high_open=True,
                     slider=(0.0, 0.999))
DAMPENING = ParamSpec(0.0, 0.0, 1.0, label="dampening", symbol="τ", slider=(0.0, 1.0))


def flag(default: bool, label: str) -> ParamSpec:
    """An on/off hyper-parameter (amsgrad, centered, bias_correction)."""
    return ParamSpec(default, 0, 1, label=label, kind="bool")


def lerp(start: FloatArray, end: FloatArray, weight: float | FloatArray) -> FloatArray:
    """torch.lerp, with its two branches (aten LerpKernel) so rounding matches.

    start + w (end − start) for |w| < 0.5, else end − (end − start)(1 − w);
    an array of weights (one per point) takes each point's branch.
    """
    if isinstance(weight, float):
        if abs(weight) < 0.5:
            return start + weight * (end - start)
        return end - (end - start) * (1.0 - weight)
    diff = end - start
    low: FloatArray = np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1.0 - weight))
    return low


def any_nonzero(value: float | FloatArray) -> bool:
    """A term switched on for some setting (a scalar, or an array of settings)."""
    return bool(np.any(value != 0.0))


def with_weight_decay(grad: FloatArray, params: FloatArray, weight_decay: float | FloatArray) -> FloatArray:
    """g + λx (torch's coupled L2 weight decay); the input is never modified.
    (Settings with λ = 0 in an array get g + 0·x, which is g.)"""
    if any_nonzero(weight_decay):
        return grad + weight_decay * params
    return grad


# The λ line every coupled-decay rule starts with: "g ← ∇f(x) + λx", gone when λ = 0
DECAY_LINE = RuleLine(r"$g \leftarrow \nabla f(x) + \lambda x$", "g ← ∇f(x) + λx", decay_only=True)


def view_width_lr(fraction: float) -> Callable[[SurfaceScale], dict[str, Any]]:
    """Suggest lr = fraction × the view's width: for solvers whose step is about lr per
    coordinate whatever the gradient's scale (Adam, RMSprop, Adagrad, random search)."""
    def suggest(scale: SurfaceScale) -> dict[str, Any]:
        return {"lr": fraction * scale.width}

    return suggest
