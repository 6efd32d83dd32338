"""The lr(t) inset: each run's learning rate over the race, in its colour, over the 2-D map's top-right corner.

A schedule's point is how the step size changes with time, which the paths
alone cannot show; the inset draws every run's lr(t) = lr · schedule(t) for
the whole race and a dot at the step on screen. It shows itself when a run
has a schedule (key I hides it), sits in the map's top-right corner (in the
letterbox space above a wide map when there is room), and uses the lecture's
large type in presentation mode.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QRect
from PySide6.QtGui import QFont

from app.model.build import make_schedule
from app.ui.common import theme
from app.ui.window.host import Host

SHARE = (0.34, 0.26)     # of the map view's width and height
MAX_SIZE = (460, 260)    # px: a wall-sized window does not get a wall-sized inset
MARGIN = 8               # px from the view's edges
MIN_HEIGHT = 110         # px: a letterbox strip lower than this is too small to read a plot in


def lr_curve(track, steps: int) -> np.ndarray:
    """lr(t) of a run for t = 0 .. steps, as its stepper applies it (solver lr times schedule(t))."""
    schedule = make_schedule(track.spec.schedule)
    scale = np.ones(steps + 1) if schedule is None else np.array([float(schedule(t)) for t in range(steps + 1)])
    return float(track.solver.lr) * scale


class LrInset(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        cv = host.contour_view
        self.widget = pg.PlotWidget(parent=cv.plot_widget)
        self.widget.setObjectName("lr_inset")
        self.plot = self.widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setTitle("lr(t)")
        self._curves: list[pg.PlotDataItem] = []
        self.dots = pg.ScatterPlotItem(size=9, pen=pg.mkPen("#111111", width=1))
        self.dots.setZValue(5)
        self.plot.addItem(self.dots)
        self._key = None
        self.widget.hide()
        self.act = host.add_action("lr(t) inset", "I", self._toggled, "Each run's learning rate over the race "
                                   "(shown when a run has a schedule)", menu="view", checkable=True)
        self.act.setChecked(True)
        host.scene_loaded.connect(self.refresh)
        host.race_changed.connect(self.refresh)
        host.frame_drawn.connect(self._follow)
        host.look_changed.connect(self._look)
        cv.plot.getViewBox().sigResized.connect(self._place)
        self._look(host.theme, False)
        self.refresh()

    @property
    def wanted(self) -> bool:
        race = self.host.race
        return (self.act.isChecked() and race is not None
                and any(t.spec.schedule is not None for t in race.runs))

    def _toggled(self, _on: bool) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Redraw the curves (a new race, new runs or settings) and show or hide the inset."""
        if not self.wanted:
            self.widget.hide()
            self._key = None
            return
        race = self.host.race
        steps = int(race.total_steps)
        key = (steps, tuple((t.color, repr(t.spec.schedule), float(t.solver.lr)) for t in race.runs))
        if key != self._key:
            self._key = key
            for c in self._curves:
                self.plot.removeItem(c)
            self._curves = [self.plot.plot(np.arange(steps + 1), lr_curve(t, steps), pen=pg.mkPen(t.color, width=2.5))
                            for t in race.runs]
            top = max(float(c.yData.max()) for c in self._curves) if self._curves else 1.0
            self.plot.setXRange(0, max(steps, 1), padding=0.02)
            self.plot.setYRange(0, top * 1.08 if top > 0 else 1.0, padding=0)
        self.widget.show()
        self.widget.raise_()
        self._place()
        self._follow()

    def _follow(self) -> None:
        """The dots: each run's lr at the step on screen."""
        if not self.widget.isVisible():
            return
        race = self.host.race
        spots = [{"pos": (len(t.lrs) - 1, float(t.lrs[-1])), "brush": pg.mkBrush(t.color)}
                 for t in race.runs if len(t.lrs)]
        self.dots.setData(spots)

    def _place(self) -> None:
        """Top-right corner of the map's view box, inside the plot widget."""
        if not self.widget.isVisible():
            return
        cv = self.host.contour_view
        vb = cv.plot.getViewBox()
        r = cv.plot_widget.mapFromScene(vb.sceneBoundingRect()).boundingRect()
        w = min(int(r.width() * SHARE[0]), MAX_SIZE[0])
        h = min(int(r.height() * SHARE[1]), MAX_SIZE[1])
        if cv.grid is not None:        # a wide map leaves room above it: stay off the map there
            map_top = cv.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(0.0, cv.grid.bounds[1][1]))).y()
            room = map_top - r.top() - 2 * MARGIN
            if room >= MIN_HEIGHT:
                h = min(h, room)
        self.widget.setGeometry(QRect(r.right() - w - MARGIN, r.top() + MARGIN, w, h))

    def _look(self, th: theme.Theme, presentation: bool) -> None:
        pt = 16 if presentation else 8
        font = QFont()
        font.setPointSize(pt)
        self.widget.setBackground(theme.qcolor(th.background, alpha=215))
        for name in ("left", "bottom"):
            ax = self.plot.getAxis(name)
            ax.setTickFont(font)
            ax.setPen(pg.mkPen(th.foreground))
            ax.setTextPen(pg.mkPen(th.foreground))
        self.plot.setTitle("lr(t)", color=th.foreground, size=f"{pt + 2}pt")
        self.dots.setSize(14 if presentation else 9)
        self._place()


def install(host: Host) -> LrInset:
    return LrInset(host)
