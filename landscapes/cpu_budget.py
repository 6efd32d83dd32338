"""A CPU-time budget for pure-Python work, on any thread, without signals.

``with cpu_budget(2.0): work()`` raises BudgetExceeded once ``work`` has used
more than 2 s of this thread's CPU time. It works by a trace function
(sys.settrace is per thread, so the GUI may call it from a worker thread) that
looks at the clock every few hundred Python calls and then raises from inside
the running code. It cannot stop one long C call (a huge exact integer power,
say): callers guard those by size before making them. CPU time rather than
wall time, so a busy machine does not make a legitimate job fail. A tracer
already set on the thread (a debugger, coverage) is paused inside the block
and restored after it.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

_CHECK_EVERY = 256  # Python calls between two looks at the clock


class BudgetExceeded(Exception):
    """The work in a cpu_budget block used more CPU time than allowed."""


class _Interrupt(BaseException):
    """Raised inside the work; a BaseException so that sympy's ``except Exception`` cannot swallow it."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Run the block with at most ``seconds`` of this thread's CPU time, else BudgetExceeded."""
    end = time.thread_time() + seconds
    calls = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        calls += 1
        if calls % _CHECK_EVERY == 0 and time.thread_time() > end:
            raise _Interrupt
        return None  # no per-line tracing inside the frame: only calls are counted

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    except _Interrupt:
        raise BudgetExceeded(f"used more than {seconds:g} s of CPU time") from None
    finally:
        sys.settrace(previous)
