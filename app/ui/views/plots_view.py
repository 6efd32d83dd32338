"""Loss-vs-step and |grad|-vs-step plots (log y), one curve per run in its colour.

The loss plot shows f - f* (the gap to the known minimum) when f* is known, so a
log axis works for surfaces whose minimum is negative; otherwise f itself (log
only if the surface is positive).

During playback the curves only grow and the x axis spans the whole race, so
(as in the 2-D map) each curve's older part is drawn once into a TrailLayer
and only its last TAIL_MAX points are stroked on each update.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from app.ui.common import theme
from app.ui.common.log_ticks import use_log_ticks
from app.ui.views.trail_layer import TrailLayer

TINY = 1e-16   # floor for log axes: exact zeros would vanish
TAIL_MAX = 45  # points a curve's live tail may hold before it is frozen into the trail layer


def valid_points(track) -> int:
    """How many of a run's recorded points are its own: a diverged run is frozen at its last
    good point (the stepper repeats it), so only the points before the divergence step count."""
    n = len(track.losses)
    return n if track.diverged_at is None else max(1, min(n, int(track.diverged_at)))


class PlotsView(QWidget):
    def __init__(self, parent=None, th: theme.Theme = theme.LIGHT) -> None:
        super().__init__(parent)
        self.theme = th
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        # One GraphicsLayoutWidget (one repaint) holding both plots and, in its own
        # column, the legend, so it never covers a curve.
        self.canvas = pg.GraphicsLayoutWidget()
        lay.addWidget(self.canvas)
        self.loss_plot = self.canvas.addPlot(row=0, col=0)
        self.grad_plot = self.canvas.addPlot(row=0, col=1)
        for p, title in ((self.loss_plot, "loss"), (self.grad_plot, "|∇f|  (gradient norm)")):
            p.setLabel("bottom", "step")
            p.setTitle(title)
            # No grid lines: with them every repaint replays the axis pictures (~4 ms each).
            p.setMenuEnabled(False)
            p.hideButtons()
            use_log_ticks(p.getAxis("left"))   # decades, or 1-2-5 under two decades (no 0.2 ... 0.9 pile)
        self.grad_plot.setLogMode(y=True)
        # Ranges are set by hand (see _fit): auto-range re-lays out the axes after
        # every setData, which costs several extra window repaints per frame.
        for p in (self.loss_plot, self.grad_plot):
            p.disableAutoRange()
        self.loss_trails, self.grad_trails = TrailLayer(), TrailLayer()
        for p, layer in ((self.loss_plot, self.loss_trails), (self.grad_plot, self.grad_trails)):
            layer.setZValue(-1)    # under the live tails
            p.addItem(layer)
        # PlotDataItems (not bare scatter items) so the log mode of the axes applies to them too
        self.loss_crosses, self.grad_crosses = (
            p.plot([], [], pen=None, symbol="x", symbolSize=14, symbolBrush=pg.mkBrush("#D00000"),
                   symbolPen=pg.mkPen(th.halo, width=1)) for p in (self.loss_plot, self.grad_plot))
        for c in (self.loss_crosses, self.grad_crosses):
            c.setZValue(5)
        self._frozen: list[np.ndarray] = []    # per run: the losses drawn by the trail layers
        self._no_pen = pg.mkPen(None)
        self._ranges: dict[int, tuple] = {}
        self.total_steps = 100
        self.legend = pg.LegendItem(labelTextSize="9pt", verSpacing=-4)
        self.canvas.addItem(self.legend, row=0, col=2)
        self.canvas.ci.layout.setColumnStretchFactor(0, 3)
        self.canvas.ci.layout.setColumnStretchFactor(1, 3)
        self.canvas.ci.layout.setColumnStretchFactor(2, 0)
        self._loss_curves: list[pg.PlotDataItem] = []
        self._grad_curves: list[pg.PlotDataItem] = []
        self._colors: list[str] = []
        self.f_star: float | None = None
        self.loss_log = True

    def set_theme(self, th: theme.Theme) -> None:
        """Recolour in place: background, axes, titles."""
        self.theme = th
        self.canvas.setBackground(th.background)
        for p in (self.loss_plot, self.grad_plot):
            for name in ("left", "bottom"):
                ax = p.getAxis(name)
                ax.setPen(pg.mkPen(th.foreground, width=ax.pen().widthF()))
                ax.setTextPen(pg.mkPen(th.foreground))
            p.setTitle(p.titleLabel.text, color=th.foreground)

    def set_landscape(self, landscape, grid_min: float) -> None:
        """Choose the loss axis: gap to f* (log), f (log if positive), or f (linear)."""
        self.f_star = getattr(landscape, "min_value", None)
        self.loss_log = self.f_star is not None or grid_min > 0
        self.loss_plot.setLogMode(y=self.loss_log)
        self._unfreeze()
        self._ranges.clear()
        self.loss_plot.setTitle("loss − f*  (gap to the minimum)" if self.f_star is not None else "loss")

    def set_tracks(self, tracks, legend: bool = True) -> None:
        self._sync(tracks)
        losses, grads = [], []
        for tr in tracks:
            n = valid_points(tr)    # a diverged run's curve ends where it diverged
            loss = tr.losses[:n] - self.f_star if self.f_star is not None else tr.losses[:n]
            losses.append(np.maximum(loss, TINY) if self.loss_log else np.asarray(loss))
            grads.append(np.maximum(tr.grad_norms[:n], TINY))
        self._mark_divergence(tracks, losses, grads)
        split = self._freeze(tracks, losses, grads, layered=self.isVisible())
        for lc, gc, loss, grad, k in zip(self._loss_curves, self._grad_curves, losses, grads, split, strict=False):
            # the live tail starts at the last frozen point, so the curve stays joined
            steps = np.arange(max(k - 1, 0), len(loss))
            lc.setData(steps, loss[steps[0]:] if len(steps) else loss)
            gc.setData(steps, grad[steps[0]:] if len(steps) else grad)
        self._fit(self.loss_plot, losses, self.loss_log)
        self._fit(self.grad_plot, grads, True)
        if legend:
            self.update_legend(tracks)

    def _mark_divergence(self, tracks, losses, grads) -> None:
        """A cross at the last step of each diverged run's curves."""
        for plot_crosses, series in ((self.loss_crosses, losses), (self.grad_crosses, grads)):
            ends = [(len(y) - 1, y[-1]) for tr, y in zip(tracks, series, strict=True)
                    if tr.diverged_at is not None and len(y)]
            if ends:
                plot_crosses.setData(*np.asarray(ends, dtype=np.float64).T)
            else:
                plot_crosses.setData([], [])

    def _freeze(self, tracks, losses, grads, layered: bool) -> list[int]:
        """How many leading points of each curve the trail layers draw; refreeze when needed.

        A run's frozen part stays while its losses still begin with it and its
        tail is short; otherwise all but the last point is frozen anew. Hidden
        (export) plots freeze nothing: they draw whole curves.
        """
        if not layered:
            self._unfreeze()
            return [0] * len(tracks)
        frozen = list(self._frozen) if len(self._frozen) == len(tracks) else [np.empty(0)] * len(tracks)
        changed = len(self._frozen) != len(tracks)
        for i, loss in enumerate(losses):
            k = len(frozen[i])
            if k > len(loss) or not np.array_equal(loss[:k], frozen[i]) or len(loss) - k > TAIL_MAX:
                frozen[i] = np.array(loss[:-1]) if len(loss) - 1 >= 2 else np.empty(0)
                changed = True
        if changed:
            self._frozen = frozen
            lo = np.log10 if self.loss_log else np.asarray
            for layer, series, ymap in ((self.loss_trails, losses, lo), (self.grad_trails, grads, np.log10)):
                layer.set_paths([(np.column_stack([np.arange(len(f)), ymap(y[:len(f)])]), self._no_pen,
                                  pg.mkPen(tr.color, width=2)) for f, y, tr in zip(frozen, series, tracks, strict=False)])
        return [len(f) for f in self._frozen]

    def _unfreeze(self) -> None:
        if self._frozen:
            self._frozen = []
            self.loss_trails.set_paths([])
            self.grad_trails.set_paths([])

    def set_total_steps(self, steps: int) -> None:
        """x spans the whole race, so the axis never moves during playback."""
        self.total_steps = max(int(steps), 1)
        for p in (self.loss_plot, self.grad_plot):
            p.setXRange(0, self.total_steps, padding=0.02)

    def _fit(self, plot, ys, log: bool) -> None:
        """Set the y range to cover the data; only move it when the data leave it or
        use less than half of it (so the axis is redrawn rarely)."""
        ys = [y for y in ys if y is not None and len(y)]
        if not ys:
            return
        allv = np.concatenate(ys)
        allv = allv[np.isfinite(allv)]
        if log:
            allv = np.log10(allv[allv > 0])
        if not allv.size:
            return
        lo, hi = float(allv.min()), float(allv.max())
        cur = self._ranges.get(id(plot))
        if cur is not None:
            c_lo, c_hi = cur
            inside = c_lo <= lo and hi <= c_hi
            tight = (hi - lo) >= 0.5 * (c_hi - c_lo)
            if inside and tight:
                return
        pad = 0.08 * max(hi - lo, 1e-3 if log else 1e-9 + abs(hi) * 1e-3)
        rng = (lo - pad, hi + pad)
        self._ranges[id(plot)] = rng
        plot.setYRange(*rng, padding=0)

    def update_legend(self, tracks) -> None:
        for (_sample, label), tr in zip(self.legend.items, tracks, strict=False):
            mark = "  ✕ diverged" if tr.diverged_at is not None else ""
            label.setText(f"{tr.label}<br>&nbsp;&nbsp;loss {tr.loss:.2e}{mark}")

    def _sync(self, tracks) -> None:
        colors = [(tr.color, tr.label) for tr in tracks]
        if colors == self._colors:
            return
        for c in self._loss_curves:
            self.loss_plot.removeItem(c)
        for c in self._grad_curves:
            self.grad_plot.removeItem(c)
        self.legend.clear()
        self._unfreeze()
        self._loss_curves, self._grad_curves = [], []
        for tr in tracks:
            pen = pg.mkPen(tr.color, width=2)
            curve = self.loss_plot.plot(pen=pg.mkPen(tr.color, width=2))
            self._loss_curves.append(curve)
            self._grad_curves.append(self.grad_plot.plot(pen=pen))
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(tr.color, width=4)), tr.label)
        self._colors = colors
