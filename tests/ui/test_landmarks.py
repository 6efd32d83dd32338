"""A CIFAR-10 plane's W_init, W* and W_random are marked and named on the 2-D map (issue 10 point 21)."""
from __future__ import annotations

import numpy as np
import pytest

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

from .conftest import race_scene

pytestmark = pytest.mark.gl
WAIT = 120_000   # ms, a shared machine (never a speed assertion)


def shown(marks) -> dict:
    pos = marks.points.data
    return {label.toPlainText(): (float(x), float(y))
            for label, x, y in zip(marks.labels, pos["x"], pos["y"], strict=True)}


def test_the_plane_through_w_init_w_star_and_w_random_marks_all_three(qtbot, make_app, cifar_root):
    w, features = make_app(race_scene())
    marks = features["landmarks"].marks
    assert shown(marks) == {}                        # a bowl has no named points
    params = {"plane": "init_opt_random", "subset": 300, "root": str(cifar_root)}
    scene = Scene(title="plane", landscape=LandscapeSpec("cifar_slice", params=params, resolution=21),
                  runs=[RunSpec("gd", {"lr": 0.1})], playback=PlaybackSpec(steps=5))
    w.load_scene(scene)
    qtbot.waitUntil(lambda: w.race.scene.landscape.name == "cifar_slice" or "failed" in w.status_label.text(),
                    timeout=WAIT)
    f = w.race.landscape
    assert set(f.landmarks) == {"W*", "W_init", "W_random"}, w.status_label.text()
    marked = shown(marks)
    assert set(marked) == set(f.landmarks)
    for name, ab in f.landmarks.items():
        np.testing.assert_allclose(marked[name], ab)
    # W_init is where gd starts (1, 0), W* the origin: the names sit on the plane's own coordinates
    np.testing.assert_allclose(marked["W_init"], w.race.runs[0].points[0])
    np.testing.assert_allclose(marked["W*"], (0.0, 0.0), atol=1e-12)
    # each name is drawn centred above its diamond, over the runs, and readable at lecture size
    features["lecture"].enter()
    qtbot.wait(100)
    assert all(label.zValue() > 20 and label.textItem.font().pointSize() >= 18 for label in marks.labels)
    features["lecture"].leave()
    # another surface: the marks go
    w.load_scene(race_scene())
    qtbot.waitUntil(lambda: w.race.scene.landscape.name != "cifar_slice", timeout=WAIT)
    assert shown(marks) == {} and marks.labels == []


def test_an_export_of_the_plane_names_the_three_too(tmp_path, cifar_root):
    from app.model.build import build_landscape
    from app.model.race import Race
    from app.ui.export.render import ensure_app
    from app.ui.export.scene_renderer import SceneRenderer

    params = {"plane": "init_opt_random", "subset": 300, "root": str(cifar_root)}
    scene = Scene(title="plane", landscape=LandscapeSpec("cifar_slice", params=params, resolution=21),
                  runs=[RunSpec("gd", {"lr": 0.1})], playback=PlaybackSpec(steps=5))
    ensure_app(need_gl=False)
    race = Race(scene, build_landscape(scene.landscape))
    renderer = SceneRenderer(race, (640, 480), "2d")
    try:
        items = renderer.contour.plot.getViewBox().addedItems
        names = sorted(it.toPlainText() for it in items if hasattr(it, "toPlainText"))
        assert names == ["W*", "W_init", "W_random"]
        assert renderer.image().width() == 640
    finally:
        renderer.close()
