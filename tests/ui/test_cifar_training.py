"""The CIFAR-10 training race window on real data: it trains, its plots and templates follow the
race, its plane shows the paths over a surface that is the race's own loss, and the 2/λmax mark."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from app.model.cifar_race import class_templates
from app.model.presets import load_builtin

WAIT = 120_000   # ms: generous on a shared 2-core machine (never a speed assertion)


def train(qtbot, win, steps):
    win.steps.setValue(win.race.t + steps)
    win.start()
    qtbot.waitUntil(lambda: not win.playing, timeout=WAIT)
    qtbot.waitUntil(lambda: not win.bound_jobs.busy, timeout=WAIT)   # pausing finds λmax


def template_pixels(view, row):
    """The templates the view holds for ``row`` as (10, 32, 32, 3) uint8."""
    from PySide6.QtGui import QImage

    out = []
    for img in view._rows[row][2]:
        img = img.convertToFormat(QImage.Format.Format_RGB888)
        a = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(32, img.bytesPerLine())
        out.append(a[:, :96].reshape(32, 32, 3))
    return np.array(out)


def test_menu_and_shortcut(training):
    w, features, _ = training
    feature = features["cifar_training"]
    assert feature.act.shortcut().toString() == "Ctrl+Shift+T"
    cifar = next(a.menu() for a in w.menuBar().actions() if a.text() == "CIFAR-&10")
    assert feature.act in cifar.actions()


def test_trains_and_the_plots_and_templates_follow(training, qtbot):
    _, _, win = training
    race = win.race
    assert [r.solver for r in win.table.settings()] == ["sgd", "momentum", "adam", "random_search"]
    before = template_pixels(win.templates, 0)
    train(qtbot, win, 6)
    assert race.t == 6 and win.frames >= 6
    for i, r in enumerate(race.runs):
        xs, ys = win.plots._curves["batch"][i].getData()
        np.testing.assert_array_equal(xs, np.arange(6))
        np.testing.assert_allclose(10 ** ys, r.history.values[:, 0])   # the plot holds log10(loss)
        np.testing.assert_array_equal(template_pixels(win.templates, i), class_templates(r.W))
    assert not np.array_equal(template_pixels(win.templates, 0), before)
    assert "step 6" in win.step_label.text()


def test_lr_past_the_bound_is_marked(training, qtbot):
    from app.ui.views.training_runs_table import PAST_STYLE

    _, _, win = training
    train(qtbot, win, 3)
    b = win.bound
    assert b is not None and b.run == 0 and b.step == 3
    assert f"{b.bound:.3g}" in win.bound_label.text()
    win.table.lr_field(0).setText(f"{1.5 * b.bound:.3g}")     # sgd past 2/λmax
    win.table.lr_field(0).textEdited.emit(win.table.lr_field(0).text())
    assert win.table.lr_field(0).styleSheet() == PAST_STYLE
    assert "past it" in win.bound_label.text()
    win.table.lr_field(0).setText(f"{0.5 * b.bound:.3g}")
    win.table.lr_field(0).textEdited.emit(win.table.lr_field(0).text())
    assert win.table.lr_field(0).styleSheet() == ""


def show_plane_after(qtbot, win, steps):
    """Train ``steps`` steps, then show the Plane tab and wait for its plane."""
    train(qtbot, win, steps)
    win.tabs.setCurrentWidget(win.plane)
    win.show_plane()
    qtbot.waitUntil(lambda: win.plane.result is not None, timeout=WAIT)


def test_plane_shows_the_paths_on_the_race_own_loss(training, qtbot):
    _, _, win = training
    show_plane_after(qtbot, win, 8)
    view, grid = win.plane.result.view, win.plane.result.loss
    m = win.plane.loss_map
    assert len(m._tracks) == len(view.paths) == 4
    for items, path in zip(m._tracks, view.paths, strict=True):
        xs, ys = items.halo.getData()
        assert np.allclose(np.column_stack([xs, ys])[-1], path[-1])
    # the map's heights are the race's full-batch loss of W(a, b) itself (independent evaluation)
    f = view.landscape
    for j, i in ((5, 7), (40, 40), (70, 20)):
        W = f.weights(grid.xs[i], grid.ys[j])
        assert grid.f[j, i] == pytest.approx(win.race.full_batch_loss(W[None])[0], rel=1e-5)
    # the PCA plane is orthonormal: the map is 1:1
    px = m.plot.getViewBox().viewPixelSize()
    assert px[0] == pytest.approx(px[1], rel=0.02)
    # honesty: the red rings are the checked iterates whose surface is > 10% off their true loss
    points, who, steps = win.race.iterates()
    expected = 0
    for k, h in enumerate(view.honesty):
        mine = points[who == view.runs[k]][np.isin(steps[who == view.runs[k]], h.steps)]
        true = win.race.full_batch_loss(mine)
        np.testing.assert_allclose(h.true_loss, true, rtol=1e-9)
        expected += int(np.sum(np.abs(true - h.surface_loss) > 0.1 * np.abs(true)))
    assert win.plane.honesty.flag_count == expected == len(win.plane.rings.data)
    # the templates under the mouse are those of W(a, b)
    a, b = view.paths[0][-1]
    m.hovered.emit(float(a), float(b))
    np.testing.assert_array_equal(template_pixels(win.plane.hover, 0), class_templates(f.weights(a, b)))


@pytest.mark.gl
def test_the_3d_tab_draws_the_plane_and_its_paths(training, qtbot):
    _, _, win = training
    show_plane_after(qtbot, win, 5)
    assert win.plane.surface is None                  # no GL context until the tab is shown
    win.plane.loss_tabs.setCurrentIndex(1)
    s = win.plane.surface
    assert s is not None and win.plane.loss_tabs.currentWidget() is s
    assert s.grid is not None and len(s._tracks) == len(win.plane.result.view.paths) == 4


def test_bad_lr_is_one_line_and_nothing_lost(training):
    _, _, win = training
    race = win.race
    win.table.lr_field(1).setText("fast")
    win.reset()
    assert win.race is race
    assert win.status.text() == "not started: run 2: η 'fast' is not a number"


def scene_with(cifar_root, **params):
    scene = copy.deepcopy(load_builtin("cifar_batch_size"))
    scene.landscape.params.update(root=str(cifar_root), **params)
    return scene


def test_a_training_scene_opens_in_the_window(make_app, qtbot, cifar_root):
    w, features = make_app()
    race = w.race
    qtbot.waitUntil(lambda: w.picker._titles is not None, timeout=WAIT)   # the picker's own late look-up
    with qtbot.waitSignal(w.host.scene_loaded, timeout=WAIT):
        assert w.host.load_scene(scene_with(cifar_root, subset=1000), "cifar_batch_size")
    win = features["cifar_training"].window()
    assert win.isVisible() and w.race is race                  # the 2-D race stays as it was
    assert [r.label for r in win.race.runs] == ["batch 32", "batch 256", "full batch (5,000)"]
    assert [r.batch_size for r in win.race.runs] == [32, 256, None] and len(win.race.data.y) == 1000
    assert w.host.scene_name == "cifar_batch_size"             # the lecture counter moves on from here
    win.stop()


def test_a_training_scene_without_data_fails_in_one_line(make_app, qtbot, tmp_path):
    w, features = make_app()
    with qtbot.waitSignal(w.host.scene_failed, timeout=WAIT) as failed:
        w.host.load_scene(scene_with(tmp_path / "nothing"))
    assert failed.args[0].startswith("CifarError: no CIFAR-10 data at ") and "\n" not in failed.args[0]
    features["cifar_training"].window().stop()


def test_the_window_started_on_a_training_scene_shows_it(make_app, qtbot, cifar_root):
    """`losslab --scene cifar_training`: the window's first scene arrives before the features do."""
    w, features = make_app(scene_with(cifar_root, subset=1000))
    win = features["cifar_training"].window()
    qtbot.waitUntil(lambda: win.race is not None, timeout=WAIT)
    assert win.isVisible() and w.race is not None and w.race.scene.landscape.name != "cifar_training"
    assert [r.batch_size for r in win.race.runs] == [32, 256, None]
    win.stop()


@pytest.mark.parametrize("has_data", [True, False])
def test_the_lecture_counter_follows_a_training_scene(make_app, qtbot, cifar_root, tmp_path, has_data):
    from app.model.playlist import Playlist
    from app.model.scene_io import save_scene
    from tests.ui.conftest import race_scene

    w, features = make_app()
    lm, win = features["lecture"], features["cifar_training"].window()
    good = save_scene(race_scene(), tmp_path / "good.json")
    root = cifar_root if has_data else tmp_path / "no-data-here"
    training = save_scene(scene_with(root, subset=1000), tmp_path / "training.json")
    lm.playlist = Playlist([good, training])
    lm.enter()
    signal = w.host.scene_loaded if has_data else w.host.scene_failed
    with qtbot.waitSignal(signal, timeout=WAIT):
        lm.next_scene()
    assert lm.playlist.index == (1 if has_data else 0)      # on to the training scene, or back where it was
    assert lm.bar.position.text().startswith("2 /" if has_data else "1 /")
    assert win.isVisible() and (win.race is not None) == has_data
    lm.leave()
    win.stop()


def test_missing_data_in_the_window_is_one_line(make_app, qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("LOSSLAB_CIFAR_ROOT", str(tmp_path / "nowhere"))
    _, features = make_app()
    win = features["cifar_training"].open()
    qtbot.waitUntil(lambda: not win.jobs.busy, timeout=WAIT)
    text = win.status.text()
    assert text.startswith("loading 10,000 CIFAR-10 images failed: CifarError: no CIFAR-10 data at ")
    assert "Download" in text and "\n" not in text and win.race is None
    win.stop()


def test_maps_are_square_only_where_the_plane_keeps_distances():
    from types import SimpleNamespace

    from app.ui.views.plane_pane import square_axes

    def view(d1, d2):
        return SimpleNamespace(landscape=SimpleNamespace(directions=(np.asarray(d1, float), np.asarray(d2, float))))

    assert square_axes(view([1, 0, 0], [0, 1, 0])) == (True, "")                 # PCA: orthonormal
    assert square_axes(view([3, 0, 0], [0, 0, 3])) == (True, "")                 # endpoints: ⊥, one length
    ok, note = square_axes(view([1, 0], [0.01, np.sqrt(1 - 1e-4)]))             # random: nearly ⊥
    assert ok and note == "  (89.4° apart)"
    assert square_axes(view([1, 0], [0, 2]))[0] is False                          # unequal lengths
    assert square_axes(view([1, 0], [0.6, 0.8]))[0] is False                      # far from ⊥


def test_the_loss_box_sets_the_race_loss_and_shows_a_scene_loss(training, qtbot):
    from landscapes.cifar import loss_and_grad

    _, _, win = training
    assert win.loss_box.values() == {"loss": "softmax", "reg": "l2", "strength": 5e3}
    win.loss_box.loss.setCurrentText("svm")
    win.loss_box.reg.setCurrentText("l1")                 # L1 takes its own default strength
    assert win._dirty and "next Start or Reset" in win.status.text()
    win.reset()
    qtbot.waitUntil(lambda: not win._dirty, timeout=WAIT)
    race = win.race
    assert (race.loss, race.reg, race.strength) == ("svm", "l1", 5.0)
    # the race's recorded full-batch loss at W_init is the SVM + L1 loss of an independent evaluation
    W0 = race.runs[0].W.astype(np.float64)
    expected, _ = loss_and_grad(W0, race.data.X.astype(np.float64), race.data.y, loss="svm", reg="l1", strength=5.0)
    assert float(race.full_batch_loss(W0[None])[0]) == pytest.approx(expected, rel=1e-5)
    win.loss_box.set_values("softmax", "l2", 2e3)          # what a scene's race shows: nothing edited
    assert not win._dirty and win.loss_box.values()["strength"] == 2e3
