"""The feature host: a feature added through it gets a dock, menus, actions with named shortcuts,
the window's places, its signals and its job runner, and never touches the window's attributes."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from .conftest import race_scene

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


def test_a_new_feature_through_the_host(make_window, qtbot):
    w = make_window()
    before = set(vars(w))
    host = w.host
    panel = QLabel("a feature's panel")
    dock = host.add_dock("Mine", panel, name="mine_dock", tab_with="runs")
    assert dock.widget().widget() is panel
    qtbot.waitUntil(lambda: w.tabifiedDockWidgets(w.runs_dock) == [dock], timeout=2000)   # laid out on the next pass
    menu = host.add_menu("&Mine")
    assert host.add_menu("&Mine") is menu           # a second feature asking for it shares the one menu
    assert [a.text() for a in w.menuBar().actions()].count("&Mine") == 1
    calls = []
    act = host.add_action("Do it", "Ctrl+K", lambda: calls.append(1), "Do the thing", menu=menu, toolbar="tools")
    assert act.toolTip() == "Do the thing (Ctrl+K)" and act in menu.actions() and act in w.toolbar.actions()
    in_file = host.add_action("Save mine…", None, lambda: None, "Save it", menu="file", toolbar="file")
    file_menu = [a.text() for a in w.menus["file"].actions() if a.isVisible()]
    assert file_menu.index("Save mine…") == file_menu.index("Save scene…") + 1          # above Quit
    tools = [a for a in w.toolbar.actions() if a.isVisible() and a.text()]
    assert tools.index(in_file) == tools.index(w.act_cam_reset) - 1
    act.trigger()
    assert calls == [1]
    with pytest.raises(ValueError, match="no place 'nowhere'"):
        host.add_action("x", None, lambda: None, "x", toolbar="nowhere")
    with pytest.raises(ValueError, match="no window menu"):
        host.add_action("x", None, lambda: None, "x", menu="help")
    with pytest.raises(ValueError, match="tab_with"):
        host.add_dock("x", QLabel(), name="x", tab_with="plots")
    assert set(vars(w)) == before                   # nothing was set on the window


def test_host_signals_follow_the_window(make_window, qtbot):
    w = make_window()
    seen = []
    for name in ("frame_drawn", "race_changed", "landscape_changed", "scene_loaded", "selection_changed"):
        getattr(w.host, name).connect(lambda *a, n=name: seen.append(n))
    w.set_start(0, (0.5, 0.5))
    assert {"race_changed", "frame_drawn"} <= set(seen)
    seen.clear()
    w.load_scene(race_scene(landscape="booth"))
    assert {"scene_loaded", "landscape_changed"} <= set(seen)
    seen.clear()
    w.runs_panel.select(1)
    assert "selection_changed" in seen and w.host.selected_row == 1


def test_host_jobs_report_to_the_status_bar(make_window, qtbot):
    w = make_window()
    w.host.jobs.run("counting", lambda p, c: 1 / 0, lambda r: None)
    qtbot.waitUntil(lambda: not w.host.jobs.busy, timeout=30_000)
    assert "counting failed: ZeroDivisionError" in w.status_label.text()


def test_the_closing_signal_comes_before_the_session_is_saved(make_window, settings):
    w = make_window()
    order = []
    w.host.closing.connect(lambda: order.append("closing"))
    w.host.keep_layout(lambda: (order.append("layout"), (w.saveGeometry(), w.saveState()))[1])
    w.close()
    assert order == ["closing", "layout"]
    assert settings.value("session/scene_json")


def test_playback_keys_reach_the_window_actions(make_window, qtbot):
    w = make_window()
    assert w.host.action("step").shortcut().matches(Qt.Key.Key_Right).name == "ExactMatch"
    with pytest.raises(ValueError, match="no window action"):
        w.host.action("rewind")


def test_a_feature_that_fails_to_import_stops_the_start(monkeypatch):
    import importlib
    import sys

    import app.ui.features as features_package

    monkeypatch.delattr(features_package, "swarm_window")
    monkeypatch.setitem(sys.modules, "app.ui.features.swarm_window", None)   # as if its import broke
    monkeypatch.delitem(sys.modules, "app.ui.compose", raising=False)
    with pytest.raises(ImportError, match="swarm_window"):
        importlib.import_module("app.ui.compose")
