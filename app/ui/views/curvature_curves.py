"""The local quadratic's level curves drawn on a 2-D map, on screen (features/curvature) and in an
export (export/ellipses): one home for their look, size and clipping.

    items = CurveItems(plot, "#E69F00")
    items.set_look(theme.LIGHT, width=2.0)
    items.set_sketch(sketch(curvature_at(f, head), curve_size(view_range)), bounds)

A sketch (app.model.curvature_sketch) is solid where the quadratic rises, dashed where it
falls, with its axes thin; each line has a dark halo under it, as the runs' paths have.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.model.curvature import LocalCurvature, local_curvature
from app.model.curvature_sketch import Sketch
from app.ui.common import theme
from app.ui.views.clip import clip_path

SIZE = 0.09           # the widest semi-axis of a drawn curve, as a fraction of the map's visible span
DASH_PX = (9.0, 6.0)  # dash and gap of the falling branches, pixels
WIDTH = 2.0           # px of a curve's line (its halo 3 px wider)
PRESENTATION_WIDTH = 3.5


def curve_size(view_range) -> float:
    """The widest semi-axis of a curve on a map showing ``view_range`` ((x0, x1), (y0, y1))."""
    (x0, x1), (y0, y1) = view_range
    return SIZE * min(abs(x1 - x0), abs(y1 - y0))


def curvature_at(landscape, point) -> LocalCurvature | None:
    """The local quadratic at ``point``, or None where the surface has no finite Hessian there."""
    try:
        with np.errstate(all="ignore"):
            return local_curvature(landscape, point)
    except (ValueError, AttributeError, NotImplementedError, ArithmeticError, RuntimeError):
        return None          # no finite Hessian there (a diverged head, an undefined region),
                             # or a CIFAR-10 slice's worker pool already shut down at exit


def _joined(lines: list[np.ndarray], bounds) -> np.ndarray:
    """Polylines clipped to the map's box, NaN-separated into one (k, 2) array."""
    parts = []
    for p in lines:
        parts += [clip_path(p, bounds), np.full((1, 2), np.nan)]
    return np.concatenate(parts) if parts else np.empty((0, 2))


def _dashed(color: str, width: float):
    """A dashed pen whose dashes are DASH_PX long whatever its width (Qt counts dashes in widths),
    so a wide halo's dashes lie exactly under a thin line's."""
    pen = pg.mkPen(color, width=width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setDashPattern([DASH_PX[0] / width, DASH_PX[1] / width])
    return pen


def _segments(poly: np.ndarray, dashed: bool) -> np.ndarray:
    """A NaN-separated polyline as GL 'lines' pairs (every other one for a dashed line)."""
    if len(poly) < 2:
        return np.empty((0, 2))
    a, b = poly[:-1], poly[1:]
    keep = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    if dashed:
        keep &= (np.arange(len(a)) // 3) % 2 == 0
    return np.stack([a[keep], b[keep]], axis=1).reshape(-1, 2)


class CurveItems:
    """One colour's curves on the map: solid (rising) and dashed (falling) lines, the axes, their halos."""

    NAMES = (("halo", 24), ("dashed_halo", 24), ("axes", 25), ("falling", 26), ("rising", 27))

    def __init__(self, plot: pg.PlotItem, color: str) -> None:
        self.color = color
        self.items: dict[str, pg.PlotCurveItem] = {}
        for name, z in self.NAMES:
            self.items[name] = it = pg.PlotCurveItem(connect="finite")
            it.setZValue(z)
            plot.addItem(it)

    def set_look(self, th: theme.Theme, width: float, color: str | None = None) -> None:
        self.color = color or self.color
        halo = width + 3
        self.items["halo"].setPen(pg.mkPen(th.halo, width=halo))
        self.items["dashed_halo"].setPen(_dashed(th.halo, halo))
        self.items["rising"].setPen(pg.mkPen(self.color, width=width))
        self.items["falling"].setPen(_dashed(self.color, width))
        self.items["axes"].setPen(pg.mkPen(self.color, width=width * 0.75))

    def set_sketch(self, s: Sketch | None, bounds) -> np.ndarray:
        """Draw ``s`` (None: nothing); returns its GL 'lines' segment pairs (k, 2)."""
        parts = {"rising": [], "falling": [], "axes": []} if s is None else {
            "rising": s.rising, "falling": s.falling, "axes": s.axes}
        polys = {name: _joined(lines, bounds) for name, lines in parts.items()}
        polys["halo"] = np.concatenate([polys["rising"], polys["axes"]])
        polys["dashed_halo"] = polys["falling"]
        for name, poly in polys.items():
            it = self.items[name]
            it.setData(poly[:, 0], poly[:, 1], connect="finite") if len(poly) else it.setData([], [])
        return np.concatenate([_segments(polys["rising"], False), _segments(polys["falling"], True),
                               _segments(polys["axes"], False)])

    def remove(self, plot: pg.PlotItem) -> None:
        for it in self.items.values():
            plot.removeItem(it)
