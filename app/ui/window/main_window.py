"""The main window: toolbar, Landscape dock, 3-D | 2-D views over the loss/|grad| plots,
Runs dock, status bar. It owns the Race and is the only place that mutates it
(through app.model.edits, so every edit can be undone).

Per frame: playback steps the race, then each view gets whole arrays (setData);
the surface is rebuilt only when the landscape, resolution or look changes.
Features reach the window only through ``self.host`` (app.ui.window.host).
"""
from __future__ import annotations

import copy
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from app.model import build, presets
from app.model.edits import RaceEdits
from app.model.landscape_kinds import chosen_cifar_root, kind_of, set_cifar_root
from app.model.playback import Playback
from app.model.race import Race
from app.model.scene import Scene
from app.ui.common import theme
from app.ui.common.jobs import JobRunner
from app.ui.common.settings import AppSettings
from app.ui.views.surface_grid import SurfaceGrid, axis_names, sample
from app.ui.window import docks, landscape_switch, lifetime, menus, session
from app.ui.window.host import Host
from app.ui.window.map_input import MapInput
from app.ui.window.scene_files import SceneFiles
from app.ui.window.scene_picker import ScenePicker
from app.ui.window.status import Status
from app.ui.window.views_area import ViewsArea

FRAME_MS = 16            # playback timer: about 60 frames per second at most
DOCK_WIDTHS = (325, 370) # px: Landscape, Runs at full size (the 1600-px layout)


class MainWindow(QMainWindow):
    # A scene could not be shown (its landscape failed to build, now or in its background job);
    # the scene on screen stays. Lecture mode uses it to keep its scene counter where it was.
    scene_failed = Signal(str)

    def __init__(self, scene: Scene | None = None, settings=None) -> None:
        super().__init__()
        self.setObjectName("LossLabMain")
        lifetime.keep_track(self)
        self.settings = AppSettings(settings)
        set_cifar_root(self.settings.cifar_root())   # the data folder CIFAR-10 scenes read (the dock sets it)
        self.theme = theme.LIGHT
        theme.apply_pyqtgraph(self.theme)
        self.race: Race | None = None
        self.grid: SurfaceGrid | None = None
        self._drawn_landscape = None   # the race's landscape the views were last rebuilt for
        self.playback = Playback()
        self.edits = RaceEdits(self._after_edit)
        self.host = Host(self)
        self._layout_restored = False
        self._shown_once = False

        self.views_area = ViewsArea(self.theme)
        a = self.views_area
        self.surface_view, self.contour_view, self.plots_view = a.surface_view, a.contour_view, a.plots_view
        self.views_split, self.caption = a.views_split, a.caption
        self.setCentralWidget(a)
        self.contour_view.start_clicked.connect(self.on_map_clicked)
        self.surface_view.start_clicked.connect(self.on_map_clicked)   # the same path, undo included
        self.map_input = MapInput(self)
        docks.build_panels(self)
        self.files = SceneFiles(self)
        menus.build_actions(self)
        self.toolbar = menus.build_toolbar(self)
        self.places = menus.Places(self, self.toolbar)
        menus.build_menus(self, self.places)
        self.picker = ScenePicker(self.scene_picker)
        self.scene_picker.activated.connect(self._on_scene_picked)
        self.speed_box.valueChanged.connect(self._on_speed)
        self.status = Status(self)
        self.status_label = self.status.label
        self.jobs = JobRunner(self, lambda text, _error: self.show_message(text),
                              progress=self.status.progress, cancel_button=self.status.cancel_button)
        self.files.fill_recent()
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.advance)

        self.resize(1500, 920)
        notice = session.restore_geometry(self, self.settings)
        self.restore_layout()
        self._start(scene, notice)

    # ------------------------------------------------------------------ scenes
    def _start(self, scene: Scene | None, notice: str) -> None:
        """The given scene, else the last session's, else the default. A session that cannot
        be restored, whatever the cause, gives the default scene and a one-line notice."""
        what = "scene"
        if scene is None:
            what, (scene, problem) = "last session", session.last_scene(self.settings)
            notice = notice or problem
        try:
            if scene is not None:
                self.load_scene(scene)
        except Exception as e:  # a scene that no longer builds or draws: never stop a start
            self.race = None
            notice = session.notice(what, e)
        if self.race is None and not self.jobs.busy:
            self.load_scene(session.default_scene())
        if notice:
            self.show_message(notice)

    def load_scene(self, scene: Scene) -> bool:
        """Show a scene: build its landscape (off the GUI thread if slow), race and views.
        False if it failed at once; a slow build that fails later emits ``scene_failed``."""
        self.pause()
        kind = kind_of(scene.landscape)
        if kind.standalone:   # not a 2-D surface: its feature shows it (host.py)
            return self.host.show_standalone(scene)
        if kind.slow:
            spec = copy.deepcopy(scene.landscape)
            what = f"building {kind.display_name}"
            self.jobs.run(what, lambda progress, cancel: build.build_landscape(spec, progress, cancel),
                          lambda landscape: self._install(Race(scene, landscape)),
                          on_failed=lambda m: self._scene_failed(f"{what} failed: {m}"))
            return True
        try:
            race = Race(scene)
        except ValueError as e:          # a landscape that does not build: the old scene stays
            self._scene_failed(f"scene not loaded: {e}")
            return False
        self._install(race)
        return True

    def _scene_failed(self, text: str) -> None:
        if self.race is None:            # nothing on screen yet (a start): show the default
            self.load_scene(session.default_scene())
        self.show_message(text)
        self.scene_failed.emit(text)

    def _install(self, race: Race) -> None:
        self.race = race
        self.edits.use(race)
        self.status.message = ""
        self.playback.set_speed(min(max(int(race.scene.playback.speed), 1), self.speed_box.maximum()))
        self.speed_box.blockSignals(True)
        self.speed_box.setValue(self.playback.speed)
        self.speed_box.blockSignals(False)
        cam = race.scene.view.camera
        if cam:
            self.surface_view.setCameraPosition(**{k: cam[k] for k in ("distance", "elevation", "azimuth") if k in cam})
        self._loaded_landscape = copy.deepcopy(race.scene.landscape)
        self._show_title()
        self.picker.show_title(race.scene.title)
        self.host.show_caption(race.scene.caption)
        self.rebuild_surface()
        self.runs_panel.set_race(race, select=0)
        self.redraw()
        self._say_start_problems()
        self.host.scene_loaded.emit()

    def _show_title(self) -> None:
        """The scene's title while it shows its own surface; the surface's once another is chosen."""
        race = self.race
        same = race.scene.landscape == self._loaded_landscape
        self.setWindowTitle(f"Loss Lab — {race.scene.title if same else race.landscape.title}")

    def pick_scene_name(self, name: str) -> None:
        self.picker.pick(name)

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
        self.contour_view.set_axis_names(*axis_names(race.landscape))
        self._drawn_landscape = race.landscape
        self.plots_view.set_landscape(race.landscape, float(self.grid.f.min()))
        self.plots_view.set_total_steps(race.total_steps)
        self.landscape_panel.set_state(spec, race.landscape, bounds)
        for act, on in ((self.act_log, self.grid.log), (self.act_wire, bool(view.wireframe))):
            act.blockSignals(True)
            act.setChecked(on)
            act.blockSignals(False)
        self.host.landscape_changed.emit()

    def show_surface(self, landscape) -> None:
        """Draw ``landscape`` in the 3-D and 2-D views over the same box, leaving the race alone.

        For a surface that moves under a run: a run of the linear-classifier lab moves in
        all nine parameters, and the plane it is drawn on is redrawn through it
        (WeightSpaceLandscape.through). The race, the Runs panel and the plots keep the
        race's landscape; the next rebuild_surface draws that again.
        """
        race = self.race
        spec, view = race.scene.landscape, race.scene.view
        bounds = build.view_bounds(spec, race.landscape)
        self.grid = sample(landscape, bounds, int(spec.resolution), log=view.log_z)
        minima = tuple(landscape.minima)
        self.surface_view.set_surface(self.grid, view.colormap, view.contour_levels, minima, landscape)
        self.contour_view.set_surface(self.grid, view.colormap, view.contour_levels, minima)
        self.surface_view.set_tracks(race.runs)
        self.contour_view.set_tracks(race.runs)

    def _on_scene_picked(self, _i: int) -> None:
        name = self.scene_picker.currentData()
        if name:
            self.host.load_scene(presets.load_builtin(name), name)

    # ------------------------------------------------------------------ playback
    def toggle_play(self) -> None:
        self.pause() if self.playback.playing else self.play()

    def play(self) -> None:
        if self.race is None:
            return
        self.playback.play(self.race)
        self.act_play.setText("Pause")
        self.act_play.setIcon(self.icon_pause)
        self.timer.start()

    def pause(self) -> None:
        self.playback.pause()
        self.timer.stop()
        self.act_play.setText("Play")
        self.act_play.setIcon(self.icon_play)
        if self.race is not None:
            self.redraw()

    def step_once(self, n: int = 1) -> None:
        self.pause()
        self._messages(self.playback.step(self.race, n))
        self.redraw()

    def reset(self) -> None:
        self.race.reset()
        self.status.message = ""
        self.redraw()

    def _on_speed(self, v: int) -> None:
        self.playback.set_speed(int(v))
        if self.race is not None:
            self.race.scene.playback.speed = int(v)

    def _messages(self, messages: list[str]) -> None:
        if messages:
            self.status.message = messages[-1]

    def advance(self) -> None:
        """One playback frame: step the race by `speed`, push whole arrays to the views."""
        if self.race is None:
            return
        frame = self.playback.tick(self.race, time.perf_counter())
        if frame is None:
            self.pause()
            return
        self._messages(frame.messages)
        self.redraw(texts=frame.texts, plots=frame.plots, playback=True)

    def redraw(self, texts: bool = True, plots: bool = True, playback: bool = False) -> None:
        """Push the race's current tracks to every view (whole arrays, nothing rebuilt).

        playback: a timer frame, so the status text is throttled even before play()
        has set `playing` (a status-bar change repaints the bar and the window behind it).
        """
        if self.surface_view.disposed:   # closed (a timer or a late job may still ask): nothing to draw into
            return
        runs = self.race.runs
        self.surface_view.set_tracks(runs)
        self.contour_view.set_tracks(runs)
        if plots or texts:
            self.plots_view.set_tracks(runs, legend=texts)
        if texts:
            self.runs_panel.update_losses()
            self._update_gradcheck()
        self.status.show(self.race, self.playback, throttled=self.playback.playing or playback)
        self.host.frame_drawn.emit()

    def _say_start_problems(self) -> None:
        problems = self.race.start_problems() if self.race is not None else []
        if problems:
            self.show_message("; ".join(problems))

    def show_message(self, text: str) -> None:
        self.status.message = text
        self.status.show(self.race, self.playback)

    def _update_gradcheck(self) -> None:
        i = self.runs_panel.current
        if self.race is not None and 0 <= i < len(self.race.runs):
            self.landscape_panel.show_gradcheck(self.race.landscape, self.race.runs[i].head)

    # ------------------------------------------------------------------ edits (undoable, app.model.edits)
    def on_map_clicked(self, x: float, y: float, all_runs: bool) -> None:
        self.set_start(None if all_runs else self.runs_panel.current, (x, y))

    def set_start(self, row: int | None, xy) -> None:
        """Move the start of one run (or all: row None); undoable."""
        if self.race is None:
            return
        try:
            self.edits.set_start(row, xy)
        except ValueError as e:
            self.show_message(f"cannot move start: {e}")

    def on_run_edit(self, row: int, changes: dict, what: str) -> None:
        """Apply a Runs-panel edit via race.set_run; invalid values change nothing."""
        changes = dict(changes)
        merge = changes.pop("_merge", None)
        try:
            self.edits.edit_run(row, changes, what, mode=self.runs_panel.mode_value, merge=merge)
        except ValueError as e:
            self.show_message(f"not applied: {e}")
            self.runs_panel.show_run()

    def _after_edit(self, reload_editor: bool = False) -> None:
        if self.race.landscape is not self._drawn_landscape:   # an undoable landscape edit, or its undo
            self.rebuild_surface()
            self._show_title()
        if self.caption.text() != self.race.scene.caption:   # a fair race's tuning, or its undo
            self.host.set_scene_text(self.race.scene.title, self.race.scene.caption)
        if reload_editor:
            self.runs_panel.set_race(self.race)
        self.runs_panel.show_start()       # a click, a drag or an undo moved it: the fields follow
        self.redraw()
        self._say_start_problems()
        self.host.race_changed.emit()

    def undo(self) -> None:
        self.show_message(self.edits.undo())

    def redo(self) -> None:
        self.show_message(self.edits.redo())

    def _runs_changed(self, select: int) -> None:
        self.runs_panel.set_race(self.race, select=select)
        self.redraw()
        self.host.race_changed.emit()

    def add_run(self) -> None:
        self._runs_changed(self.edits.add_run(self.runs_panel.current))

    def duplicate_run(self, row: int) -> None:
        if 0 <= row < len(self.race.runs):
            self._runs_changed(self.edits.duplicate_run(row))

    def remove_run(self, row: int) -> None:
        if 0 <= row < len(self.race.runs):
            self._runs_changed(self.edits.remove_run(row))

    def on_landscape_spec(self, spec) -> None:
        """A new surface from the Landscape panel (see landscape_switch: built off the GUI thread when slow)."""
        landscape_switch.request(self, spec)

    def edit_landscape(self, spec, landscape, what: str, *, clear_starts: bool = False,
                       from_start: bool = False) -> bool:
        """Race on a reshaped landscape as one undoable edit (app.model.edits.edit_landscape);
        False, with the reason in the status bar, if the runs cannot start on it."""
        if self.race is None:
            return False
        try:
            self.edits.edit_landscape(spec, landscape, what, clear_starts=clear_starts, from_start=from_start)
        except ValueError as e:
            self.show_message(f"not applied: {e}")
            return False
        return True

    def retune(self, tuned, what: str) -> bool:
        """A fair race's tuned scene as one undoable edit (app.model.edits.retune); False, with the
        reason in the status bar, if it was refused."""
        if self.race is None:
            return False
        try:
            self.edits.retune(tuned, what)
        except ValueError as e:
            self.show_message(f"not applied: {e}")
            return False
        return True

    def set_landscape(self, spec, landscape) -> None:
        """Race on an already built landscape; one that cannot be drawn is refused, the old one stays."""
        landscape_switch.switch(self, spec, landscape)

    def set_wireframe(self, on: bool) -> None:
        self.race.scene.view.wireframe = bool(on)
        self.rebuild_surface()
        self.redraw()

    def set_log_height(self, on: bool) -> None:
        self.race.scene.view.log_z = bool(on)
        self.rebuild_surface()
        self.redraw()

    # ------------------------------------------------------------------ layout and shutdown
    def restore_layout(self) -> None:
        """Dock and tool-bar layout from the last session (again once features added their docks)."""
        try:
            self._layout_restored = docks.restore_layout(self, self.settings.window_state()[1])
        except Exception as e:  # a damaged settings file never stops a start
            self.show_message(session.notice("window layout", e))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        menus.fit_toolbar(self)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_once:   # splitters get real sizes only once shown
            self._shown_once = True
            if not self._layout_restored:
                if self.width() < docks.ONE_COLUMN_BELOW:   # a 1024-px screen: the views need the width
                    docks.one_column(self, self.landscape_dock, self.runs_dock)
                docks.fit_docks(self, [(self.landscape_dock, DOCK_WIDTHS[0]), (self.runs_dock, DOCK_WIDTHS[1])])
                self.layout().activate()   # now, not after the first frames (a visible jump)
            self.views_area.share_height()

    def closeEvent(self, event) -> None:
        self.pause()
        self.host.closing.emit()
        self.jobs.shutdown(2000)
        if self.race is not None:
            self.race.scene.view.camera = self.surface_view.camera_dict()
        self.settings.set_cifar_root(chosen_cifar_root())
        session.save(self.settings, *self.host.layout_to_save(), self.race.scene if self.race is not None else None)
        self.surface_view.dispose()
        super().closeEvent(event)
