"""A fair race on every kind of surface: a typed formula and the toy classifier's weight plane (every
trial steps all nine parameters) here, a CIFAR-10 slice with minibatches in tests/cifar; each against
a brute-force grid written out again here and stepped with solvers.run on the surface's parameters.
(Analytic surfaces: tests/model/test_fair_race.py.)"""
from __future__ import annotations

import math

import numpy as np
import pytest

import solvers
from app.model import fair_race
from app.model.build import build_landscape
from app.model.race import run_seed
from app.model.scene import LandscapeSpec, RunSpec, Scene, TuneBudget
from app.model.suggest import suggest_hyper

MOMENTA = (0.5, 0.8, 0.9, 0.95)     # the documented second values of momentum


def brute_force(f, objective_of, theta0, spec: RunSpec, start, index, budget: TuneBudget):
    """(best lr, best μ or None, best score, all scores) over the documented grid."""
    lr0 = suggest_hyper(spec.solver, f, start)["lr"]
    with_mu = spec.solver == "momentum"
    n = budget.trials // 4 if with_mu else budget.trials
    grid = [(lr, mu) for mu in (MOMENTA if with_mu else (None,)) for lr in lr0 * np.logspace(-1.5, 1.5, n)]
    seeds = budget.seeds if spec.batch_size is not None or spec.noise > 0 else budget.seeds[:1]
    scores = []
    for lr, mu in grid:
        hyper = {"lr": lr} if mu is None else {"lr": lr, "momentum": mu}
        total = 0.0
        for s in seeds:
            traj = solvers.run(solvers.make(spec.solver, **hyper), objective_of, theta0, steps=budget.steps,
                               seed=run_seed(s, index), batch_size=spec.batch_size, noise=spec.noise)
            total += math.inf if traj.diverged else float(traj.losses[-1])
        scores.append(total / len(seeds))
    k = int(np.argmin(scores))
    return grid[k][0], grid[k][1], scores[k], scores


def check(scene: Scene, f, objective_of, lift, budget: TuneBudget) -> None:
    result = fair_race.tune_all(scene, budget, landscape=f)
    for (i, spec), run in zip(enumerate(scene.runs), result.runs, strict=True):
        start = spec.start if spec.start is not None else f.default_start
        lr, mu, best, scores = brute_force(f, objective_of, lift(start), spec, start, i, budget)
        assert len({s for s in scores if math.isfinite(s)}) > 2        # the grid really separates settings
        assert [t.score for t in run.trials] == pytest.approx(scores, rel=1e-10)
        assert run.score == pytest.approx(best, rel=1e-10)
        assert run.hyper["lr"] == pytest.approx(lr, rel=1e-12)
        if mu is not None:
            assert run.hyper["momentum"] == mu


def test_a_typed_formula():
    scene = Scene(landscape=LandscapeSpec(name="expression", expression="x^2 + 3*y^2 + x*y + sin(3*x)"),
                  runs=[RunSpec(solver="gd", start=(1.5, -1.0)), RunSpec(solver="momentum", start=(1.5, -1.0))])
    f = build_landscape(scene.landscape)
    check(scene, f, f, np.asarray, TuneBudget(trials=12, steps=60))


def test_the_toy_classifiers_plane_steps_all_nine_parameters():
    scene = Scene(landscape=LandscapeSpec(name="toy_classifier", params={"loss": "softmax"}),
                  runs=[RunSpec(solver="gd", start=(1.0, 2.0)), RunSpec(solver="momentum", start=(1.0, 2.0))])
    f = build_landscape(scene.landscape)
    assert f.lift(np.array([1.0, 2.0])).shape == (9,)
    check(scene, f, f.objective, lambda p: f.lift(np.asarray(p, dtype=np.float64)), TuneBudget(trials=8, steps=40))
