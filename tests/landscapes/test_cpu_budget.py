"""cpu_budget stops pure-Python work on the main thread and on worker threads."""
from __future__ import annotations

import sys
import threading
import time

import pytest

from landscapes.cpu_budget import BudgetExceeded, cpu_budget


def _step(n: int) -> int:
    return n + 1


def _busy(seconds: float) -> int:
    """Python calls (what the budget counts) for ``seconds`` of CPU time; the budget must stop it earlier."""
    end = time.thread_time() + seconds
    n = 0
    while time.thread_time() < end:
        n = _step(n)
    return n


def _swallowing(seconds: float) -> None:
    """Work that catches every Exception, as library code sometimes does."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        try:
            _step(1)
        except Exception:  # noqa: BLE001, S110 - the point of the test
            pass


def test_work_over_budget_raises_and_the_tracer_is_restored():
    before = sys.gettrace()
    with pytest.raises(BudgetExceeded, match="more than 0.2 s of CPU time"), cpu_budget(0.2):
        _busy(10.0)
    assert sys.gettrace() is before


def test_work_within_budget_returns_its_result():
    with cpu_budget(30.0):
        n = _busy(0.01)
    assert n > 0


def test_except_exception_in_the_work_cannot_swallow_the_stop():
    with pytest.raises(BudgetExceeded), cpu_budget(0.2):
        _swallowing(10.0)


def test_works_off_the_main_thread():
    box: dict[str, BaseException | None] = {}

    def worker() -> None:
        try:
            with cpu_budget(0.2):
                _busy(10.0)
            box["err"] = None
        except BaseException as e:  # noqa: BLE001 - reported to the test thread
            box["err"] = e

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert isinstance(box["err"], BudgetExceeded)
