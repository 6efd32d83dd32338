"""The 2-D view: heatmap + contour lines of the surface, trajectories, click to set a start.

Contours come from contourpy (about 25x faster than IsocurveItem) as one
NaN-separated polyline drawn with connect='finite'; they are recomputed only
when the surface changes. Each frame, only the trajectory items get setData.
"""
from __future__ import annotations

import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.common import colormaps, theme
from app.ui.common.axis_room import keep_label_clear
from app.ui.views.clip import clip_path, last_visible
from app.ui.views.surface_grid import SurfaceGrid
from app.ui.views.trail_layer import TrailLayer

TAIL_MAX = 40    # points a run's live tail may hold before it is frozen into the trail layer


class _TrackItems:
    def __init__(self, plot: pg.PlotItem, th: theme.Theme, line_width: float, halo_width: float) -> None:
        # PlotCurveItem, not PlotDataItem: a third of the per-frame setData cost.
        self.halo = pg.PlotCurveItem(pen=pg.mkPen(th.halo, width=halo_width))
        self.line = pg.PlotCurveItem(pen=pg.mkPen("w", width=line_width))
        self.halo.setZValue(10)
        self.line.setZValue(11)
        self.color: str | None = None
        plot.addItem(self.halo)
        plot.addItem(self.line)

    def remove(self, plot) -> None:
        plot.removeItem(self.halo)
        plot.removeItem(self.line)


def thin_to_pixels(points: np.ndarray, cell) -> np.ndarray:
    """Drop points that fall in the same ``cell`` (x, y) as the point before them.

    Stroking cost grows with the number of segments; runs that crawl or have
    converged put hundreds of points inside one pixel. With half-pixel cells
    the drawn path differs from the full one by under a pixel. First and last
    points are always kept, and so is every non-finite point (a gap).
    """
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if cell is None or len(p) < 3:
        return p
    with np.errstate(invalid="ignore", over="ignore"):
        q = np.floor(p / np.asarray(cell, dtype=np.float64))
    keep = np.ones(len(p), dtype=bool)
    keep[1:-1] = np.any(q[1:-1] != q[:-2], axis=1) | ~np.isfinite(q[1:-1]).all(axis=1)
    return p[keep]


class _MapViewBox(pg.ViewBox):
    """A ViewBox whose left-drag moves a run's start when it begins on a start marker (else it pans)."""

    def __init__(self, view: ContourView) -> None:
        super().__init__()
        # a weak reference: a graphics item holding its widget makes a cycle that Python's
        # collector may break at any moment, deleting Qt objects in the middle of other work
        self._view = weakref.ref(view)
        self._dragging: int | None = None

    def mouseDragEvent(self, ev, axis=None) -> None:
        view = self._view()
        if ev.button() != Qt.MouseButton.LeftButton or view is None:
            return super().mouseDragEvent(ev, axis)
        if ev.isStart():
            self._dragging = view.start_under(ev.buttonDownScenePos())
        if self._dragging is None:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        view.start_dragged.emit(self._dragging, float(p.x()), float(p.y()), bool(ev.isFinish()))
        if ev.isFinish():
            self._dragging = None


class ContourView(QWidget):
    """PlotWidget with ImageItem heatmap, contour lines, colour bar, minima and runs.

    Signal start_clicked(x, y, all_runs): the user clicked the map at data (x, y);
    all_runs is True when Shift was held.
    Signal start_dragged(run, x, y, finished): the user drags run's start marker to (x, y);
    finished is True on release (the place to record one undoable edit).
    Signal hovered(x, y): the cursor is over the map at data (x, y) (NaN, NaN when it leaves).
    """

    start_clicked = Signal(float, float, bool)
    start_dragged = Signal(int, float, float, bool)
    hovered = Signal(float, float)

    def __init__(self, parent=None, th: theme.Theme = theme.LIGHT) -> None:
        super().__init__(parent)
        self.theme = th
        self.grid: SurfaceGrid | None = None
        self._log, self._value_name = False, "f(x, y)"   # what the colour bar names
        self.line_width, self.halo_width = theme.LINE_WIDTH, theme.HALO_WIDTH
        self.head_size, self.start_size = theme.HEAD_SIZE, theme.START_SIZE
        self.plot_widget = pg.PlotWidget(viewBox=_MapViewBox(self))
        self.plot: pg.PlotItem = self.plot_widget.getPlotItem()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot_widget)
        self.plot.setLabel("bottom", "x")
        self.plot.setLabel("left", "y")
        for name in ("bottom", "left"):
            # CIFAR slices span ±0.6: without this the axis reads "y (x0.001)" with ticks ±600
            self.plot.getAxis(name).enableAutoSIPrefix(False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        # x and y at the same scale (a round bowl is round, a step is perpendicular to its
        # contour); the map is letterboxed in the pane. set_stretch(True) fills it instead.
        self.stretch = False
        self.plot.getViewBox().setAspectLocked(True, ratio=1.0)
        # Until the user pans or zooms, the whole map stays in view as the pane changes shape
        # (pyqtgraph keeps the old range on a resize, which crops a 1:1 map in a narrower pane).
        self._fitted = True
        self.plot.getViewBox().sigResized.connect(self._keep_fitted)
        self.plot.getViewBox().sigRangeChangedManually.connect(self._user_moved)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        # Undefined cells (NaN) are transparent in the image: this grey hatch under it shows
        # them as "no value here", never as a colour of the map.
        self.undefined_hatch = pg.QtWidgets.QGraphicsRectItem()
        self.undefined_hatch.setPen(pg.mkPen(None))
        self.undefined_hatch.setZValue(-11)
        self.plot.addItem(self.undefined_hatch)
        self._hatch_brush(th)
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=colormaps.get("viridis"),
                                        interactive=False, width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        keep_label_clear(self.colorbar.getAxis("right"))
        self.contours = pg.PlotDataItem(connect="finite", pen=pg.mkPen(th.contour, width=1.0))
        self.contours.setZValue(-5)
        # Thousands of static segments: cache them as a pixmap, repainted only when the view changes.
        self.contours.curve.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot.addItem(self.contours)
        self.stars = pg.ScatterPlotItem(symbol="star", size=theme.STAR_SIZE, brush=pg.mkBrush(th.star),
                                        pen=pg.mkPen(th.halo, width=1.5))
        self.stars.setZValue(5)
        self.plot.addItem(self.stars)
        self.starts = pg.ScatterPlotItem(symbol="o", size=theme.START_SIZE)
        self.heads = pg.ScatterPlotItem(symbol="o", size=theme.HEAD_SIZE)
        self.crosses = pg.ScatterPlotItem(symbol="x", size=theme.HEAD_SIZE + 8,
                                          brush=pg.mkBrush("#D00000"), pen=pg.mkPen(th.halo, width=1))
        for z, it in enumerate((self.starts, self.heads, self.crosses)):
            it.setZValue(20 + z)
            self.plot.addItem(it)
        self._tracks: list[_TrackItems] = []
        self.trails = TrailLayer()       # the settled part of every path, drawn once (see trail_layer)
        self.trails.setZValue(9)
        self.plot.addItem(self.trails)
        self._frozen: list[np.ndarray] = []   # per run: the points in the trail layer
        self._frozen_pens: list = []
        self._brushes: dict = {}
        self._pens: dict = {}
        self._halo_pen = pg.mkPen(th.halo, width=1.5)
        self._start_brush = pg.mkBrush(255, 255, 255, 220)
        self._starts_key = None   # what the start markers show; unchanged starts are not set again
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self.plot.scene().sigMouseMoved.connect(self._on_move)
        self.readout: pg.TextItem | None = None   # made by set_probe: hidden export views have none
        self._probe = None

    # --- look -----------------------------------------------------------------
    def set_sizes(self, line: float, halo: float, head: float, start: float, star: float | None = None,
                  outline: float | None = None) -> None:
        """Pixel widths of run lines and their halos, sizes of head and start markers
        (optionally of the minima stars and of the head markers' outline)."""
        self.line_width, self.halo_width = float(line), float(halo)
        self.head_size, self.start_size = float(head), float(start)
        self.heads.setSize(self.head_size)
        self.starts.setSize(self.start_size)
        self.crosses.setSize(self.head_size + 8)
        if star is not None:
            self.stars.setSize(star)
        if outline is not None:
            self._halo_pen = pg.mkPen(self.theme.halo, width=outline)
        self._drop_tracks()

    def set_theme(self, th: theme.Theme) -> None:
        """Recolour in place: background, contour lines, halos, minima, axes."""
        self.theme = th
        self.plot_widget.setBackground(th.background)
        self.contours.setPen(pg.mkPen(th.contour, width=self.contours.opts["pen"].widthF()))
        self.stars.setPen(pg.mkPen(th.halo, width=self.stars.opts["pen"].widthF()))
        self.stars.setBrush(pg.mkBrush(th.star))
        self._halo_pen = pg.mkPen(th.halo, width=self._halo_pen.widthF())
        self._hatch_brush(th)
        self._style_readout()
        for name in ("bottom", "left"):
            ax = self.plot.getAxis(name)
            ax.setPen(pg.mkPen(th.foreground, width=ax.pen().widthF()))
            ax.setTextPen(pg.mkPen(th.foreground))
        self._drop_tracks()

    def _hatch_brush(self, th: theme.Theme) -> None:
        from PySide6.QtGui import QBrush, QColor

        grey = QColor(th.foreground)
        grey.setAlpha(110)
        brush = QBrush(grey, Qt.BrushStyle.BDiagPattern)
        brush.setTransform(brush.transform().scale(1.0, 1.0))
        self.undefined_hatch.setBrush(brush)

    def _drop_tracks(self) -> None:
        """Forget the per-run items: the next set_tracks makes them with the current look."""
        while self._tracks:
            self._tracks.pop().remove(self.plot)
        self._frozen, self._frozen_pens = [], []
        self.trails.set_paths([])

    # --- surface ------------------------------------------------------------
    def set_surface(self, grid: SurfaceGrid, colormap: str = "viridis", contour_levels: int = 20,
                    minima=()) -> None:
        self.grid = grid
        (x0, x1), (y0, y1) = grid.bounds
        cmap = colormaps.get(colormap)
        self.image.setImage(grid.g_shown.astype(np.float32), levels=(grid.g_lo, grid.g_hi))
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.undefined_hatch.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.undefined_hatch.setVisible(grid.undefined is not None)
        self.colorbar.setColorMap(cmap)
        self.colorbar.setLevels((grid.g_lo, grid.g_hi))
        self._log = grid.log
        self._label_colorbar()
        lines = grid.contour_lines(contour_levels)
        self.contours.setData(lines[:, 0], lines[:, 1], connect="finite") if len(lines) else self.contours.clear()
        pts = np.asarray([m for m in minima if x0 <= m[0] <= x1 and y0 <= m[1] <= y1]).reshape(-1, 2)
        self.stars.setData(pos=pts)
        # pans stay near the map; the margin is wide enough for a 1:1 letterbox of either shape
        span = max(x1 - x0, y1 - y0)
        self.plot.getViewBox().setLimits(xMin=x0 - 2 * span, xMax=x1 + 2 * span,
                                         yMin=y0 - 2 * span, yMax=y1 + 2 * span)
        self.fit_view()

    def fit_view(self) -> None:
        """Show the whole map again (after a pan or zoom)."""
        self._fitted = True
        if self.grid is not None:
            (x0, x1), (y0, y1) = self.grid.bounds
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _keep_fitted(self, *_args) -> None:
        # on screen only: an export lays its hidden view out while painting, and a range
        # change in the middle of a paint is not safe (pyqtgraph relayouts its labels)
        if self._fitted and self.isVisible():
            self.fit_view()

    def _user_moved(self, *_args) -> None:
        self._fitted = False

    def set_axis_names(self, x: str, y: str) -> None:
        """The names under and beside the map: a toy classifier's two weights, else x and y."""
        if (self.plot.getAxis("bottom").labelText, self.plot.getAxis("left").labelText) != (x, y):
            self.plot.setLabel("bottom", x)
            self.plot.setLabel("left", y)
        # over two weights the colour is the classifier's loss, not an f(x, y) of the axes
        self._value_name = "f(x, y)" if (x, y) == ("x", "y") else "loss"
        self._label_colorbar()

    def _label_colorbar(self) -> None:
        name = self._value_name
        text = ("log₁₀(f − f_min)" if name == "f(x, y)" else f"log₁₀({name} − min)") if self._log else name
        if self.colorbar.getAxis("right").labelText != text:
            self.colorbar.getAxis("right").setLabel(text)

    def set_stretch(self, stretch: bool) -> None:
        """Fill the pane (x and y at different scales) instead of drawing them 1:1."""
        self.stretch = bool(stretch)
        self.plot.getViewBox().setAspectLocked(not self.stretch, ratio=1.0)
        self.fit_view()

    def scale_ratio(self) -> float:
        """Screen pixels per unit of y over pixels per unit of x: 1.0 when the map is drawn 1:1."""
        px, py = self.plot.getViewBox().viewPixelSize()
        return float(abs(px / py)) if px and py else float("nan")

    # --- per frame ------------------------------------------------------------
    def set_tracks(self, tracks) -> None:
        while len(self._tracks) < len(tracks):
            self._tracks.append(_TrackItems(self.plot, self.theme, self.line_width, self.halo_width))
        while len(self._tracks) > len(tracks):
            self._tracks.pop().remove(self.plot)
        heads, starts, crosses, brushes, pens = [], [], [], [], []
        cell = self._half_pixel()
        split = self._freeze(tracks, layered=cell is not None)
        for items, tr, k in zip(self._tracks, tracks, split, strict=False):
            p = tr.points
            if items.color != tr.color:   # new pens only when a colour changes (pens key the symbol cache)
                items.color = tr.color
                items.line.setPen(pg.mkPen(tr.color, width=self.line_width))
            # the live tail: its halo from the last frozen point, its line one point earlier,
            # so the line is drawn over the new halo's cap where the two parts meet
            for item, first in ((items.halo, k - 1), (items.line, k - 2)):
                d = self._visible(p[max(first, 0):], cell)
                gaps = bool(np.isnan(d).any())
                item.setData(d[:, 0], d[:, 1], connect="finite" if gaps else "all", skipFiniteCheck=not gaps)
            starts.append(p[0])
            pens.append(self._pen(tr.color))
            if tr.diverged_at is not None:
                # the cross goes where the path leaves the map (or at its last point before inf)
                end = last_visible(self._visible(p, None))
                if end is not None:
                    crosses.append(end)
            elif self._inside(p[-1]):   # heads outside the map are not drawn
                heads.append(p[-1])
                brushes.append(self._brush(tr.color))
        self.heads.setData(pos=np.asarray(heads).reshape(-1, 2), brush=brushes, pen=self._halo_pen)
        starts = np.asarray(starts).reshape(-1, 2)
        key = (starts.tobytes(), tuple(id(p) for p in pens), id(self._start_brush))
        if key != self._starts_key:   # starts rarely move: no repaint of their area
            self._starts_key = key
            self.starts.setData(pos=starts, brush=self._start_brush, pen=pens)
        self.crosses.setData(pos=np.asarray(crosses).reshape(-1, 2))

    def _freeze(self, tracks, layered: bool) -> list[int]:
        """How many leading points of each run the trail layer draws; refreeze when needed.

        A run's frozen part stays while its points still begin with it and its
        tail is short; otherwise everything but the last point is frozen anew.
        Hidden (export) views freeze nothing: they draw whole paths at their own size.
        """
        if not layered:
            if self._frozen:
                self._frozen, self._frozen_pens = [], []
                self.trails.set_paths([])
            return [0] * len(tracks)
        pens = [(tr.color, self.line_width, self.halo_width) for tr in tracks]
        changed = len(self._frozen) != len(tracks) or pens != self._frozen_pens
        frozen = list(self._frozen) if not changed else [np.empty((0, 2))] * len(tracks)
        for i, tr in enumerate(tracks):
            p, f = tr.points, frozen[i]
            k = len(f)
            if k > len(p) or not np.array_equal(p[:k], f) or len(p) - k > TAIL_MAX:
                frozen[i] = np.array(p[:-1]) if len(p) - 1 >= 2 else np.empty((0, 2))
                changed = True
        if changed:
            self._frozen, self._frozen_pens = frozen, pens
            halo = pg.mkPen(self.theme.halo, width=self.halo_width)
            self.trails.set_paths([(self._visible(f, self._half_pixel()), halo,
                                    pg.mkPen(tr.color, width=self.line_width)) for f, tr in zip(frozen, tracks, strict=False)])
        return [len(f) for f in self._frozen]

    def _visible(self, points: np.ndarray, cell) -> np.ndarray:
        """The part of a path inside the map's box (NaN gaps where it left), thinned to ``cell``."""
        p = thin_to_pixels(points, cell)
        return p if self.grid is None else clip_path(p, self.grid.bounds)

    def _inside(self, point: np.ndarray) -> bool:
        if self.grid is None:
            return True
        (x0, x1), (y0, y1) = self.grid.bounds
        return bool(x0 <= point[0] <= x1 and y0 <= point[1] <= y1)

    def _half_pixel(self) -> np.ndarray | None:
        """Data size of half a screen pixel (x, y), or None before the view has a size."""
        if not self.isVisible():
            return None   # an offscreen export draws at its own size: keep every point
        px = self.plot.getViewBox().viewPixelSize()
        cell = 0.5 * np.abs(np.asarray(px, dtype=np.float64))
        return cell if np.all(np.isfinite(cell)) and np.all(cell > 0) else None

    def _brush(self, color: str):
        if color not in self._brushes:
            self._brushes[color] = pg.mkBrush(color)
        return self._brushes[color]

    def _pen(self, color: str):
        if color not in self._pens:
            self._pens[color] = pg.mkPen(color, width=2.5)
        return self._pens[color]

    # --- interaction ----------------------------------------------------------
    def set_probe(self, probe) -> None:
        """probe(x, y) -> the readout text at the cursor (e.g. "x 0.10  y -0.20  f 1.2e-03 ..."), or None."""
        self._probe = probe
        if probe is not None and self.readout is None:
            # the cursor readout: x, y, f and |grad f| at the cursor, top-left over the map
            self.readout = pg.TextItem(anchor=(0, 0))
            self.readout.setZValue(30)
            self.readout.setParentItem(self.plot.getViewBox())
            self.readout.setPos(6, 4)
            self._style_readout()
        if self.readout is not None:
            self.readout.hide()

    def _style_readout(self) -> None:
        if self.readout is not None:
            self.readout.setColor(self.theme.foreground)
            self.readout.fill = pg.mkBrush(self.theme.background + "C8")

    def start_under(self, scene_pos, radius_px: float = 10.0) -> int | None:
        """The index of the run whose start marker is under ``scene_pos`` (within radius_px), or None."""
        data = self.starts.data
        if not len(data):
            return None
        vb = self.plot.getViewBox()
        best, best_d = None, radius_px
        for i, (x, y) in enumerate(zip(data["x"], data["y"], strict=True)):
            s = vb.mapViewToScene(QPointF(float(x), float(y)))
            d = float(np.hypot(s.x() - scene_pos.x(), s.y() - scene_pos.y()))
            if d <= best_d:
                best, best_d = i, d
        return best

    def _on_move(self, scene_pos) -> None:
        vb = self.plot.getViewBox()
        if self.grid is None or not vb.sceneBoundingRect().contains(scene_pos):
            if self.readout is not None:
                self.readout.hide()
            self.hovered.emit(float("nan"), float("nan"))
            return
        p = vb.mapSceneToView(scene_pos)
        self.hovered.emit(float(p.x()), float(p.y()))
        text = self._probe(float(p.x()), float(p.y())) if self._probe is not None else None
        if self.readout is None:
            return
        if text:
            self.readout.setText(text)
            self.readout.show()
        else:
            self.readout.hide()

    def data_to_widget(self, x: float, y: float):
        """Data coordinates -> a QPoint in the plot widget's viewport (for tests and tools)."""
        scene_pt = self.plot.getViewBox().mapViewToScene(QPointF(x, y))
        return self.plot_widget.mapFromScene(scene_pt)

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or self.grid is None:
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        p = vb.mapSceneToView(ev.scenePos())
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        ev.accept()
        self.start_clicked.emit(float(p.x()), float(p.y()), shift)

    # --- export -----------------------------------------------------------------
    def render_image(self, width: int, height: int) -> QImage:
        """Render the plot at width x height into a QImage (no window needed)."""
        img = QImage(int(width), int(height), QImage.Format.Format_ARGB32)
        img.fill(pg.mkColor(self.theme.background))
        old = self.size()
        self.resize(int(width), int(height))
        self.plot_widget.resize(int(width), int(height))
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.plot_widget.render(painter)
        painter.end()
        self.resize(old)
        return img
