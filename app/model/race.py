"""A Race: every enabled run of a scene stepped together on one landscape.

Each run is a ``solvers.Stepper`` (one start of shape (2,); on a plane through
a bigger space, e.g. the toy classifier's weights, it steps all P parameters
from the lifted start and the race reads its projection: see lifted.py). Runs are
repeatable: run i draws its gradient noise and minibatches from a seed derived
from ``(scene.seed, i)`` (numpy SeedSequence), so a saved scene replays
exactly. All edits go through the Race and are written back into
``race.scene``, so saving the scene saves what is on screen.

Run indexes everywhere are positions in ``scene.runs`` (== ``RunTrack.index``);
disabled runs keep their index but are not in ``race.runs``.
"""
from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np

import solvers
from landscapes import Landscape

from .build import build_landscape, make_schedule, make_solver, start_of
from .lifted import Plane, Projected, plane_of, stepper_target
from .run_changes import with_changes
from .scene import CLASS_COLORS, LandscapeSpec, RunSpec, Scene, palette_color
from .scene_io import check_run
from .seeds import run_seed as run_seed  # re-exported: code and tests read the race's seeds here

_EDITABLE = {"hyper", "solver", "noise", "schedule", "batch_size", "color", "label", "enabled", "start"}


Segment = tuple[int, RunSpec]   # (first step, the settings in force from it on)


RunState = tuple[RunSpec, list[Segment]]   # a run's settings and recorded history (Race.snapshot)


def _path_settings(spec: RunSpec) -> tuple[Any, ...]:
    """What of a run's settings shapes its path (colour and label do not)."""
    return (spec.solver, spec.hyper, spec.noise, spec.schedule, spec.batch_size, spec.start)


def class_colors(landscape: Any) -> tuple[str, ...]:
    """The colours a linear classifier's classes wear on this landscape (none for other surfaces)."""
    n = int(getattr(getattr(landscape, "objective", None), "n_classes", 0) or 0)
    return CLASS_COLORS[: min(n, len(CLASS_COLORS))]


class RunTrack:
    """One run in a race (read-only for the ui)."""

    def __init__(self, race: Race, index: int, spec: RunSpec) -> None:
        self._race = race
        self.index = index
        self.spec = spec
        self.solver = make_solver(spec)
        plane = plane_of(race.landscape)
        self._projected = Projected(plane) if plane is not None else None
        self._stepper: solvers.Stepper = self._new_stepper(spec)
        self._head_grad: np.ndarray | None = None
        # The recorded history: the settings in force from each step on. A restart keeps one
        # segment; "continue from here" adds one. Undo replays it, so a path always matches it.
        self.segments: list[Segment] = [(0, copy.deepcopy(spec))]

    def _new_stepper(self, spec: RunSpec) -> solvers.Stepper:
        race = self._race
        self.solver = make_solver(spec)
        f, start = stepper_target(race.landscape, start_of(spec, race.landscape))
        return solvers.Stepper(
            self.solver,
            f,
            start,
            noise=float(spec.noise),
            seed=run_seed(race.scene.seed, self.index),
            schedule=make_schedule(spec.schedule),
            batch_size=spec.batch_size,
        )

    # --- simulation -----------------------------------------------------------
    def restart(self, steps: int = 0) -> None:
        """Back to the start with the current settings, then ``steps`` steps."""
        self.replay([(0, self.spec)], steps)

    def replay(self, segments: list[Segment], steps: int) -> None:
        """Rebuild the path from step 0: each segment's settings from its step on, ``steps`` steps
        in all. Segments after ``steps`` are dropped; the shown settings (``self.spec``) apply
        from the last kept segment's step on if that segment holds others (an undo after a reset)."""
        kept = [(int(k), s) for k, s in segments if int(k) <= steps] or [(0, self.spec)]
        if _path_settings(kept[-1][1]) != _path_settings(self.spec):
            kept.append((max(kept[-1][0], steps), self.spec))
        self._stepper = self._new_stepper(kept[0][1])
        self.segments = [(0, copy.deepcopy(kept[0][1]))]
        for k, spec in kept[1:]:
            self._stepper.step(k - self._stepper.t)
            self.continue_with(spec)
        self._stepper.step(steps - self._stepper.t)
        self.solver = make_solver(self.spec)
        self._head_grad = None

    def advance(self, n: int) -> str | None:
        """Take n steps; return a message if the run diverged during them."""
        was = self.diverged_at
        self._stepper.step(int(n))
        self._head_grad = None
        now = self.diverged_at
        if was is None and now is not None:
            return f"{self.label} diverged at step {now}"
        return None

    @property
    def start_problem(self) -> str | None:
        """Why this run cannot take a single step, when its start is already bad; else None."""
        if self.diverged_at != 0:
            return None
        x, y = (float(v) for v in self.points[0])
        with np.errstate(all="ignore"):
            value = float(np.asarray(self._race.landscape.value(self.points[0])))
        where = f"({x:.3g}, {y:.3g})"
        if np.isnan(value):
            return f"{self.label} starts where f is undefined: f{where} has no value; move its start"
        return f"{self.label} starts where f is not finite (f{where} = {value:g}); move its start"

    def continue_with(self, spec: RunSpec) -> None:
        """Keep history and optimizer state; new settings apply from now on."""
        st = self._stepper
        new_solver = make_solver(spec)
        st.set_solver(new_solver)  # same kind keeps moments/velocity; another kind starts afresh
        self.solver = new_solver
        st.retune(noise=float(spec.noise), schedule=make_schedule(spec.schedule), batch_size=spec.batch_size)
        self._head_grad = None
        if self.segments and self.segments[-1][0] == st.t:
            self.segments.pop()    # two changes at one step: the later one is what steps
        self.segments.append((int(st.t), copy.deepcopy(spec)))

    # --- what the views read ------------------------------------------------
    @property
    def stepper(self) -> solvers.Stepper:
        """The solvers.Stepper that advances this run (its state, schedule, landscape, history)."""
        return self._stepper

    @property
    def points(self) -> np.ndarray:
        """(k+1, 2) positions up to the current step (never NaN; read-only view); on a plane
        through a bigger space, the projections of the full parameters ``thetas``."""
        if self._projected is not None:
            return self._projected.of(self._stepper)
        return self._stepper.points

    @property
    def plane(self) -> Plane | None:
        """The landscape as a plane through a bigger space, when this run moves in that space."""
        return None if self._projected is None else self._projected.plane

    @property
    def theta(self) -> np.ndarray | None:
        """The current full parameters (P,) of a run on a plane through a bigger space, else None."""
        return None if self._projected is None else self._stepper.x

    @property
    def thetas(self) -> np.ndarray | None:
        """(k+1, P) full parameters at each step (read-only view), or None on an ordinary surface."""
        return None if self._projected is None else self._stepper.points

    @property
    def off_plane(self) -> np.ndarray:
        """(k+1,) distance of each step's full parameters from the landscape's plane (all 0 on an
        ordinary surface, where runs never leave it)."""
        if self._projected is None:
            return np.zeros(len(self.points))
        return np.asarray(self._projected.plane.distance_from_plane(self._stepper.points), dtype=np.float64)

    @property
    def losses(self) -> np.ndarray:
        """(k+1,) loss at each point."""
        return self._stepper.losses

    @property
    def grad_norms(self) -> np.ndarray:
        """(k+1,) |gradient| at each point (exact gradient, without noise)."""
        return self._stepper.grad_norms

    @property
    def lrs(self) -> np.ndarray:
        """(k+1,) effective learning rate (schedule applied) of the step from each point."""
        return self._stepper.lrs

    @property
    def diverged_at(self) -> int | None:
        d = int(self._stepper.diverged_at)
        return None if d < 0 else d

    @property
    def head(self) -> np.ndarray:
        return np.asarray(self.points[-1])

    @property
    def loss(self) -> float:
        return float(self.losses[-1])

    @property
    def grad(self) -> np.ndarray:
        """Exact (noise-free) gradient at the head, for arrows (cached per step); on a plane through
        a bigger space, the full gradient's components along the plane's two axes."""
        if self._head_grad is None:
            if self._projected is None:
                g = self._race.landscape.grad(self.head)
            else:
                g = self._projected.plane.directions @ self._stepper.f.grad(self._stepper.x)
            self._head_grad = np.asarray(g, dtype=np.float64).reshape(2)
        return self._head_grad

    @property
    def velocity(self) -> np.ndarray | None:
        """The buffer the point moves along (x ← x − η v) at the head, if the solver keeps one.

        Which buffer is the solver's own knowledge (its spec's velocity_state):
        adam/adamw the first moment m; momentum/nesterov (and rmsprop with
        momentum > 0) the velocity buffer; None for gd, sgd, adagrad, newton.
        """
        v = solvers.spec(self.solver.name).velocity(self.stepper.state, self.solver.hyper)
        if v is None:
            return None
        v = np.asarray(v, dtype=np.float64).reshape(-1)
        if self._projected is not None:
            v = self._projected.plane.directions @ v   # along the plane's axes, as the path is drawn
        return v.reshape(2).copy()

    @property
    def color(self) -> str:
        if self.spec.color:
            return self.spec.color
        return palette_color(self.index, avoid=class_colors(self._race.landscape))

    @property
    def label(self) -> str:
        return self.spec.label or self.solver.label()

    def __repr__(self) -> str:
        return f"<RunTrack {self.index} {self.label} step {len(self.points) - 1}>"


class Race:
    """All enabled runs of ``scene`` stepped together on ``landscape``."""

    def __init__(self, scene: Scene, landscape: Landscape | None = None) -> None:
        self.scene = scene
        self.landscape = landscape if landscape is not None else build_landscape(scene.landscape)
        self.step_count = 0
        self._tracks: list[RunTrack | None] = [
            RunTrack(self, i, r) if r.enabled else None for i, r in enumerate(scene.runs)
        ]

    # --- state --------------------------------------------------------------
    @property
    def runs(self) -> list[RunTrack]:
        """Enabled runs, in scene order."""
        return [t for t in self._tracks if t is not None]

    @property
    def total_steps(self) -> int:
        return int(self.scene.playback.steps)

    @property
    def finished(self) -> bool:
        runs = self.runs
        return self.step_count >= self.total_steps or all(t.diverged_at is not None for t in runs)

    def track(self, index: int) -> RunTrack | None:
        """The RunTrack of scene.runs[index] (None if that run is disabled)."""
        self._check_index(index)
        return self._tracks[index]

    # --- playback -------------------------------------------------------------
    def step(self, n: int = 1) -> list[str]:
        """Advance every run by n steps (never past total_steps); return divergence messages."""
        n = min(int(n), self.total_steps - self.step_count)
        if n <= 0:
            return []
        messages = [m for t in self.runs if (m := t.advance(n))]
        self.step_count += n
        return messages

    def reset(self) -> None:
        """All runs back to their starts, step 0."""
        self.step_count = 0
        for t in self.runs:
            t.restart()

    def set_start(self, index: int | None, xy: Any) -> None:
        """Move the start of run ``index`` (None: all runs); they restart and catch up."""
        p = np.asarray(xy, dtype=np.float64).reshape(-1)
        if p.shape != (2,) or not np.all(np.isfinite(p)):
            raise ValueError(f"a start must be two finite numbers (x, y), got {xy!r}")
        start = (float(p[0]), float(p[1]))
        indexes = range(len(self.scene.runs)) if index is None else [self._check_index(index)]
        for i in indexes:
            self.scene.runs[i].start = start
            track = self._tracks[i]
            if track is not None:
                track.restart(self.step_count)

    # --- edits ------------------------------------------------------------------
    def start_problems(self) -> list[str]:
        """One line per run whose start lies where f is undefined or infinite (for the status bar)."""
        return [p for p in (t.start_problem for t in self.runs) if p]

    def set_run(self, index: int, *, mode: str = "restart", **changes: Any) -> None:
        """Change a run's settings; invalid values raise ValueError and change nothing.

        mode "restart": replay from the start up to the current step with the
        new settings. mode "continue": keep history and optimizer state.
        """
        self._check_index(index)
        if mode not in ("restart", "continue"):
            raise ValueError(f"mode must be 'restart' or 'continue', got {mode!r}")
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a run; "
                             f"editable: {', '.join(sorted(_EDITABLE))}")
        old = self.scene.runs[index]
        if ("solver" in changes and changes["solver"] != old.solver
                and "lr" not in (changes.get("hyper") or {})):
            # another solver's lr means nothing here (an SGD lr makes Newton look useless):
            # the new solver gets its own suggested lr for this surface unless one is given
            changes = {**changes, "hyper": {**self._suggested_lr(str(changes["solver"]), old),
                                            **(changes.get("hyper") or {})}}
        new = with_changes(old, changes)
        problems = check_run(new)
        if problems:
            raise ValueError(f"run {index}: " + "; ".join(problems))
        cosmetic = set(changes) <= {"color", "label"}
        # Write the new values into the same RunSpec object (the ui may hold it).
        for f in dataclasses.fields(RunSpec):
            setattr(old, f.name, getattr(new, f.name))
        track = self._tracks[index]
        if not old.enabled:
            self._tracks[index] = None
        elif track is None:
            fresh = RunTrack(self, index, old)
            fresh.restart(self.step_count)
            self._tracks[index] = fresh
        elif cosmetic:
            pass
        elif mode == "continue" and "start" not in changes:
            track.continue_with(old)
        else:
            track.restart(self.step_count)

    def snapshot(self, index: int) -> RunState:
        """A copy of run ``index``'s settings and recorded history, for ``restore``."""
        self._check_index(index)
        track = self._tracks[index]
        segments = [(k, copy.deepcopy(s)) for k, s in track.segments] if track is not None else []
        return copy.deepcopy(self.scene.runs[index]), segments

    def restore(self, index: int, state: RunState, mode: str = "restart") -> None:
        """Put run ``index`` back to a snapshot: its settings, and its path rebuilt up to the
        current step (mode "restart": a fresh run of those settings; "continue": their history)."""
        self._check_index(index)
        spec, segments = state
        target = self.scene.runs[index]
        for f in dataclasses.fields(RunSpec):   # into the same RunSpec object (the ui may hold it)
            setattr(target, f.name, copy.deepcopy(getattr(spec, f.name)))
        if not target.enabled:
            self._tracks[index] = None
            return
        track = self._tracks[index]
        if track is None:
            track = self._tracks[index] = RunTrack(self, index, target)
        history = segments if mode == "continue" and segments else [(0, target)]
        track.replay(history, self.step_count)

    def insert_run(self, index: int, state: RunState, mode: str = "restart") -> None:
        """Put a removed run back at ``index`` (later runs move down one), its path rebuilt."""
        if not 0 <= index <= len(self.scene.runs):
            raise ValueError(f"cannot insert a run at {index}: the scene has {len(self.scene.runs)} runs")
        spec = copy.deepcopy(state[0])
        self.scene.runs.insert(index, spec)
        self._tracks.insert(index, None)
        pm = self.scene.phase_map
        if pm is not None and pm.run >= index:      # the map follows its run down one
            pm.run += 1
        self._renumber()
        self.restore(index, state, mode)

    def restart_changed(self) -> None:
        """Every run whose path mixes settings ("continue from here") replays its shown ones."""
        for t in self.runs:
            if len(t.segments) > 1:
                t.restart(self.step_count)

    def _renumber(self) -> None:
        """Index tracks by their scene position; a moved run replays its history with the noise
        seed of its new index, so the path is what the saved scene replays."""
        for i, t in enumerate(self._tracks):
            if t is not None and t.index != i:
                t.index = i
                t.replay(t.segments, self.step_count)

    def _suggested_lr(self, solver: str, spec: RunSpec) -> dict[str, Any]:
        """{"lr": the suggested lr of ``solver`` at this run's start}, or {} if none applies."""
        from .suggest import suggest_hyper

        try:
            hyper = suggest_hyper(solver, self.landscape, start_of(spec, self.landscape))
        except ValueError:        # an unknown solver: check_run reports it
            return {}
        return {"lr": hyper["lr"]} if "lr" in hyper else {}

    def add_run(self, spec: RunSpec) -> RunTrack:
        """Append a run (validated), simulated up to the current step."""
        problems = check_run(spec)
        if problems:
            raise ValueError("; ".join(problems))
        spec.enabled = True
        self.scene.runs.append(spec)
        index = len(self.scene.runs) - 1
        track = RunTrack(self, index, spec)
        track.restart(self.step_count)
        self._tracks.append(track)
        return track

    def remove_run(self, index: int) -> None:
        """Drop run ``index``; later runs move up one (their recorded histories are kept), and so
        does the scene's phase map of one of them; a map of this run goes with it."""
        self._check_index(index)
        del self.scene.runs[index]
        del self._tracks[index]
        pm = self.scene.phase_map
        if pm is not None:          # the scene's map follows its run up one, or goes with it
            if pm.run == index:
                self.scene.phase_map = None
            elif pm.run > index:
                pm.run -= 1
        self._renumber()

    def duplicate_run(self, index: int) -> RunTrack:
        """A copy of run ``index`` appended at the end (own colour and noise seed)."""
        self._check_index(index)
        copy = dataclasses.replace(self.scene.runs[index])
        copy.hyper = dict(copy.hyper)
        copy.schedule = dict(copy.schedule) if copy.schedule is not None else None
        copy.color = None
        if copy.label:
            copy.label = f"{copy.label} (copy)"
        return self.add_run(copy)

    def set_landscape(self, spec: LandscapeSpec, landscape: Landscape | None = None) -> None:
        """Switch surface (built here if not given) and reset the race.

        The spec is stored only once the landscape built and every run started on
        it: a formula that fails on its first evaluation leaves the race (and the
        session saved from it) on the old surface.
        """
        f = landscape if landscape is not None else build_landscape(spec)
        old = self.landscape
        old_starts = [r.start for r in self.scene.runs]
        (x0, x1), (y0, y1) = f.bounds
        for r in self.scene.runs:
            # a start set on the old surface that lies off the new one goes to the new default start
            if r.start is not None and not (x0 <= r.start[0] <= x1 and y0 <= r.start[1] <= y1):
                r.start = None
        self.landscape = f   # the runs start on self.landscape
        try:
            tracks = [RunTrack(self, i, r) if r.enabled else None for i, r in enumerate(self.scene.runs)]
        except BaseException:
            self.landscape = old
            for r, s in zip(self.scene.runs, old_starts, strict=True):
                r.start = s
            raise
        self.scene.landscape = spec
        self.step_count = 0
        self._tracks = tracks

    def set_total_steps(self, steps: int) -> None:
        """Change the race length (playback.steps); runs past it are kept as they are."""
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
        self.scene.playback.steps = int(steps)

    def _check_index(self, index: int) -> int:
        if not isinstance(index, (int, np.integer)) or not 0 <= index < len(self.scene.runs):
            raise ValueError(f"no run {index!r}: the scene has {len(self.scene.runs)} runs")
        return int(index)

