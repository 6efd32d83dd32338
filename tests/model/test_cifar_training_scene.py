"""A cifar_training scene as a live race: its data (the real CIFAR-10, by the data-folder rules),
its runs as RunSettings, and one-line refusals before any data is loaded."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.model.cifar_planes import plane_for
from app.model.cifar_training_scene import training_from_scene
from app.model.landscape_kinds import CIFAR_ROOT_ENV, set_cifar_root
from app.model.presets import load_builtin, resolve_scene
from app.model.scene import LandscapeSpec, RunSpec, Scene, palette_color
from landscapes.cifar import image_mean, load_cifar10, preprocess


@pytest.fixture(autouse=True)
def no_chosen_root(monkeypatch, tmp_path):
    monkeypatch.delenv(CIFAR_ROOT_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))   # no downloaded archive either
    set_cifar_root(None)
    yield
    set_cifar_root(None)


def training(params=None, runs=None, **scene):
    return Scene(landscape=LandscapeSpec(name="cifar_training", params=params or {}),
                 runs=runs if runs is not None else [RunSpec(solver="sgd", hyper={"lr": 4e-7}, batch_size=64)],
                 **scene)


def test_the_builtin_scene_is_the_race_it_describes(cifar_root):
    scene = resolve_scene("cifar_training")     # `losslab --scene cifar_training` resolves it
    assert scene == load_builtin("cifar_training")
    scene.landscape.params = {**scene.landscape.params, "root": str(cifar_root), "subset": 500}
    progress = []
    race, plane = training_from_scene(scene, lambda f, m: progress.append((f, m)), lambda: False)
    assert plane == "pca" and progress[0][0] == 0.0 and progress[-1][0] == 1.0
    assert [r.settings.solver for r in race.runs] == ["sgd", "momentum", "adam", "random_search"]
    for i, (run, spec) in enumerate(zip(race.runs, scene.runs, strict=True)):
        assert run.settings.hyper == spec.hyper and run.settings.batch_size == spec.batch_size == 200
        assert run.label == spec.label and run.settings.color == palette_color(i)
    assert (race.loss, race.reg, race.strength, race.seed) == ("softmax", "l2", 5e3, 0)
    assert race.eval_every is None
    # the first 500 training images train, the last 1,000 of the 50,000 validate, with the training mean
    x, y, _, _ = load_cifar10(cifar_root)
    mean = image_mean(x[:500])
    np.testing.assert_allclose(race.data.mean, mean)
    np.testing.assert_allclose(race.data.X, preprocess(x[:500], mean), rtol=6e-8, atol=1e-5)
    np.testing.assert_allclose(race.data.X_val, preprocess(x[49000:], mean), rtol=6e-8, atol=1e-5)
    np.testing.assert_array_equal(race.data.y_val, y[49000:])
    race.step(3)
    assert plane_for(race, plane).kind == "pca"


def test_params_and_the_chosen_folder(cifar_root):
    set_cifar_root(cifar_root)   # no "root" param: the chosen data folder
    runs = [RunSpec(solver="adam", hyper={"lr": 1e-5}, batch_size=None, color="#123456"),
            RunSpec(solver="sgd", hyper={"lr": 1e-7}, batch_size=32, enabled=False),
            RunSpec(solver="random_search", schedule={"kind": "step", "step_size": 5, "gamma": 0.5})]
    scene = training({"subset": 300, "loss": "svm", "reg": "l1", "plane": "endpoints", "eval_every": 7}, runs,
                     seed=4)
    race, plane = training_from_scene(scene)
    assert plane == "endpoints" and race.eval_every == 7 and race.seed == 4   # the scene's seed
    assert (race.loss, race.reg, race.strength) == ("svm", "l1", 5.0)         # l1's default strength
    assert [r.label for r in race.runs] == ["adam, lr 1.0e-05, full batch", "random_search, full batch"]
    assert [r.settings.color for r in race.runs] == ["#123456", palette_color(2)]   # disabled run left out
    assert race.runs[1].schedule is not None and len(race.data.y) == 300
    scene.landscape.params["seed"] = 9
    assert training_from_scene(scene)[0].seed == 9


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.runs.append(RunSpec(solver="newton")),
     r"^runs\[1\]\.solver: newton needs the Hessian of all 30,730 weights"),
    (lambda s: setattr(s.runs[0], "batch_size", 16), r"^runs\[0\]\.batch_size: 32\.\.256 images a step, or null"),
    (lambda s: setattr(s.runs[0], "start", (0.0, 1.0)), r"^runs\[0\]\.start: every run .* starts from the same"),
    (lambda s: setattr(s.runs[0], "noise", 0.5), r"^runs\[0\]\.noise: "),
    (lambda s: setattr(s.runs[0], "enabled", False), "^runs: a cifar_training scene needs at least one enabled run$"),
    (lambda s: s.landscape.params.update(plane="pcaa"), r"^landscape\.params\.plane: expected one of pca, endpoints"),
    (lambda s: setattr(s, "landscape", LandscapeSpec(name="cifar_slice")), "^not a cifar_training scene"),
])
def test_bad_scenes_are_refused_in_one_line_before_loading(tmp_path, edit, message):
    scene = training({"root": str(tmp_path / "no such folder")})
    edit(scene)
    with pytest.raises(ValueError, match=message) as err:
        training_from_scene(scene)
    assert "\n" not in str(err.value)


def test_missing_data_says_what_to_do(tmp_path, monkeypatch):
    with pytest.raises(ValueError) as err:
        training_from_scene(training())
    text = str(err.value)
    assert text.startswith("CIFAR-10 data not found") and "losslab cifar fetch" in text and "\n" not in text
    monkeypatch.setenv(CIFAR_ROOT_ENV, str(tmp_path / "gone"))
    with pytest.raises(ValueError, match=f"no CIFAR-10 data at {tmp_path / 'gone'}: click Download"):
        training_from_scene(training())


def test_cancel_stops_after_loading(cifar_root):
    from landscapes.cifar import Cancelled

    with pytest.raises(Cancelled):
        training_from_scene(training({"root": str(cifar_root), "subset": 100}), cancel=lambda: True)


def test_the_scene_round_trips_through_json():
    from app.model.scene_io import scene_from_dict, scene_to_dict

    for name in ("cifar_training", "cifar_batch_size"):
        scene = load_builtin(name)
        assert scene_from_dict(scene_to_dict(scene)) == scene
        assert dataclasses.asdict(scene)["landscape"]["name"] == "cifar_training"
