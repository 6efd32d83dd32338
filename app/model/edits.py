"""Undoable edits of a race (Qt-free): move starts, change a run's settings, add,
duplicate and remove runs, switch the landscape.

Rows are positions in ``race.runs`` (the enabled runs, as the Runs panel lists
them); the race addresses runs by their scene index, and the translation
happens here. Every edit is applied first and then recorded on ``history``
(an UndoStack); invalid values raise ValueError and change nothing. After an
edit, an undo or a redo, ``changed(reload)`` is called: reload is True when
the run editor must show new fields (another solver, a new colour or label).
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import Any

import solvers
from landscapes import Landscape

from .history import UndoStack
from .race import Race
from .scene import LandscapeSpec, RunSpec
from .suggest import suggest_hyper

RELOADING = ("solver", "colour", "label", "schedule")   # edits after which the run editor is rebuilt


class RaceEdits:
    """The edits of one race at a time (``use(race)`` switches and forgets the history)."""

    def __init__(self, changed: Callable[[bool], None] | None = None, limit: int = 200) -> None:
        self.history = UndoStack(limit)
        self.race: Race | None = None
        self._changed = changed if changed is not None else (lambda _reload: None)

    def use(self, race: Race) -> None:
        self.race = race
        self.history.clear()

    # ------------------------------------------------------------------ helpers
    def _race(self) -> Race:
        if self.race is None:
            raise ValueError("no race to edit yet")
        return self.race

    def scene_index(self, row: int) -> int:
        """The scene index of the run in panel row ``row``."""
        runs = self._race().runs
        if not 0 <= row < len(runs):
            raise ValueError(f"no run in row {row}: there are {len(runs)} runs")
        return runs[row].index

    def start_of(self, index: int) -> tuple[float, float]:
        """The start of scene run ``index`` (its landscape's default start if it has none)."""
        race = self._race()
        s = race.scene.runs[index].start
        x, y = s if s is not None else race.landscape.default_start
        return float(x), float(y)

    # ------------------------------------------------------------------ edits
    def set_start(self, row: int | None, xy: tuple[float, float]) -> str:
        """Move the start of the run in ``row`` (None: every run); returns the undo text."""
        race = self._race()
        index = None if row is None else self.scene_index(row)
        targets = [tr.index for tr in race.runs] if index is None else [index]
        old = {i: self.start_of(i) for i in targets}
        new = (float(xy[0]), float(xy[1]))
        race.set_start(index, new)

        def undo() -> None:
            for i, s in old.items():
                race.set_start(i, s)
            self._changed(False)

        def redo() -> None:
            race.set_start(index, new)
            self._changed(False)

        text = f"move start to ({new[0]:.2f}, {new[1]:.2f})"
        self.history.push(text, undo, redo)
        self._changed(False)
        return text

    def edit_run(self, row: int, changes: dict[str, Any], what: str, *, mode: str = "restart",
                 merge: Hashable | None = None) -> None:
        """Change settings of the run in ``row`` (race.set_run); ``merge`` folds a slider drag into one step."""
        race = self._race()
        index = self.scene_index(row)
        tr = race.runs[row]
        old: dict[str, Any] = {}
        for k, v in changes.items():
            if k == "hyper":
                old["hyper"] = {h: tr.solver.hyper.get(h) for h in v}
            else:
                old[k] = copy.deepcopy(getattr(tr.spec, k))
        if "solver" in changes:
            old["hyper"] = dict(tr.spec.hyper)
        race.set_run(index, mode=mode, **changes)

        def undo() -> None:
            race.set_run(index, mode=mode, **old)
            self._changed(True)

        def redo() -> None:
            race.set_run(index, mode=mode, **changes)
            self._changed(True)

        self.history.push(f"change {what}", undo, redo, merge_key=merge)
        self._changed(what in RELOADING)

    def add_run(self, row: int) -> int:
        """Add a run of the first solver not racing yet, from the start of ``row``'s run, with rates
        suggested for this surface (the defaults may diverge or crawl); returns its row."""
        race = self._race()
        used = {tr.spec.solver for tr in race.runs}
        solver = next((s for s in solvers.names() if s not in used), "gd")
        start = self.start_of(self.scene_index(row)) if race.runs else None
        race.add_run(RunSpec(solver=solver, hyper=suggest_hyper(solver, race.landscape, start), start=start))
        self.history.clear()   # indices shifted: old undo steps would hit the wrong run
        return len(race.runs) - 1

    def duplicate_run(self, row: int) -> int:
        race = self._race()
        race.duplicate_run(self.scene_index(row))
        self.history.clear()
        return len(race.runs) - 1

    def remove_run(self, row: int) -> int:
        """Remove the run in ``row``; returns the row to select next."""
        self._race().remove_run(self.scene_index(row))
        self.history.clear()
        return max(row - 1, 0)

    def set_landscape(self, spec: LandscapeSpec, landscape: Landscape) -> None:
        """Race on an already built landscape (the runs restart; the history no longer applies)."""
        self._race().set_landscape(spec, landscape)
        self.history.clear()

    # ------------------------------------------------------------------ history
    def undo(self) -> str:
        done = self.history.undo()
        return f"undid {done}" if done else "nothing to undo"

    def redo(self) -> str:
        done = self.history.redo()
        return f"redid {done}" if done else "nothing to redo"
