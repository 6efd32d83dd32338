"""The CIFAR-10 panel: builds slices off the GUI thread, installs them, keeps the surface on errors."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from tests.cifar.conftest import ARCHIVE_PATH, make_fake_archive, serve_archive
from tests.ui.conftest import race_scene

WAIT = 120_000  # ms; generous on a shared 2-core machine (never a speed assertion)


@pytest.fixture
def window_panel(make_window, monkeypatch):
    monkeypatch.delenv("LOSSLAB_CIFAR_ROOT", raising=False)
    from app.ui.features.cifar_panel import install

    w = make_window(race_scene())
    feature = install(w.host)
    yield w, feature.panel
    feature.panel.shutdown()


def wait_idle(qtbot, panel):
    qtbot.waitUntil(lambda: panel.job is None, timeout=WAIT)


def test_install_adds_dock_and_menu(window_panel, qtbot):
    from PySide6.QtWidgets import QDockWidget

    w, panel = window_panel
    dock = w.findChild(QDockWidget, "cifar_dock")
    assert dock.widget().widget() is panel
    qtbot.waitUntil(lambda: w.tabifiedDockWidgets(w.landscape_dock) == [dock], timeout=2000)
    titles = [a.text() for a in w.menuBar().actions()]
    assert "CIFAR-&10" in titles
    assert panel.resolution_box.value() <= 101 and panel.subset_box.value() == 2000
    spec = panel.landscape_spec()
    assert spec.name == "cifar_slice" and spec.params["loss"] == "softmax" and spec.params["reg"] == "l2"
    panel.reg_box.setCurrentIndex(1)
    assert panel.landscape_spec().params["strength"] == 5.0  # the L1 default


def test_build_installs_a_cifar_slice_and_parts(window_panel, qtbot, cifar_root):
    w, panel = window_panel
    panel.root_edit.setText(str(cifar_root))
    panel.subset_box.setValue(500)
    panel.resolution_box.setValue(31)
    panel.build_button.click()
    assert panel.job is not None  # off the GUI thread
    wait_idle(qtbot, panel)
    f = w.race.landscape
    assert w.race.scene.landscape.name == "cifar_slice", panel.status.text()
    assert f.n_examples == 500 and w.grid.f.shape == (31, 31)
    # a linear classifier on CIFAR-10 gets roughly 35-42% test accuracy (CS231n assignment 1)
    assert 0.30 < f.accuracies["test"] < 0.45
    assert "test" in panel.accuracy_label.text() and "%" in panel.accuracy_label.text()
    caption = w.caption.text()
    assert "random directions" in caption and "500 CIFAR-10 images" in caption and "test 3" in caption
    # analytic rates mean nothing here: gd gets lr = 1/L of the slice (suggest), not the bowl's 0.1
    assert w.race.scene.runs[0].hyper["lr"] != 0.1
    # runs start at the slice's default start, inside its view
    (x0, x1), (y0, y1) = f.bounds
    for t in w.race.runs:
        assert x0 <= t.points[0][0] <= x1 and y0 <= t.points[0][1] <= y1
    # the parts: data + regularization = total, at W* and elsewhere (L2 part is λ‖W‖², ≥ 0)
    p = np.array([[0.0, 0.0], [0.3, -0.2]])
    total = f.value(p)
    panel.part_box.setCurrentIndex(1)
    data = w.race.landscape.value(p)
    panel.part_box.setCurrentIndex(2)
    reg = w.race.landscape.value(p)
    assert w.race.landscape.part == "reg" and (reg > 0).all()
    assert "regularization only" in w.caption.text()
    np.testing.assert_allclose(data + reg, total, rtol=1e-10)
    # softmax data loss at a trained W*: between 1.5 and ln 10 ≈ 2.30 (chance level)
    assert 1.5 < data[0] < np.log(10)


def test_cancel_keeps_the_old_surface(window_panel, qtbot, cifar_root):
    w, panel = window_panel
    old = w.race.landscape
    panel.root_edit.setText(str(cifar_root))
    panel.build_button.click()
    panel.cancel_button.click()
    wait_idle(qtbot, panel)
    assert w.race.landscape is old and w.race.scene.landscape.name == "quadratic_bowl"
    assert "cancelled" in panel.status.text()
    assert panel.build_button.isEnabled() and not panel.cancel_button.isVisible()


def test_bad_folders_show_an_error_and_keep_the_surface(window_panel, qtbot, tmp_path):
    w, panel = window_panel
    old = w.race.landscape
    panel.root_edit.setText(str(tmp_path / "nowhere"))
    panel.build_button.click()
    assert panel.job is None and "no CIFAR-10 at" in panel.status.text()
    empty = tmp_path / "empty"
    empty.mkdir()
    panel.root_edit.setText(str(empty))
    panel.build_button.click()
    wait_idle(qtbot, panel)
    assert "failed" in panel.status.text() and str(empty) in panel.status.text()
    assert "building CIFAR-10 slice failed" in w.status_label.text()      # errors reach the status bar too
    corrupt = tmp_path / "cifar-10-batches-py"
    corrupt.mkdir()
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        (corrupt / name).write_bytes(b"not a pickle")
    panel.root_edit.setText(str(corrupt))
    panel.build_button.click()
    wait_idle(qtbot, panel)
    assert "failed" in panel.status.text()
    assert w.race.landscape is old and w.race.scene.landscape.name == "quadratic_bowl"
    # nothing chosen and nothing downloaded
    panel.cache_dir = tmp_path / "cache"
    panel.root_edit.setText("")
    panel.build_button.click()
    assert panel.job is None and "CIFAR-10 not found" in panel.status.text()


@pytest.fixture
def served(tmp_path):
    path = make_fake_archive(tmp_path / "a.tar.gz", n=80)
    data = path.read_bytes()

    with serve_archive(data) as base:
        yield base + ARCHIVE_PATH, data


def test_download_button_fetches_verifies_and_fills_the_folder(window_panel, qtbot, served, tmp_path):
    w, panel = window_panel
    url, data = served
    panel.cache_dir = tmp_path / "cache"
    panel.download_url = url
    panel.download_md5 = hashlib.md5(data).hexdigest()
    seen = []
    panel.progress.valueChanged.connect(seen.append)
    panel.download_button.click()
    wait_idle(qtbot, panel)
    archive = panel.cache_dir / "cifar-10-python.tar.gz"
    assert archive.read_bytes() == data
    assert panel.root_edit.text() == str(archive)
    assert "verified" in panel.status.text() and seen and max(seen) == 100
    # a wrong checksum: a clear error, nothing left behind
    archive.unlink()
    panel.download_md5 = "0" * 32
    panel.download_button.click()
    wait_idle(qtbot, panel)
    assert "failed" in panel.status.text() and not archive.exists()


def test_dock_follows_a_cifar_scene(window_panel, qtbot, cifar_root):
    """After a CIFAR-10 scene loads, the dock shows that scene's settings and W*'s accuracy (issue 10 point 7)."""
    from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

    w, panel = window_panel
    params = {"loss": "svm", "reg": "l1", "strength": 2.5, "seed": 3, "plane": "init_opt_random",
              "subset": 300, "root": str(cifar_root)}
    scene = Scene(title="a CIFAR-10 scene", landscape=LandscapeSpec("cifar_slice", params=params, resolution=23),
                  runs=[RunSpec("gd", {"lr": 0.1})], playback=PlaybackSpec(steps=5))
    assert panel.accuracy_label.text() == "—"
    w.load_scene(scene)
    qtbot.waitUntil(lambda: w.race.scene.landscape.name == "cifar_slice" or "failed" in w.status_label.text(),
                    timeout=WAIT)
    f = w.race.landscape
    assert f.n_examples == 300, w.status_label.text()
    assert (panel.loss_box.currentData(), panel.reg_box.currentData(), panel.plane_box.currentData()) == \
        ("svm", "l1", "init_opt_random")
    assert panel.strength_box.value() == 2.5 and panel.seed_box.value() == 3
    assert panel.subset_box.value() == 300 and panel.resolution_box.value() == 23
    # the accuracy the caption gives, in the dock too
    acc = f.accuracies
    assert panel.accuracy_label.text() == "   ".join(f"{k} {acc[k]:.1%}" for k in ("train", "val", "test"))
    assert panel.result_group.isEnabled()
    # following the scene built nothing and changed nothing on screen
    assert panel.job is None and w.race.landscape is f
    # what Build would build now is the scene's slice (less the folder, which is the app's setting)
    spec = panel.landscape_spec()
    assert {k: spec.params[k] for k in params if k != "root"} == {k: v for k, v in params.items() if k != "root"}
    # Show switches the part of the scene's own slice
    panel.part_box.setCurrentIndex(1)
    assert w.race.landscape.part == "data" and w.race.landscape.n_examples == 300
