"""The CIFAR-10 curvature figure: spectrum, eigen-plane beside the random plane, sharp vs flat.

    fig = CurvatureFigure()
    fig.show_result(result)      # an app.model.cifar_curvature_run.CurvatureResult

The panes of the CIFAR-10 curvature window below its controls, also drawn offscreen by
``losslab curvature`` (app.ui.export.curvature_render), so the picture and the window agree:

- spectrum: the top eigenvalues of the Hessian at W*, its trace (Hutchinson) and tr H / n,
  and the eigenvalue density (stochastic Lanczos quadrature) on a log axis, since it spans
  orders of magnitude;
- the eigen-plane beside the random plane on ONE colour scale, drawn 1:1 (both axes have
  length ‖W*‖) with the same contour levels on both;
- sharp vs flat: the full-batch loss and the train and validation accuracy along
  (1 − t)·W_a + t·W_b, each solution marked with its λmax.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.model.cifar_curvature import CurvatureProblem, PlanePair, Spectrum
from app.model.cifar_curvature_run import CurvatureResult
from app.model.cifar_solutions import SharpFlat
from app.model.scene import PALETTE
from app.ui.common import colormaps

FONT_PT = 13
PLOT_PT = "13pt"
CONTOURS = 9        # shared contour levels drawn on both planes
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sci(v: float, digits: int = 3) -> str:
    """4.72·10⁵ (plain for 0.01 ≤ |v| < 1e4)."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    plain = f"{v:.{digits}g}"
    if 1e-2 <= abs(v) < 1e4 and "e" not in plain:       # 9999.9999 rounds to "1e+04": not plain
        return plain
    e = int(math.floor(math.log10(abs(float(plain)))))
    m = v / 10 ** e
    return f"{m:.{digits - 1}f}·10{str(e).translate(SUPERSCRIPT)}"


def _plot(title: str, bottom: str, left: str) -> pg.PlotWidget:
    w = pg.PlotWidget()
    p = w.getPlotItem()
    p.setTitle(title, size=PLOT_PT)
    font = QFont()
    font.setPointSize(FONT_PT - 1)
    for side, text in (("bottom", bottom), ("left", left)):
        p.setLabel(side, text, **{"font-size": PLOT_PT})
        p.getAxis(side).setTickFont(font)
        p.getAxis(side).enableAutoSIPrefix(False)   # "(x1e-06)" on a log axis misleads
    p.setMenuEnabled(False)
    p.hideButtons()
    p.showGrid(x=True, y=True, alpha=0.2)
    return w


class CurvatureFigure(QWidget):
    """Spectrum | the two planes on one colour scale, then the sharp-vs-flat line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFont()
        font.setPointSize(FONT_PT)
        self.setFont(font)

        # --- spectrum -----------------------------------------------------------------------
        self.spectrum_text = QLabel("—")
        self.spectrum_text.setWordWrap(True)
        self.density_plot = _plot("Hessian eigenvalue density (SLQ) at W*", "eigenvalue λ", "density (log scale)")
        self.density_plot.getPlotItem().setLogMode(y=True)
        self.density_curve = self.density_plot.plot([], [], pen=pg.mkPen(PALETTE[4], width=3))
        self.eig_lines: list[pg.InfiniteLine] = []
        spectrum_box = QVBoxLayout()
        spectrum_box.addWidget(self.spectrum_text)
        spectrum_box.addWidget(self.density_plot, 1)

        # --- the two planes on one colour scale -----------------------------------------------
        self.cmap = colormaps.get("viridis")
        self.plane_plots, self.plane_images = [], []
        planes_row = QHBoxLayout()
        for title in ("eigen-plane: v₁, v₂ (the sharpest)", "random plane: filter-normalized"):
            w = _plot(title, "a (units of ‖W*‖)", "b (units of ‖W*‖)")
            p = w.getPlotItem()
            p.setAspectLocked(True, 1.0)      # both axes have length ‖W*‖: 1:1
            img = pg.ImageItem(axisOrder="row-major")
            p.addItem(img)
            star = pg.ScatterPlotItem([0.0], [0.0], symbol="star", size=20, brush=pg.mkBrush("#FFFFFF"),
                                      pen=pg.mkPen("#000000", width=1.5))
            star.setZValue(10)
            p.addItem(star)
            self.plane_plots.append(w)
            self.plane_images.append(img)
            planes_row.addWidget(w, 1)
        self.colorbar = pg.ColorBarItem(colorMap=self.cmap, interactive=False, width=22)
        self.colorbar.setImageItem(self.plane_images)
        self.colorbar.axis.setTickFont(font)
        self.bar = bar = pg.GraphicsLayoutWidget()
        bar.setBackground(None)
        self.bar_label = bar.addLabel("loss", row=0, col=0, size=PLOT_PT, color="#000000")
        bar.addItem(self.colorbar, row=1, col=0)
        bar.setFixedWidth(130)
        planes_row.addWidget(bar)
        self.contours_on: list[pg.IsocurveItem] = []
        self.plane_text = QLabel("—")
        self.plane_text.setWordWrap(True)
        planes_box = QVBoxLayout()
        planes_box.addLayout(planes_row, 1)
        planes_box.addWidget(self.plane_text)

        # --- sharp vs flat ----------------------------------------------------------------------
        self.loss_plot = _plot("loss along (1 − t)·W_a + t·W_b", "t", "full-batch loss")
        self.loss_plot.getPlotItem().addLegend(offset=(-10, 10), labelTextSize=PLOT_PT)   # top right
        self.acc_plot = _plot("accuracy along the same line", "t", "accuracy")
        self.acc_plot.getPlotItem().addLegend(offset=(-10, -10), labelTextSize=PLOT_PT)
        self.loss_curves: list[pg.PlotDataItem] = []
        self.acc_curves = [self.acc_plot.plot([], [], pen=pg.mkPen(PALETTE[k], width=3), name=name)
                           for k, name in ((0, "train"), (2, "validation"))]
        self.marks: list[tuple[pg.PlotItem, pg.InfiniteLine]] = []
        line_row = QHBoxLayout()
        line_row.addWidget(self.loss_plot, 1)
        line_row.addWidget(self.acc_plot, 1)

        grid = QGridLayout()
        grid.addLayout(spectrum_box, 0, 0)
        grid.addLayout(planes_box, 0, 1)
        grid.addLayout(line_row, 1, 0, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(grid, 1)


    def apply_theme(self, th) -> None:
        """Grounds, axes, titles and legends in ``th`` (the main window's D / F11), redrawn in place."""
        from app.ui.views.plot_look import recolor_plot

        for w in (self.density_plot, *self.plane_plots, self.loss_plot, self.acc_plot):
            w.setBackground(th.background)
            recolor_plot(w.getPlotItem(), th)
        self.bar.setBackground(th.background)
        self.bar_label.setText("loss", size=PLOT_PT, color=th.foreground)
        self.colorbar.axis.setPen(th.foreground)
        self.colorbar.axis.setTextPen(th.foreground)
    def show_result(self, r: CurvatureResult) -> None:
        self._show_spectrum(r.spectrum, r.problem)
        self._show_planes(r.planes)
        self._show_pair(r.pair)

    def _show_spectrum(self, s: Spectrum, problem: CurvatureProblem) -> None:
        values = ", ".join(f"λ{str(i + 1).translate(SUBSCRIPT)} = {sci(v)}" for i, v in enumerate(s.values))
        reg = (f"the regularizer alone: 2λ = {sci(2 * problem.strength)}" if problem.reg == "l2"
               else "the L1 regularizer adds no curvature")
        ratio = f" λ₁ is {s.values[0] / s.mean_eigenvalue:.0f}× that." if s.mean_eigenvalue > 0 else ""
        self.spectrum_text.setText(
            f"<b>Top eigenvalues</b> {values}<br>"
            f"<b>Trace</b> tr H = {sci(s.trace)} ± {sci(s.trace_error, 2)} (Hutchinson); tr H / n = "
            f"{sci(s.mean_eigenvalue)} over n = {s.n:,} weights: the curvature a random direction sees; "
            f"{reg}.{ratio}")
        d = s.density
        # eigenvalues in units of 10^e on the axis (the ticks stay short); the density's zeros at a floor
        top = abs(float(d.grid[-1]))
        e = int(math.floor(math.log10(top))) if top >= 1 else 0     # SVM + L1: H = 0, nothing to scale
        unit = 10.0 ** e
        floor = max(float(d.density.max()) * 1e-6, 1e-300)
        self.density_curve.setData(d.grid / unit, np.maximum(d.density * unit, floor * unit))
        p = self.density_plot.getPlotItem()
        p.setLabel("bottom", f"eigenvalue λ (×10{str(e).translate(SUPERSCRIPT)})", **{"font-size": PLOT_PT})
        for line in self.eig_lines:
            p.removeItem(line)
        self.eig_lines = []
        for i, v in enumerate(s.values):
            line = pg.InfiniteLine(float(v) / unit, angle=90, pen=pg.mkPen(PALETTE[1], width=2, style=Qt.PenStyle.DashLine),
                                   label=f"λ{str(i + 1).translate(SUBSCRIPT)}" if i == 0 else None,
                                   labelOpts={"position": 0.9, "color": PALETTE[1]})
            if i == 0:
                line.label.setFont(self.font())
            p.addItem(line, ignoreBounds=True)
            self.eig_lines.append(line)

    def _show_planes(self, pp: PlanePair) -> None:
        lo, hi = pp.levels
        step = pp.xs[1] - pp.xs[0]
        rect = (pp.xs[0] - step / 2, pp.ys[0] - step / 2, pp.xs[-1] - pp.xs[0] + step, pp.ys[-1] - pp.ys[0] + step)
        for img, Z in zip(self.plane_images, (pp.eigen, pp.random), strict=True):
            img.setImage(Z, levels=(lo, hi), lut=self.cmap.getLookupTable(0.0, 1.0, 256))
            img.setRect(*rect)
        self.colorbar.setLevels((lo, hi))
        for c in self.contours_on:
            c.setParentItem(None)
            if c.scene() is not None:
                c.scene().removeItem(c)
        self.contours_on = []
        for img, Z in zip(self.plane_images, (pp.eigen, pp.random), strict=True):
            for level in np.linspace(lo, hi, CONTOURS + 2)[1:-1]:      # the same levels on both maps
                c = pg.IsocurveItem(data=Z.T, level=float(level), pen=pg.mkPen((255, 255, 255, 170), width=1.5))
                c.setParentItem(img)                 # in the image's pixels: (column, row) of Z
                c.setPos(0.5, 0.5)                   # grid values sit at the pixels' centres
                self.contours_on.append(c)
        self.plane_text.setText(
            f"Curvature along the axes: eigen-plane λ₁ = {sci(pp.eigenvalues[0])}, λ₂ = {sci(pp.eigenvalues[1])}; "
            f"random plane {sci(pp.random_curvature[0])}, {sci(pp.random_curvature[1])}. "
            f"Both: W* + a·D₁ + b·D₂ with ‖D₁‖ = ‖D₂‖ = ‖W*‖ = {sci(pp.scale)} (unit eigenvectors × ‖W*‖; random "
            f"columns scaled to W*'s), drawn 1:1 on one colour scale: loss {lo:.3g} … {hi:.3g}. "
            f"Highest point: {float(np.nanmax(pp.eigen)):.3g} on the eigen-plane, "
            f"{float(np.nanmax(pp.random)):.3g} on the random one.")

    def _show_pair(self, pair: SharpFlat) -> None:
        line = pair.line
        lp, ap = self.loss_plot.getPlotItem(), self.acc_plot.getPlotItem()
        for c in self.loss_curves:
            lp.removeItem(c)
            lp.legend.removeItem(c)
        positive = all(np.all(v > 0) for v in line.curves.values())
        spread = max(float(v.max() / v.min()) for v in line.curves.values()) if positive else 1.0
        lp.setLogMode(y=positive and spread > 20)      # λ = 0 vs λ > 0: the regularized loss spans 100×
        self.loss_curves = [lp.plot(line.ts, v, pen=pg.mkPen(PALETTE[(4, 5)[i % 2]], width=3), name=label)
                            for i, (label, v) in enumerate(line.curves.items())]
        self.acc_curves[0].setData(line.ts, line.train_accuracy)
        self.acc_curves[1].setData(line.ts, line.val_accuracy)
        for plot, mark in self.marks:
            plot.removeItem(mark)
        self.marks = []
        # A's label right of its line, B's left of its own: both between the two solutions
        for t, r, lam, side, heights in ((0.0, pair.recipes[0], pair.lmax[0], 0.0, (0.7, 0.62)),
                                         (1.0, pair.recipes[1], pair.lmax[1], 1.0, (0.58, 0.5))):
            for p, pos in zip((lp, ap), heights, strict=True):
                mark = pg.InfiniteLine(t, angle=90, pen=pg.mkPen(PALETTE[3], width=2),
                                       label=f"{'AB'[int(t)]}: {r.label}, λmax {sci(lam)}",
                                       labelOpts={"position": pos, "color": PALETTE[3], "fill": (255, 255, 255, 210),
                                                  "anchors": [(side, 0.5), (side, 0.5)]})
                mark.label.setFont(self.font())
                p.addItem(mark, ignoreBounds=True)
                self.marks.append((p, mark))
        self.loss_plot.getPlotItem().setTitle(
            f"loss from A = {pair.recipes[0].label} (t = 0) to B = {pair.recipes[1].label} (t = 1)", size=PLOT_PT)
