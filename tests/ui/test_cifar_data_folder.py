"""The CIFAR-10 data folder is one saved setting: chosen in the dock, remembered, read by CIFAR-10
scenes; missing data says what to do and leaves the scene on screen (issue 10 point 9)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.model import landscape_kinds as kinds
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

pytestmark = pytest.mark.gl
WAIT = 120_000   # ms, a shared machine (never a speed assertion)


@pytest.fixture(autouse=True)
def no_env_root(monkeypatch):
    monkeypatch.delenv(kinds.CIFAR_ROOT_ENV, raising=False)
    yield
    kinds.set_cifar_root(None)


def cifar_scene() -> Scene:
    """A small CIFAR-10 scene that, as the built-in ones, names no folder."""
    return Scene(title="tiny CIFAR-10", landscape=LandscapeSpec("cifar_slice", params={"subset": 200}, resolution=21),
                 runs=[RunSpec("gd", {"lr": 0.1})], playback=PlaybackSpec(steps=20))


def with_panel(make_window, ini):
    from app.ui.features.cifar_panel import install

    w = make_window(qsettings=QSettings(str(ini), QSettings.Format.IniFormat))
    return w, install(w.host).panel


def test_the_folder_chosen_in_the_dock_is_remembered_and_used_by_scenes(make_window, qtbot, tmp_path, cifar_root):
    ini = tmp_path / "losslab.ini"
    w, panel = with_panel(make_window, ini)
    panel.root_edit.clear()
    qtbot.keyClicks(panel.root_edit, str(cifar_root))      # typed, as a user does
    assert kinds.cifar_root() == str(cifar_root)
    assert "root" not in panel.landscape_spec().params      # a slice's spec names no machine's folder
    w.close()
    assert QSettings(str(ini), QSettings.Format.IniFormat).value("data/cifar_root") == str(cifar_root)

    kinds.set_cifar_root(None)                              # a new start reads it back from the file
    w2, panel2 = with_panel(make_window, ini)
    assert panel2.root_edit.text() == str(cifar_root)
    w2.load_scene(cifar_scene())
    qtbot.waitUntil(lambda: w2.race.scene.landscape.name == "cifar_slice" or "failed" in w2.status_label.text(),
                    timeout=WAIT)
    assert w2.race.landscape.n_examples == 200, w2.status_label.text()
    panel2.shutdown()
    panel.shutdown()


def test_missing_data_says_what_to_do_and_signals_the_failure(make_window, qtbot, tmp_path):
    ini = tmp_path / "losslab.ini"
    QSettings(str(ini), QSettings.Format.IniFormat).setValue("data/cifar_root", str(tmp_path / "gone"))
    w, panel = with_panel(make_window, ini)
    old = w.race.landscape
    with qtbot.waitSignal(w.scene_failed, timeout=WAIT) as failed:
        w.load_scene(cifar_scene())
    text = failed.args[0]
    assert f"no CIFAR-10 data at {tmp_path / 'gone'}" in text
    assert "Download" in text and "losslab cifar fetch" in text and "fetch_cifar10" not in text
    assert text in w.status_label.text()
    assert w.race.landscape is old and w.windowTitle() == "Loss Lab — UI test scene"
    panel.shutdown()


def test_a_scene_that_cannot_build_at_once_returns_false(make_window, qtbot):
    w = make_window()
    bad = Scene(title="bad", landscape=LandscapeSpec("no_such_surface"), runs=[RunSpec("gd", {"lr": 0.1})])
    with qtbot.waitSignal(w.scene_failed, timeout=2000):
        assert w.load_scene(bad) is False
    assert w.race.scene.title == "UI test scene"
