"""UI fixtures: a MainWindow on an isolated QSettings ini file and a small known scene."""
from __future__ import annotations

import numpy as np
import pytest

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene


def race_scene(runs=None, landscape="quadratic_bowl", steps=200, resolution=80) -> Scene:
    """A small, fast scene: gd and adam on the bowl x^2 + y^2 unless told otherwise."""
    runs = runs if runs is not None else [
        RunSpec("gd", {"lr": 0.1}, start=(-1.5, 1.2)),
        RunSpec("adam", {"lr": 0.05}, start=(1.5, -1.0)),
    ]
    return Scene(title="UI test scene", caption="test", landscape=LandscapeSpec(landscape, resolution=resolution),
                 runs=runs, playback=PlaybackSpec(steps=steps, speed=1))


@pytest.fixture
def settings(tmp_path):
    from app.ui.common.settings import ini_settings

    return ini_settings(tmp_path / "losslab-test.ini")


def _shown(qtbot, settings, scene, qsettings, composed: bool):
    from app.ui.compose import compose
    from app.ui.window.main_window import MainWindow

    w = MainWindow(scene=scene if scene is not None else race_scene(),
                   settings=qsettings if qsettings is not None else settings)
    qtbot.addWidget(w)
    features = compose(w) if composed else None    # before show(), as run_gui does
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return (w, features) if composed else w


@pytest.fixture
def make_window(qtbot, settings):
    """Factory: make_window(scene) -> shown MainWindow (no features) that never touches the user's settings."""
    return lambda scene=None, qsettings=None: _shown(qtbot, settings, scene, qsettings, composed=False)


@pytest.fixture
def make_app(qtbot, settings):
    """Factory: make_app(scene) -> (window, features by name): every feature composed, as the app starts."""
    return lambda scene=None, qsettings=None: _shown(qtbot, settings, scene, qsettings, composed=True)


def pixel_std(img) -> float:
    """Standard deviation of the RGB values of a QImage (0 for a blank image)."""
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    arr = arr.reshape(h, img.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)[..., :3]
    return float(arr.std())


@pytest.fixture
def training(make_app, qtbot, monkeypatch, cifar_root):
    """(window, features, training window): every feature composed, the training race window open on
    1,000 CIFAR-10 images (4 default runs)."""
    monkeypatch.setenv("LOSSLAB_CIFAR_ROOT", str(cifar_root))
    w, features = make_app()
    feature = features["cifar_training"]
    win = feature.window()
    win.subset.setCurrentIndex(win.subset.findData(1000))
    feature.open()
    qtbot.waitUntil(lambda: win.race is not None, timeout=120_000)
    yield w, features, win
    win.stop()


@pytest.fixture
def window(make_window, qtbot):
    """The small race scene's window with its 3-D view on screen and the camera at its reset view
    (the 3-D click and hover tests read pixels through it)."""
    w = make_window(race_scene())
    qtbot.waitUntil(lambda: w.surface_view.gl.isExposed())
    w.surface_view.set_camera("reset")
    qtbot.wait(30)
    return w
