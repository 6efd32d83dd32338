"""`losslab render` of a cifar_training scene end to end (a subprocess, real data): the picture,
the replay video, and bad input in one line."""
from __future__ import annotations

import copy
import os

import numpy as np
import pytest
from PIL import Image

from app.model.presets import load_builtin
from app.model.scene_io import save_scene
from tests.export.ffprobe import probe
from tests.export.test_cli_render import assert_clean_failure, losslab


@pytest.fixture
def small_scene(tmp_path):
    """The built-in cifar_training scene on 1,000 training images (no data folder named in it)."""
    scene = copy.deepcopy(load_builtin("cifar_training"))
    scene.landscape.params["subset"] = 1000
    return save_scene(scene, tmp_path / "small_training.json")


def env_with(root):
    env = os.environ.copy()
    env["LOSSLAB_CIFAR_ROOT"] = str(root)
    return env


def test_png_from_the_data_folder_variable(tmp_path, small_scene, cifar_root):
    out = tmp_path / "race.png"
    proc = losslab("render", small_scene, "--steps", "20", "--size", "1280x720", "--out", out,
                   env=env_with(cifar_root))
    assert proc.returncode == 0, proc.stderr
    assert "100% done" in proc.stderr                      # the same progress bar as every render
    a = np.asarray(Image.open(out).convert("RGB"))
    assert a.shape == (720, 1280, 3)
    flat = a.reshape(-1, 3)
    assert flat.std() > 20 and len(np.unique(flat // 16, axis=0)) > 30
    # the plane's colour map (viridis: no grey) covers part of the right half
    right = a[:, 700:].reshape(-1, 3).astype(int)
    assert (np.ptp(right, axis=1) > 60).mean() > 0.05


def test_mp4_replays_the_race(tmp_path, small_scene, cifar_root):
    out = tmp_path / "race.mp4"
    proc = losslab("render", small_scene, "--steps", "12", "--size", "640x360", "--fps", "10", "--out", out,
                   "--cifar-root", cifar_root)
    assert proc.returncode == 0, proc.stderr
    info = probe(out)
    # one frame per recorded step: the race keeps every one of its first 128 iterates, so 0..12
    assert (info["width"], info["height"], info["frames"]) == (640, 360, 13)


@pytest.mark.parametrize("extra, words", [
    (["--view", "3d"], ["cifar_training", "--view 2d"]),
    (["--cifar-root", "{missing}"], ["no CIFAR-10 data at", "Download"]),
])
def test_bad_input_is_one_line(tmp_path, small_scene, cifar_root, extra, words):
    args = [a.replace("{missing}", str(tmp_path / "nowhere")) for a in extra]
    proc = losslab("render", small_scene, "--steps", "5", *args, "--out", tmp_path / "x.png",
                   env=env_with(cifar_root))
    assert_clean_failure(proc, *words)
    assert not (tmp_path / "x.png").exists()


def test_every_pane_is_in_the_picture(cifar_root):
    """Plots, templates, the loss map, the accuracy map and the honesty strip all get a visible share."""
    from app.model.cifar_training_scene import training_from_scene
    from app.ui.export.qt_app import ensure_app
    from app.ui.export.training_render import TrainingPicture
    from app.ui.views.plane_pane import compute_plane

    ensure_app(need_gl=False)
    scene = copy.deepcopy(load_builtin("cifar_training"))
    scene.landscape.params.update(subset=1000, root=str(cifar_root))
    race, kind = training_from_scene(scene)
    race.step(10)
    picture = TrainingPicture(race, compute_plane(race, kind), (1280, 720), scene.title)
    try:
        picture.show_step(race.t)
        img = picture.image()
        assert (img.width(), img.height()) == (1280, 720)
        for pane in (picture.plots, picture.templates, picture.loss_map, picture.acc_map, picture.honesty):
            assert pane.isVisible() and pane.width() > 300 and pane.height() > 120, type(pane).__name__
        assert len(picture.loss_map._tracks) == len(race.runs) == 4    # every run projected, random search too
    finally:
        picture.close()
