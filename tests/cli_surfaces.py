"""One scene of every kind of surface for the `losslab map` and `losslab tune` tests.

    args = surface_args("expression", tmp_path, request)   # SCENE [--cifar-root DIR] for the command line
    scene = surface_scene("expression", tmp_path, request) # the same scene, loaded

analytic: the built-in ravine; expression: a typed f(x, y) in a scene file; toy_classifier:
the built-in linear_classifier; cifar_slice: a scene file slicing a classifier trained on the
real CIFAR-10 (a few hundred images), read from --cifar-root (the cifar_root fixture: under CI
it fails rather than skips when the data is missing). The trained weights go to a private
user cache (XDG_CACHE_HOME), never the real one.
"""
from __future__ import annotations

import json

import pytest

KINDS = ("analytic", "expression", "toy_classifier", "cifar_slice")

EXPRESSION_SCENE = {
    "version": 1, "title": "A typed bowl",
    "landscape": {"name": "expression", "expression": "x^2 + 3*y^2 + 0.5*x*y", "bounds": [[-2, 2], [-2, 2]]},
    "runs": [{"solver": "momentum", "hyper": {"lr": 0.05, "momentum": 0.5}, "start": [1.5, -1.0]},
             {"solver": "adam", "hyper": {"lr": 0.05}, "start": [1.5, -1.0]}],
    "playback": {"steps": 80},
}
CIFAR_SCENE = {
    "version": 1, "title": "A CIFAR-10 slice",
    "landscape": {"name": "cifar_slice", "params": {"subset": 200}},
    "runs": [{"solver": "sgd", "hyper": {"lr": 0.1}}, {"solver": "momentum", "hyper": {"lr": 0.05}}],
    "playback": {"steps": 30},
}


@pytest.fixture(scope="module")
def private_cache(tmp_path_factory):
    """A private XDG cache home (the CIFAR slice's trained weights) and no data folder from outside."""
    from app.model import landscape_kinds as kinds

    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    mp.delenv(kinds.CIFAR_ROOT_ENV, raising=False)
    kinds.set_cifar_root(None)
    yield
    kinds.set_cifar_root(None)
    mp.undo()


def surface_args(kind: str, tmp_path, request) -> list[str]:
    """SCENE and the flags it needs, for the command line."""
    if kind == "analytic":
        return ["ravine"]
    if kind == "toy_classifier":
        return ["linear_classifier"]
    data = EXPRESSION_SCENE if kind == "expression" else CIFAR_SCENE
    path = tmp_path / f"{kind}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    if kind == "expression":
        return [str(path)]
    return [str(path), "--cifar-root", str(request.getfixturevalue("cifar_root"))]


def surface_scene(kind: str, tmp_path, request):
    """The scene of surface_args, loaded, its CIFAR-10 data named in the scene itself."""
    from app.model.presets import resolve_scene

    args = surface_args(kind, tmp_path, request)
    scene = resolve_scene(args[0])
    if kind == "cifar_slice":
        scene.landscape.params["root"] = args[2]
    return scene
