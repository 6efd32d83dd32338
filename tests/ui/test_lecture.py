"""Lecture mode, annotations and math labels on a real MainWindow (Xvfb)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.model import presets
from app.model.explain import explain_track
from app.model.scene import RunSpec

from .conftest import race_scene

pytestmark = pytest.mark.gl   # the window holds a 3-D (GL) view


@pytest.fixture
def lecture_window(qtbot, make_app):
    """(window, lecture mode, annotations) of a window with every feature composed."""
    w, features = make_app(race_scene(runs=[RunSpec("momentum", {"lr": 1e-3, "momentum": 0.9}, start=(-1.5, 1.2)),
                                     RunSpec("adam", {"lr": 0.05}, start=(1.5, -1.0)),
                                     RunSpec("gd", {"lr": 1e-3}, start=(0.5, 1.5))],
                               landscape="rosenbrock"))
    w.activateWindow()
    qtbot.waitActive(w)        # window shortcuts (G, D, PageDown) need the active window
    return w, features["lecture"], features["annotations"]


def test_enter_and_leave_hide_and_restore_docks(qtbot, lecture_window):
    w, lm, ann = lecture_window
    docks = (w.landscape_dock, w.runs_dock)
    assert all(d.isVisible() for d in docks) and w.menuBar().isVisible() and w.toolbar.isVisible()
    size = w.size()
    areas = [w.dockWidgetArea(d) for d in docks]
    lm.act_present.trigger()                      # F11's action drives the full mode
    qtbot.waitUntil(lambda: w.isFullScreen())
    assert lm.active and lm.act_present.isChecked()
    assert not any(d.isVisible() for d in docks)
    assert not w.menuBar().isVisible() and not w.toolbar.isVisible() and not w.statusBar().isVisible()
    assert lm.bar.isVisible() and lm.caption.isVisible()
    lm.leave()
    qtbot.waitUntil(lambda: not w.isFullScreen())
    assert all(d.isVisible() for d in docks) and w.menuBar().isVisible() and w.toolbar.isVisible()
    assert not lm.bar.isVisible() and not lm.act_present.isChecked()
    del size   # (no window manager under Xvfb: the restored size is the WM's business)
    assert [w.dockWidgetArea(d) for d in docks] == areas
    assert w.plots_view.isVisible() and w.caption.isVisible()


def test_presentation_sizes(qtbot, lecture_window):
    from app.ui.common import theme

    w, lm, ann = lecture_window
    line0 = theme.LINE_WIDTH
    lm.enter()
    qtbot.wait(50)
    for label in (lm.bar.title, lm.bar.step, lm.caption):
        assert label.font().pointSizeF() >= 20, label.objectName()
    assert lm.bar.buttons["play"].font().pointSizeF() >= 20
    assert w.contour_view.plot.getAxis("bottom").style["tickFont"].pointSizeF() >= 20
    cv, sv = w.contour_view, w.surface_view
    assert cv.line_width >= 3 and cv.head_size >= 14 and cv.start_size >= 14
    assert sv.line_width >= 3 and sv.head_size >= 14 and sv.start_size >= 14
    assert theme.LINE_WIDTH == line0               # set on the views, not on the theme module
    assert w.contour_view.heads.opts["size"] >= 14
    # the per-run lines were rebuilt at the new width
    pen = w.contour_view._tracks[0].line.opts["pen"]
    assert pen.widthF() >= 3
    lm.leave()
    assert cv.line_width == line0 and sv.line_width == line0


def test_theme_key_toggles_dark_and_back(qtbot, lecture_window):
    w, lm, ann = lecture_window
    lm.enter()
    assert w.theme.background.upper() == "#FFFFFF"       # light by default
    qtbot.keyClick(w, Qt.Key.Key_D)
    assert w.theme.name == "dark"
    assert w.contour_view.plot_widget.backgroundBrush().color().name() == w.theme.background.lower()
    qtbot.keyClick(w, Qt.Key.Key_D)
    assert w.theme.name != "dark"


def test_pagedown_loads_next_builtin_scene(qtbot, lecture_window):
    w, lm, ann = lecture_window
    names = presets.builtin_scene_names()
    lm.enter()
    lm.playlist.go(0)
    w.scene_picker.setCurrentIndex(w.scene_picker.findData(names[0]))
    qtbot.keyClick(w, Qt.Key.Key_PageDown)
    assert lm.playlist.current == names[1]
    assert w.race.scene.title == presets.load_builtin(names[1]).title
    qtbot.keyClick(w, Qt.Key.Key_N)
    assert w.race.scene.title == presets.load_builtin(names[2]).title
    qtbot.keyClick(w, Qt.Key.Key_PageUp)
    assert w.race.scene.title == presets.load_builtin(names[1]).title
    assert lm.bar.position.text() == f"2 / {len(names)}"


def test_arrows_at_heads_point_down_the_gradient(qtbot, lecture_window):
    w, lm, ann = lecture_window
    w.step_once(5)
    qtbot.keyClick(w, Qt.Key.Key_G)
    qtbot.keyClick(w, Qt.Key.Key_V)
    bases, vecs = ann.arrows("grad")
    f = w.race.landscape
    heads = np.array([tr.head for tr in w.race.runs])
    np.testing.assert_allclose(bases, heads)
    # direction: exactly −∇f from the landscape (hand-written Rosenbrock gradient)
    x, y = heads[:, 0], heads[:, 1]
    g = np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=1)
    cos = np.sum(vecs * -g, axis=1) / (np.linalg.norm(vecs, axis=1) * np.linalg.norm(g, axis=1))
    np.testing.assert_allclose(cos, 1.0, atol=1e-9)
    assert np.all(np.linalg.norm(vecs, axis=1) > 0)
    del f
    # velocity arrows: momentum and adam keep a buffer, gd does not
    vb, vv = ann.arrows("velocity")
    assert len(vb) == 2
    mom = w.race.runs[0]
    v = explain_track(mom).term("v")            # the buffer of the step just taken: the one drawn
    cur = mom.velocity
    np.testing.assert_array_equal(v, cur)
    cross = vv[0][0] * -cur[1] - vv[0][1] * -cur[0]
    assert np.dot(vv[0], -cur) > 0 and abs(cross) < 1e-9 * np.linalg.norm(vv[0]) * np.linalg.norm(cur)
    assert v.shape == (2,)
    # 3-D: segments at each head (6 vertices per arrow)
    assert ann._gl_grad.pos.shape == (6 * len(heads), 3)
    qtbot.keyClick(w, Qt.Key.Key_G)
    assert len(ann.arrows("grad")[0]) == 0


def test_formula_panel_and_words(qtbot, lecture_window):
    w, lm, ann = lecture_window
    w.runs_panel.list.setCurrentRow(1)           # adam: the panel explains the selected run
    w.step_once(3)
    qtbot.keyClick(w, Qt.Key.Key_U)
    qtbot.keyClick(w, Qt.Key.Key_E)
    assert ann.panel.isVisible() and ann.words.isVisible()
    assert ann.panel.numbers.rendered and ann.panel.rule.rendered        # mathtext, not the fallback
    ex = ann.explanation
    tr = w.race.runs[w.runs_panel.current]
    # the explained step is the one the status bar counts ("step 3 / N": update t = 3, x_2 -> x_3)
    assert ex.solver == tr.spec.solver and ex.step == 3 == w.race.step_count
    assert "step 3: g = (" in ann.words.text()
    np.testing.assert_array_equal(ex.x + ex.delta, tr.head)


def test_math_label_fallback_on_bad_tex(qtbot):
    from app.ui.common.math_label import MathLabel, render_math

    assert render_math([r"$\frac{1}{2$"]) is None
    lab = MathLabel()
    qtbot.addWidget(lab)
    lab.set_math([r"$\frac{1}{2$"], ["½"])
    assert not lab.rendered and lab.text() == "½"
    lab.set_math([r"$\hat m = \frac{m}{1-\beta_1^t}$"], ["m̂ = m / (1 − β₁ᵗ)"])
    assert lab.rendered and not lab.pixmap().isNull()


def test_short_caption():
    from app.ui.features.lecture import short_caption

    assert short_caption("One. Two.") == "One. Two."
    long = "A first sentence. " + "x" * 200 + "."
    assert short_caption(long) == "A first sentence.  (C: more)"
    one = ("A 2-D slice through the loss of a linear softmax classifier on CIFAR-10 images: the point (a, b) is "
           "the weight matrix W* + a·D1 + b·D2, with W* the trained weights; the loss is over 5,000 images.")
    cut = short_caption(one)
    assert cut == "A 2-D slice through the loss of a linear softmax classifier on CIFAR-10 images …  (C: more)"
    words = "word " * 60
    assert len(short_caption(words)) <= 150 + len(" …  (C: more)")
    assert short_caption(words).endswith("word …  (C: more)")


def test_run_labels_at_the_path_heads(qtbot, lecture_window):
    """Issue 10, point 6: the audience sees which colour is which, beside each head, none covering another."""
    from PySide6.QtCore import QPointF

    w, lm, ann = lecture_window
    lm.enter()
    w.step_once(5)
    qtbot.wait(50)
    cv = w.contour_view
    vb = cv.plot.getViewBox()
    rects = dict(lm.labels.rects())
    assert set(rects) == {tr.label for tr in w.race.runs}
    for tr in w.race.runs:
        r = rects[tr.label]
        head = vb.mapViewToScene(QPointF(*tr.head))
        # beside the head: its near edge a marker radius plus a gap away, left or right
        gap = min(abs(r.left() - head.x()), abs(r.right() - head.x()))
        assert gap <= cv.head_size / 2 + 12, tr.label
        assert r.top() - 40 <= head.y() <= r.bottom() + 40, tr.label
        assert vb.sceneBoundingRect().contains(r), tr.label           # on the map, not cut at its edge
    boxes = list(rects.values())
    assert not any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert lm.labels.items[0].textItem.font().pointSize() >= 16
    # paused, the map zooms in: the labels follow their heads (no frame is drawn)
    vb.scaleBy((0.7, 0.7))
    qtbot.wait(30)
    for text, r in lm.labels.rects():
        head = vb.mapViewToScene(QPointF(*next(tr.head for tr in w.race.runs if tr.label == text)))
        assert min(abs(r.left() - head.x()), abs(r.right() - head.x())) <= cv.head_size / 2 + 12, text
    lm.leave()
    assert lm.labels.rects() == []                  # the normal window has its legend


def test_caption_shown_once_after_a_scene_change(qtbot, lecture_window):
    w, lm, ann = lecture_window
    lm.enter()
    lm.next_scene()
    assert w.race.scene.caption
    assert lm.caption.isVisible() and not w.caption.isVisible()
    lm.leave()
    assert w.caption.isVisible() and w.caption.text() == w.race.scene.caption


def test_o_shows_the_loss_plots_in_lecture_mode(qtbot, lecture_window):
    w, lm, ann = lecture_window
    lm.enter()
    assert not w.plots_view.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_O)
    assert w.plots_view.isVisible()
    split = w.plots_view.parentWidget().sizes()
    assert 0 < split[1] < split[0] / 2                # small: the views keep most of the height
    assert w.plots_view.loss_plot.getAxis("bottom").style["tickFont"].pointSize() >= 14
    qtbot.keyClick(w, Qt.Key.Key_O)
    assert not w.plots_view.isVisible()
    lm.leave()
    assert w.plots_view.isVisible()                   # outside lecture mode the plots are always there
    assert w.plots_view.loss_plot.getAxis("bottom").style["tickFont"].pointSize() < 14


def test_a_scene_that_cannot_load_does_not_advance_the_counter(qtbot, lecture_window, tmp_path):
    from app.model.playlist import Playlist
    from app.model.scene import LandscapeSpec
    from app.model.scene_io import save_scene

    w, lm, ann = lecture_window
    good = save_scene(race_scene(), tmp_path / "good.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "title": "broken", "runs": [{"solver": "adamm"}]}')
    # a scene that loads but whose landscape cannot be built: its kind refuses it at show time
    unbuilt = race_scene()
    unbuilt.landscape = LandscapeSpec("cifar_slice", params={"root": str(tmp_path / "no-data-here")})
    unbuilt_path = save_scene(unbuilt, tmp_path / "unbuilt.json")
    for broken in (bad, unbuilt_path):
        lm.playlist = Playlist([good, broken])
        lm.enter()
        title = w.race.scene.title
        lm.next_scene()
        qtbot.waitUntil(lambda: not w.jobs.busy, timeout=60_000)
        assert lm.playlist.index == 0, broken.name         # the counter stays on the scene still shown
        assert w.race.scene.title == title
        assert lm.bar.position.text().startswith("1 /")
        lm.leave()


def test_lecture_mode_3d_labels_are_as_large_as_the_2d_ticks(qtbot, lecture_window):
    from app.ui.features.lecture import FONT_PT
    from app.ui.views.surface_view import LABEL_PT

    w, lm, ann = lecture_window
    lm.enter()
    assert w.surface_view.label_pt == FONT_PT
    assert w.contour_view.plot.getAxis("bottom").style["tickFont"].pointSize() == FONT_PT
    lm.leave()
    assert w.surface_view.label_pt == LABEL_PT
