"""Keep the GUI alive when a bug raises inside a Qt slot.

PySide6 prints exceptions raised in slots and carries on; we also want the
person at the projector to see that something failed, in one line, without a
modal dialog popping up mid-lecture. The traceback still goes to stderr for
bug reports.
"""
from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType


def install(show: Callable[[str], None]) -> Callable:
    """Route uncaught exceptions to ``show(one_line)`` and stderr; returns the previous hook."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        traceback.print_exception(kind, value, tb, file=sys.stderr)
        try:
            show(f"Internal error: {kind.__name__}: {value} (details on stderr); nothing was lost")
        except Exception:  # the window may be half gone: stderr already has it
            pass

    sys.excepthook = hook
    return previous
