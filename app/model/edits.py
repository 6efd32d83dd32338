"""Undoable edits of a race (Qt-free): move starts, change a run's settings, add,
duplicate and remove runs, switch the landscape, put in a fair race's tuning, keep a phase
map with the scene.

Rows are positions in ``race.runs`` (the enabled runs, as the Runs panel lists
them); the race addresses runs by their scene index, and the translation
happens here. Every edit is applied first and then recorded on ``history``
(an UndoStack); invalid values raise ValueError and change nothing. After an
edit, an undo or a redo, ``changed(reload)`` is called: reload is True when
the run editor must show new fields (another solver, a new colour or label).
"""
from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Hashable
from typing import Any

import solvers
from landscapes import Landscape

from .history import UndoStack
from .race import Race, RunState
from .scene import LandscapeSpec, MapSpec, RunSpec, Scene, TuneBudget
from .scene_io import SceneError, validate_scene
from .suggest import suggest_hyper

RELOADING = ("solver", "colour", "label", "schedule")   # edits after which the run editor is rebuilt
MODES = ("restart", "continue")


class RaceEdits:
    """The edits of one race at a time (``use(race)`` switches and forgets the history).

    ``mode`` is what a changed setting does: "restart" replays the run from its start,
    "continue" applies from the current step on. Undo and redo put back a snapshot of the
    run (settings and recorded history) and rebuild its path, so after any sequence of
    edits, undos and redos each path is a fresh run of its shown settings (restart) or the
    replay of its recorded history (continue), never a mix.
    """

    def __init__(self, changed: Callable[[bool], None] | None = None, limit: int = 200) -> None:
        self.history = UndoStack(limit)
        self.race: Race | None = None
        self.mode = "restart"
        self._changed = changed if changed is not None else (lambda _reload: None)

    def use(self, race: Race) -> None:
        self.race = race
        self.history.clear()

    def set_mode(self, mode: str) -> None:
        """Switch what an edit does; switching to "restart" replays every run that mixes settings."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if mode == self.mode:
            return
        self.mode = mode
        if mode == "restart" and self.race is not None:
            self.race.restart_changed()
            self._changed(False)

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

    def _record(self, text: str, race: Race, indexes: list[int], before: list[RunState],
                reload: bool, merge: Hashable | None = None, reload_after: bool = True) -> None:
        """Push an applied edit of runs ``indexes``: undo restores ``before``, redo the state now
        (``reload_after``: the run editor is rebuilt after them)."""
        after = [race.snapshot(i) for i in indexes]

        def put(states: list[RunState]) -> Callable[[], None]:
            def apply() -> None:
                for i, state in zip(indexes, states, strict=True):
                    race.restore(i, state, self.mode)
                self._changed(reload_after)
            return apply

        self.history.push(text, put(before), put(after), merge_key=merge)
        self._changed(reload)

    # ------------------------------------------------------------------ edits
    def set_start(self, row: int | None, xy: tuple[float, float]) -> str:
        """Move the start of the run in ``row`` (None: every run); returns the undo text."""
        race = self._race()
        index = None if row is None else self.scene_index(row)
        targets = list(range(len(race.scene.runs))) if index is None else [index]
        before = [race.snapshot(i) for i in targets]
        new = (float(xy[0]), float(xy[1]))
        race.set_start(index, new)
        text = f"move start to ({new[0]:.2f}, {new[1]:.2f})"
        self._record(text, race, targets, before, reload=False, reload_after=False)
        return text

    def edit_run(self, row: int, changes: dict[str, Any], what: str, *, mode: str | None = None,
                 merge: Hashable | None = None) -> None:
        """Change settings of the run in ``row`` (race.set_run) in ``mode`` (None: ``self.mode``);
        ``merge`` folds a slider drag into one step."""
        race = self._race()
        index = self.scene_index(row)
        if mode is not None:
            self.set_mode(mode)
        before = [race.snapshot(index)]
        race.set_run(index, mode=self.mode, **changes)
        self._record(f"change {what}", race, [index], before, reload=what in RELOADING, merge=merge)

    def add_run(self, row: int) -> int:
        """Add a run of the first solver not racing yet, from the start of ``row``'s run, with rates
        suggested for this surface (the defaults may diverge or crawl); returns its row."""
        race = self._race()
        used = {tr.spec.solver for tr in race.runs}
        solver = next((s for s in solvers.names() if s not in used), "gd")
        start = self.start_of(self.scene_index(row)) if race.runs else None
        spec = RunSpec(solver=solver, hyper=suggest_hyper(solver, race.landscape, start), start=start)
        return self._add(race, lambda: race.add_run(spec), f"add {solver}")

    def duplicate_run(self, row: int) -> int:
        race = self._race()
        index = self.scene_index(row)
        return self._add(race, lambda: race.duplicate_run(index), "duplicate run")

    def _add(self, race: Race, add: Callable[[], object], text: str) -> int:
        add()
        index = len(race.scene.runs) - 1
        state = race.snapshot(index)

        def undo() -> None:
            race.remove_run(index)
            self._changed(True)

        def redo() -> None:
            race.insert_run(index, state, self.mode)
            self._changed(True)

        self.history.push(text, undo, redo)
        return len(race.runs) - 1

    def remove_run(self, row: int) -> int:
        """Remove the run in ``row`` (undoable); returns the row to select next."""
        race = self._race()
        index = self.scene_index(row)
        state = race.snapshot(index)
        phase_map = copy.deepcopy(race.scene.phase_map)    # a map of this run goes with it: undo brings it back
        race.remove_run(index)

        def undo() -> None:
            race.insert_run(index, state, self.mode)
            race.scene.phase_map = copy.deepcopy(phase_map)
            self._changed(True)

        def redo() -> None:
            race.remove_run(index)
            self._changed(True)

        self.history.push("remove run", undo, redo)
        return max(row - 1, 0)

    def set_landscape(self, spec: LandscapeSpec, landscape: Landscape) -> None:
        """Race on an already built landscape (the runs restart; the history no longer applies)."""
        self._race().set_landscape(spec, landscape)
        self.history.clear()

    def edit_landscape(self, spec: LandscapeSpec, landscape: Landscape, what: str, *,
                       clear_starts: bool = False, from_start: bool = False) -> None:
        """Race on a reshaped landscape as an undoable edit (the linear-classifier lab's data or
        parameters): the runs replay on it up to the current step (``from_start``: back to step 0);
        ``clear_starts`` sends every run to the landscape's default start. Undo puts back the old
        landscape and starts, and replays to the step of the moment."""
        race = self._race()
        State = tuple[LandscapeSpec, Landscape, list[tuple[float, float] | None]]

        def state() -> State:
            return race.scene.landscape, race.landscape, [r.start for r in race.scene.runs]

        def put(s: State, step: int) -> None:
            old_starts = [r.start for r in race.scene.runs]
            for r, start in zip(race.scene.runs, s[2], strict=False):
                r.start = start
            try:
                race.set_landscape(s[0], s[1])
            except BaseException:
                for r, start in zip(race.scene.runs, old_starts, strict=False):
                    r.start = start
                raise
            race.step(step)

        before = state()
        put((spec, landscape, [None] * len(race.scene.runs) if clear_starts else before[2]),
            0 if from_start else race.step_count)
        after = state()

        def undo() -> None:
            put(before, race.step_count)
            self._changed(True)

        def redo() -> None:
            put(after, race.step_count)
            self._changed(True)

        self.history.push(f"change {what}", undo, redo)
        self._changed(True)

    def retune(self, tuned: Scene, what: str) -> None:
        """Give every run the hyper-parameters it has in ``tuned`` (the race's scene after
        app.model.fair_race.apply) and the scene its caption and tuning budget, as one undoable
        edit. The changed runs restart: their tuned values were scored from step 0."""
        race = self._race()
        scene = race.scene
        if len(tuned.runs) != len(scene.runs):
            raise ValueError(f"the tuned scene has {len(tuned.runs)} runs, the race {len(scene.runs)}")
        indexes = [i for i, (old, new) in enumerate(zip(scene.runs, tuned.runs, strict=True))
                   if old.hyper != new.hyper]
        Text = tuple[str, TuneBudget | None]
        before = [race.snapshot(i) for i in indexes]
        before_text: Text = (scene.caption, copy.deepcopy(scene.tuning))
        try:
            for i in indexes:
                race.set_run(i, mode="restart", hyper=copy.deepcopy(tuned.runs[i].hyper))
        except BaseException:
            for i, state in zip(indexes, before, strict=True):   # nothing half tuned
                race.restore(i, state, "restart")
            raise
        scene.caption, scene.tuning = tuned.caption, copy.deepcopy(tuned.tuning)
        after = [race.snapshot(i) for i in indexes]
        after_text: Text = (scene.caption, copy.deepcopy(scene.tuning))

        def put(states: list[RunState], text: Text) -> Callable[[], None]:
            def apply() -> None:
                for i, state in zip(indexes, states, strict=True):
                    race.restore(i, state, self.mode)
                scene.caption, scene.tuning = text[0], copy.deepcopy(text[1])
                self._changed(True)
            return apply

        self.history.push(what, put(before, before_text), put(after, after_text))
        self._changed(True)

    def set_phase_map(self, spec: MapSpec | None, what: str = "keep the phase map with the scene") -> None:
        """Make ``spec`` the scene's phase map (None: no map), as one undoable edit. A map the scene
        file could not load back (a bad value, or one that does not fit the scene's runs) raises
        ValueError (its first problem, one line) and changes nothing."""
        scene = self._race().scene
        try:
            validate_scene(dataclasses.replace(scene, phase_map=spec))   # as saving and loading it would
        except SceneError as e:
            raise ValueError(e.problems[0]) from None
        before, after = copy.deepcopy(scene.phase_map), copy.deepcopy(spec)
        scene.phase_map = copy.deepcopy(after)

        def put(value: MapSpec | None) -> Callable[[], None]:
            def apply() -> None:
                scene.phase_map = copy.deepcopy(value)
                self._changed(False)
            return apply

        self.history.push(what, put(before), put(after))
        self._changed(False)

    # ------------------------------------------------------------------ history
    def undo(self) -> str:
        done = self.history.undo()
        return f"undid {done}" if done else "nothing to undo"

    def redo(self) -> str:
        done = self.history.redo()
        return f"redid {done}" if done else "nothing to redo"
