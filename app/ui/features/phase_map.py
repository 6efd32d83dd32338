"""Phase map window: an outcome of the selected run's solver over two of its hyper-parameters.

    install(host)   adds Swarm → Phase map… (Ctrl+Shift+M)

The map is app.model.phase_map (Qt-free, one vectorised run over the grid),
computed as a background job on the current surface from the selected run's
start, and drawn by app.ui.views.phase_map_view. Clicking a cell loads its
settings into the selected run (one undoable edit); Best snaps to the best
cell; Save image… writes the map as PNG or SVG through app.model.safe_output.
On a surface with minibatch gradients (a dataset) the batch size is an axis too.

A scene goes with its map both ways: loading a scene with a ``phase_map``
section (app.model.scene.MapSpec) opens the window set to it and computes it,
and Keep with scene writes the window's settings into the scene as one
undoable edit, so saving the scene keeps the map.
"""
from __future__ import annotations

import dataclasses
import weakref
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

import solvers
from app.model import build
from app.model.lifted import stepper_target
from app.model.limits import MAX_MAP_CELLS, MAX_MAP_STEPS
from app.model.phase_map import BATCH, OUTCOMES, PhaseMap, map_axis_names, phase_map
from app.model.scene import MapAxis, MapSpec, RunSpec
from app.model.scene_io import SceneError, validate_scene
from app.model.scene_map import (
    DEFAULT_CELLS,
    DEFAULT_TOL,
    axis_value,
    axis_values,
    default_range,
    map_arguments,
    run_value,
    second_axis,
)
from app.model.typed_numbers import finite_number
from app.ui.common.lazy_window import LazyWindow
from app.ui.views.phase_map_view import OUTCOME_LABELS, PhaseMapView
from app.ui.window.host import Host

# a scene's limits (app.model.limits), so that every map the window computes can be kept with the scene
MAX_RESOLUTION = MAX_MAP_CELLS
MAX_STEPS = MAX_MAP_STEPS


KEEP_TEXT = "keep the phase map with the scene"


def has_minibatches(landscape: Any, start: Any) -> bool:
    """Whether what a run steps on ``landscape`` has minibatch gradients (a batch-size axis applies)."""
    target, _ = stepper_target(landscape, start)
    return getattr(target, "minibatch_grad", None) is not None


class AxisRow:
    """One axis's controls: which hyper-parameter, from, to, log or linear, how many cells."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.name = QComboBox()
        self.lo, self.hi = QLineEdit(), QLineEdit()
        for e in (self.lo, self.hi):
            e.setMaximumWidth(110)
        self.log = QComboBox()
        self.log.addItems(["log", "linear"])
        self.cells = QSpinBox()
        self.cells.setRange(2, MAX_RESOLUTION)
        self.cells.setValue(DEFAULT_CELLS)
        self.cells.setToolTip(f"values on this axis (up to {MAX_RESOLUTION}; batch sizes each once)")

    def widgets(self) -> list:
        return [QLabel(self.title), self.name, QLabel("from"), self.lo, QLabel("to"), self.hi, self.log,
                QLabel("cells"), self.cells]

    def set(self, name: str, lo: float, hi: float, log: bool) -> None:
        self.name.setCurrentText(name)
        self.lo.setText(f"{lo:.6g}")
        self.hi.setText(f"{hi:.6g}")
        self.log.setCurrentIndex(0 if log else 1)

    def spec(self) -> MapAxis:
        """The axis as the scene writes it (ValueError when a field is unusable)."""
        name = self.name.currentText()
        lo = finite_number(self.lo.text(), f"{self.title} from")
        hi = finite_number(self.hi.text(), f"{self.title} to")
        log = self.log.currentIndex() == 0
        if log and (lo <= 0 or hi <= 0):
            raise ValueError(f"{self.title} ({name}): a log axis needs values > 0")
        return MapAxis(name, lo, hi, int(self.cells.value()), log)

    def axis(self) -> tuple[str, np.ndarray]:
        spec = self.spec()
        return spec.name, axis_values(spec)


class PhaseMapWindow(QDialog):
    """Non-modal window: the controls, the map and what a click does with it."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.setWindowTitle("Phase map — Loss Lab")
        self.pm: PhaseMap | None = None
        self.note = ""          # said with the next map's status line (a scene's map of a run kept back)
        self.x, self.y = AxisRow("x"), AxisRow("y")
        for axis_row in (self.x, self.y):
            axis_row.name.currentTextChanged.connect(lambda n, r=axis_row: self._axis_changed(r, n))
        self.steps = QSpinBox()
        self.steps.setRange(1, MAX_STEPS)
        self.steps.setValue(300)
        self.outcome = QComboBox()
        for name in OUTCOMES:
            self.outcome.addItem(OUTCOME_LABELS[name], name)
        self.tol = QLineEdit(f"{DEFAULT_TOL:g}")
        self.tol.setMaximumWidth(90)
        self.tol.setToolTip("tolerance on loss − f* for 'steps to reach the tolerance'")
        self.compute = QPushButton("Compute")
        self.compute.setDefault(True)
        self.compute.setShortcut(QKeySequence("Ctrl+Return"))
        self.compute.clicked.connect(self.compute_map)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(200)
        self.cancel = QPushButton("Cancel")
        self.best = QPushButton("Best")
        self.best.setToolTip("Load the best cell's settings into the selected run")
        self.best.clicked.connect(self.snap_to_best)
        self.save = QPushButton("Save image…")
        self.save.clicked.connect(self.ask_save)
        self.keep = QPushButton("Keep with scene")
        self.keep.setToolTip("Write these map settings into the scene (one undo step): saving the scene keeps "
                             "the map, and loading it opens the map")
        self.keep.clicked.connect(self.keep_with_scene)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.view = PhaseMapView(host.theme)
        self.view.cell_clicked.connect(self.load_cell)
        self.status = QLabel()

        lay = QVBoxLayout(self)
        for widgets in (self.x.widgets(), self.y.widgets(),
                        [QLabel("Steps"), self.steps, QLabel("Outcome"), self.outcome, QLabel("tol"), self.tol]):
            row = QHBoxLayout()
            for w in widgets:
                row.addWidget(w)
            row.addStretch(1)
            lay.addLayout(row)
        lay.addWidget(self.title)
        lay.addWidget(self.view, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        for w in (self.best, self.keep, self.save, self.progress, self.cancel, self.compute):
            bottom.addWidget(w)
        lay.addLayout(bottom)
        self.resize(1100, 820)
        self.jobs = host.new_jobs(self, lambda text, _error: self.status.setText(text),
                                  progress=self.progress, cancel_button=self.cancel)
        self.jobs.busy_changed.connect(lambda busy: self.compute.setEnabled(not busy))
        host.closing.connect(self.jobs.shutdown)   # the main window closing stops a running job first
        host.race_changed.connect(self.show_current)   # an edit or an undo moves the run's ring
        host.look_changed.connect(self.apply_look)
        self.apply_look(host.theme, host.presentation)
        host.selection_changed.connect(lambda _row: self.show_current())   # the ring is the selected run's
        self._sync_buttons()

    # ------------------------------------------------------------------ inputs
    def _selected_row(self) -> int | None:
        """The selected run's row in race.runs (the enabled runs, as the Runs panel lists them)."""
        race = self.host.race
        if race is None or not race.runs:
            return None
        i = self.host.selected_row
        return i if 0 <= i < len(race.runs) else 0

    def _run_spec(self) -> RunSpec | None:
        row = self._selected_row()
        return None if row is None else self.host.race.runs[row].spec

    def _run_solver(self) -> solvers.Solver | None:
        spec = self._run_spec()
        return None if spec is None else solvers.make(spec.solver, **spec.hyper)

    def _fill_names(self, opt: solvers.Solver, run: RunSpec) -> list[str]:
        """Both axes' choices for the run's solver (the batch size where the surface has minibatches)."""
        assert opt.spec is not None
        landscape = self.host.race.landscape
        names = map_axis_names(opt.spec, batch=has_minibatches(landscape, build.start_of(run, landscape)))
        for row in (self.x, self.y):
            row.name.blockSignals(True)     # the caller sets the ranges, not a new axis's defaults
            row.name.clear()
            row.name.addItems(names)
            row.name.blockSignals(False)
        return names

    def sync_from_window(self) -> None:
        """Axes for the selected run's solver: lr on a log range around its lr, and its second knob
        (momentum, β₂, α or weight decay)."""
        opt, run = self._run_solver(), self._run_spec()
        if opt is None or opt.spec is None or run is None:
            self.status.setText("no run to map: add a run first")
            return
        names = self._fill_names(opt, run)
        second = second_axis(names)
        for row, name in ((self.x, "lr"), (self.y, second)):
            row.name.blockSignals(True)
            row.set(name, *default_range(opt.spec, dict(opt.hyper), name))
            row.name.blockSignals(False)
        race = self.host.race
        if race is not None and race.total_steps > 0:
            self.steps.setValue(min(race.total_steps, MAX_STEPS))

    def use_spec(self, spec: MapSpec) -> None:
        """Set the controls to a scene's map and select the run it maps (as Compute will map it)."""
        race = self.host.race
        rows = [k for k, tr in enumerate(race.runs) if tr.index == spec.run] if race is not None else []
        self.note = "" if rows else (f"the scene's map is of run {spec.run + 1}, which is kept back: "
                                     "this is the selected run's")
        if rows and rows[0] != self.host.selected_row:
            self.host.select_run(rows[0])
        opt, run = self._run_solver(), self._run_spec()
        if opt is None or run is None:
            return
        self._fill_names(opt, run)
        for row, axis in ((self.x, spec.x), (self.y, spec.y)):
            row.name.blockSignals(True)
            row.set(axis.name, axis.low, axis.high, axis.log)
            row.cells.setValue(axis.cells)
            row.name.blockSignals(False)
        self.steps.setValue(spec.steps)
        self.outcome.setCurrentIndex(self.outcome.findData(spec.outcome))
        if spec.tol is not None:
            self.tol.setText(f"{spec.tol:.6g}")

    def map_spec(self) -> MapSpec:
        """The controls as a scene's phase map of the selected run (ValueError when unusable)."""
        row = self._selected_row()
        if row is None:
            raise ValueError("no run to map: add a run first")
        outcome = str(self.outcome.currentData())
        tol = finite_number(self.tol.text(), "tol") if outcome == "steps_to_tol" else None
        return MapSpec(run=self.host.race.runs[row].index, x=self.x.spec(), y=self.y.spec(),
                       steps=int(self.steps.value()), outcome=outcome, tol=tol)

    def _axis_changed(self, row: AxisRow, name: str) -> None:
        opt = self._run_solver()
        if opt is not None and opt.spec is not None and name:
            row.set(name, *default_range(opt.spec, dict(opt.hyper), name))

    def inputs(self) -> dict[str, Any]:
        """phase_map's keyword arguments from the controls and the selected run, as a scene's map of
        it (app.model.scene_map: its start, noise, schedule, batch size and seed); ValueError when unusable."""
        race = self.host.race
        return map_arguments(race.scene, race.landscape, self.map_spec())

    # ------------------------------------------------------------------ compute
    def compute_map(self) -> None:
        try:
            a = self.inputs()
        except ValueError as e:
            self.status.setText(f"cannot compute: {e}")
            return

        def fn(progress=None, cancel=None):
            return phase_map(**a, progress=progress, cancel=cancel)

        self.jobs.run("phase map", fn, self.show_map,
                      on_failed=lambda text: self.status.setText(f"phase map: {text}"))

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    def show_map(self, pm: PhaseMap) -> None:
        self.pm = pm
        self.view.show_map(pm)
        self.show_current()
        f = self.host.race.landscape
        n_div = int(pm.diverged.sum())
        text = (f"<b>{getattr(f, 'title', 'surface')}</b>: {pm.solver}, {pm.x.values.size} × {pm.y.values.size} "
                f"settings, {pm.steps} steps; f* = {pm.f_star:.4g} "
                f"({'known' if pm.f_star_known else 'least loss on the map'}).<br>")
        if pm.best is not None:
            best = pm.settings(*pm.best)
            text += f"Best: {self._describe(best)}. "
        if pm.lr_limit is not None:
            text += f"{pm.bound_text} = {pm.lr_limit:.3g}. "
        elif pm.lr_bound is not None:
            text += f"Dashed: the stability edge {pm.bound_text}. "
        if pm.theory is not None:
            text += f"Diamond: heavy-ball theory, {self._describe(self._theory_settings(pm))}. "
        text += "Click a cell to load its settings into the selected run."
        self.title.setText(text)
        self.status.setText("; ".join(s for s in (self.note, f"{n_div} of {pm.diverged.size} settings diverged") if s))
        self.note = ""
        self._sync_buttons()

    @staticmethod
    def _theory_settings(pm: PhaseMap) -> dict[str, Any]:
        assert pm.theory is not None
        return {pm.x.name: pm.theory[0], pm.y.name: pm.theory[1]}

    def _describe(self, settings: dict[str, Any]) -> str:
        pm = self.pm
        assert pm is not None
        return ", ".join(f"{a.name} = {axis_value(settings, a.name):.3g}" for a in (pm.x, pm.y))

    def show_current(self) -> None:
        """Mark the selected run's settings on the map (when it runs the map's solver)."""
        spec, pm = self._run_spec(), self.pm
        if pm is None or spec is None:
            return
        x, y = (run_value(spec, pm.x.name), run_value(spec, pm.y.name)) if spec.solver == pm.solver else (None, None)
        self.view.show_current(None if x is None or y is None else (x, y))

    def _sync_buttons(self) -> None:
        self.best.setEnabled(self.pm is not None and self.pm.best is not None)
        self.save.setEnabled(self.pm is not None)

    # ------------------------------------------------------------------ edits
    def load_cell(self, i: int, j: int) -> None:
        """Give the selected run cell (i, j)'s settings: one undoable edit."""
        pm, row = self.pm, self._selected_row()
        if pm is None or row is None:
            return
        settings = pm.settings(i, j)
        batch = settings.pop(BATCH, None)      # a property of the run's gradient, not of its solver
        keys = {"betas" if a.name in ("beta1", "beta2") else a.name for a in (pm.x, pm.y) if a.name != BATCH}
        changes: dict[str, Any] = {"hyper": {k: settings[k] for k in keys}}
        if self.host.race.runs[row].spec.solver != pm.solver:
            changes["solver"] = pm.solver
            changes["hyper"] = dict(settings)
        if batch is not None:
            changes["batch_size"] = int(batch)
        self.host.edit_run(row, changes, "phase map")
        self.show_current()
        self.status.setText(f"{self.host.race.runs[row].label}: {self._describe(pm.settings(i, j))}")

    def keep_with_scene(self) -> bool:
        """Write the controls into the scene's phase map (one undoable edit); False, with the
        reason in the status line, when they are unusable or do not fit the scene."""
        try:
            spec = self.map_spec()
            validate_scene(dataclasses.replace(self.host.race.scene, phase_map=spec))  # as the edit checks it
        except SceneError as e:
            self.status.setText(f"not kept: {e.problems[0]}")
            return False
        except ValueError as e:
            self.status.setText(f"not kept: {e}")
            return False
        if not self.host.set_phase_map(spec, KEEP_TEXT):
            return False
        self.status.setText(f"kept with the scene: {spec.x.name} × {spec.y.name}, {spec.steps} steps "
                            "(saving the scene keeps the map; Ctrl+Z takes it back)")
        return True

    def snap_to_best(self) -> None:
        if self.pm is not None and self.pm.best is not None:
            self.load_cell(*self.pm.best)

    # ------------------------------------------------------------------ saving
    def ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the phase map", "phase_map.png",
                                              "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            self.save_image(path)

    def save_image(self, path: str) -> bool:
        """Write the map (with its axes and colour bar) as .png or .svg; a failure is one status line."""
        from app.ui.export.image_io import save_png, save_svg

        try:
            suffix = path.lower().rsplit(".", 1)[-1] if "." in path else ""
            if suffix not in ("png", "svg"):
                raise ValueError(f"the phase map saves as .png or .svg, got {path!r}")
            if suffix == "svg":
                size = (self.view.width(), self.view.height())
                save_svg(path, size, size, "Phase map", lambda p: self.view.render(p))
            else:
                save_png(self.view.grab().toImage(), path)
        except (OSError, ValueError) as e:
            self.status.setText(f"not saved: {e}")
            return False
        self.status.setText(f"saved {path}")
        return True

    def apply_look(self, th, presentation: bool) -> None:
        """The window's widgets and its map in the main window's theme (D dark / light) and text
        sizes (F11: lecture mode's, readable from the back row)."""
        from app.ui.views.plot_look import follow_palette, size_window

        follow_palette(self, th)
        self.view.apply_theme(th)
        self.view.set_presentation(presentation)
        size_window(self, presentation, self.progress)
        # room for the title's lines at this size before a map: a label that grows later can be drawn clipped
        self.title.setMinimumHeight(4 * self.title.fontMetrics().height())

    def closeEvent(self, event) -> None:
        self.jobs.shutdown()
        super().closeEvent(event)


class PhaseMapFeature(QObject):
    """Swarm → Phase map… and its window (made on first use)."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.windows = LazyWindow(lambda: PhaseMapWindow(host))
        self.act = host.add_action("Phase map…", "Ctrl+Shift+M", self.open,
                                   "An outcome over two hyper-parameters of the selected run's solver",
                                   menu=host.add_menu("S&warm"))
        self._race_seen: weakref.ref[Any] | None = None   # the race last followed (not kept alive)
        self._opened_by_scene = False
        host.scene_loaded.connect(self.follow_scene)
        QTimer.singleShot(0, self.follow_scene)   # the scene the window started on came before this feature

    def dialog(self) -> PhaseMapWindow:
        return self.windows.get()

    def open(self) -> PhaseMapWindow:
        """Show the window for the selected run and compute its map."""
        w = self.dialog()
        w.sync_from_window()
        self.windows.show()
        w.compute_map()
        return w

    def follow_scene(self) -> None:
        """A newly loaded scene with a phase map opens the window set to that map and computes it;
        one without hides the window if the previous scene opened it."""
        race = self.host.race
        if race is None or (self._race_seen is not None and self._race_seen() is race):
            return      # the same race again (a standalone scene leaves the window's race alone)
        self._race_seen = weakref.ref(race)
        spec = race.scene.phase_map
        if spec is None:
            if self._opened_by_scene and self.windows.made is not None:
                self.windows.made.hide()
            self._opened_by_scene = False
            return
        w = self.dialog()
        w.use_spec(spec)
        # shown without taking the focus: the lecture's keys (PageDown) stay with the main window
        w.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        w.show()
        w.raise_()
        w.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        self._opened_by_scene = True
        w.compute_map()


def install(host: Host) -> PhaseMapFeature:
    return PhaseMapFeature(host)
