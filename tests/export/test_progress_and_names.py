"""What the export tells the user while it works: the video's percent is its frame count, and the
default file name is made of whole words of the scene's title."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.export.test_render import small_scene

pytest.importorskip("PySide6")


def test_video_percent_is_the_share_of_frames_written(tmp_path):
    from app.ui.export.render import render_scene

    seen: list[tuple[float, str]] = []
    render_scene(small_scene(steps=9), tmp_path / "p.gif", size=(160, 120), view="2d",
                 progress=lambda f, msg="": seen.append((f, msg)))
    frames = [(f, re.fullmatch(r"frame (\d+)/(\d+)", m)) for f, m in seen]
    frames = [(f, int(m[1]), int(m[2])) for f, m in frames if m]
    assert [d for _, d, _ in frames] == list(range(1, 11))    # 9 steps at speed 1: 10 frames
    for f, done, n in frames:                                 # "frame 5/10" at 50 %, not at 65 %
        assert n == 10 and f == pytest.approx(done / n)
    assert seen[-1][0] == 1.0


@pytest.mark.gl
def test_export_dialog_default_name_is_whole_words(qtbot, tmp_path):
    from app.ui.common.settings import ini_settings
    from app.ui.features.export_dialog import ExportDialog
    from app.ui.window.main_window import MainWindow

    scene = small_scene()
    scene.title = "SGD batch size on a real loss surface (CIFAR-10)"
    w = MainWindow(scene=scene, settings=ini_settings(tmp_path / "losslab-test.ini"))
    qtbot.addWidget(w)
    d = ExportDialog(w)
    qtbot.addWidget(d)
    d.select(what="2d", fmt=".png")
    assert Path(d.path.text()).name == "sgd_batch_size_on_a_real_loss_surface_2d.png"
