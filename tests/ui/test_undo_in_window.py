"""The window's undo and "On change" mode: paths follow the shown settings (issue 10 point 10)."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from app.model.race import Race

pytestmark = pytest.mark.gl


def fresh_points(race: Race, row: int) -> np.ndarray:
    other = Race(copy.deepcopy(race.scene), race.landscape)
    other.step(race.step_count)
    return other.runs[row].points


def test_switching_the_combo_to_restart_replays_a_continued_run(make_window):
    w = make_window()
    rp = w.runs_panel
    rp.mode.setCurrentIndex(rp.mode.findData("continue"))
    w.step_once(10)
    w.on_run_edit(0, {"hyper": {"lr": 0.4}}, "lr")
    w.step_once(10)
    assert not np.array_equal(w.race.runs[0].points, fresh_points(w.race, 0))
    rp.mode.setCurrentIndex(rp.mode.findData("restart"))
    np.testing.assert_array_equal(w.race.runs[0].points, fresh_points(w.race, 0))


def test_remove_run_is_undone_from_the_edit_menu(make_window):
    w = make_window()
    w.on_run_edit(1, {"hyper": {"lr": 0.2}}, "lr")
    w.remove_run(0)
    assert w.runs_panel.list.count() == 1
    w.act_undo.trigger()
    assert w.runs_panel.list.count() == 2 and w.race.runs[0].spec.solver == "gd"
    w.act_undo.trigger()
    assert w.race.runs[1].spec.hyper["lr"] == pytest.approx(0.05)
