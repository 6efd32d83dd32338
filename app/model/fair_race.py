"""A fair race: every run's solver tuned on the same surface under the same stated budget.

Optimizer pictures are rarely fair: one solver gets a hand-picked lr, another
its default. ``tune_all`` gives every enabled run the same budget (a
scene.TuneBudget: the number of trials, the steps of each, the seeds, the
objective) on the scene's surface, each from its own start, and keeps the best
setting per run; ``fine_print`` says all of it in one sentence for the
caption, so an exported figure carries its own fine print, and ``apply``
writes the tuned values and the budget into the scene, from which a re-run
gives the same values.

The search space is a fixed grid, so the result follows from the scene alone:

- lr on a log grid of ``n`` values from lr₀·10^-1.5 to lr₀·10^+1.5 (lr₀ the
  solver's suggested lr at the run's start, app.model.suggest; one value: lr₀);
- for a solver with a second main hyper-parameter (SECOND below: momentum's
  μ, RMSprop's α, Adam's β₂) each of its 4 listed values with
  n = trials / 4 learning rates (lr fastest); otherwise n = trials.

The run's other settings (β₁, eps, weight decay, noise, schedule, batch size)
stay as they are. A trial with seed s steps like run i of a race with scene
seed s (race.run_seed(s, i)); its score is the objective averaged over the
seeds, +inf if any seed diverged. A run without noise or minibatches is the
same for every seed, so it is stepped once. Ties go to the first setting of
the grid. No Qt here.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

import solvers
from landscapes import Landscape
from solvers.naming import did_you_mean, short_repr

from .build import build_landscape, make_schedule, start_of
from .landscape_kinds import Cancel, Progress
from .lifted import plane_of, stepper_target
from .limits import (
    MAX_SEED,
    MAX_STEPS,
    MAX_TRIALS,
    MAX_TUNE_SEEDS,
    MAX_TUNE_STEPS,
    TUNE_OBJECTIVES,
    TUNE_SECOND_VALUES,
)
from .scene import RunSpec, Scene, TuneBudget
from .seeds import run_seed
from .suggest import suggest_hyper

LR_DECADES = 1.5   # the lr grid spans lr₀·10^±1.5: wide enough to reach divergence on either side

# solver -> (the searched name, its symbol, its values); "beta2" is the second entry of "betas"
SECOND: dict[str, tuple[str, str, tuple[float, ...]]] = {
    "momentum": ("momentum", "μ", (0.5, 0.8, 0.9, 0.95)),
    "nesterov": ("momentum", "μ", (0.5, 0.8, 0.9, 0.95)),
    "rmsprop": ("alpha", "α", (0.9, 0.95, 0.99, 0.999)),
    "adam": ("beta2", "β₂", (0.9, 0.99, 0.999, 0.9999)),
    "adamw": ("beta2", "β₂", (0.9, 0.99, 0.999, 0.9999)),
}
assert all(len(values) == TUNE_SECOND_VALUES for _, _, values in SECOND.values())

OBJECTIVE_TEXT = {
    "final_loss": "final loss",
    "auc": "area under the loss curve (mean loss over the steps)",
    "distance_to_minimum": "final distance to the nearest minimum",
}


class TuneCancelled(Exception):
    """Raised by tune_all when cancel() became True."""


@dataclass(frozen=True)
class Trial:
    """One setting tried: the searched values (e.g. {"lr": 0.01, "momentum": 0.9}) and its score."""

    values: dict[str, float]
    score: float


@dataclass(frozen=True)
class TunedRun:
    """The outcome for run ``index`` of the scene: its best setting and every trial, in grid order."""

    index: int
    label: str
    solver: str
    hyper: dict[str, Any]      # the run's full hyper-parameters with the best values in
    best: dict[str, float]     # the searched values of the best trial
    score: float               # its objective (inf: every trial diverged)
    trials: tuple[Trial, ...]


@dataclass(frozen=True)
class TuneResult:
    budget: TuneBudget
    runs: tuple[TunedRun, ...]
    start: tuple[float, float] | None   # the start every run shared, or None if they differ


# --------------------------------------------------------------------------- checks
def check_budget(budget: TuneBudget) -> TuneBudget:
    """The budget itself, or ValueError in one line (a budget built in code is not validated)."""
    if budget.objective not in TUNE_OBJECTIVES:
        raise ValueError(f"unknown objective {budget.objective!r}{did_you_mean(str(budget.objective), TUNE_OBJECTIVES)};"
                         f" known: {', '.join(TUNE_OBJECTIVES)}")
    _whole("trials", budget.trials, TUNE_SECOND_VALUES, MAX_TRIALS)
    if budget.trials % TUNE_SECOND_VALUES:
        raise ValueError(f"trials must be a multiple of {TUNE_SECOND_VALUES} (each value of a second "
                         f"hyper-parameter gets the same learning rates), got {budget.trials}")
    _whole("steps", budget.steps, 1, MAX_STEPS)
    seeds = budget.seeds
    if not isinstance(seeds, (tuple, list)) or not 1 <= len(seeds) <= MAX_TUNE_SEEDS:
        raise ValueError(f"seeds must be 1 to {MAX_TUNE_SEEDS} distinct seeds, got {short_repr(seeds)}")
    for s in seeds:
        _whole("a seed", s, 0, MAX_SEED)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be 1 to {MAX_TUNE_SEEDS} distinct seeds, got {short_repr(seeds)}")
    return budget


def _whole(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number in {low}..{high}, got {short_repr(value)}")


# --------------------------------------------------------------------------- the grid
def search_space(solver: str, lr0: float, trials: int) -> list[dict[str, float]]:
    """The settings ``solver`` tries, in grid order (see the module docstring)."""
    second = SECOND.get(solver)
    n = trials // TUNE_SECOND_VALUES if second else trials
    exponents = np.linspace(-LR_DECADES, LR_DECADES, n) if n > 1 else np.zeros(1)
    lrs = [float(lr0 * 10.0 ** e) for e in exponents]
    if second is None:
        return [{"lr": lr} for lr in lrs]
    name, _, values = second
    return [{"lr": lr, name: v} for v in values for lr in lrs]


def hyper_with(base: dict[str, Any], solver: str, values: dict[str, float]) -> dict[str, Any]:
    """``base`` hyper-parameters with the searched ``values`` put in (β₂ goes into betas)."""
    hyper = dict(base)
    for name, v in values.items():
        if name == "beta2":
            beta1 = hyper.get("betas", solvers.spec(solver).params["betas"].default)[0]
            hyper["betas"] = (float(beta1), v)
        else:
            hyper[name] = v
    return hyper


# --------------------------------------------------------------------------- scoring
def score(traj: solvers.Trajectory, objective: str, landscape: Landscape) -> float:
    """One trajectory's objective; +inf if it diverged."""
    if bool(np.asarray(traj.diverged).any()):
        return math.inf
    if objective == "final_loss":
        return float(traj.losses[-1])
    if objective == "auc":
        return float(np.mean(traj.losses))
    final = np.asarray(traj.points[-1], dtype=np.float64)
    plane = plane_of(landscape)
    if plane is not None:
        final = np.asarray(plane.project(final), dtype=np.float64)
    return float(min(np.hypot(*(final - np.asarray(m))) for m in landscape.minima))


def _seeded(spec: RunSpec) -> bool:
    """Whether the run's path depends on its seed (noise, minibatches, a gradient-free solver)."""
    return spec.noise > 0 or spec.batch_size is not None or solvers.spec(spec.solver).needs_loss


def _trial_score(spec: RunSpec, hyper: dict[str, Any], index: int, budget: TuneBudget,
                 landscape: Landscape) -> float:
    opt = solvers.make(spec.solver, **hyper)
    f, start = stepper_target(landscape, start_of(spec, landscape))
    seeds = budget.seeds if _seeded(spec) else budget.seeds[:1]
    total = 0.0
    for s in seeds:
        traj = solvers.run(opt, f, start, steps=budget.steps, noise=float(spec.noise),
                           seed=run_seed(s, index), schedule=make_schedule(spec.schedule),
                           batch_size=spec.batch_size)
        total += score(traj, budget.objective, landscape)
    return total / len(seeds)


# --------------------------------------------------------------------------- tuning
def tune_all(scene: Scene, budget: TuneBudget | None = None, *, landscape: Landscape | None = None,
             progress: Progress | None = None, cancel: Cancel | None = None) -> TuneResult:
    """Tune every enabled run of ``scene`` under ``budget`` (default: the scene's ``tuning``).

    progress(fraction, message) is told after every trial and cancel() -> True
    is polled before each (raises TuneCancelled). Bad input is one ValueError line.
    """
    budget = budget if budget is not None else scene.tuning
    if budget is None:
        raise ValueError("no tuning budget: pass one or set the scene's tuning")
    check_budget(budget)
    if scene.landscape.name == "cifar_training":
        raise ValueError("a fair race tunes runs on a surface; cifar_training trains the full network")
    runs = [(i, spec) for i, spec in enumerate(scene.runs) if spec.enabled]
    if not runs:
        raise ValueError("no runs to tune: add an enabled run")
    work = len(runs) * budget.trials * len(budget.seeds) * budget.steps
    if work > MAX_TUNE_STEPS:
        raise ValueError(f"{work:,} steps of tuning (runs × trials × seeds × steps) is over the limit "
                         f"of {MAX_TUNE_STEPS:,}: ask for fewer")
    f = landscape if landscape is not None else build_landscape(scene.landscape)
    if budget.objective == "distance_to_minimum" and not f.minima:
        raise ValueError(f"objective distance_to_minimum needs the surface's known minima; {f.name} lists none")
    plans = []
    for i, spec in runs:
        base = solvers.validate(spec.solver, **spec.hyper)   # unknown names and values: one line
        lr0 = float(suggest_hyper(spec.solver, f, start_of(spec, f)).get("lr", base.get("lr", 1.0)))
        plans.append((i, spec, base, search_space(spec.solver, lr0, budget.trials)))
    total, done = sum(len(grid) for *_, grid in plans), 0
    tuned = []
    for i, spec, base, grid in plans:
        label = spec.label or spec.solver
        trials = []
        for values in grid:
            if cancel is not None and cancel():
                raise TuneCancelled("tuning cancelled")
            trials.append(Trial(values, _trial_score(spec, hyper_with(base, spec.solver, values), i, budget, f)))
            done += 1
            if progress is not None:
                progress(done / total, f"tuning {label}: trial {len(trials)} of {len(grid)}")
        best = trials[int(np.argmin([t.score for t in trials]))]
        tuned.append(TunedRun(i, label, spec.solver, hyper_with(spec.hyper, spec.solver, best.values),
                              best.values, best.score, tuple(trials)))
    starts = {start_of(spec, f) for _, spec in runs}
    return TuneResult(budget, tuple(tuned), starts.pop() if len(starts) == 1 else None)


# --------------------------------------------------------------------------- the caption
FINE_PRINT_START = "Tuned fairly:"


def _values_text(run: TunedRun, repeated: bool) -> str:
    # the solver's name, as the settings follow it; its label only to tell two runs of it apart
    # (a label may quote the settings from before the tuning, e.g. "gd, lr 0.1")
    who = f"{run.solver} ({run.label})" if repeated else run.solver
    if math.isinf(run.score):
        return f"{who} diverged in every trial"
    parts = [f"lr {run.best['lr']:.1e}"]
    second = SECOND.get(run.solver)
    if second is not None:
        name, symbol, _ = second
        parts.append(f"{symbol} {run.best[name]:g}")
    return f"{who} " + " ".join(parts)


def fine_print(result: TuneResult) -> str:
    """One caption sentence: the budget, the objective and the tuned values of every run."""
    b = result.budget
    where = ("on the same start ({:g}, {:g})".format(*result.start) if result.start is not None
             else "each from its own start")
    seeds = ", ".join(str(s) for s in b.seeds)
    over = f"mean over seeds {seeds}" if len(b.seeds) > 1 else f"seed {seeds}"
    solver_names = [r.solver for r in result.runs]
    values = ", ".join(_values_text(r, solver_names.count(r.solver) > 1) for r in result.runs)
    return (f"{FINE_PRINT_START} each solver got {b.trials} trials of {b.steps} steps {where} "
            f"(lr on a log grid around its suggested lr), objective: {OBJECTIVE_TEXT[b.objective]}, "
            f"{over}; {values}.")


def apply(scene: Scene, result: TuneResult) -> Scene:
    """A copy of ``scene`` with the tuned hyper-parameters, the budget in ``tuning`` and the fine
    print ending the caption (replacing an earlier one, so tuning twice does not repeat it)."""
    out = copy.deepcopy(scene)
    for run in result.runs:
        out.runs[run.index].hyper = copy.deepcopy(run.hyper)
    caption = out.caption.rpartition(FINE_PRINT_START)[0].rstrip() if FINE_PRINT_START in out.caption \
        else out.caption.rstrip()
    out.caption = f"{caption} {fine_print(result)}" if caption else fine_print(result)
    out.tuning = copy.deepcopy(result.budget)
    return out

