"""Run slow work (CIFAR slices, typed formulas, basin maps) off the GUI thread, with progress and cancel.

    job = Job(fn)            # fn(progress, cancel) -> result
    job.progressed.connect(bar.setValue)    # 0..100, plus a message
    job.finished_ok.connect(use_result); job.failed.connect(show_error)
    job.start(); ... job.cancel()

progress(fraction, message) is called by fn from the worker thread; the signals
are queued to the GUI thread (the Job lives there). cancel() -> bool is polled
by fn; a cancelled job emits ``cancelled`` instead of a result.

The worker is a daemon Python thread, not a QThread: work that cannot be
interrupted (sympy folding a huge constant until its time budget runs out)
never blocks quitting, and no running thread is destroyed with its window.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class Cancelled(Exception):
    """Raised inside a job to stop early (fn may also just return once cancel() is True)."""


class Job(QObject):
    progressed = Signal(int, str)
    finished_ok = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Callable[[Callable[[float, str], None], Callable[[], bool]], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="losslab-job", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()

    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Wait for the worker to end (at most timeout_ms); True if it has."""
        if self._thread.ident is not None:
            self._thread.join(None if timeout_ms is None else timeout_ms / 1000)
        return not self._thread.is_alive()

    def isRunning(self) -> bool:  # noqa: N802 (QThread's name, kept for callers)
        return self._thread.is_alive()

    def isFinished(self) -> bool:  # noqa: N802
        return self._thread.ident is not None and not self._thread.is_alive()

    def _progress(self, fraction: float, message: str = "") -> None:
        self._emit(self.progressed, int(round(100 * max(0.0, min(1.0, float(fraction))))), str(message))

    def _emit(self, signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:   # the Job went with its window while the work ran on: nobody to tell
            pass

    def _run(self) -> None:  # runs in the worker thread
        try:
            result = self._fn(self._progress, self.is_cancelled)
        except Cancelled:
            self._emit(self.cancelled)
            return
        except Exception as e:  # reported to the GUI as one line, never a crash
            if self._stop.is_set():
                self._emit(self.cancelled)
            else:
                self._emit(self.failed, f"{type(e).__name__}: {e}")
            return
        if self._stop.is_set():
            self._emit(self.cancelled)
        else:
            self._emit(self.finished_ok, result)
