"""The curvature ellipses at the runs' heads (H) in an exported 2-D map, when its window shows them.

    show_on(landscape, True)           the curvature feature, while H is on
    shown_on(race.landscape)           the scene renderer: draw them in this export?
    HeadEllipses(plot, th).draw(race.landscape, race.runs, view_range, bounds)

The ellipses are the window's state, not the scene's: the scene format has no field for
them, so a scene rendered from its file (``losslab render``) never shows them. What a GUI
export shares with its window is the landscape object (a picture renders the window's own
race, a video a copy of its scene over the window's landscape), so the window's landscape
is marked while the ellipses are on. The mark is weak: a landscape gone is forgotten.

The curves are the window's (app.ui.views.curvature_curves): the same sketch of the same
local quadratic, as wide as the same fraction of the exported map's visible span, in the
run's colour over a dark halo.
"""
from __future__ import annotations

import weakref

import pyqtgraph as pg

from app.model.curvature_sketch import sketch
from app.ui.common import theme
from app.ui.views.curvature_curves import WIDTH, CurveItems, curvature_at, curve_size

_SHOWN: weakref.WeakSet = weakref.WeakSet()


def show_on(landscape, on: bool) -> None:
    """Mark (or unmark) the landscape on screen as having its heads' ellipses drawn."""
    if on:
        _SHOWN.add(landscape)
    else:
        _SHOWN.discard(landscape)


def shown_on(landscape) -> bool:
    return landscape in _SHOWN


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
