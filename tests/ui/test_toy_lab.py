"""The linear-classifier lab in the window (issue 11): the data view beside the surface, its table,
the parameters with their gradient check, and the links both ways (drag a point: the surface and the
table change; a run moves: the data view and the surface under it follow)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene
from landscapes.toy_classifier import classic_points, classic_start, multiclass_loss

from .conftest import race_scene

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


def toy_scene(loss="ww", reg=0.1, steps=60) -> Scene:
    runs = [RunSpec("gd", {"lr": 0.1}), RunSpec("momentum", {"lr": 0.05, "momentum": 0.9})]
    return Scene(title="Toy lab test", landscape=LandscapeSpec("toy_classifier", params={"loss": loss, "reg": reg},
                                                              resolution=60),
                 runs=runs, playback=PlaybackSpec(steps=steps))


def _send(vp, kind, pt, button, buttons):
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(pt)
    QApplication.sendEvent(vp, QMouseEvent(kind, local, vp.mapToGlobal(local), button, buttons,
                                           Qt.KeyboardModifier.NoModifier))


def _drag(view, qtbot, a, b, steps=6, during=None):
    """Press on a, move with the left button held, release on b (QTest.mouseMove carries no buttons);
    ``during()`` is called before the release."""
    vp = view.plot_widget.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _send(vp, QEvent.Type.MouseButtonPress, view.data_to_widget(*a), left, left)
    for k in range(1, steps + 1):
        t = k / steps
        _send(vp, QEvent.Type.MouseMove, view.data_to_widget(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])),
              none, left)
        qtbot.wait(60)          # past the drag throttle: every move reshapes the surface
    if during is not None:
        during()
    _send(vp, QEvent.Type.MouseButtonRelease, view.data_to_widget(*b), left, none)
    qtbot.wait(20)


def _click(view, qtbot, xy, button=Qt.MouseButton.LeftButton):
    vp = view.plot_widget.viewport()
    pt = view.data_to_widget(*xy)
    _send(vp, QEvent.Type.MouseButtonPress, pt, button, button)
    _send(vp, QEvent.Type.MouseButtonRelease, pt, button, Qt.MouseButton.NoButton)
    qtbot.wait(20)


def _lab(make_app, scene=None):
    w, features = make_app(scene if scene is not None else toy_scene())
    lab = features["toy_lab"]
    qtbot_wait_shown(lab)
    return w, lab


def qtbot_wait_shown(lab):
    from PySide6.QtWidgets import QApplication

    for _ in range(5):     # the lab makes its room once the window is shown
        QApplication.processEvents()


def _cells(table, row):
    return [table.item(row, j).text() for j in range(table.columnCount())]


def _by_hand(W, b, X, y, reg):
    """Scores, Weston–Watkins losses per point and the total, written out (not the module's code)."""
    scores = X @ W.T + b
    losses = np.array([sum(max(0.0, s[j] - s[c] + 1.0) for j in range(len(s)) if j != c)
                       for s, c in zip(scores, y, strict=True)])
    return scores, losses, losses.mean() + reg * (W ** 2).sum()


def test_the_lab_shows_only_on_a_toy_classifier(make_app, qtbot):
    w, lab = _lab(make_app)
    assert lab.active and lab.pane.isVisible() and lab.dock.isVisible()
    assert lab.view.width() > 150
    assert lab.view.scale_ratio() == pytest.approx(1.0, rel=1e-3)     # data space 1:1
    w.load_scene(race_scene())
    assert not lab.active and not lab.pane.isVisible() and not lab.dock.isVisible()
    w.load_scene(toy_scene())
    assert lab.active and lab.pane.isVisible()


def test_table_and_totals_are_the_loss_of_the_selected_run(make_app, qtbot):
    w, lab = _lab(make_app)
    w.step_once(7)
    w.runs_panel.list.setCurrentRow(1)
    track = w.race.runs[1]
    assert track.theta is not None and w.race.step_count == 7
    W, b = track.theta[:6].reshape(3, 2), track.theta[6:]
    X, y = classic_points()
    scores, losses, total = _by_hand(W, b, X, y, 0.1)
    assert total == pytest.approx(float(multiclass_loss(W, b, X, y, "ww", 0.1)[0]), rel=1e-12)
    table = lab.panel.points
    assert table.rowCount() == 9
    for i in range(9):
        cells = _cells(table, i)
        assert cells[:4] == [str(i), f"{X[i, 0]:.2f}", f"{X[i, 1]:.2f}", str(y[i])]
        assert cells[4:7] == [f"{s:.2f}" for s in scores[i]]
        assert cells[7] == f"{losses[i]:.2f}"
        assert table.item(i, 7).font().bold() == (losses[i] > 0)          # marked when above zero
    assert f"total {total:.4f}" in lab.panel.totals.text()
    assert f"reg loss {0.1 * (W ** 2).sum():.4f}" in lab.panel.totals.text()
    assert f"{int((scores.argmax(axis=1) == y).sum())} of 9 classified right" in lab.panel.totals.text()


def test_dragging_a_point_reshapes_the_surface_and_the_table_in_one_undo_step(make_app, qtbot):
    w, lab = _lab(make_app)
    w.step_once(5)
    before = w.grid.f.copy()
    path = w.race.runs[0].points.copy()

    def while_dragging():           # the surface and the table follow the hand; the race waits
        assert not np.allclose(w.grid.f, before)
        x, y = lab.view.X[8]
        assert (x, y) == pytest.approx((0.0, 0.9), abs=0.03)
        assert _cells(lab.panel.points, 8)[1:3] == [f"{x:.2f}", f"{y:.2f}"]
        assert "points" not in w.race.scene.landscape.params
        assert np.array_equal(w.race.runs[0].points, path)

    _drag(lab.view, qtbot, (-0.4, -0.5), (0.0, 0.9), during=while_dragging)   # point 8 (class 2) to the top
    points = w.race.scene.landscape.params["points"]
    assert points[8][:2] == pytest.approx([0.0, 0.9], abs=0.03) and points[8][2] == 2
    assert points[:8] == [[float(x), float(yy), int(c)] for (x, yy), c in zip(*classic_points(), strict=True)][:8]
    x8, y8 = points[8][:2]
    assert _cells(lab.panel.points, 8)[1:3] == [f"{x8:.2f}", f"{y8:.2f}"]
    # the drawn surface is the loss on the new data: checked by hand at three grid nodes
    X, y = classic_points()
    X[8] = (x8, y8)
    theta = w.race.runs[0].theta
    f = w.grid.f
    for j, i in ((0, 0), (30, 17), (59, 59)):
        W, b = theta[:6].reshape(3, 2).copy(), theta[6:]
        W[0] = (w.grid.xs[i], w.grid.ys[j])
        assert f[j, i] == pytest.approx(_by_hand(W, b, X, y, 0.1)[2], rel=1e-9)
    assert not np.allclose(f, before)
    assert w.race.step_count == 5                            # the runs replayed on the new data
    w.act_undo.trigger()                                     # the whole drag is one step
    assert w.race.scene.landscape.params == {"loss": "ww", "reg": 0.1}      # the scene's own spec again
    assert lab.view.X[8] == pytest.approx([-0.4, -0.5])


def test_a_click_adds_a_point_of_the_chosen_class_and_a_right_click_removes_one(make_app, qtbot, tmp_path):
    w, lab = _lab(make_app)
    lab.add_class.setCurrentIndex(2)
    _click(lab.view, qtbot, (-0.9, 0.9))
    points = w.race.scene.landscape.params["points"]
    assert len(points) == 10 and points[9][2] == 2 and points[9][:2] == pytest.approx([-0.9, 0.9], abs=0.03)
    assert lab.panel.points.rowCount() == 10
    from app.model.build import build_landscape
    from app.model.scene_io import load_scene, save_scene

    again = load_scene(save_scene(w.race.scene, tmp_path / "edited.json"))   # the edited data is saved
    assert build_landscape(again.landscape).objective.X.tolist() == lab.view.X.tolist()
    _click(lab.view, qtbot, (0.5, 0.4), Qt.MouseButton.RightButton)    # point 0
    points = w.race.scene.landscape.params["points"]
    assert len(points) == 9 and [0.5, 0.4, 0] not in points
    assert lab.panel.points.rowCount() == 9
    w.act_undo.trigger()
    assert len(w.race.scene.landscape.params["points"]) == 10


def test_gradient_check_of_the_selected_run_is_shown(make_app, qtbot):
    w, lab = _lab(make_app, toy_scene(loss="softmax"))
    w.step_once(4)
    theta = w.race.runs[0].theta
    X, y = classic_points()

    def loss(t):
        return float(multiclass_loss(t[:6].reshape(3, 2), t[6:], X, y, "softmax", 0.1)[0])

    h = 1e-5
    numeric = np.array([(loss(theta + h * e) - loss(theta - h * e)) / (2 * h) for e in np.eye(9)])
    table = lab.panel.params
    assert table.rowCount() == 9
    names = [table.item(r, 0).text() for r in range(9)]
    assert names[:2] == ["W[0,0]", "W[0,1]"] and names[-1] == "b[2]"
    for r in range(9):
        assert float(table.item(r, 1).text()) == pytest.approx(theta[r], abs=1e-4)
        assert float(table.item(r, 3).text()) == pytest.approx(numeric[r], abs=5.1e-5)   # shown to 4 decimals
        assert float(table.item(r, 2).text()) == pytest.approx(numeric[r], abs=5.1e-5)
    assert "analytic and centred differences agree" in lab.panel.gradcheck.text()


def test_editing_a_parameter_restarts_every_run_from_it(make_app, qtbot):
    w, lab = _lab(make_app)
    w.step_once(6)
    shown = np.array(w.race.runs[0].theta)                  # the numbers the table shows (run 0 selected)
    lab.panel.params.item(2, 1).setText("1.5")              # W[1,0]
    spec = w.race.scene.landscape.params
    assert w.race.step_count == 0
    theta = w.race.runs[0].theta
    shown[2] = 1.5
    assert theta == pytest.approx(shown)                    # the shown classifier, one number edited
    assert np.asarray(spec["W"]) == pytest.approx(shown[:6].reshape(3, 2)) and spec["b"] == pytest.approx(shown[6:])
    assert all(np.allclose(tr.theta, theta) for tr in w.race.runs)
    lab.panel.params.item(2, 1).setText("not a number")
    assert "not applied" in w.status.message and w.race.scene.landscape.params["W"][1][0] == pytest.approx(1.5)


def test_the_surface_under_a_moving_run_is_redrawn_through_it(make_app, qtbot):
    w, lab = _lab(make_app)
    w.step_once(12)
    track = w.race.runs[0]
    theta = track.theta
    distance = float(np.linalg.norm(theta[2:] - np.r_[classic_start()[0].ravel()[2:], classic_start()[1]]))
    assert distance > 1e-3
    assert f"{distance:.3g}" in lab.panel.distance.text()
    X, y = classic_points()
    for j, i in ((3, 5), (40, 22)):
        W, b = theta[:6].reshape(3, 2).copy(), theta[6:]
        W[0] = (w.grid.xs[i], w.grid.ys[j])
        assert w.grid.f[j, i] == pytest.approx(_by_hand(W, b, X, y, 0.1)[2], rel=1e-9)
    w.reset()                                             # back on the scene's plane
    assert "on the plane" in lab.panel.distance.text()
    W, b = classic_start()
    W = W.copy()
    W[0] = (w.grid.xs[5], w.grid.ys[3])
    assert w.grid.f[3, 5] == pytest.approx(_by_hand(W, b, X, y, 0.1)[2], rel=1e-9)


def test_update_buttons_are_the_windows_step_and_play(make_app, qtbot):
    w, lab = _lab(make_app)
    lab.panel.single.click()
    assert w.race.step_count == 1
    lab.panel.repeated.click()
    assert w.playback.playing and lab.panel.repeated.text() == "Stop repeated update"
    lab.panel.repeated.click()
    assert not w.playback.playing and lab.panel.repeated.text() == "Start repeated update"
    lab.panel.random.click()
    theta = w.race.runs[0].theta
    assert np.asarray(w.race.scene.landscape.params["W"]) == pytest.approx(theta[:6].reshape(3, 2))
    assert w.race.step_count == 0


def test_lecture_mode_and_the_dark_theme_restyle_the_data_view(make_app, qtbot):
    from app.ui.common import theme
    from app.ui.views.data_view import POINT_SIZE, PRESENTATION

    w, lab = _lab(make_app)
    w.host.set_theme(theme.DARK, presentation=True)
    assert lab.view.points.opts["size"] == pytest.approx(POINT_SIZE * PRESENTATION)
    assert lab.view.plot_widget.backgroundBrush().color().name().upper() == theme.DARK.background
    w.host.set_theme(theme.LIGHT, presentation=False)
    assert lab.view.points.opts["size"] == pytest.approx(POINT_SIZE)
    assert len(lab.view._zero_lines) == 3 and lab.view.background.isVisible()


def test_the_colour_bar_names_the_loss_over_two_weights(make_app):
    from app.model.presets import load_builtin

    w, _ = make_app(load_builtin("linear_classifier"))
    assert w.contour_view.colorbar.getAxis("right").labelText == "loss"
    w2, _ = make_app()                                            # an analytic surface keeps f(x, y)
    assert w2.contour_view.colorbar.getAxis("right").labelText in ("f(x, y)", "log₁₀(f − f_min)")
