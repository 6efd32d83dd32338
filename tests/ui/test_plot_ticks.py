"""The loss axis of a narrow positive range (the linear CIFAR-10 classifier's 2.0 .. 1.9) has
several round, readable labels, not one tick or none."""
from __future__ import annotations

import math

import numpy as np
import pytest

from app.model.race import Race
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene


def test_round_values_in_a_narrow_range():
    from app.ui.common.log_ticks import log_ticks

    # 1.93 .. 2.11 holds one 1-2-5 value (2): labels 0.05 apart instead, 150 px / 26 px leaves room for 5
    (_, major), (_, minor) = log_ticks(math.log10(1.93), math.log10(2.11), size=150)
    np.testing.assert_allclose(np.power(10.0, major), [1.95, 2.00, 2.05, 2.10])
    assert minor == []
    # a short axis keeps fewer, farther apart
    (_, major), _ = log_ticks(math.log10(1.93), math.log10(2.11), size=60)
    np.testing.assert_allclose(np.power(10.0, major), [2.0, 2.1])


def loss_axis_labels(qtbot, expression: str, start) -> tuple[list[str], tuple[float, float]]:
    from app.ui.views.plots_view import PlotsView

    scene = Scene(title="narrow", landscape=LandscapeSpec("expression", expression=expression,
                                                          bounds=((-2.0, 2.0), (-2.0, 2.0)), resolution=40),
                  runs=[RunSpec("gd", {"lr": 0.05}, start=start)], playback=PlaybackSpec(steps=100))
    race = Race(scene)
    race.step(100)
    view = PlotsView()
    qtbot.addWidget(view)
    view.resize(700, 220)
    view.show()
    qtbot.waitExposed(view)
    view.set_landscape(race.landscape, grid_min=1.9)
    view.set_tracks(race.runs)
    axis = view.loss_plot.getAxis("left")
    lo, hi = view.loss_plot.vb.viewRange()[1]
    (spacing, values), *_ = axis.tickValues(lo, hi, axis.height())
    return axis.tickStrings(values, 1.0, spacing), (10 ** lo, 10 ** hi)


def test_cifar_like_loss_axis_has_round_labels(qtbot):
    # f falls from 2.004 to 1.93: pyqtgraph's log ticks gave the single label "2"
    labels, (lo, hi) = loss_axis_labels(qtbot, "1.93 + 0.02*(x^2 + y^2)", (-1.5, 1.2))
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    values = [float(t) for t in labels]
    assert all(lo <= v <= hi for v in values)
    steps = np.diff(values)
    np.testing.assert_allclose(steps, steps[0])                  # evenly spaced
    assert any(np.isclose(steps[0], k * 10.0 ** e) for k in (1, 2, 5) for e in range(-4, 1))   # round
    assert all(len(t.split(".")[-1]) <= 3 for t in labels)       # written with the digits they need


@pytest.mark.parametrize("lo,hi,expected", [(1e-6, 1e2, "10⁻⁶"), (0.3, 4.0, "0.5")])
def test_wide_ranges_keep_pyqtgraph_labels(qtbot, lo, hi, expected):
    import pyqtgraph as pg

    from app.ui.common.log_ticks import log_ticks, use_log_ticks

    axis = pg.AxisItem("left")
    axis.setLogMode(False, True)
    use_log_ticks(axis)
    (spacing, values), _ = log_ticks(math.log10(lo), math.log10(hi), size=400)
    assert expected in axis.tickStrings(values, 1.0, spacing)


def test_minor_ticks_carry_no_labels(qtbot):
    """|∇f| from 4 down to 0.6: labels 1 and 2 only, not a pile of 0.6 0.7 0.8 0.9 beside the minor ticks."""
    from PySide6.QtGui import QImage, QPainter

    from app.ui.views.plots_view import PlotsView

    view = PlotsView()
    qtbot.addWidget(view)
    view.resize(700, 220)
    view.show()
    qtbot.waitExposed(view)
    view.grad_plot.setYRange(math.log10(0.6), math.log10(4.0), padding=0)
    qtbot.wait(50)
    img = QImage(10, 10, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    try:
        _, _, texts = view.grad_plot.getAxis("left").generateDrawSpecs(p)
    finally:
        p.end()
    assert sorted(t for _, _, t in texts) == ["1", "2"]
