"""Renders print nothing but their progress: no numpy RuntimeWarnings on stderr.

Far from its minimum a surface may overflow; that is expected and handled (the
grid keeps finite values, the views switch to a log scale when float32 heights
would overflow), so it must not reach the user as "RuntimeWarning: overflow".
"""
from __future__ import annotations

import warnings

import pytest

from app import cli
from app.model.landscape_kinds import kind_of
from app.model.presets import builtin_scene_names, load_builtin
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

pytest.importorskip("PySide6")

# the CIFAR-10 scenes need the data set and minutes of training: tests/cifar covers them
ANALYTIC = [n for n in builtin_scene_names() if not kind_of(load_builtin(n).landscape).slow]


@pytest.mark.parametrize("name", ANALYTIC)
def test_builtin_scene_renders_with_a_clean_stderr(name, tmp_path, capfd):
    out = tmp_path / "x.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = cli.main(["render", name, "--view", "2d", "--size", "320x240", "--out", str(out)])
    err = capfd.readouterr().err
    assert code == 0, err
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []
    lines = [ln for ln in err.replace("\r", "\n").split("\n") if ln.strip()]
    assert lines and all(ln.startswith(("rendering [", "wrote ")) for ln in lines), err


@pytest.mark.parametrize("landscape, start", [
    # heights ~1e80: beyond float32, so shown on a log scale instead of overflowing the cast
    (LandscapeSpec("quadratic_bowl", resolution=40, bounds=((-1e40, 1e40), (-1e40, 1e40))), (0.0, 0.0)),
    # x² + y² overflows to inf in the grid's corners (replaced by the largest finite value)
    (LandscapeSpec("quadratic_bowl", resolution=40, bounds=((-1.2e154, 1.2e154), (-1.2e154, 1.2e154))), (0.0, 0.0)),
    # values ~1e-60 with an even thinner span: pyqtgraph's rescale would overflow
    (LandscapeSpec("expression", expression="1/(x^2+y^2)", resolution=40,
                   bounds=((-1e30, 1e30), (-1e30, 1e30))), (5e29, 3e29)),
])
@pytest.mark.parametrize("view", ["2d", "3d"])
def test_extreme_surfaces_render_without_runtime_warnings(tmp_path, landscape, start, view):
    import numpy as np
    from PIL import Image

    from app.ui.export.render import render_scene

    scene = Scene(title="extreme", landscape=landscape, runs=[RunSpec("gd", {"lr": 1e-3}, start=start)],
                  playback=PlaybackSpec(steps=5))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = render_scene(scene, tmp_path / "x.png", size=(320, 240), view=view)
    assert [f"{w.filename}:{w.lineno}: {w.message}" for w in caught if issubclass(w.category, RuntimeWarning)] == []
    rgb = np.asarray(Image.open(out).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(rgb, axis=0)) > 20          # a picture, not a blank pane


def test_a_surface_infinite_everywhere_is_one_error_without_warnings(tmp_path):
    from app.ui.export.render import render_scene

    scene = Scene(title="inf", landscape=LandscapeSpec("quadratic_bowl", resolution=20,
                                                         bounds=((1e200, 2e200), (1e200, 2e200))),
                  runs=[RunSpec("gd", {"lr": 1e-3}, start=(0.0, 0.0))], playback=PlaybackSpec(steps=2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="is not finite anywhere"):
            render_scene(scene, tmp_path / "x.png", size=(320, 240), view="2d")
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []
