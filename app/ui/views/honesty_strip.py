"""The honesty strip beside a trajectory plane: is the drawn path where the loss really is?

    strip = HonestyStrip()
    strip.set_view(view, colors)     # view: app.model.cifar_planes.PlaneView

Top: for each run, at its checked iterates, the true full-batch loss (solid,
filled dots) against the plane surface's value at the iterate's projection
(dashed, open dots), over the step; log y. Below it, left: their relative gap
|true − surface| / true in %, with the GAP_WARN line; where the gap is over it
the dots get a red ring (here and on the map): there the height the map shows
under the path is not the loss the run had. Right: each iterate's distance
from the plane (how far the picture had to flatten it). Under all, the view's
one-line faithfulness summary.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.common import theme
from app.ui.common.log_ticks import use_log_ticks
from app.ui.views.plot_look import recolor_plot

GAP_WARN = 0.10      # relative |true − surface| from which the picture is flagged as misleading
WARN_COLOR = "#D00000"
TINY = 1e-30


def misleading(view, k: int) -> np.ndarray:
    """(m,) True at run k's checked iterates where the surface is off the true loss by > GAP_WARN."""
    gap = view.honesty[k].gap
    return ~(gap <= GAP_WARN)      # NaN (a non-finite loss) counts as misleading too


def flagged_points(view) -> np.ndarray:
    """(m, 2) plane coordinates of every checked iterate the strip flags (for the map's red rings)."""
    out = []
    for k, h in enumerate(view.honesty):
        bad = misleading(view, k)
        if bad.any():
            idx = np.searchsorted(view.steps[k], h.steps[bad])
            out.append(view.paths[k][np.clip(idx, 0, len(view.paths[k]) - 1)])
    return np.concatenate(out) if out else np.empty((0, 2))


class HonestyStrip(QWidget):
    def __init__(self, parent: QWidget | None = None, th: theme.Theme = theme.LIGHT) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.canvas = pg.GraphicsLayoutWidget()
        lay.addWidget(self.canvas, 1)
        self.loss_plot = self.canvas.addPlot(row=0, col=0, colspan=2)
        self.loss_plot.setTitle("true loss ● vs surface ○ at the projection")
        self.loss_plot.setLogMode(y=True)
        use_log_ticks(self.loss_plot.getAxis("left"))
        self.gap_plot = self.canvas.addPlot(row=1, col=0)
        self.gap_plot.setTitle("surface off the true loss, %")
        self.gap_plot.setLogMode(y=True)
        use_log_ticks(self.gap_plot.getAxis("left"))
        self.off_plot = self.canvas.addPlot(row=1, col=1)
        self.off_plot.setTitle("distance off the plane")
        self.off_plot.setXLink(self.gap_plot)   # the two half-width plots share their steps
        for p in (self.loss_plot, self.gap_plot, self.off_plot):
            p.setLabel("bottom", "step")
            p.setMenuEnabled(False)
            p.hideButtons()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.theme = th
        self.flag_count = 0

    def set_theme(self, th: theme.Theme) -> None:
        """Recolour in place: background, axes, titles (set_view draws the next curves in it)."""
        self.theme = th
        self.canvas.setBackground(th.background)
        for p in (self.loss_plot, self.gap_plot, self.off_plot):
            recolor_plot(p, th)

    def set_view(self, view, colors: list[str]) -> None:
        for p in (self.loss_plot, self.gap_plot, self.off_plot):
            p.clear()
        self.gap_plot.addLine(y=np.log10(100 * GAP_WARN), pen=pg.mkPen(WARN_COLOR, width=1.5,
                                                                      style=Qt.PenStyle.DashLine))
        flags, gaps = [], []
        for k, h in enumerate(view.honesty):
            c = colors[k % len(colors)]
            steps = h.steps.astype(np.float64)
            self.loss_plot.plot(steps, np.maximum(h.true_loss, TINY), pen=pg.mkPen(c, width=2.5),
                                symbol="o", symbolSize=8, symbolBrush=c, symbolPen=pg.mkPen(self.theme.halo))
            self.loss_plot.plot(steps, np.maximum(h.surface_loss, TINY),
                                pen=pg.mkPen(c, width=2, style=Qt.PenStyle.DashLine),
                                symbol="o", symbolSize=9, symbolBrush=None, symbolPen=pg.mkPen(c, width=2))
            self.off_plot.plot(steps, h.off_plane, pen=pg.mkPen(c, width=2.5), symbol="o", symbolSize=6,
                               symbolBrush=c, symbolPen=None)
            gap = np.maximum(100 * h.gap, 1e-6)
            self.gap_plot.plot(steps, gap, pen=pg.mkPen(c, width=2.5), symbol="o", symbolSize=6,
                               symbolBrush=c, symbolPen=None)
            bad = misleading(view, k)
            if bad.any():
                flags.append(np.column_stack([steps[bad], np.maximum(h.true_loss[bad], TINY)]))
                gaps.append(np.column_stack([steps[bad], gap[bad]]))
        self.flag_count = int(sum(len(f) for f in flags))
        if flags:
            pts = np.concatenate(flags)
            for plot, p in ((self.loss_plot, pts), (self.gap_plot, np.concatenate(gaps))):
                plot.plot(p[:, 0], p[:, 1], pen=None, symbol="o", symbolSize=15, symbolBrush=None,
                          symbolPen=pg.mkPen(WARN_COLOR, width=2))
        warn = (f" <span style='color:{WARN_COLOR}'><b>Red rings: {self.flag_count} iterates where the surface "
                f"is more than {GAP_WARN:.0%} off the true loss.</b></span>") if flags else ""
        self.summary.setText(f"{view.faithfulness()}.{warn}")
