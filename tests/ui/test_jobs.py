"""The one job runner: result on the GUI thread, progress and Cancel shown while it runs,
failures and cancels as one line, one job at a time (replace or refuse)."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QProgressBar, QPushButton, QWidget

from app.ui.common.jobs import JobRunner
from app.ui.common.workers import Cancelled

WAIT = 30_000


@pytest.fixture
def runner(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    bar, button = QProgressBar(parent), QPushButton("Cancel", parent)
    parent.show()
    lines: list[tuple[str, bool]] = []
    r = JobRunner(parent, lambda text, error: lines.append((text, error)), progress=bar, cancel_button=button)
    r.lines, r.bar, r.button = lines, bar, button
    yield r
    r.shutdown()


def test_result_comes_back_and_progress_is_shown(runner, qtbot):
    got, on_gui = [], []
    gui_thread = threading.current_thread()

    def work(progress, cancel):
        progress(0.5, "half way")
        return sum(range(101))                         # 5050, by Gauss

    assert runner.run("adding", work, lambda r: (got.append(r), on_gui.append(threading.current_thread())))
    assert runner.busy and runner.bar.isVisible() and runner.button.isVisible()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    assert got == [5050] and on_gui == [gui_thread]
    assert ("half way", False) in runner.lines
    assert not runner.bar.isVisible() and not runner.button.isVisible()


def test_a_failure_is_one_line_and_nothing_is_returned(runner, qtbot):
    got = []
    runner.run("parsing f(x, y)", lambda p, c: 1 / 0, got.append)
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    assert got == [] and runner.lines == [("parsing f(x, y) failed: ZeroDivisionError: division by zero", True)]


def test_cancel_button_stops_a_job_that_polls(runner, qtbot):
    started = threading.Event()

    def work(progress, cancel):
        started.set()
        while not cancel():
            threading.Event().wait(0.005)
        raise Cancelled

    got = []
    runner.run("sweeping", work, got.append)
    started.wait(5)
    runner.button.click()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    assert got == [] and runner.lines[-1] == ("sweeping cancelled", True)


def test_a_new_job_replaces_the_running_one_or_is_refused(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    lines, got = [], []

    def slow(progress, cancel):
        while not cancel():
            threading.Event().wait(0.005)
        return "old"

    replacing = JobRunner(parent, lambda t, e: lines.append(t))
    replacing.run("old", slow, got.append)
    replacing.run("new", lambda p, c: "new", got.append)
    qtbot.waitUntil(lambda: not replacing.busy, timeout=WAIT)
    assert got == ["new"] and lines == []              # the replaced job leaves no result and no line
    refusing = JobRunner(parent, lambda t, e: lines.append(t), replace=False)
    assert refusing.run("first", slow, got.append)
    assert not refusing.run("second", lambda p, c: "second", got.append)
    refusing.shutdown()
    assert not refusing.busy or refusing.job.isFinished()


QUIT_WITH_A_STUCK_JOB = """
import threading, sys
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.ui.common.jobs import JobRunner
parent = QObject()
runner = JobRunner(parent, lambda text, error: None)
started = threading.Event()
def stuck(progress, cancel):          # never polls cancel: like sympy folding a huge constant
    started.set()
    threading.Event().wait(600)
runner.run("stuck", stuck, print)
started.wait(10)
runner.shutdown(200)                  # gives up after 200 ms, as a closing window does
parent.deleteLater()                  # the window goes, as at the end of run_gui
QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
del runner, parent
print("quit cleanly")
"""


def test_quitting_with_a_job_that_ignores_cancel_does_not_crash():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", QUIT_WITH_A_STUCK_JOB], capture_output=True, text=True,
                         timeout=120, env=env, cwd=root)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "quit cleanly" in out.stdout and "Destroyed while thread" not in out.stderr
