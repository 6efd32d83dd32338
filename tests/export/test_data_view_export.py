"""Export of the linear-classifier lab's data view (issue 11): a view like the others (--view data),
beside the surface in --view both, as PNG, SVG and video; the pixels say what a hand computation says."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene
from landscapes.toy_classifier import classic_points, multiclass_loss
from tests.export.ffprobe import probe

pytest.importorskip("PySide6")

# The classes' colours as the lab draws them (Okabe-Ito blue, bluish green, vermillion)
CLASS_RGB = ((0x00, 0x72, 0xB2), (0x00, 0x9E, 0x73), (0xD5, 0x5E, 0x00))


def toy_scene(runs=None, steps=20, speed=1) -> Scene:
    runs = runs if runs is not None else [RunSpec("gd", {"lr": 0.2})]
    return Scene(title="Export test: the toy classifier",
                 landscape=LandscapeSpec("toy_classifier", params={"loss": "ww", "reg": 0.1}, resolution=50),
                 runs=runs, playback=PlaybackSpec(steps=steps, speed=speed, fps=10))


def _renderer(scene, size, view):
    from app.model.race import Race
    from app.ui.export.render import SceneRenderer, ensure_app

    ensure_app(need_gl=view != "data")
    race = Race(scene)
    race.step(race.total_steps)
    return race, SceneRenderer(race, size, view)


def _pixels(img) -> np.ndarray:
    from app.ui.export.image_io import qimage_to_rgb

    return qimage_to_rgb(img)


def _to_pixel(renderer, x, y):
    """Device pixel (column, row) of data point (x, y) in the exported data pane."""
    from PySide6.QtCore import QPointF

    rect = renderer.layout()["panes"]["data"]
    p = renderer.data.plot.getViewBox().mapViewToScene(QPointF(x, y))
    s = renderer.scale
    return int(round((rect.left() + p.x()) * s)), int(round((rect.top() + p.y()) * s))


def _quiet_places(W, b, box, X):
    """Per class, a place well inside its predicted region: far from every boundary, zero-score
    line, arrow and data point (computed here from W and b, not by the app)."""
    (x0, x1), _ = box
    width = x1 - x0
    found = {}
    g = np.linspace(x0 + 0.1 * width, x1 - 0.1 * width, 25)
    for px in g:
        for py in g:
            p = np.array([px, py])
            s = W @ p + b
            order = np.argsort(s)[::-1]
            c, second = order[0], order[1]
            gap = (s[c] - s[second]) / np.linalg.norm(W[c] - W[second])
            to_zero = np.min(np.abs(s) / np.linalg.norm(W, axis=1))
            to_point = np.min(np.linalg.norm(X - p, axis=1))
            if gap > 0.12 * width and to_zero > 0.1 * width and to_point > 0.08 * width:
                best = found.get(c)
                if best is None or gap > best[0]:
                    found[int(c)] = (gap, p)
    return {c: p for c, (_, p) in found.items()}


def test_data_view_background_is_the_predicted_class_of_the_run(tmp_path):
    race, r = _renderer(toy_scene(), (900, 600), "data")
    try:
        img = _pixels(r.image())
        theta = race.runs[0].theta
        W, b = theta[:6].reshape(3, 2), theta[6:]
        X, _y = classic_points()
        places = _quiet_places(W, b, r.data.view.box, X)
        assert len(places) >= 2, places            # the classifier after 20 steps shows at least two classes
        for c, (x, y) in places.items():
            col, row = _to_pixel(r, x, y)
            tint = np.array([round(255 + 0.30 * (v - 255)) for v in CLASS_RGB[c]])
            assert np.abs(img[row, col].astype(int) - tint).max() <= 3, (c, (x, y), img[row, col], tint)
        # the points: a class-0 point's centre in its class colour
        col, row = _to_pixel(r, *X[0])
        assert np.abs(img[row, col].astype(int) - np.array(CLASS_RGB[0])).max() <= 3
        # drawn 1:1: a unit along x spans as many pixels as a unit along y
        (a, _), (c1, _), (_, r0), (_, r1) = (_to_pixel(r, 0, 0), _to_pixel(r, 1, 0), _to_pixel(r, 0, 0),
                                             _to_pixel(r, 0, 1))
        assert abs(c1 - a) == pytest.approx(abs(r1 - r0), abs=1)
    finally:
        r.close()


def test_render_data_view_to_png_and_svg(tmp_path):
    from app.ui.export.render import render_scene

    png = render_scene(toy_scene(), tmp_path / "data.png", size=(640, 480), view="data")
    a = np.asarray(Image.open(png).convert("RGB"))
    assert a.shape == (480, 640, 3)
    assert a.reshape(-1, 3).std(axis=0).max() > 20
    svg = render_scene(toy_scene(), tmp_path / "data.svg", size=(640, 480), view="data")
    root = ET.parse(svg).getroot()
    colours = {(el.get("fill") or "").lower() for el in root.iter()} | \
              {(el.get("stroke") or "").lower() for el in root.iter()}
    assert {"#0072b2", "#009e73", "#d55e00"} <= colours      # points and zero-score lines, as vectors


def test_the_data_view_of_a_surface_without_data_is_refused(tmp_path):
    from app.ui.export.render import RenderError, render_scene

    bowl = Scene(title="bowl", landscape=LandscapeSpec("quadratic_bowl", resolution=30), runs=[RunSpec("gd")])
    with pytest.raises(RenderError, match="toy_classifier"):
        render_scene(bowl, tmp_path / "x.png", view="data")
    assert not (tmp_path / "x.png").exists()


def test_gif_of_the_data_view_has_a_frame_per_step(tmp_path):
    from app.ui.export.render import render_scene

    out = render_scene(toy_scene(steps=4), tmp_path / "data.gif", size=(320, 240), view="data")
    info = probe(out)
    assert (info["width"], info["height"], info["frames"]) == (320, 240, 5)


def test_export_options_know_the_data_view():
    from app.model.export_options import ExportOptionError, check_view, needs_gl

    assert check_view("data") == "data" and check_view("data", ".svg") == "data"
    assert check_view("both", ".svg") == "2d"
    assert not needs_gl("data") and not needs_gl("2d") and needs_gl("both")
    with pytest.raises(ExportOptionError, match="data"):
        check_view("dataview")


@pytest.mark.gl
def test_both_shows_the_data_view_beside_the_surface_drawn_through_the_run(tmp_path):
    runs = [RunSpec("gd", {"lr": 0.2}), RunSpec("momentum", {"lr": 0.05, "momentum": 0.9})]
    race, r = _renderer(toy_scene(runs=runs), (1280, 720), "both")
    try:
        panes = r.layout()["panes"]
        assert set(panes) == {"3d", "2d", "data", "plots"}
        assert panes["3d"].right() < panes["2d"].left() < panes["2d"].right() < panes["data"].left()
        # the surface under the paths is the plane through the first run's parameters
        theta = race.runs[0].theta
        X, y = classic_points()
        for j, i in ((0, 0), (20, 31), (49, 49)):
            W, b = theta[:6].reshape(3, 2).copy(), theta[6:]
            W[0] = (r.grid.xs[i], r.grid.ys[j])
            s = X @ W.T + b
            margins = s - s[np.arange(9), y][:, None] + 1.0
            margins[np.arange(9), y] = 0.0
            assert r.grid.f[j, i] == pytest.approx(np.maximum(margins, 0).sum(1).mean() + 0.1 * (W ** 2).sum())
        img = _pixels(r.image())
        data = img[round(panes["data"].top()):round(panes["data"].bottom()),
                   round(panes["data"].left()):round(panes["data"].right())]
        assert data.reshape(-1, 3).std(axis=0).max() > 20     # the data pane is drawn, not blank
    finally:
        r.close()


@pytest.mark.gl
def test_mp4_of_both_redraws_the_surface_under_the_moving_run(tmp_path):
    """A video of the whole window: the 2-D map is redrawn each frame through the first run (its
    cached layer follows), so first and last frames differ in the map, not only in the paths."""
    from app.model.race import Race
    from app.ui.export.render import SceneRenderer, ensure_app, render_scene

    out = render_scene(toy_scene(steps=6, speed=2), tmp_path / "both.mp4", size=(640, 360), view="both")
    assert probe(out)["frames"] == 4
    ensure_app(need_gl=True)
    race = Race(toy_scene(steps=6))
    r = SceneRenderer(race, (640, 360), "both", cache=True)
    try:
        first = r.grid.f.copy()
        r.frame()
        layer = r.contour._layer
        race.step(6)
        r.update()
        r.frame()
        theta = race.runs[0].theta
        assert not np.allclose(r.grid.f, first)
        assert float(r.contour.view.grid.f[0, 0]) == pytest.approx(float(r.grid.f[0, 0]))
        assert r.contour._layer is not None and r.contour._layer is not layer   # the map layer redrawn
        W, b = theta[:6].reshape(3, 2).copy(), theta[6:]
        W[0] = (r.grid.xs[0], r.grid.ys[0])
        assert r.grid.f[0, 0] == pytest.approx(float(multiclass_loss(W, b, *classic_points(), "ww", 0.1)[0]))
    finally:
        r.close()


def test_cli_renders_the_built_in_scene_as_a_data_view(tmp_path):
    from tests.export.test_cli_render import losslab

    out = tmp_path / "x.png"
    proc = losslab("render", "linear_classifier", "--view", "data", "--steps", "5", "--size", "480x360",
                   "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert np.asarray(Image.open(out)).shape[:2] == (360, 480)
    bad = losslab("render", "default", "--view", "data", "--steps", "1", "--out", tmp_path / "y.png")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "toy_classifier" in bad.stderr
    assert not (tmp_path / "y.png").exists()
