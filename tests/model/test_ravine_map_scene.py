"""Scene 20, the ravine's (lr, momentum) map: every number of its caption, checked.

The curvatures come from numpy's eigvalsh of the ravine's Hessian, heavy-ball
theory's optimum from its closed form, the stability edge from Jury's test on
the heavy ball's characteristic polynomial, and the runs' steps to the tolerance
from solvers.run (not from the race that plays them).
"""
from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pytest

import solvers
from app.model.build import build_landscape
from app.model.edits import RaceEdits
from app.model.phase_map import phase_map
from app.model.presets import builtin_scene_names, load_builtin
from app.model.race import Race
from app.model.scene_map import map_arguments

TOL = 1e-6


@pytest.fixture(scope="module")
def scene():
    return load_builtin("ravine_map")


@pytest.fixture(scope="module")
def surface(scene):
    return build_landscape(scene.landscape)


@pytest.fixture(scope="module")
def pm(scene, surface):
    return phase_map(**map_arguments(scene, surface))


@pytest.fixture(scope="module")
def curvatures(surface):
    """(λmin, λmax) of the Hessian at the start, by numpy."""
    lam = np.linalg.eigvalsh(surface.hessian(np.array(surface.default_start)))
    return float(lam[0]), float(lam[-1])


def steps_to_tol(solver: str, hyper: dict, f, steps: int = 300) -> int | None:
    """The first step whose loss is below TOL, by a plain run (None: never)."""
    traj = solvers.run(solvers.make(solver, **hyper), f, f.default_start, steps=steps)
    below = np.flatnonzero(np.asarray(traj.losses) < TOL)
    return int(below[0]) if below.size else None


def test_scene_20_is_the_ravine_map_with_a_64_by_64_lr_by_momentum_map(scene, curvatures):
    assert builtin_scene_names().index("ravine_map") == builtin_scene_names().index("fair_race") - 1
    assert scene.landscape.name == "ravine" and scene.landscape.params == {"condition": 50.0}
    lam_min, lam_max = curvatures
    assert (lam_min, lam_max) == pytest.approx((2.0, 100.0), rel=1e-12)
    assert "f = x² + 50·y² (Hessian eigenvalues λmin = 2 and λmax = 100, κ = 50)" in scene.caption
    spec = scene.phase_map
    assert spec is not None and spec.run == 1 and spec.outcome == "final_gap" and spec.steps == 300
    assert (spec.x.name, spec.x.log, spec.x.cells) == ("lr", True, 64)
    # under two decades of lr (0.002 .. 0.08): the axis gets 1-2-5 ticks (0.005, 0.01, 0.02, 0.05), not one decade
    assert (spec.x.low, spec.x.high) == (0.002, 0.08)
    assert (spec.y.name, spec.y.log, spec.y.cells) == ("momentum", False, 64)
    assert (spec.y.low, spec.y.high) == (0.0, 0.99)
    assert "each of the 64 × 64 cells is a heavy-ball run of 300 steps from (−2.5, 0.6)" in scene.caption
    # the map is of the μ 0.9 run (the ring); the theory run has the same solver, start and other settings
    mapped, theory = scene.runs[spec.run], scene.runs[0]
    assert mapped.hyper == {"lr": 0.01, "momentum": 0.9} and "the ring is the run with the common μ 0.9" in scene.caption
    assert mapped.solver == theory.solver == "momentum" and mapped.start == theory.start is None
    assert (mapped.noise, mapped.schedule, mapped.batch_size) == (theory.noise, theory.schedule, theory.batch_size)
    assert tuple(build_landscape(scene.landscape).default_start) == (-2.5, 0.6)


def test_the_diamond_is_heavy_ball_theory_from_the_hessians_eigenvalues(scene, pm, curvatures):
    lam_min, lam_max = curvatures
    kappa = lam_max / lam_min
    lr_star = 4.0 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2
    mu_star = ((math.sqrt(kappa) - 1.0) / (math.sqrt(kappa) + 1.0)) ** 2
    assert pm.theory == pytest.approx((lr_star, mu_star), rel=1e-12)
    assert f"lr* = 4/(√λmax + √λmin)² = {lr_star:.3g}" in scene.caption
    assert f"μ* = ((√κ − 1)/(√κ + 1))² = {mu_star:.3g}" in scene.caption


def test_the_best_cell_is_one_grid_step_beside_theory(scene, pm):
    assert pm.best is not None
    i, j = pm.best
    lr_star, mu_star = pm.theory
    lrs, mus = pm.x.values, pm.y.values
    # grid steps: a factor of lrs[1]/lrs[0] in lr (a log axis), mus[1] − mus[0] in μ
    lr_steps = abs(math.log(lrs[j] / lr_star)) / math.log(lrs[1] / lrs[0])
    mu_steps = abs(mus[i] - mu_star) / (mus[1] - mus[0])
    assert lr_steps <= 1.0 and mu_steps <= 1.0          # "one grid step beside it" (and so within two)
    assert not pm.diverged[i, j]
    ok = ~pm.diverged & np.isfinite(pm.values)
    assert pm.values[i, j] == pm.values[ok].min()       # independently: no cell ends lower
    assert pm.f_star_known and pm.f_star == 0.0
    assert f"the best cell (the star: lr {lrs[j]:.3g}, μ {mus[i]:.3g}, final loss {pm.values[i, j]:.0e})" \
        in scene.caption


def test_the_dashed_edge_is_two_one_plus_mu_over_lambda_max_and_bounds_the_diverged_cells(scene, pm, curvatures):
    _lam_min, lam_max = curvatures
    mus, lrs = pm.y.values, pm.x.values
    np.testing.assert_allclose(pm.lr_bound, 2.0 * (1.0 + mus) / lam_max, rtol=1e-12)
    assert pm.lr_limit is None and pm.bound_text == "2(1+μ)/λmax"
    assert f"from {pm.lr_bound[0]:.2g} at μ = 0 to {pm.lr_bound[-1]:.2g} at μ = 0.99" in scene.caption
    assert mus[0] == 0.0 and mus[-1] == 0.99
    below = lrs[None, :] < 0.97 * pm.lr_bound[:, None]
    past = lrs[None, :] > 1.05 * pm.lr_bound[:, None]
    assert below.any() and past.any()
    assert not pm.diverged[below].any()                 # left of the edge nothing blows up
    start_loss = 2.5 ** 2 + 50 * 0.6 ** 2
    blown = pm.diverged | (pm.final_gap > start_loss)
    assert blown[past].all()                            # past it every run blows up
    assert pm.diverged[past].mean() > 0.9               # almost all of them to a cross (dark grey)


def test_the_runs_are_theory_rounded_mu_0_9_and_gd_at_its_best_lr(scene, pm, curvatures):
    lam_min, lam_max = curvatures
    theory, common, gd = scene.runs
    lr_star, mu_star = pm.theory
    assert theory.solver == "momentum" and theory.hyper == {"lr": round(lr_star, 2), "momentum": round(mu_star, 2)}
    assert common.solver == "momentum" and common.hyper == {"lr": 0.01, "momentum": 0.9}
    assert gd.solver == "gd" and gd.hyper == {"lr": round(2.0 / (lam_min + lam_max), 4)}
    assert "rounded to lr 0.03 and μ 0.57" in scene.caption
    assert f"gradient descent at its best lr 2/(λmin + λmax) = {2.0 / (lam_min + lam_max):.3g}" in scene.caption


def test_theorys_run_reaches_the_tolerance_first(scene, surface):
    theory, common, gd = scene.runs
    steps = [steps_to_tol(r.solver, r.hyper, surface) for r in (theory, common, gd)]
    assert steps == [37, 147, 210]
    assert "brings the loss below 1e-6 in 37 steps; μ 0.9 (lr 0.01) needs 147" in scene.caption
    assert "= 0.0196 needs 210" in scene.caption
    # the race plays the same runs: none diverges, and theory's run ends lowest
    race = Race(scene)
    race.step(race.total_steps)
    assert all(t.diverged_at is None for t in race.runs)
    assert [int(np.argmax(np.asarray(t.losses) < TOL)) for t in race.runs] == steps
    assert race.runs[0].loss < min(t.loss for t in race.runs[1:])


def test_rounding_the_lr_up_past_lr_star_costs_steps(scene, pm, surface, curvatures):
    _lam_min, lam_max = curvatures
    lr_star, _mu_star = pm.theory
    mu = scene.runs[0].hyper["momentum"]
    assert 0.031 > lr_star
    assert steps_to_tol("momentum", {"lr": 0.031, "momentum": mu}, surface) == 86
    # why: past (1 + √μ)²/λmax the steep direction's roots of z² − (1 + μ − ηλmax)z + μ turn real,
    # and the larger one is slower than the √μ of the complex pair
    roots = np.roots([1.0, -(1.0 + mu - 0.031 * lam_max), mu])
    assert np.isreal(roots).all() and np.abs(roots).max() > math.sqrt(mu)
    rounded = np.roots([1.0, -(1.0 + mu - 0.03 * lam_max), mu])
    assert np.abs(rounded) == pytest.approx([math.sqrt(mu)] * 2, rel=1e-9)
    assert "at lr 0.031, just past lr*, the same momentum needs 86 steps" in scene.caption


def test_the_scenes_map_is_one_undoable_edit_and_a_map_that_does_not_fit_changes_nothing(scene):
    edits = RaceEdits()
    race = Race(copy.deepcopy(scene))
    edits.use(race)
    kept = race.scene.phase_map
    with pytest.raises(ValueError) as e:
        edits.set_phase_map(dataclasses.replace(kept, run=5))
    assert str(e.value) == "phase_map.run: the scene has 3 run(s), so run 5 does not exist (0 is the first)"
    assert race.scene.phase_map == kept and not edits.history.can_undo
    wider = dataclasses.replace(kept, steps=500)
    edits.set_phase_map(wider)
    assert race.scene.phase_map == wider and race.scene.phase_map is not wider   # a copy: nothing shared
    edits.set_phase_map(None, "drop the phase map")
    assert race.scene.phase_map is None
    assert edits.undo() == "undid drop the phase map"
    assert race.scene.phase_map == wider
    assert edits.undo() == "undid keep the phase map with the scene"
    assert race.scene.phase_map == kept
    assert edits.redo() == "redid keep the phase map with the scene" and race.scene.phase_map == wider
