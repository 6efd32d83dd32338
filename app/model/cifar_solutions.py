"""Sharp vs flat on CIFAR-10: two solutions, the line between them, and each one's λmax.

    problem = load_problem(root)                       # app.model.cifar_curvature
    pair = sharp_vs_flat(problem, "reg")               # λ = 0 against λ = 5000
    pair.curves["softmax + L2 λ=5000"], pair.train_accuracy, pair.lmax

A solution is one run of the full-dimensional race (app.model.cifar_race.CifarRace:
the same W_init, minibatch stream and solvers as the training race) on the
problem's training images; an SGD run there is train_linear's run. Each pair
changes one thing from the problem's own settings (SGD, batch 200, lr 4e-7,
1,500 steps: the slice builder's W*):

    batch    SGD on minibatches of 32 against 256
    loss     the multiclass SVM against softmax (same regularizer)
    reg      λ = 0 against the problem's λ (5000 when that is 0)
    solver   Adam (lr 1e-5) against SGD

The line is W(t) = (1 − t)·W_a + t·W_b for t in [−0.5, 1.5]; along it the
full-batch loss of each solution's objective (two curves when they differ)
and the train and validation accuracy are exact: the scores X·W_a and
X·(W_b − W_a) are computed once, then each t costs O(N·K). λmax is that of the
objective each solution was trained on (app.model.cifar_curvature.top_eigenvalues).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from landscapes.cifar.build import DEFAULT_STRENGTH, TRAINING
from landscapes.cifar.errors import check_cancel
from landscapes.cifar.linear import data_loss_and_dscores, reg_loss_and_grad
from landscapes.cifar.slice import plane_scores

from .cifar_curvature import Array, Cancel, CurvatureProblem, Progress, top_eigenvalues
from .cifar_race import CifarRace, RunSettings, race_data

T_RANGE = (-0.5, 1.5)
CHUNK_STEPS = 50    # race steps between cancel checks and progress reports
PAIRS = {"batch": "small vs large batch (SGD, 32 vs 256)", "loss": "SVM vs softmax",
         "reg": "λ = 0 vs λ > 0", "solver": "Adam vs SGD"}


@dataclass(frozen=True)
class Recipe:
    """How one solution is trained: its objective and one race run."""

    label: str
    loss: str
    reg: str
    strength: float
    solver: str = "sgd"
    hyper: Mapping[str, Any] = field(default_factory=lambda: {"lr": TRAINING["lr"]})
    batch_size: int | None = int(TRAINING["batch_size"])
    steps: int = int(TRAINING["steps"])

    @property
    def training(self) -> tuple[Any, ...]:
        """Everything that decides the trained W (not the label): equal tuples, equal W."""
        return (self.loss, self.reg, self.strength, self.solver, tuple(sorted(self.hyper.items())),
                self.batch_size, self.steps)

    @property
    def objective(self) -> str:
        return f"{self.loss} + {self.reg.upper()} λ={self.strength:g}"


def sgd_recipe(problem: CurvatureProblem, label: str = "SGD") -> Recipe:
    """The slice builder's W*: SGD, batch 200, lr 4e-7, 1,500 steps on the problem's objective."""
    return Recipe(label, problem.loss, problem.reg, problem.strength)


def pair_recipes(problem: CurvatureProblem, kind: str) -> tuple[Recipe, Recipe]:
    """The two recipes of a pair (see the module docstring); ValueError for an unknown kind."""
    p = problem
    if kind == "batch":
        return (Recipe("SGD batch 32", p.loss, p.reg, p.strength, batch_size=32),
                Recipe("SGD batch 256", p.loss, p.reg, p.strength, batch_size=256))
    if kind == "loss":
        return (Recipe("SVM", "svm", p.reg, p.strength), Recipe("softmax", "softmax", p.reg, p.strength))
    if kind == "reg":
        strength = p.strength or DEFAULT_STRENGTH[p.reg]
        return (Recipe("λ = 0", p.loss, p.reg, 0.0), Recipe(f"λ = {strength:g}", p.loss, p.reg, strength))
    if kind == "solver":
        return (Recipe("Adam", p.loss, p.reg, p.strength, solver="adam", hyper={"lr": 1e-5}),
                sgd_recipe(p))
    raise ValueError(f"unknown pair {kind!r}; choose one of {', '.join(PAIRS)}")


def make_solution(problem: CurvatureProblem, recipe: Recipe, seed: int = 0, progress: Progress | None = None,
                  cancel: Cancel | None = None) -> Array:
    """W after ``recipe.steps`` steps of a one-run race on the problem's training images."""
    data = race_data(problem.x, problem.y, mean=problem.mean)
    race = CifarRace(data, [RunSettings(recipe.solver, dict(recipe.hyper), batch_size=recipe.batch_size)],
                     loss=recipe.loss, reg=recipe.reg, strength=recipe.strength, seed=seed,
                     eval_every=recipe.steps + 1)
    while race.t < recipe.steps:
        check_cancel(cancel, f"training {recipe.label}")
        race.step(min(CHUNK_STEPS, recipe.steps - race.t))
        if progress is not None:
            progress(race.t / recipe.steps, f"training {recipe.label}: step {race.t}/{recipe.steps}")
    run = race.runs[0]
    if run.diverged:
        raise ValueError(f"{recipe.label} diverged at step {run.diverged_at}")
    W: Array = run.W.copy()
    return W


@dataclass(frozen=True)
class Line:
    """Values along W(t) = (1 − t)·W_a + t·W_b: ``curves`` objective label -> full-batch loss (T,),
    ``train_accuracy`` and ``val_accuracy`` (T,) at ``ts``."""

    ts: Array
    curves: dict[str, Array]
    train_accuracy: Array
    val_accuracy: Array


def _objective_curve(Sa: Array, Sd: Array, y: Array, ts: Array, loss: str, reg: str, strength: float,
                     W_a: Array, D: Array) -> Array:
    out = np.empty(len(ts))
    with np.errstate(over="ignore", invalid="ignore"):
        for i, t in enumerate(ts):
            data = data_loss_and_dscores(Sa + t * Sd, y, loss)[0]
            out[i] = data + reg_loss_and_grad(W_a + t * D, reg, strength)[0]
    return out


def _accuracy(Sa: Array, Sd: Array, y: Array, ts: Array) -> Array:
    if len(y) == 0:
        return np.full(len(ts), np.nan)
    return np.array([np.mean(np.argmax(Sa + t * Sd, axis=1) == y) for t in ts])


def line_between(problem: CurvatureProblem, W_a: Array, W_b: Array, recipes: tuple[Recipe, ...] = (),
                 ts: Array | None = None) -> Line:
    """The exact loss (each recipe's objective, else the problem's) and accuracies along the line."""
    ts = np.linspace(*T_RANGE, 41) if ts is None else np.asarray(ts, dtype=np.float64)
    W_a, W_b = np.asarray(W_a, dtype=np.float64), np.asarray(W_b, dtype=np.float64)
    D = W_b - W_a
    Sa, Sd = plane_scores(problem.x, problem.mean, [W_a, D])
    y = np.asarray(problem.y)
    objectives = {r.objective: (r.loss, r.reg, r.strength) for r in recipes} or \
        {problem.label: (problem.loss, problem.reg, problem.strength)}
    curves = {label: _objective_curve(Sa, Sd, y, ts, *obj, W_a, D) for label, obj in objectives.items()}
    if len(problem.x_val):
        Va, Vd = plane_scores(problem.x_val, problem.mean, [W_a, D])
    else:
        Va = Vd = np.empty((0, W_a.shape[1]))
    return Line(ts, curves, _accuracy(Sa, Sd, y, ts), _accuracy(Va, Vd, np.asarray(problem.y_val), ts))


@dataclass(frozen=True)
class SharpFlat:
    """A pair of solutions (``weights``), how they were made (``recipes``), each one's λmax
    under its own objective (``lmax``) and the ``line`` between them."""

    kind: str
    recipes: tuple[Recipe, Recipe]
    weights: tuple[Array, Array]
    lmax: tuple[float, float]
    line: Line


def _stage(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    if progress is None:
        return None
    outer = progress

    def staged(fraction: float, message: str = "") -> object:
        return outer(lo + (hi - lo) * float(fraction), message)

    return staged


def sharp_vs_flat(problem: CurvatureProblem, kind: str, seed: int = 0, ts: Array | None = None,
                  progress: Progress | None = None, cancel: Cancel | None = None,
                  trained: Callable[[Recipe], Array | None] | None = None) -> SharpFlat:
    """Train both solutions of pair ``kind`` (0–70%), their λmax (70–90%) and the line (90–100%).

    ``trained(recipe)`` may return an already trained W (a cache), else None.
    """
    recipes = pair_recipes(problem, kind)
    weights, lmax = [], []
    for i, r in enumerate(recipes):
        W = trained(r) if trained is not None else None
        if W is None:
            W = make_solution(problem, r, seed, _stage(progress, 0.35 * i, 0.35 * (i + 1)), cancel)
        weights.append(W)
    for i, (r, W) in enumerate(zip(recipes, weights, strict=True)):
        own = problem.with_objective(r.loss, r.reg, r.strength)
        values, _ = top_eigenvalues(own, W, k=1, seed=seed, progress=_stage(progress, 0.7 + 0.1 * i, 0.8 + 0.1 * i),
                                    cancel=cancel)
        lmax.append(float(values[0]))
    check_cancel(cancel, "the line between the solutions")
    if progress is not None:
        progress(0.9, "the loss along the line between the solutions")
    line = line_between(problem, weights[0], weights[1], recipes, ts)
    if progress is not None:
        progress(1.0, "sharp vs flat ready")
    return SharpFlat(kind, recipes, (weights[0], weights[1]), (lmax[0], lmax[1]), line)
