"""The 2-D map coloured by curvature instead of the loss: the values, their colour range and the
colour bar's words, for the view's ``color_by`` ("lambda_min" or "curvature_ratio").

λmin is drawn on a diverging scale centred at 0 (negative, blue: the surface curves down
along some direction there, a saddle or maximum region). Its range is symmetric, ±the
CLIP_PERCENTILE-th percentile of |λmin| over the cells where it is negative (over all cells
if none is), so the non-convex region uses the whole blue half however steep the convex
walls are (Himmelblau's corners reach λ ≈ 10³ and would wash it out to white); larger
positive values saturate. |λmin/λmax| (Li et al. 2018) is drawn over
[0, 1]: near 0 nearly convex, near 1 a strong saddle where λmin < 0 (where both are
positive it is 1/condition, and where both are negative it is above 1 and saturates),
so it is read beside the λmin = 0 line the view draws. Qt-free.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .curvature import CurvatureMap, FloatArray, curvature_map
from .limits import COLOR_BY

CLIP_PERCENTILE = 98.0
ROW_CHUNK_POINTS = 2048   # a slow surface's Hessian is taken about this many grid points at a time
Progress = Callable[[float, str], object]
LABELS = {"loss": "loss", "lambda_min": "λmin", "curvature_ratio": "|λmin/λmax|"}
COLOUR_BAR = {"lambda_min": "λmin of ∇²f  (< 0: saddle, maximum)",
              "curvature_ratio": "|λmin/λmax| (Li et al. 2018)"}


@dataclass(frozen=True)
class CurvatureField:
    """``values`` (ny, nx) to colour, NaN where undefined; ``levels`` the colour range (lo, hi);
    ``diverging`` True for a scale centred at 0; ``lambda_min`` for the λmin = 0 line."""

    mode: str
    values: FloatArray
    levels: tuple[float, float]
    label: str
    diverging: bool
    lambda_min: FloatArray


def check_color_by(mode: Any) -> str:
    if mode not in COLOR_BY:
        raise ValueError(f"color_by must be one of {', '.join(COLOR_BY)}, got {mode!r}"[:200])
    return str(mode)


def _map_in_rows(f: Any, xs: Any, ys: Any, progress: Progress | None,
                 cancel: Callable[[], bool] | None) -> CurvatureMap | None:
    """curvature_map a few rows at a time, saying how far it got (None once cancelled)."""
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    rows = max(1, ROW_CHUNK_POINTS // max(len(xs), 1))
    parts = []
    for a in range(0, len(ys), rows):
        if cancel is not None and cancel():
            return None
        parts.append(curvature_map(f, xs, ys[a:a + rows]))
        if progress is not None:
            progress(min(a + rows, len(ys)) / len(ys), "")   # the bar says what: no status line per chunk
    return CurvatureMap(*(np.concatenate([getattr(p, k) for p in parts]) for k in ("lambda_min", "lambda_max", "ratio")))


def curvature_field(f: Any, xs: Any, ys: Any, mode: str, undefined: Any = None,
                    progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> CurvatureField | None:
    """The curvature field ``mode`` of landscape f on the grid np.meshgrid(xs, ys).

    ``undefined`` (ny, nx) marks cells where f itself has no value: they stay undefined
    (NaN), as do cells where the Hessian is not finite. A surface without a Hessian
    raises ValueError. With ``progress(fraction, message)`` or ``cancel()`` (a slow
    surface, in a background job) it works a few rows at a time, and gives None once
    cancelled.
    """
    mode = check_color_by(mode)
    if mode == "loss":
        raise ValueError("color_by 'loss' is the loss itself, not a curvature field")
    if not callable(getattr(f, "hessian", None)):
        raise ValueError(f"{getattr(f, 'title', 'this surface')} has no Hessian to colour the map by")
    if progress is None and cancel is None:
        cm = curvature_map(f, xs, ys)
    else:
        chunked = _map_in_rows(f, xs, ys, progress, cancel)
        if chunked is None:
            return None
        cm = chunked
    bad = ~(np.isfinite(cm.lambda_min) & np.isfinite(cm.lambda_max))
    if undefined is not None:
        bad |= np.asarray(undefined, dtype=bool)
    lam_min: FloatArray = np.where(bad, np.nan, cm.lambda_min)
    if mode == "lambda_min":
        finite = lam_min[np.isfinite(lam_min)]
        scale = -finite[finite < 0] if (finite < 0).any() else np.abs(finite)
        top = float(np.percentile(scale, CLIP_PERCENTILE)) if scale.size else 0.0
        top = top if top > 0 else 1.0
        return CurvatureField(mode, lam_min, (-top, top), COLOUR_BAR[mode], True, lam_min)
    ratio: FloatArray = np.where(bad, np.nan, cm.ratio)
    return CurvatureField(mode, ratio, (0.0, 1.0), COLOUR_BAR[mode], False, lam_min)
