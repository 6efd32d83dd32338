"""The fair race: tune_all against an independent brute-force grid, the budget, the fine print."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

import solvers
from app.model import fair_race
from app.model.build import build_landscape
from app.model.race import run_seed
from app.model.scene import LandscapeSpec, RunSpec, Scene, TuneBudget
from app.model.scene_io import SceneError, load_scene, save_scene, scene_from_dict, validate_scene
from app.model.suggest import suggest_hyper

# The documented grid, written out again: lr₀·10^linspace(-1.5, 1.5, n), lr fastest, then the second values.
SECOND = {"momentum": ("momentum", (0.5, 0.8, 0.9, 0.95)), "rmsprop": ("alpha", (0.9, 0.95, 0.99, 0.999)),
          "adam": ("betas", (0.9, 0.99, 0.999, 0.9999))}


def scene_on(name, params=None, noise=0.0):
    runs = [RunSpec(solver="gd"), RunSpec(solver="momentum"), RunSpec(solver="adam", noise=noise),
            RunSpec(solver="rmsprop")]
    return Scene(landscape=LandscapeSpec(name=name, params=params or {}), runs=runs)


def brute_force(scene, trials, steps, seeds, objective):
    """Every grid setting of every run stepped with solvers.run, the best picked by a plain loop."""
    f = build_landscape(scene.landscape)
    best = []
    for i, spec in enumerate(scene.runs):
        start = spec.start or f.default_start
        lr0 = suggest_hyper(spec.solver, f, start)["lr"]
        name, values = SECOND.get(spec.solver, (None, (None,)))
        n = trials // 4 if name else trials
        settings = []
        for v in values:
            for lr in lr0 * np.logspace(-1.5, 1.5, n):
                hyper = {"lr": lr}
                if name == "betas":
                    hyper["betas"] = (0.9, v)
                elif name:
                    hyper[name] = v
                settings.append(hyper)
        scores = []
        for hyper in settings:
            per_seed = []
            for s in seeds:
                traj = solvers.run(solvers.make(spec.solver, **hyper), f, start, steps=steps,
                                   noise=spec.noise, seed=run_seed(s, i))
                if traj.diverged:
                    per_seed.append(math.inf)
                elif objective == "final_loss":
                    per_seed.append(traj.losses[-1])
                elif objective == "auc":
                    per_seed.append(sum(traj.losses) / len(traj.losses))
                else:
                    per_seed.append(min(math.dist(traj.points[-1], m) for m in f.minima))
            scores.append(sum(per_seed) / len(per_seed))
        k = 0
        for j, sc in enumerate(scores):
            if sc < scores[k]:
                k = j
        best.append((settings[k], scores[k], scores))
    return best


@pytest.mark.parametrize("name, params, objective, noise", [
    ("rosenbrock", {}, "final_loss", 0.3),
    ("rosenbrock", {}, "auc", 0.0),
    ("ravine", {"condition": 100.0}, "distance_to_minimum", 0.0),
    ("ravine", {"condition": 100.0}, "final_loss", 0.5),
])
def test_the_tuned_result_is_the_best_of_a_brute_force_grid(name, params, objective, noise):
    scene = scene_on(name, params, noise)
    budget = TuneBudget(trials=12, steps=120, seeds=(0, 1, 2), objective=objective)
    result = fair_race.tune_all(scene, budget)
    expected = brute_force(scene, 12, 120, (0, 1, 2), objective)
    for run, (hyper, score, scores) in zip(result.runs, expected, strict=True):
        assert len({s for s in scores if math.isfinite(s)}) > 2     # the grid really separates settings
        assert run.score == pytest.approx(score, rel=1e-12)
        assert [t.score for t in run.trials] == pytest.approx(scores, rel=1e-12)
        assert run.hyper["lr"] == pytest.approx(hyper["lr"], rel=1e-12)
        for key in ("momentum", "alpha", "betas"):
            if key in hyper:
                assert run.hyper[key] == pytest.approx(hyper[key])


def test_a_noisy_run_is_averaged_over_the_seeds():
    scene = scene_on("rosenbrock", noise=0.3)
    one = fair_race.tune_all(scene, TuneBudget(trials=8, steps=100, seeds=(0,)))
    three = fair_race.tune_all(scene, TuneBudget(trials=8, steps=100, seeds=(0, 1, 2)))
    assert one.runs[0].trials == three.runs[0].trials      # gd has no noise: the seeds do not matter
    assert one.runs[2].trials != three.runs[2].trials      # adam's noise does


def test_every_solver_gets_the_same_budget_and_diverged_trials_score_inf():
    result = fair_race.tune_all(scene_on("rosenbrock"), TuneBudget(trials=16, steps=200))
    assert [len(r.trials) for r in result.runs] == [16, 16, 16, 16]
    gd = result.runs[0]
    worst = gd.trials[-1]                                   # the largest lr: 10^1.5 × the suggestion
    assert worst.score == math.inf
    f = build_landscape(LandscapeSpec(name="rosenbrock"))
    assert solvers.run(solvers.make("gd", lr=worst.values["lr"]), f, f.default_start, steps=200).diverged
    assert math.isfinite(gd.score)


def test_tuning_twice_and_from_the_saved_scene_gives_the_same_values(tmp_path):
    scene = scene_on("ravine", {"condition": 100.0}, noise=0.2)
    budget = TuneBudget(trials=8, steps=100, seeds=(3, 4), objective="auc")
    first = fair_race.tune_all(scene, budget)
    assert fair_race.tune_all(scene, budget) == first
    tuned = fair_race.apply(scene, first)
    validate_scene(tuned)
    loaded = load_scene(save_scene(tuned, tmp_path / "fair.json"))
    assert loaded.tuning == budget
    again = fair_race.tune_all(loaded)                      # the budget comes from the file
    assert [r.hyper for r in again.runs] == [r.hyper for r in first.runs]
    assert [r.hyper for r in again.runs] == [r.hyper for r in loaded.runs]
    assert fair_race.fine_print(again) == fair_race.fine_print(first)


def test_apply_writes_the_values_and_one_fine_print():
    scene = scene_on("rosenbrock")
    scene.caption = "Four solvers on Rosenbrock."
    result = fair_race.tune_all(scene, TuneBudget(trials=8, steps=100, seeds=(0, 1, 2)))
    tuned = fair_race.apply(scene, result)
    assert scene.runs[0].hyper == {} and scene.tuning is None          # the input is untouched
    assert tuned.caption == "Four solvers on Rosenbrock. " + fair_race.fine_print(result)
    assert fair_race.apply(tuned, result).caption == tuned.caption      # not repeated
    assert tuned.runs[1].hyper == {"lr": result.runs[1].best["lr"], "momentum": result.runs[1].best["momentum"]}
    assert tuned.runs[2].hyper["betas"] == (0.9, result.runs[2].best["beta2"])


def test_the_fine_print_states_the_budget_and_every_tuned_value():
    result = fair_race.tune_all(scene_on("rosenbrock"), TuneBudget(trials=8, steps=100, seeds=(0, 1, 2)))
    text = fair_race.fine_print(result)
    assert text.startswith("Tuned fairly: each solver got 8 trials of 100 steps on the same start (-1.5, 2)")
    assert "objective: final loss, mean over seeds 0, 1, 2;" in text
    for run in result.runs:
        m = re.search(rf"{run.solver} lr ([0-9.e+-]+)", text)
        assert float(m.group(1)) == pytest.approx(run.best["lr"], rel=0.051)
    assert re.search(r"momentum lr \S+ μ (\S+),", text).group(1) == f"{result.runs[1].best['momentum']:g}"


def test_the_fine_print_names_solvers_and_tells_two_runs_of_one_apart():
    scene = Scene(runs=[RunSpec(solver="gd", label="gd, lr 0.1"), RunSpec(solver="adam", label="fast"),
                        RunSpec(solver="adam", label="slow", hyper={"betas": (0.5, 0.999)})])
    result = fair_race.tune_all(scene, TuneBudget(trials=4, steps=20))
    text = fair_race.fine_print(result)
    lrs = [f"{r.best['lr']:.1e}" for r in result.runs]
    assert text.endswith(f"; gd lr {lrs[0]}, adam (fast) lr {lrs[1]} β₂ 0.9, adam (slow) lr {lrs[2]} β₂ 0.9.")
    assert result.runs[2].hyper["betas"] == (0.5, 0.9)          # β₁ is the run's own


@pytest.mark.parametrize("budget, scene, message", [
    (TuneBudget(objective="final_los"), None, "unknown objective 'final_los' (did you mean 'final_loss'?)"),
    (TuneBudget(trials=0), None, "trials must be a whole number in 4..256, got 0"),
    (TuneBudget(trials=10), None, "trials must be a multiple of 4"),
    (TuneBudget(seeds=()), None, "seeds must be 1 to 16 distinct seeds"),
    (TuneBudget(steps=0), None, "steps must be a whole number"),
    (TuneBudget(seeds=0), None, "seeds must be 1 to 16 distinct seeds, got 0"),
    (TuneBudget(seeds=(1, 1)), None, "seeds must be 1 to 16 distinct seeds"),
    (TuneBudget(seeds=([1],)), None, "a seed must be a whole number"),
    (TuneBudget(), Scene(runs=[]), "no runs to tune"),
    (TuneBudget(), Scene(runs=[RunSpec(enabled=False)]), "no runs to tune"),
    (None, Scene(runs=[RunSpec()]), "no tuning budget"),
    (TuneBudget(trials=256, steps=100_000), None, "is over the limit of 20,000,000: ask for fewer"),
    (TuneBudget(objective="distance_to_minimum"),
     Scene(landscape=LandscapeSpec(name="expression", expression="x^2 + y^2"), runs=[RunSpec()]),
     "needs the surface's known minima"),
])
def test_bad_input_is_one_line(budget, scene, message):
    with pytest.raises(ValueError) as e:
        fair_race.tune_all(scene or scene_on("rosenbrock"), budget)
    assert message in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("tuning, message", [
    ({"trials": 10}, "tuning.trials: expected a multiple of 4"),
    ({"objective": "auk"}, "tuning.objective: expected one of 'final_loss', 'auc' or 'distance_to_minimum'"),
    ({"seeds": [1, 1]}, "tuning.seeds: expected each seed once"),
    ({"trial": 16}, "unknown key 'trial' in tuning"),
])
def test_a_scene_file_with_a_bad_budget_is_refused_in_one_line(tuning, message):
    with pytest.raises(SceneError) as e:
        scene_from_dict({"tuning": tuning})
    assert message in str(e.value) and "\n" not in str(e.value)


def test_cancel_stops_and_progress_counts_every_trial():
    calls = []
    with pytest.raises(fair_race.TuneCancelled):
        fair_race.tune_all(scene_on("rosenbrock"), TuneBudget(trials=8, steps=50),
                           cancel=lambda: len(calls) >= 3, progress=lambda p, m: calls.append((p, m)))
    assert len(calls) == 3
    seen = []
    fair_race.tune_all(scene_on("rosenbrock"), TuneBudget(trials=8, steps=50), progress=lambda p, m: seen.append(p))
    assert len(seen) == 32 and seen[-1] == 1.0 and seen == sorted(seen)


def test_scene_21_fair_race_caption_is_a_fresh_tune_all_and_tells_its_story():
    from app.model.presets import load_builtin
    from app.model.race import Race

    scene = load_builtin("fair_race")
    assert scene.tuning == TuneBudget(trials=32, steps=300, seeds=(0,), objective="final_loss")
    fresh = fair_race.tune_all(scene)                         # from the file's own budget
    assert scene.caption.endswith(" " + fair_race.fine_print(fresh))
    assert [r.hyper for r in scene.runs] == [r.hyper for r in fresh.runs]
    assert [r.solver for r in scene.runs] == ["gd", "momentum", "adam", "rmsprop"]
    for solver, text in [("gd", "gd lr 2.0e-03"), ("momentum", "momentum lr 1.5e-03 μ 0.95"),
                         ("adam", "adam lr 9.4e-01 β₂ 0.99"), ("rmsprop", "rmsprop lr 2.4e-01 α 0.95")]:
        assert text in scene.caption
        run = next(r for r in fresh.runs if r.solver == solver)
        assert f"{solver} lr {run.best['lr']:.1e}" in text
    race = Race(scene)
    race.step(race.total_steps)
    runs = {t.spec.solver: t for t in race.runs}
    assert all(t.diverged_at is None for t in race.runs)
    # the race plays what was tuned: its final losses are the tuned scores
    assert [runs[r.solver].loss for r in fresh.runs] == pytest.approx([r.score for r in fresh.runs])
    # momentum ends closest to (1, 1); gradient descent is still on the valley floor, far behind
    dist = {k: math.dist(t.head, (1.0, 1.0)) for k, t in runs.items()}
    assert min(dist, key=dist.get) == "momentum"
    assert runs["gd"].loss > 100 * runs["momentum"].loss and dist["gd"] > 0.1
    # tuned on the final loss alone, adam's lr leaps: its loss climbs far above the start's first
    adam = runs["adam"]
    assert scene.runs[2].hyper["lr"] > 0.5 and adam.losses.max() > 10 * adam.losses[0]
    # on the area under the curve the same budget picks a far gentler lr for it
    auc = fair_race.tune_all(scene, TuneBudget(trials=32, steps=300, seeds=(0,), objective="auc"))
    assert auc.runs[2].best["lr"] < 0.2 * scene.runs[2].hyper["lr"]


def test_the_fine_print_says_when_every_trial_diverged_and_when_starts_differ():
    scene = Scene(runs=[RunSpec(solver="gd", start=(-1.5, 2.0)), RunSpec(solver="gd", start=(1.5, 2.5))])
    result = fair_race.tune_all(scene, TuneBudget(trials=4, steps=20))
    assert "each from its own start" in fair_race.fine_print(result)
    lost = fair_race.TunedRun(0, "gd", "gd", {"lr": 1.0}, {"lr": 1.0}, math.inf, ())
    text = fair_race.fine_print(fair_race.TuneResult(result.budget, (lost,), None))
    assert text.endswith("; gd diverged in every trial.")
