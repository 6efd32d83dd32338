"""Drawing of a phase map (app.model.phase_map): a heatmap over two hyper-parameters, reusable by exporters.

    view = PhaseMapView(theme)
    view.show_map(pm)                 # heatmap, colour bar, diverged cells, best cell, stability bound,
                                      # heavy-ball theory's best setting
    view.show_current((x, y))         # the selected run's settings (axis values, not log10)
    view.cell_clicked.connect(slot)   # slot(i, j): row i (y value), column j (x value)

A log axis is drawn in log10 units with 10^k tick labels, so every cell is the
same size on screen. Batch sizes (whole numbers, each once) are not evenly
spaced even in log10: there each cell reaches halfway to its neighbours, so the
cell drawn under a point is the value nearest to it, the one a click picks.

The image is coloured here (one RGBA array): outcome values through the colour
map, diverged cells a flat dark grey and cells that never reached the
tolerance a light grey, so neither can be read as a good value. Final gap and
area under the curve span decades and are coloured by log10.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QWidget

from app.model.phase_map import Axis, PhaseMap
from app.ui.common import theme
from app.ui.common.axis_room import keep_label_clear
from app.ui.common.log_ticks import use_log_ticks
from app.ui.views.plot_look import size_legend

DIVERGED_RGBA = (85, 85, 85, 255)       # #555555, as the swarm window's diverged class
NEVER_RGBA = (221, 221, 221, 255)       # #DDDDDD: never reached the tolerance
COLORMAP = "viridis"
TEXT_PT, PRESENTATION_PT = 11, 16      # tick labels and legend at a desk and in a lecture hall
OUTCOME_LABELS = {
    "final_gap": "final loss − f*",
    "steps_to_tol": "steps to reach the tolerance",
    "diverged": "diverged (1) or not (0)",
    "auc": "area under the loss − f* curve",
}
_LOG_OUTCOMES = ("final_gap", "auc")
AXIS_LABELS = {"lr": "learning rate η", "momentum": "momentum μ", "beta1": "β₁", "beta2": "β₂",
               "alpha": "α (RMSprop decay)", "weight_decay": "weight decay λ", "batch_size": "batch size B"}
_FINE = 2048     # the most image columns (or rows) an unevenly spaced axis is drawn with


def display(axis: Axis, values) -> np.ndarray:
    """Axis values in plot units: log10 on a log axis."""
    v = np.asarray(values, dtype=np.float64)
    return np.log10(v) if axis.log else v


def shown_values(pm: PhaseMap) -> tuple[np.ndarray, str]:
    """The numbers the colours stand for and the colour bar's label (log10 of gaps that span decades)."""
    label = OUTCOME_LABELS[pm.outcome]
    values = np.array(pm.values, dtype=np.float64)
    if pm.outcome in _LOG_OUTCOMES:
        ok = np.isfinite(values) & ~pm.diverged
        positive = values[ok & (values > 0)]
        floor = float(positive.min()) if positive.size else 1e-16
        # a gap of 0 (the least loss on the map is f*) is drawn at the smallest positive gap
        values = np.log10(np.maximum(values, floor))
        label = f"log₁₀({label})"
    return values, label


def cell_colors(pm: PhaseMap) -> tuple[np.ndarray, tuple[float, float], str]:
    """(ny, nx, 4) uint8 RGBA of the map, the (low, high) of the colour scale, and its label."""
    values, label = shown_values(pm)
    ok = np.isfinite(values) & ~pm.diverged
    lo, hi = (float(values[ok].min()), float(values[ok].max())) if ok.any() else (0.0, 1.0)
    if hi <= lo:
        hi = lo + 1.0
    cmap = pg.colormap.get(COLORMAP)
    t = np.clip((np.where(ok, values, lo) - lo) / (hi - lo), 0.0, 1.0)
    rgba = np.asarray(cmap.map(t.ravel(), mode="byte"), dtype=np.uint8).reshape(values.shape + (4,))
    rgba[~np.isfinite(values) & ~pm.diverged] = NEVER_RGBA
    rgba[pm.diverged] = DIVERGED_RGBA
    return rgba, (lo, hi), label


def cell_edges(axis: Axis) -> np.ndarray:
    """The n + 1 plot-unit borders of the axis's cells: halfway between neighbouring values, and
    half the end spacing beyond the first and the last value."""
    d = display(axis, axis.values)
    if len(d) == 1:
        return np.array([d[0] - 0.5, d[0] + 0.5])
    mids = 0.5 * (d[1:] + d[:-1])
    return np.concatenate([[d[0] - (d[1] - d[0]) / 2], mids, [d[-1] + (d[-1] - d[-2]) / 2]])


def _edges(axis: Axis) -> tuple[float, float]:
    """Plot-unit extent of the image."""
    e = cell_edges(axis)
    return float(e[0]), float(e[-1])


def _spread(axis: Axis) -> np.ndarray | None:
    """For an unevenly spaced axis, the cell of each column of a finer even grid over its extent
    (each cell at least about 4 columns wide); None when the cells are even already."""
    e = cell_edges(axis)
    widths = np.diff(e)
    if np.allclose(widths, widths[0], rtol=1e-6, atol=0.0):
        return None
    n = int(min(_FINE, np.ceil(4.0 * (e[-1] - e[0]) / widths.min())))
    centres = e[0] + (np.arange(n) + 0.5) * (e[-1] - e[0]) / n
    return np.clip(np.searchsorted(e, centres, side="right") - 1, 0, len(widths) - 1)


class _RowLegend(pg.LegendItem):
    """A legend anchored in a row of its own under the map. (In the layout itself pyqtgraph's
    updateSize moves a legend to the layout's (0, 0), over the map's top row.) The row is as tall
    as the legend's entries."""

    def __init__(self, row: pg.GraphicsLayout, **kwargs) -> None:
        super().__init__(offset=(8, 1), **kwargs)
        self.row = row
        self.setParentItem(row)

    def updateSize(self) -> None:
        super().updateSize()
        self.row.setMinimumHeight(self.height() + 10)
        self.row.setMaximumHeight(self.height() + 10)


class PhaseMapView(pg.GraphicsLayoutWidget):
    """The heatmap with its colour bar and marks; emits cell_clicked(i, j)."""

    cell_clicked = Signal(int, int)

    def __init__(self, th: theme.Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground(th.background)
        self.pm: PhaseMap | None = None
        self.pt = TEXT_PT          # tick labels and legend; axis labels one point larger
        self.ink = QColor(th.foreground).name()   # the axis labels' colour (set with their size)
        self.plot = self.addPlot(row=0, col=0)
        p = self.plot
        p.setMenuEnabled(False)
        p.hideButtons()
        p.getViewBox().setMouseEnabled(x=False, y=False)
        for side in ("bottom", "left"):
            axis = p.getAxis(side)
            axis.setTextPen(th.foreground)
            axis.enableAutoSIPrefix(False)    # "(x0.001)" after the name would be one more thing to decode
            use_log_ticks(axis)               # decades or 1-2-5 labels, never 0.2 0.3 ... 0.9 run together
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        p.addItem(self.image)
        # the lr stability bound: a vertical (or horizontal) line, or a curve when it moves with μ or λ
        self.limit = pg.PlotDataItem([], [], pen=self.limit_pen(th))
        self.limit.setZValue(5)
        p.addItem(self.limit, ignoreBounds=True)
        self.limit_label = pg.TextItem(color="#000000", fill=(255, 255, 255, 210), anchor=(0.5, 0.0))
        self.limit_label.setZValue(6)
        p.addItem(self.limit_label, ignoreBounds=True)
        # heavy-ball theory's best setting: an open diamond, where the theory of a quadratic is exact
        self.theory = pg.ScatterPlotItem(symbol="d", size=theme.STAR_SIZE + 6, brush=pg.mkBrush(None),
                                         pen=pg.mkPen("#FFFFFF", width=3))
        self.theory_halo = pg.ScatterPlotItem(symbol="d", size=theme.STAR_SIZE + 10, brush=pg.mkBrush(None),
                                              pen=pg.mkPen("#000000", width=2))
        self.theory.setZValue(9)
        self.theory_halo.setZValue(8)
        p.addItem(self.theory_halo)
        p.addItem(self.theory)
        self.best = pg.ScatterPlotItem(symbol="star", size=theme.STAR_SIZE + 6, brush=pg.mkBrush(th.star),
                                       pen=pg.mkPen(th.halo, width=1.5))
        self.best.setZValue(10)
        # the selected run: a white ring inside a black one, seen on the lightest and the darkest cells
        self.current_halo = pg.ScatterPlotItem(symbol="o", size=theme.START_SIZE + 8, brush=pg.mkBrush(None),
                                               pen=pg.mkPen("#000000", width=2))
        self.current = pg.ScatterPlotItem(symbol="o", size=theme.START_SIZE + 4, brush=pg.mkBrush(None),
                                          pen=pg.mkPen("#FFFFFF", width=3))
        self.current_halo.setZValue(11)
        self.current.setZValue(12)
        for item in (self.best, self.current_halo, self.current):
            p.addItem(item)
        # the legend in a row of its own under the map, where it hides no cell
        self.legend = _RowLegend(self.addLayout(row=1, col=0), colCount=2, labelTextSize="11pt",
                                 labelTextColor=th.foreground)
        swatch = pg.ScatterPlotItem(symbol="s", size=14, brush=pg.mkBrush(DIVERGED_RGBA), pen=pg.mkPen("#FFFFFF"))
        self.legend.addItem(swatch, "diverged")
        self.legend.addItem(self.best, "best cell")
        self._current_listed = False     # in the legend while the ring is drawn
        self._limit_sample = pg.PlotDataItem([], [], pen=self.limit_pen(th))   # in the legend while drawn
        self._limit_listed = False
        self._theory_listed = False      # in the legend while the theory mark is drawn
        # legend samples of the two outlined marks, in the theme's ink (a black outline vanishes on dark)
        self._theory_sample = pg.ScatterPlotItem(symbol="d", size=16, brush=pg.mkBrush(None))
        self._current_sample = pg.ScatterPlotItem(symbol="o", size=14, brush=pg.mkBrush(None))
        self._ink_samples(th)
        self._never_sample = pg.ScatterPlotItem(symbol="s", size=14, brush=pg.mkBrush(NEVER_RGBA),
                                                pen=pg.mkPen("#888888"))
        self._never_listed = False       # in the legend while some cell never reached the tolerance
        cmap = pg.colormap.get(COLORMAP)
        self.bar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=cmap, interactive=False, width=18)
        self.bar.getAxis("right").setTextPen(th.foreground)
        self.addItem(self.bar, row=0, col=1)
        # the scene's clicks, not the image's: a click on the star or the ring still picks its cell
        self.scene().sigMouseClicked.connect(self._on_click)
        self.bar_label = ""
        # the colour bar's and the map's vertical labels never cover their tick labels, at any size
        keep_label_clear(self.bar.getAxis("right"))
        keep_label_clear(self.plot.getAxis("left"))
        self.set_presentation(False)

    def set_presentation(self, on: bool) -> None:
        """Text sizes for a desk or, ``on``, for the back row of a lecture hall (F11)."""
        self.pt = PRESENTATION_PT if on else TEXT_PT
        for axis in (self.plot.getAxis("bottom"), self.plot.getAxis("left"), self.bar.getAxis("right")):
            axis.setStyle(tickFont=_font(self.pt))
        # room under the bottom tick labels for the axis label (pyqtgraph's default lets "0.01" touch it)
        self.plot.getAxis("bottom").setHeight(int(2.6 * QFontMetrics(_font(self.pt + 1)).height()))
        self.limit_label.setFont(_font(self.pt))
        size_legend(self.legend, self.pt)
        self._label_axes()

    def _label_axes(self) -> None:
        size = {"font-size": f"{self.pt + 1}pt", "color": self.ink}
        if self.pm is not None:
            self.plot.setLabel("bottom", AXIS_LABELS.get(self.pm.x.name, self.pm.x.name), **size)
            self.plot.setLabel("left", AXIS_LABELS.get(self.pm.y.name, self.pm.y.name), **size)
        if self.bar_label:
            self.bar.getAxis("right").setLabel(self.bar_label, **size)

    def apply_theme(self, th: theme.Theme) -> None:
        """Recolour what is drawn for ``th`` (the window's D / F11): ground, axes, legend, marks."""
        from app.ui.views.plot_look import recolor_legend, recolor_plot

        self.setBackground(th.background)
        self.ink = QColor(th.foreground).name()
        recolor_plot(self.plot, th)
        recolor_legend(self.legend, th)
        self.bar.getAxis("right").setTextPen(th.foreground)
        self.bar.getAxis("right").setPen(th.foreground)
        for item in (self.limit, self._limit_sample):
            item.setPen(self.limit_pen(th))
        self.best.setBrush(pg.mkBrush(th.star))
        self.best.setPen(pg.mkPen(th.halo, width=1.5))
        self._ink_samples(th)

    def _ink_samples(self, th: theme.Theme) -> None:
        for sample in (self._theory_sample, self._current_sample):
            sample.setPen(pg.mkPen(th.foreground, width=2))

    @staticmethod
    def limit_pen(th: theme.Theme):
        return pg.mkPen(th.foreground, width=2, style=Qt.PenStyle.DashLine)

    def show_map(self, pm: PhaseMap) -> None:
        self.pm = pm
        rgba, (lo, hi), label = cell_colors(pm)
        cols, rows = _spread(pm.x), _spread(pm.y)
        if cols is not None:
            rgba = rgba[:, cols]
        if rows is not None:
            rgba = rgba[rows]
        self.image.setImage(np.ascontiguousarray(rgba), levels=(0, 255))
        (x0, x1), (y0, y1) = _edges(pm.x), _edges(pm.y)
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        p = self.plot
        p.getAxis("bottom").setLogMode(pm.x.log)
        p.getAxis("left").setLogMode(pm.y.log)
        self.bar_label = label
        self._label_axes()
        p.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.bar.setLevels((lo, hi))
        if pm.best is None:
            self.best.setData([], [])
        else:
            i, j = pm.best
            self.best.setData([display(pm.x, pm.x.values[j])], [display(pm.y, pm.y.values[i])])
        drawn = self._draw_bound(pm)
        self._limit_listed = self._list(self._limit_sample, f"{pm.bound_text}: stability edge (Hessian at the start)",
                                        drawn, self._limit_listed)
        if pm.theory is None:
            points: tuple[list, list] = ([], [])
        else:
            points = ([display(pm.x, pm.theory[0])], [display(pm.y, pm.theory[1])])
        for item in (self.theory_halo, self.theory):
            item.setData(*points)
        self._theory_listed = self._list(self._theory_sample, "heavy-ball theory's best", pm.theory is not None,
                                         self._theory_listed)
        never = bool((~np.isfinite(pm.values) & ~pm.diverged).any())
        self._never_listed = self._list(self._never_sample, "never reached the tolerance", never, self._never_listed)
        self.show_current(None)

    def _draw_bound(self, pm: PhaseMap) -> bool:
        """The lr bound through every value of the other axis (a straight line when it is one number),
        clipped to the map; returns whether any of it is drawn."""
        lr_axis = pm.x if pm.x.name == "lr" else pm.y if pm.y.name == "lr" else None
        bound = pm.lr_bound
        if lr_axis is None or bound is None:
            self.limit.setData([], [])
            self.limit_label.setVisible(False)
            return False
        other = pm.y if lr_axis is pm.x else pm.x
        lo, hi = _edges(other)
        along = display(other, other.values)
        if len(along) == 1 or pm.lr_limit is not None:     # one number: across the whole map
            along, bound = np.array([lo, hi]), np.full(2, float(bound[0]))
        else:                                               # the ends reach the map's edges
            along = np.concatenate([[lo], along, [hi]])
            bound = np.concatenate([[bound[0]], bound, [bound[-1]]])
        lr_lo, lr_hi = _edges(lr_axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = display(lr_axis, bound)
        inside = np.isfinite(at) & (at >= lr_lo) & (at <= lr_hi)
        at = np.where(inside, at, np.nan)                   # a gap where the bound leaves the map
        xs, ys = (at, along) if lr_axis is pm.x else (along, at)
        self.limit.setData(xs, ys, connect="finite")
        shown = bool(inside.any())
        self.limit_label.setVisible(shown)
        if shown:
            k = int(np.flatnonzero(inside)[-1])             # the label at the far end of the drawn part
            self.limit_label.setText(pm.bound_text)
            # beside the line's far end, towards the map's middle, so that the map's edge clips nothing
            self.limit_label.setAnchor((1.0, 0.0) if lr_axis is pm.x else (0.0, 1.0))
            self.limit_label.setPos(float(xs[k]), float(ys[k]))
        return shown

    def _list(self, sample, text: str, wanted: bool, listed: bool) -> bool:
        """Add or remove a legend entry that only some maps have; returns whether it is listed now."""
        if wanted != listed:
            if wanted:
                self.legend.addItem(sample, text)
            else:
                self.legend.removeItem(sample)
        return wanted

    def show_current(self, xy: tuple[float, float] | None) -> None:
        """Mark the run's own (x, y) settings (None: no mark; nor where a log axis cannot show it, e.g.
        weight decay 0)."""
        points: tuple[list, list] = ([], [])
        pm = self.pm
        if pm is not None and xy is not None and all(v > 0 or not a.log for a, v in ((pm.x, xy[0]), (pm.y, xy[1]))):
            points = ([display(pm.x, xy[0])], [display(pm.y, xy[1])])
        for item in (self.current_halo, self.current):
            item.setData(*points)
        self._current_listed = self._list(self._current_sample, "the run's own setting", bool(points[0]),
                                          self._current_listed)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(i, j) of the cell under the plot point (x, y) in plot units, None off the map."""
        pm = self.pm
        if pm is None:
            return None
        (x0, x1), (y0, y1) = _edges(pm.x), _edges(pm.y)
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return None
        j = int(np.argmin(np.abs(display(pm.x, pm.x.values) - x)))
        i = int(np.argmin(np.abs(display(pm.y, pm.y.values) - y)))
        return i, j

    def _on_click(self, event) -> None:
        vb = self.plot.getViewBox()
        if event.button() != Qt.MouseButton.LeftButton or not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        pos = vb.mapSceneToView(event.scenePos())
        cell = self.cell_at(pos.x(), pos.y())
        if cell is not None:
            event.accept()
            self.cell_clicked.emit(*cell)


def _font(pt: int):
    from PySide6.QtGui import QFont

    f = QFont()
    f.setPointSize(pt)
    return f
