"""Swarm → Tune all…: the dialog runs app.model.fair_race.tune_all on the window's scene and puts
the result in as one undoable edit; cancel and bad budgets change nothing."""
from __future__ import annotations

import copy

import pytest

from app.model import fair_race
from app.model.build import build_landscape
from app.model.scene import RunSpec, TuneBudget
from tests.ui.conftest import race_scene

SMALL = TuneBudget(trials=8, steps=50, seeds=(0,), objective="final_loss")


def _dialog(features, budget: TuneBudget):
    dialog = features["fair_race"].open()
    dialog.trials.setValue(budget.trials)
    dialog.steps.setValue(budget.steps)
    dialog.seeds.setText(", ".join(str(s) for s in budget.seeds))
    dialog.objective.setCurrentIndex(dialog.objective.findData(budget.objective))
    return dialog


def _state(w):
    scene = w.race.scene
    return copy.deepcopy([r.hyper for r in scene.runs]), scene.caption, scene.tuning, w.caption.text()


def test_tune_all_gives_the_runs_tune_alls_result_and_one_undo_restores(make_app, qtbot):
    scene = race_scene()
    # the same scene and budget, tuned apart from the window on a landscape of its own
    expected = fair_race.tune_all(copy.deepcopy(scene), SMALL, landscape=build_landscape(scene.landscape))
    w, features = make_app(scene)
    w.step_once(20)
    before = _state(w)
    assert features["fair_race"].act.shortcut().toString() == "Ctrl+Shift+U"
    assert features["fair_race"].act in w.host.add_menu("S&warm").actions()
    dialog = _dialog(features, SMALL)
    assert dialog.tune()
    qtbot.waitUntil(lambda: not dialog.jobs.busy, timeout=60000)

    runs = w.race.scene.runs
    assert [r.hyper for r in runs] == [t.hyper for t in expected.runs]
    assert [r.hyper for r in runs] != before[0]            # the tuning changed something
    assert w.race.scene.tuning == SMALL
    assert w.race.scene.caption == f"test {fair_race.fine_print(expected)}"
    assert w.caption.text() == w.race.scene.caption and w.caption.isVisible()
    assert w.race.runs[0].spec.hyper == expected.runs[0].hyper   # the race steps with the tuned values
    assert "tuned 2 runs" in dialog.status.text()

    assert w.edits.history.undo_text == "tune all (fair race)"
    w.act_undo.trigger()
    assert _state(w) == before
    w.act_redo.trigger()
    assert [r.hyper for r in w.race.scene.runs] == [t.hyper for t in expected.runs]
    assert w.caption.text().endswith(fair_race.fine_print(expected))


def test_the_dialog_starts_from_the_scenes_own_budget(make_app):
    scene = race_scene()
    scene.tuning = TuneBudget(trials=12, steps=77, seeds=(3, 5), objective="auc")
    w, features = make_app(scene)
    dialog = features["fair_race"].open()
    assert dialog.budget() == scene.tuning


def test_cancel_changes_nothing(make_app, qtbot):
    w, features = make_app()
    before = _state(w)
    dialog = _dialog(features, TuneBudget(trials=256, steps=5000, seeds=(0,), objective="auc"))
    assert dialog.tune()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.jobs.busy, timeout=60000)
    assert dialog.status.text() == "tuning cancelled: nothing changed"
    assert _state(w) == before
    assert not w.edits.history.can_undo               # nothing was recorded either


@pytest.mark.parametrize("trials, seeds, says", [
    (6, "0", "not tuned: trials must be a multiple of 4"),
    (8, "0, x", "not tuned: seeds must be whole numbers"),
    (8, "1, 1", "not tuned: seeds must be 1 to 16 distinct seeds"),
])
def test_a_bad_budget_is_one_line(make_app, trials, seeds, says):
    w, features = make_app()
    before = _state(w)
    dialog = features["fair_race"].open()
    dialog.trials.setValue(trials)
    dialog.seeds.setText(seeds)
    assert not dialog.tune()
    assert dialog.status.text().startswith(says) and "\n" not in dialog.status.text()
    assert not dialog.jobs.busy
    assert _state(w) == before


def test_a_surface_without_minima_refuses_the_distance_objective_in_one_line(make_app, qtbot):
    w, features = make_app(race_scene([RunSpec("gd", {"lr": 0.05}, start=(0.5, 0.3))], landscape="saddle"))
    before = _state(w)
    dialog = _dialog(features, TuneBudget(trials=8, steps=20, seeds=(0,), objective="distance_to_minimum"))
    dialog.tune()
    qtbot.waitUntil(lambda: not dialog.jobs.busy, timeout=60000)
    assert dialog.status.text() == ("not tuned: objective distance_to_minimum needs the surface's known minima; "
                                    "saddle lists none")
    assert _state(w) == before


def test_an_edit_while_tuning_keeps_the_result_out(make_app, qtbot):
    w, features = make_app()
    dialog = _dialog(features, SMALL)
    assert dialog.tune()
    w.host.edit_run(0, {"hyper": {"lr": 0.2}}, "lr")   # before the result reaches the GUI thread
    qtbot.waitUntil(lambda: not dialog.jobs.busy, timeout=60000)
    assert dialog.status.text() == "not applied: the scene changed while tuning; tune again"
    assert w.race.scene.runs[0].hyper == {"lr": 0.2} and w.race.scene.tuning is None
    assert w.race.scene.caption == "test"
