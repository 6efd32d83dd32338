"""One computation of the CIFAR-10 curvature window (and ``losslab curvature``), Qt-free.

    root, problem = data_root()                       # or (None, "what to do")
    r = compute(root, "softmax", "l2", 5e3, 5000, "reg", 41, progress, cancel)
    r = compute_on(load_problem(root, ...), "reg", 41, progress)   # the data already loaded
    numbers(r)                                        # the figures as plain JSON-able values

compute trains W* (the slice builder's SGD recipe, app.model.cifar_solutions), takes its
spectrum and both planes (app.model.cifar_curvature), then the sharp-vs-flat pair and
the line between its two solutions. The window runs it as a background job; the
command line runs it in the foreground and draws the same figure offscreen.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .cifar_curvature import (
    Cancel,
    CurvatureProblem,
    PlanePair,
    Progress,
    Spectrum,
    load_problem,
    plane_pair,
    solution_spectrum,
)
from .cifar_solutions import SharpFlat, make_solution, sgd_recipe, sharp_vs_flat
from .landscape_kinds import CIFAR_ADVICE, cifar_root


def data_root() -> tuple[str | None, str]:
    """(root to load, '') or (None, the one line saying what to do): the CIFAR-10 dock's checks."""
    root = cifar_root()
    if root:
        return (root, "") if Path(root).exists() else (None, f"no CIFAR-10 at {root}: {CIFAR_ADVICE}")
    from landscapes.cifar import cached_archive

    archive = cached_archive()
    return (str(archive), "") if archive.is_file() else (None, f"CIFAR-10 not found: {CIFAR_ADVICE}")


@dataclass(frozen=True)
class CurvatureResult:
    """Everything the curvature figure shows."""

    problem: CurvatureProblem
    spectrum: Spectrum
    planes: PlanePair
    pair: SharpFlat


def compute(root: str, loss: str, reg: str, strength: float, subset: int, kind: str, resolution: int,
            progress: Progress | None = None, cancel: Cancel | None = None) -> CurvatureResult:
    """Load the data (CifarError when it is missing), then compute_on it."""
    if progress is not None:
        progress(0.0, "loading CIFAR-10")
    return compute_on(load_problem(root, loss, reg, strength, subset), kind, resolution, progress, cancel)


def compute_on(problem: CurvatureProblem, kind: str, resolution: int, progress: Progress | None = None,
               cancel: Cancel | None = None) -> CurvatureResult:
    """W* (2–15%), its spectrum (15–40%), both planes (40–55%), the pair and its line (55–100%)."""
    def stage(lo: float, hi: float) -> Progress | None:
        if progress is None:
            return None
        outer = progress

        def staged(fraction: float, message: str = "") -> object:
            return outer(lo + (hi - lo) * fraction, message)

        return staged

    w_recipe = sgd_recipe(problem)
    W = make_solution(problem, w_recipe, progress=stage(0.02, 0.15), cancel=cancel)
    spectrum = solution_spectrum(problem, W, progress=stage(0.15, 0.4), cancel=cancel)
    planes = plane_pair(problem, W, resolution, progress=stage(0.4, 0.55), cancel=cancel)
    pair = sharp_vs_flat(problem, kind, progress=stage(0.55, 1.0), cancel=cancel,
                         trained=lambda r: W if r.training == w_recipe.training else None)
    return CurvatureResult(problem, spectrum, planes, pair)


def _at(ts: np.ndarray[Any, Any], values: np.ndarray[Any, Any], t: float) -> float:
    """values at the grid point t (the line's grid holds t = 0 and t = 1)."""
    i = int(np.argmin(np.abs(ts - t)))
    if abs(float(ts[i]) - t) > 1e-9:
        raise ValueError(f"the line's grid has no point at t = {t:g}")
    return float(values[i])


def numbers(r: CurvatureResult) -> dict[str, Any]:
    """The figure's numbers: the settings, the spectrum, both planes' curvatures and the pair
    (each solution's λmax; loss and accuracy at t = 0 (solution A) and t = 1 (solution B))."""
    p, s, pp, pair = r.problem, r.spectrum, r.planes, r.pair
    ts = pair.line.ts
    solutions = []
    for t, recipe, lmax in ((0.0, pair.recipes[0], pair.lmax[0]), (1.0, pair.recipes[1], pair.lmax[1])):
        solutions.append({
            "label": recipe.label, "t": t, "objective": recipe.objective, "lmax": lmax,
            "loss": {label: _at(ts, v, t) for label, v in pair.line.curves.items()},
            "train_accuracy": _at(ts, pair.line.train_accuracy, t),
            "val_accuracy": _at(ts, pair.line.val_accuracy, t),
        })
    return {
        "loss": p.loss, "reg": p.reg, "strength": p.strength, "images": len(p.x), "pair": pair.kind,
        "spectrum": {"top_eigenvalues": [float(v) for v in s.values], "trace": s.trace,
                     "trace_error": s.trace_error, "mean_eigenvalue": s.mean_eigenvalue, "weights": s.n,
                     "hessian_vector_products": s.products},
        "planes": {"eigen_plane_eigenvalues": [float(v) for v in pp.eigenvalues],
                   "random_plane_curvature": [float(v) for v in pp.random_curvature],
                   "loss_range": list(pp.levels), "norm_W": pp.scale},
        "solutions": solutions,
    }
