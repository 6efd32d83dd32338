"""The data view of the linear-classifier lab as an export pane (PNG, SVG, video frames).

A hidden DataView (app.ui.views.data_view) with the export's fonts. Without a
selection to follow, the first run's classifier colours the background and
draws its zero-score lines and arrows; every run draws its decision
boundaries in its colour, as in the window. Its runs' parameters are their
full ones (RunTrack.theta), else their head lifted from the plane.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF

from app.model import toy_view
from app.ui.export.layout import TICK_PX
from app.ui.export.pg_paint import flush_layouts, paint_item, style_plot
from app.ui.views.data_view import DataView
from landscapes.toy_classifier import WeightSpaceLandscape


def shows_data(landscape) -> bool:
    """Whether a scene on ``landscape`` has a data view (a toy classifier's weight space)."""
    return isinstance(landscape, WeightSpaceLandscape)


class DataPane:
    """A hidden DataView of one race's toy classifier."""

    def __init__(self, th, landscape: WeightSpaceLandscape) -> None:
        self.landscape = landscape
        self.view = DataView(th=th)
        obj = landscape.objective
        self.view.set_data(obj.X, obj.y, obj.n_classes, refit=True)
        self.plot = self.view.plot
        style_plot(self.plot, th)
        self.plot.setContentsMargins(2, TICK_PX * 0.6, 2, 2)    # room for the top tick label

    def set_tracks(self, runs) -> None:
        obj, f = self.landscape.objective, self.landscape
        params = [toy_view.params_of(tr, f) for tr in runs]
        self.view.set_runs([(*obj.unpack(p), tr.color) for p, tr in zip(params, runs, strict=True)])
        self.view.set_classifier(*obj.unpack(params[0])) if params else self.view.set_classifier(None, None)

    def paint(self, painter, rect, pen_scale: float) -> None:
        """The view in rect: laid out at the pane's size first, then the box fitted 1:1 into it."""
        self.plot.setGeometry(QRectF(0, 0, rect.width(), rect.height()))
        self.plot.layout.activate()
        flush_layouts()
        self.view.fit_view()
        paint_item(painter, self.plot, rect, pen_scale)

    def close(self) -> None:
        import shiboken6

        if shiboken6.isValid(self.view):
            shiboken6.delete(self.view)
