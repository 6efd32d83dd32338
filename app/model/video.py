"""Encode rendered frames to MP4 (H.264) or GIF by piping raw frames to ffmpeg. No Qt.

Frames are uint8 arrays (h, w, 3) or (h, w, 4) (alpha dropped). The ffmpeg
binary is imageio-ffmpeg's, but the pipe is our own: imageio-ffmpeg's
write_frames ignores ffmpeg's exit status, so a full disk ("Error writing
trailer: No space left on device") looked like success. Here a non-zero
exit, or a pipe ffmpeg closed early, is an error carrying ffmpeg's last
message, and the file goes through app.model.safe_output (temp file beside
the target, renamed only on success). Frames are sent at their exact size
(no macro-block padding: imageio-ffmpeg's default would turn 800x600 into
800x608), and GIFs are written by ffmpeg too (one pass with a generated
palette), because Pillow merges identical consecutive frames.
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

import numpy as np

from .safe_output import safe_output

VIDEO_SUFFIXES = (".mp4", ".gif")


class ExportCancelled(Exception):
    """The user cancelled an export; the partial file was removed."""


def ffmpeg_command() -> list[str]:
    """The ffmpeg executable (as a command prefix: tests swap in a fake one)."""
    import imageio_ffmpeg

    return [imageio_ffmpeg.get_ffmpeg_exe()]


def _ffmpeg_args(suffix: str) -> tuple[str, list[str], str]:
    """(codec, extra output params, output pixel format) for a video suffix."""
    if suffix == ".mp4":
        # yuv420p needs even sizes; scale pads nothing, callers pass even sizes
        return "libx264", ["-preset", "veryfast", "-crf", "18", "-movflags", "+faststart"], "yuv420p"
    # GIF: palette generated from the whole clip, dithered; keeps every frame.
    vf = "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a"
    return "gif", ["-filter_complex", vf, "-loop", "0"], "pal8"


def check_video_size(size: tuple[int, int], suffix: str) -> None:
    w, h = size
    if w < 16 or h < 16:
        raise ValueError(f"video size {w}x{h} is too small (at least 16x16)")
    if suffix == ".mp4" and (w % 2 or h % 2):
        raise ValueError(f"MP4 (H.264) needs an even width and height, got {w}x{h}")


class _FfmpegPipe:
    """One ffmpeg process reading raw frames on stdin; its stderr kept in a temp file.

    A temp file rather than a pipe for stderr: nothing has to drain it while we
    write frames, so ffmpeg can never block on a full stderr pipe.
    """

    def __init__(self, out: Path, size: tuple[int, int], fps: int, channels: int, suffix: str) -> None:
        codec, params, pix_fmt = _ffmpeg_args(suffix)
        w, h = size
        cmd = [*ffmpeg_command(), "-y", "-f", "rawvideo", "-vcodec", "rawvideo", "-s", f"{w}x{h}",
               "-pix_fmt", "rgba" if channels == 4 else "rgb24", "-r", str(int(fps)), "-i", "-",
               "-an", "-vcodec", codec, "-pix_fmt", pix_fmt, "-v", "error", *params, str(out)]
        self.errors: IO[bytes] = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=self.errors)

    def send(self, frame: np.ndarray) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(frame.data)  # C-contiguous: no copy
        except (BrokenPipeError, ValueError):  # ffmpeg quit early: finish() says why
            self.finish()
            raise OSError("ffmpeg stopped before all frames were sent") from None

    def finish(self) -> None:
        """Close stdin, wait for ffmpeg; a non-zero exit raises OSError with its last message."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        code = self.proc.wait()
        if code < 0:
            raise OSError(f"ffmpeg was stopped by signal {_signal_name(-code)}: {self._last_message()}")
        if code > 0:
            raise OSError(f"ffmpeg failed (exit status {code}): {self._last_message()}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def close(self) -> None:
        self.kill()
        self.errors.close()

    def _last_message(self) -> str:
        self.errors.seek(0)
        lines = [ln.strip() for ln in self.errors.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        return lines[-1] if lines else "no message"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def encode_video(
    frames: Iterable[np.ndarray],
    path: str | os.PathLike[str],
    *,
    fps: int = 30,
    size: tuple[int, int],
    n_frames: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``frames`` (each (h, w, 3|4) uint8 of ``size`` = (w, h)) to ``path``.

    A cancelled or failed export (ffmpeg's exit status is checked) never
    replaces the file at ``path``: see app.model.safe_output, which also
    refuses a read-only ``path`` unless ``overwrite``.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ValueError(f"unsupported video format {suffix!r}: use .mp4 or .gif")
    check_video_size(size, suffix)
    if not 1 <= int(fps) <= 120:
        raise ValueError(f"fps must be between 1 and 120, got {fps}")
    w, h = size
    with safe_output(path, overwrite=overwrite) as tmp:
        pipe: _FfmpegPipe | None = None  # started on the first frame, whose channels set the input
        done = 0
        try:
            for frame in frames:
                if cancel is not None and cancel():
                    raise ExportCancelled(f"export of {path.name} cancelled")
                a = np.asarray(frame)
                if a.ndim != 3 or a.shape[:2] != (h, w) or a.shape[2] not in (3, 4):
                    raise ValueError(f"frame {done} has shape {a.shape}, expected ({h}, {w}, 3 or 4)"
                                     f" (size {w}x{h})")
                if pipe is None:
                    channels = a.shape[2]
                    pipe = _FfmpegPipe(tmp, size, int(fps), channels, suffix)
                elif a.shape[2] != channels:
                    raise ValueError(f"frame {done} has {a.shape[2]} channels, the first had {channels}")
                # RGBA goes to ffmpeg as is (it drops alpha): no per-frame copy
                pipe.send(np.ascontiguousarray(a, dtype=np.uint8))
                done += 1
                if progress is not None:
                    progress(done, n_frames)
            if pipe is None:
                raise ValueError("no frames to encode")
            pipe.finish()
        finally:
            if pipe is not None:
                pipe.close()
    return path
