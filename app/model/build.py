"""Turn the plain records of a Scene into live objects: landscapes, schedules, solvers.

One place maps a ``LandscapeSpec`` to a ``Landscape``: its kind (a registry
name with params, a typed expression, a CIFAR-10 slice; see landscape_kinds)
builds it, then L1/L2 regularization goes on top and the bounds override.
"""
from __future__ import annotations

from typing import Any

import landscapes
import solvers
from landscapes import Landscape

from .landscape_kinds import CIFAR_ROOT_ENV as CIFAR_ROOT_ENV
from .landscape_kinds import Cancel, Progress, kind_of
from .scene import LandscapeSpec, RunSpec

Bounds = tuple[tuple[float, float], tuple[float, float]]


def build_landscape(
    spec: LandscapeSpec,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> Landscape:
    """The Landscape a spec describes.

    progress(fraction, message) and cancel() -> bool are passed to the kinds
    that are slow to build (``kind_of(spec).slow``, the CIFAR slice); the
    analytic ones ignore them. A cifar_slice without a "root" param reads
    $LOSSLAB_CIFAR_ROOT if set, else the archive that ``losslab cifar fetch``
    downloaded.
    """
    f = kind_of(spec).build(spec, progress, cancel)
    if spec.l1 > 0 or spec.l2 > 0:
        f = landscapes.regularized(f, l2=spec.l2, l1=spec.l1)
    if spec.bounds is not None:
        f.bounds = _as_bounds(spec.bounds)
    return f


def view_bounds(spec: LandscapeSpec, landscape: Landscape) -> Bounds:
    """The ((x0, x1), (y0, y1)) the views show: the spec's override, else the landscape's."""
    return _as_bounds(spec.bounds if spec.bounds is not None else landscape.bounds)


def _as_bounds(b: Bounds) -> Bounds:
    (x0, x1), (y0, y1) = b
    return ((float(x0), float(x1)), (float(y0), float(y1)))


def make_schedule(spec: dict[str, Any] | None) -> solvers.Schedule | None:
    """A solvers schedule from its record, e.g. {"kind": "cosine", "warmup": 10}; None stays None."""
    if spec is None:
        return None
    return solvers.make_schedule(**spec)


def make_solver(run: RunSpec) -> solvers.Solver:
    """The configured solvers.Solver of a run (unknown names/params raise ValueError)."""
    return solvers.make(run.solver, **run.hyper)


def start_of(run: RunSpec, landscape: Landscape) -> tuple[float, float]:
    """Where a run starts: its own start, else the landscape's default."""
    s = run.start if run.start is not None else landscape.default_start
    return (float(s[0]), float(s[1]))
