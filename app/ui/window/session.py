"""What a start restores and a close remembers: the last scene, the window's geometry and layout.

Restoring never stops a start: a settings file that cannot be used (damaged
JSON, a scene that no longer builds, a geometry that is not one) gives the
default scene and a one-line notice in the status bar.
"""
from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from app.model import presets, scene_io
from app.model.scene import LandscapeSpec, RunSpec, Scene
from app.ui.common.settings import AppSettings

NOTICE_CHARS = 120   # the cause in a notice is cut here: a status bar line, not a report


def fallback_scene() -> Scene:
    """A built-in race used only if the preset files cannot be read."""
    runs = [RunSpec("gd", {"lr": 1e-3}), RunSpec("momentum", {"lr": 1e-3, "momentum": 0.9}),
            RunSpec("rmsprop", {"lr": 1e-2}), RunSpec("adam", {"lr": 5e-2})]
    return Scene(title="Rosenbrock race", caption="Four solvers race down the banana valley to (1, 1).",
                 landscape=LandscapeSpec("rosenbrock"), runs=runs)


def default_scene() -> Scene:
    try:
        return presets.default_scene()
    except (ValueError, OSError):   # resources missing (e.g. a source checkout mid-build)
        return fallback_scene()


def notice(what: str, error: BaseException) -> str:
    cause = " ".join(f"{type(error).__name__}: {error}".split())   # one line: a SceneError lists problems on lines
    if len(cause) > NOTICE_CHARS:
        cause = cause[:NOTICE_CHARS - 1] + "…"
    return f"{what} not restored ({cause}); showing the default"


def last_scene(settings: AppSettings) -> tuple[Scene | None, str]:
    """The last session's scene (None if there is none or it cannot be read) and a notice."""
    try:
        text = settings.last_scene_json()
        if not text:
            return None, ""
        return scene_io.scene_from_dict(json.loads(text)), ""
    except Exception as e:  # any damage in the settings file (deep nesting, huge numbers, ...)
        return None, notice("last session", e)


def restore_geometry(window: QMainWindow, settings: AppSettings) -> str:
    """The last window geometry, kept on the screen; a notice if the stored one is unusable
    ('' when fine or absent)."""
    geometry, _state = settings.window_state()
    try:
        if geometry is None:
            return ""
        if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
            return ""
        return notice("window size", ValueError(f"not a saved geometry: {str(geometry)[:40]!r}"))
    finally:
        fit_to_screen(window)


def fit_to_screen(window: QMainWindow) -> None:
    """Shrink and move the window into its screen's available area (a geometry saved at another
    scale factor or on a larger screen, or the default size on a small screen, may not fit)."""
    centre = window.geometry().center()
    screen = QGuiApplication.screenAt(centre) or window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    avail = screen.availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    # the title bar and borders (zero before the window is shown on some platforms)
    extra_w, extra_h = max(frame.width() - inner.width(), 0), max(frame.height() - inner.height(), 0)
    if window.isMaximized() or window.isFullScreen():
        return
    width = min(inner.width(), avail.width() - extra_w)
    height = min(inner.height(), avail.height() - extra_h)
    if (width, height) != (inner.width(), inner.height()):
        window.resize(width, height)
    x = min(max(frame.x(), avail.left()), avail.right() + 1 - (width + extra_w))
    y = min(max(frame.y(), avail.top()), avail.bottom() + 1 - (height + extra_h))
    if QPoint(x, y) != frame.topLeft():
        window.move(x, y)


def save(settings: AppSettings, geometry: QByteArray, state: QByteArray, scene: Scene | None) -> None:
    settings.set_window_state(geometry, state)
    if scene is not None:
        settings.set_last_scene_json(json.dumps(scene_io.scene_to_dict(scene_io.savable(scene)[0])))
    settings.sync()
