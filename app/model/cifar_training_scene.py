"""A ``cifar_training`` scene as a live full-dimensional race (Qt-free; the ui and the
headless renderer call this off the GUI thread).

    race, plane = training_from_scene(scene, progress, cancel)
    race.step(scene.playback.steps)
    view = plane_for(race, plane)           # app.model.cifar_planes

The data: the first ``subset`` of the first 49,000 CIFAR-10 training images
train (null: all 49,000), the last 1,000 validate, as build_cifar_slice's
protocol; the mean image is that of the training rows. It is read from the
scene's "root" param, else the chosen data folder or $LOSSLAB_CIFAR_ROOT
(landscape_kinds.cifar_root), else the downloaded archive in "cache_dir";
missing data is one line that says what to do.

Each enabled run becomes a RunSettings: solver, hyper (lr, weight_decay, ...
by torch's names), schedule, batch_size (32..256, null: the full batch),
label and colour (the palette's when null). random_search is the lecture's
baseline; newton, a start point or gradient noise are refused in one line
(every run starts from the same W_init, and its noise is the minibatch's).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solvers
from landscapes.cifar.errors import check_cancel

from .cifar_race import BATCH_RANGE, RANDOM_SEARCH, CifarRace, RunSettings
from .cifar_training_data import load_race_data
from .landscape_kinds import CIFAR_TRAINING, cifar_root
from .scene import Scene, palette_color

Progress = Callable[[float, str], Any]
Cancel = Callable[[], bool]
DEFAULT_STRENGTH = {"l2": 5e3, "l1": 5.0}


def run_settings(scene: Scene) -> list[RunSettings]:
    """RunSettings of the scene's enabled runs; ValueError naming the run for what a training race refuses."""
    out = []
    for i, run in enumerate(scene.runs):
        if not run.enabled:
            continue
        where = f"runs[{i}]"
        if run.start is not None:
            raise ValueError(f"{where}.start: every run of a {CIFAR_TRAINING.name} scene starts from the same "
                             "W_init; leave start null")
        if run.noise:
            raise ValueError(f"{where}.noise: a {CIFAR_TRAINING.name} run's gradient noise is its minibatch's; "
                             "leave noise 0")
        if run.solver != RANDOM_SEARCH and solvers.make(run.solver, **run.hyper).needs_hessian:
            raise ValueError(f"{where}.solver: {run.solver} needs the Hessian of all 30,730 weights (a 30,730² "
                             "matrix); a training race offers the gradient solvers and random_search")
        lo, hi = BATCH_RANGE
        if run.batch_size is not None and not lo <= run.batch_size <= hi:
            raise ValueError(f"{where}.batch_size: {lo}..{hi} images a step, or null for the full batch; "
                             f"got {run.batch_size}")
        settings = RunSettings(solver=run.solver, hyper=dict(run.hyper), schedule=run.schedule,
                               batch_size=run.batch_size, color=run.color or palette_color(i),
                               label=run.label or _label(run.solver, run.hyper, run.batch_size))
        out.append(settings)
    if not out:
        raise ValueError(f"runs: a {CIFAR_TRAINING.name} scene needs at least one enabled run")
    return out


def _label(solver: str, hyper: dict[str, Any], batch_size: int | None) -> str:
    lr = hyper.get("lr")
    parts = [solver] + ([f"lr {lr:.1e}"] if isinstance(lr, (int, float)) else [])
    parts.append("full batch" if batch_size is None else f"batch {batch_size}")
    return ", ".join(parts)


def training_from_scene(scene: Scene, progress: Progress | None = None,
                        cancel: Cancel | None = None) -> tuple[CifarRace, str]:
    """(the race at step 0, the plane kind "pca" | "endpoints" | "random") of a cifar_training scene."""
    spec = scene.landscape
    if spec.name != CIFAR_TRAINING.name:
        raise ValueError(f"not a {CIFAR_TRAINING.name} scene (its landscape is {spec.name!r})")
    problems = CIFAR_TRAINING.problems(spec)
    if problems:
        raise ValueError(f"landscape.{problems[0]}")
    p = spec.params
    settings = run_settings(scene)   # before the data: a bad run costs no loading
    reg = p.get("reg", "l2")
    strength = p.get("strength")
    # scenes do not name a machine's folder: without a root the chosen data folder is read
    data = load_race_data(p.get("root") or cifar_root(), p.get("subset"), progress, cancel, p.get("cache_dir"))
    check_cancel(cancel, "loading the CIFAR-10 training scene")
    race = CifarRace(data, settings, loss=p.get("loss", "softmax"), reg=reg,
                     strength=DEFAULT_STRENGTH[reg] if strength is None else strength,
                     seed=p.get("seed", scene.seed), eval_every=p.get("eval_every"))
    if progress is not None:
        progress(1.0, "CIFAR-10 training ready")
    return race, str(p.get("plane", "pca"))
