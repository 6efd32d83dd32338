"""The scene's own words and story (issue 10, points 7 and 20): title and caption editor, saved with
the scene; no stale words after a landscape change; runs revealed one at a time."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.model import presets
from app.model.race import Race
from app.model.scene import LandscapeSpec, RunSpec
from app.model.scene_io import load_scene, save_scene

from .conftest import race_scene

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


def _active(qtbot, w):
    """Window shortcuts need the active window."""
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def test_editor_sets_title_and_caption_saved_with_the_scene(qtbot, make_app, tmp_path):
    w, features = make_app(presets.load_builtin("learning_rate"))
    dlg = features["scene_editor"].open()
    dlg.title.setText("  My own bowl  ")
    dlg.caption.setPlainText("Watch the orange run.")
    dlg.apply()
    assert not dlg.isVisible()
    assert w.race.scene.title == "My own bowl" and w.race.scene.caption == "Watch the orange run."
    assert w.windowTitle() == "Loss Lab — My own bowl"
    assert w.caption.text() == "Watch the orange run." and w.caption.isVisible()
    qtbot.waitUntil(lambda: w.scene_picker.currentData() is None, timeout=3000)   # no longer the built-in scene
    again = load_scene(save_scene(w.race.scene, tmp_path / "mine.json"))
    assert (again.title, again.caption) == ("My own bowl", "Watch the orange run.")


def test_editor_refuses_an_empty_title(qtbot, make_app):
    w, features = make_app()
    before = (w.race.scene.title, w.race.scene.caption)
    dlg = features["scene_editor"].open()
    dlg.title.setText("   ")
    dlg.apply()
    assert dlg.isVisible() and dlg.error.text() == "not applied: a scene needs a title"
    assert (w.race.scene.title, w.race.scene.caption) == before
    dlg.reject()


def test_ctrl_t_opens_the_editor(qtbot, make_app):
    w, features = make_app()
    _active(qtbot, w)
    qtbot.keyClick(w, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    ed = features["scene_editor"]
    qtbot.waitUntil(lambda: ed.dialog is not None and ed.dialog.isVisible())
    assert ed.dialog.title.text() == w.race.scene.title
    ed.dialog.reject()


def test_a_new_surface_does_not_keep_the_old_words(qtbot, make_app):
    """Point 7: after a landscape change the title and caption no longer describe the old surface."""
    w, features = make_app(presets.load_builtin("learning_rate"))    # "…round bowl…"
    w.on_landscape_spec(LandscapeSpec("rosenbrock"))
    title = w.race.landscape.title
    assert "Rosenbrock" in title
    assert w.race.scene.title == title and w.windowTitle() == f"Loss Lab — {title}"
    assert w.race.scene.caption == "" and not w.caption.isVisible()
    # the same surface redrawn (grid size, log height) keeps the words
    features["scene_editor"].set_text("Valley", "Mine.")
    w.on_landscape_spec(dataclasses.replace(w.race.scene.landscape, resolution=60))
    w.set_log_height(True)
    assert (w.race.scene.title, w.race.scene.caption) == ("Valley", "Mine.")
    # words the user typed are theirs: another surface keeps them
    w.on_landscape_spec(LandscapeSpec("himmelblau"))
    assert (w.race.scene.title, w.race.scene.caption) == ("Valley", "Mine.")


def test_the_landscape_combo_names_the_actual_parameters(qtbot, make_app):
    """Point 7: the ravine scene has κ = 100; the combo said "Ravine (κ = 20)" (the default)."""
    scene = race_scene(landscape="ravine")
    scene.landscape.params = {"condition": 100.0}
    w, _features = make_app(scene)
    panel = w.landscape_panel
    assert panel.picker.currentText() == "Ravine (κ = 100)" == panel.title.text()
    w.on_landscape_spec(LandscapeSpec("rosenbrock"))
    row = panel.picker.findData("ravine")
    assert panel.picker.itemText(row) == "Ravine (κ = 20)"     # what picking it gives: the default κ


def _story_scene():
    runs = [RunSpec("gd", {"lr": 0.1}, start=(-1.5, 1.2)),
            RunSpec("momentum", {"lr": 0.02, "momentum": 0.9}, start=(1.5, -1.0), enabled=False),
            RunSpec("adam", {"lr": 0.05}, start=(1.0, 1.5), enabled=False)]
    return race_scene(runs=runs)


def test_m_reveals_the_next_run_caught_up(qtbot, make_app):
    w, features = make_app(_story_scene())
    _active(qtbot, w)
    assert [tr.spec.solver for tr in w.race.runs] == ["gd"]
    w.step_once(10)
    qtbot.keyClick(w, Qt.Key.Key_M)
    assert [tr.spec.solver for tr in w.race.runs] == ["gd", "momentum"]
    mom = w.race.runs[1]
    alone = Race(race_scene(runs=[dataclasses.replace(w.race.scene.runs[1])]))   # a fresh run, independently
    alone.step(10)
    np.testing.assert_array_equal(mom.points, alone.runs[0].points)
    assert len(w.contour_view._tracks) == 2 and w.runs_panel.list.count() == 2
    assert "1 more" in w.status_label.text()
    qtbot.keyClick(w, Qt.Key.Key_M)
    assert len(w.race.runs) == 3
    qtbot.keyClick(w, Qt.Key.Key_M)
    assert len(w.race.runs) == 3 and "every run is shown" in w.status_label.text()


def test_reveal_one_at_a_time_is_saved_with_the_scene(qtbot, make_app, tmp_path):
    w, features = make_app()               # two runs, both shown
    dlg = features["scene_editor"].open()
    assert not dlg.reveal.isChecked()
    dlg.reveal.setChecked(True)
    dlg.apply()
    assert len(w.race.runs) == 1 and [r.enabled for r in w.race.scene.runs] == [True, False]
    again = load_scene(save_scene(w.race.scene, tmp_path / "story.json"))
    assert [r.enabled for r in again.runs] == [True, False]
    dlg = features["scene_editor"].open()
    assert dlg.reveal.isChecked()
    dlg.reveal.setChecked(False)
    dlg.apply()
    assert len(w.race.runs) == 2
