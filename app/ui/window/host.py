"""The feature host: everything a feature (lecture, annotations, swarm, CIFAR-10, export, ...)
may use of the main window, in the spirit of napari's ``viewer.window.add_dock_widget``.

A feature is ``install(host) -> feature object``, listed in app.ui.compose. It
keeps its own state on its own object, adds its widgets through the host
(add_dock, add_menu, add_action, add_row, add_pane) and follows the window
through the signals; it never sets attributes on the window, and the window
never looks for it.

Signals
    frame_drawn        after every redraw (overlays draw then)
    race_changed       runs edited, added, removed, moved (the race's settings changed)
    landscape_changed  a new surface is on screen (rebuilt views, a new landscape)
    scene_loaded       a new scene is on screen
    scene_failed       (message) a scene could not be shown (the old one stays)
    scene_text_changed the scene's title or caption was set (set_scene_text)
    selection_changed  (row) another run is selected in the Runs panel
    look_changed       (theme, presentation) the window's theme or presentation sizes changed
    closing            the window is about to close: stop the feature's own jobs

Standalone scenes: a scene whose landscape kind is standalone (app.model.landscape_kinds,
e.g. the full-dimensional CIFAR-10 training race) is not a 2-D surface to race on. The
window hands it to the feature that registered for its kind (handle_standalone) and keeps
its own race and views; that feature emits scene_loaded once it shows the scene, or
scene_failed(message) if it cannot (then the lecture's scene counter goes back).

A new feature is one module in app/ui/features/ with install(host), one line in
app.ui.compose.FEATURES, and its test in tests/ui/.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QSplitter, QWidget

from app.model.playback import Playback
from app.model.race import Race
from app.model.scene import LandscapeSpec, MapSpec, Scene
from app.ui.common import theme
from app.ui.common.actions import window_action
from app.ui.common.jobs import JobRunner
from app.ui.window import docks

if TYPE_CHECKING:
    from app.ui.common.widgets import ParamSlider
    from app.ui.views.contour_view import ContourView
    from app.ui.views.plots_view import PlotsView
    from app.ui.views.surface_grid import SurfaceGrid
    from app.ui.views.surface_view import SurfaceView

Layout = Callable[[], tuple[QByteArray, QByteArray]]


class Host(QObject):
    frame_drawn = Signal()
    race_changed = Signal()
    landscape_changed = Signal()
    scene_loaded = Signal()
    scene_failed = Signal(str)
    scene_text_changed = Signal()
    selection_changed = Signal(int)
    look_changed = Signal(object, bool)
    closing = Signal()

    def __init__(self, window: QMainWindow) -> None:
        # the MainWindow that makes this host (typed by its base: main_window imports this module)
        super().__init__(window)
        self._w = window
        self._presentation = False          # lecture mode's sizes (set_theme records them)
        self._layout: Layout | None = None
        self._standalone: dict[str, Callable[[Scene], bool]] = {}
        self._waiting: Scene | None = None   # a standalone scene the window started on, before compose()
        window.scene_failed.connect(self.scene_failed)

    # ------------------------------------------------------------------ places for widgets
    @property
    def window(self) -> QMainWindow:
        """The main window, as the parent of dialogs and for its geometry (full screen, saveState)."""
        return self._w

    def add_dock(self, title: str, widget: QWidget, *, name: str, area: str = "left", tab_with: str | None = None,
                 h_scroll: bool = False) -> QDockWidget:
        """A dock holding ``widget`` (area "left" or "right"); tab_with "landscape" or "runs" tabs it
        under that dock, which stays in front."""
        under = None
        if tab_with is not None:
            under = {"landscape": self._w.landscape_dock, "runs": self._w.runs_dock}.get(tab_with)
            if under is None:
                raise ValueError(f"tab_with must be 'landscape' or 'runs', got {tab_with!r}")
            area = "left" if under is self._w.landscape_dock else "right"
        dock = docks.make_dock(self._w, title, widget, name=name, area=area, h_scroll=h_scroll)
        if under is not None:
            self._w.tabifyDockWidget(under, dock)
            under.raise_()
        return dock

    def add_menu(self, title: str) -> QMenu:
        """A menu of its own in the menu bar, after the window's menus; features that ask for the
        same title share that one menu (the CIFAR-10 slice dock and curvature window: "CIFAR-&10")."""
        for a in self._w.menuBar().actions():
            menu = a.menu()
            if isinstance(menu, QMenu) and menu.title() == title:
                return menu
        return self._w.menuBar().addMenu(title)

    def add_action(self, text: str, keys: Any, slot: Callable[..., Any], tip: str, *,
                   menu: QMenu | str | None = None, toolbar: str | None = None, checkable: bool = False,
                   icon_text: str | None = None) -> QAction:
        """An action with its shortcut(s) named in the tooltip ("tip (G)").

        menu: the feature's own menu, or a place in the window's ("file", "view").
        toolbar: a place in the tool bar ("file", "view", "tools"). Checkable actions call slot(checked).
        """
        a = window_action(self._w, text, keys, slot, tip, checkable=checkable)
        if isinstance(menu, str):
            if menu not in self._w.menus:
                raise ValueError(f"no window menu {menu!r}; choose {', '.join(self._w.menus)}")
            self._w.places.put(a, self._w.menus[menu], menu)
        elif menu is not None:
            menu.addAction(a)
        if toolbar is not None:
            self._w.places.put(a, self._w.toolbar, toolbar)
        if icon_text is not None:
            a.setIconText(icon_text)
        return a

    def action(self, name: str) -> QAction:
        """One of the window's playback actions: play, step, reset, faster, slower."""
        acts = {"play": self._w.act_play, "step": self._w.act_step, "reset": self._w.act_reset,
                "faster": self._w.act_faster, "slower": self._w.act_slower}
        if name not in acts:
            raise ValueError(f"no window action {name!r}; choose {', '.join(acts)}")
        return acts[name]

    def add_row(self, widget: QWidget, *, top: bool = False) -> None:
        """A full-width row above the views (top) or below the plots."""
        self._w.views_area.add_row(widget, top=top)

    def add_pane(self, widget: QWidget) -> None:
        """A pane beside the 3-D | 2-D views (shown and hidden by the feature)."""
        self._w.views_area.add_pane(widget)

    def keep_layout(self, layout: Layout) -> None:
        """What closing saves as the window's (geometry, state): e.g. the layout from before full screen."""
        self._layout = layout

    def layout_to_save(self) -> tuple[QByteArray, QByteArray]:
        return self._layout() if self._layout is not None else (self._w.saveGeometry(), self._w.saveState())

    # ------------------------------------------------------------------ views
    @property
    def surface_view(self) -> SurfaceView:
        return self._w.surface_view

    @property
    def contour_view(self) -> ContourView:
        return self._w.contour_view

    @property
    def plots_view(self) -> PlotsView:
        return self._w.plots_view

    @property
    def views_split(self) -> QSplitter:
        return self._w.views_split

    @property
    def caption(self) -> QLabel:
        return self._w.caption

    @property
    def grid(self) -> SurfaceGrid | None:
        """The sampled surface on screen (None before the first scene)."""
        return self._w.grid

    @property
    def theme(self) -> theme.Theme:
        return self._w.theme

    @property
    def presentation(self) -> bool:
        """Whether lecture mode's text and line sizes are on (F11)."""
        return self._presentation

    def set_theme(self, th: theme.Theme, presentation: bool = False) -> None:
        """Record the window's theme and sizes (the caller recolours the views) and tell the other features."""
        self._w.theme = th
        self._presentation = presentation
        self.look_changed.emit(th, presentation)

    # ------------------------------------------------------------------ the race
    @property
    def race(self) -> Race | None:
        return self._w.race

    @property
    def playback(self) -> Playback:
        return self._w.playback

    @property
    def selected_row(self) -> int:
        """The selected run's row in race.runs (-1 if none)."""
        return self._w.runs_panel.current

    def run_slider(self, key: str) -> ParamSlider | None:
        """The Runs panel's slider of parameter ``key`` for the selected run (remade when the
        selection or the solver changes: ask again rather than keep it)."""
        return self._w.runs_panel.slider(key)

    @property
    def scene_name(self) -> str | None:
        """The built-in scene on screen (its name in the scene picker), else None."""
        name = self._w.scene_picker.currentData()
        return str(name) if name else None

    def load_scene(self, scene: Scene, name: str | None = None) -> bool:
        """Show a scene (name: the built-in scene it is, for the scene picker); False if it failed at
        once (a slow build that fails later emits scene_failed)."""
        ok = bool(self._w.load_scene(scene))
        if ok and name is not None:
            self._w.pick_scene_name(name)
        return ok

    def handle_standalone(self, kind: str, show: Callable[[Scene], bool]) -> None:
        """Scenes of the standalone landscape kind ``kind`` go to ``show(scene) -> started``
        (see "Standalone scenes" above); one the window started on is shown now."""
        self._standalone[kind] = show
        if self._waiting is not None and self._waiting.landscape.name == kind:
            scene, self._waiting = self._waiting, None
            show(scene)

    def show_standalone(self, scene: Scene) -> bool:
        """The window's side: hand ``scene`` to its kind's feature; False (and scene_failed) if none."""
        show = self._standalone.get(scene.landscape.name)
        if show is None and not self._standalone:   # the window's first scene: features come next
            self._waiting = scene
            return True
        if show is None:
            text = f"scene not loaded: nothing here shows {scene.landscape.name!r} scenes"
            self.show_message(text)
            self.scene_failed.emit(text)
            return False
        return bool(show(scene))

    def set_landscape(self, spec: LandscapeSpec, landscape: Any) -> None:
        """Race on an already built landscape; kept off screen if it cannot be drawn."""
        self._w.set_landscape(spec, landscape)

    def edit_landscape(self, spec: LandscapeSpec, landscape: Any, what: str, *, clear_starts: bool = False,
                       from_start: bool = False) -> bool:
        """Race on a reshaped landscape (e.g. the toy classifier with a point moved) as one
        undoable edit; the runs replay on it up to the current step (``from_start``: from step 0;
        ``clear_starts``: from its default start). False if it was refused (the reason is in the
        status bar)."""
        return bool(self._w.edit_landscape(spec, landscape, what, clear_starts=clear_starts,
                                           from_start=from_start))

    def show_surface(self, landscape: Any) -> None:
        """Draw another surface over the same box without touching the race (a plane redrawn
        through a run that moves off it); rebuild_surface draws the race's own again."""
        self._w.show_surface(landscape)

    def edit_run(self, row: int, changes: dict[str, Any], what: str) -> None:
        """An undoable edit of the run in ``row`` (as the Runs panel makes them)."""
        self._w.on_run_edit(row, changes, what)

    def retune(self, tuned: Scene, what: str) -> bool:
        """Put in a fair race's result (``tuned``: app.model.fair_race.apply of the race's scene) as
        one undoable edit: every run's hyper-parameters, the caption and the tuning budget. False
        if it was refused (the reason is in the status bar)."""
        return bool(self._w.retune(tuned, what))

    def set_phase_map(self, spec: MapSpec | None, what: str) -> bool:
        """Make ``spec`` (None: no map) the scene's phase map as one undoable edit, so saving
        the scene keeps it. False if it was refused (the reason is in the status bar)."""
        if self._w.race is None:
            return False
        try:
            self._w.edits.set_phase_map(spec, what)
        except ValueError as e:
            self.show_message(f"not applied: {e}")
            return False
        return True

    def select_run(self, row: int) -> None:
        """Select the run in ``row`` of race.runs in the Runs panel (selection_changed follows)."""
        self._w.runs_panel.list.setCurrentRow(row)

    def set_scene_text(self, title: str, caption: str) -> None:
        """The scene's own title and caption (saved with it), shown in the window title and caption."""
        race = self._w.race
        if race is None:
            return
        race.scene.title, race.scene.caption = title, caption
        self._w.setWindowTitle(f"Loss Lab — {title}")
        self._w.picker.show_title(title)         # a built-in scene's title, else "—"
        self.show_caption(caption)
        self.scene_text_changed.emit()

    def set_run_enabled(self, index: int, on: bool) -> None:
        """Let scene run ``index`` race (caught up to the current step) or keep it back (not drawn):
        how a story reveals its runs one at a time."""
        race = self._w.race
        if race is None:
            return
        race.set_run(index, enabled=bool(on))
        rows = [i for i, tr in enumerate(race.runs) if tr.index == index]
        self._w.runs_panel.set_race(race, select=rows[0] if rows else None)
        self._w.redraw()
        self.race_changed.emit()

    def show_caption(self, text: str) -> None:
        self._w.caption.setText(text)
        self._w.caption.setVisible(bool(text))

    def pause(self) -> None:
        self._w.pause()

    def redraw(self) -> None:
        self._w.redraw()

    def rebuild_surface(self) -> None:
        self._w.rebuild_surface()

    def show_message(self, text: str) -> None:
        """One line in the status bar."""
        self._w.show_message(text)

    @property
    def jobs(self) -> JobRunner:
        """The window's job runner (progress and Cancel in the status bar, errors there too)."""
        return self._w.jobs

    def new_jobs(self, parent: QObject, report: Callable[[str, bool], None], **options: Any) -> JobRunner:
        """A job runner of a feature's own (its own progress bar and Cancel); errors also reach the status bar."""
        def both(text: str, is_error: bool) -> None:
            report(text, is_error)
            if is_error:
                self.show_message(text)

        return JobRunner(parent, both, **options)
