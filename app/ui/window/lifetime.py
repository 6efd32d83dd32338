"""Windows still open when the interpreter exits are closed first, while Python is intact."""
from __future__ import annotations

import atexit
import weakref

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget

_LIVE: weakref.WeakSet[QWidget] = weakref.WeakSet()


def keep_track(window: QWidget) -> None:
    _LIVE.add(window)


@atexit.register
def _close_live_windows() -> None:
    # Runs before PySide's own exit hook (registered later, so run earlier): windows closed
    # and deleted here do not fire pyqtgraph's overrides during teardown (a shiboken crash).
    for w in list(_LIVE):
        try:
            w.close()
            w.deleteLater()
        except RuntimeError:   # already deleted on the C++ side
            pass
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
