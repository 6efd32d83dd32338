"""The phase map window and Tune all on the surfaces beyond the analytic ones: a CIFAR-10 slice
(minibatches too) and the toy classifier's plane, each equal to the model computed apart from the window."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import solvers
from app.model import fair_race
from app.model.build import start_of
from app.model.phase_map import phase_map
from app.model.race import run_seed
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene, TuneBudget

from .conftest import race_scene

pytestmark = pytest.mark.gl
WAIT = 120_000   # ms, a shared machine (never a speed assertion)


def cifar_scene(root) -> Scene:
    params = {"plane": "random", "subset": 300, "root": str(root)}
    return Scene(title="plane", landscape=LandscapeSpec("cifar_slice", params=params, resolution=21),
                 runs=[RunSpec("momentum", {"lr": 0.05, "momentum": 0.5}, start=(0.4, -0.3))],
                 playback=PlaybackSpec(steps=10))


def computed(pw, qtbot, cells: int, steps: int) -> None:
    pw.sync_from_window()
    for row in (pw.x, pw.y):
        row.cells.setValue(cells)
    pw.steps.setValue(steps)
    pw.compute_map()
    qtbot.waitUntil(lambda: (pw.pm is not None and not pw.busy) or "cannot" in pw.status.text(), timeout=WAIT)
    assert pw.pm is not None, pw.status.text()


def tuned(features, qtbot, budget: TuneBudget) -> None:
    dialog = features["fair_race"].open()
    dialog.trials.setValue(budget.trials)
    dialog.steps.setValue(budget.steps)
    dialog.seeds.setText(", ".join(str(s) for s in budget.seeds))
    dialog.objective.setCurrentIndex(dialog.objective.findData(budget.objective))
    assert dialog.tune()
    qtbot.waitUntil(lambda: not dialog.jobs.busy, timeout=WAIT)


def test_a_cifar_slice_maps_and_tunes_in_the_window(make_app, qtbot, cifar_root):
    w, features = make_app(race_scene())
    w.load_scene(cifar_scene(cifar_root))     # a CIFAR-10 slice builds in the background
    qtbot.waitUntil(lambda: w.race.scene.landscape.name == "cifar_slice" or "failed" in w.status_label.text(),
                    timeout=WAIT)
    f = w.race.landscape
    assert w.race.scene.landscape.name == "cifar_slice", w.status_label.text()
    pw = features["phase_map"].dialog()
    computed(pw, qtbot, cells=5, steps=12)
    run = w.race.scene.runs[0]
    expected = phase_map(f, solvers.make("momentum", lr=0.05, momentum=0.5), x_axis=("lr", pw.pm.x.values),
                         y_axis=("momentum", pw.pm.y.values), start=start_of(run, f), steps=12,
                         seed=run_seed(int(w.race.scene.seed), 0))
    np.testing.assert_array_equal(pw.pm.values, expected.values)
    assert len(np.unique(pw.pm.values)) == pw.pm.values.size         # every setting ends somewhere else
    budget = TuneBudget(trials=8, steps=12)
    expect = fair_race.tune_all(copy.deepcopy(w.race.scene), budget, landscape=f)
    tuned(features, qtbot, budget)
    assert [r.hyper for r in w.race.scene.runs] == [t.hyper for t in expect.runs]
    assert w.race.scene.caption.endswith(fair_race.fine_print(expect))


def test_the_toy_classifier_tunes_in_the_window(make_app, qtbot):
    scene = Scene(title="toy", landscape=LandscapeSpec("toy_classifier", params={"loss": "softmax"}, resolution=21),
                  runs=[RunSpec("gd", {"lr": 0.1}, start=(1.0, 2.0)), RunSpec("adam", {"lr": 0.05}, start=(1.0, 2.0))],
                  playback=PlaybackSpec(steps=10))
    w, features = make_app(scene)
    budget = TuneBudget(trials=8, steps=30)
    expect = fair_race.tune_all(copy.deepcopy(w.race.scene), budget, landscape=w.race.landscape)
    tuned(features, qtbot, budget)
    assert [r.hyper for r in w.race.scene.runs] == [t.hyper for t in expect.runs]
    assert {t.solver for t in expect.runs} == {"gd", "adam"} and all(np.isfinite(t.score) for t in expect.runs)


def test_a_typed_formula_maps_in_the_window_with_f_star_from_the_map(make_app, qtbot):
    scene = Scene(title="typed", landscape=LandscapeSpec("expression", expression="x^2 + 3*y^2 + x*y + sin(3*x)",
                                                         resolution=21),
                  runs=[RunSpec("nesterov", {"lr": 0.02, "momentum": 0.8}, start=(1.5, -1.0))],
                  playback=PlaybackSpec(steps=10))
    w, features = make_app(scene)
    pw = features["phase_map"].dialog()
    computed(pw, qtbot, cells=6, steps=40)
    f = w.race.landscape
    expected = phase_map(f, solvers.make("nesterov", lr=0.02, momentum=0.8), x_axis=("lr", pw.pm.x.values),
                         y_axis=("momentum", pw.pm.y.values), start=(1.5, -1.0), steps=40,
                         seed=run_seed(int(w.race.scene.seed), 0))
    np.testing.assert_array_equal(pw.pm.values, expected.values)
    assert not pw.pm.f_star_known and "least loss on the map" in pw.title.text()
    assert pw.pm.bound_text == "2(1+μ)/((1+2μ)λmax)" and pw.pm.theory is None    # not a quadratic
