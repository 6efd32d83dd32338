"""The lr(t) inset: each run's learning rate over the race, shown over the 2-D map when a run has a
schedule (issue 10 point 21), so the schedules scene makes its point on the main view (point 5)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.model import presets
from app.model.scene import RunSpec

from .conftest import pixel_std, race_scene

pytestmark = pytest.mark.gl


def by_label(inset, race):
    return {t.label: c for t, c in zip(race.runs, inset._curves, strict=True)}


def test_schedules_scene_shows_every_runs_lr_of_t(qtbot, make_app):
    w, features = make_app(presets.load_builtin("schedules"))
    inset = features["lr_inset"]
    qtbot.waitUntil(inset.widget.isVisible)
    curves = by_label(inset, w.race)
    t = np.arange(301)
    # by hand: torch StepLR (×0.1 every 100), CosineAnnealingLR over 300 steps, constant 0.1
    np.testing.assert_allclose(curves["constant"].yData, 0.1)
    np.testing.assert_allclose(curves["step decay"].yData, 0.1 * 0.1 ** (t // 100), rtol=1e-12)
    np.testing.assert_allclose(curves["cosine"].yData, 0.05 * (1 + np.cos(np.pi * t / 300)), atol=1e-12)
    assert curves["warm-up + cosine"].yData[0] == pytest.approx(0.1 / 3)
    # the dots follow the race: at step 150 each sits on its own curve, at that step
    w.race.step(150)
    w.redraw()
    spots = inset.dots.data
    assert list(spots["x"]) == [150] * 4
    np.testing.assert_allclose(sorted(spots["y"]), sorted(c.yData[150] for c in curves.values()))
    # it is painted: not a blank rectangle, and inside the map's view
    assert pixel_std(inset.widget.grab().toImage()) > 10
    assert w.contour_view.plot_widget.rect().contains(inset.widget.geometry())


def test_inset_stays_above_a_wide_map_in_lecture_mode(qtbot, make_app):
    from PySide6.QtCore import QPointF

    w, features = make_app(presets.load_builtin("schedules"))
    features["lecture"].enter()
    qtbot.wait(200)
    inset, cv = features["lr_inset"], w.contour_view
    assert inset.widget.isVisible()
    vb = cv.plot.getViewBox()
    map_top = cv.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(0.0, cv.grid.bounds[1][1]))).y()
    assert inset.widget.geometry().bottom() < map_top          # in the letterbox space, off the map
    assert inset.widget.height() >= 110
    features["lecture"].leave()


def test_hidden_without_schedules_and_i_toggles_it(qtbot, make_app):
    w, features = make_app(race_scene())
    inset = features["lr_inset"]
    assert not inset.widget.isVisible()                          # no run has a schedule
    runs = [RunSpec("sgd", {"lr": 0.1}, start=(-1.5, 1.2), schedule={"kind": "exponential", "gamma": 0.99})]
    w.host.load_scene(race_scene(runs=runs))
    qtbot.waitUntil(inset.widget.isVisible)
    np.testing.assert_allclose(inset._curves[0].yData[:3], [0.1, 0.099, 0.09801])
    assert inset.act.shortcut().toString() == "I" and inset.act.shortcutContext() == Qt.ShortcutContext.WindowShortcut
    inset.act.trigger()
    assert not inset.widget.isVisible()
    inset.act.trigger()
    assert inset.widget.isVisible()
