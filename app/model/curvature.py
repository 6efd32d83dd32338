"""Curvature of a 2-D surface at a point: the Hessian's eigenpairs, the local quadratic's
level curve, the gradient-descent stability bound 2/λmax, and a curvature map over a grid.

Near p the surface is f(p + d) ≈ f(p) + gᵀd + ½ dᵀ H d. With H = λ₁e₁e₁ᵀ + λ₂e₂e₂ᵀ
(λ₁ ≤ λ₂) the quadratic part ½ dᵀ H d = c is, in the eigenvector coordinates (u, v):

    λ₁, λ₂ > 0    an ellipse with semi-axes √(2c/λᵢ) along eᵢ (long along the flat direction)
    λ₁, λ₂ < 0    the same ellipse at level −c (a maximum)
    λ₁ < 0 < λ₂   a saddle: hyperbola branches ±√(2c/λ₂)·cosh t along e₂ where it rises by c,
                  and the conjugate pair ±√(2c/|λ₁|)·cosh t along e₁ where it falls by c
    one λ ≈ 0     two parallel lines along the flat eigenvector (a valley floor)

Gradient descent on that quadratic multiplies the eᵢ component by (1 − η λᵢ) per
step, so it converges for 0 < η < 2/λmax and diverges beyond (Goodfellow et al.,
Deep Learning, sec. 4.3). Li et al. 2018 map |λmin/λmax| to show non-convexity: where
λmin < 0 it is near 0 for a nearly convex region and near 1 for a strong saddle (where
both are positive it is just 1/condition, so the map is read together with λmin's sign).
Qt-free.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

FLAT = 1e-9  # |λ| below FLAT·max|λ| counts as zero curvature


def _point(p: Any) -> FloatArray:
    arr = np.asarray(p, dtype=np.float64)
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"point must be a finite pair (x, y), got {p!r}"[:200])
    return arr


def _hessian(H: Any) -> FloatArray:
    arr = np.asarray(H, dtype=np.float64)
    if arr.shape != (2, 2) or not np.all(np.isfinite(arr)):
        raise ValueError("the Hessian must be a finite 2 x 2 matrix")
    sym: FloatArray = 0.5 * (arr + arr.T)
    return sym


@dataclass(frozen=True)
class LocalCurvature:
    """The Hessian at one point: ``eigenvalues`` ascending (λmin, λmax), ``eigenvectors`` as
    columns (unit), ``condition`` |λ|max / |λ|min (inf when one is 0), ``gd_bound`` 2/λmax
    (None when λmax <= 0: no learning rate is unstable along a direction that does not curve up)."""

    point: FloatArray
    hessian: FloatArray
    eigenvalues: FloatArray
    eigenvectors: FloatArray
    condition: float
    gd_bound: float | None

    @property
    def lambda_min(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[1])

    @property
    def kind(self) -> str:
        """"minimum", "maximum", "saddle" or "flat" (a zero eigenvalue), from the signs."""
        lo, hi = self.eigenvalues
        tiny = FLAT * max(abs(lo), abs(hi))
        if abs(lo) <= tiny or abs(hi) <= tiny:
            return "flat"
        return "minimum" if lo > 0 else "maximum" if hi < 0 else "saddle"


def curvature_of(H: Any, point: Any = (0.0, 0.0)) -> LocalCurvature:
    """LocalCurvature of a 2 x 2 Hessian H (symmetrised) at ``point``."""
    Hs, p = _hessian(H), _point(point)
    values, vectors = np.linalg.eigh(Hs)
    a = np.abs(values)
    condition = float(a.max() / a.min()) if a.min() > 0 else float("inf")
    lmax = float(values[1])
    return LocalCurvature(p, Hs, values, vectors, condition, 2.0 / lmax if lmax > 0 else None)


def local_curvature(f: Any, point: Any) -> LocalCurvature:
    """LocalCurvature of the landscape f (f.hessian over (..., 2) points) at ``point``."""
    p = _point(point)
    H = np.asarray(f.hessian(p), dtype=np.float64)
    if not np.all(np.isfinite(H)):
        raise ValueError(f"the Hessian at ({p[0]:g}, {p[1]:g}) is not finite")
    return curvature_of(H, p)


def gd_stability_bound(f: Any, point: Any) -> float | None:
    """2/λmax at ``point``: gradient descent's lr limit on the local quadratic (None if λmax <= 0)."""
    return local_curvature(f, point).gd_bound


@dataclass(frozen=True)
class LevelCurve:
    """Polylines (each (n, 2), in the surface's coordinates) where the local quadratic ½ dᵀHd
    equals ``levels[i]``; ``kind`` is "ellipse", "hyperbola", "lines" or "none" (H = 0)."""

    kind: str
    polylines: list[FloatArray] = field(default_factory=list)
    levels: list[float] = field(default_factory=list)


def level_for_size(eigenvalues: Any, size: float) -> float:
    """The level c whose curve's widest semi-axis (or vertex distance) √(2c/|λ|) is ``size``."""
    a = np.abs(np.asarray(eigenvalues, dtype=np.float64))
    nonzero = a[a > FLAT * a.max()] if a.max() > 0 else a[:0]
    if nonzero.size == 0 or not size > 0:
        return 0.0
    return float(0.5 * nonzero.min() * size * size)


def level_curve(curv: LocalCurvature, level: float, points: int = 97, spread: float = 2.0,
                extent: float | None = None) -> LevelCurve:
    """The local quadratic's level curve around curv.point (see the module docstring).

    Hyperbola branches run over t in [−spread, spread]; the lines of a flat
    direction are ``extent`` long each way (default: 3 × their offset).
    """
    if not (np.isfinite(level) and level > 0):
        raise ValueError(f"level must be a positive number, got {level!r}")
    if isinstance(points, bool) or int(points) != points or points < 3:
        raise ValueError(f"points must be a whole number >= 3, got {points!r}")
    (l1, l2), E, c0 = curv.eigenvalues, curv.eigenvectors, curv.point
    e1, e2 = E[:, 0], E[:, 1]

    def to_xy(u: FloatArray, v: FloatArray) -> FloatArray:
        xy: FloatArray = c0 + u[:, None] * e1 + v[:, None] * e2
        return xy

    tiny = FLAT * max(abs(l1), abs(l2))
    if max(abs(l1), abs(l2)) == 0.0:
        return LevelCurve("none")
    if abs(l1) <= tiny or abs(l2) <= tiny:
        lam, flat_dir = (l2, 1) if abs(l1) <= tiny else (l1, 2)
        offset = np.sqrt(2.0 * level / abs(lam))
        s = np.linspace(-1.0, 1.0, int(points)) * (3.0 * offset if extent is None else extent)
        lines = [to_xy(s, np.full_like(s, sign * offset)) if flat_dir == 1 else to_xy(np.full_like(s, sign * offset), s)
                 for sign in (1.0, -1.0)]
        return LevelCurve("lines", lines, [float(np.sign(lam) * level)] * 2)
    if l1 * l2 > 0:
        t = np.linspace(0.0, 2.0 * np.pi, int(points))
        a1, a2 = np.sqrt(2.0 * level / abs(l1)), np.sqrt(2.0 * level / abs(l2))
        return LevelCurve("ellipse", [to_xy(a1 * np.cos(t), a2 * np.sin(t))], [float(np.sign(l1) * level)])
    t = np.linspace(-spread, spread, int(points))
    a1, a2 = np.sqrt(2.0 * level / abs(l1)), np.sqrt(2.0 * level / l2)   # l1 < 0 < l2
    rising = [to_xy(a1 * np.sinh(t), sign * a2 * np.cosh(t)) for sign in (1.0, -1.0)]
    falling = [to_xy(sign * a1 * np.cosh(t), a2 * np.sinh(t)) for sign in (1.0, -1.0)]
    return LevelCurve("hyperbola", rising + falling, [level, level, -level, -level])


@dataclass(frozen=True)
class CurvatureMap:
    """Per grid point (ny, nx): λmin, λmax and Li et al.'s |λmin/λmax| (NaN where λmax = 0
    or the Hessian is not finite)."""

    lambda_min: FloatArray
    lambda_max: FloatArray
    ratio: FloatArray


def eigenvalues_2x2(hxx: Any, hxy: Any, hyy: Any) -> tuple[FloatArray, FloatArray]:
    """(λmin, λmax) of [[hxx, hxy], [hxy, hyy]] elementwise, closed form (NaN propagates)."""
    a, b, d = (np.asarray(v, dtype=np.float64) for v in (hxx, hxy, hyy))
    mid = 0.5 * (a + d)
    rad = np.hypot(0.5 * (a - d), b)
    return mid - rad, mid + rad


def curvature_map(f: Any, xs: Any, ys: Any) -> CurvatureMap:
    """CurvatureMap of landscape f on the grid np.meshgrid(xs, ys), one vectorised f.hessian call."""
    X, Y = np.meshgrid(np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64))
    with np.errstate(invalid="ignore", over="ignore"):
        H = np.asarray(f.hessian(np.stack([X, Y], axis=-1)), dtype=np.float64)
        lo, hi = eigenvalues_2x2(H[..., 0, 0], 0.5 * (H[..., 0, 1] + H[..., 1, 0]), H[..., 1, 1])
        with np.errstate(divide="ignore"):
            ratio = np.where(hi != 0, np.abs(lo / np.where(hi != 0, hi, 1.0)), np.nan)
    return CurvatureMap(lo, hi, ratio)
