"""Docks of the main window: one way to make them, their default widths, the remembered layout."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QToolBar, QWidget

from app.ui.panels.landscape_panel import LandscapePanel
from app.ui.panels.runs_panel import RunsPanel

DOCK_SHARE = 0.235       # default dock width as a share of the window (each of Landscape, Runs)
DOCK_MIN_WIDTH = 240     # px: below this the panels' rows stop being readable
ONE_COLUMN_BELOW = 1200  # px of window width: below it a first start tabs Runs with Landscape
AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea}


def make_dock(window: QMainWindow, title: str, widget: QWidget, *, name: str, area: str = "left",
              h_scroll: bool = False) -> QDockWidget:
    """A closable, movable, floatable dock holding ``widget`` in a vertical scroll area.

    name: the stable object name saveState/restoreState need. h_scroll: scroll
    sideways when the dock is narrower than the panel (else the panel is squeezed).
    """
    if area not in AREAS:
        raise ValueError(f"dock area must be one of {', '.join(AREAS)}, got {area!r}")
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(widget)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if h_scroll
                                        else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    dock.setWidget(scroll)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    window.addDockWidget(AREAS[area], dock)
    return dock


def fit_docks(window: QMainWindow, docks_and_widths: list[tuple[QDockWidget, int]]) -> None:
    """Default dock widths: DOCK_SHARE of the window each, between DOCK_MIN_WIDTH and what the
    panel asks for (so 1600 px looks as before and 1024 px still leaves the views room)."""
    pairs = [(d, full) for d, full in docks_and_widths if not d.isHidden() and not d.isFloating()]
    if not pairs:
        return
    share = int(window.width() * DOCK_SHARE)
    window.resizeDocks([d for d, _ in pairs], [max(DOCK_MIN_WIDTH, min(share, full)) for _, full in pairs],
                       Qt.Orientation.Horizontal)


def one_column(window: QMainWindow, first: QDockWidget, second: QDockWidget) -> None:
    """Tab ``second`` with ``first`` (one dock column) and show ``second``: on a narrow window two
    dock columns leave the views and plots too little width to be read."""
    window.tabifyDockWidget(first, second)
    second.raise_()


def own_bars(window: QMainWindow) -> list[QWidget]:
    """The window's own dock widgets and tool bars (features add docks: CIFAR-10, ...)."""
    found = window.findChildren(QDockWidget) + window.findChildren(QToolBar)
    return [b for b in found if b.parentWidget() is window]


def restore_layout(window: QMainWindow, state: object) -> bool:
    """Dock and tool-bar layout from the last session; False if there was none or it was unusable.

    A presentation layout saved by an older version (every tool bar and dock
    hidden) is not a layout anyone chose: show them again.
    """
    if not isinstance(state, QByteArray) or not window.restoreState(state):
        return False
    bars = own_bars(window)
    if all(b.isHidden() for b in bars):
        for b in bars:
            b.setVisible(True)
    return True


def build_panels(w) -> None:
    """The Landscape and Runs panels in their docks, wired to the window."""
    w.landscape_panel = LandscapePanel()
    w.runs_panel = RunsPanel()
    w.landscape_dock = make_dock(w, "Landscape", w.landscape_panel, name="landscape_dock")
    w.runs_dock = make_dock(w, "Runs", w.runs_panel, name="runs_dock", area="right")
    for dock in (w.landscape_dock, w.runs_dock):
        dock.setMinimumWidth(DOCK_MIN_WIDTH)
    w.landscape_panel.spec_changed.connect(w.on_landscape_spec)
    rp = w.runs_panel
    rp.edit.connect(w.on_run_edit)
    rp.start_edit.connect(lambda i, x, y: w.set_start(i, (x, y)))
    rp.selection_changed.connect(lambda i: (w._update_gradcheck(), w.host.selection_changed.emit(i)))
    rp.add_requested.connect(w.add_run)
    rp.remove_requested.connect(w.remove_run)
    rp.duplicate_requested.connect(w.duplicate_run)
    # "restart run" after "continue from here" replays the changed runs at once
    rp.mode.currentIndexChanged.connect(lambda _i: w.edits.set_mode(rp.mode_value))
