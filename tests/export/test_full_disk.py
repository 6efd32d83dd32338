"""A full disk during any export: an error, the old file intact, no temp file left.

The disk fills for real: RLIMIT_FSIZE caps the size of any file this process (and
the ffmpeg it starts) writes, so writes past the cap fail with EFBIG exactly where
a full disk fails with ENOSPC (SIGXFSZ, which would kill the process, is ignored).
"""
from __future__ import annotations

import contextlib
import resource
import signal

import pytest

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

pytest.importorskip("PySide6")

CAP = 2000   # bytes: far less than any export of the scene below


@contextlib.contextmanager
def disk_full_after(limit: int):
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)


def scene() -> Scene:
    return Scene(title="full disk", landscape=LandscapeSpec("quadratic_bowl", resolution=40),
                 runs=[RunSpec("gd", {"lr": 0.05}, start=(-1.5, 1.2))],
                 playback=PlaybackSpec(steps=6, speed=1, fps=10))


@pytest.mark.parametrize("name", ["race.png", "race.svg", "race.mp4", "race.gif"])
def test_export_on_a_full_disk_keeps_the_old_file(tmp_path, name):
    from app.ui.export.render import render_scene

    target = tmp_path / name
    target.write_bytes(b"the good export from yesterday")
    with disk_full_after(CAP), pytest.raises(OSError, match="cannot write .*existing file is kept"):
        render_scene(scene(), target, size=(320, 240), view="2d")
    assert target.read_bytes() == b"the good export from yesterday"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_the_same_exports_succeed_without_the_cap(tmp_path):
    # so the test above fails for the disk, not for the scene
    from app.ui.export.render import render_scene

    for name in ("race.png", "race.svg", "race.mp4", "race.gif"):
        out = render_scene(scene(), tmp_path / name, size=(320, 240), view="2d")
        assert out.stat().st_size > CAP


def test_cli_render_on_a_full_disk_is_one_line_exit_2(tmp_path, capsys):
    from app import cli

    target = tmp_path / "race.svg"
    target.write_bytes(b"yesterday's export")
    with disk_full_after(CAP):
        code = cli.main(["render", "ravine", "--view", "2d", "--size", "320x240", "--steps", "5",
                         "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 2, err
    last = err.rstrip("\n").split("\n")[-1]
    assert last.startswith("losslab: error: cannot write") and "existing file is kept" in last, err
    assert "Traceback" not in err and "wrote" not in err
    assert target.read_bytes() == b"yesterday's export"
