"""A start never fails on a damaged session: each corrupt setting gives the default scene and one line."""
from __future__ import annotations

import json

import pytest

from app.model import presets, scene_io

from .conftest import race_scene

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


def _scene_json(**changes) -> str:
    d = scene_io.scene_to_dict(race_scene())
    for path, value in changes.items():
        node = d
        *keys, last = path.split("__")
        for k in keys:
            node = node[int(k)] if k.isdigit() else node[k]
        node[last] = value
    return json.dumps(d)


def _start(qtbot, settings):
    from app.ui.window.main_window import MainWindow

    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


BAD_SESSIONS = {
    "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "400-digit lr": _scene_json(runs__0__hyper__lr=10 ** 400),
    "x/0 + y^2": _scene_json(landscape__name="expression", landscape__expression="x/0+y^2"),
    "a formula that does not parse": _scene_json(landscape__name="expression", landscape__expression="x^2 + * y"),
    "not JSON": "{'title': ",
}


@pytest.mark.parametrize("text", BAD_SESSIONS.values(), ids=BAD_SESSIONS.keys())
def test_a_corrupt_session_opens_the_default_scene_with_a_notice(qtbot, settings, text):
    settings.setValue("session/scene_json", text)
    settings.sync()
    w = _start(qtbot, settings)
    assert w.race is not None and w.race.scene.title == presets.default_scene().title
    status = w.status_label.text()
    assert "last session not restored" in status and "showing the default" in status
    assert "\n" not in status and len(status) < 300
    w.step_once(2)
    assert w.race.step_count == 2
    w.close()                                   # the damaged session is replaced by a good one
    again = _start(qtbot, settings)
    assert again.race.scene.title == presets.default_scene().title
    assert "not restored" not in again.status_label.text()


def test_a_geometry_that_is_not_one_is_ignored_with_a_notice(qtbot, settings):
    settings.setValue("session/scene_json", _scene_json())
    settings.setValue("window/geometry", "hello")
    settings.setValue("window/state", "hello")
    settings.sync()
    w = _start(qtbot, settings)
    assert w.race.scene.title == "UI test scene"          # the scene itself was fine
    assert "window size not restored" in w.status_label.text()
    assert w.landscape_dock.isVisible() and w.runs_dock.isVisible() and w.toolbar.isVisible()


def test_a_good_session_is_restored_without_a_notice(qtbot, settings):
    settings.setValue("session/scene_json", _scene_json(title="Saved race"))
    settings.sync()
    w = _start(qtbot, settings)
    assert w.race.scene.title == "Saved race" and "not restored" not in w.status_label.text()


def test_a_typed_formula_that_fails_to_build_is_never_saved(make_window, qtbot, settings):
    w = make_window()
    panel = w.landscape_panel
    panel.expression.setText("x^2 + * y")
    panel._on_expression()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=30_000)
    w.close()
    saved = json.loads(settings.value("session/scene_json"))
    assert saved["landscape"]["name"] == "quadratic_bowl"
    again = _start(qtbot, settings)
    assert again.race.scene.title == "UI test scene" and "not restored" not in again.status_label.text()


def test_a_notice_about_several_problems_is_one_line():
    from app.model.scene_io import SceneError
    from app.ui.window.session import notice

    text = notice("last session", SceneError(["view.camera.distance: not finite", "view.camera.elevation: not finite"]))
    assert "\n" not in text and text.startswith("last session not restored (SceneError: 2 problems")
