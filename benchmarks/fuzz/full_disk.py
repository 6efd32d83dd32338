"""A full disk during `render`: RLIMIT_FSIZE in the child (as tests/export/test_full_disk.py does).

Writes past the cap fail with EFBIG where a full disk fails with ENOSPC; SIGXFSZ
is ignored so the write fails instead of killing the process (the setting is
inherited by ffmpeg). Handled: exit 2 with one line, an existing file of the
same name intact, no temp file left beside it.
"""
from __future__ import annotations

import resource
import signal
from pathlib import Path

from .common import Outcome, Tally, run_cli

CAP = 2000   # bytes: far less than any export
OLD = b"the good export from yesterday"


def _full_disk() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (CAP, hard))


def run(folder: Path, bound: float = 90.0) -> Tally:
    tally = Tally("full disk (render)")
    for name, existing in [("race.png", True), ("race.svg", True), ("race.mp4", True), ("race.gif", True),
                           ("fresh.png", False), ("fresh.mp4", False)]:
        d = folder / name.replace(".", "_")
        d.mkdir()
        target = d / name
        if existing:
            target.write_bytes(OLD)
        outcome = run_cli(["render", "default", "--view", "2d", "--size", "320x240", "--steps", "6", "--fps", "10",
                           "--out", str(target)], bound=bound, preexec=_full_disk)
        left = sorted(p.name for p in d.iterdir())
        if outcome.handled and outcome.kind.startswith("ok"):
            outcome = Outcome(False, "claimed success", outcome.seconds, outcome.detail)
        elif existing and target.read_bytes() != OLD:
            outcome = Outcome(False, "OLD FILE LOST", outcome.seconds, outcome.detail)
        elif left != ([name] if existing else []):
            outcome = Outcome(False, "temp left", outcome.seconds, f"{left}: {outcome.detail}")
        tally.add(f"{name} ({'over an old file' if existing else 'new'})", outcome)
    return tally
