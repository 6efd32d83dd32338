"""The live plots of a full-dimensional training race: one curve per run in its colour.

    plots = TrainingPlots()
    plots.set_runs(race.runs, colors)     # after every frame (whole arrays, nothing rebuilt)

Five plots over the step, the x axis shared:
- minibatch loss of every step (log y: it falls by decades early, then creeps),
- full-batch training loss every k steps (log y), the number the minibatch loss estimates,
- validation accuracy every k steps (linear, in %, with the 10% of chance marked),
- gradient norm |∇L| of every step (log y; random search has none),
- learning rate (log y: schedules are multiplicative).

The per-step curves hold up to the race's history rows (65,536); pyqtgraph's
peak downsampling and clip-to-view keep a frame's cost to the pixels shown.
As in plots_view, ranges are set by hand: x spans the race's step limit
(set_span) and y moves only when the data leave it or fill under half of it,
since auto-range re-lays out the axes (a repaint of every plot) after each
setData; the live curves are drawn without antialiasing (a third of the paint).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.common import theme
from app.ui.common.log_ticks import use_log_ticks
from app.ui.views.plot_look import PRESENTATION_PT, recolor_legend, recolor_plot, size_legend, size_text

TINY = 1e-30      # floor for the log axes (an exact zero would vanish)
CHANCE = 10.0     # % validation accuracy of guessing one of 10 classes

PLOTS = (   # name, title (short: a pane a third of a 700-px column wide holds it), log y
    ("batch", "minibatch loss", True),
    ("train", "full-batch train loss", True),
    ("val", "validation accuracy %", False),
    ("grad", "gradient norm |∇L|", True),
    ("lr", "learning rate η", True),
)
FONT_PT = 11       # ticks and titles: a 1280-px export read from the back of a lecture room


def _chance_pen(th: theme.Theme) -> QPen:
    return pg.mkPen(th.foreground, width=1, style=Qt.PenStyle.DashLine)


def _font(pt: int) -> QFont:
    f = QFont()
    f.setPointSize(pt)
    return f


class TrainingPlots(QWidget):
    def __init__(self, parent: QWidget | None = None, th: theme.Theme = theme.LIGHT) -> None:
        super().__init__(parent)
        self.theme = th
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.canvas = pg.GraphicsLayoutWidget()
        lay.addWidget(self.canvas)
        self.plots: dict[str, pg.PlotItem] = {}
        for i, (name, title, log) in enumerate(PLOTS):
            p = self.canvas.addPlot(row=i // 3, col=i % 3)
            p.setTitle(title, size=f"{FONT_PT + 1}pt")
            p.setLabel("bottom", "step")
            for side in ("left", "bottom"):
                p.getAxis(side).setStyle(tickFont=_font(FONT_PT))
            p.setMenuEnabled(False)
            p.hideButtons()
            p.setLogMode(y=log)
            if log:
                use_log_ticks(p.getAxis("left"))
            p.setDownsampling(auto=True, mode="peak")
            p.setClipToView(True)
            p.disableAutoRange()
            self.plots[name] = p
        self.chance = self.plots["val"].addLine(y=CHANCE, pen=_chance_pen(th))
        for name in ("train", "val", "grad", "lr"):
            self.plots[name].setXLink(self.plots["batch"])
        self.legend = pg.LegendItem(labelTextSize=f"{FONT_PT + 1}pt", verSpacing=-2)
        self.canvas.addItem(self.legend, row=1, col=2)
        self._curves: dict[str, list[pg.PlotDataItem]] = {name: [] for name, _, _ in PLOTS}
        self._key: list[tuple[str, str]] = []
        self._ranges: dict[str, tuple[float, float]] = {}
        self.set_span(100)

    def set_text_size(self, presentation: bool) -> None:
        """Tick labels, titles and the legend at a desk's sizes or, in lecture mode, the back row's."""
        pt = PRESENTATION_PT if presentation else FONT_PT
        for p in self.plots.values():
            size_text(p, pt)
        size_legend(self.legend, pt + 1)

    def set_span(self, steps: int) -> None:
        """x from 0 to ``steps`` (the race's step limit), so the axis stays still while it trains."""
        self.plots["batch"].setXRange(0, max(int(steps), 1), padding=0.02)

    def _sync(self, labels: list[str], colors: list[str]) -> None:
        key = list(zip(labels, colors, strict=True))
        if key == self._key:
            return
        self._key = key
        self.legend.clear()
        for name, curves in self._curves.items():
            for c in curves:
                self.plots[name].removeItem(c)
            curves.clear()
            for color in colors:
                kind = dict(symbol="o", symbolSize=5, symbolBrush=color, symbolPen=None) \
                    if name in ("train", "val") else {}
                curves.append(self.plots[name].plot(pen=pg.mkPen(color, width=2), antialias=False, **kind))
        for label, color in key:
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(color, width=4)), label)

    def set_runs(self, runs, colors: list[str]) -> None:
        """Push every run's recorded series (race.runs[i].history / .evals) to the curves."""
        self._sync([r.label for r in runs], list(colors))
        series: dict[str, list[np.ndarray]] = {name: [] for name in self._curves}
        for i, r in enumerate(runs):
            # copies: the race's buffers are compacted in place when full, under the curves' feet
            h, at = r.history.values.copy(), r.history.at.copy()
            e = r.evals.values.copy()
            ok = np.isfinite(h[:, 0])    # a diverged run's last step is inf: its curve ends before it
            ys = {"batch": (at[ok], np.maximum(h[ok, 0], TINY))}
            ok = np.isfinite(h[:, 1])    # random search has no gradient
            ys["grad"] = (at[ok], np.maximum(h[ok, 1], TINY))
            ys["lr"] = (at, np.maximum(h[:, 2], TINY))
            ok = np.isfinite(e[:, 1])
            ys["train"] = (e[ok, 0], np.maximum(e[ok, 1], TINY))
            ys["val"] = (e[:, 0], 100.0 * e[:, 2])
            for name, (x, y) in ys.items():
                self._curves[name][i].setData(x, y)
                series[name].append(y)
        for name, _title, log in PLOTS:
            self._fit(name, series[name], log)

    def _fit(self, name: str, ys: list[np.ndarray], log: bool) -> None:
        """Cover the data; move only when it leaves the range or fills under half of it."""
        v = np.concatenate(ys) if ys else np.empty(0)
        v = v[np.isfinite(v)]
        if log:
            v = np.log10(v[v > 0])
        if not v.size:
            return
        lo, hi = float(v.min()), float(v.max())
        cur = self._ranges.get(name)
        if cur is not None and cur[0] <= lo and hi <= cur[1] and hi - lo >= 0.5 * (cur[1] - cur[0]):
            return
        pad = 0.08 * max(hi - lo, 0.05 if log else 1e-9 + abs(hi) * 1e-3)
        self._ranges[name] = (lo - pad, hi + pad)
        self.plots[name].setYRange(lo - pad, hi + pad, padding=0)

    def set_theme(self, th: theme.Theme) -> None:
        """Recolour in place: background, axes, titles, the chance line and the legend."""
        self.theme = th
        self.canvas.setBackground(th.background)
        for p in self.plots.values():
            recolor_plot(p, th)
        self.chance.setPen(_chance_pen(th))
        recolor_legend(self.legend, th)
