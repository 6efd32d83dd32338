"""Sum a per-example kernel over many points, in bounded-memory blocks, on all cores.

A *term* exposes ``count`` (examples or weights to sum over), ``width`` (values
per example, e.g. the 10 classes), ``quadrant_split`` and
``partial(a, b, e0, e1, order) -> (K, m)`` partial sums over items e0:e1 for
points (a, b). Work items are (point chunk, item span); each allocates only
a few buffers of ``BLOCK_ELEMS`` floats, so memory stays bounded (≈ 32 MB per
thread) whatever the number of points. numpy releases the GIL in its ufuncs,
so threads give real parallelism.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

import numpy as np

from .errors import Cancelled
from .slice_terms import Array, BlockTerm

Item = TypeVar("Item")
Result = TypeVar("Result")
Progress = Callable[[float, str], object]

BLOCK_ELEMS = 1 << 18          # floats per working buffer (2 MB: stays in cache)
POINTS_PER_ITEM = 16
WORKERS = max(1, min(4, os.cpu_count() or 1))

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="cifar-slice")
        return _pool


def _point_groups(a: Array, b: Array, split: bool) -> list[np.ndarray[Any, np.dtype[np.intp]]]:
    """Index groups of points sharing the signs of (a, b) (or one group)."""
    if not split:
        return [np.arange(a.size)]
    key = (a < 0).astype(np.int8) * 2 + (b < 0)
    return [np.flatnonzero(key == q) for q in range(4) if np.any(key == q)]


def reduce_points(term: BlockTerm, a: Array, b: Array, order: int, progress: Progress | None = None,
                  cancel: Callable[[], bool] | None = None) -> Array:
    """Sum term.partial over all items for points a, b (flat, same size) -> (K, m)."""
    k_total = a.size
    items: list[tuple[np.ndarray[Any, np.dtype[np.intp]], int, int]] = []
    for group in _point_groups(a, b, term.quadrant_split):
        for p0 in range(0, group.size, POINTS_PER_ITEM):
            idx = group[p0:p0 + POINTS_PER_ITEM]
            # few points: split the examples instead, so every core works
            spans = WORKERS if k_total <= POINTS_PER_ITEM * (WORKERS - 1) else 1
            edges = np.linspace(0, term.count, spans + 1).astype(int)
            items += [(idx, int(e0), int(e1)) for e0, e1 in zip(edges[:-1], edges[1:], strict=True) if e1 > e0]

    def work(item: tuple[np.ndarray[Any, np.dtype[np.intp]], int, int]) -> tuple[
            np.ndarray[Any, np.dtype[np.intp]], Array]:
        idx, e0, e1 = item
        pa, pb = a[idx], b[idx]
        step = max(1, BLOCK_ELEMS // (idx.size * term.width))
        total = np.zeros((idx.size, term.outputs(order)))
        for s in range(e0, e1, step):
            total += term.partial(pa, pb, s, min(e1, s + step), order)
        return idx, total

    out = np.zeros((k_total, term.outputs(order)))
    for idx, total in run_items(work, items, progress, cancel):
        out[idx] += total
    return out


def run_items(work: Callable[[Item], Result], items: Sequence[Item], progress: Progress | None = None,
              cancel: Callable[[], bool] | None = None) -> Iterator[Result]:
    """Yield work(item) for every item, computed on the pool (inline for a single item).

    progress(fraction, message) after each finished item; cancel() -> True raises
    Cancelled (pending items are dropped, running ones finish first).
    """
    def quiet(item: Item) -> Result:  # np.errstate is per thread: set it where the work runs
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return work(item)

    if len(items) == 1 and progress is None:
        yield quiet(items[0])
        return
    futures: set[Future[Result]] = {_executor().submit(quiet, it) for it in items}
    done_count = 0
    try:
        while futures:
            done, futures = wait(futures, timeout=0.1, return_when=FIRST_COMPLETED)
            for fut in done:
                done_count += 1
                yield fut.result()
            if cancel is not None and cancel():
                raise Cancelled("slice evaluation cancelled")
            if progress is not None and done:
                progress(done_count / len(items), f"evaluating the slice: {done_count}/{len(items)} blocks")
    finally:
        for fut in futures:
            fut.cancel()
        wait(futures)
