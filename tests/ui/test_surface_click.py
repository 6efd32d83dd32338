"""A click on the 3-D surface sets the selected run's start (Shift: every run), as on the 2-D map.

The target is a known data point (x, y) lifted to the drawn height and projected to window
pixels with the view's projection and view matrices; the pick must come back within a grid cell.
"""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


def _window_point(sv, xy) -> QPoint:
    """Window pixel of data point xy on the drawn surface, projected as OpenGL does."""
    p = sv.world(np.array([xy]), np.zeros(1), lift=0.0)[0].astype(np.float64)
    p[2] = sv._height_at(np.array([xy], dtype=np.float64))[0]
    clip = sv.gl.view_projection() @ np.array([*p, 1.0])
    ndc = clip[:3] / clip[3]
    return QPoint(round((ndc[0] + 1) / 2 * sv.gl.width()), round((1 - ndc[1]) / 2 * sv.gl.height()))


def _cell(sv) -> float:
    mx, my, _t = sv._mesh
    return max(np.diff(mx).max(), np.diff(my).max())


def _start(w, i):
    return np.asarray(w.race.scene.runs[i].start, dtype=np.float64)


@pytest.mark.parametrize("target", [(0.8, -0.6), (-1.2, 1.4), (1.6, 1.7)])
def test_click_on_the_surface_moves_the_selected_start_there(window, target):
    w, sv = window, window.surface_view
    i = w.runs_panel.current
    other = _start(w, 1 - i)
    QTest.mouseClick(sv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, _window_point(sv, target))
    assert np.abs(_start(w, i) - target).max() <= 2 * _cell(sv), (_start(w, i), target)
    assert np.array_equal(_start(w, 1 - i), other)        # only the selected run moved


def test_shift_click_moves_every_start_and_one_undo_restores_them(window):
    w, sv = window, window.surface_view
    before = [_start(w, k) for k in range(2)]
    QTest.mouseClick(sv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     _window_point(sv, (0.5, 0.5)))
    for k in range(2):
        assert np.abs(_start(w, k) - (0.5, 0.5)).max() <= 2 * _cell(sv)
    w.undo()
    for k in range(2):
        assert np.allclose(_start(w, k), before[k])


def test_a_drag_orbits_and_a_click_off_the_surface_sets_nothing(window, qtbot):
    w, sv = window, window.surface_view
    i = w.runs_panel.current
    before = _start(w, i)
    azimuth = sv.gl.opts["azimuth"]
    at = _window_point(sv, (0.8, -0.6))
    QTest.mousePress(sv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    for k in range(1, 6):
        QTest.mouseMove(sv.gl, at + QPoint(8 * k, 0))
    QTest.mouseRelease(sv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at + QPoint(40, 0))
    assert sv.gl.opts["azimuth"] != azimuth                 # the orbit still works
    assert np.array_equal(_start(w, i), before)
    QTest.mouseClick(sv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(3, 3))
    assert sv.pick(3, 3) is None and np.array_equal(_start(w, i), before)
