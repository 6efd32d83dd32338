"""Swarm window: installed into the main window, draws a non-blank basin map and an lr sweep."""
from __future__ import annotations

import os

import numpy as np
import pytest

from app.model import swarm
from app.model.scene import RunSpec
from app.ui.features import swarm_window
from tests.ui.conftest import pixel_std, race_scene


def himmelblau_window(make_window):
    """(window, the swarm feature installed on it)."""
    w = make_window(race_scene(runs=[RunSpec("gd", {"lr": 0.01}, start=(-0.3, -0.9))],
                               landscape="himmelblau", resolution=60))
    return w, swarm_window.install(w.host)


def test_install_adds_the_swarm_menu_with_shortcuts(make_window):
    w, feature = himmelblau_window(make_window)
    menus = [a.text() for a in w.menuBar().actions()]
    assert "S&warm" in menus
    assert feature.act_basins.shortcut().toString() == "B"
    assert feature.act_lr_sweep.shortcut().toString() == "Ctrl+L"
    assert feature.act_basins.toolTip().endswith("(B)") and feature.act_basins.iconText() == "Basins"


def test_basins_open_from_the_menu_and_draw_a_coloured_map(make_window, qtbot, tmp_path):
    w, feature = himmelblau_window(make_window)
    feature.act_basins.trigger()
    sw = feature.dialog()
    qtbot.waitExposed(sw)
    qtbot.waitUntil(lambda: sw.basins is not None and not sw.busy, timeout=30_000)
    b = sw.basins
    assert sw.solver.currentText() == "gd" and sw.lr.value() == pytest.approx(0.01)
    assert b.counts.sum() == b.n ** 2 and all(b.counts[:4] > 0)
    # image pixels are the class colours: the cell of (3, 2) has the colour of its minimum's class
    img = sw.basin_image.image
    colors = swarm_window.class_colors(b.kinds)
    j, i = np.unravel_index(np.argmin(np.hypot(*(b.starts - (3.0, 2.0)).transpose(2, 0, 1))), b.classes.shape)
    from PySide6.QtGui import QColor
    assert tuple(img[j, i]) == QColor(colors[0]).getRgb()
    assert sw.legend.count() == 4                   # four minima; no empty diverged/not-converged rows
    assert "(3.00, 2.00)" in sw.legend.item(0).text()
    grab = sw.basin_plot.grab().toImage()
    assert pixel_std(grab) > 20
    if os.environ.get("LOSSLAB_SHOTS"):
        sw.grab().save(str(tmp_path / "basins.png"))


def test_sweep_draws_the_u_curve_and_a_click_sets_the_runs_lr(make_window, qtbot):
    w = make_window()                               # gd lr 0.1 and adam on the bowl x² + y²
    feature = swarm_window.install(w.host)
    w.runs_panel.select(0)
    sw = feature.open(1)
    qtbot.waitUntil(lambda: sw.sweep is not None and not sw.busy, timeout=30_000)
    s = sw.sweep
    assert s.solver == "gd"
    np.testing.assert_array_equal(s.diverged, s.lrs > 1.0)   # |1 − 2η| > 1 ⇔ η > 1
    xs, ys = sw.sweep_curve.getData()
    assert len(xs) == int((~s.diverged).sum())
    assert len(sw.sweep_div.data) == int(s.diverged.sum())
    assert sw.sweep_line.value() == pytest.approx(np.log10(0.1))
    assert pixel_std(sw.sweep_plot.grab().toImage()) > 10
    sw.set_run_lr(0.3)
    assert w.race.runs[0].solver.lr == pytest.approx(0.3)
    w.undo()
    assert w.race.runs[0].solver.lr == pytest.approx(0.1)


def test_a_big_grid_runs_in_the_background_and_can_be_cancelled(make_window, qtbot):
    w, feature = himmelblau_window(make_window)
    sw = feature.dialog()
    sw.sync_from_window()
    sw.show()
    sw.grid_size.setValue(200)
    sw.steps.setValue(3000)
    sw.compute_basins()
    assert sw.busy and sw.progress.isVisible()
    sw.cancel_job()
    qtbot.waitUntil(lambda: not sw.busy, timeout=30_000)
    assert "cancelled" in sw.status.text() and sw.basins is None


def test_closing_the_main_window_stops_a_running_job(make_window, qtbot):
    w, feature = himmelblau_window(make_window)
    sw = feature.dialog()
    sw.sync_from_window()
    sw.grid_size.setValue(200)
    sw.steps.setValue(3000)
    sw.compute_basins()
    job = sw.jobs.job
    assert job is not None and job.isRunning()
    w.close()
    assert not job.isRunning()


def test_class_colors_are_okabe_ito_then_greys():
    kinds = [swarm.KIND_GLOBAL, swarm.KIND_LOCAL, swarm.KIND_NOT_CONVERGED, swarm.KIND_DIVERGED]
    c = swarm_window.class_colors(kinds)
    assert c[:2] == ["#e69f00", "#56b4e9"]
    assert c[2:] == [swarm_window.NOT_CONVERGED_COLOR, swarm_window.DIVERGED_COLOR]
    many = swarm_window.class_colors([swarm.KIND_LOCAL] * 21)
    assert len(set(many)) == 21                     # tints keep 21 attractors apart
