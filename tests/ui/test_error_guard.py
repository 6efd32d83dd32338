"""An exception in a slot is shown in one line and the app keeps running."""
from __future__ import annotations

import sys

from app.ui.common import error_guard


def test_uncaught_error_is_shown_and_printed(capsys):
    shown = []
    previous = error_guard.install(shown.append)
    try:
        try:
            raise ValueError("bad slider value")
        except ValueError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    assert shown == ["Internal error: ValueError: bad slider value (details on stderr); nothing was lost"]
    assert "Traceback" in capsys.readouterr().err


def test_a_failing_display_does_not_raise(capsys):
    def broken(_text):
        raise RuntimeError("window gone")

    previous = error_guard.install(broken)
    try:
        sys.excepthook(ValueError, ValueError("x"), None)
    finally:
        sys.excepthook = previous
    assert "ValueError: x" in capsys.readouterr().err
