"""Hovering the 3-D surface shows x, y, f and |∇f| of the point under the pointer, as the 2-D map
does (issue 10 point 17); off the surface, nothing."""
from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest

from app.model.readout import cursor_readout

from .test_surface_click import _cell, _window_point

pytestmark = pytest.mark.gl


def corner(sv) -> np.ndarray:
    """RGB of the top-left corner of the 3-D view, where the readout goes."""
    from PySide6.QtGui import QImage

    img = sv.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB32)
    dpr = img.devicePixelRatio()
    w, h = img.width(), img.height()
    a = np.frombuffer(img.constBits(), np.uint8, count=img.sizeInBytes()).reshape(h, img.bytesPerLine())
    a = a[:, : 4 * w].reshape(h, w, 4)[..., :3]
    return a[: int(30 * dpr), : int(300 * dpr)].astype(int)


@pytest.mark.parametrize("target", [(0.8, -0.6), (-1.2, 1.4)])
def test_hover_shows_the_point_under_the_pointer(window, qtbot, target):
    sv = window.surface_view
    blank = corner(sv)
    QTest.mouseMove(sv.gl, _window_point(sv, target))
    qtbot.waitUntil(lambda: bool(sv.gl.readout[0]))
    text = sv.gl.readout[0]
    x, y = (float(v) for v in re.match(r"x (\S+)  y (\S+)  f ", text).groups())
    assert abs(x - target[0]) <= 2 * _cell(sv) and abs(y - target[1]) <= 2 * _cell(sv), text
    # the text is the map's readout of the picked point: exact f and |∇f| there
    hit = window.map_input.surface_readout.point
    assert text == cursor_readout(window.race.landscape, *hit)
    f = float(re.search(r"  f (\S+)", text).group(1))
    assert f == pytest.approx(target[0] ** 2 + target[1] ** 2, rel=0.1)    # x² + y² near the target
    # and it is on screen: the corner's pixels changed (dark ink on the light ground)
    qtbot.waitUntil(lambda: np.abs(corner(sv) - blank).max() > 100)


def test_no_readout_off_the_surface_or_when_leaving(window, qtbot):
    sv = window.surface_view
    QTest.mouseMove(sv.gl, _window_point(sv, (0.5, 0.5)))
    qtbot.waitUntil(lambda: bool(sv.gl.readout[0]))
    QTest.mouseMove(sv.gl, QPoint(3, sv.gl.height() - 3))     # the background below the box's corner
    qtbot.waitUntil(lambda: sv.gl.readout[0] == "")
    assert window.map_input.surface_readout.point is None
