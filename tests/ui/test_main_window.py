"""The main window: opens, draws, plays, edits runs, moves starts, saves and loads scenes."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

import landscapes
from app.model import scene_io
from app.model.scene import RunSpec

from .conftest import pixel_std, race_scene

pytestmark = pytest.mark.gl   # the window always holds the 3-D view


def test_window_opens_with_docks_views_and_status(make_window):
    w = make_window()
    assert w.windowTitle() == "Loss Lab — UI test scene"
    assert w.landscape_dock.isVisible() and w.runs_dock.isVisible()
    assert w.race.step_count == 0
    assert "step 0" in w.status_label.text()
    assert w.runs_panel.list.count() == 2
    assert "gd" in w.runs_panel.list.item(0).text()


def test_every_view_draws_a_non_blank_image(make_window, qtbot):
    w = make_window()
    w.step_once(20)
    qtbot.wait(50)
    assert pixel_std(w.surface_view.grabFramebuffer()) > 10
    assert pixel_std(w.contour_view.grab().toImage()) > 10
    assert pixel_std(w.plots_view.grab().toImage()) > 5
    img = w.surface_view.render_image(320, 240)
    assert (img.width(), img.height()) == (320, 240) and pixel_std(img) > 10
    img2 = w.contour_view.render_image(400, 300)
    assert (img2.width(), img2.height()) == (400, 300) and pixel_std(img2) > 10


def test_play_step_reset_drive_the_step_counter(make_window, qtbot):
    w = make_window()
    w.act_step.trigger()
    assert w.race.step_count == 1
    w.activateWindow()
    w.contour_view.plot_widget.setFocus()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    qtbot.keyClick(w.contour_view.plot_widget, Qt.Key.Key_Right)
    assert w.race.step_count == 2
    w.speed_box.setValue(3)
    w.act_play.trigger()
    qtbot.waitUntil(lambda: w.race.step_count >= 11, timeout=5000)
    w.act_play.trigger()   # pause
    n = w.race.step_count
    assert (n - 2) % 3 == 0          # playback advances `speed` steps per frame
    qtbot.wait(100)
    assert w.race.step_count == n    # paused means paused
    w.act_reset.trigger()
    assert w.race.step_count == 0
    assert len(w.race.runs[0].points) == 1


def test_lr_slider_changes_the_model_and_the_next_step(make_window, qtbot):
    """Moving the lr slider sets hyper['lr'] and the gd step becomes x1 = x0 - lr * grad(x0)."""
    w = make_window()
    w.runs_panel.select(0)
    slider = w.runs_panel._sliders["lr"]
    slider.slider.setValue(slider.slider.value() - 100)   # as a drag would
    lr = w.race.runs[0].solver.hyper["lr"]
    assert lr == pytest.approx(slider.value())
    assert lr != pytest.approx(0.1)
    assert w.race.scene.runs[0].hyper["lr"] == pytest.approx(lr)
    assert slider.label.text() == f"lr {lr:.1e}"
    w.step_once()
    x0 = np.array([-1.5, 1.2])
    grad = 2 * x0                                  # bowl x^2 + y^2, by hand
    np.testing.assert_allclose(w.race.runs[0].points[1], x0 - lr * grad, rtol=1e-12)
    # Undo brings the old learning rate back.
    w.act_undo.trigger()
    assert w.race.runs[0].solver.hyper["lr"] == pytest.approx(0.1)


def test_invalid_value_changes_nothing_and_says_why(make_window):
    w = make_window()
    w.on_run_edit(0, {"hyper": {"lr": -1.0}, "_merge": None}, "lr")
    assert w.race.runs[0].solver.hyper["lr"] == pytest.approx(0.1)
    assert "not applied" in w.status_label.text()


def _click_map(w, qtbot, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    pos = w.contour_view.data_to_widget(x, y)
    qtbot.mouseClick(w.contour_view.plot_widget.viewport(), Qt.MouseButton.LeftButton, modifier, pos)


def test_click_on_map_moves_the_selected_start(make_window, qtbot):
    w = make_window()
    w.step_once(5)
    w.runs_panel.select(1)
    _click_map(w, qtbot, 0.7, -0.4)
    cell = 4.0 / (w.grid.xs.size - 1)
    start = w.race.scene.runs[1].start
    assert start == pytest.approx((0.7, -0.4), abs=cell)
    np.testing.assert_allclose(w.race.runs[1].points[0], start)
    assert w.race.scene.runs[0].start == (-1.5, 1.2)        # the other run stays
    assert len(w.race.runs[1].points) == 6                  # re-simulated up to the current step
    w.act_undo.trigger()
    assert w.race.scene.runs[1].start == pytest.approx((1.5, -1.0))


def test_shift_click_moves_every_start(make_window, qtbot):
    w = make_window()
    _click_map(w, qtbot, -0.5, 0.5, Qt.KeyboardModifier.ShiftModifier)
    cell = 4.0 / (w.grid.xs.size - 1)
    for run in w.race.scene.runs:
        assert run.start == pytest.approx((-0.5, 0.5), abs=cell)


def test_diverging_run_is_marked_and_the_others_go_on(make_window):
    scene = race_scene(runs=[RunSpec("gd", {"lr": 1.5}, start=(1.0, 1.0)),   # |1 - 2 lr| = 2 > 1: blows up
                             RunSpec("adam", {"lr": 0.05}, start=(1.5, -1.0))], steps=400)
    w = make_window(scene)
    for _ in range(200):
        w.advance()
        if w.race.runs[0].diverged_at is not None:
            break
    bad, good = w.race.runs
    assert bad.diverged_at is not None
    assert "diverged" in w.status_label.text()
    assert len(w.contour_view.crosses.data) == 1
    n = w.race.step_count
    w.step_once(10)
    assert good.diverged_at is None and len(good.points) == n + 11
    assert "diverged" in w.runs_panel.list.item(0).text()


def test_save_and_load_round_trip(make_window, tmp_path):
    w = make_window()
    w.runs_panel.select(1)
    w.set_start(1, (0.25, 0.5))
    path = tmp_path / "scene.json"
    w.files.save(path)
    saved = scene_io.scene_to_dict(w.race.scene)
    w.load_scene(race_scene(landscape="rosenbrock"))
    assert w.race.scene.landscape.name == "rosenbrock"
    assert w.files.open(path)
    assert scene_io.scene_to_dict(w.race.scene) == saved
    assert w.race.scene.runs[1].start == (0.25, 0.5)
    assert str(path.resolve()) in w.settings.recent_files()


def test_malformed_scene_file_shows_an_error_and_keeps_the_scene(make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a))
    w = make_window()
    before = scene_io.scene_to_dict(w.race.scene)
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x", "runs": [{"solver": "adamm"}]')
    assert not w.files.open(bad)
    bad.write_text(json.dumps({"title": "x", "runs": [{"solver": "adamm"}]}))
    assert not w.files.open(bad)
    assert len(shown) == 2 and "adamm" in shown[1][2]
    assert scene_io.scene_to_dict(w.race.scene) == before


def test_last_session_is_restored(make_window, settings):
    w = make_window(race_scene(landscape="rosenbrock"))
    w.close()
    from app.ui.window.main_window import MainWindow

    w2 = MainWindow(scene=None, settings=settings)
    try:
        assert w2.race.scene.landscape.name == "rosenbrock"
        assert w2.race.scene.title == "UI test scene"
    finally:
        w2.close()
        w2.deleteLater()


def test_landscape_panel_switches_surface_and_reports_bad_expressions(make_window, qtbot):
    w = make_window()
    panel = w.landscape_panel
    panel.picker.setCurrentIndex(panel.picker.findData("himmelblau"))
    panel._on_pick(0)
    assert w.race.landscape.name == "himmelblau"
    assert "Himmelblau" in panel.title.text()
    panel.expression.setText("x^2 + * y")
    panel._on_expression()
    assert w.jobs.busy                                   # parsed off the GUI thread
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=30_000)
    assert panel.expression_error.isVisibleTo(panel) and panel.expression_error.text()
    assert w.race.landscape.name == "himmelblau"         # the surface is kept
    assert "landscape not changed" in w.status_label.text()


def test_a_typed_formula_builds_off_the_gui_thread(make_window, qtbot):
    w = make_window()
    panel = w.landscape_panel
    panel.expression.setText("x^2 + 3*y^2")
    panel._on_expression()
    assert w.jobs.busy and w.race.scene.landscape.name == "quadratic_bowl"   # nothing stored before it built
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=30_000)
    assert w.race.scene.landscape.name == "expression"
    assert w.race.landscape.value(np.array([[1.0, 2.0]]))[0] == pytest.approx(13.0)   # 1 + 3·4
    assert not panel.expression_error.isVisibleTo(panel)


def test_a_formula_that_builds_but_fails_on_the_grid_keeps_the_old_surface(make_window, monkeypatch):
    from app.model.scene import LandscapeSpec

    w = make_window()
    f = landscapes.get("booth")
    monkeypatch.setattr(f, "value", lambda p: (_ for _ in ()).throw(TypeError("cannot evaluate")))
    w.set_landscape(LandscapeSpec("booth"), f)
    assert w.race.scene.landscape.name == "quadratic_bowl" and w.race.landscape.name == "quadratic_bowl"
    assert "landscape not changed" in w.status_label.text() and "TypeError" in w.status_label.text()


def test_adam_betas_get_one_slider_each(make_window):
    w = make_window()
    w.runs_panel.select(1)                                   # the adam run
    s = w.runs_panel._sliders["betas[0]"]
    s.slider.setValue(s._to_tick(0.5))
    b1, b2 = w.race.runs[1].solver.hyper["betas"]
    assert b1 == pytest.approx(0.5, abs=1e-3) and b2 == pytest.approx(0.999)


def test_presentation_mode_folds_the_docks(make_app):
    w, features = make_app()
    present = features["lecture"].act_present
    present.trigger()
    assert not w.landscape_dock.isVisible() and not w.runs_dock.isVisible()
    present.trigger()
    assert w.landscape_dock.isVisible() and w.runs_dock.isVisible()


def test_dock_layout_is_remembered(make_window, settings):
    from app.ui.window.main_window import MainWindow

    w = make_window()
    w.runs_dock.close()
    w.close()
    w2 = MainWindow(scene=race_scene(), settings=settings)
    try:
        w2.show()
        assert not w2.runs_dock.isVisible()
        assert w2.landscape_dock.isVisible()
    finally:
        w2.close()
        w2.deleteLater()


def test_playing_shows_frames_per_second(make_window, qtbot):
    w = make_window()
    w.play()
    qtbot.waitUntil(lambda: "FPS" in w.status_label.text(), timeout=5000)
    w.pause()


def test_step_schedule_from_the_panel_halves_the_learning_rate(make_window):
    """gd with a step schedule (step_size 1, gamma 0.5): x2 = x1 - 0.5 lr grad(x1), by hand."""
    w = make_window()
    panel = w.runs_panel
    panel.select(0)
    panel.schedule.setCurrentIndex(panel.schedule.findData("step"))
    panel._on_schedule(0)
    assert w.race.scene.runs[0].schedule["kind"] == "step"
    boxes = {panel.schedule_box.itemAt(i, panel.schedule_box.ItemRole.LabelRole).widget().text().strip():
             panel.schedule_box.itemAt(i, panel.schedule_box.ItemRole.FieldRole).widget()
             for i in range(panel.schedule_box.rowCount())}
    boxes["step size"].setValue(1)
    boxes["gamma"].setValue(0.5)
    sched = w.race.scene.runs[0].schedule
    assert (sched["step_size"], sched["gamma"]) == (1, 0.5)
    w.step_once(2)
    lr, x0 = 0.1, np.array([-1.5, 1.2])
    x1 = x0 - lr * 2 * x0
    x2 = x1 - 0.5 * lr * 2 * x1
    np.testing.assert_allclose(w.race.runs[0].points[2], x2, rtol=1e-12)
    assert not panel.batch.isVisibleTo(panel)        # the bowl has no minibatches


def test_features_compose_and_the_window_still_plays(make_app):
    w, features = make_app()
    assert list(features) == ["annotations", "lr_inset", "landmarks", "curvature", "lecture", "cifar", "cifar_training",
                              "cifar_curvature", "swarm", "phase_map", "fair_race", "export", "scene_editor", "toy_lab", "help"]
    menus = [a.text() for a in w.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Playback", "&View", "&Annotations", "&Lecture", "CIFAR-&10", "S&warm", "&Help"]
    tools = [a.text() for a in w.toolbar.actions() if a.isVisible() and not a.isSeparator() and a.text()]
    assert tools == ["Play", "Step", "Reset", "Export…", "Presentation", "Camera: reset", "Camera: top",
                     "Camera: side", "Basins of attraction…", "Learning-rate sweep…"]
    assert features["export"].act.toolTip() == "Export an image or a video of the views (Ctrl+E)"
    w.step_once(3)
    assert w.race.step_count == 3


def test_add_run_takes_suggested_rates_for_the_surface(make_window):
    # bowl x² + y²: Hessian 2·I, so gradient descent's suggested rate is 1/L = 0.5 (by hand);
    # gd is taken, so the next unused solver, sgd, is added with it
    w = make_window()
    w.add_run()
    added = w.race.runs[-1]
    assert added.spec.solver == "sgd"
    assert added.spec.hyper["lr"] == pytest.approx(0.5)


def test_frame_drawn_follows_every_redraw_and_status_text_is_throttled(make_window, qtbot):
    w = make_window()
    seen = []
    w.host.frame_drawn.connect(lambda: seen.append(w.race.step_count))
    w.step_once(3)
    assert seen[-1] == 3 and "step 3" in w.status_label.text()   # paused: status follows at once
    w.play()
    for _ in range(5):
        w.advance()
    assert seen[-1] == 8
    w.pause()
    assert "step 8" in w.status_label.text()


def test_set_landscape_and_the_kept_layout_hook(make_window, qtbot):
    from app.model.scene import LandscapeSpec

    w = make_window()
    spec = LandscapeSpec("booth", resolution=60)
    w.set_landscape(spec, landscapes.get("booth"))
    assert w.race.landscape.title == landscapes.get("booth").title
    calls = []

    def layout():   # what a feature (lecture mode) tells the host closing must save
        calls.append(1)
        return w.saveGeometry(), w.saveState()

    w.host.keep_layout(layout)
    w.close()
    assert calls == [1] and not w.isFullScreen()


def _rgb(img):
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return arr.reshape(img.height(), img.bytesPerLine())[:, : 4 * img.width()].reshape(
        img.height(), img.width(), 4)[..., :3].astype(int)


def test_cached_static_layer_draws_the_same_picture(make_window, qtbot):
    w = make_window()
    w.step_once(30)
    gl_window = w.surface_view.gl
    pictures = []
    for cached in (False, True, True):      # uncached, cache filled, cache reused
        gl_window.cache_static = cached
        gl_window.paint_now()
        qtbot.wait(20)
        pictures.append(_rgb(w.surface_view.grabFramebuffer()))
    assert pixel_std(w.surface_view.grabFramebuffer()) > 10
    for pic in pictures[1:]:
        # the same picture; llvmpipe rasterizes a few pixels of the thin floor grid lines
        # differently in a framebuffer object, hence a tolerance on the share of changed pixels
        changed = np.abs(pic - pictures[0]).max(axis=2) > 2
        assert changed.mean() < 0.01
    # a camera move redraws the cached layer: the picture changes
    w.surface_view.set_camera("top")
    gl_window.paint_now()
    qtbot.wait(20)
    assert np.abs(_rgb(w.surface_view.grabFramebuffer()) - pictures[0]).mean() > 5


def test_render_image_of_a_hidden_surface_view(qtbot):
    import landscapes as L
    from app.ui.views.surface_grid import sample
    from app.ui.views.surface_view import SurfaceView

    view = SurfaceView()          # never shown
    qtbot.addWidget(view)
    f = L.get("himmelblau")
    view.set_surface(sample(f, f.bounds, 120), minima=f.minima, landscape=f)
    img = view.render_image(320, 240)
    assert (img.width(), img.height()) == (320, 240)
    rgb = _rgb(img)
    assert (rgb.sum(axis=2) < 30).mean() < 0.05     # not the mostly black picture of an unexposed window
    assert pixel_std(img) > 10
    view.dispose()


def test_views_take_sizes_and_theme_without_touching_theme_globals(make_window):
    from app.ui.common import theme

    w = make_window()
    cv, sv = w.contour_view, w.surface_view
    for v in (cv, sv):
        v.set_sizes(5.0, 11.0, 22, 17)
        v.set_theme(theme.DARK)
    w.redraw()
    assert cv._tracks[0].line.opts["pen"].widthF() == 5.0 and cv.heads.opts["size"] == 22
    assert sv._tracks[0].line.width == 6.0           # GL lines are drawn a pixel wider
    assert cv.plot_widget.backgroundBrush().color().name() == theme.DARK.background.lower()
    assert theme.LINE_WIDTH == 2.5 and theme.HEAD_SIZE == 13
    w.plots_view.set_theme(theme.DARK)
    assert w.plots_view.canvas.backgroundBrush().color().name() == theme.DARK.background.lower()


def test_slice_axes_read_plain_numbers(make_window):
    from app.model.scene import LandscapeSpec

    f = landscapes.from_expression("x^2 + y^2", bounds=((-0.6e-3, 0.6e-3), (-0.6e-3, 0.6e-3)))
    w = make_window()
    w.set_landscape(LandscapeSpec("expression", expression="x^2 + y^2",
                                  bounds=((-0.6e-3, 0.6e-3), (-0.6e-3, 0.6e-3))), f)
    for name in ("bottom", "left"):
        axis = w.contour_view.plot.getAxis(name)
        assert axis.autoSIPrefixScale == 1.0 and "x0.001" not in axis.labelString()


def test_trail_layer_keeps_the_2d_picture(make_window, qtbot):
    from app.ui.views.contour_view import TAIL_MAX

    w = make_window(race_scene(steps=300))
    cv = w.contour_view
    for _ in range(30):
        w.step_once(5)
    qtbot.wait(30)
    # the settled part of each path lives in the layer; the live items hold short tails only
    assert all(len(f) >= 150 - TAIL_MAX for f in cv._frozen)
    assert all(len(items.halo.xData) <= TAIL_MAX + 2 for items in cv._tracks)
    # let the layout settle first (a status-bar change may still resize the map, and a fitted map
    # follows its pane), then compare two pictures of the same view range
    cv.grab()
    qtbot.wait(50)
    view_range = cv.plot.getViewBox().viewRange()
    layered = _rgb(cv.grab().toImage())
    cv._half_pixel = lambda: None        # as an export does: whole paths in the items, no layer
    w.redraw()
    qtbot.wait(30)
    whole = _rgb(cv.grab().toImage())
    assert not cv._frozen and cv.plot.getViewBox().viewRange() == view_range
    changed = (np.abs(layered - whole).max(axis=2) > 40).mean()
    del cv._half_pixel
    w.redraw()
    cv.trails.hide()                     # the check can fail: without the layer the old paths are gone
    qtbot.wait(30)
    gone = (np.abs(_rgb(cv.grab().toImage()) - whole).max(axis=2) > 40).mean()
    assert changed < 0.002 and gone > 10 * max(changed, 1e-4), (changed, gone)


def test_plot_curves_keep_their_picture_with_the_trail_layer(make_window, qtbot):
    from app.ui.views.plots_view import TAIL_MAX

    w = make_window(race_scene(steps=300))
    pv = w.plots_view
    for _ in range(30):
        w.step_once(5)
    qtbot.wait(30)
    # the settled part of each curve lives in the layers; the curve items hold short tails only
    assert all(len(f) >= 150 - TAIL_MAX for f in pv._frozen)
    assert all(len(c.yData) <= TAIL_MAX + 2 for c in pv._loss_curves + pv._grad_curves)
    # the curves' areas only: the trail layers draw nothing on the axes. A new, wider tick label
    # widens its axis one layout pass after the paint that drew it: grab once, let the layout
    # settle, then grab the picture to compare.
    def areas():
        pv.grab()
        qtbot.wait(50)
        a = _rgb(pv.grab().toImage())
        keep = np.zeros(a.shape[:2], dtype=bool)
        for plot in (pv.loss_plot, pv.grad_plot):
            r = pv.canvas.mapFromScene(plot.getViewBox().sceneBoundingRect()).boundingRect()
            keep[max(r.top(), 0):r.bottom(), max(r.left(), 0):r.right()] = True
        return np.where(keep[..., None], a, 0)

    layered = areas()
    pv.isVisible = lambda: False         # as an export does: whole curves in the items, no layer
    w.redraw()
    qtbot.wait(30)
    whole = areas()
    assert not pv._frozen and len(pv._loss_curves[0].yData) == 151
    changed = (np.abs(layered - whole).max(axis=2) > 40).mean()
    del pv.isVisible
    w.redraw()
    pv.loss_trails.hide()                # the check can fail: without the layer the old curves are gone
    pv.grad_trails.hide()
    qtbot.wait(30)
    gone = (np.abs(areas() - whole).max(axis=2) > 40).mean()
    assert changed < 0.002 and gone > 10 * max(changed, 1e-4), (changed, gone)


def test_all_run_paths_in_two_gl_draws_look_like_one_strip_per_run(make_window, qtbot):
    import pyqtgraph.opengl as gl
    from OpenGL import GL

    from app.ui.common import theme
    from app.ui.views import surface_view as sv_mod

    w = make_window(race_scene(steps=300))
    w.step_once(60)
    sv = w.surface_view

    def picture():
        sv.gl.paint_now()
        qtbot.wait(20)
        return _rgb(sv.grabFramebuffer())

    merged = picture()
    # the reference: one GL line strip per run, as pyqtgraph draws a path
    strips = []
    for tr in w.race.runs:
        pos = sv.world(tr.points, tr.losses)
        pos[:, 2] = np.maximum(pos[:, 2], sv._height_at(tr.points) + sv_mod.LIFT)
        halo = gl.GLLinePlotItem(pos=pos, width=sv.halo_width + 1, antialias=True,
                                 color=theme.rgba_float(sv.theme.halo, 0.8))
        line = gl.GLLinePlotItem(pos=pos, width=sv.line_width + 1, antialias=True,
                                 color=theme.rgba_float(tr.color))
        halo.setGLOptions({**sv_mod.MARKER_GL_OPTIONS, "glDepthMask": (GL.GL_FALSE,)})
        line.setGLOptions(sv_mod.MARKER_GL_OPTIONS)
        halo.setDepthValue(10)
        line.setDepthValue(11)
        strips += [halo, line]
    for it in strips:
        sv.addItem(it)
    sv._paths.halo.hide()
    sv._paths.line.hide()
    reference = picture()
    for it in strips:
        it.hide()
    bare = picture()
    changed = (np.abs(merged - reference).max(axis=2) > 40).mean()
    paths = (np.abs(reference - bare).max(axis=2) > 40).mean()   # the check can fail: paths cover pixels
    assert changed < 0.001 and paths > 0.003, (changed, paths)


def test_a_closed_window_draws_nothing_and_closes_again_quietly(make_app, qtbot, capfd):
    # the G/V arrows draw into the 3-D view on every frame: after close its GL window is gone
    w, features = make_app()
    features["annotations"].show_grad = features["annotations"].show_velocity = True
    w.step_once(3)
    w.close()
    w.step_once(1)            # a late timer frame or job after closing
    w.close()
    qtbot.wait(100)
    assert "Traceback" not in capfd.readouterr().err
    assert w.race.step_count == 4
