"""A frozen copy of a training race for work off the GUI thread (planes, λmax).

The window keeps stepping the race while a background job draws a plane
through it or finds λmax at a run's W, so the job reads a snapshot: the runs
(W, solver state, records) copied, the data (615 MB for all images, read-only
everywhere) and the solvers (immutable rules, as solvers/ makes them) shared.
"""
from __future__ import annotations

import copy

from app.model.cifar_race import CifarRace, RaceRun


def snapshot(race: CifarRace) -> CifarRace:
    """A race at this step whose runs are copies and whose data is the original's."""
    snap = copy.copy(race)
    snap.runs = [_run_copy(r) for r in race.runs]
    return snap


def _run_copy(r: RaceRun) -> RaceRun:
    c = copy.copy(r)
    c.W = r.W.copy()
    c.state = copy.deepcopy(r.state)   # a tuple of arrays (or None): the solver's own state
    c.history, c.evals, c.record = (copy.deepcopy(b) for b in (r.history, r.evals, r.record))
    return c
