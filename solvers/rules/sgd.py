"""Gradient descent and its momentum forms: torch.optim.SGD (single-tensor path).

    g ← ∇f(x) + λx
    gd / sgd:   x ← x − η g
    momentum:   v ← μ v + (1 − τ) g   (first step: v ← g), x ← x − η v
    nesterov:   v as above,            x ← x − η (g + μ v)

Momentum: Polyak, "Some methods of speeding up the convergence of iteration
methods" (1964). Nesterov in torch's form: Sutskever, Martens, Dahl, Hinton,
"On the importance of initialization and momentum in deep learning" (ICML 2013).

Suggested lr (Goodfellow et al., Deep Learning, 2016, sec. 4.3 and 8.3): on a
surface of curvature L gradient descent is stable for lr < 2/L and fastest
near 1/L, so gd/sgd get 1/L; heavy-ball momentum μ moves like GD with
lr / (1 − μ) once the velocity builds up, so momentum and nesterov get a tenth
of that with μ = 0.9, i.e. the same travel.
"""
from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

import numpy as np

from ..base import SolverSpec
from ..teaching import (
    Breakdown,
    FloatArray,
    RuleLine,
    StepView,
    SurfaceScale,
    Term,
    decay_terms,
    momentum_velocity,
    one,
)
from ._common import DAMPENING, DECAY_LINE, MOMENTUM, WEIGHT_DECAY, any_nonzero, lr_spec, with_weight_decay


class SGDState(NamedTuple):
    count: int  # type: ignore[assignment]  # steps taken (optax's name; shadows tuple.count)
    momentum_buffer: FloatArray  # v (zeros until the first step sets v = g)


def build(hyper: dict[str, Any], *, nesterov: bool = False) -> tuple[Any, Any]:
    """init/update for torch SGD with the given lr, momentum, dampening, weight_decay."""
    lr = hyper["lr"]
    wd = hyper["weight_decay"]
    mu = hyper.get("momentum", 0.0)
    damp = hyper.get("dampening", 0.0)

    def init(params: FloatArray) -> SGDState:
        return SGDState(0, np.zeros_like(np.asarray(params, dtype=np.float64)))

    def update(grad: FloatArray, state: SGDState, params: FloatArray, *, hessian: Any = None,
               lr_scale: float = 1.0) -> tuple[FloatArray, SGDState]:
        g = with_weight_decay(grad, params, wd)
        buf = state.momentum_buffer
        if any_nonzero(mu):
            # torch initialises the buffer to the first gradient (no (1 − τ) factor)
            new = np.array(g, dtype=np.float64) if state.count == 0 else buf * mu + (1.0 - damp) * g
            step = g + mu * new if nesterov else new
            if np.ndim(mu) == 0:
                buf, g = new, step
            else:   # an array of settings: those with μ = 0 are plain gradient descent, as in torch
                on = mu != 0.0
                buf, g = np.where(on, new, buf), np.where(on, step, g)
        return -(lr * lr_scale) * g, SGDState(state.count + 1, buf)

    return init, update


def check_nesterov(hyper: dict[str, Any]) -> None:
    """torch's rule: Nesterov needs momentum > 0 and zero dampening."""
    if np.any(hyper["momentum"] <= 0.0) or any_nonzero(hyper["dampening"]):
        raise ValueError(
            f"nesterov needs momentum > 0 and dampening = 0, got momentum={hyper['momentum']!r}, "
            f"dampening={hyper['dampening']!r}")


def explain_gd(view: StepView) -> Breakdown:
    """Δx = −η g (g includes λx): only the decayed gradient to name."""
    return Breakdown(decay_terms(view))


def explain_momentum(view: StepView) -> Breakdown:
    """v' = g at the first step, else μv + (1 − τ)g; Δx = −η v' (nesterov: −η (g + μ v'))."""
    return Breakdown(decay_terms(view) + (Term("v", "v", "v", one(view.after.momentum_buffer)),))


def suggest_gd(scale: SurfaceScale) -> dict[str, Any]:
    return {"lr": 1.0 / scale.curvature}


def suggest_momentum(scale: SurfaceScale) -> dict[str, Any]:
    return {"lr": 0.1 / scale.curvature, "momentum": 0.9}


_STEP = RuleLine(r"$x \leftarrow x - \eta\, g$", "x ← x − η g")

GD = SolverSpec(
    name="gd", title="Gradient descent",
    rule=(RuleLine(DECAY_LINE.latex, DECAY_LINE.text, plain=(r"$g \leftarrow \nabla f(x)$", "g ← ∇f(x)")),
          _STEP),
    citation="Cauchy, Méthode générale pour la résolution des systèmes d'équations simultanées (1847)",
    params={"lr": lr_spec(1e-3), "weight_decay": WEIGHT_DECAY},
    build=build, explain_step=explain_gd, suggest_hyper=suggest_gd,
    summary="Steps straight down the exact gradient.")

SGD = SolverSpec(
    name="sgd", title="Stochastic gradient descent",
    rule=(RuleLine(r"$g \leftarrow \tilde\nabla f(x) + \lambda x$", "g ← ∇̃f(x) + λx   (noisy / minibatch)",
                   plain=(r"$g \leftarrow \tilde\nabla f(x)$", "g ← ∇̃f(x)   (noisy / minibatch)")),
          _STEP),
    citation="Robbins & Monro, A stochastic approximation method (1951)",
    params={"lr": lr_spec(1e-3), "weight_decay": WEIGHT_DECAY},
    build=build, explain_step=explain_gd, suggest_hyper=suggest_gd,
    summary="Gradient descent on noisy or minibatch gradients.")

MOMENTUM_SPEC = SolverSpec(
    name="momentum", title="SGD with momentum",
    rule=(DECAY_LINE,
          RuleLine(r"$v \leftarrow \mu v + (1-\tau)\, g$", "v ← μv + (1 − τ)g   (first step v ← g)"),
          RuleLine(r"$x \leftarrow x - \eta\, v$", "x ← x − η v")),
    citation="Polyak, Some methods of speeding up the convergence of iteration methods (1964)",
    params={"lr": lr_spec(1e-3), "momentum": MOMENTUM, "dampening": DAMPENING,
            "weight_decay": WEIGHT_DECAY},
    build=build, explain_step=explain_momentum, suggest_hyper=suggest_momentum, velocity_state=momentum_velocity,
    summary="A heavy ball: velocity accumulates past gradients.")

NESTEROV = SolverSpec(
    name="nesterov", title="Nesterov momentum",
    rule=(DECAY_LINE,
          RuleLine(r"$v \leftarrow \mu v + g$", "v ← μv + g   (first step v ← g)"),
          RuleLine(r"$x \leftarrow x - \eta\,(g + \mu v)$", "x ← x − η (g + μv)")),
    citation="Nesterov (1983); in the form of Sutskever et al., ICML 2013 (torch.optim.SGD nesterov=True)",
    params={"lr": lr_spec(1e-3), "momentum": MOMENTUM, "dampening": DAMPENING,
            "weight_decay": WEIGHT_DECAY},
    build=partial(build, nesterov=True), check=check_nesterov,
    explain_step=explain_momentum, suggest_hyper=suggest_momentum, velocity_state=momentum_velocity,
    summary="Momentum that looks ahead along its velocity.")
