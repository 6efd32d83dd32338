"""The linear-classifier lab's data view: the classifier in data space, x and y drawn 1:1.

- the points, coloured and shaped by class (a shape per class too: the
  colours need not be told apart from the back row);
- the background: the predicted class of the shown classifier (the selected
  run at its current parameters), a light tint of the class colour;
- each class's zero-score line W_c·x + b_c = 0 in its colour, with an arrow
  along W_c: the side where that class scores positive;
- each run's decision boundaries in the run's colour, so a race is seen in
  data space too.

Editing: drag a point to move it, click empty space to add a point of
``add_class``, right-click a point to remove it. The view only reports these
(point_dragged, point_added, point_removed); its owner rebuilds the data and
calls ``set_data`` back. The pictures' maths is app.model.toy_view.
"""
from __future__ import annotations

import math
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.model import toy_view
from app.model.scene import CLASS_COLORS
from app.ui.common import theme

CLASS_SYMBOLS = ("o", "s", "t", "d", "star", "p", "h", "t1", "t2", "t3")   # up to 10 classes: no two alike
TINT = 0.30            # how much of a class colour the background mixes in (the points stay the strongest)
POINT_SIZE = 17        # px: a projector's back row
ZERO_LINE_WIDTH = 3.0
BOUNDARY_WIDTH = 3.5
PRESENTATION = 1.5     # lecture mode draws points, lines and arrow heads this much larger
ARROW_SHARE = 0.16     # arrow length, as a share of the view's width
GRID_PIXELS = 320      # background resolution per side (the boundaries are drawn as lines on top)
DRAWN = 3.0            # the background and lines cover the box this many times over: a letterboxed
                       # view (a tall or wide pane) or a short pan shows no edge
PICK_RADIUS = 12.0     # px: a press this close to a point picks it


def class_color(c: int) -> str:
    return CLASS_COLORS[c % len(CLASS_COLORS)]


def class_symbol(c: int) -> str:
    return CLASS_SYMBOLS[c % len(CLASS_SYMBOLS)]


def tint_table(n_classes: int, background: str) -> np.ndarray:
    """(C, 3) uint8 background colours: each class colour mixed TINT into the theme's background."""
    bg = QColor(background)
    rows = []
    for c in range(n_classes):
        q = QColor(class_color(c))
        rows.append([round(b + TINT * (f - b)) for f, b in ((q.red(), bg.red()), (q.green(), bg.green()),
                                                            (q.blue(), bg.blue()))])
    return np.asarray(rows, dtype=np.uint8)


class _DataViewBox(pg.ViewBox):
    """A ViewBox whose left-drag moves the point under the press (else it pans)."""

    def __init__(self, view: DataView) -> None:
        super().__init__()
        self._view = weakref.ref(view)     # no cycle between a graphics item and its widget
        self._dragging: int | None = None

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (Qt's name)
        view = self._view()
        if ev.button() != Qt.MouseButton.LeftButton or view is None:
            return super().mouseDragEvent(ev, axis)
        if ev.isStart():
            self._dragging = view.point_under(ev.buttonDownScenePos())
        if self._dragging is None:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        view.point_dragged.emit(self._dragging, float(p.x()), float(p.y()), bool(ev.isFinish()))
        if ev.isFinish():
            self._dragging = None


class _Arrow:
    """A shaft (curve) and a head (pyqtgraph ArrowItem, constant pixel size) in one colour."""

    def __init__(self, plot: pg.PlotItem, color: str, halo: str, k: float) -> None:
        self.shaft = pg.PlotCurveItem(pen=pg.mkPen(color, width=ZERO_LINE_WIDTH * k))
        self.head = pg.ArrowItem(headLen=18 * k, tipAngle=34, tailLen=0, brush=pg.mkBrush(color),
                                 pen=pg.mkPen(halo, width=1.0))
        self.shaft.setZValue(6)
        self.head.setZValue(7)
        plot.addItem(self.shaft)
        plot.addItem(self.head)

    def set(self, arrow: np.ndarray | None) -> None:
        if arrow is None:
            self.shaft.setVisible(False)
            self.head.setVisible(False)
            return
        (x0, y0), (x1, y1) = arrow
        self.shaft.setData([x0, x1], [y0, y1])
        # ArrowItem points left at angle 0 and turns clockwise on screen, where y grows downwards
        self.head.setStyle(angle=math.degrees(math.atan2(y1 - y0, -(x1 - x0))))
        self.head.setPos(x1, y1)
        self.shaft.setVisible(True)
        self.head.setVisible(True)

    def remove(self, plot: pg.PlotItem) -> None:
        plot.removeItem(self.shaft)
        plot.removeItem(self.head)


class DataView(QWidget):
    """The classifier in data space (see the module docstring).

    Signals: point_dragged(index, x, y, finished), point_added(x, y), point_removed(index).
    """

    point_dragged = Signal(int, float, float, bool)
    point_added = Signal(float, float)
    point_removed = Signal(int)

    def __init__(self, parent=None, th: theme.Theme = theme.LIGHT) -> None:
        super().__init__(parent)
        self.theme = th
        self.box: toy_view.Box = ((-1.0, 1.0), (-1.0, 1.0))
        self.X = np.empty((0, 2))
        self.y = np.empty(0, dtype=np.int64)
        self.n_classes = 0
        self.W: np.ndarray | None = None
        self.b: np.ndarray | None = None
        self.add_class = 0
        self.k = 1.0           # size factor: PRESENTATION in lecture mode
        self.plot_widget = pg.PlotWidget(viewBox=_DataViewBox(self))
        self.plot: pg.PlotItem = self.plot_widget.getPlotItem()
        QVBoxLayout(self).addWidget(self.plot_widget)
        self.layout().setContentsMargins(0, 0, 0, 0)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        for name in ("bottom", "left"):
            self.plot.getAxis(name).enableAutoSIPrefix(False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getViewBox().setAspectLocked(True, ratio=1.0)   # data space 1:1: angles are true
        self.plot.getViewBox().sigResized.connect(self.fit_view)
        self.background = pg.ImageItem(axisOrder="row-major")
        self.background.setZValue(-10)
        self.plot.addItem(self.background)
        self.points = pg.ScatterPlotItem(size=POINT_SIZE, pxMode=True)
        self.points.setZValue(20)
        self.plot.addItem(self.points)
        self._zero_lines: list[pg.PlotCurveItem] = []
        self._arrows: list[_Arrow] = []
        self._boundaries: list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]] = []
        self._boundary_keys: list[tuple] = []    # what each run's boundary items show
        self.plot.scene().sigMouseClicked.connect(self._on_click)

    # --- what is shown ------------------------------------------------------------
    def set_data(self, X: np.ndarray, y: np.ndarray, n_classes: int, *, refit: bool = False) -> None:
        """The points and their classes; the box is kept (a drag must not move the view) unless
        ``refit`` or a point lies outside it."""
        self.X, self.y = np.asarray(X, dtype=np.float64).reshape(-1, 2), np.asarray(y, dtype=np.int64)
        if n_classes != self.n_classes:
            self._make_class_items(int(n_classes))
        box = toy_view.data_box(self.X)
        (x0, x1), (y0, y1) = self.box
        outside = len(self.X) and not (np.all((x0 <= self.X[:, 0]) & (self.X[:, 0] <= x1))
                                       and np.all((y0 <= self.X[:, 1]) & (self.X[:, 1] <= y1)))
        if refit or outside:
            self.box = box
            self.fit_view()
        self._draw_points()
        self._draw_classifier()

    def set_classifier(self, W: np.ndarray | None, b: np.ndarray | None) -> None:
        """The classifier whose predictions colour the background and whose zero-score lines and
        arrows are drawn (the selected run's); None hides them."""
        W = None if W is None else np.asarray(W, dtype=np.float64)
        b = None if b is None else np.asarray(b, dtype=np.float64)
        if _same(W, self.W) and _same(b, self.b):
            return                  # a redraw of the window without a step: nothing moved here
        self.W, self.b = W, b
        self._draw_classifier()

    def set_runs(self, runs: list[tuple[np.ndarray, np.ndarray, str]]) -> None:
        """Each run's decision boundaries in its colour: a list of (W, b, colour)."""
        plot = self.plot
        while len(self._boundaries) > len(runs):
            for item in self._boundaries.pop():
                plot.removeItem(item)
        while len(self._boundaries) < len(runs):
            halo = pg.PlotCurveItem(connect="finite", pen=pg.mkPen(self.theme.halo, width=(BOUNDARY_WIDTH + 3) * self.k))
            line = pg.PlotCurveItem(connect="finite")
            halo.setZValue(8)
            line.setZValue(9)
            plot.addItem(halo)
            plot.addItem(line)
            self._boundaries.append((halo, line))
        for k, ((halo, line), (W, b, color)) in enumerate(zip(self._boundaries, runs, strict=True)):
            key = (np.asarray(W).tobytes(), np.asarray(b).tobytes(), color, self.box)
            if k < len(self._boundary_keys) and self._boundary_keys[k] == key:
                continue
            pts = toy_view.decision_boundaries(W, b, self.drawn_box)
            for item in (halo, line):
                if len(pts):
                    item.setData(pts[:, 0], pts[:, 1], connect="finite")
                else:
                    item.setData([], [])
            line.setPen(pg.mkPen(color, width=BOUNDARY_WIDTH * self.k))
        self._boundary_keys = [(np.asarray(W).tobytes(), np.asarray(b).tobytes(), color, self.box)
                               for W, b, color in runs]

    def set_theme(self, th: theme.Theme) -> None:
        self.theme = th
        self.plot_widget.setBackground(th.background)
        for name in ("bottom", "left"):
            ax = self.plot.getAxis(name)
            ax.setPen(pg.mkPen(th.foreground))
            ax.setTextPen(pg.mkPen(th.foreground))
        self._restyle()

    def set_presentation(self, on: bool) -> None:
        """Lecture mode: points, lines and arrow heads PRESENTATION times larger."""
        self.k = PRESENTATION if on else 1.0
        self.points.setSize(POINT_SIZE * self.k)
        self._restyle()

    def _restyle(self) -> None:
        for halo, _line in self._boundaries:
            halo.setPen(pg.mkPen(self.theme.halo, width=(BOUNDARY_WIDTH + 3) * self.k))
        self._boundary_keys = []          # the run colours' widths: set again by the next set_runs
        self._make_class_items(self.n_classes)
        self._draw_points()
        self._draw_classifier()

    @property
    def drawn_box(self) -> toy_view.Box:
        (x0, x1), (y0, y1) = self.box
        cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, DRAWN * (x1 - x0) / 2, DRAWN * (y1 - y0) / 2
        return (cx - hx, cx + hx), (cy - hy, cy + hy)

    def fit_view(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.box
        self.plot.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    # --- drawing --------------------------------------------------------------------
    def _make_class_items(self, n: int) -> None:
        for item in self._zero_lines:
            self.plot.removeItem(item)
        for arrow in self._arrows:
            arrow.remove(self.plot)
        self.n_classes = n
        self._zero_lines = []
        self._arrows = []
        for c in range(n):
            line = pg.PlotCurveItem(pen=pg.mkPen(class_color(c), width=ZERO_LINE_WIDTH * self.k))
            line.setZValue(5)
            self.plot.addItem(line)
            self._zero_lines.append(line)
            self._arrows.append(_Arrow(self.plot, class_color(c), self.theme.halo, self.k))

    def _draw_points(self) -> None:
        outline = pg.mkPen(self.theme.halo, width=2.0 * self.k)
        spots = [{"pos": (float(x), float(y)), "symbol": class_symbol(int(c)), "brush": pg.mkBrush(class_color(int(c))),
                  "pen": outline, "data": i} for i, ((x, y), c) in enumerate(zip(self.X, self.y, strict=True))]
        self.points.setData(spots=spots)

    def _draw_classifier(self) -> None:
        (x0, x1), (y0, y1) = self.box
        shown = self.W is not None and self.b is not None and len(self.b) == self.n_classes
        self.background.setVisible(shown)
        if not shown:
            for line in self._zero_lines:
                line.setData([], [])
            for arrow in self._arrows:
                arrow.set(None)
            return
        drawn = self.drawn_box
        (a0, a1), (b0, b1) = drawn
        labels = toy_view.predicted_grid(self.W, self.b, drawn, GRID_PIXELS)
        self.background.setImage(tint_table(self.n_classes, self.theme.background)[labels], levels=(0, 255))
        self.background.setRect(QRectF(a0, b0, a1 - a0, b1 - b0))
        length = ARROW_SHARE * (x1 - x0)
        for c, (line, arrow) in enumerate(zip(self._zero_lines, self._arrows, strict=True)):
            seg = toy_view.zero_score_segment(self.W[c], float(self.b[c]), drawn)
            if seg is None:
                line.setData([], [])
            else:
                line.setData(seg[:, 0], seg[:, 1])
            arrow.set(toy_view.score_arrow(self.W[c], float(self.b[c]), self.box, length))

    # --- interaction ----------------------------------------------------------------
    def point_under(self, scene_pos, radius_px: float = PICK_RADIUS) -> int | None:
        """The index of the point nearest ``scene_pos`` within radius_px screen pixels, or None."""
        if not len(self.X):
            return None
        vb = self.plot.getViewBox()
        best, best_d = None, radius_px
        for i, (x, y) in enumerate(self.X):
            s = vb.mapViewToScene(QPointF(float(x), float(y)))
            d = math.hypot(s.x() - scene_pos.x(), s.y() - scene_pos.y())
            if d <= best_d:
                best, best_d = i, d
        return best

    def _on_click(self, ev) -> None:
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        hit = self.point_under(ev.scenePos())
        if ev.button() == Qt.MouseButton.RightButton:
            if hit is not None:
                ev.accept()
                self.point_removed.emit(hit)
        elif ev.button() == Qt.MouseButton.LeftButton and hit is None:
            p = vb.mapSceneToView(ev.scenePos())
            ev.accept()
            self.point_added.emit(float(p.x()), float(p.y()))

    def data_to_widget(self, x: float, y: float):
        """Data coordinates -> a QPoint in the plot widget's viewport (tests and tools)."""
        return self.plot_widget.mapFromScene(self.plot.getViewBox().mapViewToScene(QPointF(x, y)))

    def scale_ratio(self) -> float:
        """Screen pixels per unit of y over those per unit of x: 1.0 when drawn 1:1."""
        px, py = self.plot.getViewBox().viewPixelSize()
        return float(abs(px / py)) if px and py else float("nan")


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))
