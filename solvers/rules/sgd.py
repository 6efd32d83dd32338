"""Gradient descent and its momentum forms: torch.optim.SGD (single-tensor path).

    g ← ∇f(x) + λx
    gd / sgd:   x ← x − η g
    momentum:   v ← μ v + (1 − τ) g   (first step: v ← g), x ← x − η v
    nesterov:   v as above,            x ← x − η (g + μ v)

Momentum: Polyak, "Some methods of speeding up the convergence of iteration
methods" (1964). Nesterov in torch's form: Sutskever, Martens, Dahl, Hinton,
"On the importance of initialization and momentum in deep learning" (ICML 2013).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..base import SolverSpec
from ._common import DAMPENING, MOMENTUM, WEIGHT_DECAY, lr_spec, with_weight_decay


class SGDState(NamedTuple):
    count: int                   # steps taken
    momentum_buffer: np.ndarray  # v (zeros until the first step sets v = g)


def build(hyper: dict, *, nesterov: bool = False):
    """init/update for torch SGD with the given lr, momentum, dampening, weight_decay."""
    lr = hyper["lr"]
    wd = hyper["weight_decay"]
    mu = hyper.get("momentum", 0.0)
    damp = hyper.get("dampening", 0.0)

    def init(params: np.ndarray) -> SGDState:
        return SGDState(0, np.zeros_like(np.asarray(params, dtype=np.float64)))

    def update(grad, state: SGDState, params, *, hessian=None, lr_scale=1.0):
        g = with_weight_decay(grad, params, wd)
        buf = state.momentum_buffer
        if mu != 0.0:
            # torch initialises the buffer to the first gradient (no (1 − τ) factor)
            buf = np.array(g, dtype=np.float64) if state.count == 0 else buf * mu + (1.0 - damp) * g
            g = g + mu * buf if nesterov else buf
        return -(lr * lr_scale) * g, SGDState(state.count + 1, buf)

    return init, update


def check_nesterov(hyper: dict) -> None:
    """torch's rule: Nesterov needs momentum > 0 and zero dampening."""
    if hyper["momentum"] <= 0.0 or hyper["dampening"] != 0.0:
        raise ValueError(
            f"nesterov needs momentum > 0 and dampening = 0, got momentum={hyper['momentum']!r}, "
            f"dampening={hyper['dampening']!r}")


_GD_LINES = ("g ← ∇f(x) + λx", "x ← x − η g")
_GD_LATEX = r"$g \leftarrow \nabla f(x) + \lambda x$" "\n" r"$x \leftarrow x - \eta\, g$"

GD = SolverSpec(
    name="gd", title="Gradient descent",
    rule_latex=_GD_LATEX, rule_lines=_GD_LINES,
    citation="Cauchy, Méthode générale pour la résolution des systèmes d'équations simultanées (1847)",
    params={"lr": lr_spec(1e-3), "weight_decay": WEIGHT_DECAY},
    summary="Steps straight down the exact gradient.")

SGD = SolverSpec(
    name="sgd", title="Stochastic gradient descent",
    rule_latex=r"$g \leftarrow \tilde\nabla f(x) + \lambda x$" "\n" r"$x \leftarrow x - \eta\, g$",
    rule_lines=("g ← ∇̃f(x) + λx   (noisy / minibatch)", "x ← x − η g"),
    citation="Robbins & Monro, A stochastic approximation method (1951)",
    params={"lr": lr_spec(1e-3), "weight_decay": WEIGHT_DECAY},
    summary="Gradient descent on noisy or minibatch gradients.")

MOMENTUM_SPEC = SolverSpec(
    name="momentum", title="SGD with momentum",
    rule_latex=(r"$g \leftarrow \nabla f(x) + \lambda x$" "\n"
                r"$v \leftarrow \mu v + (1-\tau)\, g$" "\n" r"$x \leftarrow x - \eta\, v$"),
    rule_lines=("g ← ∇f(x) + λx", "v ← μv + (1 − τ)g   (first step v ← g)", "x ← x − η v"),
    citation="Polyak, Some methods of speeding up the convergence of iteration methods (1964)",
    params={"lr": lr_spec(1e-3), "momentum": MOMENTUM, "dampening": DAMPENING,
            "weight_decay": WEIGHT_DECAY},
    summary="A heavy ball: velocity accumulates past gradients.")

NESTEROV = SolverSpec(
    name="nesterov", title="Nesterov momentum",
    rule_latex=(r"$g \leftarrow \nabla f(x) + \lambda x$" "\n" r"$v \leftarrow \mu v + g$" "\n"
                r"$x \leftarrow x - \eta\,(g + \mu v)$"),
    rule_lines=("g ← ∇f(x) + λx", "v ← μv + g   (first step v ← g)", "x ← x − η (g + μv)"),
    citation="Nesterov (1983); in the form of Sutskever et al., ICML 2013 (torch.optim.SGD nesterov=True)",
    params={"lr": lr_spec(1e-3), "momentum": MOMENTUM, "dampening": DAMPENING,
            "weight_decay": WEIGHT_DECAY},
    summary="Momentum that looks ahead along its velocity.")
