"""One BLAS thread for the training race's small products, as a context manager.

A race step multiplies a 200 x 3,073 minibatch by the runs' 3,073 x 10 weights:
products that small gain nothing from OpenBLAS's threads, and on a busy
2-core machine its threads spin against each other and everything else (the
training window measured 26 ms a step with two BLAS threads at load 9, 2.8 ms
with one; benchmarks/bench_cifar_training_gui.py). So the window and the
headless render step the race inside ``one_blas_thread()``.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from threadpoolctl import ThreadpoolController

_controller: ThreadpoolController | None = None   # finding the BLAS libraries once (~ms), limiting is 30 µs


def one_blas_thread() -> AbstractContextManager[Any]:
    """``with one_blas_thread(): race.step()``: BLAS on one thread inside, as before after."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    limit: AbstractContextManager[Any] = _controller.limit(limits=1, user_api="blas")
    return limit
