"""A scene's phase map (Scene.phase_map, a MapSpec) as phase_map()'s arguments, and its checks.

    problems = map_problems(scene)            # one line each, e.g. "phase_map.y.name: adam has no ..."
    kwargs = map_arguments(scene, landscape)  # phase_map(**kwargs) computes the scene's map
    values = axis_values(spec.x)              # the axis's values (whole, distinct batch sizes)
    low, high, log = default_range(opt.spec, opt.hyper, "momentum")  # where a new axis starts

The map is of run ``spec.run``: its solver with its other hyper-parameters, its
start, noise, schedule, batch size and seed, as the race steps it (the phase map
window maps the selected run the same way). No Qt here.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

import solvers

from .build import make_schedule, start_of
from .limits import MAX_MAP_BATCH
from .phase_map import BATCH, map_axis_names
from .scene import MapAxis, MapSpec, RunSpec, Scene
from .seeds import run_seed

# a new map's cells per axis and tolerance of steps_to_tol (the window's, the command line's)
DEFAULT_CELLS = MapAxis().cells     # the scene format's own default
DEFAULT_TOL = 1e-6
# a new map's y axis, in order of preference: the solver's other knob that matters most
SECOND_AXES = ("momentum", "beta2", "alpha", "weight_decay")


def second_axis(names: list[str]) -> str:
    """The y axis a new map of a solver with these axis names starts with (lr is the x axis)."""
    return next((n for n in SECOND_AXES if n in names), names[-1])


def default_range(spec: solvers.SolverSpec, hyper: dict[str, Any], name: str) -> tuple[float, float, bool]:
    """(low, high, log) a map starts with for this hyper-parameter of a solver with ``hyper``."""
    if name == "lr":
        lr = float(hyper["lr"])
        return lr / 100.0, lr * 30.0, True          # from sure-but-slow to past the stability edge
    if name == "beta1":
        return 0.0, 0.99, False
    if name == "beta2":
        return 0.9, 0.9999, False
    if name == "weight_decay":
        return 1e-4, 1.0, True
    if name == BATCH:
        return 8.0, 512.0, True                     # the lecture's 32..256 and beyond on both sides
    p = spec.params[name]
    lo, hi = p.slider if p.slider is not None else (p.low, p.high)
    try:
        spec.make(**{**hyper, name: float(lo)})
    except ValueError:      # the rule excludes its slider's end (nesterov needs μ > 0): start a step in
        lo = lo + (hi - lo) / 20
    return float(lo), float(hi), bool(p.log)


def axis_value(settings: dict[str, Any], name: str) -> float:
    """A map axis's value in a solver's settings (β₁/β₂ are the halves of betas)."""
    if name in ("beta1", "beta2"):
        return float(settings["betas"][0 if name == "beta1" else 1])
    return float(settings[name])


def run_value(run: RunSpec, name: str) -> float | None:
    """The run's own value on axis ``name`` (its solver's defaults filled in; None: a full-batch
    run on a batch-size axis)."""
    if name == BATCH:
        return None if run.batch_size is None else float(run.batch_size)
    return axis_value(dict(solvers.make(run.solver, **run.hyper).hyper), name)


def axis_values(axis: MapAxis) -> NDArray[np.float64]:
    """``cells`` values from low to high, log- or evenly spaced; batch sizes rounded to whole
    numbers, each once (so a batch axis may have fewer values than cells)."""
    if axis.log:
        values = np.geomspace(axis.low, axis.high, axis.cells)
    else:
        values = np.linspace(axis.low, axis.high, axis.cells)
    if axis.name == BATCH:
        values = np.unique(np.round(values))
    return np.asarray(values, dtype=np.float64)


def map_problems(scene: Scene, spec: MapSpec | None = None) -> list[str]:
    """What is wrong with the scene's phase map, or with ``spec`` as its map (nothing when none)."""
    spec = scene.phase_map if spec is None else spec
    if spec is None:
        return []
    if not 0 <= spec.run < len(scene.runs):
        return [f"phase_map.run: the scene has {len(scene.runs)} run(s), so run {spec.run} does not exist "
                f"(0 is the first)"]
    run = scene.runs[spec.run]
    try:
        opt = solvers.make(run.solver, **run.hyper)
    except (ValueError, TypeError, KeyError):
        return []          # the run's own problem is reported where the run is checked
    assert opt.spec is not None
    known = map_axis_names(opt.spec, batch=True)
    problems = []
    for side, axis in (("x", spec.x), ("y", spec.y)):
        where = f"phase_map.{side}"
        if axis.name not in known:
            problems.append(f"{where}.name: {run.solver} has no hyper-parameter {axis.name!r}"
                            f"{solvers.naming.did_you_mean(axis.name, known)}; its axes: {', '.join(known)}")
        if axis.log and (axis.low <= 0 or axis.high <= 0):
            problems.append(f"{where}: a log axis needs low and high > 0, got {axis.low:g} and {axis.high:g}")
        if axis.name == BATCH and not (1 <= min(axis.low, axis.high) and max(axis.low, axis.high) <= MAX_MAP_BATCH):
            problems.append(f"{where}: a map's batch sizes run from 1 to {MAX_MAP_BATCH} (each cell draws its own "
                            f"minibatch), got {axis.low:g} to {axis.high:g}")
    if spec.x.name == spec.y.name:
        problems.append(f"phase_map: x and y are both {spec.x.name!r}: choose two different hyper-parameters")
    if spec.outcome == "steps_to_tol" and spec.tol is None:
        problems.append("phase_map.tol: steps_to_tol needs a tolerance (a number > 0)")
    return problems


def map_arguments(scene: Scene, landscape: Any, spec: MapSpec | None = None) -> dict[str, Any]:
    """phase_map()'s keyword arguments for the scene's map (or ``spec``) on ``landscape`` (built
    from the scene): the run's solver, start, noise, schedule, batch size and its own seed, as the
    race steps it. Raises ValueError (one line) when there is no map or it does not fit the runs."""
    spec = scene.phase_map if spec is None else spec
    if spec is None:
        raise ValueError("this scene has no phase map")
    problems = map_problems(scene, spec)
    if problems:
        raise ValueError(problems[0])
    run = scene.runs[spec.run]
    return dict(f=landscape, solver=solvers.make(run.solver, **run.hyper),
                x_axis=(spec.x.name, axis_values(spec.x)), y_axis=(spec.y.name, axis_values(spec.y)),
                start=start_of(run, landscape), steps=spec.steps, outcome=spec.outcome,
                tol=spec.tol if spec.outcome == "steps_to_tol" else None, noise=float(run.noise),
                seed=run_seed(scene.seed, spec.run), schedule=make_schedule(run.schedule),
                batch_size=run.batch_size)
