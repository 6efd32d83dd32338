"""Every built-in scene renders headless to a PNG that is not blank.

2-D renders need no GL (offscreen platform); the whole-window render with the
3-D view needs a display (xvfb-run). CIFAR-10 slice and training scenes use the shared data
(skipped if it is missing); a training scene trains on 2,000 of its images for 60 steps here
(its full size is the render CLI's and the window's business, not this picture's).
"""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.model.presets import builtin_scene_names, load_builtin

NAMES = builtin_scene_names()


def scene_for_test(name, cifar_root_factory):
    scene = load_builtin(name)
    if scene.landscape.name in ("cifar_slice", "cifar_training") and "root" not in scene.landscape.params:
        # the shared copy of CIFAR-10, not a download (skips when it is missing)
        scene.landscape.params["root"] = str(cifar_root_factory())
    if scene.landscape.name == "cifar_training":
        scene.landscape.params["subset"] = 2000
        scene.playback.steps = 60
    return scene


@pytest.fixture
def need_cifar(request):
    return lambda: request.getfixturevalue("cifar_root")


def assert_not_blank(path, size):
    a = np.asarray(Image.open(path).convert("RGB"))
    assert a.shape == (size[1], size[0], 3)
    flat = a.reshape(-1, 3)
    assert flat.std() > 20, "nearly uniform image"
    assert len(np.unique(flat // 16, axis=0)) > 30, "too few colours"
    # something besides the white page: the map/surface covers a good part (the 2-D map is
    # drawn 1:1, so in a wide pane it is letterboxed and covers less than the whole pane)
    assert (flat.min(axis=1) < 200).mean() > 0.12


def test_there_are_builtin_scenes():
    assert "default" in NAMES and len(NAMES) >= 5


@pytest.mark.parametrize("name", NAMES)
def test_scene_renders_2d(tmp_path, name, need_cifar):
    from app.ui.export.render import render_scene

    scene = scene_for_test(name, need_cifar)
    out = render_scene(scene, tmp_path / f"{name}.png", size=(480, 320), view="2d")
    assert_not_blank(out, (480, 320))


@pytest.mark.gl
@pytest.mark.parametrize("name", NAMES)
def test_scene_renders_whole_window(tmp_path, name, need_cifar):
    from app.ui.export.render import render_scene

    scene = scene_for_test(name, need_cifar)
    out = render_scene(scene, tmp_path / f"{name}.png", size=(960, 540), view="both")
    assert_not_blank(out, (960, 540))
