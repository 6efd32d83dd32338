"""Curvature you can see (issue 13, "On every 2-D surface"): the local quadratic's curve at the
cursor and the heads, 2/λmax on the lr slider, and the 2-D map coloured by curvature.

Expected numbers come from the surfaces' Hessians worked by hand: the ravine
x² + κ·y² (rotated by θ) has eigenvalues 2 and 2κ, the bowl x² + y² has 2 and 2,
and x⁴ − x² + y² has λmin = 12x² − 2, negative exactly for |x| < 1/√6.
"""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QStyle, QStyleOptionSlider

from app.model import scene_io
from app.model.curvature_sketch import WARNING
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene, ViewSpec
from app.ui.features import curvature as feature

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view

QUARTIC = "x^4 - x^2 + y^2"
MARKERS_PX = 5     # the (shrunk) head and start markers cover the curve's centre


def _scene(landscape: LandscapeSpec, runs, view: ViewSpec | None = None) -> Scene:
    return Scene(title="curvature test", landscape=landscape, runs=runs, view=view or ViewSpec(),
                 playback=PlaybackSpec(steps=50, speed=1))


def _pixels(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return arr.reshape(h, img.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)[..., 2::-1].astype(int)   # RGB


def _map_pixels(w) -> tuple[np.ndarray, object]:
    """The 2-D map as RGB pixels, and data (x, y) -> (column, row) in them."""
    view = w.contour_view
    img = _pixels(view.plot_widget.grab().toImage())
    ratio = view.plot_widget.grab().devicePixelRatio()

    def at(x: float, y: float) -> tuple[int, int]:
        p = view.data_to_widget(x, y)
        return round(p.x() * ratio), round(p.y() * ratio)

    return img, at


# --- the lr slider's mark --------------------------------------------------------------------------
@pytest.mark.parametrize("landscape, bound", [
    (LandscapeSpec("ravine", params={"condition": 20.0}, resolution=60), 2.0 / 40.0),
    (LandscapeSpec("ravine", params={"condition": 50.0, "angle": 30.0}, resolution=60), 2.0 / 100.0),
    (LandscapeSpec("quadratic_bowl", resolution=60), 2.0 / 2.0),
])
def test_the_lr_slider_marks_two_over_lambda_max_at_the_head(qtbot, make_app, landscape, bound):
    w, features = make_app(_scene(landscape, [RunSpec("gd", {"lr": 0.5 * bound}, start=(1.2, 0.8))]))
    w.step_once(5)
    slider = w.runs_panel.slider("lr")
    assert slider.mark_value == pytest.approx(bound, rel=1e-12)
    assert slider.slider.mark_tick == slider._to_tick(bound)
    assert f"2/λmax = {bound:.3g}" in slider.note.text() and WARNING not in slider.note.text()
    # the red mark is drawn where the handle stands when the slider is set to the bound
    s = slider.slider
    s.setValue(slider._to_tick(bound))
    opt = QStyleOptionSlider()
    s.initStyleOption(opt)
    handle = s.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, s)
    slider.set_value(0.5 * bound)                       # the handle away from the mark again
    img = _pixels(s.grab().toImage())
    red = (img[..., 0] > 150) & (img[..., 1] < 80) & (img[..., 2] < 80)
    cols = np.nonzero(red.any(axis=0))[0] / s.grab().devicePixelRatio()
    assert len(cols) and abs(cols.mean() - handle.center().x()) <= 1.5


def test_the_past_the_bound_note_appears_exactly_when_lr_is_above_it(qtbot, make_app):
    land = LandscapeSpec("ravine", params={"condition": 100.0}, resolution=60)    # λmax 200: bound 0.01
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.005}, start=(-2.0, 0.5))]))
    cv = features["curvature"]
    cv.set_shown("heads", True)
    for typed, past in (("0.0099", False), ("0.01", False), ("0.0101", True), ("0.00999", False), ("0.05", True)):
        assert w.runs_panel.slider("lr").type_value(typed)
        slider = w.runs_panel.slider("lr")               # remade or kept: ask again
        assert w.race.runs[0].solver.hyper["lr"] == float(typed)
        assert (WARNING in slider.note.text()) is past, typed
        assert (feature.head_warning(cv.bound) in cv.head_label.textItem.toPlainText()) is past, typed
        assert cv.bound.value == pytest.approx(0.01, rel=1e-12) and cv.bound.past is past


@pytest.mark.parametrize("solver, hyper, marked", [
    ("sgd", {"lr": 0.01}, True),
    ("momentum", {"lr": 0.01, "momentum": 0.0}, True),
    ("momentum", {"lr": 0.01, "momentum": 0.9}, True),
    ("nesterov", {"lr": 0.01, "momentum": 0.9}, True),
    ("adam", {"lr": 0.01}, False),
    ("newton", {"lr": 1.0}, False),
])
def test_only_solvers_with_a_stability_bound_get_the_mark(qtbot, make_app, solver, hyper, marked):
    land = LandscapeSpec("quadratic_bowl", resolution=40)
    w, _ = make_app(_scene(land, [RunSpec(solver, hyper, start=(1.0, 0.5))]))
    slider = w.runs_panel.slider("lr")
    assert (slider.mark_value is not None) is marked
    assert slider.note.isVisibleTo(slider) is marked
    if marked:
        assert "2(1+μ)/λmax" in slider.note.toolTip() and "Adaptive" in slider.note.toolTip()
        # the bowl's λmax is 2: the mark is the rule's own bound there
        mu = hyper.get("momentum", 0.0)
        factor = {"sgd": 2.0, "momentum": 2 * (1 + mu), "nesterov": 2 * (1 + mu) / (1 + 2 * mu)}[solver]
        assert slider.mark_value == pytest.approx(factor / 2.0, rel=1e-12)


def test_weight_decay_adds_to_lambda_max(qtbot, make_app):
    land = LandscapeSpec("quadratic_bowl", resolution=40)
    w, _ = make_app(_scene(land, [RunSpec("gd", {"lr": 0.1, "weight_decay": 0.5}, start=(1.0, 0.5))]))
    slider = w.runs_panel.slider("lr")
    assert slider.mark_value == pytest.approx(2.0 / 2.5) and "2/(λmax+λ)" in slider.note.text()


# --- the local quadratic's curve --------------------------------------------------------------------
def _line_reach(img, at, centre, direction, color, limit_px: int) -> float:
    """How far (data units) the line of ``color`` (RGB) reaches from the centre along ``direction``
    before the curve's dark halo ends it."""
    c = np.asarray(at(*centre), dtype=float)
    tip = np.asarray(at(*(np.asarray(centre) + direction)), dtype=float)
    step = (tip - c) / np.linalg.norm(tip - c)
    last = 0
    for k in range(MARKERS_PX, limit_px):      # from outside the head and start markers
        col, row = np.round(c + k * step).astype(int)
        near = np.abs(img[row - 1:row + 2, col - 1:col + 2] - np.asarray(color)).max(axis=2) <= 40
        if near.any():                              # on the 1.5-2 px line (3 x 3: the ray may graze it)
            last = k
        elif k > last + 3 and last > 0:
            break
    return last * float(np.linalg.norm(tip - c)) ** -1 * float(np.linalg.norm(direction))


def test_the_head_ellipse_has_its_axes_along_the_eigenvectors(qtbot, make_app):
    """Rotated ravine, κ = 4: eigenvectors at 30° (λ 2) and 120° (λ 8), semi-axes size and size/2."""
    land = LandscapeSpec("ravine", params={"condition": 4.0, "angle": 30.0}, bounds=((-2.0, 2.0), (-2.0, 2.0)),
                         resolution=80)
    head = (0.6, -0.4)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.001}, start=head, color="#E69F00")],
                                  view=ViewSpec(mode="2d", contour_levels=0)))
    cv = features["curvature"]
    cv.set_shown("cursor", False)
    w.contour_view.set_sizes(2.5, 6.0, head=4, start=4)    # small markers: the curve's inside shows
    w.redraw()
    cv.set_shown("heads", True)
    qtbot.wait(50)
    c = cv.head_curvature[0]
    np.testing.assert_allclose(c.eigenvalues, [2.0, 8.0], rtol=1e-12)
    size = cv._size()
    t = np.radians(30.0)
    e1, e2 = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
    img, at = _map_pixels(w)
    px = size / np.linalg.norm(np.subtract(at(*(np.add(head, e1 * size))), at(*head)))   # data units per pixel
    for direction, semi in ((e1, size), (-e1, size), (e2, size / 2), (-e2, size / 2)):
        reach = _line_reach(img, at, head, direction, (0xE6, 0x9F, 0x00), limit_px=200)
        assert abs(reach - semi) <= 3 * px, (direction, reach, semi)
    assert cv.head_label.isVisible() and "λmin 2  λmax 8  κ 4" in cv.head_label.textItem.toPlainText()


def test_a_saddle_under_the_cursor_is_a_hyperbola_with_falling_branches(qtbot, make_app):
    land = LandscapeSpec("saddle", resolution=60)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.01}, start=(1.0, 0.5))]))
    cv = features["curvature"]
    view = w.contour_view
    qtbot.mouseMove(view.plot_widget.viewport(), view.data_to_widget(0.2, 0.1))
    qtbot.waitUntil(lambda: cv.cursor_curvature is not None)
    c = cv.cursor_curvature
    assert c.kind == "saddle" and c.lambda_min < 0 < c.lambda_max
    expected = np.linalg.eigvalsh(w.race.landscape.hessian(np.array(c.point)))
    np.testing.assert_allclose(c.eigenvalues, expected, rtol=1e-12)
    assert len(cv.cursor_items.items["rising"].getData()[0]) and len(cv.cursor_items.items["falling"].getData()[0])
    assert f"λmin {expected[0]:.3g}".replace("-", "−") in cv.cursor_label.textItem.toPlainText()
    cv.set_shown("cursor", False)
    assert not cv.cursor_label.isVisible() and len(cv.cursor_items.items["rising"].getData()[0]) == 0


def test_the_curves_lie_on_the_3d_surface_too(qtbot, make_app):
    land = LandscapeSpec("quadratic_bowl", resolution=40)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.1}, start=(1.0, 0.5))]))
    cv = features["curvature"]
    cv.set_shown("heads", True)
    pos = cv._gl.pos
    assert pos is not None and len(pos) > 10
    sv = w.surface_view
    # every vertex sits LIFT above the surface at its own (x, y)
    (x0, x1), (y0, y1) = sv.grid.bounds
    from app.ui.views.surface_view import BOX
    xy = np.stack([(pos[:, 0] + BOX / 2) / BOX * (x1 - x0) + x0, (pos[:, 1] + BOX / 2) / BOX * (y1 - y0) + y0], axis=1)
    expected = sv.world(xy, w.race.landscape.value(xy), lift=feature.LIFT)[:, 2]
    np.testing.assert_allclose(pos[:, 2], expected, atol=1e-4)


# --- the curvature map --------------------------------------------------------------------------------
def test_the_lambda_min_map_is_negative_exactly_in_the_saddle_region(qtbot, make_app):
    land = LandscapeSpec("expression", expression=QUARTIC, bounds=((-1.0, 1.0), (-1.0, 1.0)), resolution=101)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.01}, start=(0.9, 0.9))],
                                  view=ViewSpec(mode="2d", contour_levels=0)))
    cv = features["curvature"]
    cv.set_shown("cursor", False)
    assert cv.set_color_by("lambda_min")
    field = cv.layer.field
    grid = w.grid
    X = np.meshgrid(grid.xs, grid.ys)[0]
    np.testing.assert_allclose(field.values, np.minimum(12 * X**2 - 2, 2.0), rtol=1e-9, atol=1e-9)   # H = diag(12x² − 2, 2)
    assert np.array_equal(field.values < 0, np.abs(X) < 1 / np.sqrt(6))
    assert field.levels[0] == -field.levels[1]               # centred at 0
    assert "λmin" in w.contour_view.colorbar.getAxis("right").label.toPlainText()
    qtbot.wait(50)
    img, at = _map_pixels(w)
    for x in (-0.3, -0.1, 0.0, 0.2, 0.3):                   # λmin < 0: blue
        r, g, b = img[at(x, 0.5)[1], at(x, 0.5)[0]]
        assert b > r + 40, (x, r, g, b)
    for x in (-0.9, -0.6, 0.55, 0.8):                       # λmin > 0: red
        r, g, b = img[at(x, -0.5)[1], at(x, -0.5)[0]]
        assert r > b + 40, (x, r, g, b)
    # the dashed λmin = 0 line runs along x = ±1/√6
    line = cv.layer.boundary.getData()
    xs = line[0][np.isfinite(line[0])]
    np.testing.assert_allclose(np.abs(xs), 1 / np.sqrt(6), atol=0.01)
    assert cv.set_color_by("loss")
    assert cv.layer.field is None and w.contour_view.colorbar.getAxis("right").labelText == "f(x, y)"


def test_the_ratio_map_is_li_et_al_on_the_ravine(qtbot, make_app):
    land = LandscapeSpec("ravine", params={"condition": 25.0}, resolution=40)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.01}, start=(1.0, 0.5))]))
    cv = features["curvature"]
    cv.color_actions["curvature_ratio"].trigger()
    assert w.race.scene.view.color_by == "curvature_ratio"
    np.testing.assert_allclose(cv.layer.field.values, 2.0 / 50.0, rtol=1e-12)
    assert "Li et al. 2018" in w.contour_view.colorbar.getAxis("right").label.toPlainText()


def test_undefined_cells_stay_undefined_in_the_curvature_map(qtbot, make_app):
    land = LandscapeSpec("expression", expression="sqrt(x) + y^2", bounds=((-1.0, 1.0), (-1.0, 1.0)),
                         resolution=41)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.01}, start=(0.5, 0.5))]))
    cv = features["curvature"]
    assert cv.set_color_by("lambda_min")
    values = cv.layer.field.values
    assert np.all(np.isnan(values[w.grid.undefined]))
    assert np.all(np.isfinite(values[:, w.grid.xs > 0]))
    assert w.contour_view.undefined_hatch.isVisible()


def test_k_cycles_the_colouring_and_the_scene_keeps_it(qtbot, make_app, tmp_path):
    land = LandscapeSpec("saddle", resolution=40)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.01}, start=(1.0, 0.5))]))
    cv = features["curvature"]
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    seen = []
    for _ in range(3):
        qtbot.keyClick(w, "K")
        seen.append(w.race.scene.view.color_by)
        assert cv.color_actions[seen[-1]].isChecked()
    assert seen == ["lambda_min", "curvature_ratio", "loss"]
    cv.set_color_by("lambda_min")
    path = scene_io.save_scene(w.race.scene, tmp_path / "s.json")
    assert scene_io.load_scene(path).view.color_by == "lambda_min"
    w.host.load_scene(_scene(land, [RunSpec("gd", {"lr": 0.01})], view=ViewSpec(color_by="curvature_ratio")))
    assert cv.layer.field is not None and cv.layer.field.mode == "curvature_ratio"
    assert cv.color_actions["curvature_ratio"].isChecked()


def test_the_session_keeps_the_colouring(qtbot, make_app, settings):
    land = LandscapeSpec("saddle", resolution=40)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.01}, start=(1.0, 0.5))]), qsettings=settings)
    features["curvature"].set_color_by("lambda_min")
    from app.ui.window import session

    session.save(w.settings, *w.host.layout_to_save(), w.race.scene)     # what closing the window saves
    from app.ui.compose import compose
    from app.ui.window.main_window import MainWindow

    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
    f2 = compose(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.race.scene.view.color_by == "lambda_min"
    assert f2["curvature"].layer.field is not None and f2["curvature"].color_actions["lambda_min"].isChecked()


def test_an_export_png_of_the_curvature_map(qtbot, tmp_path):
    from app.ui.export.render import render_scene

    land = LandscapeSpec("expression", expression=QUARTIC, bounds=((-1.0, 1.0), (-1.0, 1.0)), resolution=81)
    out = {}
    for mode in ("loss", "lambda_min"):
        scene = _scene(land, [RunSpec("gd", {"lr": 0.01}, start=(0.9, 0.9))],
                       view=ViewSpec(mode="2d", color_by=mode))
        path = render_scene(scene, tmp_path / f"{mode}.png", size=(640, 480), view="2d", steps=5)
        img = _pixels(QImage(str(path)))
        r, g, b = img[..., 0], img[..., 1], img[..., 2]
        out[mode] = ((b > 150) & (b > r + 60) & (b > g + 60)).sum()   # blue, not viridis' teal
    assert out["loss"] < 50 < out["lambda_min"]          # viridis has no such blue; λmin < 0 is blue


# --- keys -----------------------------------------------------------------------------------------------
def test_every_shortcut_is_one_action_and_the_help_sheet_lists_the_new_ones(qtbot, make_app):
    w, features = make_app()
    keys = [k.toString(QKeySequence.SequenceFormat.PortableText) for a in w.actions() for k in a.shortcuts()]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    sheet = features["help"].show_shortcuts()
    text = features["help"].table.text()
    for words in ("Curvature ellipses", "Curvature at the cursor", "Cycle the 2-D map"):
        assert words in text
    sheet.close()


def test_a_redrawn_surface_keeps_its_colouring_and_gives_the_loss_back_in_its_new_look(qtbot, make_app):
    land = LandscapeSpec("rosenbrock", resolution=60)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.001}, start=(-1.5, 2.0))]))
    cv = features["curvature"]
    assert cv.set_color_by("lambda_min")
    was_log = w.grid.log
    w.act_log.trigger()                                        # L: the surface is sampled and drawn again
    assert w.grid.log is not was_log and cv.layer.field is not None and cv.layer.field.mode == "lambda_min"
    assert "λmin" in w.contour_view.colorbar.getAxis("right").label.toPlainText()
    assert cv.set_color_by("loss")
    assert w.contour_view.colorbar.getAxis("right").labelText == ("log₁₀(f − f_min)" if w.grid.log else "f(x, y)")
    np.testing.assert_allclose(w.contour_view.image.image, w.grid.g_shown.astype(np.float32))


@pytest.mark.parametrize("x", [-0.9, 0.9])
def test_the_cursor_numbers_stay_inside_the_map_near_either_edge(qtbot, make_app, x):
    land = LandscapeSpec("saddle", resolution=60)
    w, features = make_app(_scene(land, [RunSpec("gd", {"lr": 0.01}, start=(1.0, 0.5))]))
    cv, view = features["curvature"], w.contour_view
    qtbot.mouseMove(view.plot_widget.viewport(), view.data_to_widget(x, 0.1))
    qtbot.waitUntil(lambda: cv.cursor_curvature is not None and cv.cursor_label.isVisible())
    qtbot.wait(50)                                   # painted: its size in the view is known now
    vb = view.plot.getViewBox()
    (x0, x1), _ = vb.viewRange()
    box = vb.mapSceneToView(cv.cursor_label.sceneBoundingRect()).boundingRect()
    assert x0 - 1e-9 <= box.left() and box.right() <= x1 + 1e-9, (box, x0, x1)
    assert "\nκ" in cv.cursor_label.textItem.toPlainText()   # κ on its own line: narrow maps
