"""Random search: the gradient-free baseline of the lecture.

    ξ ~ N(0, I)                      (a fresh draw per step)
    x' = x + σ ξ,   σ = η · schedule(t)
    keep x' if F(x') < F(x), else stay at x
    F(x) = f(x) + (λ/2)‖x‖²          (λ = weight_decay, the loss torch's
                                      coupled weight decay differentiates)

σ (the ``lr`` hyper-parameter) is the step size in the plane's own units: the
proposal moves by about σ·√2 on average. It never looks at a gradient — the
Stepper hands it ``grad=None`` and a ``loss_fn`` (points -> values) instead —
so it is the "guess and keep what helps" strategy of Karpathy's CS231n notes
("Strategy #2: Random Local Search"), a (1+1)-evolution strategy with a fixed
step (Rechenberg 1973; Matyas, "Random optimization", 1965).

Repeatable: the draw at step ``count`` comes from
``np.random.default_rng([seed, count])``, with ``seed`` fixed at init (the
Stepper passes its own seed), so the same seed replays the same run, and a
solver switched mid-run with the same seed continues the same stream. One ξ
per step is shared by every point of a swarm (common random numbers), so a
swarm moves exactly as its points would, run one by one with that seed; each
point still accepts or rejects on its own loss.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ._common import INF, WEIGHT_DECAY


class RandomSearchState(NamedTuple):
    count: int  # steps taken (also picks the random stream of the next step)
    seed: int   # fixed at init: same seed, same proposals


def build(hyper: dict):
    """init/update for random local search with step size lr (σ) and weight_decay (λ)."""
    sigma = hyper["lr"]
    wd = hyper["weight_decay"]

    def init(params: np.ndarray, seed: int = 0) -> RandomSearchState:
        if isinstance(seed, bool) or int(seed) != seed or seed < 0:
            raise ValueError(f"random_search seed must be a whole number >= 0, got {seed!r}")
        return RandomSearchState(0, int(seed))

    def objective(loss_fn: Callable, p: np.ndarray) -> np.ndarray:
        value = np.asarray(loss_fn(p), dtype=np.float64)
        if wd != 0.0:
            value = value + 0.5 * wd * np.sum(p * p, axis=-1)
        return value

    def update(grad, state: RandomSearchState, params, *, loss_fn: Callable | None = None,
               hessian=None, lr_scale=1.0):
        # grad is ignored on purpose: this solver only compares loss values
        if loss_fn is None:
            raise ValueError("random_search needs loss_fn (points -> loss values); it takes no gradient")
        x = np.asarray(params, dtype=np.float64)
        rng = np.random.default_rng([state.seed, state.count])
        proposal = x + (sigma * lr_scale) * rng.standard_normal(2)
        # one batched call for the current points and the proposals
        both = objective(loss_fn, np.stack([x, proposal]))
        with np.errstate(invalid="ignore"):
            accept = both[1] < both[0]  # NaN/inf proposals compare False: rejected
        updates = np.where(accept[..., None], proposal - x, 0.0)
        return updates, RandomSearchState(state.count + 1, state.seed)

    return init, update


SPEC = SolverSpec(
    name="random_search", title="Random search",
    rule_latex=(r"$x' = x + \sigma\,\xi,\quad \xi \sim \mathcal{N}(0, I)$" "\n"
                r"$\mathrm{keep}\ x' \ \mathrm{if}\ f(x') < f(x)$"),
    rule_lines=("x' = x + σ·ξ,  ξ ~ N(0, I)", "keep x' if f(x') < f(x)"),
    citation="Matyas, Random optimization (1965); CS231n notes, random local search",
    params={"lr": ParamSpec(0.1, 0.0, INF, log=True, label="step size", symbol="σ",
                            low_open=True, high_open=True, slider=(1e-4, 10.0)),
            "weight_decay": WEIGHT_DECAY},
    needs_loss=True,
    summary="Guesses a nearby point and keeps it only if the loss is lower; no gradients.")
