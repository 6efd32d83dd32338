"""`losslab map`: the JSON is phase_map()'s with the same settings, a cell is the single run of its
settings, the ravine's stability edge and heavy-ball optimum are the hand-computed ones, the scene's
own map is used with flags overriding parts of it, and bad input is one line with exit code 2.

References: solvers.run of one setting; the ravine x² + 100·y² (Hessian diag(2, 200)) by hand:
2(1+μ)/200 and Polyak's η* = 4/(√200 + √2)², μ* = ((√200 − √2)/(√200 + √2))².
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

import solvers
from app import cli
from app.model.build import build_landscape
from app.model.phase_map import phase_map
from app.model.presets import load_builtin
from app.model.scene import LandscapeSpec
from app.model.scene_map import default_range
from tests.test_cli import REPO

RAVINE_START = (-2.5, 0.6)   # the ravine's default start (the scene's runs start there)


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def error_line(code, err, *words):
    """Exit code 2 and one line (the progress bar, redrawn with \\r, aside)."""
    lines = [ln.split("\r")[-1] for ln in err.splitlines() if ln.split("\r")[-1].strip()]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("losslab: error: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], lines[0]


def map_json(capsys, tmp_path, *args):
    out, numbers = tmp_path / "map.png", tmp_path / "map.json"
    code, stdout, err = run(capsys, "map", *args, "--size", "640x480", "--out", out, "--json", numbers)
    assert code == 0, err
    assert out.stat().st_size > 0 and "100% done" in err
    return json.loads(numbers.read_text(encoding="utf-8")), stdout


def as_array(rows):
    return np.array([[np.inf if v is None else v for v in row] for row in rows], dtype=np.float64)


def test_json_is_phase_map_with_the_same_settings_and_a_cell_is_a_single_run(capsys, tmp_path):
    got, stdout = map_json(capsys, tmp_path, "ravine", "--run", 1, "--x", "lr:1e-3:0.05:log",
                           "--y", "momentum:0:0.95:lin", "--cells", 6, "--steps", 60)
    f = build_landscape(load_builtin("ravine").landscape)
    x, y = np.geomspace(1e-3, 0.05, 6), np.linspace(0.0, 0.95, 6)
    want = phase_map(f, solvers.make("momentum", lr=0.004, momentum=0.85), x_axis=("lr", x),
                     y_axis=("momentum", y), start=RAVINE_START, steps=60)
    assert (got["solver"], got["outcome"], got["steps"], got["x"]["name"], got["y"]["name"]) == \
        ("momentum", "final_gap", 60, "lr", "momentum")
    assert (got["x"]["log"], got["y"]["log"]) == (True, False)
    np.testing.assert_allclose(got["x"]["values"], x, rtol=1e-12)
    np.testing.assert_allclose(got["y"]["values"], y, rtol=1e-12)
    np.testing.assert_array_equal(as_array(got["values"]), want.values)
    assert got["diverged"] == want.diverged.tolist()
    assert 0 < np.sum(got["diverged"]) < 36                       # both kinds of cell on this map
    assert got["best"]["cell"] == list(want.best)
    assert got["f_star"] == 0.0 and got["f_star_known"]
    # the best cell is the single run of its settings
    s = got["best"]["settings"]
    i, j = got["best"]["cell"]
    assert (s["lr"], s["momentum"]) == (pytest.approx(x[j], rel=1e-12), pytest.approx(y[i], rel=1e-12))
    one = solvers.run(solvers.make("momentum", **s), f, RAVINE_START, steps=60)
    assert got["best"]["value"] == pytest.approx(float(one.losses[-1]), rel=1e-9)
    assert not one.diverged
    # the stability edge along μ and heavy-ball theory's optimum, by hand for diag(2, 200)
    assert got["bound_text"] == "2(1+μ)/λmax" and got["lr_limit"] is None
    np.testing.assert_allclose(got["lr_bound"], 2 * (1 + y) / 200, rtol=1e-9)
    a, b = math.sqrt(200), math.sqrt(2)
    assert got["theory"] == {"lr": pytest.approx(4 / (a + b) ** 2, rel=1e-9),
                             "momentum": pytest.approx(((a - b) / (a + b)) ** 2, rel=1e-9)}
    # and printed for people: the window's title line
    assert "momentum, 6 × 6 settings, 60 steps" in stdout and "Diamond: heavy-ball theory, lr = 0.01653" in stdout


def test_default_axes_are_lr_and_the_solvers_second_knob(capsys, tmp_path):
    got, _ = map_json(capsys, tmp_path, "ravine", "--run", 1, "--cells", 4, "--steps", 10)
    opt = solvers.make("momentum", lr=0.004, momentum=0.85)
    lo, hi, log = default_range(opt.spec, dict(opt.hyper), "momentum")
    assert (got["x"]["name"], got["y"]["name"]) == ("lr", "momentum")
    np.testing.assert_allclose(got["x"]["values"], np.geomspace(0.004 / 100, 0.004 * 30, 4), rtol=1e-12)
    np.testing.assert_allclose(got["y"]["values"], (np.geomspace if log else np.linspace)(lo, hi, 4), rtol=1e-12)
    # --solver: that solver with its defaults (adam's second knob is β₂, its lr 1e-3)
    got, _ = map_json(capsys, tmp_path, "ravine", "--solver", "adam", "--cells", 3, "--steps", 5)
    assert (got["solver"], got["y"]["name"]) == ("adam", "beta2")
    np.testing.assert_allclose(got["x"]["values"], np.geomspace(1e-5, 0.03, 3), rtol=1e-12)
    np.testing.assert_allclose(got["y"]["values"], np.linspace(0.9, 0.9999, 3), rtol=1e-12)
    assert got["best"]["settings"]["betas"][0] == 0.9          # β₁ kept at adam's default


def test_a_landscape_alone_maps_momentum_from_its_default_start(capsys, tmp_path):
    got, _ = map_json(capsys, tmp_path, "--landscape", "quadratic_bowl", "--cells", 3, "--steps", 8,
                      "--outcome", "auc")
    f = build_landscape(LandscapeSpec(name="quadratic_bowl"))
    want = phase_map(f, "momentum", x_axis=("lr", np.geomspace(1e-5, 0.03, 3)),
                     y_axis=("momentum", got["y"]["values"]), steps=8, outcome="auc")
    assert got["solver"] == "momentum" and got["outcome"] == "auc"
    np.testing.assert_array_equal(as_array(got["values"]), want.values)


def test_steps_to_tol_writes_null_where_the_tolerance_is_never_reached(capsys, tmp_path):
    got, _ = map_json(capsys, tmp_path, "ravine", "--run", 1, "--x", "lr:1e-3:0.02", "--y", "momentum:0:0.9",
                      "--cells", 5, "--steps", 60, "--outcome", "steps_to_tol", "--tol", "0.1")
    f = build_landscape(load_builtin("ravine").landscape)
    want = phase_map(f, solvers.make("momentum", lr=0.004, momentum=0.85),
                     x_axis=("lr", np.geomspace(1e-3, 0.02, 5)), y_axis=("momentum", np.linspace(0, 0.9, 5)),
                     steps=60, outcome="steps_to_tol", tol=0.1)
    assert got["tol"] == 0.1
    never = ~np.isfinite(want.values)
    assert never.any() and np.isfinite(want.values).any()
    assert [[v is None for v in row] for row in got["values"]] == never.tolist()
    np.testing.assert_array_equal(as_array(got["values"])[~never], want.values[~never])
    # a cell that reached it: the first step of its single run below the tolerance
    i, j = got["best"]["cell"]
    one = solvers.run(solvers.make("momentum", **got["best"]["settings"]), f, RAVINE_START, steps=60)
    assert got["values"][i][j] == int(np.argmax(one.losses < 0.1)) == 26


def scene_with_map(tmp_path, **map_fields):
    scene = json.loads((REPO / "resources" / "scenes" / "02_ravine.json").read_text(encoding="utf-8"))
    scene["phase_map"] = {"run": 2, "x": {"name": "lr", "low": 1e-3, "high": 0.04, "cells": 5, "log": True},
                          "y": {"name": "momentum", "low": 0.2, "high": 0.9, "cells": 4, "log": False},
                          "steps": 30, "outcome": "final_gap", **map_fields}
    path = tmp_path / "scene_with_map.json"
    path.write_text(json.dumps(scene), encoding="utf-8")
    return path


def test_the_scenes_own_map_with_flags_overriding_parts_of_it(capsys, tmp_path):
    from app.model.scene_io import load_scene
    from app.model.scene_map import map_arguments

    path = scene_with_map(tmp_path)
    got, _ = map_json(capsys, tmp_path, path)
    scene = load_scene(path)
    want = phase_map(**map_arguments(scene, build_landscape(scene.landscape)))
    assert got["solver"] == "nesterov" and got["steps"] == 30      # run 2 of the ravine scene
    assert (len(got["x"]["values"]), len(got["y"]["values"])) == (5, 4)
    np.testing.assert_array_equal(as_array(got["values"]), want.values)
    got, _ = map_json(capsys, tmp_path, path, "--cells", 3, "--outcome", "diverged", "--y", "momentum:0.1:0.5")
    assert (got["outcome"], got["best"]) == ("diverged", None)
    np.testing.assert_allclose(got["x"]["values"], np.geomspace(1e-3, 0.04, 3), rtol=1e-12)
    np.testing.assert_allclose(got["y"]["values"], [0.1, 0.3, 0.5], rtol=1e-12)
    assert got["bound_text"] == "2(1+μ)/((1+2μ)λmax)"


@pytest.mark.parametrize("args, words", [
    (["ravine", "--run", 1, "--y", "momentun"],
     ["--y: momentum has no hyper-parameter 'momentun' (did you mean 'momentum'?)", "its axes: lr, momentum"]),
    (["ravine", "--x", "lr:0:0.1:log"], ["--x: a log axis needs low and high > 0, got 0 and 0.1"]),
    (["ravine", "--x", "lr:-1:0.1"], ["--x: a log axis needs low and high > 0"]),
    (["ravine", "--x", "lr:1e-3"], ["--x must be NAME or NAME:LOW:HIGH[:log|lin]"]),
    (["ravine", "--x", "lr:1e-3:x"], ["--x HIGH must be a number, got 'x'"]),
    (["ravine", "--x", "lr:1e-3:1:cubic"], ["the scale must be log or lin"]),
    (["ravine", "--x", "lr", "--y", "lr"], ["x and y are both 'lr'"]),
    (["ravine", "--cells", 0], ["--cells must be between 2 and 128, got 0"]),
    (["ravine", "--cells", 500], ["--cells must be between 2 and 128"]),
    (["ravine", "--steps", 0], ["--steps must be between 1 and 5,000"]),
    (["ravine", "--run", 3], ["--run 3: the scene has 3 run(s) (0 is the first)"]),
    (["ravine", "--run", -1], ["--run must be 0"]),
    (["ravine", "--solver", "adamm"], ["unknown solver 'adamm' (did you mean adam?)"]),
    (["ravine", "--outcome", "finalgap"], ["unknown --outcome 'finalgap' (did you mean final_gap?)"]),
    (["ravine", "--outcome", "steps_to_tol", "--tol", "-1"], ["--tol must be a number > 0"]),
    (["--landscape", "ravin"], ["unknown landscape 'ravin' (did you mean ravine?)"]),
    ([], ["give a SCENE"]),
    (["no_such_scene"], ["unknown scene 'no_such_scene'"]),
    (["cifar_training"], ["a cifar_training scene trains the full network"]),
    (["ravine", "--out", "{tmp}/no/dir/m.png"], ["cannot write", "does not exist"]),
    (["ravine", "--out", "/proc/m.png"], ["cannot write '/proc/m.png'"]),
    (["ravine", "--out", "{tmp}/m.gif"], ["--out must end in .png or .svg"]),
    (["ravine", "--out", "{tmp}/old.png"], ["read-only (remove it, or add --overwrite)"]),
    (["ravine", "--json", "{tmp}/m.txt"], ["--json must end in .json"]),
    (["ravine", "--size", "0x5"], ["--size"]),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, args, words):
    (tmp_path / "old.png").write_text("kept")
    (tmp_path / "old.png").chmod(0o444)
    argv = [str(a).format(tmp=tmp_path) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "m.png")]
    code, _, err = run(capsys, "map", *argv)
    error_line(code, err, *words)
    assert not (tmp_path / "m.png").exists() and (tmp_path / "old.png").read_text() == "kept"


def test_a_scenes_map_naming_a_missing_run_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "map", scene_with_map(tmp_path, run=7), "--out", tmp_path / "m.png")
    error_line(code, err, "phase_map.run: the scene has 3 run(s), so run 7 does not exist")


def test_a_batch_axis_on_a_surface_without_data_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "map", "ravine", "--y", "batch_size:8:64", "--cells", 3, "--out", tmp_path / "m.png")
    error_line(code, err, "a batch_size axis needs a surface with minibatch gradients")
    assert not (tmp_path / "m.png").exists()


def test_bad_input_is_found_before_qt_is_imported(tmp_path):
    code = ("import sys; from app import cli; "
            f"c = cli.main(['map', 'ravine', '--x', 'lr:0:1:log', '--out', {str(tmp_path / 'm.png')!r}]); "
            "print(c, 'PySide6' in sys.modules, 'pyqtgraph' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["2", "False", "False"], proc.stderr
