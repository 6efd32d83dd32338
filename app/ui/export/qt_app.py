"""The QApplication an export runs in: made if none exists, on a platform that can do what is asked."""
from __future__ import annotations

import os

from app.ui.export.errors import NEEDS_DISPLAY, RenderError


def ensure_app(need_gl: bool):
    """The QApplication (created if none exists, sharing GL contexts); RenderError if 3-D is impossible.

    With no display at all, 2-D still works on Qt's offscreen platform; 3-D
    needs a real OpenGL context (an X display, e.g. xvfb-run).
    """
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if not has_display and not os.environ.get("QT_QPA_PLATFORM"):
            if need_gl:
                raise RenderError(NEEDS_DISPLAY)
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        # before QApplication, or a second GL widget fails (DESIGN.md traps)
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(["losslab"])
    if need_gl and QApplication.platformName() in ("offscreen", "minimal"):
        raise RenderError(NEEDS_DISPLAY)
    return app

