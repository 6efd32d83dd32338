"""The curvature ellipses at the heads (H) in exports: a PNG from the Export dialog, a video's frames
and a render of the scene's file (H is kept in its view), read back as pixels at the ellipse's known reach.

The rotated ravine x² + 4y² (rotated by 30°) has eigenvalues 2 and 8 everywhere, eigenvectors at
30° and 120°: the curve is an ellipse whose semi-axes are ``size`` along 30° and size/2 along 120°
(size = 0.09 of the map's visible span, as on screen: tests/ui/test_curvature.py).
"""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene, ViewSpec

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view

ORANGE = (0xE6, 0x9F, 0x00)
HEAD = (0.6, -0.4)
SIZE_PX = (720, 720)
T = np.radians(30.0)
E1, E2 = np.array([np.cos(T), np.sin(T)]), np.array([-np.sin(T), np.cos(T)])


def ravine_scene(lr=0.001, steps=5) -> Scene:
    land = LandscapeSpec("ravine", params={"condition": 4.0, "angle": 30.0}, bounds=((-2.0, 2.0), (-2.0, 2.0)),
                         resolution=80)
    return Scene(title="ellipse export", landscape=land, view=ViewSpec(mode="2d", contour_levels=0),
                 runs=[RunSpec("gd", {"lr": lr}, start=HEAD, color="#E69F00")],
                 playback=PlaybackSpec(steps=steps, speed=1))


def pixel_map(renderer):
    """data (x, y) -> (column, row) in the renderer's output: the 2-D pane's rect, times its scale."""
    rect = renderer.layout()["panes"]["2d"]
    vb = renderer.contour.plot.getViewBox()

    def at(x: float, y: float) -> np.ndarray:
        p = vb.mapViewToScene(QPointF(float(x), float(y)))
        return np.array([rect.left() + p.x(), rect.top() + p.y()]) * renderer.scale

    return at


def curve_size(renderer) -> float:
    from app.ui.views.curvature_curves import curve_size

    return curve_size(renderer.contour.plot.getViewBox().viewRange())


def reach(img, at, centre, direction, start_px: int = 14, limit_px: int = 200) -> float:
    """How far (data units) orange pixels reach from the centre along ``direction`` (a unit vector),
    from outside the head's marker on, until the line's halo ends them."""
    c = at(*centre)
    step = at(*(np.asarray(centre) + direction)) - c
    per_unit = float(np.linalg.norm(step))
    step /= per_unit
    last = 0
    for k in range(start_px, limit_px):
        col, row = np.round(c + k * step).astype(int)
        near = np.abs(img[row - 1:row + 2, col - 1:col + 2, :3].astype(int) - np.asarray(ORANGE)).max(axis=2) <= 40
        if near.any():
            last = k
        elif last and k > last + 3:
            break
    return last / per_unit


def export_png(w, qtbot, path):
    from app.ui.features.export_dialog import ExportDialog

    d = ExportDialog(w)
    qtbot.addWidget(d)
    d.select(what="2d", fmt=".png", size=SIZE_PX)
    d.path.setText(str(path))
    out = d.start()
    assert out == path, d.status.text()
    return np.asarray(Image.open(out).convert("RGB"))


def test_the_export_dialog_draws_the_heads_ellipses_the_window_shows(make_app, qtbot, tmp_path):
    from app.ui.export.render import SceneRenderer

    w, features = make_app(ravine_scene())
    w.step_once(5)
    cv = features["curvature"]
    cv.set_shown("cursor", False)
    plain = export_png(w, qtbot, tmp_path / "plain.png")
    cv.actions["heads"].trigger()                 # H
    assert cv.show_heads
    img = export_png(w, qtbot, tmp_path / "heads.png")
    # the dialog's picture is laid out as any renderer of this race at this size: read its geometry
    probe = SceneRenderer(w.race, SIZE_PX, "2d", grid=w.grid, ellipses=True)
    try:
        probe.image()
        at, size = pixel_map(probe), curve_size(probe)
        head = w.race.runs[0].head
        px = 1.0 / float(np.linalg.norm(at(*(head + E1)) - at(*head)))       # data units per pixel
        assert size > 40 * px                                                 # a curve of some size
        for direction, semi in ((E1, size), (-E1, size), (E2, size / 2), (-E2, size / 2)):
            assert abs(reach(img, at, head, direction) - semi) <= 3 * px, (direction, semi)
            assert reach(plain, at, head, direction) == 0.0                   # nothing there with H off
    finally:
        probe.close()


def test_a_video_frame_draws_each_heads_ellipse_where_it_is_then(make_app, qtbot):
    """As render_scene makes a video from the dialog: a copy of the scene raced on the window's landscape."""
    import copy

    from app.model.curvature import local_curvature
    from app.model.curvature_sketch import sketch
    from app.model.race import Race
    from app.ui.export.render import SceneRenderer

    w, features = make_app(ravine_scene(lr=0.05, steps=40))
    features["curvature"].set_shown("heads", True)
    race = Race(copy.deepcopy(w.race.scene), w.race.landscape)
    renderer = SceneRenderer(race, SIZE_PX, "2d", cache=True)     # no ellipses= : the window's choice
    try:
        for steps in (0, 20):
            race.step(steps)
            renderer.update()
            frame = renderer.frame()[..., :3].astype(int)
            at, size = pixel_map(renderer), curve_size(renderer)
            curve = sketch(local_curvature(race.landscape, race.runs[0].head), size)
            assert curve.kind == "ellipse" and len(curve.rising) == 1
            hits = []
            for x, y in curve.rising[0][::4]:
                col, row = np.round(at(x, y)).astype(int)
                patch = frame[row - 2:row + 3, col - 2:col + 3]
                hits.append((np.abs(patch - np.asarray(ORANGE)).max(axis=2) <= 40).any())
            assert np.mean(hits) >= 0.95, (steps, np.mean(hits))
        assert np.linalg.norm(race.runs[0].head - np.asarray(HEAD)) > 1.5 * size     # the head moved away
    finally:
        renderer.close()


def test_h_is_kept_in_the_scene_and_a_render_from_its_file_draws_what_it_says(make_app, qtbot, tmp_path):
    """H sets the scene's view.ellipses; a saved scene keeps it, loading it turns H on, and
    losslab render's render_scene (a landscape of its own) draws the ellipses exactly when it is on."""
    from app.model.build import build_landscape
    from app.model.race import Race
    from app.model.scene_io import load_scene, save_scene
    from app.ui.export.render import SceneRenderer, render_scene

    w, features = make_app(ravine_scene())
    cv = features["curvature"]
    assert not w.race.scene.view.ellipses and not cv.actions["heads"].isChecked()
    cv.actions["heads"].trigger()                                  # H
    assert w.race.scene.view.ellipses and cv.show_heads
    saved = load_scene(save_scene(w.race.scene, tmp_path / "with_h.json"))
    assert saved.view.ellipses
    cv.actions["heads"].trigger()                                  # H again: off, and so in the scene
    assert not w.race.scene.view.ellipses
    w.load_scene(saved)                                            # a scene that says on turns H on
    assert cv.show_heads and cv.actions["heads"].isChecked()

    race = Race(saved, build_landscape(saved.landscape))
    race.step(5)
    probe = SceneRenderer(race, SIZE_PX, "2d")
    try:
        assert probe.contour.ellipses is not None                  # the scene's choice
        probe.image()
        at, size = pixel_map(probe), curve_size(probe)
        px = 1.0 / float(np.linalg.norm(at(*(race.runs[0].head + E1)) - at(*race.runs[0].head)))
        for on in (True, False):
            saved.view.ellipses = on
            img = np.asarray(Image.open(render_scene(saved, tmp_path / f"file_{on}.png", size=SIZE_PX, view="2d",
                                                     steps=5)).convert("RGB"))
            for direction, semi in ((E1, size), (E2, size / 2)):
                got = reach(img, at, race.runs[0].head, direction)
                if on:
                    assert abs(got - semi) <= 3 * px, (direction, got, semi)
                else:
                    assert got == 0.0
    finally:
        probe.close()
