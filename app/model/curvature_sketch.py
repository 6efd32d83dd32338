"""What the curvature overlay draws and says at one point, Qt-free: the local quadratic's
level curve at a readable size, its words (λmin, λmax, κ) and gradient descent's lr bound.

Solid curves are where the local quadratic rises by c, dashed where it falls by c: a
minimum is one solid ellipse, a maximum a dashed one, a saddle two solid and two dashed
hyperbola branches, a valley floor two parallel lines. The two axes run along the
eigenvectors, each as long as the curve's semi-axis (or vertex distance) that way.

The lr bound is the linear-stability bound of the run's rule on the local quadratic
(app.model.stability): 2/λmax for gradient descent (and SGD's mean step), 2(1+μ)/λmax for
heavy-ball momentum, 2(1+μ)/((1+2μ)λmax) for Nesterov; L2 weight decay λ adds λ to every
eigenvalue, so λmax becomes λmax + λ. Adaptive solvers (Adagrad, RMSprop, Adam) rescale
each step and Newton divides by the curvature, so they have no such bound.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import stability
from .curvature import FLAT, FloatArray, LocalCurvature, level_curve, level_for_size

SPREAD = 1.0          # hyperbola branches run over t in [−SPREAD, SPREAD]: about 2.4 vertex distances long
POINTS = 97
BOUND_SOLVERS_TEXT = "gd and sgd (2/λmax), momentum (2(1+μ)/λmax) and nesterov (2(1+μ)/((1+2μ)λmax))"
WARNING = "lr above the bound: will diverge on a quadratic"


@dataclass(frozen=True)
class Sketch:
    """Polylines (each (n, 2), data coordinates): ``rising`` solid, ``falling`` dashed, ``axes`` thin."""

    kind: str
    rising: list[FloatArray] = field(default_factory=list)
    falling: list[FloatArray] = field(default_factory=list)
    axes: list[FloatArray] = field(default_factory=list)


def sketch(curv: LocalCurvature, size: float) -> Sketch:
    """The level curve around curv.point whose widest semi-axis (vertex distance) is ``size``."""
    level = level_for_size(curv.eigenvalues, size)
    if not level > 0:
        return Sketch("none")
    lc = level_curve(curv, level, points=POINTS, spread=SPREAD, extent=size)
    rising = [p for p, v in zip(lc.polylines, lc.levels, strict=True) if v > 0]
    falling = [p for p, v in zip(lc.polylines, lc.levels, strict=True) if v < 0]
    lam = curv.eigenvalues
    tiny = FLAT * float(np.max(np.abs(lam)))
    axes = []
    for i in range(2):
        if abs(lam[i]) > tiny:
            half = np.sqrt(2.0 * level / abs(lam[i])) * curv.eigenvectors[:, i]
            axes.append(np.stack([curv.point - half, curv.point + half]))
    return Sketch(lc.kind, rising, falling, axes)


def _num(v: float) -> str:
    if not np.isfinite(v):
        return "∞" if v > 0 else "−∞"
    text = f"{v:.3g}" if v == 0 or 1e-3 <= abs(v) < 1e4 else f"{v:.2e}"
    return text.replace("-", "−")


def curvature_text(curv: LocalCurvature, kappa_sep: str = "  ") -> str:
    """``"λmin 2  λmax 40  κ 20"`` (κ = |λ|max/|λ|min, ∞ when one is 0); kappa_sep "\n" puts κ
    on a line of its own (a narrow map)."""
    return f"λmin {_num(curv.lambda_min)}  λmax {_num(curv.lambda_max)}{kappa_sep}κ {_num(curv.condition)}"


@dataclass(frozen=True)
class LrBound:
    """``value`` the largest stable lr (None: no bound, λmax + λ <= 0); ``lr`` the run's;
    ``past`` True when lr > value; ``name`` how the bound is written ("2(1+μ)/λmax");
    ``note`` the words under the lr slider."""

    value: float | None
    lr: float
    past: bool
    note: str
    name: str = "2/λmax"


def bound_applies(solver: str, hyper: Mapping[str, Any]) -> bool:
    """Whether the run's rule has a linear-stability lr bound (see the module docstring)."""
    return stability.lr_factor(solver, hyper) is not None


def lr_bound(solver: str, hyper: Mapping[str, Any], curv: LocalCurvature) -> LrBound | None:
    """The run's lr bound at curv.point, or None where its rule has none."""
    factor = stability.lr_factor(solver, hyper)
    if factor is None:
        return None
    lr = float(hyper.get("lr", 0.0))
    decay = float(hyper.get("weight_decay", 0.0) or 0.0)
    top = curv.lambda_max + decay
    name = stability.bound_text(solver, hyper)
    if not top > 0:
        return LrBound(None, lr, False, f"λmax{' + λ' if decay else ''} ≤ 0 here: no lr is unstable", name)
    value = float(factor) / top
    return LrBound(value, lr, lr > value, f"{name} = {_num(value)}", name)
