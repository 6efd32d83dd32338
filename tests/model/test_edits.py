"""Undoable race edits without a display: starts, run settings, slider merges, add/remove, landscapes."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import landscapes
from app.model.edits import RaceEdits
from app.model.race import Race
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene, TuneBudget


def bowl_race() -> Race:
    scene = Scene(title="t", landscape=LandscapeSpec("quadratic_bowl"),
                  runs=[RunSpec("gd", {"lr": 0.1}, start=(-1.5, 1.2)),
                        RunSpec("adam", {"lr": 0.05}, start=(1.5, -1.0))],
                  playback=PlaybackSpec(steps=100))
    return Race(scene)


@pytest.fixture
def edits():
    calls: list[bool] = []
    e = RaceEdits(calls.append)
    e.use(bowl_race())
    e.calls = calls
    return e


def test_moving_a_start_resimulates_and_undo_puts_it_back(edits):
    race = edits.race
    race.step(5)
    assert edits.set_start(1, (0.5, 0.25)) == "move start to (0.50, 0.25)"
    assert race.scene.runs[1].start == (0.5, 0.25) and race.scene.runs[0].start == (-1.5, 1.2)
    np.testing.assert_allclose(race.runs[1].points[0], (0.5, 0.25))
    assert len(race.runs[1].points) == 6             # caught up to step 5
    assert edits.undo() == "undid move start to (0.50, 0.25)"
    assert race.scene.runs[1].start == (1.5, -1.0)
    assert edits.redo().startswith("redid move start")
    assert race.scene.runs[1].start == (0.5, 0.25)
    assert edits.calls == [False, False, False]


def test_moving_every_start_is_one_undo_step(edits):
    edits.set_start(None, (0.0, 1.0))
    assert all(r.start == (0.0, 1.0) for r in edits.race.scene.runs)
    edits.undo()
    assert [r.start for r in edits.race.scene.runs] == [(-1.5, 1.2), (1.5, -1.0)]
    assert edits.undo() == "nothing to undo"


def test_a_bad_start_or_row_changes_nothing(edits):
    with pytest.raises(ValueError, match="finite"):
        edits.set_start(0, (float("nan"), 0.0))
    with pytest.raises(ValueError, match="no run in row 5"):
        edits.set_start(5, (0.0, 0.0))
    assert edits.race.scene.runs[0].start == (-1.5, 1.2) and not edits.history.can_undo


def test_learning_rate_edit_sets_the_next_step_and_undoes(edits):
    race = edits.race
    edits.edit_run(0, {"hyper": {"lr": 0.25}}, "lr")
    race.step(1)
    x0 = np.array([-1.5, 1.2])
    np.testing.assert_allclose(race.runs[0].points[1], x0 - 0.25 * 2 * x0, rtol=1e-12)   # gd on x²+y², by hand
    edits.undo()
    assert race.runs[0].solver.hyper["lr"] == pytest.approx(0.1)
    assert edits.calls == [False, True]               # the undo reloads the editor


def test_a_slider_drag_is_one_undo_step(edits):
    for lr in (0.2, 0.3, 0.4):
        edits.edit_run(0, {"hyper": {"lr": lr}}, "lr", merge="lr of run 0")
    assert len(edits.history) == 1
    edits.undo()
    assert edits.race.runs[0].solver.hyper["lr"] == pytest.approx(0.1)
    edits.redo()
    assert edits.race.runs[0].solver.hyper["lr"] == pytest.approx(0.4)


def test_an_invalid_value_changes_nothing(edits):
    with pytest.raises(ValueError):
        edits.edit_run(0, {"hyper": {"lr": -1.0}}, "lr")
    assert edits.race.runs[0].solver.hyper["lr"] == pytest.approx(0.1) and not edits.history.can_undo


def test_solver_change_undoes_to_the_old_solver_and_rates(edits):
    edits.edit_run(0, {"solver": "momentum"}, "solver")
    assert edits.race.runs[0].spec.solver == "momentum" and edits.calls[-1] is True
    edits.undo()
    assert edits.race.runs[0].spec.solver == "gd" and edits.race.runs[0].spec.hyper["lr"] == pytest.approx(0.1)


def test_add_duplicate_remove_are_undoable_and_keep_the_history(edits):
    edits.edit_run(0, {"hyper": {"lr": 0.2}}, "lr")
    row = edits.add_run(1)
    added = edits.race.runs[row]
    # gd and adam race already: the next solver is sgd, from run 1's start, at 1/L = 0.5 (Hessian 2·I)
    assert (row, added.spec.solver, added.spec.start) == (2, "sgd", (1.5, -1.0))
    assert added.spec.hyper["lr"] == pytest.approx(0.5)
    assert edits.duplicate_run(0) == 3 and edits.race.runs[3].spec.solver == "gd"
    assert edits.remove_run(1) == 0
    assert [tr.spec.solver for tr in edits.race.runs] == ["gd", "sgd", "gd"]
    assert [tr.index for tr in edits.race.runs] == [0, 1, 2]
    assert edits.undo() == "undid remove run"
    assert [tr.spec.solver for tr in edits.race.runs] == ["gd", "adam", "sgd", "gd"]
    assert edits.race.runs[1].spec.start == (1.5, -1.0)
    for text in ("duplicate run", "add sgd", "change lr"):
        assert edits.undo() == f"undid {text}"
    assert [tr.spec.solver for tr in edits.race.runs] == ["gd", "adam"]
    assert edits.race.runs[0].spec.hyper["lr"] == pytest.approx(0.1)
    assert edits.redo() == "redid change lr" and edits.redo() == "redid add sgd"
    assert [tr.spec.solver for tr in edits.race.runs] == ["gd", "adam", "sgd"]


def test_rows_skip_disabled_runs(edits):
    race = edits.race
    race.set_run(0, enabled=False)
    edits.set_start(0, (0.1, 0.2))                 # row 0 is now the adam run, scene index 1
    assert race.scene.runs[1].start == (0.1, 0.2) and race.scene.runs[0].start == (-1.5, 1.2)


def test_switching_the_landscape_restarts_and_forgets(edits):
    edits.set_start(0, (0.1, 0.2))
    edits.set_landscape(LandscapeSpec("booth"), landscapes.get("booth"))
    assert edits.race.landscape.name == "booth" and edits.race.scene.landscape.name == "booth"
    assert not edits.history.can_undo and edits.race.step_count == 0


def test_no_race_is_a_clear_error():
    with pytest.raises(ValueError, match="no race"):
        RaceEdits().set_start(0, (0.0, 0.0))


def test_retune_puts_in_hyper_caption_and_tuning_as_one_undo_step(edits):
    race = edits.race
    race.scene.caption = "two runs"
    race.step(3)
    tuned = copy.deepcopy(race.scene)
    tuned.runs[0].hyper = {"lr": 0.25}
    tuned.caption = "two runs Tuned fairly: ..."
    tuned.tuning = TuneBudget(trials=8, steps=50)
    edits.retune(tuned, "tune all")
    assert race.scene.runs[0].hyper == {"lr": 0.25} and race.scene.runs[1].hyper == {"lr": 0.05}
    assert race.scene.caption == "two runs Tuned fairly: ..." and race.scene.tuning == TuneBudget(trials=8, steps=50)
    x0 = np.array([-1.5, 1.2])
    np.testing.assert_allclose(race.runs[0].points[1], x0 - 0.25 * 2 * x0, rtol=1e-12)   # restarted: gd by hand
    assert len(race.runs[0].points) == 4                # caught up to step 3
    assert edits.undo() == "undid tune all"
    assert race.scene.runs[0].hyper == {"lr": 0.1} and race.scene.caption == "two runs"
    assert race.scene.tuning is None
    np.testing.assert_allclose(race.runs[0].points[1], x0 - 0.1 * 2 * x0, rtol=1e-12)
    edits.redo()
    assert race.scene.runs[0].hyper == {"lr": 0.25} and race.scene.tuning is not None


def test_a_bad_retune_changes_nothing(edits):
    race = edits.race
    tuned = copy.deepcopy(race.scene)
    tuned.runs[0].hyper = {"lr": 0.25}
    tuned.runs[1].hyper = {"lr": -1.0}                  # refused by the solver: run 0 goes back too
    tuned.caption = "changed"
    with pytest.raises(ValueError):
        edits.retune(tuned, "tune all")
    assert [r.hyper for r in race.scene.runs] == [{"lr": 0.1}, {"lr": 0.05}] and race.scene.caption == ""
    assert not edits.history.can_undo
    tuned.runs.pop()
    with pytest.raises(ValueError, match="the tuned scene has 1 runs, the race 2"):
        edits.retune(tuned, "tune all")
