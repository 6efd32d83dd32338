"""Video encoding: frame count, size and fps as ffprobe reports them."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from app.model import video
from app.model.video import ExportCancelled, encode_video
from tests.export.ffprobe import probe


def moving_bar(n, w, h):
    for i in range(n):
        a = np.zeros((h, w, 3), np.uint8)
        a[:, : (i * 7) % w] = 200
        yield a


def test_mp4_keeps_size_frames_and_fps(tmp_path):
    # 800x600 is the size imageio-ffmpeg's default macro block would turn into 800x608.
    out = encode_video(moving_bar(48, 800, 600), tmp_path / "race.mp4", fps=24, size=(800, 600))
    info = probe(out)
    assert (info["codec"], info["width"], info["height"]) == ("h264", 800, 600)
    assert info["frames"] == 48
    assert info["fps"] == pytest.approx(24)


def test_gif_keeps_identical_frames(tmp_path):
    # A paused race renders the same picture again and again: all frames must survive.
    same = [np.full((90, 160, 3), 120, np.uint8)] * 10
    out = encode_video(iter(same), tmp_path / "paused.gif", fps=20, size=(160, 90))
    info = probe(out)
    assert (info["codec"], info["width"], info["height"], info["frames"]) == ("gif", 160, 90, 10)
    assert info["fps"] == pytest.approx(20)


def test_rgba_frames_are_accepted(tmp_path):
    frames = [np.full((32, 48, 4), 255, np.uint8)] * 3
    info = probe(encode_video(frames, tmp_path / "a.mp4", fps=10, size=(48, 32)))
    assert info["frames"] == 3


@pytest.mark.parametrize(
    "name, size, fps, message",
    [
        ("x.avi", (64, 64), 10, "unsupported video format"),
        ("x.mp4", (65, 64), 10, "even width and height"),
        ("x.gif", (8, 8), 10, "too small"),
        ("x.mp4", (64, 64), 0, "fps must be between"),
    ],
)
def test_bad_settings_are_refused(tmp_path, name, size, fps, message):
    with pytest.raises(ValueError, match=message):
        encode_video([], tmp_path / name, fps=fps, size=size)
    assert list(tmp_path.iterdir()) == []


def test_wrong_frame_size_leaves_no_file(tmp_path):
    frames = [np.zeros((64, 64, 3), np.uint8), np.zeros((32, 64, 3), np.uint8)]
    with pytest.raises(ValueError, match=r"frame 1 has shape \(32, 64, 3\)"):
        encode_video(frames, tmp_path / "x.mp4", fps=10, size=(64, 64))
    assert list(tmp_path.iterdir()) == []


def test_cancel_removes_partial_file_and_keeps_old_one(tmp_path):
    target = tmp_path / "x.mp4"
    target.write_bytes(b"previous export")
    calls = iter([False, False, True])
    with pytest.raises(ExportCancelled):
        encode_video(moving_bar(10, 64, 64), target, fps=10, size=(64, 64),
                     cancel=lambda: next(calls))
    assert target.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["x.mp4"]


def test_progress_counts_frames(tmp_path):
    seen = []
    encode_video(moving_bar(5, 64, 64), tmp_path / "x.gif", fps=10, size=(64, 64),
                 n_frames=5, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(i, 5) for i in range(1, 6)]


def test_rgba_pixels_come_out_as_their_rgb(tmp_path):
    # Alpha is dropped, colours kept: decode with ffmpeg and compare.
    import subprocess

    frame = np.zeros((32, 48, 4), np.uint8)
    frame[..., 0], frame[..., 3] = 255, 255          # opaque pure red
    out = encode_video([frame] * 2, tmp_path / "red.gif", fps=10, size=(48, 32))
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    rgb = np.frombuffer(raw, np.uint8).reshape(32, 48, 3)
    assert (rgb[..., 0] > 240).all() and (rgb[..., 1:] < 15).all()


FAKE_FFMPEG = """
import sys
out = sys.argv[-1]
sys.stdin.buffer.read()                      # take every frame, like ffmpeg
with open(out, "wb") as f:
    f.write(b"\\0" * 1000)                   # a video without its moov atom
sys.stderr.write("[mp4] Error writing trailer: No space left on device\\n")
sys.exit(1)
"""


def fake_ffmpeg(monkeypatch, tmp_path, source):
    script = tmp_path / "fake_ffmpeg.py"
    script.write_text(source)
    monkeypatch.setattr(video, "ffmpeg_command", lambda: [sys.executable, str(script)])
    return script


@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_ffmpeg_failure_keeps_the_old_file(tmp_path, monkeypatch, suffix):
    # ffmpeg writes a non-empty but broken file and exits 1 (a full disk at the trailer)
    work = tmp_path / "work"
    work.mkdir()
    fake_ffmpeg(monkeypatch, tmp_path, FAKE_FFMPEG)
    target = work / f"race{suffix}"
    target.write_bytes(b"good old export")
    with pytest.raises(OSError, match="exit status 1.*No space left on device.*existing file is kept"):
        encode_video(moving_bar(5, 64, 64), target, fps=10, size=(64, 64))
    assert target.read_bytes() == b"good old export"
    assert [p.name for p in work.iterdir()] == [target.name]


def test_ffmpeg_dying_early_is_an_error(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    fake_ffmpeg(monkeypatch, tmp_path, "import sys; sys.stderr.write('Unknown encoder\\n'); sys.exit(8)")
    with pytest.raises(OSError, match="Unknown encoder"):
        # frames large enough to fill the pipe buffer after ffmpeg has gone
        encode_video(moving_bar(40, 640, 480), work / "x.mp4", fps=10, size=(640, 480))
    assert list(work.iterdir()) == []


def test_read_only_video_is_refused_before_encoding(tmp_path):
    target = tmp_path / "keep.gif"
    target.write_bytes(b"precious")
    target.chmod(0o444)
    pulled = []

    def frames():
        pulled.append(1)
        yield np.zeros((64, 64, 3), np.uint8)
    with pytest.raises(OSError, match="read-only"):
        encode_video(frames(), target, fps=10, size=(64, 64))
    assert target.read_bytes() == b"precious" and pulled == []
    out = encode_video(frames(), target, fps=10, size=(64, 64), overwrite=True)
    assert probe(out)["frames"] == 1
