"""`losslab render` end to end, in a subprocess under the same display as the tests.

Bad input must end with a non-zero exit code and one line on stderr, never a traceback.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.export.ffprobe import probe

REPO = Path(__file__).resolve().parents[2]


def losslab(*args, env=None, timeout=240):
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], cwd=REPO, env=env or os.environ.copy(),
                          capture_output=True, text=True, timeout=timeout)


def error_lines(proc) -> list[str]:
    """stderr without the progress bar (which redraws one line with \\r)."""
    return [ln.split("\r")[-1] for ln in proc.stderr.splitlines() if ln.split("\r")[-1].strip()]


def assert_clean_failure(proc, *words):
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = error_lines(proc)
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("losslab: error: ")
    for w in words:
        assert w in lines[0], lines[0]


def test_png_2d_end_to_end(tmp_path):
    out = tmp_path / "map.png"
    proc = losslab("render", "--landscape", "himmelblau", "--solvers", "gd,adam", "--steps", "30",
                   "--view", "2d", "--size", "480x320", "--out", out)
    assert proc.returncode == 0, proc.stderr
    a = np.asarray(Image.open(out).convert("RGB"))
    assert a.shape == (320, 480, 3)
    assert a.std() > 20


@pytest.mark.gl
def test_png_both_end_to_end(tmp_path):
    out = tmp_path / "both.png"
    proc = losslab("render", "default", "--steps", "20", "--size", "960x540", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert Image.open(out).size == (960, 540)


@pytest.mark.gl
def test_gif_end_to_end(tmp_path):
    out = tmp_path / "race.gif"
    proc = losslab("render", "default", "--steps", "9", "--fps", "10", "--size", "320x180", "--view", "3d",
                   "--out", out)
    assert proc.returncode == 0, proc.stderr
    info = probe(out)
    assert (info["width"], info["height"], info["frames"]) == (320, 180, 10)   # default speed 1: 9 + 1
    assert info["fps"] == pytest.approx(10)


@pytest.mark.parametrize("args, words", [
    (["no_such_scene"], ["no_such_scene"]),
    (["default", "--size", "big"], ["--size"]),
    (["default", "--size", "0x100"], ["--size"]),
    (["default", "--view", "4d"], ["--view"]),
    (["default", "--fps", "0"], ["--fps"]),
    (["--landscape", "rosenbrok"], ["rosenbrok"]),
    (["--landscape", "rosenbrock", "--solvers", "adamm"], ["adamm"]),
])
def test_bad_input_is_one_line(tmp_path, args, words):
    proc = losslab("render", *args, "--out", tmp_path / "x.png")
    assert_clean_failure(proc, *words)
    assert not (tmp_path / "x.png").exists()


def test_unwritable_paths_are_one_line(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    assert_clean_failure(losslab("render", "default", "--out", blocker / "x.png"), "file.txt")
    assert_clean_failure(losslab("render", "default", "--out", tmp_path / "missing" / "x.png"), "missing")
    assert_clean_failure(losslab("render", "default", "--out", tmp_path / "x.jpg"), ".jpg")


def test_3d_without_any_display_says_use_xvfb(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = losslab("render", "default", "--view", "3d", "--steps", "5", "--out", tmp_path / "x.png", env=env)
    assert_clean_failure(proc, "xvfb-run")
    assert not (tmp_path / "x.png").exists()


def test_2d_without_any_display_works_offscreen(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "map.svg"
    proc = losslab("render", "default", "--view", "2d", "--steps", "5", "--out", out, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "<polyline" in out.read_text() or "<path" in out.read_text()
