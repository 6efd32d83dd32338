"""Swarm window: basins of attraction and the learning-rate sweep of the selected run.

    install(host)   adds Swarm → Basins of attraction… (B) and Learning-rate sweep… (Ctrl+L)

The computations live in app.model.swarm (Qt-free); this module draws them:
the basin map as one categorical ImageItem (Okabe-Ito colour per class) under
the landscape's contour lines, stars on the minima and a legend with counts;
the sweep as final loss − f_min vs learning rate (log-log), diverged rates as
crosses along the top, the selected run's lr as a vertical line. Clicking a
sweep point sets the selected run's lr (undoable, through the main window).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import solvers
from app.model import build, swarm
from app.model.scene import PALETTE
from app.ui.common import theme
from app.ui.common.lazy_window import LazyWindow
from app.ui.common.widgets import swatch
from app.ui.views.plot_look import PRESENTATION_PT, follow_palette, recolor_plot, size_text, size_window
from app.ui.views.surface_grid import sample
from app.ui.window.host import Host

NOT_CONVERGED_COLOR = "#DDDDDD"
DIVERGED_COLOR = "#555555"
# Work above which a computation goes to a worker thread (≈ 0.2 s; benchmarks/bench_swarm.py):
BASIN_WORK = 2_000_000   # vectorized point-steps (~11 M/s)
SWEEP_WORK = 4_000       # single-point steps (~23 k/s)


def class_colors(kinds) -> list[str]:
    """One colour per class: Okabe-Ito for the attractors (then lighter and darker tints), greys for the rest."""
    base = [QColor(c) for c in PALETTE]
    out, k = [], 0
    for kind in kinds:
        if kind == swarm.KIND_NOT_CONVERGED:
            out.append(NOT_CONVERGED_COLOR)
        elif kind == swarm.KIND_DIVERGED:
            out.append(DIVERGED_COLOR)
        else:
            c = base[k % len(base)]
            cycle = k // len(base)
            if cycle % 3 == 1:
                c = c.lighter(135)
            elif cycle % 3 == 2:
                c = c.darker(140)
            out.append(c.name())
            k += 1
    return out


def class_image(classes: np.ndarray, colors: list[str]) -> np.ndarray:
    """(n, n, 4) uint8 RGBA of a class map (row-major, row 0 = lowest y), by one table lookup."""
    table = np.array([QColor(c).getRgb() for c in colors], dtype=np.uint8).reshape(-1, 4)
    return table[classes]


class SwarmWindow(QDialog):
    """Non-modal window with two tabs (basins, lr sweep) for the main window's landscape and selected run."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.setWindowTitle("Swarm — Loss Lab")
        self.basins: swarm.BasinMap | None = None
        self.sweep: swarm.LRSweep | None = None
        self._run_index = -1

        # --- controls ---------------------------------------------------------
        self.solver = QComboBox()
        self.solver.addItems(solvers.names())
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(1e-6, 100.0)
        self.lr.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.steps = QSpinBox()
        self.steps.setRange(1, swarm.MAX_STEPS)
        self.steps.setValue(300)
        self.grid_size = QSpinBox()
        self.grid_size.setRange(2, swarm.MAX_GRID)
        self.grid_size.setValue(60)
        self.grid_size.setToolTip("starts per side of the basin map (up to 200 × 200)")
        self.from_run = QPushButton("From selected run")
        self.from_run.setToolTip("Take solver, learning rate and start from the selected run")
        self.from_run.clicked.connect(self.sync_from_window)
        self.compute = QPushButton("Compute")
        self.compute.setDefault(True)
        self.compute.setShortcut(QKeySequence("Ctrl+Return"))
        self.compute.clicked.connect(self.compute_current)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(200)
        self.cancel = QPushButton("Cancel")
        row = QHBoxLayout()
        for text, w in (("Solver", self.solver), ("η", self.lr), ("Steps", self.steps),
                        ("Grid", self.grid_size)):
            row.addWidget(QLabel(text))
            row.addWidget(w)
        row.addWidget(self.from_run)
        row.addStretch(1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel)
        row.addWidget(self.compute)

        # --- basin tab ----------------------------------------------------------
        self.basin_plot = pg.PlotWidget()
        bp = self.basin_plot.getPlotItem()
        bp.setLabel("bottom", "x₀ (start)")
        bp.setLabel("left", "y₀ (start)")
        bp.setMenuEnabled(False)
        bp.hideButtons()
        self.basin_image = pg.ImageItem(axisOrder="row-major")
        self.basin_image.setZValue(-10)
        bp.addItem(self.basin_image)
        self.basin_contours = pg.PlotDataItem(connect="finite", pen=pg.mkPen((0, 0, 0, 95), width=1.0))
        self.basin_contours.setZValue(-5)
        bp.addItem(self.basin_contours)
        self.basin_stars = pg.ScatterPlotItem(symbol="star", size=theme.STAR_SIZE + 4)   # pens: apply_look
        self.basin_stars.setZValue(10)
        bp.addItem(self.basin_stars)
        self.basin_saddles = pg.ScatterPlotItem(symbol="+", size=theme.STAR_SIZE)
        self.basin_saddles.setZValue(10)
        bp.addItem(self.basin_saddles)
        self.basin_start = pg.ScatterPlotItem(symbol="o", size=theme.START_SIZE + 2, brush=pg.mkBrush("#FFFFFF"))
        self.basin_start.setZValue(11)
        bp.addItem(self.basin_start)
        self.legend = QListWidget()
        self.legend.setMinimumWidth(330)
        self.legend.setMaximumWidth(420)
        self.legend.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.legend.setWordWrap(True)
        self.legend.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.legend.setSpacing(3)
        self.basin_title = QLabel()
        self.basin_title.setWordWrap(True)
        side = QVBoxLayout()
        side.addWidget(self.basin_title)
        side.addWidget(self.legend, 1)
        basin_tab = QWidget()
        bl = QHBoxLayout(basin_tab)
        bl.addWidget(self.basin_plot, 1)
        bl.addLayout(side)

        # --- sweep tab ------------------------------------------------------------
        self.sweep_plot = pg.PlotWidget()
        sp = self.sweep_plot.getPlotItem()
        sp.setLogMode(x=True, y=True)
        sp.setLabel("bottom", "learning rate η")
        sp.setLabel("left", "final loss − f_min")
        sp.showGrid(x=True, y=True, alpha=0.25)
        sp.setMenuEnabled(False)
        sp.hideButtons()
        sp.addLegend(offset=(-10, -10), labelTextSize="12pt")  # bottom right: the U's floor rarely reaches it
        self.sweep_min = sp.plot([], [], pen=pg.mkPen(PALETTE[1], width=2, style=Qt.PenStyle.DashLine),
                                 name="lowest loss along the run")
        self.sweep_curve = sp.plot([], [], pen=pg.mkPen(PALETTE[4], width=3), symbol="o", symbolSize=9,
                                   symbolBrush=PALETTE[4], symbolPen=pg.mkPen("#FFFFFF", width=1),
                                   name="final loss")
        self.sweep_curve.sigPointsClicked.connect(self._on_sweep_click)
        self.sweep_div = pg.ScatterPlotItem(symbol="x", size=16, brush=pg.mkBrush(PALETTE[3]),
                                            pen=pg.mkPen(PALETTE[3], width=1))
        sp.addItem(self.sweep_div)
        sp.legend.addItem(self.sweep_div, "diverged")
        self.sweep_line = pg.InfiniteLine(angle=90, label="selected η", labelOpts={"position": 0.08})
        self.best_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(PALETTE[2], width=2, style=Qt.PenStyle.DashLine),
                                         label="best η", labelOpts={"position": 0.92, "color": PALETTE[2]})
        for line in (self.sweep_line, self.best_line):
            sp.addItem(line, ignoreBounds=True)
        self.sweep_title = QLabel()
        self.sweep_title.setWordWrap(True)
        sweep_tab = QWidget()
        sl = QVBoxLayout(sweep_tab)
        sl.addWidget(self.sweep_title)
        sl.addWidget(self.sweep_plot, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(basin_tab, "Basins of attraction")
        self.tabs.addTab(sweep_tab, "Learning-rate sweep")
        self.tabs.currentChanged.connect(lambda _i: self._sync_grid_enabled())
        self._tab_status = ["", ""]   # each tab's own summary line
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.tabs, 1)
        self.status = QLabel()
        lay.addWidget(self.status)
        self.resize(1150, 760)
        self.jobs = host.new_jobs(self, lambda text, _error: self.status.setText(text),
                                  progress=self.progress, cancel_button=self.cancel)
        self.jobs.busy_changed.connect(lambda busy: self.compute.setEnabled(not busy))
        host.closing.connect(self.stop_job)   # the main window closing stops a running job first
        host.look_changed.connect(self.apply_look)
        self.apply_look(host.theme, host.presentation)

    def apply_look(self, th: theme.Theme, presentation: bool = False) -> None:
        """The main window's theme and text sizes (now, and after D or F11) on the widgets, both
        plots and their marks."""
        self.theme = th
        follow_palette(self, th)
        size_window(self, presentation, self.progress)
        for widget in (self.basin_plot, self.sweep_plot):
            widget.setBackground(th.background)
            recolor_plot(widget.getPlotItem(), th)
            size_text(widget.getPlotItem(), PRESENTATION_PT if presentation else 12)
        self.basin_stars.setPen(pg.mkPen(th.halo, width=1.5))
        self.basin_stars.setBrush(pg.mkBrush(th.star))
        self.basin_saddles.setPen(pg.mkPen(th.halo, width=2.5))
        self.basin_saddles.setBrush(pg.mkBrush(th.halo))
        self.basin_start.setPen(pg.mkPen(th.halo, width=2))
        self.sweep_line.setPen(pg.mkPen(th.foreground, width=2))
        self.sweep_line.label.setColor(th.foreground)

    def stop_job(self) -> None:
        """Cancel a running job and wait for its thread (polled every 25 steps: a short wait)."""
        self.jobs.shutdown()

    # ------------------------------------------------------------------ inputs
    def _sync_grid_enabled(self) -> None:
        i = self.tabs.currentIndex()
        self.grid_size.setEnabled(i == 0)
        self.status.setText(self._tab_status[i])

    def _selected(self):
        race = self.host.race
        if race is None or not race.runs:
            return None
        i = self.host.selected_row
        return race.runs[i if 0 <= i < len(race.runs) else 0]

    def sync_from_window(self) -> None:
        """Solver, lr and steps from the selected run (gd at 0.01 if there is none)."""
        tr = self._selected()
        name, lr = ("gd", 0.01) if tr is None else (tr.spec.solver, float(tr.solver.lr))
        race = self.host.race
        self._run_index = -1 if tr is None else race.runs.index(tr)
        self.solver.setCurrentText(name)
        self.lr.setValue(lr)
        if race is not None and race.total_steps > 0:
            self.steps.setValue(min(race.total_steps, swarm.MAX_STEPS))

    def _inputs(self) -> dict[str, Any]:
        race = self.host.race
        f = race.landscape
        tr = self._selected()
        name = self.solver.currentText()
        hyper = dict(tr.spec.hyper) if tr is not None and tr.spec.solver == name else {}
        hyper["lr"] = float(self.lr.value())
        opt = solvers.make(name, **hyper)
        start = build.start_of(tr.spec, f) if tr is not None else f.default_start
        noise = float(tr.spec.noise) if tr is not None else 0.0
        schedule = build.make_schedule(tr.spec.schedule) if tr is not None else None
        bounds = build.view_bounds(race.scene.landscape, f)
        return dict(f=f, opt=opt, start=start, noise=noise, schedule=schedule, bounds=bounds,
                    steps=int(self.steps.value()), n=int(self.grid_size.value()), seed=int(race.scene.seed))

    # ------------------------------------------------------------------ compute
    def compute_current(self) -> None:
        if self.tabs.currentIndex() == 0:
            self.compute_basins()
        else:
            self.compute_sweep()

    def _checked_inputs(self) -> dict | None:
        """The panel's inputs, or None after saying in the status line why they cannot be used."""
        try:
            return self._inputs()
        except ValueError as e:
            self.status.setText(f"cannot compute: {e}")
            return None

    def compute_basins(self, background: bool | None = None) -> None:
        a = self._checked_inputs()
        if a is None:
            return

        def fn(progress=None, cancel=None):
            return swarm.basin_map(a["f"], a["opt"], n=a["n"], steps=a["steps"], bounds=a["bounds"],
                                   noise=a["noise"], seed=a["seed"], schedule=a["schedule"],
                                   progress=progress, cancel=cancel)

        slow = a["n"] ** 2 * a["steps"] > BASIN_WORK
        self._launch(fn, lambda b: self.show_basins(b, a), slow if background is None else background, "basins")

    def compute_sweep(self, background: bool | None = None) -> None:
        a = self._checked_inputs()
        if a is None:
            return

        def fn(progress=None, cancel=None):
            return swarm.lr_sweep(a["f"], a["opt"], start=a["start"], steps=a["steps"], noise=a["noise"],
                                  seed=a["seed"], schedule=a["schedule"], progress=progress, cancel=cancel)

        slow = len(swarm.log_lrs()) * a["steps"] > SWEEP_WORK
        self._launch(fn, lambda s: self.show_sweep(s, a), slow if background is None else background,
                     "learning-rate sweep")

    def _launch(self, fn, done, background: bool, what: str) -> None:
        self.cancel_job()
        if not background:
            try:
                done(fn())
            except ValueError as e:
                self.status.setText(f"{what}: {e}")
            return
        self.jobs.run(what, fn, done)

    def cancel_job(self) -> None:
        self.jobs.cancel()

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    # ------------------------------------------------------------------ drawing
    def show_basins(self, b: swarm.BasinMap, a: dict) -> None:
        self.basins = b
        f = a["f"]
        colors = class_colors(b.kinds)
        (x0, x1), (y0, y1) = b.bounds
        n = b.n
        dx, dy = (x1 - x0) / max(n - 1, 1), (y1 - y0) / max(n - 1, 1)
        self.basin_image.setImage(class_image(b.classes, colors), levels=(0, 255))
        # cell centres on the starts: the image reaches half a cell beyond the bounds
        self.basin_image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        try:
            grid = sample(f, b.bounds, 160)
            lines = grid.contour_lines(14)
        except ValueError:
            lines = np.empty((0, 2))
        if len(lines):
            self.basin_contours.setData(lines[:, 0], lines[:, 1], connect="finite")
        else:
            self.basin_contours.clear()
        point = np.isfinite(b.positions).all(axis=1)
        inside = point & (b.positions[:, 0] >= x0) & (b.positions[:, 0] <= x1) \
            & (b.positions[:, 1] >= y0) & (b.positions[:, 1] <= y1)
        is_min = np.array([k in (swarm.KIND_GLOBAL, swarm.KIND_LOCAL) for k in b.kinds])
        stars = np.flatnonzero(inside & is_min)
        # white stars as in the main map: a star filled with its basin's colour vanishes into it
        self.basin_stars.setData(pos=b.positions[stars], brush=pg.mkBrush(self.theme.star))
        self.basin_saddles.setData(pos=b.positions[inside & ~is_min])
        self.basin_start.setData(pos=np.asarray([a["start"]]))
        vb = self.basin_plot.getPlotItem()
        vb.setRange(xRange=(x0 - dx / 2, x1 + dx / 2), yRange=(y0 - dy / 2, y1 + dy / 2), padding=0)

        self.legend.clear()
        total = int(b.counts.sum())
        for i, (label, count) in enumerate(zip(b.labels, b.counts, strict=True)):
            if count == 0 and b.kinds[i] in (swarm.KIND_NOT_CONVERGED, swarm.KIND_DIVERGED):
                continue
            item = QListWidgetItem(swatch(colors[i], 22), f"{label}\n{count} starts · {100 * count / total:.0f}%")
            self.legend.addItem(item)
        self.basin_title.setText(
            f"<b>{f.title}</b>: {n} × {n} starts, {b.solver} η = {b.hyper.get('lr', 0):.3g}, "
            f"{b.steps} steps. Each start is coloured by where it ends.")
        self._tab_status[0] = (f"{total} starts: {int(b.counts[b.diverged_class])} diverged, "
                               f"{int(b.counts[b.not_converged_class])} not converged")
        self.status.setText(self._tab_status[0])

    def show_sweep(self, s: swarm.LRSweep, a: dict) -> None:
        self.sweep = s
        ok = ~s.diverged
        final = s.gap(s.final_loss)
        lowest = s.gap(s.min_loss)
        self.sweep_curve.setData(s.lrs[ok], final[ok])
        self.sweep_min.setData(s.lrs, lowest)
        finite = np.concatenate([final[ok], lowest])
        finite = finite[np.isfinite(finite) & (finite > 0)]
        top = float(finite.max()) * 10 if finite.size else 1.0
        self.sweep_div.setData(np.log10(s.lrs[s.diverged]), np.full(int(s.diverged.sum()), np.log10(top)))
        self.sweep_line.setValue(np.log10(float(a["opt"].lr)))
        best = s.best_lr
        self.best_line.setVisible(best is not None)
        if best is not None:
            self.best_line.setValue(np.log10(best))
        first_div = s.lrs[s.diverged].min() if s.diverged.any() else None
        text = (f"<b>{a['f'].title}</b>: {s.solver} from ({s.start[0]:.2f}, {s.start[1]:.2f}), "
                f"{s.steps} steps, {len(s.lrs)} learning rates. ")
        if best is not None:
            text += f"Best η ≈ {best:.3g}. "
        if first_div is not None:
            text += f"Diverges from η ≈ {first_div:.3g} (× at the top). "
        text += "Click a point to use its η in the selected run."
        self.sweep_title.setText(text)
        self._tab_status[1] = f"{int(s.diverged.sum())} of {len(s.lrs)} learning rates diverged"
        self.status.setText(self._tab_status[1])
        self.sweep_plot.getPlotItem().enableAutoRange()

    def _on_sweep_click(self, _item, points, *args) -> None:
        if not len(points) or self.sweep is None:
            return
        self.set_run_lr(float(10 ** points[0].pos().x()))  # the plot is log-x: positions are log10(η)

    def set_run_lr(self, lr: float) -> None:
        """Give the selected run this learning rate (an undoable edit of the main window)."""
        tr = self._selected()
        if tr is None:
            return
        row = self.host.race.runs.index(tr)
        self.host.edit_run(row, {"hyper": {"lr": float(lr)}}, "learning rate")
        self.lr.setValue(float(lr))
        self.sweep_line.setValue(np.log10(float(lr)))
        self.status.setText(f"{tr.label}: learning rate set to {lr:.3g}")

    def closeEvent(self, event) -> None:
        self.stop_job()
        super().closeEvent(event)


class Swarm(QObject):
    """The Swarm menu and its window (made on first use)."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.windows = LazyWindow(lambda: SwarmWindow(host))
        menu = host.add_menu("S&warm")
        self.act_basins, self.act_lr_sweep = (
            host.add_action(text, key, lambda t=tab: self.open(t), tip, menu=menu, toolbar="tools", icon_text=short)
            for text, key, tab, tip, short in (
                ("Basins of attraction…", "B", 0, "Colour every start by the minimum the selected solver reaches",
                 "Basins"),
                ("Learning-rate sweep…", "Ctrl+L", 1, "Final loss vs learning rate for the selected run", "LR sweep")))

    def dialog(self) -> SwarmWindow:
        return self.windows.get()

    def open(self, tab: int) -> SwarmWindow:
        """Show the swarm window on a tab (0 basins, 1 sweep), read the selected run and compute."""
        w = self.dialog()
        w.tabs.setCurrentIndex(tab)
        w.sync_from_window()
        self.windows.show()
        w.compute_current()
        return w


def install(host: Host) -> Swarm:
    """The Swarm menu (and its tool bar buttons)."""
    return Swarm(host)
