"""What ``losslab tune`` checks and builds, without argparse or Qt (app.model.cli_logic's sibling).

    scene, budget = tune_request(TuneOptions(scene="fair_race", trials=8))   # UsageError on bad input
    tuned = fair_race.apply(scene, fair_race.tune_all(scene, budget, landscape=f))

The budget is the scene's ``tuning`` when it has one, else TuneBudget's defaults; each
flag given replaces that part of it, so a tuned scene re-tunes to the same values.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .cli_logic import UsageError, check_writable
from .fair_race import check_budget
from .limits import TUNE_OBJECTIVES
from .presets import resolve_scene
from .scene import Scene, TuneBudget
from .scene_io import SceneError, _hint


@dataclass(frozen=True)
class TuneOptions:
    """The command's flags as given (None: not given)."""

    scene: str
    trials: int | None = None
    steps: int | None = None
    seeds: str | None = None
    objective: str | None = None


def parse_seeds(text: str) -> tuple[int, ...]:
    """'0, 1,2' -> (0, 1, 2)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise UsageError("--seeds needs at least one seed, e.g. 0,1,2")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise UsageError(f"--seeds must be whole numbers separated by commas, e.g. 0,1,2; got {text!r}") from None


def tune_budget(scene: Scene, opts: TuneOptions) -> TuneBudget:
    """The scene's budget (else the defaults) with the flags put in, checked (one line each)."""
    if opts.objective is not None and opts.objective not in TUNE_OBJECTIVES:
        raise UsageError(f"unknown --objective {opts.objective!r}{_hint(opts.objective, TUNE_OBJECTIVES)}; "
                         f"choose one of {', '.join(TUNE_OBJECTIVES)}")
    budget = scene.tuning if scene.tuning is not None else TuneBudget()
    changes: dict[str, object] = {}
    if opts.trials is not None:
        changes["trials"] = opts.trials
    if opts.steps is not None:
        changes["steps"] = opts.steps
    if opts.seeds is not None:
        changes["seeds"] = parse_seeds(opts.seeds)
    if opts.objective is not None:
        changes["objective"] = opts.objective
    budget = dataclasses.replace(budget, **changes)  # type: ignore[arg-type]
    try:
        return check_budget(budget)
    except ValueError as e:   # "trials must be ..." is said of the flag that set it: "--trials must be ..."
        text = str(e)
        if text.startswith(("trials ", "steps ", "seeds ")):
            text = f"--{text}"
        elif text.startswith("a seed "):
            text = f"--seeds: {text}"
        raise UsageError(text) from None


def tune_request(opts: TuneOptions) -> tuple[Scene, TuneBudget]:
    """The scene to tune and its budget; UsageError on bad input."""
    try:
        scene = resolve_scene(opts.scene)
    except SceneError as e:
        raise UsageError(str(e).replace("\n", "; ")) from None
    if scene.landscape.name == "cifar_training":
        raise UsageError("a fair race tunes runs on a surface; a cifar_training scene trains the full network")
    if not any(r.enabled for r in scene.runs):
        raise UsageError("no runs to tune: the scene needs an enabled run")
    return scene, tune_budget(scene, opts)


def check_scene_out(path: str, overwrite: bool = False) -> Path:
    """--out: a .json scene file we can write."""
    out = Path(path).expanduser()
    if out.suffix.lower() != ".json":
        raise UsageError(f"--out must end in .json (the tuned scene is a scene file); got '{out}'")
    return check_writable(out, "--out", overwrite)
