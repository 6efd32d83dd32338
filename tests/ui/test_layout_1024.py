"""At 1024x768 (a projector; README promises this size) nothing is cut off: both plots and the
legend lie inside the plots pane with room for curves, the 3-D and 2-D views have a usable size,
and every tool-bar button is on the bar, none behind its overflow arrow (issue 10 point 15)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

pytestmark = pytest.mark.gl


@pytest.fixture
def small(qtbot, settings):
    from app.ui.compose import compose
    from app.ui.window.main_window import MainWindow

    w = MainWindow(settings=settings)       # the default scene, as a first start shows it
    qtbot.addWidget(w)
    compose(w)
    w.resize(1024, 768)
    w.show()
    qtbot.waitExposed(w)
    w.step_once(30)
    qtbot.wait(100)
    return w


def _scene_rect_in_canvas(item, canvas) -> QRect:
    return canvas.mapFromScene(item.sceneBoundingRect()).boundingRect()


def test_plots_and_legend_fit_their_pane(small):
    pv = small.plots_view
    canvas = pv.canvas
    inside = canvas.rect()
    for plot in (pv.loss_plot, pv.grad_plot):
        box = plot.getViewBox()
        assert box.width() >= 150 and box.height() >= 90, (box.width(), box.height())
        assert inside.contains(_scene_rect_in_canvas(plot, canvas)), plot.titleLabel.text
    legend = _scene_rect_in_canvas(pv.legend, canvas)
    assert legend.width() > 60 and inside.contains(legend), (legend, inside)
    assert pv.mapTo(small, pv.rect().bottomRight()).y() < small.statusBar().mapTo(small, small.statusBar().rect().topLeft()).y() + 1


def test_views_have_a_usable_size(small):
    for view in (small.surface_view, small.contour_view):
        assert view.width() >= 300 and view.height() >= 300, (type(view).__name__, view.size())
        right = view.mapTo(small, view.rect().bottomRight())
        assert right.x() <= small.width() and right.y() <= small.height()


def test_every_toolbar_action_is_on_the_bar(small):
    tb = small.toolbar
    ext = [c for c in tb.findChildren(object) if type(c).__name__ == "QToolBarExtension"]
    assert not any(e.isVisible() for e in ext), "tool-bar overflow arrow shown"
    actions = [a for a in tb.actions() if a.isVisible() and not a.isSeparator()]
    assert len(actions) >= 10
    for a in actions:
        button = tb.widgetForAction(a)
        assert button is not None and button.isVisible(), a.text()
        assert tb.rect().contains(button.geometry()), (a.text(), button.geometry(), tb.rect())
