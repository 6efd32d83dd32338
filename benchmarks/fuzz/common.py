"""What every fuzz category shares: the tally, bounded workers and the CLI verdict.

An input is *handled* when it ends, within its time bound, in success or in a
clear refusal: a ValueError (SceneError, CifarError, UsageError, ExpressionError
are all ValueErrors) or, for a download, Cancelled. Anything else is *not
handled*: another exception type, a hang past the bound, a crashed worker, a
traceback on a CLI's stderr or an exit code other than 0 or 2.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# Address space of an in-process worker: a hostile input that asks for more ends in
# MemoryError (counted as not handled) rather than in the machine swapping.
WORKER_MEMORY = 3 << 30


@dataclass
class Outcome:
    handled: bool
    kind: str          # "ok", the exception class name, "hang", "crash", "exit N", "traceback"
    seconds: float
    detail: str = ""   # the message, for the report of what was not handled


@dataclass
class Tally:
    """How the inputs of one category ended."""

    category: str
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, outcome: Outcome) -> None:
        self.outcomes.append((name, outcome))

    def note(self, text: str) -> None:
        self.notes.append(text)

    @property
    def handled(self) -> int:
        return sum(o.handled for _, o in self.outcomes)

    def kinds(self) -> dict[str, int]:
        seen: dict[str, int] = {}
        for _, o in self.outcomes:
            seen[o.kind] = seen.get(o.kind, 0) + 1
        return dict(sorted(seen.items(), key=lambda kv: -kv[1]))

    def slowest(self) -> tuple[str, float]:
        if not self.outcomes:
            return "", 0.0
        name, o = max(self.outcomes, key=lambda no: no[1].seconds)
        return name, o.seconds

    def failures(self) -> list[tuple[str, Outcome]]:
        return [(n, o) for n, o in self.outcomes if not o.handled]


def one_line(text: str, limit: int = 160) -> str:
    text = " | ".join(t for t in str(text).splitlines() if t.strip())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --------------------------------------------------------------------- bounded in-process work
def _limit_memory() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = WORKER_MEMORY if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _serve(conn: Any, func: Callable[[Any], tuple[bool, str, str]]) -> None:
    _limit_memory()
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        t0 = time.perf_counter()
        try:
            handled, kind, detail = func(item)
        except BaseException as e:  # noqa: BLE001 - the verdict is the point
            handled, kind = False, type(e).__name__
            where = traceback.extract_tb(e.__traceback__)[-1]
            detail = one_line(f"{e}") + f" @ {Path(where.filename).name}:{where.lineno} ({where.name})"
        conn.send((handled, kind, one_line(detail, 300), time.perf_counter() - t0))


class BoundedWorker:
    """A forked child that runs ``func(item)`` per item; an item past ``bound`` s is a hang.

    ``func`` returns (handled, kind, detail) or raises (an exception is judged not
    handled: categories catch the refusals they accept). A hang or a crash kills
    the child; the next item gets a fresh one.
    """

    def __init__(self, func: Callable[[Any], tuple[bool, str, str]], bound: float) -> None:
        self.func, self.bound = func, bound
        self.proc: Any = None
        self.conn: Any = None

    def _spawn(self) -> None:
        ctx = mp.get_context("fork")
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, self.func), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent

    def run(self, item: Any) -> Outcome:
        if self.proc is None or not self.proc.is_alive():
            self._spawn()
        t0 = time.perf_counter()
        self.conn.send(item)
        if not self.conn.poll(self.bound):
            self.kill()
            return Outcome(False, "hang", time.perf_counter() - t0, f"still running after {self.bound:g} s")
        try:
            handled, kind, detail, seconds = self.conn.recv()
        except EOFError:
            code = self.proc.exitcode if self.proc else None
            self.kill()
            return Outcome(False, "crash", time.perf_counter() - t0, f"worker died (exit {code})")
        return Outcome(handled, kind, seconds, detail)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(5)
        self.proc = self.conn = None


def run_bounded(tally: Tally, func: Callable[[Any], tuple[bool, str, str]],
                items: Iterable[tuple[str, Any]], bound: float, workers: int = 1) -> None:
    """Run every (name, item) through ``workers`` BoundedWorkers, in order of the list."""
    import concurrent.futures as cf
    import queue

    todo: queue.Queue[tuple[str, Any]] = queue.Queue()
    for pair in items:
        todo.put(pair)
    pool = [BoundedWorker(func, bound) for _ in range(workers)]

    def drain(worker: BoundedWorker) -> list[tuple[str, Outcome]]:
        done = []
        while True:
            try:
                name, item = todo.get_nowait()
            except queue.Empty:
                worker.kill()
                return done
            done.append((name, worker.run(item)))

    with cf.ThreadPoolExecutor(workers) as ex:
        for results in ex.map(drain, pool):
            for name, outcome in results:
                tally.add(name, outcome)


# --------------------------------------------------------------------- CLI calls
def _progress_free(stderr: str) -> list[str]:
    """stderr lines without the render progress bar (redrawn with carriage returns)."""
    lines = []
    for line in stderr.splitlines():
        line = line.rsplit("\r", 1)[-1].strip()
        if line and not line.startswith("rendering ["):
            lines.append(line)
    return lines


def run_cli(args: list[str], bound: float = 60.0, cwd: Path | None = None,
            preexec: Callable[[], None] | None = None) -> Outcome:
    """``python -m app ARGS`` with a wall bound: handled = exit 0 or 2, no traceback, a short message."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    t0 = time.perf_counter()
    try:
        p = subprocess.run([PYTHON, "-m", "app", *args], cwd=cwd or REPO, env=env, capture_output=True,
                           text=True, errors="replace", timeout=bound, preexec_fn=preexec,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Outcome(False, "hang", time.perf_counter() - t0, f"still running after {bound:g} s")
    seconds = time.perf_counter() - t0
    lines = _progress_free(p.stderr)
    text = one_line(" | ".join(lines), 300)
    if "Traceback (most recent call last)" in p.stderr:
        return Outcome(False, "traceback", seconds, text)
    if p.returncode not in (0, 2):
        return Outcome(False, f"exit {p.returncode}", seconds, text)
    if p.returncode == 2 and not lines:
        return Outcome(False, "exit 2 silent", seconds, "no message")
    warned = [ln for ln in lines if "Warning" in ln]
    kind = "ok" if p.returncode == 0 else ("exit 2" if len(lines) == 1 else f"exit 2 ({len(lines)} lines)")
    if warned:
        kind += " +warning"
    return Outcome(True, kind, seconds, text)
