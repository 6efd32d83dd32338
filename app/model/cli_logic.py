"""What the command line checks and builds, without argparse or Qt.

Every check raises ``UsageError`` with a one-line message; app/cli.py turns
it into ``losslab: error: ...`` and exit code 2.
"""
from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import export_options
from .export_options import ExportOptionError
from .safe_output import OutputError, ReadOnlyTarget, check_replaceable
from .scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene
from .scene_io import SPECIAL_LANDSCAPES, SceneError, _hint, check_run

DEFAULT_SOLVERS = ("gd", "momentum", "nesterov", "rmsprop", "adam")
T = TypeVar("T")


class UsageError(ValueError):
    """Bad command-line input: one line, exit code 2."""


def _usage(check: Callable[..., T], *args: object, **kw: object) -> T:
    """An export option check (app.model.export_options) with its error as a UsageError."""
    try:
        return check(*args, **kw)
    except ExportOptionError as e:
        raise UsageError(str(e)) from None


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' -> (1280, 720), within the export size limits."""
    return _usage(export_options.parse_size, text, name="--size")


def check_fps(fps: int | None) -> int | None:
    return None if fps is None else _usage(export_options.check_fps, fps, name="--fps")


def check_steps(steps: int | None) -> int | None:
    return None if steps is None else _usage(export_options.check_steps, steps, name="--steps", minimum=1)


def check_view(view: str) -> str:
    return _usage(export_options.check_view, view, name="--view")


def check_out(path: str | os.PathLike[str] | None, overwrite: bool = False) -> Path:
    """The output file: a known extension and a sane name, in an existing directory we can write.

    An existing read-only file is refused unless ``overwrite`` (see app.model.safe_output).
    """
    if not path:
        raise UsageError("--out FILE is required (.png, .svg, .mp4 or .gif)")
    out = Path(path).expanduser()
    _usage(export_options.check_suffix, out, name="--out")
    return check_writable(out, "--out", overwrite)


def check_picture_out(path: str, what: str, overwrite: bool = False) -> Path:
    """--out: a .png or .svg we can write; ``what`` names the picture ("a phase map")."""
    out = Path(path).expanduser()
    if out.suffix.lower() not in (".png", ".svg"):
        got = f"{out.suffix!r}" if out.suffix else "no extension"
        raise UsageError(f"--out must end in .png or .svg ({what} is a picture); got {got} in '{out}'")
    return check_writable(out, "--out", overwrite)


def check_writable(out: Path, flag: str, overwrite: bool = False) -> Path:
    """``out`` can be written: a sane name, in an existing directory we can write, not a read-only file."""
    parent = out.parent if str(out.parent) else Path(".")
    name_max = _name_max(parent)
    if len(os.fsencode(out.name)) > name_max:
        raise UsageError(f"{flag} file name is too long ({len(os.fsencode(out.name))} bytes; "
                         f"at most {name_max} here): '{_short(out)}'")
    if out.is_dir():
        raise UsageError(f"{flag} '{out}' is a directory; give a file name")
    if not parent.exists():
        # a path under a regular file reports as missing; say which it is
        for anc in parent.parents:
            if anc.exists() and not anc.is_dir():
                raise UsageError(f"cannot write '{out}': '{anc}' is a file, not a directory")
        raise UsageError(f"cannot write '{out}': directory '{parent}' does not exist")
    if not parent.is_dir():
        raise UsageError(f"cannot write '{out}': '{parent}' is a file, not a directory")
    try:  # os.access lies for root and on some network mounts: really try
        fd, probe = tempfile.mkstemp(dir=parent, prefix=".losslab-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise UsageError(f"cannot write '{out}': {_why_not_writable(parent, e)}") from None
    try:
        check_replaceable(out, overwrite)
    except ReadOnlyTarget:
        raise UsageError(f"cannot write '{out}': the existing file is read-only "
                         "(remove it, or add --overwrite)") from None
    except OutputError as e:
        raise UsageError(str(e)) from None
    return out


def _short(path: Path, keep: int = 60) -> str:
    text = str(path)
    return text if len(text) <= keep else f"{text[:keep // 2]}...{text[-keep // 2:]}"


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # not POSIX, or the file system will not say
        return 255


def _why_not_writable(folder: Path, e: OSError) -> str:
    """Why no file can be created in ``folder``, in words (ENOENT in an existing folder is cryptic)."""
    reasons = {
        errno.ENOENT: f"'{folder}' does not accept new files (a special file system, not storage)",
        errno.EACCES: f"no permission to create files in '{folder}'",
        errno.EPERM: f"no permission to create files in '{folder}'",
        errno.EROFS: f"'{folder}' is on a read-only file system",
        errno.ENOSPC: f"no space left on the device of '{folder}'",
        errno.EDQUOT: f"the disk quota for '{folder}' is used up",
    }
    return reasons.get(e.errno or 0, f"cannot create files in '{folder}': {e.strerror or e}")


def parse_solvers(text: str | None) -> list[str]:
    """'gd, momentum,adam' -> ['gd', 'momentum', 'adam'] (each a known solver)."""
    import solvers

    if text is None:
        return list(DEFAULT_SOLVERS)
    known = list(solvers.names())
    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names:
        raise UsageError("--solvers needs at least one solver name, e.g. gd,momentum,adam")
    for n in names:
        if n not in known:
            raise UsageError(f"unknown solver {n!r}{_hint(n, known)}; known: {', '.join(known)}")
    return names


def check_landscape_name(name: str) -> str:
    import landscapes

    known = list(landscapes.names())
    if name not in known:
        raise UsageError(
            f"unknown landscape {name!r}{_hint(name, known)}; known: {', '.join(known)}"
        )
    return name


def scene_from_names(landscape: str, solver_names: list[str]) -> Scene:
    """A race of ``solver_names`` on ``landscape`` from its default start, with suggested lrs."""
    from .build import build_landscape
    from .suggest import suggest_hyper

    lspec = LandscapeSpec(name=landscape)
    f = build_landscape(lspec)
    runs = [RunSpec(solver=s, hyper=suggest_hyper(s, f)) for s in solver_names]
    for r in runs:
        problems = check_run(r)
        if problems:
            raise UsageError(f"solver {r.solver!r}: {problems[0]}")
    title = f"{', '.join(solver_names)} on {getattr(f, 'title', landscape)}"
    return Scene(title=title, landscape=lspec, runs=runs, playback=PlaybackSpec())


def scene_for_render(scene_arg: str | None, landscape: str | None, solver_text: str | None) -> Scene:
    """The scene to render.

    SCENE alone: that scene. --landscape/--solvers alone: those solvers (default
    five) on that landscape (default rosenbrock), with suggested lrs. Both: the
    scene's view, playback and seed with the given landscape and/or solvers.
    """
    from .presets import resolve_scene

    if scene_arg is None and landscape is None and solver_text is None:
        raise UsageError("give a SCENE (see 'losslab list') or --landscape NAME [--solvers ...]")
    if landscape is not None:
        check_landscape_name(landscape)
    names = parse_solvers(solver_text) if solver_text is not None else None
    if scene_arg is None:
        return scene_from_names(landscape or "rosenbrock", names or list(DEFAULT_SOLVERS))
    try:
        scene = resolve_scene(scene_arg)
    except SceneError as e:
        raise UsageError(str(e).replace("\n", "; ")) from None
    if landscape is None and names is None:
        return scene
    if landscape is None and scene.landscape.name in SPECIAL_LANDSCAPES:
        raise UsageError(f"--solvers cannot be combined with a {scene.landscape.name} scene; "
                         "edit the scene file instead")
    built = scene_from_names(landscape or scene.landscape.name, names or [r.solver for r in scene.runs])
    built.view, built.playback, built.seed = scene.view, scene.playback, scene.seed
    return built
