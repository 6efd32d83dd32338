"""Window layout: what closing in lecture mode saves, which docks lecture mode hides,
the playback bar and the CIFAR-10 dock at a projector's 1024x768, the update rule's λ line."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from .conftest import race_scene

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


def _extended(make_app, settings, monkeypatch, scene=None):
    """(window, lecture mode, CIFAR-10 feature) of a window with every feature composed."""
    monkeypatch.delenv("LOSSLAB_CIFAR_ROOT", raising=False)
    w, features = make_app(scene, qsettings=settings)
    return w, features["lecture"], features["cifar"]


def _docks(w) -> list:
    return [d for d in w.findChildren(QDockWidget) if d.parentWidget() is w]


def test_closing_in_lecture_mode_saves_the_normal_layout(qtbot, make_app, settings, monkeypatch):
    w, lecture, _cifar = _extended(make_app, settings, monkeypatch)
    lecture.enter()
    qtbot.waitUntil(lambda: w.isFullScreen())
    assert not w.toolbar.isVisible() and not any(d.isVisible() for d in _docks(w))
    w.close()
    again, again_lecture, _cifar = _extended(make_app, settings, monkeypatch)
    qtbot.wait(50)
    assert again.toolbar.isVisible()
    assert again.landscape_dock.isVisible() and again.runs_dock.isVisible()
    assert not again_lecture.active and not again.isFullScreen()


def test_a_saved_presentation_layout_is_healed_on_start(qtbot, make_window, settings, monkeypatch):
    """Files written by the old closeEvent hold the tool bar and every dock hidden."""
    w = make_window(qsettings=settings)
    for bar in (w.toolbar, *_docks(w)):
        bar.hide()
    settings.setValue("window/state", w.saveState())   # what closing in lecture mode used to save
    settings.sync()
    w.close()
    again = make_window(qsettings=settings)
    assert again.toolbar.isVisible() and again.landscape_dock.isVisible() and again.runs_dock.isVisible()


def test_lecture_mode_hides_every_dock_and_brings_back_exactly_the_open_ones(qtbot, make_app, settings,
                                                                             monkeypatch):
    w, lecture, cifar = _extended(make_app, settings, monkeypatch)
    w.runs_dock.close()                     # the user closed this one: it stays closed
    qtbot.wait(20)
    assert cifar.dock.toggleViewAction().isChecked()     # tabbed under Landscape, open
    lecture.enter()
    qtbot.wait(50)
    assert [d.objectName() for d in _docks(w) if d.isVisible()] == []
    lecture.leave()
    qtbot.wait(50)
    open_docks = {d.objectName() for d in _docks(w) if d.toggleViewAction().isChecked()}
    assert open_docks == {"landscape_dock", "cifar_dock"}
    assert w.landscape_dock.isVisible() and not w.runs_dock.isVisible()


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_playback_bar_fits_a_projector(qtbot, make_app, settings, monkeypatch, size):
    w, lecture, _cifar = _extended(make_app, settings, monkeypatch,
                                   scene=race_scene(landscape="rosenbrock"))
    lecture.enter()
    w.showNormal()              # no window manager under Xvfb: set the projector's size by hand
    w.resize(*size)
    w.step_once()
    qtbot.wait(100)
    bar = lecture.bar
    assert bar.width() <= size[0]
    for key, b in bar.buttons.items():
        assert b.width() >= b.sizeHint().width(), key          # never squeezed into "…"
        assert b.font().pointSizeF() >= 20, key
        assert b.text() and "…" not in b.text(), key
    for label in (bar.speed, bar.position, bar.step):
        assert label.width() >= label.sizeHint().width(), label.text()
    assert bar.title.text() == "UI test scene"
    assert bar.title.shown_text() == "UI test scene"           # a short title is never elided
    bar.title.setText("A very long scene title " * 8)
    assert bar.title.shown_text().endswith("…")
    assert bar.title.fontMetrics().horizontalAdvance(bar.title.shown_text()) <= bar.title.width()


def test_lecture_mode_gives_the_2d_map_room(qtbot, make_app, settings, monkeypatch):
    w, lecture, _cifar = _extended(make_app, settings, monkeypatch, scene=race_scene(landscape="rosenbrock"))
    normal = w.views_split.sizes()
    lecture.enter()
    w.showNormal()
    w.resize(1024, 768)
    qtbot.wait(100)
    vb = w.contour_view.plot.getViewBox()
    assert vb.width() >= 300, vb.width()       # was ~130 px with the colour bar at 20 pt
    three_d, two_d = w.views_split.sizes()[:2]
    assert two_d > three_d
    lecture.leave()
    qtbot.wait(50)
    back = w.views_split.sizes()
    assert abs(back[0] - back[1]) <= 1 and normal[0] == normal[1]    # halves again (the window is narrower now)


def test_cifar_dock_fits_300_px(qtbot, make_app, settings, monkeypatch):
    w, _lecture, cifar = _extended(make_app, settings, monkeypatch)
    w.resize(1024, 768)
    cifar.dock.raise_()
    w.resizeDocks([cifar.dock], [300], Qt.Orientation.Horizontal)
    qtbot.wait(100)
    panel, scroll = cifar.panel, cifar.dock.widget()
    assert cifar.dock.width() <= 320
    assert panel.width() <= scroll.viewport().width()          # nothing cut off on the right
    for widget in (panel.build_button, panel.download_button, panel.loss_box, panel.plane_box):
        right = widget.mapTo(panel, widget.rect().topRight()).x()
        assert right <= panel.width(), widget
        assert widget.width() >= widget.minimumSizeHint().width()
    assert panel.build_button.width() >= panel.build_button.sizeHint().width()


def test_update_rule_shows_weight_decay_only_when_lambda_is_positive():
    from app.ui.panels.runs_panel import update_rule, weight_decay_of

    latex, text = update_rule("gd", 0.0)
    assert text == ("g ← ∇f(x)", "x ← x − η g") and "lambda" not in "".join(latex)
    assert update_rule("gd", 0.1)[1][0] == "g ← ∇f(x) + λx"
    assert not any("λ" in line for line in update_rule("adam", 0.0)[1])
    assert len(update_rule("adam", 0.0)[1]) == len(update_rule("adam", 1e-3)[1]) - 1
    assert not any("λ" in line for line in update_rule("adamw", 0.0)[1])
    assert weight_decay_of("adamw", {}) == pytest.approx(1e-2)    # torch.optim.AdamW's default
    assert weight_decay_of("gd", {}) == 0.0 and weight_decay_of("gd", {"weight_decay": 0.5}) == 0.5


def test_runs_panel_hides_the_lambda_line_until_lambda_is_set(qtbot, make_window, settings):
    w = make_window(qsettings=settings)           # gd first, weight decay 0
    rule = w.runs_panel.update_rule

    def shown() -> str:   # the lines last given to the MathLabel (it shows them as a pixmap)
        return " ".join(rule._key[0] + rule._key[1])

    assert "g ← ∇f(x)" in shown() and "λ" not in shown() and "lambda" not in shown()
    w.runs_panel._on_param("weight_decay", 0.2)
    assert "λx" in shown()
