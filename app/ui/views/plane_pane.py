"""A training race's paths on a plane: loss map | accuracy map, the honesty strip, W under the mouse.

    result = compute_plane(snapshot(race), "pca", a=0, b=1, n=81, split="val")   # off the GUI thread
    pane.show_plane(result, colors)

The loss map is the plane's exact surface (a CifarSlice of the race's own
objective) with every run's recorded iterates projected on it; red rings mark
the checked iterates where that surface is more than 10% off the iterate's true
loss (see honesty_strip). The accuracy map is the accuracy of W(a, b) on the
same plane and bounds, since the surrogate loss and the error rate are not
the same landscape. Both maps are drawn x:y = 1:1 when the plane's two
directions are perpendicular and of one length (distances on the map are then
distances in weight space), stretched otherwise (the axis label says so). Moving the
mouse over either map shows the class templates of W(a, b) there. The loss
also has a 3-D tab (app.ui.views.surface_view, made when first shown: a GL
view costs a context), the paths at the surface's height under them, in the
surface view's square box (its axes are always stretched to the box).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.model.cifar_planes import PlaneView, accuracy_grid, endpoints_plane, pca_plane, random_plane
from app.model.cifar_race import CifarRace, class_templates
from app.ui.common import theme
from app.ui.views.contour_view import ContourView
from app.ui.views.honesty_strip import WARN_COLOR, HonestyStrip, flagged_points
from app.ui.views.plot_look import recolor_plot
from app.ui.views.surface_grid import SurfaceGrid, sample
from app.ui.views.templates_view import TemplatesView

PLANE_CHOICES = (("pca", "PCA of the paths (Li et al.)"), ("endpoints", "W_init + two runs' finals"),
                 ("random", "random around a run"))
RESOLUTION = 81


@dataclass
class PlaneTrack:
    """What the map views draw of a run (duck-typed as app.model.race's tracks)."""

    points: np.ndarray     # (T, 2) projected iterates
    losses: np.ndarray     # (T,) the surface's value there (the 3-D height)
    color: str
    label: str
    diverged_at: int | None = None


@dataclass
class PlaneResult:
    view: PlaneView
    loss: SurfaceGrid
    accuracy: SurfaceGrid | None     # None when the race has no images of that split
    split: str


def square_axes(view: PlaneView, cos_tol: float = 0.02) -> tuple[bool, str]:
    """(draw 1:1?, what the x-axis label adds): 1:1 when the two directions have one length and are
    (nearly) perpendicular, so distances on the map are distances in weight space (the PCA plane
    exactly, the endpoints plane by construction, a filter-normalized random one within |cos| < 0.02)."""
    d1, d2 = (np.asarray(d, dtype=np.float64).ravel() for d in view.landscape.directions)
    n1, n2 = float(np.linalg.norm(d1)), float(np.linalg.norm(d2))
    cos = float(d1 @ d2) / (n1 * n2)
    if abs(n1 - n2) > 1e-6 * max(n1, n2) or abs(cos) > cos_tol:
        return False, "  (axes stretched: the directions are not orthonormal)"
    return True, "" if abs(cos) < 1e-6 else f"  ({np.degrees(np.arccos(cos)):.1f}° apart)"


def accuracy_surface(view: PlaneView, n: int, split: str) -> SurfaceGrid | None:
    """The accuracy of W(a, b) in % as a grid the map views draw (linear colours, high = good)."""
    try:
        xs, ys, acc = accuracy_grid(view, n, split)
    except ValueError:
        return None
    f = 100.0 * acc
    lo, hi = float(np.nanmin(f)), float(np.nanmax(f))
    return SurfaceGrid(xs, ys, f, f, False, lo, 1e-9, lo, hi if hi > lo else lo + 1.0)


def compute_plane(race: CifarRace, kind: str, a: int = 0, b: int = 1, n: int = RESOLUTION,
                  split: str = "val") -> PlaneResult:
    """The plane, its loss grid and its accuracy grid (seconds on 10,000 images: run as a job)."""
    if kind == "pca":
        view = pca_plane(race)
    elif kind == "endpoints":
        view = endpoints_plane(race, a, b)
    elif kind == "random":
        view = random_plane(race, a)
    else:
        raise ValueError(f"plane must be one of {', '.join(k for k, _ in PLANE_CHOICES)}, got {kind!r}")
    f = view.landscape
    return PlaneResult(view, sample(f, f.bounds, n), accuracy_surface(view, n, split), split)


def tracks_of(view: PlaneView, colors: list[str]) -> list[PlaneTrack]:
    f = view.landscape
    return [PlaneTrack(p, f.value(p), colors[i % len(colors)], view.labels[k])
            for k, (i, p) in enumerate(zip(view.runs, view.paths, strict=True))]


class PlanePane(QWidget):
    requested = Signal()       # the user asked for a plane (kind, runs from the chooser)

    def __init__(self, parent: QWidget | None = None, th: theme.Theme = theme.LIGHT) -> None:
        super().__init__(parent)
        self.result: PlaneResult | None = None
        self.colors: list[str] = []
        self.kind = QComboBox()
        for key, text in PLANE_CHOICES:
            self.kind.addItem(text, key)
        self.run_a, self.run_b = QComboBox(), QComboBox()
        self.split = QComboBox()
        self.split.addItem("validation accuracy", "val")
        self.split.addItem("training accuracy", "train")
        self.show_button = QPushButton("Show plane")
        self.show_button.setToolTip("Project every run's path on the chosen plane and draw its surface (P)")
        self.show_button.clicked.connect(self.requested)
        self.kind.currentIndexChanged.connect(lambda _i: self._sync_runs())
        row = QHBoxLayout()
        for text, w in (("Plane", self.kind), ("run A", self.run_a), ("run B", self.run_b), ("", self.split)):
            if text:
                row.addWidget(QLabel(text))
            row.addWidget(w)
        row.addWidget(self.show_button)
        row.addStretch(1)
        self.loss_map, self.acc_map = ContourView(th=th), ContourView(th=th)
        for m in (self.loss_map, self.acc_map):
            m.hovered.connect(self._hover)
        self.rings = pg.ScatterPlotItem(symbol="o", size=18, brush=None, pen=pg.mkPen(WARN_COLOR, width=2))
        self.rings.setZValue(30)
        self.loss_map.plot.addItem(self.rings)
        self.honesty = HonestyStrip(th=th)
        self.hover = TemplatesView(foreground=th.foreground, background=th.background)
        self.hover.set_rows([], title="move the mouse over a map: W(a, b)'s class templates")
        self.caption = QLabel("No plane yet: train a few steps, then Show plane.")
        self.caption.setWordWrap(True)
        self.theme = th
        self.surface = None                      # the 3-D view, made when its tab is first shown
        self.loss_tabs = QTabWidget()
        self.loss_tabs.addTab(self.loss_map, "loss, 2-D")
        self.loss_tabs.addTab(QWidget(), "loss, 3-D")
        self.loss_tabs.currentChanged.connect(self._tab_changed)
        maps = QSplitter(Qt.Orientation.Vertical)   # one over the other: a PCA plane is wide (PC1 ≫ PC2)
        maps.addWidget(self.loss_tabs)
        maps.addWidget(self.acc_map)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.honesty)
        right.addWidget(self.hover)
        top = QSplitter()
        top.addWidget(maps)
        top.addWidget(right)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 1)
        top.setSizes([560, 500])
        right.setSizes([460, 220])       # the strip's three plots, and a row of templates at a readable size
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.caption)
        lay.addWidget(top, 1)
        self._sync_runs()

    # ------------------------------------------------------------------ chooser
    def set_runs(self, labels: list[str]) -> None:
        for box, pick in ((self.run_a, 0), (self.run_b, 1)):
            old = box.currentIndex()
            box.blockSignals(True)
            box.clear()
            box.addItems(labels)
            box.setCurrentIndex(old if 0 <= old < len(labels) else min(pick, len(labels) - 1))
            box.blockSignals(False)

    def _sync_runs(self) -> None:
        kind = self.kind.currentData()
        self.run_a.setEnabled(kind != "pca")
        self.run_b.setEnabled(kind == "endpoints")

    def choice(self) -> dict[str, Any]:
        return dict(kind=self.kind.currentData(), a=max(self.run_a.currentIndex(), 0),
                    b=max(self.run_b.currentIndex(), 0), split=self.split.currentData())

    def set_kind(self, kind: str) -> None:
        i = self.kind.findData(kind)
        if i >= 0:
            self.kind.setCurrentIndex(i)

    # ------------------------------------------------------------------ drawing
    def show_plane(self, result: PlaneResult, colors: list[str]) -> None:
        self.result, self.colors = result, list(colors)
        view, f = result.view, result.view.landscape
        marks = tuple(f.landmarks.values())
        square, note = square_axes(view)
        self.loss_map.set_surface(result.loss, "viridis", 16, marks)
        self.loss_map.colorbar.getAxis("right").setLabel("log₁₀(loss − min)" if result.loss.log else "loss")
        tracks = tracks_of(view, self.colors)
        ax, ay = f.axis_labels
        for m, grid, what in ((self.loss_map, result.loss, "loss"), (self.acc_map, result.accuracy, "accuracy")):
            m.plot.setLabel("bottom", ax + note)
            m.plot.setLabel("left", ay)
            m.set_stretch(not square)
            m.plot.setTitle(f"{what} on the plane")
            if grid is not None:
                if m is self.acc_map:
                    m.set_surface(grid, "viridis", 10, marks)
                    m.colorbar.getAxis("right").setLabel(f"{'validation' if result.split == 'val' else 'training'}"
                                                         " accuracy %")
                m.set_tracks(tracks)
                m.fit_view()
        self.acc_map.setVisible(result.accuracy is not None)
        self.rings.setData(pos=flagged_points(view))
        self.honesty.set_view(view, [self.colors[i % len(self.colors)] for i in view.runs])
        self.caption.setText(f.description)
        self._show_3d()

    def set_theme(self, th: theme.Theme) -> None:
        """Recolour in place: both maps with their titles and colour bars, the strip, the templates
        under the mouse and the 3-D view; a plane on screen is drawn again in the new look."""
        self.theme = th
        for m in (self.loss_map, self.acc_map):
            m.set_theme(th)
            recolor_plot(m.plot, th)
            recolor_plot(m.colorbar, th)
        self.honesty.set_theme(th)
        self.hover.set_colors(th.foreground, th.background)
        if self.surface is not None:
            self.surface.set_theme(th)
        if self.result is not None:
            tracks = tracks_of(self.result.view, self.colors)
            for m, grid in ((self.loss_map, self.result.loss), (self.acc_map, self.result.accuracy)):
                if grid is not None:
                    m.set_tracks(tracks)
            self.honesty.set_view(self.result.view, [self.colors[i % len(self.colors)] for i in self.result.view.runs])
            self._show_3d()

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.surface is None:
            from app.ui.views.surface_view import SurfaceView

            self.surface = SurfaceView(th=self.theme)
            self.loss_tabs.blockSignals(True)
            self.loss_tabs.removeTab(1)
            self.loss_tabs.addTab(self.surface, "loss, 3-D")
            self.loss_tabs.setCurrentIndex(1)
            self.loss_tabs.blockSignals(False)
            self._show_3d()

    def _show_3d(self) -> None:
        if self.surface is None or self.result is None:
            return
        f = self.result.view.landscape
        self.surface.set_surface(self.result.loss, "viridis", 16, tuple(f.landmarks.values()), f)
        self.surface.set_tracks(tracks_of(self.result.view, self.colors))

    def dispose(self) -> None:
        """Free the 3-D view's GL window (the window closing)."""
        if self.surface is not None:
            self.surface.dispose()

    def _hover(self, a: float, b: float) -> None:
        if self.result is None or not (np.isfinite(a) and np.isfinite(b)):
            return
        W = self.result.view.landscape.weights(a, b)
        self.hover.set_rows([("W(a, b)", self.theme.foreground, class_templates(W))],
                            title=f"class templates of W at (a, b) = ({a:.3g}, {b:.3g})")
