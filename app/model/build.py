"""Turn the plain records of a Scene into live objects: landscapes, schedules, solvers.

One place maps a ``LandscapeSpec`` to a ``Landscape``: a registry name with
params, a typed expression, or a CIFAR-10 slice (slow: the ui calls this off
the GUI thread), then L1/L2 regularization on top and a bounds override.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from landscapes import Landscape

from .scene import LandscapeSpec, RunSpec

Bounds = tuple[tuple[float, float], tuple[float, float]]
# Where cifar_slice scenes without a "root" param look for CIFAR-10 before the download cache.
CIFAR_ROOT_ENV = "LOSSLAB_CIFAR_ROOT"


def build_landscape(
    spec: LandscapeSpec,
    progress: Callable[[float, str], Any] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Landscape:
    """The Landscape a spec describes.

    progress(fraction, message) and cancel() -> bool are passed to the CIFAR
    slice builder (the only slow case); analytic surfaces ignore them. A
    cifar_slice without a "root" param reads $LOSSLAB_CIFAR_ROOT if set, else
    the archive that ``losslab cifar fetch`` downloaded.
    """
    import landscapes

    if spec.name == "expression":
        if not spec.expression:
            raise ValueError("an 'expression' landscape needs the f(x, y) text")
        kwargs = {"bounds": spec.bounds} if spec.bounds is not None else {}
        f = landscapes.from_expression(spec.expression, **kwargs)
    elif spec.name == "cifar_slice":
        from landscapes.cifar import build_cifar_slice

        params = dict(spec.params)
        if "root" not in params and os.environ.get(CIFAR_ROOT_ENV):
            # scenes do not name a machine's folder; a lab machine can point at its copy
            params["root"] = os.environ[CIFAR_ROOT_ENV]
        f = build_cifar_slice(**params, progress=progress, cancel=cancel)
    else:
        f = landscapes.get(spec.name, **spec.params)
    if spec.l1 > 0 or spec.l2 > 0:
        f = landscapes.regularized(f, l2=spec.l2, l1=spec.l1)
    if spec.bounds is not None:
        f.bounds = _as_bounds(spec.bounds)
    return f


def view_bounds(spec: LandscapeSpec, landscape: Landscape) -> Bounds:
    """The ((x0, x1), (y0, y1)) the views show: the spec's override, else the landscape's."""
    return _as_bounds(spec.bounds if spec.bounds is not None else landscape.bounds)


def _as_bounds(b) -> Bounds:
    (x0, x1), (y0, y1) = b
    return ((float(x0), float(x1)), (float(y0), float(y1)))


def make_schedule(spec: dict | None):
    """A solvers schedule from its record, e.g. {"kind": "cosine", "warmup": 10}; None stays None."""
    if spec is None:
        return None
    import solvers

    return solvers.make_schedule(**spec)


def make_solver(run: RunSpec):
    """The configured solvers.Solver of a run (unknown names/params raise ValueError)."""
    import solvers

    return solvers.make(run.solver, **run.hyper)


def start_of(run: RunSpec, landscape: Landscape) -> tuple[float, float]:
    """Where a run starts: its own start, else the landscape's default."""
    s = run.start if run.start is not None else landscape.default_start
    return (float(s[0]), float(s[1]))
