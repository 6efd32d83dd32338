"""What the curvature overlay draws and says at one point, Qt-free: the local quadratic's
level curve at a readable size, its words (λmin, λmax, κ) and gradient descent's lr bound.

Solid curves are where the local quadratic rises by c, dashed where it falls by c: a
minimum is one solid ellipse, a maximum a dashed one, a saddle two solid and two dashed
hyperbola branches, a valley floor two parallel lines. The two axes run along the
eigenvectors, each as long as the curve's semi-axis (or vertex distance) that way.

The bound 2/λmax holds for plain gradient descent on a quadratic (and for SGD's mean
step, and momentum or Nesterov with momentum 0); L2 weight decay λ adds λ to every
eigenvalue, so the bound is 2/(λmax + λ). Adaptive solvers (Adagrad, RMSprop, Adam)
rescale each step and Newton divides by the curvature, so it is not their bound.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .curvature import FLAT, FloatArray, LocalCurvature, level_curve, level_for_size

SPREAD = 1.0          # hyperbola branches run over t in [−SPREAD, SPREAD]: about 2.4 vertex distances long
POINTS = 97
PLAIN_GD = ("gd", "sgd")
MOMENTUM = ("momentum", "nesterov")
BOUND_SOLVERS_TEXT = "gd, sgd, and momentum or nesterov with momentum 0"
WARNING = "lr above 2/λmax: will diverge on a quadratic"


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
    ``past`` True when lr > value; ``note`` the words under the lr slider."""

    value: float | None
    lr: float
    past: bool
    note: str


def bound_applies(solver: str, hyper: Mapping[str, Any]) -> bool:
    """Whether 2/λmax is this run's stability bound (see the module docstring)."""
    if solver in PLAIN_GD:
        return True
    return solver in MOMENTUM and float(hyper.get("momentum", 0.0) or 0.0) == 0.0


def lr_bound(solver: str, hyper: Mapping[str, Any], curv: LocalCurvature) -> LrBound | None:
    """The run's lr bound at curv.point, or None where 2/λmax is not its bound."""
    if not bound_applies(solver, hyper):
        return None
    lr = float(hyper.get("lr", 0.0))
    decay = float(hyper.get("weight_decay", 0.0) or 0.0)
    top = curv.lambda_max + decay
    name = "2/(λmax + λ)" if decay else "2/λmax"
    if not top > 0:
        return LrBound(None, lr, False, f"λmax{' + λ' if decay else ''} ≤ 0 here: no lr is unstable")
    value = 2.0 / top
    return LrBound(value, lr, lr > value, f"{name} = {_num(value)}")
