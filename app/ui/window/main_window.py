"""The main window: toolbar, Landscape dock, 3-D | 2-D views over the loss/|grad| plots,
Runs dock, status bar. It owns the Race and is the only place that mutates it.

Per frame: race.step(speed) then each view gets whole arrays (setData); the
surface is rebuilt only when the landscape, resolution or look changes.
"""
from __future__ import annotations

import atexit
import copy
import json
import time
import weakref
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.model import build, presets, scene_io
from app.model.history import UndoStack
from app.model.landscape_kinds import EXPRESSION, kind_of
from app.model.race import Race
from app.model.scene import RunSpec, Scene
from app.ui.common import theme
from app.ui.common.settings import AppSettings
from app.ui.common.workers import Job
from app.ui.panels.landscape_panel import LandscapePanel
from app.ui.panels.runs_panel import RunsPanel
from app.ui.views.contour_view import ContourView
from app.ui.views.plots_view import PlotsView
from app.ui.views.surface_grid import SurfaceGrid, sample
from app.ui.views.surface_view import SurfaceView

FRAME_MS = 16            # playback timer: about 60 frames per second at most
LEGEND_EVERY = 6         # refresh legend/list texts every few frames (text layout is slow)
PLOTS_EVERY = 3          # loss/|grad| curves at 1/3 of the frame rate: secondary, and raster-slow
STATUS_EVERY_S = 0.25    # status-bar text at most 4x a second: each change repaints the bar and the window behind it
SPEEDS = (1, 2, 3, 5, 10, 20, 50)
DOCK_SHARE = 0.235       # default dock width as a share of the window (each of Landscape, Runs)
DOCK_MIN_WIDTH = 240     # px: below this the panels' rows stop being readable
DOCK_WIDTHS = (325, 370) # px: Landscape, Runs at full size (the 1600-px layout)
VIEWS_MIN_WIDTH = 440    # px: 3-D | 2-D views area; a narrowing window takes the rest from the docks
STACK_BELOW = 640        # px: a views area narrower than this shows 3-D above 2-D, not side by side


_LIVE_WINDOWS: weakref.WeakSet[MainWindow] = weakref.WeakSet()


@atexit.register
def _close_live_windows() -> None:
    # Runs before PySide's own exit hook: windows still open at interpreter exit
    # are closed and deleted while Python is intact (else pyqtgraph's overrides
    # fire during teardown and crash shiboken).
    from PySide6.QtCore import QCoreApplication, QEvent

    for w in list(_LIVE_WINDOWS):
        try:
            w.close()
            w.deleteLater()
        except RuntimeError:   # already deleted on the C++ side
            pass
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def fallback_scene() -> Scene:
    """A built-in race used only if the preset files cannot be read."""
    from app.model.scene import LandscapeSpec
    runs = [RunSpec("gd", {"lr": 1e-3}), RunSpec("momentum", {"lr": 1e-3, "momentum": 0.9}),
            RunSpec("rmsprop", {"lr": 1e-2}), RunSpec("adam", {"lr": 5e-2})]
    return Scene(title="Rosenbrock race", caption="Four solvers race down the banana valley to (1, 1).",
                 landscape=LandscapeSpec("rosenbrock"), runs=runs)


class MainWindow(QMainWindow):
    """frame_drawn: emitted at the end of every redraw() (extensions draw their overlays then)."""

    frame_drawn = Signal()

    def __init__(self, scene: Scene | None = None, settings=None) -> None:
        super().__init__()
        self.setObjectName("LossLabMain")
        _LIVE_WINDOWS.add(self)
        self.settings = AppSettings(settings)
        self.theme = theme.LIGHT
        theme.apply_pyqtgraph(self.theme)
        self.undo_stack = UndoStack()
        self.race: Race | None = None
        self.grid: SurfaceGrid | None = None
        self.playing = False
        self.fps = 0.0
        self._last_frame = None
        self._frames = 0
        self._message = ""
        self._job: Job | None = None
        self._status_at = 0.0
        self._layout_restored = False

        self._build_views()
        self._build_docks()
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status()
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.advance)

        self.resize(1500, 920)
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._restore_layout(state)
        self.load_scene(scene if scene is not None else self._initial_scene())

    # ------------------------------------------------------------------ layout
    def _build_views(self) -> None:
        self.surface_view = SurfaceView(th=self.theme)
        self.contour_view = ContourView(th=self.theme)
        self.plots_view = PlotsView(th=self.theme)
        self.contour_view.start_clicked.connect(self.on_map_clicked)
        self.surface_view.start_clicked.connect(self.on_map_clicked)   # the same path, undo included
        self.views_split = QSplitter(Qt.Orientation.Horizontal)
        self.views_split.addWidget(self.surface_view)
        self.views_split.addWidget(self.contour_view)
        self.views_split.setSizes([1, 1])
        self.main_split = QSplitter(Qt.Orientation.Vertical)
        self.main_split.addWidget(self.views_split)
        self.main_split.addWidget(self.plots_view)
        self.main_split.installEventFilter(self)   # its width decides side by side or stacked
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([640, 230])
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(4, 4, 4, 0)
        lay.setSpacing(2)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("font-style: italic; color: #333; padding: 2px 6px;")
        lay.addWidget(self.caption)
        lay.addWidget(self.main_split, 1)
        central.setMinimumWidth(VIEWS_MIN_WIDTH)   # the docks give way before the views vanish
        self.setCentralWidget(central)

    def eventFilter(self, obj, event) -> bool:
        if obj is getattr(self, "main_split", None) and event.type() == QEvent.Type.Resize:
            self._orient_views(event.size().width())
        return super().eventFilter(obj, event)

    def _orient_views(self, width: int) -> None:
        """Side by side when there is room; on a narrow window (1024-px projector with both docks)
        3-D above 2-D, so each keeps the full width. Not with a third pane (formula panel) open."""
        sp = self.views_split
        want = Qt.Orientation.Vertical if width < STACK_BELOW else Qt.Orientation.Horizontal
        if sp.orientation() == want or (sp.count() > 2 and any(sp.widget(i).isVisible() for i in range(2, sp.count()))):
            return
        sp.setOrientation(want)
        sp.setSizes([1000] * 2 + [0] * (sp.count() - 2))

    def _dock(self, title: str, widget: QWidget, area, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)      # saveState/restoreState need stable names
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(widget)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        dock.setWidget(scroll)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.landscape_panel = LandscapePanel()
        self.runs_panel = RunsPanel()
        self.landscape_dock = self._dock("Landscape", self.landscape_panel, Qt.DockWidgetArea.LeftDockWidgetArea, "landscape_dock")
        self.runs_dock = self._dock("Runs", self.runs_panel, Qt.DockWidgetArea.RightDockWidgetArea, "runs_dock")
        for dock in (self.landscape_dock, self.runs_dock):
            dock.setMinimumWidth(DOCK_MIN_WIDTH)
        self.landscape_panel.spec_changed.connect(self.on_landscape_spec)
        self.runs_panel.edit.connect(self.on_run_edit)
        self.runs_panel.start_edit.connect(lambda i, x, y: self.set_start(i, (x, y)))
        self.runs_panel.selection_changed.connect(lambda _i: self._update_gradcheck())
        self.runs_panel.add_requested.connect(self.add_run)
        self.runs_panel.remove_requested.connect(self.remove_run)
        self.runs_panel.duplicate_requested.connect(self.duplicate_run)

    def _action(self, text: str, shortcut, slot, tip: str, checkable: bool = False) -> QAction:
        a = QAction(text, self)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        name = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText) if shortcut else ""
        a.setToolTip(f"{tip} ({name})" if name else tip)
        a.setStatusTip(a.toolTip())
        a.setCheckable(checkable)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_play = self._action("Play", Qt.Key.Key_Space, self.toggle_play, "Play / pause")
        self.act_step = self._action("Step", Qt.Key.Key_Right, lambda: self.step_once(), "Single step")
        self.act_reset = self._action("Reset", Qt.Key.Key_R, self.reset, "Reset all runs to their starts")
        style = self.style()
        SP = QStyle.StandardPixmap
        self._icon_play, self._icon_pause = style.standardIcon(SP.SP_MediaPlay), style.standardIcon(SP.SP_MediaPause)
        self.act_play.setIcon(self._icon_play)
        self.act_step.setIcon(style.standardIcon(SP.SP_MediaSkipForward))
        self.act_reset.setIcon(style.standardIcon(SP.SP_MediaSkipBackward))
        self.act_faster = self._action("Faster", Qt.Key.Key_Plus, lambda: self.change_speed(+1), "More steps per frame")
        self.act_slower = self._action("Slower", Qt.Key.Key_Minus, lambda: self.change_speed(-1), "Fewer steps per frame")
        self.act_undo = self._action("Undo", "Ctrl+Z", self.undo, "Undo start move or slider change")
        self.act_redo = self._action("Redo", "Ctrl+Shift+Z", self.redo, "Redo")
        self.act_open = self._action("Open scene…", "Ctrl+O", self.open_scene_dialog, "Open a scene file")
        self.act_save = self._action("Save scene…", "Ctrl+S", self.save_scene_dialog, "Save the scene as JSON")
        self.act_export = self._action("Export image…", "Ctrl+E", self.export_image_dialog, "Save a PNG of the window")
        self.act_present = self._action("Presentation", Qt.Key.Key_F11, self.toggle_presentation,
                                        "Lecture mode: full screen, docks folded away", checkable=True)
        self.act_quit = self._action("Quit", "Ctrl+Q", self.close, "Quit Loss Lab")
        self.act_add = self._action("Add run", "Ctrl+N", self.add_run, "Add a run")
        self.act_dup = self._action("Duplicate run", "Ctrl+D", lambda: self.duplicate_run(self.runs_panel.current), "Duplicate the selected run")
        self.act_cam_reset = self._action("Camera: reset", "1", lambda: self.surface_view.set_camera("reset"), "3-D camera: default orbit")
        self.act_cam_top = self._action("Camera: top", "2", lambda: self.surface_view.set_camera("top"), "3-D camera: from above")
        self.act_cam_side = self._action("Camera: side", "3", lambda: self.surface_view.set_camera("side"), "3-D camera: from the side")
        self.act_wire = self._action("Wireframe", "W", self.toggle_wireframe, "Grid lines on the 3-D surface", checkable=True)
        self.act_log = self._action("Log height", "L", self.toggle_log, "Colour and height by log10(f − f_min)", checkable=True)
        del K

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Playback")
        tb.setObjectName("playback_toolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.addWidget(QLabel(" Scene "))
        self.scene_picker = QComboBox()
        self.scene_picker.setToolTip("Built-in lecture scenes")
        self.scene_picker.addItem("—", None)
        for name in presets.builtin_scene_names():
            self.scene_picker.addItem(name.replace("_", " "), name)
        self.scene_picker.activated.connect(self._on_scene_picked)
        tb.addWidget(self.scene_picker)
        tb.addSeparator()
        for a in (self.act_play, self.act_step, self.act_reset):
            tb.addAction(a)
        self.speed_box = QSpinBox()
        self.speed_box.setRange(1, 100)
        self.speed_box.setPrefix("speed ")
        self.speed_box.setSuffix(" steps/frame")
        self.speed_box.setToolTip("Steps per frame (+ / −)")
        self.speed_box.valueChanged.connect(self._on_speed)
        tb.addWidget(self.speed_box)
        tb.addSeparator()
        tb.addAction(self.act_export)
        tb.addAction(self.act_present)
        for a in (self.act_cam_reset, self.act_cam_top, self.act_cam_side):
            tb.addAction(a)
        self.toolbar = tb

    def _build_menus(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        f.addAction(self.act_open)
        self.recent_menu = f.addMenu("Open recent")
        f.addAction(self.act_save)
        f.addAction(self.act_export)
        f.addSeparator()
        f.addAction(self.act_quit)
        e = mb.addMenu("&Edit")
        for a in (self.act_undo, self.act_redo, self.act_add, self.act_dup):
            e.addAction(a)
        p = mb.addMenu("&Playback")
        for a in (self.act_play, self.act_step, self.act_reset, self.act_faster, self.act_slower):
            p.addAction(a)
        v = mb.addMenu("&View")
        for a in (self.act_cam_reset, self.act_cam_top, self.act_cam_side, self.act_wire, self.act_log, self.act_present):
            v.addAction(a)
        v.addSeparator()
        v.addAction(self.landscape_dock.toggleViewAction())
        v.addAction(self.runs_dock.toggleViewAction())
        self._fill_recent()

    def _build_status(self) -> None:
        sb = self.statusBar()
        self.status_label = QLabel()
        sb.addWidget(self.status_label, 1)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Cancel the background job (Esc)")
        self.cancel_button.clicked.connect(self.cancel_job)
        for w in (self.progress, self.cancel_button):
            sb.addPermanentWidget(w)
            w.hide()

    # ------------------------------------------------------------------ scenes
    def _initial_scene(self) -> Scene:
        text = self.settings.last_scene_json()
        if text:
            try:
                return scene_io.scene_from_dict(json.loads(text))
            except (ValueError, TypeError):
                pass   # a stale or broken session: fall back to the default
        try:
            return presets.default_scene()
        except (ValueError, OSError):   # resources missing (e.g. a source checkout mid-build)
            return fallback_scene()

    def load_scene(self, scene: Scene) -> None:
        """Show a scene: build its landscape (off the GUI thread if slow), race and views."""
        self.pause()
        kind = kind_of(scene.landscape)
        if kind.slow:
            spec = copy.deepcopy(scene.landscape)
            self.run_job(lambda progress, cancel: build.build_landscape(spec, progress, cancel),
                         lambda landscape: self._install(Race(scene, landscape)), f"building {kind.display_name}")
            return
        self._install(Race(scene))

    def _install(self, race: Race) -> None:
        self.race = race
        self.undo_stack.clear()
        self._message = ""
        self.speed_box.blockSignals(True)
        self.speed_box.setValue(int(race.scene.playback.speed))
        self.speed_box.blockSignals(False)
        cam = race.scene.view.camera
        if cam:
            self.surface_view.setCameraPosition(**{k: cam[k] for k in ("distance", "elevation", "azimuth") if k in cam})
        self.setWindowTitle(f"Loss Lab — {race.scene.title}")
        self._select_scene_name(race.scene.title)
        self.caption.setText(race.scene.caption)
        self.caption.setVisible(bool(race.scene.caption))
        self.rebuild_surface()
        self.runs_panel.set_race(race, select=0)
        self.redraw()

    def _select_scene_name(self, title: str) -> None:
        """Show a built-in scene's name in the picker when its title matches, else '—'."""
        names = getattr(self, "_builtin_titles", None)
        if names is None:   # first call: do not slow the first frame; look the titles up soon after
            if not getattr(self, "_titles_scheduled", False):
                self._titles_scheduled = True
                QTimer.singleShot(400, self._load_builtin_titles)
            return
        self.scene_picker.blockSignals(True)
        self.scene_picker.setCurrentIndex(max(self.scene_picker.findData(names.get(title)), 0))
        self.scene_picker.blockSignals(False)

    def _load_builtin_titles(self) -> None:
        # Titles straight from the JSON (no validation: that would build expression
        # landscapes and import sympy on the GUI thread, a visible hitch).
        names = {}
        files = {p.stem: p for p in presets.scenes_dir().glob("*.json")}
        for name in presets.builtin_scene_names():
            path = next((p for stem, p in files.items() if stem == name or stem.endswith("_" + name)), None)
            try:
                names[json.loads(path.read_text(encoding="utf-8")).get("title")] = name
            except (OSError, ValueError, AttributeError):
                pass
        self._builtin_titles = names
        if self.race is not None:
            self._select_scene_name(self.race.scene.title)

    def rebuild_surface(self) -> None:
        """Sample the landscape and rebuild both views' surface items (not per frame)."""
        race = self.race
        spec, view = race.scene.landscape, race.scene.view
        bounds = build.view_bounds(spec, race.landscape)
        self.grid = sample(race.landscape, bounds, int(spec.resolution), log=view.log_z)
        minima = tuple(race.landscape.minima)
        self.surface_view.wireframe = bool(view.wireframe)
        self.surface_view.set_surface(self.grid, view.colormap, view.contour_levels, minima, race.landscape)
        self.contour_view.set_surface(self.grid, view.colormap, view.contour_levels, minima)
        self.plots_view.set_landscape(race.landscape, float(self.grid.f.min()))
        self.plots_view.set_total_steps(race.total_steps)
        self.landscape_panel.set_state(spec, race.landscape, bounds)
        self.act_log.blockSignals(True)
        self.act_log.setChecked(self.grid.log)
        self.act_log.blockSignals(False)
        self.act_wire.setChecked(bool(view.wireframe))

    def _on_scene_picked(self, _i: int) -> None:
        name = self.scene_picker.currentData()
        if name:
            self.load_scene(presets.load_builtin(name))
            self.scene_picker.setCurrentIndex(self.scene_picker.findData(name))

    def open_scene_file(self, path) -> bool:
        """Load a scene file; on a bad file show an error and keep the current scene."""
        try:
            scene = scene_io.load_scene(Path(path))
        except (ValueError, OSError) as e:
            QMessageBox.critical(self, "Cannot open scene", f"{path}\n\n{e}")
            return False
        self.load_scene(scene)
        self.settings.add_recent(path)
        self._fill_recent()
        return True

    def save_scene_file(self, path) -> Path:
        self.race.scene.view.camera = self.surface_view.camera_dict()
        out = scene_io.save_scene(self.race.scene, Path(path))
        self.settings.add_recent(path)
        self._fill_recent()
        self.show_message(f"saved {Path(path).name}")
        return out

    def open_scene_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open scene", "", "Loss Lab scenes (*.json);;All files (*)")
        if path:
            self.open_scene_file(path)

    def save_scene_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save scene", "scene.json", "Loss Lab scenes (*.json)")
        if path:
            try:
                self.save_scene_file(path)
            except (ValueError, OSError) as e:
                QMessageBox.critical(self, "Cannot save scene", f"{path}\n\n{e}")

    def export_image_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export image", "losslab.png", "PNG images (*.png)")
        if path:
            self.centralWidget().grab().save(path)
            self.show_message(f"exported {Path(path).name}")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.recent_files():
            a = self.recent_menu.addAction(p)
            a.triggered.connect(lambda _c=False, p=p: self.open_scene_file(p))
        self.recent_menu.setEnabled(bool(self.settings.recent_files()))

    # ------------------------------------------------------------------ playback
    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def play(self) -> None:
        if self.race is None:
            return
        if self.race.finished:
            self.race.reset()
        self.playing = True
        self._last_frame = None
        self.act_play.setText("Pause")
        self.act_play.setIcon(self._icon_pause)
        self.timer.start()

    def pause(self) -> None:
        self.playing = False
        self.timer.stop()
        self.act_play.setText("Play")
        self.act_play.setIcon(self._icon_play)
        if self.race is not None:
            self.redraw()

    def step_once(self, n: int = 1) -> None:
        self.pause()
        self._step(n)
        self.redraw()

    def reset(self) -> None:
        self.race.reset()
        self._message = ""
        self.redraw()

    def change_speed(self, direction: int) -> None:
        cur = self.speed_box.value()
        if direction > 0:
            nxt = next((s for s in SPEEDS if s > cur), min(cur * 2, 100))
        else:
            nxt = next((s for s in reversed(SPEEDS) if s < cur), 1)
        self.speed_box.setValue(nxt)

    def _on_speed(self, v: int) -> None:
        if self.race is not None:
            self.race.scene.playback.speed = int(v)

    def _step(self, n: int) -> None:
        for msg in self.race.step(n):
            self._message = msg

    def advance(self) -> None:
        """One playback frame: step the race by `speed`, push whole arrays to the views."""
        if self.race is None:
            return
        if self.race.finished:
            self.pause()
            return
        self._step(self.speed_box.value())
        now = time.perf_counter()
        if self._last_frame is not None:
            dt = now - self._last_frame
            self.fps = 1.0 / dt if self.fps == 0 else 0.9 * self.fps + 0.1 / max(dt, 1e-6)
        self._last_frame = now
        self._frames += 1
        self.redraw(texts=self._frames % LEGEND_EVERY == 0,
                    plots=self._frames % PLOTS_EVERY == 0 or self.race.finished, playback=True)

    def redraw(self, texts: bool = True, plots: bool = True, playback: bool = False) -> None:
        """Push the race's current tracks to every view (whole arrays, nothing rebuilt).

        playback: a timer frame, so the status text is throttled even before play()
        has set `playing` (a status-bar change repaints the bar and the window behind it).
        """
        runs = self.race.runs
        self.surface_view.set_tracks(runs)
        self.contour_view.set_tracks(runs)
        if plots or texts:
            self.plots_view.set_tracks(runs, legend=texts)
        if texts:
            self.runs_panel.update_losses()
            self._update_gradcheck()
        now = time.perf_counter()
        throttled = self.playing or playback
        news = bool(self._message) and self._message not in self.status_label.text()   # e.g. "diverged": at once
        if not throttled or news or self.race.finished or now - self._status_at >= STATUS_EVERY_S:
            self._status_at = now
            self._update_status()
        self.frame_drawn.emit()

    def _update_status(self) -> None:
        parts = [f"step {self.race.step_count} / {self.race.total_steps}"]
        if self.playing and self.fps:
            parts.append(f"{self.fps:.0f} FPS")
        if self._message:
            parts.append(self._message)
        self.status_label.setText("  |  ".join(parts))

    def show_message(self, text: str) -> None:
        self._message = text
        if self.race is not None:
            self._update_status()

    def _update_gradcheck(self) -> None:
        i = self.runs_panel.current
        if self.race is not None and 0 <= i < len(self.race.runs):
            self.landscape_panel.show_gradcheck(self.race.landscape, self.race.runs[i].head)

    # ------------------------------------------------------------------ edits (undoable)
    def on_map_clicked(self, x: float, y: float, all_runs: bool) -> None:
        self.set_start(None if all_runs else self.runs_panel.current, (x, y))

    def _scene_index(self, row: int) -> int:
        """Panel rows list enabled runs; the race addresses runs by their scene index."""
        return self.race.runs[row].index

    def _start_of(self, i: int):
        s = self.race.scene.runs[i].start
        return tuple(s) if s is not None else tuple(self.race.landscape.default_start)

    def set_start(self, index: int | None, xy) -> None:
        """Move the start of one run (or all: index None); undoable."""
        if self.race is None or (index is not None and not 0 <= index < len(self.race.runs)):
            return
        index = None if index is None else self._scene_index(index)
        targets = [tr.index for tr in self.race.runs] if index is None else [index]
        old = {i: self._start_of(i) for i in targets}
        new = (float(xy[0]), float(xy[1]))

        def undo():
            for i, s in old.items():
                self.race.set_start(i, s)
            self._after_edit()

        def redo():
            self.race.set_start(index, new)
            self._after_edit()

        try:
            self.race.set_start(index, new)
        except ValueError as e:
            self.show_message(f"cannot move start: {e}")
            return
        self.undo_stack.push(f"move start to ({new[0]:.2f}, {new[1]:.2f})", undo, redo)
        self._after_edit()

    def on_run_edit(self, index: int, changes: dict, what: str) -> None:
        """Apply a Runs-panel edit via race.set_run; invalid values change nothing."""
        changes = dict(changes)
        merge = changes.pop("_merge", None)
        mode = self.runs_panel.mode_value
        tr = self.race.runs[index]
        index = tr.index
        old = {}
        for k, v in changes.items():
            if k == "hyper":
                old["hyper"] = {h: tr.solver.hyper.get(h) for h in v}
            else:
                old[k] = copy.deepcopy(getattr(tr.spec, k))
        if "solver" in changes:
            old["hyper"] = dict(tr.spec.hyper)
        try:
            self.race.set_run(index, mode=mode, **changes)
        except ValueError as e:
            self.show_message(f"not applied: {e}")
            self.runs_panel.show_run()
            return

        def undo():
            self.race.set_run(index, mode=mode, **old)
            self._after_edit(reload_editor=True)

        def redo():
            self.race.set_run(index, mode=mode, **changes)
            self._after_edit(reload_editor=True)

        self.undo_stack.push(f"change {what}", undo, redo, merge_key=merge)
        self._after_edit(reload_editor=what in ("solver", "colour", "label", "schedule"))

    def _after_edit(self, reload_editor: bool = False) -> None:
        if reload_editor:
            self.runs_panel.set_race(self.race)
        self.redraw()

    def undo(self) -> None:
        d = self.undo_stack.undo()
        self.show_message(f"undid {d}" if d else "nothing to undo")

    def redo(self) -> None:
        d = self.undo_stack.redo()
        self.show_message(f"redid {d}" if d else "nothing to redo")

    def add_run(self) -> None:
        used = {tr.spec.solver for tr in self.race.runs}
        import solvers
        from app.model.suggest import suggest_hyper

        solver = next((s for s in solvers.names() if s not in used), "gd")
        start = self._start_of(self._scene_index(self.runs_panel.current)) if self.race.runs else None
        # rates that move telling-ly and stably on this surface (the defaults may diverge or crawl)
        hyper = suggest_hyper(solver, self.race.landscape, start)
        self.race.add_run(RunSpec(solver=solver, hyper=hyper, start=start))
        self.undo_stack.clear()   # indices shifted: old undo steps would hit the wrong run
        self.runs_panel.set_race(self.race, select=len(self.race.runs) - 1)
        self.redraw()

    def duplicate_run(self, index: int) -> None:
        if 0 <= index < len(self.race.runs):
            self.race.duplicate_run(self._scene_index(index))
            self.undo_stack.clear()
            self.runs_panel.set_race(self.race, select=len(self.race.runs) - 1)
            self.redraw()

    def remove_run(self, index: int) -> None:
        if 0 <= index < len(self.race.runs):
            self.race.remove_run(self._scene_index(index))
            self.undo_stack.clear()
            self.runs_panel.set_race(self.race, select=max(index - 1, 0))
            self.redraw()

    def on_landscape_spec(self, spec) -> None:
        """A new surface from the Landscape panel; errors keep the current one."""
        kind = kind_of(spec)
        if kind.slow:
            self.run_job(lambda progress, cancel: build.build_landscape(spec, progress, cancel),
                         lambda landscape: self.set_landscape(spec, landscape), f"building {kind.display_name}")
            return
        try:
            landscape = build.build_landscape(spec)
        except ValueError as e:
            self.show_message(f"landscape not changed: {e}")
            if kind is EXPRESSION:
                self.landscape_panel.show_expression_error(str(e))
            self.landscape_panel.set_state(self.race.scene.landscape, self.race.landscape,
                                           build.view_bounds(self.race.scene.landscape, self.race.landscape))
            return
        self.set_landscape(spec, landscape)

    def set_landscape(self, spec, landscape) -> None:
        """Race on an already built landscape (spec describes it): surface, runs panel, views."""
        self.race.set_landscape(spec, landscape)
        self.undo_stack.clear()
        self._message = ""
        self.rebuild_surface()
        self.runs_panel.set_race(self.race)
        self.redraw()

    def toggle_wireframe(self) -> None:
        self.race.scene.view.wireframe = self.act_wire.isChecked()
        self.rebuild_surface()
        self.redraw()

    def toggle_log(self) -> None:
        self.race.scene.view.log_z = self.act_log.isChecked()
        self.rebuild_surface()
        self.redraw()

    # ------------------------------------------------------------------ extensions
    EXTENSIONS = ("lecture", "annotations", "cifar_panel", "swarm_window")

    def install_extensions(self) -> list[str]:
        """Attach the optional features that live in their own modules (each has install(window)),
        and route Export to the export dialog. run_gui calls this; tests may skip it."""
        import importlib

        installed = []
        for name in self.EXTENSIONS:
            try:
                module = importlib.import_module(f"app.ui.features.{name}")
            except ImportError:
                continue
            module.install(self)
            installed.append(name)
        self._restore_layout(self.settings.window_state()[1])   # extension docks (CIFAR-10) as last left
        try:
            from app.ui.features.export_dialog import ExportDialog
        except ImportError:
            return installed
        self.act_export.setText("Export…")
        self.act_export.setToolTip("Export an image or a video of the views (Ctrl+E)")
        self.act_export.triggered.disconnect()
        self.act_export.triggered.connect(lambda _c=False: ExportDialog(self).exec())
        installed.append("export_dialog")
        return installed

    # ------------------------------------------------------------------ background jobs
    def run_job(self, fn, on_done, what: str) -> None:
        """Run fn(progress, cancel) in a QThread with a status-bar progress bar and Cancel."""
        self.cancel_job()
        job = Job(fn, self)
        self._job = job
        self.progress.setValue(0)
        self.progress.setFormat(f"{what} %p%")
        self.progress.show()
        self.cancel_button.show()
        job.progressed.connect(lambda v, m: (self.progress.setValue(v), m and self.show_message(m)))

        def done(result):
            self._end_job(job)
            on_done(result)

        job.finished_ok.connect(done)
        job.failed.connect(lambda m: (self._end_job(job), QMessageBox.critical(self, "Failed", f"{what}:\n{m}")))
        job.cancelled.connect(lambda: (self._end_job(job), self.show_message(f"{what}: cancelled")))
        job.start()

    def cancel_job(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def _end_job(self, job: Job) -> None:
        if self._job is job:
            self._job = None
            self.progress.hide()
            self.cancel_button.hide()

    # ------------------------------------------------------------------ presentation
    def toggle_presentation(self) -> None:
        """F11: the lecture mode of app.ui.features.lecture (attached on first use if no extension did it)."""
        lecture = getattr(self, "lecture", None)
        if lecture is None:
            from app.ui.features import lecture as lecture_module

            lecture = lecture_module.install(self)
        lecture.toggle()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_shown_once", False):   # splitters get real sizes only once shown
            self._shown_once = True
            if not self._layout_restored:
                self._fit_docks()
                self.layout().activate()   # now, not after the first frames (a visible jump)
            w = max(self.views_split.width(), 2)
            self.views_split.setSizes([w // 2, w - w // 2])
            h = max(self.main_split.height(), 4)
            self.main_split.setSizes([int(h * 0.70), h - int(h * 0.70)])

    def _fit_docks(self) -> None:
        """Default dock widths: DOCK_SHARE of the window each, between DOCK_MIN_WIDTH and what the
        panel asks for (so 1600 px looks as before and 1024 px still leaves the views room)."""
        pairs = [(d, full) for d, full in zip((self.landscape_dock, self.runs_dock), DOCK_WIDTHS)
                 if not d.isHidden() and not d.isFloating()]
        if not pairs:
            return
        share = int(self.width() * DOCK_SHARE)
        docks = [d for d, _ in pairs]
        widths = [max(DOCK_MIN_WIDTH, min(share, full)) for _, full in pairs]
        self.resizeDocks(docks, widths, Qt.Orientation.Horizontal)

    def _restore_layout(self, state) -> None:
        """Dock and tool-bar layout from the last session; a presentation layout saved by an older
        version (tool bar and every dock hidden) is not a layout anyone chose: show them again."""
        if state is None:
            return
        self._layout_restored = self.restoreState(state)
        docks = [d for d in self.findChildren(QDockWidget) if d.parentWidget() is self]
        if self.toolbar.isHidden() and all(d.isHidden() for d in docks):
            for bar in (self.toolbar, *docks):
                bar.setVisible(True)

    # ------------------------------------------------------------------ shutdown
    def _normal_layout(self) -> tuple:
        """(geometry, state) to remember: never the presentation layout (docks, tool bar hidden)."""
        lecture = getattr(self, "lecture", None)
        if lecture is not None:
            return lecture.normal_layout()
        return self.saveGeometry(), self.saveState()

    def closeEvent(self, event) -> None:
        self.pause()
        self.cancel_job()
        cifar = getattr(self, "cifar_panel", None)
        if cifar is not None and hasattr(cifar, "shutdown"):
            cifar.shutdown()   # cancel its own background job (download, training)
        if self._job is not None:
            self._job.wait(2000)
        self.settings.set_window_state(*self._normal_layout())
        if self.race is not None:
            self.race.scene.view.camera = self.surface_view.camera_dict()
            self.settings.set_last_scene_json(json.dumps(scene_io.scene_to_dict(self.race.scene)))
        self.settings.sync()
        self.surface_view.dispose()
        super().closeEvent(event)
