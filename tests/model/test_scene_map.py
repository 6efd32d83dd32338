"""A scene's phase map: it loads and saves, bad maps are one line each, and it computes the map of its run."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import solvers
from app.model.build import build_landscape, start_of
from app.model.phase_map import map_axis_names, phase_map
from app.model.presets import load_builtin
from app.model.scene import MapAxis, MapSpec
from app.model.scene_io import SceneError, scene_from_dict, scene_to_dict
from app.model.scene_map import axis_values, default_range, map_arguments, map_problems


def ravine_with_map(**changes):
    d = scene_to_dict(load_builtin("ravine"))
    d["phase_map"] = {"run": 1, "x": {"name": "lr", "low": 1e-3, "high": 0.1, "cells": 12},
                      "y": {"name": "momentum", "low": 0.0, "high": 0.99, "cells": 10, "log": False}, "steps": 200}
    for key, value in changes.items():
        d["phase_map"][key] = value
    return d


def test_a_map_saves_and_loads_back_and_computes_the_map_of_its_run():
    scene = scene_from_dict(ravine_with_map())
    assert scene_from_dict(scene_to_dict(scene)) == scene
    f = build_landscape(scene.landscape)
    pm = phase_map(**map_arguments(scene, f))
    run = scene.runs[1]
    expected = phase_map(f, solvers.make(run.solver, **run.hyper), x_axis=("lr", np.geomspace(1e-3, 0.1, 12)),
                         y_axis=("momentum", np.linspace(0.0, 0.99, 10)), start=start_of(run, f), steps=200)
    np.testing.assert_array_equal(pm.values, expected.values)
    assert pm.solver == run.solver == "momentum" and pm.values.shape == (10, 12)


@pytest.mark.parametrize("change, message", [
    ({"run": 3}, "phase_map.run: the scene has 3 run(s), so run 3 does not exist (0 is the first)"),
    ({"y": {"name": "momentm", "low": 0, "high": 0.9, "cells": 4, "log": False}},
     "phase_map.y.name: momentum has no hyper-parameter 'momentm' (did you mean 'momentum'?)"),
    ({"y": {"name": "momentum", "low": 0, "high": 0.9, "cells": 4}}, "phase_map.y: a log axis needs low and high > 0"),
    ({"y": {"name": "lr", "low": 0.1, "high": 1, "cells": 4}}, "phase_map: x and y are both 'lr'"),
    ({"outcome": "steps_to_tol"}, "phase_map.tol: steps_to_tol needs a tolerance"),
    ({"outcome": "best"}, "phase_map.outcome"),
    ({"steps": 0}, "phase_map.steps"),
    ({"x": {"name": "lr", "low": 1e-3, "high": 0.1, "cells": 129}}, "phase_map.x.cells: must be at most 128"),
    ({"y": {"name": "batch_size", "low": 8, "high": 1e12, "cells": 8}},
     "phase_map.y: a map's batch sizes run from 1 to 4096 (each cell draws its own minibatch), got 8 to 1e+12"),
    ({"y": {"name": "batch_size", "low": 0.5, "high": 64, "cells": 8}}, "phase_map.y: a map's batch sizes run"),
    ({"x": {"name": "lr", "low": float("nan"), "high": 0.1, "cells": 4}}, "phase_map.x.low"),
    ({"run": -1}, "phase_map.run"),
    ({"x": {"name": "lr", "low": "0.001", "high": 0.1, "cells": 4}}, "phase_map.x.low"),
])
def test_a_bad_map_is_one_line_that_names_it(change, message):
    with pytest.raises(SceneError) as e:
        scene_from_dict(ravine_with_map(**change))
    assert message in str(e.value) and "\n" not in str(e.value).split(": ", 1)[1].strip()


def test_batch_axis_values_are_whole_and_distinct_and_no_map_is_no_problem():
    values = axis_values(MapAxis("batch_size", 1, 64, 20, True))
    assert values[0] == 1 and values[-1] == 64 and (values == np.round(values)).all()
    assert len(np.unique(values)) == len(values) < 20
    scene = load_builtin("ravine")
    assert scene.phase_map is None and map_problems(scene) == []
    with pytest.raises(ValueError, match="this scene has no phase map"):
        map_arguments(scene, build_landscape(scene.landscape))
    assert MapSpec().y.name == "momentum"


def test_every_default_range_is_a_range_the_solver_takes():
    """A map's first values must be settings the rule accepts: nesterov refuses μ = 0."""
    for name in solvers.names():
        opt = solvers.make(name)
        assert opt.spec is not None
        for axis in map_axis_names(opt.spec):
            low, high, log = default_range(opt.spec, dict(opt.hyper), axis)
            assert low < high and (not log or low > 0)
            if axis not in ("beta1", "beta2"):
                for value in (low, high):
                    opt.spec.make(**{**opt.hyper, axis: value})
    spec = solvers.make("nesterov").spec
    assert default_range(spec, dict(solvers.make("nesterov").hyper), "momentum")[0] > 0


@pytest.mark.parametrize("name", solvers.names())
def test_every_offered_axis_pair_computes_from_its_default_ranges(name):
    """Whatever two axes the window or a scene may choose for a solver, the map computes."""
    import landscapes

    f = landscapes.get("quadratic_bowl")
    opt = solvers.make(name)
    axes = map_axis_names(opt.spec)
    for other in axes[1:]:
        ranges = {}
        for axis in ("lr", other):
            low, high, log = default_range(opt.spec, dict(opt.hyper), axis)
            ranges[axis] = axis_values(MapAxis(axis, low, high, 3, log))
        pm = phase_map(f, opt, x_axis=("lr", ranges["lr"]), y_axis=(other, ranges[other]), start=(1.0, -0.5),
                       steps=3)
        assert pm.values.shape == (3, 3) and np.isfinite(pm.final_gap).all()


def test_the_cell_of_the_runs_own_setting_is_the_run_as_the_race_steps_it():
    """The run's schedule (a cosine decay) and seed go into every cell: the cell at the run's own
    (lr, μ) ends where the race's run ends, to the last bit; without the schedule it would not."""
    from app.model.race import Race

    d = ravine_with_map(x={"name": "lr", "low": 0.004, "high": 0.1, "cells": 5},
                        y={"name": "momentum", "low": 0.85, "high": 0.99, "cells": 3, "log": False}, steps=120)
    d["runs"][1]["schedule"] = {"kind": "cosine", "warmup": 10}
    d["runs"][1]["hyper"] = {"lr": 0.004, "momentum": 0.85}
    scene = scene_from_dict(d)
    f = build_landscape(scene.landscape)
    pm = phase_map(**map_arguments(scene, f))
    race = Race(scene, f)
    race.step(120)
    run = race.runs[1]
    assert run.losses[-1] - pm.f_star == pytest.approx(pm.final_gap[0, 0], rel=1e-12, abs=1e-300)
    plain = dict(map_arguments(scene, f), schedule=None)
    assert phase_map(**plain).final_gap[0, 0] != pytest.approx(pm.final_gap[0, 0], rel=1e-3)


def test_a_runs_absurd_batch_size_is_refused_at_load():
    d = scene_to_dict(load_builtin("ravine"))
    d["runs"][0]["batch_size"] = 10**12
    with pytest.raises(SceneError, match=r"runs\[0\]\.batch_size: must be at most 50000"):
        scene_from_dict(d)


def _scene_20_race():
    from app.model.edits import RaceEdits
    from app.model.race import Race

    edits = RaceEdits()
    race = Race(load_builtin("ravine_map"))
    edits.use(race)
    return edits, race


def test_the_map_follows_its_run_when_another_run_goes_and_comes_back():
    edits, race = _scene_20_race()
    mapped = race.scene.runs[1]
    assert race.scene.phase_map.run == 1 and mapped.hyper["momentum"] == 0.9
    edits.remove_run(0)
    assert race.scene.phase_map.run == 0 and race.scene.runs[0] is mapped and map_problems(race.scene) == []
    edits.history.undo()
    assert race.scene.phase_map.run == 1 and race.scene.runs[1].hyper == mapped.hyper
    edits.history.redo()
    assert race.scene.phase_map.run == 0


def test_a_map_goes_with_its_run_and_undo_brings_both_back():
    edits, race = _scene_20_race()
    kept = copy.deepcopy(race.scene.phase_map)
    edits.remove_run(1)
    assert race.scene.phase_map is None and map_problems(race.scene) == []
    edits.history.undo()
    assert race.scene.phase_map == kept and race.scene.runs[1].hyper["momentum"] == 0.9


def test_a_map_that_no_longer_fits_is_saved_without_it_and_the_file_loads(tmp_path):
    """The mapped run given Adam (no momentum axis): the file keeps everything but the map, says so
    in one line, and loads back (with the map it would be refused)."""
    from app.model.scene_io import load_scene, savable, save_scene

    edits, race = _scene_20_race()
    edits.edit_run(1, {"solver": "adam"}, "solver")
    assert map_problems(race.scene)
    scene, note = savable(race.scene)
    assert note == ("the phase map was left out: phase_map.y.name: adam has no hyper-parameter 'momentum'; "
                    "its axes: lr, beta1, beta2, eps, weight_decay, batch_size")
    back = load_scene(save_scene(scene, tmp_path / "s.json"))
    assert back.phase_map is None and [r.solver for r in back.runs] == ["momentum", "adam", "gd"]
    assert race.scene.phase_map is not None          # the window's own scene keeps it (undo may need it)
    assert savable(load_builtin("ravine_map")) == (load_builtin("ravine_map"), None)
