"""`losslab tune`: the tuned scene is fair_race.tune_all + apply run directly, on every kind of
surface; the tuned lr is the brute-force best of its grid; the scene re-tunes to the same values and
renders; flags override the scene's budget; bad input is one line with exit code 2.

Reference for the brute force: solvers.run of every setting of the documented grid
(lr₀·10^linspace(-1.5, 1.5, n), lr₀ the suggested lr; μ in 0.5, 0.8, 0.9, 0.95), the least final loss.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import solvers
from app.model import fair_race
from app.model.build import build_landscape, start_of
from app.model.presets import load_builtin
from app.model.scene import TuneBudget
from app.model.scene_io import load_scene
from app.model.suggest import suggest_hyper
from tests.cli_surfaces import KINDS, private_cache, surface_args, surface_scene  # noqa: F401 (a fixture)
from tests.test_cli_map import error_line, run


def tune(capsys, out, *args):
    code, stdout, err = run(capsys, "tune", *args, "--out", out)
    assert code == 0, err
    assert "100%" in err
    return load_scene(out), stdout.strip()


@pytest.mark.parametrize("kind", KINDS)
def test_tune_on_every_kind_of_surface(capsys, tmp_path, request, private_cache, kind):  # noqa: F811
    args = surface_args(kind, tmp_path, request)
    tuned, printed = tune(capsys, tmp_path / "tuned.json", *args, "--trials", 4, "--steps", 10)
    scene = surface_scene(kind, tmp_path, request)
    budget = TuneBudget(trials=4, steps=10, seeds=(0,), objective="final_loss")
    result = fair_race.tune_all(scene, budget, landscape=build_landscape(scene.landscape))
    want = fair_race.apply(scene, result)
    assert [r.hyper for r in tuned.runs] == [r.hyper for r in want.runs]
    assert [r.hyper for r in tuned.runs] != [r.hyper for r in scene.runs]      # the tuning changed them
    assert tuned.tuning == budget and tuned.caption == want.caption
    assert printed == fair_race.fine_print(result)


def test_the_tuned_lr_is_the_brute_force_best_and_the_scene_retunes_and_renders(capsys, tmp_path):
    out = tmp_path / "tuned.json"
    tuned, _ = tune(capsys, out, "ravine", "--trials", 8, "--steps", 40)
    f = build_landscape(load_builtin("ravine").landscape)
    start = start_of(tuned.runs[0], f)
    for k, name in ((0, "gd"), (1, "momentum")):
        lr0 = suggest_hyper(name, f, start)["lr"]
        seconds = (0.5, 0.8, 0.9, 0.95) if name == "momentum" else (None,)
        lrs = lr0 * 10.0 ** np.linspace(-1.5, 1.5, 8 // len(seconds))
        final = {}
        for mu in seconds:
            for lr in lrs:
                hyper = {"lr": lr} if mu is None else {"lr": lr, "momentum": mu}
                traj = solvers.run(solvers.make(name, **hyper), f, start, steps=40)
                final[(lr, mu)] = np.inf if traj.diverged else float(traj.losses[-1])
        lr, mu = min(final, key=final.get)
        assert tuned.runs[k].hyper["lr"] == pytest.approx(lr, rel=1e-12), name
        if mu is not None:
            assert tuned.runs[k].hyper["momentum"] == mu
    # the scene carries its budget: tuning it again gives the same values
    again, _ = tune(capsys, tmp_path / "again.json", out)
    assert [r.hyper for r in again.runs] == [r.hyper for r in tuned.runs] and again.tuning == tuned.tuning
    # and it renders headless
    png = tmp_path / "tuned.png"
    code, _, err = run(capsys, "render", out, "--view", "2d", "--steps", 20, "--size", "480x320", "--out", png)
    assert code == 0, err
    a = np.asarray(Image.open(png).convert("RGB"))
    assert a.shape == (320, 480, 3) and a.std() > 20


def test_flags_override_parts_of_the_scenes_budget(capsys, tmp_path):
    scene = load_builtin("ravine")
    scene.tuning = TuneBudget(trials=8, steps=25, seeds=(0,), objective="auc")
    path = tmp_path / "budget.json"
    from app.model.scene_io import save_scene

    save_scene(scene, path)
    tuned, printed = tune(capsys, tmp_path / "tuned.json", path, "--trials", 4, "--seeds", "3, 5")
    assert tuned.tuning == TuneBudget(trials=4, steps=25, seeds=(3, 5), objective="auc")
    assert "4 trials of 25 steps" in printed and "mean over seeds 3, 5" in printed
    assert "area under the loss curve" in json.loads((tmp_path / "tuned.json").read_text())["caption"]


@pytest.mark.parametrize("args, words", [
    (["ravine", "--trials", 6], ["--trials must be a multiple of 4"]),
    (["ravine", "--trials", 0], ["--trials must be a whole number in 4..256, got 0"]),
    (["ravine", "--steps", 0], ["--steps must be a whole number in 1.."]),
    (["ravine", "--seeds", "1,1"], ["--seeds must be 1 to 16 distinct seeds"]),
    (["ravine", "--seeds", "a,b"], ["--seeds must be whole numbers separated by commas"]),
    (["ravine", "--seeds", ","], ["--seeds needs at least one seed"]),
    (["ravine", "--seeds", "-1"], ["--seeds: a seed must be a whole number in 0.."]),
    (["ravine", "--objective", "final_los"], ["unknown --objective 'final_los' (did you mean final_loss?)"]),
    (["ravine", "--trials", 256, "--steps", 5000, "--seeds", ",".join(map(str, range(16)))],
     ["steps of tuning (runs × trials × seeds × steps) is over the limit"]),
    (["linear_classifier", "--objective", "distance_to_minimum"], ["needs the surface's known minima"]),
    (["no_such_scene"], ["unknown scene 'no_such_scene'"]),
    (["cifar_training"], ["a cifar_training scene trains the full network"]),
    (["ravine", "--out", "{tmp}/t.png"], ["--out must end in .json"]),
    (["ravine", "--out", "{tmp}/no/dir/t.json"], ["cannot write", "does not exist"]),
    (["ravine", "--out", "/proc/t.json"], ["cannot write '/proc/t.json'"]),
    (["ravine", "--out", "{tmp}/old.json"], ["read-only (remove it, or add --overwrite)"]),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, args, words):
    (tmp_path / "old.json").write_text("kept")
    (tmp_path / "old.json").chmod(0o444)
    argv = [str(a).format(tmp=tmp_path) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "t.json")]
    code, _, err = run(capsys, "tune", *argv)
    error_line(code, err, *words)
    assert not (tmp_path / "t.json").exists() and (tmp_path / "old.json").read_text() == "kept"
