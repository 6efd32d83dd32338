"""The one way to run slow work off the GUI thread (CIFAR-10 slices and downloads, typed
expressions, basin maps, learning-rate sweeps).

    runner = JobRunner(parent, report, progress=bar, cancel_button=button)
    runner.run("building CIFAR-10 slice", fn, on_done)    # fn(progress, cancel) -> result

fn runs in an app.ui.common.workers.Job (a worker thread); while it runs, the
progress bar and the Cancel button show; its result goes to on_done on the GUI
thread. Progress messages, a failure ("<what> failed: <one line>") and a cancel
("<what> cancelled") go to ``report(text, is_error)`` (the status bar, or a
panel's own status line), unless the caller passes its own on_failed /
on_cancelled. A runner runs one job at a time: a new one replaces the running
one (replace=True) or is refused while one runs (replace=False).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractButton, QProgressBar

from app.ui.common.workers import Job

Report = Callable[[str, bool], None]     # (one line, is it an error)


class JobRunner(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject, report: Report, *, progress: QProgressBar | None = None,
                 cancel_button: QAbstractButton | None = None, replace: bool = True) -> None:
        super().__init__(parent)
        self._report = report
        self._progress = progress
        self._cancel_button = cancel_button
        self._replace = replace
        self.job: Job | None = None
        if cancel_button is not None:
            cancel_button.clicked.connect(self.cancel)
        self._show(False)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def run(self, what: str, fn: Callable[..., Any], on_done: Callable[[Any], None], *,
            on_failed: Callable[[str], None] | None = None,
            on_cancelled: Callable[[], None] | None = None, announce: bool = False) -> bool:
        """Start fn(progress, cancel) off the GUI thread; False if refused (another job runs)."""
        if self.job is not None:
            if not self._replace:
                return False
            self.cancel()
        job = Job(fn, self)
        self.job = job
        if self._progress is not None:
            self._progress.setValue(0)
            self._progress.setFormat(f"{what} %p%")
        self._show(True)
        if announce:
            self._report(f"{what}…", False)
        def done(result: Any) -> None:
            if self._end(job):
                on_done(result)

        def failed(message: str) -> None:
            if self._end(job):
                on_failed(message) if on_failed is not None else self._report(f"{what} failed: {message}", True)

        def cancelled() -> None:
            if self._end(job):
                on_cancelled() if on_cancelled is not None else self._report(f"{what} cancelled", True)

        job.progressed.connect(self._on_progress)
        job.finished_ok.connect(done)
        job.failed.connect(failed)
        job.cancelled.connect(cancelled)
        job.start()
        return True

    def cancel(self) -> None:
        """Ask the running job to stop (it polls cancel(); its cancelled line follows)."""
        if self.job is not None:
            self.job.cancel()

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Cancel and wait for the running job (its window is closing)."""
        job = self.job
        if job is not None:
            job.cancel()
            job.wait(timeout_ms)

    def _on_progress(self, value: int, message: str) -> None:
        if self._progress is not None:
            self._progress.setValue(value)
        if message:
            self._report(message, False)

    def _end(self, job: Job) -> bool:
        """True if ``job`` is the current one (then its result is used), False for a replaced job."""
        job.wait()    # the thread ends right after its last signal: a short wait
        if self.job is not job:
            return False
        self.job = None
        self._show(False)
        return True

    def _show(self, busy: bool) -> None:
        for w in (self._progress, self._cancel_button):
            if w is not None:
                w.setVisible(busy)
        self.busy_changed.emit(busy)
