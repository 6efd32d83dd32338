"""The CIFAR-10 curvature window: opened from the CIFAR-10 menu, computes off the GUI thread and shows
what the Qt-free model computes (app.model.cifar_curvature / cifar_solutions) on real data."""
from __future__ import annotations

import os

import numpy as np
import pytest

from app.model.landscape_kinds import CIFAR_ADVICE, set_cifar_root
from tests.ui.conftest import pixel_std

WAIT = 180_000  # ms; generous on a shared 2-core machine (never a speed assertion)


@pytest.fixture
def app_feature(make_app, monkeypatch):
    monkeypatch.delenv("LOSSLAB_CIFAR_ROOT", raising=False)
    w, features = make_app()
    yield w, features["cifar_curvature"]
    set_cifar_root(None)
    if features["cifar_curvature"].windows.made is not None:
        features["cifar_curvature"].windows.made.jobs.shutdown()


def test_one_cifar_menu_holds_the_dock_and_the_curvature_window(app_feature):
    w, feature = app_feature
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles.count("CIFAR-&10") == 1
    menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "CIFAR-&10")
    assert feature.act in menu.actions() and "CIFAR-10 slice…" in [a.text() for a in menu.actions()]
    assert feature.act.shortcut().toString() == "Ctrl+H" and feature.act.toolTip().endswith("(Ctrl+H)")


def test_missing_data_is_one_line_in_the_docks_words(app_feature, tmp_path):
    _, feature = app_feature
    feature.act.trigger()
    win = feature.window()
    set_cifar_root(str(tmp_path / "nowhere"))
    assert not win.start()
    assert win.status.text() == f"no CIFAR-10 at {tmp_path / 'nowhere'}: {CIFAR_ADVICE}"
    assert not win.busy


def test_window_computes_and_shows_spectrum_planes_and_line(app_feature, qtbot, cifar_root, tmp_path):
    from app.model.cifar_curvature import load_problem, top_eigenvalues
    from app.model.cifar_solutions import make_solution, sgd_recipe

    _, feature = app_feature
    set_cifar_root(str(cifar_root))
    feature.act.trigger()
    win = feature.window()
    qtbot.waitExposed(win)
    win.subset_box.setValue(1000)
    win.pair_box.setCurrentIndex(win.pair_box.findData("batch"))
    assert win.start()
    assert win.busy and win.cancel_button.isVisible() or win.result is not None
    qtbot.waitUntil(lambda: win.result is not None and not win.busy, timeout=WAIT)
    r = win.result
    # the numbers on screen are the model's: λ₁ of an independently trained W* on the same data
    problem = load_problem(cifar_root, subset=1000)
    W = make_solution(problem, sgd_recipe(problem))
    lam = top_eigenvalues(problem, W, k=1, tol=1e-6)[0][0]
    assert r.spectrum.values[0] == pytest.approx(lam, rel=1e-4)
    from app.ui.views.curvature_figure import sci

    assert f"λ₁ = {sci(r.spectrum.values[0])}" in win.figure.spectrum_text.text()
    # both plane images on the one shared colour range
    lo, hi = r.planes.levels
    for img, Z in zip(win.figure.plane_images, (r.planes.eigen, r.planes.random), strict=True):
        np.testing.assert_array_equal(img.image, Z)
        assert tuple(img.levels) == (lo, hi)
    assert tuple(win.figure.colorbar.levels()) == pytest.approx((lo, hi))
    assert win.figure.plane_plots[0].getPlotItem().getViewBox().state["aspectLocked"] == 1.0
    # the line: the loss curve and both accuracy curves, both solutions marked with their λmax
    xs, ys = win.figure.loss_curves[0].getData()
    np.testing.assert_array_equal(ys, next(iter(r.pair.line.curves.values())))
    np.testing.assert_array_equal(win.figure.acc_curves[1].getData()[1], r.pair.line.val_accuracy)
    labels = [m.label.toPlainText() for _, m in win.figure.marks]
    assert any(f"SGD batch 32, λmax {sci(r.pair.lmax[0])}" in t for t in labels)
    assert any(f"SGD batch 256, λmax {sci(r.pair.lmax[1])}" in t for t in labels)
    assert not win.svm_label.isVisible()
    for plot in (win.figure.plane_plots[0], win.figure.density_plot, win.figure.loss_plot):
        assert pixel_std(plot.grab().toImage()) > 10
    if os.environ.get("LOSSLAB_SHOTS"):
        win.grab().save(os.environ["LOSSLAB_SHOTS"])


def test_svm_note_and_cancel(app_feature, qtbot, cifar_root):
    _, feature = app_feature
    set_cifar_root(str(cifar_root))
    win = feature.open()
    win.loss_box.setCurrentIndex(win.loss_box.findData("svm"))
    assert win.svm_label.isVisible() and "2λ = 10000" in win.svm_label.text()
    win.subset_box.setValue(2000)
    assert win.start()
    win.cancel_button.click()
    qtbot.waitUntil(lambda: not win.busy, timeout=WAIT)
    assert win.status.text() == "CIFAR-10 curvature cancelled" and win.result is None
    win.loss_box.setCurrentIndex(win.loss_box.findData("softmax"))
    assert not win.svm_label.isVisible()


@pytest.mark.parametrize("value, text", [(4.7243e5, "4.72·10⁵"), (9999.99999, "1.00·10⁴"), (1.93, "1.93"),
                                         (0.0046, "4.60·10⁻³"), (0.0, "0")])
def test_numbers_read_as_powers_of_ten(value, text):
    from app.ui.views.curvature_figure import sci

    assert sci(value) == text


@pytest.mark.gl
@pytest.mark.slow
def test_scene_19_renders_headless(cifar_root, tmp_path, monkeypatch):
    """`losslab render sharp_flat_cifar`: the eigen-plane scene is a cifar_slice, drawn without a window."""
    from PySide6.QtGui import QImage

    from app import cli

    monkeypatch.delenv("LOSSLAB_CIFAR_ROOT", raising=False)
    out = tmp_path / "19.png"
    try:
        assert cli.main(["render", "sharp_flat_cifar", "--cifar-root", str(cifar_root), "--out", str(out),
                         "--size", "960x540"]) == 0
    finally:
        set_cifar_root(None)                  # the option sets the app's data folder: not for later tests
    image = QImage(str(out))
    assert (image.width(), image.height()) == (960, 540) and pixel_std(image) > 20
