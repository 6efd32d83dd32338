"""Encode rendered frames to MP4 (H.264) or GIF with imageio-ffmpeg. No Qt.

Frames are uint8 arrays (h, w, 3) or (h, w, 4) (alpha dropped). Two traps
handled here (DESIGN.md): imageio-ffmpeg's default macro_block_size=16 would
silently resize 800x600 to 800x608, so we pass 1; and Pillow merges identical
consecutive GIF frames, so GIFs are written by ffmpeg too (one pass with a
generated palette), which keeps every frame.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

VIDEO_SUFFIXES = (".mp4", ".gif")


class ExportCancelled(Exception):
    """The user cancelled an export; the partial file was removed."""


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


def encode_video(
    frames: Iterable[np.ndarray],
    path: str | os.PathLike,
    *,
    fps: int = 30,
    size: tuple[int, int],
    n_frames: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Path:
    """Write ``frames`` (each (h, w, 3|4) uint8 of ``size`` = (w, h)) to ``path``.

    The file is written beside its target under a temporary name and renamed
    at the end, so a cancelled or failed export never leaves a broken video
    where the user expects one.
    """
    import imageio_ffmpeg

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ValueError(f"unsupported video format {suffix!r}: use .mp4 or .gif")
    check_video_size(size, suffix)
    if not 1 <= int(fps) <= 120:
        raise ValueError(f"fps must be between 1 and 120, got {fps}")
    w, h = size
    codec, params, pix_fmt = _ffmpeg_args(suffix)
    tmp = path.with_name(f".{path.stem}.part{suffix}")
    writer = None  # started on the first frame, whose channel count sets the input format
    done = 0
    ok = False
    try:
        for frame in frames:
            if cancel is not None and cancel():
                raise ExportCancelled(f"export of {path.name} cancelled")
            a = np.asarray(frame)
            if a.ndim != 3 or a.shape[:2] != (h, w) or a.shape[2] not in (3, 4):
                raise ValueError(f"frame {done} has shape {a.shape}, expected ({h}, {w}, 3 or 4)"
                                 f" (size {w}x{h})")
            if writer is None:
                channels = a.shape[2]
                # RGBA goes to ffmpeg as is (it drops alpha): no per-frame copy
                writer = imageio_ffmpeg.write_frames(
                    str(tmp), size=(w, h), fps=int(fps), codec=codec,
                    pix_fmt_in="rgba" if channels == 4 else "rgb24",
                    pix_fmt_out=pix_fmt, macro_block_size=1, quality=None,
                    output_params=params, ffmpeg_log_level="error")
                writer.send(None)  # start ffmpeg
            elif a.shape[2] != channels:
                raise ValueError(f"frame {done} has {a.shape[2]} channels, the first had {channels}")
            writer.send(np.ascontiguousarray(a, dtype=np.uint8))
            done += 1
            if progress is not None:
                progress(done, n_frames)
        if done == 0:
            raise ValueError("no frames to encode")
        ok = True
    finally:
        if writer is not None:
            writer.close()
        if not ok:
            tmp.unlink(missing_ok=True)
    if not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise OSError(f"ffmpeg wrote no video to {path}")
    os.replace(tmp, path)
    return path
