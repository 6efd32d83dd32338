"""The checks of an export's options (size, view, fps, steps, output suffix), without Qt.

The command line (app.model.cli_logic), the Export dialog and the renderer
(app.ui.export.render) all check with these, so a picture that one of them
accepts the others accept too. Limits come from app.model.limits. Each check
raises ExportOptionError with one line that names the option as the caller
calls it (``name``: "size" for the renderer, "--size" for the command line).
"""
from __future__ import annotations

import math
import re
from pathlib import PurePath

from app.model.limits import (
    FPS_RANGE,
    IMAGE_SUFFIXES,
    MAX_SIZE,
    MAX_STEPS,
    MIN_SIZE,
    OUT_SUFFIXES,
    VIEW_MODES,
)
from solvers.naming import short_repr


class ExportOptionError(ValueError):
    """An export option out of range or of the wrong kind: one line."""


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ExportOptionError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, int):
        return value              # exact, however many digits (the range check says it is absurd)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise ExportOptionError(f"{name} must be an integer, got {str(value)[:40]!r}") from None
    if not math.isfinite(number):
        raise ExportOptionError(f"{name} must be an integer, got {str(value)[:40]!r}")
    if not number.is_integer():
        raise ExportOptionError(f"{name} must be an integer, got {value!r}")
    return int(number)


def parse_size(text: str, name: str = "size") -> tuple[int, int]:
    """'1280x720' -> (1280, 720), then check_size."""
    m = re.fullmatch(r"\s*(-?\d+)\s*[xX×]\s*(-?\d+)\s*", text or "")   # "-5x3": "must be positive"
    if not m:
        raise ExportOptionError(f"{name} must look like WIDTHxHEIGHT, e.g. 1280x720, got {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    if w <= 0 or h <= 0:
        raise ExportOptionError(f"{name} must be positive, got {w}x{h}")
    return check_size((w, h), name=name)


def check_size(size: object, suffix: str | None = None, name: str = "size") -> tuple[int, int]:
    """(width, height) within MIN_SIZE..MAX_SIZE; even for .mp4 (H.264 needs it)."""
    if not isinstance(size, tuple | list) or len(size) != 2:
        raise ExportOptionError(f"{name} must be (width, height), got {size!r}")
    w, h = _integer(size[0], name), _integer(size[1], name)
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        raise ExportOptionError(f"{name} must be at least {MIN_SIZE[0]}x{MIN_SIZE[1]} and at most "
                                f"{MAX_SIZE[0]}x{MAX_SIZE[1]}, got {short_repr(w)}x{short_repr(h)}")
    if suffix is not None and suffix.lower() == ".mp4" and (w % 2 or h % 2):
        raise ExportOptionError(f"MP4 (H.264) needs an even width and height, got {w}x{h}")
    return w, h


def check_view(view: object, suffix: str | None = None, name: str = "view") -> str:
    """One of VIEW_MODES; an SVG is of one vector view: the 2-D map ("both" becomes "2d") or the data
    view ("data"); "3d" is refused."""
    if not isinstance(view, str) or view not in VIEW_MODES:
        raise ExportOptionError(f"{name} must be one of {', '.join(VIEW_MODES)}, "
                                f"got {view!r}")
    if suffix is not None and suffix.lower() == ".svg":
        if view == "3d":
            raise ExportOptionError("SVG export is of the 2-D view (vector contours): use the 2-D view (--view 2d), "
                                    "or a .png for the 3-D view")
        return "data" if view == "data" else "2d"
    return view


def needs_gl(view: str) -> bool:
    """Whether an export of ``view`` draws the 3-D view (and so needs OpenGL)."""
    return view not in ("2d", "data")


def check_fps(fps: object, name: str = "fps") -> int:
    """Frames per second within FPS_RANGE."""
    n = _integer(fps, name)
    if not FPS_RANGE[0] <= n <= FPS_RANGE[1]:
        raise ExportOptionError(f"{name} must be between {FPS_RANGE[0]} and {FPS_RANGE[1]}, got {short_repr(fps)}")
    return n


def check_steps(steps: object, name: str = "steps", minimum: int = 0) -> int:
    """Race steps to show, minimum..MAX_STEPS."""
    n = _integer(steps, name)
    if not minimum <= n <= MAX_STEPS:
        raise ExportOptionError(f"{name} must be between {minimum} and {MAX_STEPS}, got {short_repr(steps)}")
    return n


def check_suffix(path: str | PurePath, name: str = "out") -> str:
    """The output file's suffix (lower case), one of OUT_SUFFIXES."""
    p = PurePath(path)
    suffix = p.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        got = f"{p.suffix!r}" if p.suffix else "no extension"
        raise ExportOptionError(f"{name} must end in {', '.join(OUT_SUFFIXES)}; got {got} in '{p}'")
    return suffix


def check_transparent(transparent: bool, suffix: str) -> bool:
    """A transparent background exists only in PNG."""
    if transparent and suffix.lower() != ".png":
        raise ExportOptionError("a transparent background is only possible for .png")
    return bool(transparent)


def is_image(suffix: str) -> bool:
    """An image (one picture) rather than a video."""
    return suffix.lower() in IMAGE_SUFFIXES
