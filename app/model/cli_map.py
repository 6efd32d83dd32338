"""What ``losslab map`` checks and builds, without argparse or Qt (app.model.cli_logic's sibling).

    scene = map_scene(MapOptions(scene="ravine", x="lr:1e-4:0.05"))   # UsageError on bad input
    kwargs = map_kwargs(scene, landscape)      # phase_map(**kwargs) computes the map
    record = map_numbers(pm, surface_title)    # what --json writes
    text = map_summary(pm, surface_title)      # the figure's title lines, and what is printed

What is mapped: the scene's own phase map (Scene.phase_map) when it has one, the
flags overriding parts of it; else run K (--run, default 0) with lr on x and the
solver's second knob on y over scene_map.default_range, as the phase map window
starts. --solver replaces run K's solver, with that solver's defaults; a scene
without runs (or --landscape without a scene) gets one run of --solver (default
momentum) from the surface's default start. The result is a Scene whose
phase_map says all of it, so the scene's own checks (scene_map.map_problems)
and its arguments (scene_map.map_arguments) are the ones the window and scene
files use.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

import solvers
from solvers.naming import did_you_mean

from .cli_logic import UsageError, check_landscape_name
from .limits import MAP_OUTCOMES, MAX_MAP_CELLS, MAX_MAP_STEPS
from .phase_map import PhaseMap, map_axis_names
from .presets import resolve_scene
from .scene import LandscapeSpec, MapAxis, MapSpec, RunSpec, Scene
from .scene_io import SceneError, _hint
from .scene_map import (
    DEFAULT_CELLS,
    DEFAULT_TOL,
    axis_value,
    default_range,
    map_arguments,
    map_problems,
    run_value,
    second_axis,
)
from .typed_numbers import finite_number

DEFAULT_SOLVER = "momentum"
_SCALES = {"log": True, "lin": False, "linear": False}


@dataclass(frozen=True)
class MapOptions:
    """The command's flags as given (None: not given)."""

    scene: str | None = None
    landscape: str | None = None
    solver: str | None = None
    run: int | None = None
    x: str | None = None
    y: str | None = None
    cells: int | None = None
    steps: int | None = None
    outcome: str | None = None
    tol: str | None = None


@dataclass(frozen=True)
class AxisFlag:
    """--x or --y: a hyper-parameter and, optionally, its range and scale."""

    name: str
    low: float | None = None
    high: float | None = None
    log: bool | None = None


# --------------------------------------------------------------------------- flags
def parse_axis(flag: str, text: str) -> AxisFlag:
    """'lr:1e-4:0.1:log' -> AxisFlag('lr', 1e-4, 0.1, True); 'momentum' -> AxisFlag('momentum')."""
    parts = [p.strip() for p in text.split(":")]
    if not parts[0] or len(parts) not in (1, 3, 4):
        raise UsageError(f"{flag} must be NAME or NAME:LOW:HIGH[:log|lin], e.g. lr:1e-4:0.1:log; got {text!r}")
    if len(parts) == 1:
        return AxisFlag(parts[0])
    low, high = (_number(f"{flag} {what}", v) for what, v in (("LOW", parts[1]), ("HIGH", parts[2])))
    if low == high:
        raise UsageError(f"{flag}: LOW and HIGH must differ, got {parts[1]} and {parts[2]}")
    log = None
    if len(parts) == 4:
        if parts[3] not in _SCALES:
            raise UsageError(f"{flag}: the scale must be log or lin, got {parts[3]!r}")
        log = _SCALES[parts[3]]
    return AxisFlag(parts[0], low, high, log)


def _number(what: str, text: str) -> float:
    try:
        return finite_number(text, what)
    except ValueError as e:
        raise UsageError(str(e)) from None


def _whole(flag: str, value: int | None, low: int, high: int) -> int | None:
    if value is not None and not low <= value <= high:
        raise UsageError(f"{flag} must be between {low} and {high:,}, got {value}")
    return value


def check_flags(opts: MapOptions) -> tuple[AxisFlag | None, AxisFlag | None, float | None]:
    """The parsed --x, --y and --tol; every plain flag checked (the fast checks, before any scene)."""
    _whole("--cells", opts.cells, 2, MAX_MAP_CELLS)
    _whole("--steps", opts.steps, 1, MAX_MAP_STEPS)
    if opts.run is not None and opts.run < 0:
        raise UsageError(f"--run must be 0 (the first run) or more, got {opts.run}")
    if opts.outcome is not None and opts.outcome not in MAP_OUTCOMES:
        raise UsageError(f"unknown --outcome {opts.outcome!r}{_hint(opts.outcome, MAP_OUTCOMES)}; "
                         f"choose one of {', '.join(MAP_OUTCOMES)}")
    tol = None
    if opts.tol is not None:
        tol = _number("--tol", opts.tol)
        if tol <= 0:
            raise UsageError(f"--tol must be a number > 0, got {opts.tol}")
    if opts.solver is not None and opts.solver not in solvers.names():
        known = list(solvers.names())
        raise UsageError(f"unknown solver {opts.solver!r}{_hint(opts.solver, known)}; known: {', '.join(known)}")
    if opts.landscape is not None:
        check_landscape_name(opts.landscape)
    x = parse_axis("--x", opts.x) if opts.x is not None else None
    y = parse_axis("--y", opts.y) if opts.y is not None else None
    return x, y, tol


# --------------------------------------------------------------------------- the scene
def _base_scene(opts: MapOptions) -> Scene:
    if opts.scene is None:
        if opts.landscape is None:
            raise UsageError("give a SCENE (see 'losslab list') or --landscape NAME")
        return Scene(title=opts.landscape, landscape=LandscapeSpec(name=opts.landscape), runs=[])
    try:
        scene = resolve_scene(opts.scene)
    except SceneError as e:
        raise UsageError(str(e).replace("\n", "; ")) from None
    if opts.landscape is not None:
        # another surface: the runs keep their solvers and start from its default start;
        # the scene's map stays (its axes are the runs' hyper-parameters, not the surface's)
        scene.landscape = LandscapeSpec(name=opts.landscape)
        scene.runs = [replace(r, start=None) for r in scene.runs]
    return scene


def _axis(flag: str, given: AxisFlag | None, kept: MapAxis | None, default: str, cells: int | None,
          opt: solvers.Solver) -> MapAxis:
    """One axis: the flag's (its missing parts from the default range), else the scene's map's, else
    ``default`` over its default range."""
    assert opt.spec is not None
    known = map_axis_names(opt.spec, batch=True)
    if given is None and kept is not None and kept.name in known:
        return replace(kept, cells=cells) if cells is not None else kept
    name = given.name if given is not None else default
    if name not in known:
        raise UsageError(f"{flag}: {opt.name} has no hyper-parameter {name!r}{did_you_mean(name, known)}; "
                         f"its axes: {', '.join(known)}")
    low, high, log = default_range(opt.spec, dict(opt.hyper), name)
    if given is not None and given.low is not None and given.high is not None:
        low, high = given.low, given.high
    if given is not None and given.log is not None:
        log = given.log
    n = cells if cells is not None else kept.cells if kept is not None else DEFAULT_CELLS
    return MapAxis(name, float(low), float(high), n, log)


def map_scene(opts: MapOptions) -> Scene:
    """The scene whose phase_map is the map to draw (see the module docstring); UsageError on bad input."""
    x_flag, y_flag, tol = check_flags(opts)
    scene = _base_scene(opts)
    if scene.landscape.name == "cifar_training":
        raise UsageError("a phase map is drawn on a surface; a cifar_training scene trains the full network "
                         "(map a cifar_slice scene instead)")
    scene = copy.deepcopy(scene)
    if not scene.runs:
        scene.runs = [RunSpec(solver=opts.solver or DEFAULT_SOLVER)]
    spec = scene.phase_map
    k = opts.run if opts.run is not None else spec.run if spec is not None else 0
    if k >= len(scene.runs):
        raise UsageError(f"--run {k}: the scene has {len(scene.runs)} run(s) (0 is the first)")
    if opts.solver is not None and scene.runs[k].solver != opts.solver:
        scene.runs[k] = replace(scene.runs[k], solver=opts.solver, hyper={})
    run = scene.runs[k]
    try:
        opt = solvers.make(run.solver, **run.hyper)
    except (TypeError, KeyError) as e:
        raise UsageError(f"run {k} ({run.solver}): {e}") from None
    assert opt.spec is not None
    names = map_axis_names(opt.spec)
    x = _axis("--x", x_flag, spec.x if spec is not None else None, "lr", opts.cells, opt)
    y = _axis("--y", y_flag, spec.y if spec is not None else None, second_axis(names), opts.cells, opt)
    outcome = opts.outcome or (spec.outcome if spec is not None else "final_gap")
    if tol is None and outcome == "steps_to_tol":
        tol = spec.tol if spec is not None and spec.tol is not None else DEFAULT_TOL
    steps = opts.steps or (spec.steps if spec is not None else min(scene.playback.steps, MAX_MAP_STEPS))
    scene.phase_map = MapSpec(run=k, x=x, y=y, steps=steps, outcome=outcome,  # type: ignore[arg-type]
                              tol=tol if outcome == "steps_to_tol" else None)
    problems = map_problems(scene)
    if problems:
        raise UsageError(_flag_words(problems[0], x_flag is not None, y_flag is not None))
    return scene


def _flag_words(problem: str, x_given: bool, y_given: bool) -> str:
    """A scene check's "phase_map.x.name: ..." as the flag that set it: "--x: ..."."""
    for side, given in (("x", x_given), ("y", y_given)):
        for field in (f"phase_map.{side}.name:", f"phase_map.{side}:"):
            if given and problem.startswith(field):
                return f"--{side}:" + problem[len(field):]
    return problem


def map_kwargs(scene: Scene, landscape: Any) -> dict[str, Any]:
    """phase_map()'s keyword arguments for the scene's map on its built ``landscape``."""
    try:
        return map_arguments(scene, landscape)
    except ValueError as e:
        raise UsageError(str(e)) from None


# --------------------------------------------------------------------------- the result
def _describe(pm: PhaseMap, values: tuple[float, float]) -> str:
    return ", ".join(f"{a.name} = {v:.4g}" for a, v in zip((pm.x, pm.y), values, strict=True))


def map_summary(pm: PhaseMap, surface: str) -> str:
    """Two lines, as the window's title: what was mapped, then the best cell, the stability edge and
    heavy-ball theory's best setting where they apply."""
    n_div = int(pm.diverged.sum())
    head = (f"{surface}: {pm.solver}, {pm.x.values.size} × {pm.y.values.size} settings, {pm.steps} steps, "
            f"outcome {pm.outcome}" + (f" (tol {pm.tol:g})" if pm.tol is not None else "")
            + f"; f* = {pm.f_star:.4g} ({'known' if pm.f_star_known else 'least loss on the map'}); "
            f"{n_div} of {pm.diverged.size} diverged.")
    parts = []
    if pm.best is not None:
        s = pm.settings(*pm.best)
        parts.append(f"Best: {_describe(pm, (axis_value(s, pm.x.name), axis_value(s, pm.y.name)))}.")
    if pm.lr_limit is not None:
        parts.append(f"Stability edge (dashed) {pm.bound_text} = {pm.lr_limit:.3g}.")
    elif pm.lr_bound is not None:
        parts.append(f"Dashed: the stability edge {pm.bound_text}.")
    if pm.theory is not None:
        parts.append(f"Diamond: heavy-ball theory, {_describe(pm, pm.theory)}.")
    return head + ("\n" + " ".join(parts) if parts else "")


def _finite(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


def _plain(value: Any) -> Any:
    """Settings as JSON holds them: tuples as lists, numpy scalars as numbers."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def map_numbers(pm: PhaseMap, surface: str) -> dict[str, Any]:
    """The map as JSON: axes, values (null where infinite: never reached the tolerance), diverged,
    the best cell and its settings, the stability edge and heavy-ball theory."""
    best = None
    if pm.best is not None:
        i, j = pm.best
        best = {"cell": [i, j], "value": _finite(float(pm.values[i, j])),
                "settings": {k: _plain(v) for k, v in pm.settings(i, j).items()}}
    theory = None if pm.theory is None else {pm.x.name: pm.theory[0], pm.y.name: pm.theory[1]}
    return {
        "surface": surface, "solver": pm.solver, "outcome": pm.outcome, "steps": pm.steps, "tol": pm.tol,
        "x": {"name": pm.x.name, "log": pm.x.log, "values": [float(v) for v in pm.x.values]},
        "y": {"name": pm.y.name, "log": pm.y.log, "values": [float(v) for v in pm.y.values]},
        "values": [[_finite(float(v)) for v in row] for row in pm.values],
        "diverged": [[bool(d) for d in row] for row in pm.diverged],
        "best": best,
        "f_star": pm.f_star, "f_star_known": pm.f_star_known,
        "lr_bound": None if pm.lr_bound is None else [_finite(float(v)) for v in pm.lr_bound],
        "lr_limit": pm.lr_limit, "bound_text": pm.bound_text, "theory": theory,
    }


def current_setting(scene: Scene) -> tuple[float, float] | None:
    """The mapped run's own (x, y) setting, marked on the map as the window marks the selected run
    (None when an axis is a batch size the run does not set; the view leaves out 0 on a log axis)."""
    spec = scene.phase_map
    assert spec is not None
    run = scene.runs[spec.run]
    x, y = run_value(run, spec.x.name), run_value(run, spec.y.name)
    return None if x is None or y is None else (x, y)
