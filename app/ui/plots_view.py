"""Loss-vs-step and |grad|-vs-step plots (log y), one curve per run in its colour.

The loss plot shows f - f* (the gap to the known minimum) when f* is known, so a
log axis works for surfaces whose minimum is negative; otherwise f itself (log
only if the surface is positive).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from . import theme

TINY = 1e-16   # floor for log axes: exact zeros would vanish


class PlotsView(QWidget):
    def __init__(self, parent=None, th: theme.Theme = theme.LIGHT) -> None:
        super().__init__(parent)
        self.theme = th
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.loss_widget = pg.PlotWidget()
        self.grad_widget = pg.PlotWidget()
        lay.addWidget(self.loss_widget)
        lay.addWidget(self.grad_widget)
        self.loss_plot = self.loss_widget.getPlotItem()
        self.grad_plot = self.grad_widget.getPlotItem()
        for p, title in ((self.loss_plot, "loss"), (self.grad_plot, "|∇f|  (gradient norm)")):
            p.setLabel("bottom", "step")
            p.setTitle(title)
            # No grid lines: with them every repaint replays the axis pictures (~4 ms each).
            p.setMenuEnabled(False)
            p.hideButtons()
        self.grad_plot.setLogMode(y=True)
        self.legend = self.loss_plot.addLegend(offset=(8, -8), labelTextSize="9pt",
                                               brush=pg.mkBrush(255, 255, 255, 215), pen=pg.mkPen(180, 180, 180))
        self._loss_curves: list[pg.PlotDataItem] = []
        self._grad_curves: list[pg.PlotDataItem] = []
        self._colors: list[str] = []
        self.f_star: float | None = None
        self.loss_log = True

    def set_landscape(self, landscape, grid_min: float) -> None:
        """Choose the loss axis: gap to f* (log), f (log if positive), or f (linear)."""
        self.f_star = getattr(landscape, "min_value", None)
        self.loss_log = self.f_star is not None or grid_min > 0
        self.loss_plot.setLogMode(y=self.loss_log)
        self.loss_plot.setTitle("loss − f*  (gap to the minimum)" if self.f_star is not None else "loss")

    def set_tracks(self, tracks, legend: bool = True) -> None:
        self._sync(tracks)
        for lc, gc, tr in zip(self._loss_curves, self._grad_curves, tracks):
            steps = np.arange(len(tr.losses))
            loss = tr.losses - self.f_star if self.f_star is not None else tr.losses
            if self.loss_log:
                loss = np.maximum(loss, TINY)
            lc.setData(steps, loss)
            gc.setData(steps, np.maximum(tr.grad_norms, TINY))
        if legend:
            self.update_legend(tracks)

    def update_legend(self, tracks) -> None:
        for (sample, label), tr in zip(self.legend.items, tracks):
            mark = "  ✕ diverged" if tr.diverged_at is not None else ""
            label.setText(f"{tr.label}   loss {tr.loss:.2e}{mark}")

    def _sync(self, tracks) -> None:
        colors = [(tr.color, tr.label) for tr in tracks]
        if colors == self._colors:
            return
        for c in self._loss_curves:
            self.loss_plot.removeItem(c)
        for c in self._grad_curves:
            self.grad_plot.removeItem(c)
        self.legend.clear()
        self._loss_curves, self._grad_curves = [], []
        for tr in tracks:
            pen = pg.mkPen(tr.color, width=2)
            self._loss_curves.append(self.loss_plot.plot(pen=pen, name=tr.label))
            self._grad_curves.append(self.grad_plot.plot(pen=pen))
        self._colors = colors
