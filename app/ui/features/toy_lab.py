"""The linear-classifier lab: the classifier in data space beside its loss landscape, linked both ways.

Shown while the landscape is a toy classifier's weight space (the
``toy_classifier`` kind, landscapes.toy WeightSpaceLandscape):

- a pane beside the 3-D | 2-D views: the data view (app.ui.views.data_view)
  at the selected run's current parameters, every run's boundaries in its
  colour; drag a point, click to add one of the chosen class, right-click to
  remove one. Each is one undoable edit of the landscape (its spec's "points")
  and the runs replay on the new data; while a point is dragged, the surface,
  the data view and the table already show it where it is (the runs replay on
  its release);
- a dock (app.ui.panels.classifier_panel): the table of points and losses,
  W and b with their gradients and the gradient check, single / repeated
  update, randomize, and the selected run's distance from the drawn plane.
  Editing W or b (or Randomize) sets the spec's W and b: the plane goes
  through them and every run restarts from them;
- while a run moves in all parameters, the surface under it is redrawn
  through it (WeightSpaceLandscape.through, host.show_surface), at most
  every LIVE_MS during playback.
"""
from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.model import build, toy_view
from app.ui.panels.classifier_panel import ClassifierPanel
from app.ui.views.data_view import DataView, class_color
from app.ui.window.host import Host
from landscapes.toy_classifier import WeightSpaceLandscape

LIVE_MS = 250        # during playback, the surface under a moving run is redrawn at most this often
DRAG_MS = 40         # a dragged point reshapes the drawn surface at most this often (its release always does)
OFF_PLANE = 1e-9     # a run this far from the drawn plane is on it


class ToyLab(QObject):
    """The lab's pane, dock and links (made by install(host))."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.view = DataView(th=host.theme)
        self.pane = QWidget()
        self.pane.setObjectName("toy_lab_pane")
        lay = QVBoxLayout(self.pane)
        lay.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        bar.addWidget(QLabel("Click adds"))
        self.add_class = QComboBox()
        self.add_class.setToolTip("The class of the points a click adds")
        self.add_class.currentIndexChanged.connect(lambda i: setattr(self.view, "add_class", max(int(i), 0)))
        bar.addWidget(self.add_class)
        hint = QLabel("drag moves · right-click removes")
        hint.setWordWrap(True)
        bar.addWidget(hint, 1)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        self.pane.hide()
        host.add_pane(self.pane)
        self.panel = ClassifierPanel()
        self.dock = host.add_dock("Classifier", self.panel, name="toy_lab_dock", area="right")
        self.dock.hide()
        self._landscape: WeightSpaceLandscape | None = None
        self._through = False          # the views show a plane through the selected run, not the race's
        self._through_key: tuple | None = None
        self._live_at = 0.0
        self._drag_at = 0.0
        self._preview: WeightSpaceLandscape | None = None   # the data as dragged, before its release
        self._rng = np.random.default_rng()
        self.view.point_dragged.connect(self._on_drag)
        self.view.point_added.connect(self._on_add)
        self.view.point_removed.connect(self._on_remove)
        self.panel.param_edited.connect(self._on_param)
        self.panel.single_update.connect(lambda: host.action("step").trigger())
        self.panel.repeated_update.connect(self._toggle_play)
        self.panel.randomize.connect(self.randomize)
        host.landscape_changed.connect(self.follow)
        host.scene_loaded.connect(lambda: self.follow(refit=True))
        host.frame_drawn.connect(self.refresh)
        host.selection_changed.connect(lambda _row: self.refresh())
        host.look_changed.connect(self._look)
        self.follow(refit=True)
        QTimer.singleShot(0, self._after_start)

    def _look(self, th, presentation: bool) -> None:
        self.view.set_theme(th)
        self.view.set_presentation(presentation)
        self.refresh()      # the run boundaries in the new widths

    # --- which landscape -----------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._landscape is not None

    def _current(self) -> WeightSpaceLandscape | None:
        race = self.host.race
        f = race.landscape if race is not None else None
        return f if isinstance(f, WeightSpaceLandscape) else None

    def follow(self, refit: bool = False) -> None:
        """A new surface is on screen: show the lab if it is a toy classifier's, with its data."""
        f = self._current()
        was = self._landscape
        self._landscape = f
        self._through = False
        self._show_or_hide()
        if f is None:
            return
        obj = f.objective
        if self.add_class.count() != obj.n_classes:
            self._fill_classes(obj.n_classes)
        self.view.set_data(obj.X, obj.y, obj.n_classes, refit=refit or was is None)
        self.refresh()

    def _show_or_hide(self) -> None:
        on = self._landscape is not None
        if self.pane.isVisible() != on:
            self.pane.setVisible(on)
            if on:
                self._make_room()
        if self.dock.isVisible() != on:
            self.dock.setVisible(on)

    def _make_room(self) -> None:
        """A third of the width each for 3-D, 2-D and data space (other panes keep theirs)."""
        sp = self.host.views_split
        sizes = sp.sizes()
        mine = sp.indexOf(self.pane)
        total = sum(sizes[i] for i in (0, 1, mine)) or sp.width()
        share = max(total // 3, 1)
        sizes[0] = sizes[1] = sizes[mine] = share
        sp.setSizes(sizes)

    def _after_start(self) -> None:
        """Once the window is shown: compose restored the saved docks, and the window shared
        the views' width between 3-D and 2-D only."""
        self._show_or_hide()
        if self.active:
            self._make_room()

    def _fill_classes(self, n: int) -> None:
        self.add_class.blockSignals(True)
        self.add_class.clear()
        for c in range(n):
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(class_color(c)))
            self.add_class.addItem(swatch, f"class {c}")
        self.add_class.blockSignals(False)
        self.add_class.setCurrentIndex(0)
        self.view.add_class = 0

    # --- per frame ---------------------------------------------------------------------
    def selected(self):
        """(the selected run, its full parameters) or (None, None)."""
        race, f = self.host.race, self._landscape
        if race is None or f is None or not race.runs:
            return None, None
        row = self.host.selected_row
        track = race.runs[row if 0 <= row < len(race.runs) else 0]
        return track, toy_view.params_of(track, f)

    def refresh(self) -> None:
        f = self._landscape
        if f is None or self.host.race is None:
            return
        if f is not self.host.race.landscape:      # replaced before landscape_changed reached us
            self.follow()
            return
        shown = self._preview if self._preview is not None else f
        obj = shown.objective
        runs = self.host.race.runs
        self.view.set_runs([(*obj.unpack(toy_view.params_of(tr, f)), tr.color) for tr in runs])
        track, theta = self.selected()
        self.panel.set_playing(self.host.playback.playing)
        if track is None:
            self.view.set_classifier(None, None)
            return
        self.view.set_classifier(*obj.unpack(theta))
        self.panel.show_run(track.label)
        self.panel.show_table(toy_view.point_table(obj, theta))
        check = obj.gradcheck(theta)
        self.panel.show_params(obj.names, theta, check.analytic, check.numeric, check.relative_error)
        distance = float(f.distance_from_plane(theta))
        self.panel.show_distance(track.label, distance)
        self._live_surface(shown, theta, distance)

    def _live_surface(self, f: WeightSpaceLandscape, theta: np.ndarray, distance: float) -> None:
        """The surface through the selected run while it is off the race's plane (throttled in playback),
        or of the data being dragged."""
        if distance <= OFF_PLANE and self._preview is None:
            if self._through:
                self._through = False
                self.host.rebuild_surface()
            return
        key = (id(f), theta.tobytes())
        if self._through and key == self._through_key:
            return                     # drawn through these parameters already (a redraw, a selection)
        now = time.monotonic()
        if self.host.playback.playing and (now - self._live_at) * 1000.0 < LIVE_MS:
            return
        self._live_at = now
        self._through, self._through_key = True, key
        self.host.show_surface(f.through(theta))

    def _toggle_play(self) -> None:
        self.host.action("play").trigger()
        self.panel.set_playing(self.host.playback.playing)

    # --- edits ----------------------------------------------------------------------------
    def _apply(self, params: dict, what: str, *, restart: bool = False) -> bool:
        """Race on the spec with ``params`` (one undoable edit); ``restart``: from the spec's W and b."""
        race = self.host.race
        spec = dataclasses.replace(race.scene.landscape, params=params)
        try:
            landscape = build.build_landscape(spec)
        except ValueError as e:
            self.host.show_message(f"not applied: {e}")
            return False
        return self.host.edit_landscape(spec, landscape, what, clear_starts=restart, from_start=restart)

    def _edit_points(self, what: str, **change) -> bool:
        f = self._landscape
        if f is None:
            return False
        try:
            params = toy_view.edited_params(dict(self.host.race.scene.landscape.params), f.objective, **change)
        except ValueError as e:
            self.host.show_message(f"not applied: {e}")
            return False
        return self._apply(params, what)

    def _on_drag(self, index: int, x: float, y: float, finished: bool) -> None:
        """While dragging, the surface, the data view and the table show the moved point at once
        (the runs keep their paths); the release is one undoable edit, and the runs replay on it."""
        if finished:
            self._preview = None
            if not self._edit_points(f"point {index} moved to ({x:.2f}, {y:.2f})", move=(index, x, y)):
                self.follow()
            return
        now = time.monotonic()
        f = self._landscape
        if f is None or (now - self._drag_at) * 1000.0 < DRAG_MS:
            return
        self._drag_at = now
        try:
            params = toy_view.edited_params(dict(self.host.race.scene.landscape.params), f.objective,
                                            move=(index, x, y))
            preview = build.build_landscape(dataclasses.replace(self.host.race.scene.landscape, params=params))
        except ValueError as e:
            self.host.show_message(f"not applied: {e}")
            return
        if isinstance(preview, WeightSpaceLandscape):
            self._preview = preview
            obj = preview.objective
            self.view.set_data(obj.X, obj.y, obj.n_classes)
            self.refresh()

    def _on_add(self, x: float, y: float) -> None:
        c = max(self.add_class.currentIndex(), 0)
        self._edit_points(f"point of class {c} added at ({x:.2f}, {y:.2f})", add=(x, y, c))

    def _on_remove(self, index: int) -> None:
        self._edit_points(f"point {index} removed", remove=index)

    def _on_param(self, index: int, value: float) -> None:
        f = self._landscape
        track, theta = self.selected()
        if f is None or theta is None:
            return
        name = f.objective.names[index]
        if not math.isfinite(value):
            self.host.show_message(f"not applied: {name} must be a number")
            self.refresh()
            return
        theta = np.array(theta)
        theta[index] = value
        if not self.set_params(theta, f"{name} to {value:g}"):
            self.refresh()

    def set_params(self, theta: np.ndarray, what: str) -> bool:
        """The spec's W and b from theta (P,): the plane goes through it and every run restarts there."""
        f = self._landscape
        if f is None:
            return False
        params = toy_view.with_params(dict(self.host.race.scene.landscape.params), f.objective, theta)
        return self._apply(params, what, restart=True)

    def randomize(self) -> None:
        """A random classifier (W and b from N(0, 1), two decimals): every run restarts from it."""
        f = self._landscape
        if f is not None:
            self.set_params(np.round(self._rng.standard_normal(f.objective.n_params), 2), "W and b randomized")


def install(host: Host) -> ToyLab:
    return ToyLab(host)
