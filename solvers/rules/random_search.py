"""Random search: the gradient-free baseline of the lecture.

    ξ ~ N(0, I)                      (a fresh draw per step)
    x' = x + σ ξ,   σ = η · schedule(t)
    keep x' if F(x') < F(x), else stay at x
    F(x) = f(x) + (λ/2)‖x‖²          (λ = weight_decay, the loss torch's
                                      coupled weight decay differentiates)

σ (the ``lr`` hyper-parameter) is the step size in the plane's own units: the
proposal moves by about σ·√2 on average (σ·√P in P dimensions; ξ has as many
components as the points). It never looks at a gradient — the
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

Suggested σ: a length in the plane, so a fiftieth of the view's width (the
default 0.1 is tiny on a CIFAR slice and huge on a unit bowl).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..base import ParamSpec, SolverSpec
from ..teaching import Breakdown, FloatArray, RuleLine, StepView, Term
from ._common import INF, WEIGHT_DECAY, view_width_lr


class RandomSearchState(NamedTuple):
    count: int  # type: ignore[assignment]  # steps taken, picks the next draw (optax's name; shadows tuple.count)
    seed: int   # fixed at init: same seed, same proposals


def draw(state: RandomSearchState, dim: int = 2) -> FloatArray:
    """ξ (dim,) of the step taken from ``state``: one N(0, I) draw from the stream (seed, count)."""
    return np.random.default_rng([state.seed, state.count]).standard_normal(dim)


def objective(loss_fn: Callable[[FloatArray], Any], p: FloatArray, weight_decay: float) -> FloatArray:
    """F(p) = f(p) + (λ/2)‖p‖², what the search compares."""
    value = np.asarray(loss_fn(p), dtype=np.float64)
    if weight_decay != 0.0:
        value = value + 0.5 * weight_decay * np.sum(p * p, axis=-1)
    return value


def build(hyper: dict[str, Any]) -> tuple[Any, Any]:
    """init/update for random local search with step size lr (σ) and weight_decay (λ)."""
    sigma = hyper["lr"]
    wd = hyper["weight_decay"]

    def init(params: FloatArray, seed: int = 0) -> RandomSearchState:
        if isinstance(seed, bool) or int(seed) != seed or seed < 0:
            raise ValueError(f"random_search seed must be a whole number >= 0, got {seed!r}")
        return RandomSearchState(0, int(seed))

    def update(grad: Any, state: RandomSearchState, params: FloatArray, *,
               loss_fn: Callable[[FloatArray], Any] | None = None, hessian: Any = None,
               lr_scale: float = 1.0) -> tuple[FloatArray, RandomSearchState]:
        # grad is ignored on purpose: this solver only compares loss values
        if loss_fn is None:
            raise ValueError("random_search needs loss_fn (points -> loss values); it takes no gradient")
        x = np.asarray(params, dtype=np.float64)
        proposal = x + (sigma * lr_scale) * draw(state, x.shape[-1])
        # one batched call for the current points and the proposals
        both = objective(loss_fn, np.stack([x, proposal]), wd)
        with np.errstate(invalid="ignore"):
            accept = both[1] < both[0]  # NaN/inf proposals compare False: rejected
        updates = np.where(accept[..., None], proposal - x, 0.0)
        return updates, RandomSearchState(state.count + 1, state.seed)

    return init, update


def explain(view: StepView) -> Breakdown:
    """ξ, the proposal x' = x + σ_t ξ, and (given the loss) both losses and the verdict."""
    xi = draw(view.before, len(view.x))
    proposal = view.x + view.lr * xi
    terms = (Term("xi", r"\xi", "ξ", xi), Term("proposal", "x'", "x'", proposal))
    if view.loss_fn is None:
        return Breakdown(terms)
    with np.errstate(all="ignore"):
        f_x, f_p = (float(v) for v in objective(view.loss_fn, np.stack([view.x, proposal]), view.weight_decay))
    verdict = "kept x': the loss fell" if f_p < f_x else "x' rejected: the loss did not fall, x stays"
    return Breakdown(terms + (Term("f_x", "f(x)", "f(x)", f_x), Term("f_proposal", "f(x')", "f(x')", f_p)),
                     note=verdict)


SPEC = SolverSpec(
    name="random_search", title="Random search",
    rule=(RuleLine(r"$f(x) \leftarrow f(x) + \frac{\lambda}{2}\,\|x\|^2$", "f(x) ← f(x) + (λ/2)‖x‖²",
                   decay_only=True),
          RuleLine(r"$x' = x + \sigma\,\xi,\quad \xi \sim \mathcal{N}(0, I)$", "x' = x + σ·ξ,  ξ ~ N(0, I)"),
          RuleLine(r"$\mathrm{keep}\ x' \ \mathrm{if}\ f(x') < f(x)$", "keep x' if f(x') < f(x)")),
    citation="Matyas, Random optimization (1965); CS231n notes, random local search",
    params={"lr": ParamSpec(0.1, 0.0, INF, log=True, label="step size", symbol="σ",
                            low_open=True, high_open=True, slider=(1e-4, 10.0)),
            "weight_decay": WEIGHT_DECAY},
    build=build, needs_loss=True, scalar_only=frozenset({"weight_decay"}), explain_step=explain, suggest_hyper=view_width_lr(0.02),
    summary="Guesses a nearby point and keeps it only if the loss is lower; no gradients.")
