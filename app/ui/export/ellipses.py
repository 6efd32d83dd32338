"""The curvature ellipses at the runs' heads (H) in an exported 2-D map, when the scene's view says so.

    HeadEllipses(plot, th).draw(race.landscape, race.runs, view_range, bounds)

Whether they are drawn is the scene's ``view.ellipses`` (H sets it), so the window's exports,
a saved scene and ``losslab render`` of it all show what the window showed. The curves are the
window's (app.ui.views.curvature_curves): the same sketch of the same local quadratic, as wide
as the same fraction of the exported map's visible span, in the run's colour over a dark halo.
"""
from __future__ import annotations

import pyqtgraph as pg

from app.model.curvature_sketch import sketch
from app.ui.common import theme
from app.ui.views.curvature_curves import WIDTH, CurveItems, curvature_at, curve_size


class HeadEllipses:
    """Each run's head ellipse on a hidden map's plot, redrawn before the map is painted."""

    def __init__(self, plot: pg.PlotItem, th: theme.Theme) -> None:
        self.plot, self.theme = plot, th
        self.items: list[CurveItems] = []

    def draw(self, landscape, runs, view_range, bounds) -> None:
        """The curves of the runs' heads (none for a diverged run) on a map showing ``view_range``."""
        while len(self.items) < len(runs):
            self.items.append(CurveItems(self.plot, runs[len(self.items)].color))
            self.items[-1].set_look(self.theme, WIDTH)
        while len(self.items) > len(runs):
            self.items.pop().remove(self.plot)
        size = curve_size(view_range)
        for items, tr in zip(self.items, runs, strict=True):
            if items.color != tr.color:
                items.set_look(self.theme, WIDTH, tr.color)
            c = curvature_at(landscape, tr.head) if tr.diverged_at is None else None
            items.set_sketch(sketch(c, size) if c is not None else None, bounds)
