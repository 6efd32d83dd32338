"""The main window's own actions, its tool bar and menus, and the places where features add theirs.

Places: "file" (File menu above Quit; tool bar after the speed box), "view"
(View menu above the dock toggles; tool bar before the camera buttons),
"tools" (the end of the tool bar, after a separator). A place is a hidden
anchor action: a feature's action goes just before it, whatever the order
features are composed in.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QMenu, QSpinBox, QStyle, QToolBar, QWidget

from app.model import playback, presets
from app.ui.common.actions import window_action


class Places:
    """Where feature actions go in the window's own menus and tool bar."""

    def __init__(self, window: QMainWindow, toolbar: QToolBar) -> None:
        self._window = window
        self._toolbar = toolbar
        self._anchors: dict[tuple[QWidget, str], QAction] = {}
        self._tools_separator = False

    def mark(self, container: QMenu | QToolBar, place: str) -> None:
        anchor = QAction(self._window)
        anchor.setVisible(False)
        container.addAction(anchor)
        self._anchors[(container, place)] = anchor

    def put(self, action: QAction, container: QMenu | QToolBar, place: str) -> None:
        if container is self._toolbar and place == "tools":
            if not self._tools_separator:
                self._toolbar.addSeparator()
                self._tools_separator = True
            self._toolbar.addAction(action)
            return
        anchor = self._anchors.get((container, place))
        if anchor is None:
            names = sorted({p for (c, p) in self._anchors if c is container} | ({"tools"} if container is self._toolbar else set()))
            raise ValueError(f"no place {place!r} here; places: {', '.join(names)}")
        container.insertAction(anchor, action)


def build_actions(w) -> None:
    """The window's act_* actions (playback keys work in the window's dialogs too)."""
    def act(text, keys, slot, tip, checkable=False):
        return window_action(w, text, keys, slot, tip, checkable=checkable, app_wide=True)

    w.act_play = act("Play", Qt.Key.Key_Space, w.toggle_play, "Play / pause")
    w.act_step = act("Step", Qt.Key.Key_Right, lambda: w.step_once(), "Single step")
    w.act_reset = act("Reset", Qt.Key.Key_R, w.reset, "Reset all runs to their starts")
    sp = QStyle.StandardPixmap
    style = w.style()
    w.icon_play, w.icon_pause = style.standardIcon(sp.SP_MediaPlay), style.standardIcon(sp.SP_MediaPause)
    w.act_play.setIcon(w.icon_play)
    w.act_step.setIcon(style.standardIcon(sp.SP_MediaSkipForward))
    w.act_reset.setIcon(style.standardIcon(sp.SP_MediaSkipBackward))
    w.act_faster = act("Faster", Qt.Key.Key_Plus, lambda: w.speed_box.setValue(playback.faster(w.speed_box.value())),
                       "More steps per frame")
    w.act_slower = act("Slower", Qt.Key.Key_Minus, lambda: w.speed_box.setValue(playback.slower(w.speed_box.value())),
                       "Fewer steps per frame")
    w.act_undo = act("Undo", "Ctrl+Z", w.undo, "Undo start move or slider change")
    w.act_redo = act("Redo", "Ctrl+Shift+Z", w.redo, "Redo")
    w.act_open = act("Open scene…", "Ctrl+O", w.files.open_dialog, "Open a scene file")
    w.act_save = act("Save scene…", "Ctrl+S", w.files.save_dialog, "Save the scene as JSON")
    w.act_quit = act("Quit", "Ctrl+Q", w.close, "Quit Loss Lab")
    w.act_add = act("Add run", "Ctrl+N", w.add_run, "Add a run")
    w.act_dup = act("Duplicate run", "Ctrl+D", lambda: w.duplicate_run(w.runs_panel.current), "Duplicate the selected run")
    def reset_views() -> None:
        w.surface_view.set_camera("reset")
        w.contour_view.fit_view()

    w.act_cam_reset = act("Camera: reset", "1", reset_views, "3-D camera: default orbit; 2-D map: the whole surface")
    w.act_cam_top = act("Camera: top", "2", lambda: w.surface_view.set_camera("top"), "3-D camera: from above")
    w.act_cam_side = act("Camera: side", "3", lambda: w.surface_view.set_camera("side"), "3-D camera: from the side")
    w.act_wire = act("Wireframe", "W", w.set_wireframe, "Grid lines on the 3-D surface", checkable=True)
    w.act_log = act("Log height", "L", w.set_log_height, "Colour and height by log10(f − f_min)", checkable=True)
    w.act_stretch = act("Stretch 2-D map", "A", lambda on: w.contour_view.set_stretch(on),
                        "Fill the 2-D pane instead of x and y at one scale (for surfaces whose ranges differ a lot)",
                        checkable=True)


COMPACT_BELOW = 1280   # px of window width: below it the tool bar uses its short form (icons, short texts)
SHORT_TEXTS = {"act_cam_reset": "Cam reset", "act_cam_top": "Cam top", "act_cam_side": "Cam side"}


def fit_toolbar(w) -> None:
    """Short tool bar on a narrow window (a 1024-px projector), so every button stays on the bar
    instead of behind its overflow arrow: Play, Step, Reset as icons, shorter camera texts, "/frame"."""
    compact = w.width() < COMPACT_BELOW
    style = Qt.ToolButtonStyle.ToolButtonIconOnly if compact else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    if w.toolbar.toolButtonStyle() == style:
        return
    w.toolbar.setToolButtonStyle(style)   # buttons without an icon keep their text
    for name, short in SHORT_TEXTS.items():
        action = getattr(w, name)
        action.setIconText(short if compact else action.text())
    w.speed_box.setSuffix(" /frame" if compact else " steps/frame")


def build_toolbar(w) -> QToolBar:
    tb = w.addToolBar("Playback")
    tb.setObjectName("playback_toolbar")
    tb.setMovable(False)
    tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    tb.addWidget(QLabel(" Scene "))
    w.scene_picker = QComboBox()
    w.scene_picker.setToolTip("Built-in lecture scenes")
    w.scene_picker.addItem("—", None)
    for name in presets.builtin_scene_names():
        w.scene_picker.addItem(name.replace("_", " "), name)
    tb.addWidget(w.scene_picker)
    tb.addSeparator()
    for a in (w.act_play, w.act_step, w.act_reset):
        tb.addAction(a)
    w.speed_box = QSpinBox()
    w.speed_box.setRange(1, playback.MAX_SPEED)
    w.speed_box.setPrefix("speed ")
    w.speed_box.setSuffix(" steps/frame")
    w.speed_box.setToolTip("Steps per frame (+ / −)")
    tb.addWidget(w.speed_box)
    tb.addSeparator()
    return tb


def build_menus(w, places: Places) -> None:
    mb = w.menuBar()
    f = mb.addMenu("&File")
    f.addAction(w.act_open)
    w.recent_menu = f.addMenu("Open recent")
    f.addAction(w.act_save)
    places.mark(f, "file")
    f.addSeparator()
    f.addAction(w.act_quit)
    e = mb.addMenu("&Edit")
    for a in (w.act_undo, w.act_redo, w.act_add, w.act_dup):
        e.addAction(a)
    p = mb.addMenu("&Playback")
    for a in (w.act_play, w.act_step, w.act_reset, w.act_faster, w.act_slower):
        p.addAction(a)
    v = mb.addMenu("&View")
    for a in (w.act_cam_reset, w.act_cam_top, w.act_cam_side, w.act_wire, w.act_log, w.act_stretch):
        v.addAction(a)
    places.mark(v, "view")
    v.addSeparator()
    v.addAction(w.landscape_dock.toggleViewAction())
    v.addAction(w.runs_dock.toggleViewAction())
    tb = w.toolbar
    places.mark(tb, "file")
    places.mark(tb, "view")
    for a in (w.act_cam_reset, w.act_cam_top, w.act_cam_side):
        tb.addAction(a)
    w.menus = {"file": f, "edit": e, "playback": p, "view": v}
