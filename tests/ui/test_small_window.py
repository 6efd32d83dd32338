"""A 1024x768 projector or laptop: the docks share one column (Runs in front, Landscape and
CIFAR-10 one click away) so the views keep room to work; the 1600x1000 layout keeps its
full-width docks on both sides."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


def _shown_at(qtbot, settings, width, height):
    from app.ui.compose import compose
    from app.ui.window.main_window import MainWindow

    w = MainWindow(settings=settings)          # the default scene, as a first start shows it
    qtbot.addWidget(w)
    compose(w)                                 # CIFAR-10 tabbed under Landscape widens the left dock
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    # the map's axes size themselves to their tick labels on their first paint, which a busy
    # machine may not have done after a fixed wait: measure once the map's width holds still
    before = None
    for _ in range(40):
        qtbot.wait(50)
        now = w.contour_view.plot.getViewBox().width()
        if now == before:
            break
        before = now
    return w


def _visible_width(widget, window) -> int:
    """Width of the part of widget that lies inside the window (docks pushed off-screen count 0)."""
    left = widget.mapTo(window, QPoint(0, 0)).x()
    right = left + widget.width()
    return max(0, min(right, window.width()) - max(left, 0))


def test_at_1024x768_the_2d_map_keeps_room_and_both_docks_stay_reachable(qtbot, settings):
    w = _shown_at(qtbot, settings, 1024, 768)
    plot_area = w.contour_view.plot.getViewBox().width()
    assert plot_area >= 250, f"2-D plot area only {plot_area:.0f} px wide"
    assert w.surface_view.width() >= 250 and w.surface_view.height() >= 120
    assert w.landscape_dock in w.tabifiedDockWidgets(w.runs_dock)      # one tab away
    for dock in (w.runs_dock, w.landscape_dock):
        dock.raise_()
        qtbot.waitUntil(dock.isVisible, timeout=2000)
        assert _visible_width(dock, w) >= 230, dock.objectName()
        panel = dock.widget().widget()
        # nothing cut at the right: the panel fits its scroll area's viewport
        assert panel.width() <= dock.widget().viewport().width()


def test_at_1600x1000_the_docks_keep_their_full_width(qtbot, settings):
    w = _shown_at(qtbot, settings, 1600, 1000)
    assert abs(w.landscape_dock.width() - 325) <= 12 and abs(w.runs_dock.width() - 370) <= 12
    assert w.views_split.orientation().name == "Horizontal"   # 3-D | 2-D side by side, as before
    assert w.contour_view.plot.getViewBox().width() >= 280


def test_narrowing_the_window_takes_width_from_the_docks_not_the_views(qtbot, settings):
    w = _shown_at(qtbot, settings, 1600, 1000)
    w.resize(1024, 768)
    qtbot.wait(100)
    assert w.contour_view.plot.getViewBox().width() >= 250
    assert w.landscape_dock.isVisible() and _visible_width(w.runs_dock, w) >= 230
