"""The pointer on the 2-D map: drag a start (one undo step), Start fields follow, readout, view reset."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt

from tests.ui.conftest import race_scene


def _widget_point(w, x, y):
    return w.contour_view.data_to_widget(x, y)


def _send(vp, kind, pt, button, buttons):
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    local = QPointF(pt)
    ev = QMouseEvent(kind, local, vp.mapToGlobal(local), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(vp, ev)


def _drag(w, qtbot, a, b, steps=6):
    """A real press-move-release with the left button held (QTest.mouseMove carries no buttons)."""
    from PySide6.QtCore import QEvent

    vp = w.contour_view.plot_widget.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _send(vp, QEvent.Type.MouseButtonPress, _widget_point(w, *a), left, left)
    for k in range(1, steps + 1):
        t = k / steps     # the hand follows the map: each point is mapped when it is reached
        pt = _widget_point(w, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        _send(vp, QEvent.Type.MouseMove, pt, none, left)
        qtbot.wait(5)
    _send(vp, QEvent.Type.MouseButtonRelease, _widget_point(w, *b), left, none)
    qtbot.wait(20)


def test_dragging_a_start_marker_moves_that_start_in_one_undo_step(make_window, qtbot):
    w = make_window()
    w.step_once(5)
    _drag(w, qtbot, (1.5, -1.0), (0.5, 0.5))          # run 1's start marker
    cell = 4.0 / (w.grid.xs.size - 1) + 0.02
    assert w.race.scene.runs[1].start == pytest.approx((0.5, 0.5), abs=cell)
    assert w.race.scene.runs[0].start == (-1.5, 1.2)
    (x0, x1), (y0, y1) = w.contour_view.plot.getViewBox().viewRange()
    assert x0 <= -2 + 1e-9 and x1 >= 2 - 1e-9 and y0 <= -2 + 1e-9 and y1 >= 2 - 1e-9   # no pan
    # the Start fields show the new start
    assert (w.runs_panel.start_x.value(), w.runs_panel.start_y.value()) == pytest.approx(
        w.race.scene.runs[1].start, abs=1e-2)
    w.act_undo.trigger()                                # one step back to where the drag began
    assert w.race.scene.runs[1].start == pytest.approx((1.5, -1.0))
    assert w.runs_panel.start_x.value() == pytest.approx(1.5)


def test_dragging_elsewhere_pans_and_key_1_brings_the_whole_map_back(make_window, qtbot):
    w = make_window()
    vb = w.contour_view.plot.getViewBox()
    _drag(w, qtbot, (0.0, -1.6), (0.8, -0.6))
    assert w.race.scene.runs[0].start == (-1.5, 1.2) and w.race.scene.runs[1].start == (1.5, -1.0)
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x0 < -2.2 or y0 < -2.2 or x1 < 2 or y1 < 2      # panned
    w.act_cam_reset.trigger()
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x0 <= -2 + 1e-9 and x1 >= 2 - 1e-9 and y0 <= -2 + 1e-9 and y1 >= 2 - 1e-9


def test_readout_under_the_cursor_is_the_exact_value(make_window, qtbot):
    w = make_window()
    cv = w.contour_view
    scene_pt = cv.plot.getViewBox().mapViewToScene(QPointF(0.5, -1.0))
    cv._on_move(scene_pt)
    text = cv.readout.textItem.toPlainText()
    x, y = (float(v) for v in text.split()[1:4:2])
    f = x * x + y * y                                   # the bowl, by hand at the cursor's point
    assert f"f {f:.3g}" in text and cv.readout.isVisible()


def test_a_start_where_f_is_undefined_is_named_in_the_status_bar(make_window):
    from app.model.scene import LandscapeSpec, RunSpec

    scene = race_scene(runs=[RunSpec("gd", {"lr": 0.01}, start=(-1.0, 1.0), label="left")])
    scene.landscape = LandscapeSpec("expression", expression="log(x) + y^2", bounds=((-2.0, 2.0), (-2.0, 2.0)))
    w = make_window(scene)
    assert "left starts where f is undefined" in w.status_label.text()
