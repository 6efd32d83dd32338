"""Run slow work (CIFAR slice builds, big grids) off the GUI thread, with progress and cancel.

    job = Job(fn)            # fn(progress, cancel) -> result
    job.progressed.connect(bar.setValue)    # 0..100, plus a message
    job.finished_ok.connect(use_result); job.failed.connect(show_error)
    job.start(); ... job.cancel()

progress(fraction, message) is called by fn from the worker thread; the signal
hops to the GUI thread. cancel() -> bool is polled by fn; a cancelled job emits
``cancelled`` instead of a result.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal


class Cancelled(Exception):
    """Raised inside a job to stop early (fn may also just return once cancel() is True)."""


class Job(QThread):
    progressed = Signal(int, str)
    finished_ok = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Callable[[Callable[[float, str], None], Callable[[], bool]], Any],
                 parent=None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    def _progress(self, fraction: float, message: str = "") -> None:
        self.progressed.emit(int(round(100 * max(0.0, min(1.0, float(fraction))))), str(message))

    def run(self) -> None:  # runs in the worker thread
        try:
            result = self._fn(self._progress, self.is_cancelled)
        except Cancelled:
            self.cancelled.emit()
            return
        except Exception as e:  # reported to the GUI as one line, never a crash
            if self._stop.is_set():
                self.cancelled.emit()
            else:
                self.failed.emit(f"{type(e).__name__}: {e}")
            return
        if self._stop.is_set():
            self.cancelled.emit()
        else:
            self.finished_ok.emit(result)
