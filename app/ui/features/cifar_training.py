"""The CIFAR-10 training race window: every run trains all 30,730 weights of the linear classifier.

    install(host)   adds CIFAR-10 → Training race… (Ctrl+Shift+T), and shows the scenes whose
                    landscape kind is cifar_training (standalone: the main window never builds them)

The engine is app.model.cifar_race (Qt-free); this window edits its runs (a
table: solver, η, batch size, schedule, weight decay; random search is a solver
too), steps it one step of every run per frame on a worker thread (about 3 ms
for 4 runs at batch 200; the window stays live even while a full-batch
evaluation runs) and draws it: the live
plots (views/training_plots), every run's class templates (views/templates_view)
and, on the Plane tab, the paths on a plane with the honesty strip and the
accuracy map (views/plane_pane). Loading the data, drawing a plane and finding
λmax run off the GUI thread (app.ui.common.jobs) with progress and Cancel; a
plane and λmax read a snapshot of the race (app.model.cifar_snapshot), so
training goes on meanwhile.

Next to the lr of the selected run: 2/λmax of the full-batch loss at that run's
current W (app.model.cifar_lr_bound), computed when the race pauses or on
request; a run whose η is past it is marked red in the table.

Settings apply when the race (re)starts from W_init: Reset, or Start after an edit.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.model.blas_threads import one_blas_thread
from app.model.cifar_lr_bound import LrBound, lr_bound
from app.model.cifar_race import CifarRace, RunSettings, class_templates, run_colors, step_on_one_blas_thread
from app.model.cifar_snapshot import snapshot
from app.model.cifar_training_data import SUBSETS, load_race_data
from app.model.landscape_kinds import cifar_root
from app.model.scene import PALETTE, Scene
from app.ui.common.lazy_window import LazyWindow
from app.ui.common.theme import Theme
from app.ui.views.plane_pane import PlanePane, compute_plane
from app.ui.views.plot_look import follow_palette
from app.ui.views.templates_view import TemplatesView
from app.ui.views.training_loss_box import TrainingLossBox
from app.ui.views.training_plots import TrainingPlots
from app.ui.views.training_runs_table import TrainingRunsTable
from app.ui.window.host import Host

KIND = "cifar_training"
DEFAULT_RUNS = (RunSettings("sgd", {"lr": 4e-7}), RunSettings("momentum", {"lr": 1e-7}),
                RunSettings("adam", {"lr": 1e-4}), RunSettings("random_search"))
DEFAULT_SUBSET = 10_000
DEFAULT_STEPS = 1500
FRAME_MS = 0            # a frame as soon as the last one is painted (the race is the frame budget)
WAIT_S = 0.004          # s a frame may wait for the worker's step before giving the event loop its turn
PLOT_EVERY = 3          # frames between two updates of the plots (and of the templates, one frame later)


class CifarTrainingWindow(QDialog):
    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.setWindowTitle("CIFAR-10 training race — Loss Lab")
        big = QFont()
        big.setPointSize(12)
        self.setFont(big)
        self.data = None                      # RaceData of data_subset images, kept across resets
        self.data_subset: int | None = None
        self.race: CifarRace | None = None
        self.race_settings: dict[str, Any] = dict(seed=0, eval_every=None)   # loss, reg, λ: self.loss_box
        self.bound: LrBound | None = None
        self.frames = 0
        self._dirty = False                   # the table differs from the race on screen

        # --- controls ---------------------------------------------------------------
        self.subset = QComboBox()
        for n in SUBSETS:
            self.subset.addItem(f"{n:,} images", n)
        self.subset.setCurrentIndex(SUBSETS.index(DEFAULT_SUBSET))
        self.subset.setToolTip("training images (the next 1,000 are the validation set)")
        self.steps = QSpinBox()
        self.steps.setRange(1, 100_000)
        self.steps.setValue(DEFAULT_STEPS)
        self.steps.setToolTip("the race pauses at this step")
        self.start_button = QPushButton("Start")
        self.start_button.setShortcut(QKeySequence("Space"))
        self.start_button.setToolTip("Start or pause the race (Space)")
        self.start_button.clicked.connect(self.toggle)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to W_init with the table's settings (R)")
        self.reset_button.setShortcut(QKeySequence("R"))
        self.reset_button.clicked.connect(self.reset)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.cancel = QPushButton("Cancel")
        self.step_label = QLabel("step 0")
        self.loss_box = TrainingLossBox()     # one loss for every run of the race
        top = QHBoxLayout()
        for w in (QLabel("Data"), self.subset, self.loss_box, QLabel("Steps"), self.steps, self.start_button,
                  self.reset_button, self.step_label):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel)

        # --- runs ---------------------------------------------------------------------
        self.table = TrainingRunsTable()
        self.table.set_settings(list(DEFAULT_RUNS), run_colors(DEFAULT_RUNS))
        self.table.edited.connect(self._table_edited)
        self.loss_box.edited.connect(self._table_edited)
        self.table.itemSelectionChanged.connect(self._show_bound)
        add, add_search, remove = QPushButton("Add run"), QPushButton("Add random search"), QPushButton("Remove")
        add.clicked.connect(lambda: self.add_run(RunSettings("sgd", {"lr": 4e-7})))
        add_search.clicked.connect(lambda: self.add_run(RunSettings("random_search")))
        remove.clicked.connect(self.remove_run)
        buttons = QHBoxLayout()
        for b in (add, add_search, remove):
            buttons.addWidget(b)
        self.bound_label = QLabel("2/λmax = —")
        self.bound_label.setTextFormat(Qt.TextFormat.RichText)
        self.bound_label.setWordWrap(True)
        self.bound_button = QPushButton("Find λmax")
        self.bound_button.setToolTip("λmax of the full-batch loss at the selected run's W: "
                                     "full-batch GD is stable for η < 2/λmax")
        self.bound_button.clicked.connect(self.find_bound)
        bound_row = QHBoxLayout()
        bound_row.addWidget(self.bound_label, 1)
        bound_row.addWidget(self.bound_button)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.addWidget(QLabel("Runs (they start from the same W_init on the same minibatches)"))
        ll.addWidget(self.table, 1)
        ll.addLayout(buttons)
        ll.addLayout(bound_row)

        # --- plots, templates, plane -------------------------------------------------------
        self.plots = TrainingPlots(th=host.theme)
        self.templates = TemplatesView(foreground=host.theme.foreground, background=host.theme.background)
        training = QSplitter(Qt.Orientation.Vertical)
        training.addWidget(self.plots)
        training.addWidget(self.templates)
        training.setStretchFactor(0, 3)
        training.setStretchFactor(1, 2)
        self.plane = PlanePane(th=host.theme)
        self.plane.requested.connect(self.show_plane)
        self.tabs = QTabWidget()
        self.tabs.addTab(training, "Training")
        self.tabs.addTab(self.plane, "Plane")
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([440, 1060])     # the table needs ~440 px; the plots and plane take the rest
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)
        self.resize(1500, 940)

        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        # the race steps on a worker thread, one step a frame handed over by tick(); the GUI thread
        # touches the race only between steps (_settle), so planes and λmax snapshot a still race
        self._stepper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="losslab-race")
        self._step: Future | None = None
        self.timer.timeout.connect(self.tick)
        self.jobs = host.new_jobs(self, self._say, progress=self.progress, cancel_button=self.cancel)
        self.bound_jobs = host.new_jobs(self, self._say)
        host.closing.connect(self.stop)
        host.look_changed.connect(self.apply_look)
        self.apply_look(host.theme, host.presentation)
        self.plane.set_runs([s.label for s in self.table_settings_or_empty()])

    def _say(self, text: str, _error: bool = False) -> None:
        self.status.setText(text)

    def apply_look(self, th: Theme, presentation: bool = False) -> None:
        """The main window's new theme and text sizes (D, F11) on the widgets, plots, templates and plane."""
        follow_palette(self, th)
        self.plots.set_theme(th)
        self.plots.set_text_size(presentation)
        self.templates.set_colors(th.foreground, th.background)
        self.plane.set_theme(th)

    # ------------------------------------------------------------------ runs
    def table_settings_or_empty(self) -> list[RunSettings]:
        try:
            return self.table.settings()
        except ValueError:
            return []

    def add_run(self, s: RunSettings) -> None:
        self.table.add_row(s, PALETTE[(n := self.table.rowCount()) % len(PALETTE)])
        self.table.selectRow(n)
        self._table_edited()

    def remove_run(self) -> None:
        if self.table.rowCount() > 1:
            self.table.remove_row(self.table.current)
            self._table_edited()
        else:
            self.status.setText("a race needs at least one run")

    def _table_edited(self) -> None:
        self._dirty = True
        self._show_bound()
        self.status.setText("settings changed: they apply from W_init at the next Start or Reset")

    # ------------------------------------------------------------------ data and race
    def ensure_data(self, then) -> None:
        """Load the chosen subset (a job) unless loaded, then call then()."""
        n = int(self.subset.currentData())
        if self.data is not None and self.data_subset == n:
            then()
            return
        root = cifar_root()

        def loaded(data) -> None:
            self.data, self.data_subset = data, n
            then()

        self.jobs.run(f"loading {n:,} CIFAR-10 images", lambda progress, cancel:
                      load_race_data(root, n, progress, cancel), loaded, announce=True)

    def reset(self) -> None:
        """A new race from W_init with the table's settings (loading the data first if needed)."""
        self.pause()
        try:
            settings = self.table.settings()
        except ValueError as e:
            self.status.setText(f"not started: {e}")
            return
        self.ensure_data(lambda: self._new_race(settings))

    def _new_race(self, settings: list[RunSettings]) -> bool:
        try:
            self.race = CifarRace(self.data, settings, **self.race_settings, **self.loss_box.values())
        except ValueError as e:
            self.status.setText(f"not started: {e}")
            return False
        self._dirty = False
        self.bound = None
        self.plane.set_runs([r.label for r in self.race.runs])
        self.redraw()
        self._show_bound()
        self.status.setText(f"{len(settings)} runs on {len(self.data.y):,} images, from W_init")
        return True

    def use_race(self, race: CifarRace, plane_kind: str) -> None:
        """Show a race made elsewhere (a scene): its runs in the table, its data kept for resets."""
        self.pause()
        self.data, self.data_subset = race.data, len(race.data.y)
        i = self.subset.findData(len(race.data.y))
        if i >= 0:
            self.subset.setCurrentIndex(i)
        self.race_settings = dict(seed=race.seed, eval_every=race.eval_every)
        self.loss_box.set_values(race.loss, race.reg, race.strength)
        self.table.set_settings([r.settings for r in race.runs], run_colors([r.settings for r in race.runs]))
        self.race, self._dirty, self.bound = race, False, None
        self.plane.set_runs([r.label for r in race.runs])
        self.plane.set_kind(plane_kind)
        self.redraw()
        self._show_bound()

    # ------------------------------------------------------------------ playback
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def toggle(self) -> None:
        self.pause() if self.playing else self.start()

    def start(self) -> None:
        if self.race is None or self._dirty or self.data_subset != self.subset.currentData():
            try:
                settings = self.table.settings()
            except ValueError as e:
                self.status.setText(f"not started: {e}")
                return
            self.ensure_data(lambda: self._new_race(settings) and self._play())
            return
        self._play()

    def _play(self) -> None:
        if self.race is None:
            return
        if self.race.t >= self.steps.value():
            self.steps.setValue(self.race.t + DEFAULT_STEPS)
        self.timer.start()
        self.start_button.setText("Pause")

    def pause(self) -> None:
        was = self.playing
        self.timer.stop()
        self._settle()
        self.start_button.setText("Start")
        if was and self.race is not None:
            self._evaluate_now()
            self.redraw()
            self.find_bound()
            if self.tabs.currentWidget() is self.plane:
                self.show_plane()

    def _evaluate_now(self) -> None:
        """A full-batch evaluation at the step the race paused on (if the last one was earlier),
        so the numbers on screen are the current W's."""
        race = self.race
        last = max((int(r.evals.values[-1, 0]) for r in race.runs if r.evals.count), default=-1)
        if last != race.t:
            with one_blas_thread():
                race.evaluate()

    def tick(self) -> None:
        """One frame: draw the step the worker finished, then hand it the next one. A step still
        running (a full-batch evaluation falls into one now and then) skips the frame: the
        window stays live meanwhile, and the next step overlaps this frame's repaint."""
        race = self.race
        if race is None:
            self.pause()
            return
        if self._step is not None:
            try:   # wait a little, not spin (a busy event loop would keep the GIL from the worker)
                self._step.exception(timeout=WAIT_S)
            except TimeoutError:
                return
            self._settle()
            # plots and templates take turns (as the main window's plots go every 3rd frame): a
            # frame then costs one view's repaint; both are whole at every pause
            self.redraw(plots=self.frames % PLOT_EVERY == 0, templates=self.frames % PLOT_EVERY == 1)
        if race.t >= self.steps.value() or all(r.diverged for r in race.runs):
            self.pause()
            return
        self._step = self._stepper.submit(step_on_one_blas_thread, race)

    def _settle(self) -> None:
        """Wait for the step in flight (if any): the race is the GUI thread's again after this."""
        step, self._step = self._step, None
        if step is not None:
            step.result()
            self.frames += 1

    def redraw(self, plots: bool = True, templates: bool = True) -> None:
        race = self.race
        if race is None:
            return
        cs = run_colors([r.settings for r in race.runs])
        if plots:
            self.plots.set_span(max(self.steps.value(), race.t))
            self.plots.set_runs(race.runs, cs)
        if templates:
            self.templates.set_rows([(r.label + (" ✕" if r.diverged else ""), c, class_templates(r.W))
                                     for r, c in zip(race.runs, cs, strict=True)])
        last = [r.evals.values[-1] for r in race.runs if r.evals.count]
        best = max(last, key=lambda v: v[2], default=None)
        text = f"step {race.t:,}"
        if best is not None:
            text += f"   best validation accuracy {100 * best[2]:.1f}% (at step {int(best[0]):,})"
        self.step_label.setText(text)

    # ------------------------------------------------------------------ plane and bound
    def show_plane(self) -> None:
        if self.race is None or self.race.t < 2:
            self.status.setText("no plane yet: train a few steps first")
            return
        choice = self.plane.choice()
        self._settle()
        snap = snapshot(self.race)
        cs = run_colors([r.settings for r in snap.runs])
        self.jobs.run(f"{choice['kind']} plane", lambda progress, cancel:
                      compute_plane(snap, choice["kind"], choice["a"], choice["b"], split=choice["split"]),
                      lambda result: self._plane_ready(result, cs))

    def _plane_ready(self, result, cs) -> None:
        self.plane.show_plane(result, cs)
        self.status.setText(result.view.faithfulness())

    def find_bound(self) -> None:
        """λmax at the selected run's current W (a job): the 2/λmax mark of the lr control."""
        race = self.race
        row = self.table.current
        if race is None or not 0 <= row < len(race.runs) or race.runs[row].searching:
            self._show_bound()
            return
        self._settle()
        snap = snapshot(race)
        self.bound_label.setText("2/λmax = … (finding λmax)")
        self.bound_jobs.run("λmax", lambda progress, cancel: lr_bound(snap, row), self._bound_ready)

    def _bound_ready(self, bound: LrBound) -> None:
        self.bound = bound
        self._show_bound()

    def _show_bound(self) -> None:
        b, row, race = self.bound, self.table.current, self.race
        settings = self.table_settings_or_empty()
        if b is not None and (race is None or b.run >= len(race.runs)):
            b = None
        where = "" if b is None else f"λmax at {race.runs[b.run].label}'s W, step {b.step}"
        for i in range(self.table.rowCount()):
            past = b is not None and i < len(settings) and b.marks(settings[i].solver, settings[i].hyper["lr"])
            self.table.mark_lr(i, past, f"past 2/λmax = {b.bound:.3g} ({where})" if past else "")
        if b is None:
            self.bound_label.setText("2/λmax = — (pause, or Find λmax)")
            return
        s = settings[row] if 0 <= row < len(settings) else None
        mark = "" if s is None else b.verdict(s.solver, s.hyper["lr"])
        self.bound_label.setText(f"2/λmax = <b>{b.bound:.3g}</b> ({where}).{mark}")

    # ------------------------------------------------------------------ scenes and shutdown
    def open_scene(self, scene: Scene) -> bool:
        """Build a cifar_training scene's race (a job) and show it; scene_failed if it cannot."""
        from app.model.cifar_training_scene import training_from_scene

        self.pause()
        self.show()
        self.raise_()

        def failed(message: str) -> None:
            self.status.setText(f"scene not loaded: {message}")
            self.host.show_message(f"scene not loaded: {message}")
            self.host.scene_failed.emit(message)

        def done(result) -> None:
            race, plane_kind = result
            self.use_race(race, plane_kind)
            self.setWindowTitle(f"{scene.title} — Loss Lab")
            self.status.setText(scene.caption)
            self.host.scene_loaded.emit()

        return self.jobs.run(f"building {scene.title}", lambda progress, cancel:
                             training_from_scene(scene, progress, cancel), done, on_failed=failed)

    def stop(self) -> None:
        """Stop training and the jobs (the app closing). λmax cannot be interrupted mid-Lanczos:
        its thread is a daemon, so the wait is short and the process does not wait for it."""
        self.timer.stop()
        self._settle()
        self._stepper.shutdown(wait=False)
        self.jobs.shutdown(2000)
        self.bound_jobs.shutdown(2000)
        self.plane.dispose()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.pause()
        super().closeEvent(event)


class CifarTraining(QObject):
    """The menu entry and the window (made on first use)."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.window)
        self.host = host
        self.windows = LazyWindow(lambda: CifarTrainingWindow(host))
        menu = host.add_menu("CIFAR-&10")     # the CIFAR-10 feature's menu (the host shares it by title)
        self.act = host.add_action("Training race…", "Ctrl+Shift+T", self.open,
                                   "Race solvers on all 30,730 weights of the CIFAR-10 linear classifier",
                                   menu=menu)
        host.handle_standalone(KIND, self.open_scene)

    def window(self) -> CifarTrainingWindow:
        return self.windows.get()

    def open(self) -> CifarTrainingWindow:
        w = self.windows.show()
        if w.race is None and not w.jobs.busy:
            w.reset()
        return w

    def open_scene(self, scene: Scene) -> bool:
        return self.window().open_scene(scene)


def install(host: Host) -> CifarTraining:
    """CIFAR-10 → Training race… and the window of cifar_training scenes."""
    return CifarTraining(host)
