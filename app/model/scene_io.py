"""Scenes as versioned JSON: load with every problem reported, save atomically.

The format (version 1) is declared once, by the dataclasses of
``app.model.scene``; pydantic validates a loaded dict against them
(scene_schema) and scene_problems turns its errors into one line per problem,
e.g. ``runs[2].solver: unknown solver 'adamm' (did you mean 'adam'?)``, with
unknown keys named and a did-you-mean. Tuples are written as JSON lists and
read back as tuples, so ``scene_from_dict(scene_to_dict(s)) == s``.

What a file may ask for is bounded before anything is built (app.model.limits):
scene files are read from regular files only (a FIFO or /dev/zero is refused,
not read), up to MAX_SCENE_BYTES; nesting, numbers too large for a float, the
number of runs and runs x steps are refused at load in one line.
"""
from __future__ import annotations

import dataclasses
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from solvers.naming import did_you_mean

from .landscape_kinds import SPECIAL_LANDSCAPES
from .limits import MAX_SCENE_BYTES
from .scene import SCENE_VERSION, Scene
from .scene_checks import check_run
from .scene_map import map_problems
from .scene_problems import describe, is_int, json_type, raw_problems, show, work_problem
from .scene_schema import scene_adapter

__all__ = [
    "SPECIAL_LANDSCAPES", "SceneError", "check_run", "load_scene", "read_text_file", "savable", "save_scene",
    "scene_from_dict", "scene_to_dict", "validate_scene",
]
# A SceneError's text lists this many problems; the rest are counted (a hostile file may hold millions).
MAX_LISTED_PROBLEMS = 20
PathLike = str | os.PathLike[str]


class SceneError(ValueError):
    """A scene that cannot be loaded; ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str] | str, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            text = head + self.problems[0]
        else:
            shown = self.problems[:MAX_LISTED_PROBLEMS]
            more = len(self.problems) - len(shown)
            text = f"{head}{len(self.problems)} problems in scene:\n" + "\n".join(shown)
            text += f"\n(and {more} more)" if more else ""
        super().__init__(text)


# --------------------------------------------------------------------- saving
def _plain(value: Any) -> Any:
    """Tuples -> lists, recursively, so the dict is exactly what JSON holds."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


def scene_to_dict(scene: Scene) -> dict[str, Any]:
    """The JSON-ready dict of a scene (version first, for people reading files)."""
    d: dict[str, Any] = _plain(dataclasses.asdict(scene))
    return {"version": d.pop("version"), **d}


def savable(scene: Scene) -> tuple[Scene, str | None]:
    """The scene as a file can hold it, and what was left out: a phase map that no longer fits
    its runs (its run removed, or given a solver without the map's axes) would make the file
    refuse to load, so it is left out, with one line saying so."""
    problems = map_problems(scene)
    if not problems:
        return scene, None
    return dataclasses.replace(scene, phase_map=None), f"the phase map was left out: {problems[0]}"


def save_scene(scene: Scene, path: PathLike, *, overwrite: bool = False) -> Path:
    """Write ``scene`` as JSON to ``path`` through app.model.safe_output.

    A crash or a full disk mid-write leaves the old file intact; a read-only
    file is refused unless ``overwrite``.
    """
    from .safe_output import safe_output

    path = Path(path)
    text = json.dumps(scene_to_dict(scene), indent=2, allow_nan=False) + "\n"
    with safe_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


# -------------------------------------------------------------------- loading
def load_scene(path_or_text: PathLike) -> Scene:
    """Load a scene from a file path, or from JSON text (a str starting with '{' or '[')."""
    source: str | None = None
    if isinstance(path_or_text, str) and path_or_text.lstrip()[:1] in ("{", "["):
        text = path_or_text
        if len(text) > MAX_SCENE_BYTES:
            raise SceneError(f"scene text of {len(text):,} characters; at most {MAX_SCENE_BYTES:,}")
    else:
        source = str(path_or_text)
        text = read_text_file(path_or_text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SceneError(f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}", source) from None
    except RecursionError:
        raise SceneError("not valid JSON: nested too deeply", source) from None
    except ValueError as e:   # e.g. an integer of more than 4300 digits
        raise SceneError(f"not valid JSON: {e}", source) from None
    try:
        return scene_from_dict(data)
    except SceneError as e:
        raise SceneError(e.problems, source) from None


def read_text_file(path: PathLike, what: str = "scene file") -> str:
    """The UTF-8 text of a regular file of at most MAX_SCENE_BYTES; SceneError otherwise, never a hang.

    ``what`` names the file in messages ("scene file", "playlist").
    """
    source = str(path)
    try:
        # O_NONBLOCK: opening a FIFO returns at once (then refused below) instead of waiting for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise SceneError(f"{what} {source!r} does not exist") from None
    except IsADirectoryError:
        raise SceneError(f"{source!r} is a directory, not a {what}") from None
    except OSError as e:
        raise SceneError(f"cannot read {what} {source!r}: {e.strerror or e}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise SceneError(f"{source!r} is a directory, not a {what}")
        raise SceneError(f"{source!r} is not a regular file (a device, FIFO or socket), not a {what}")
    with os.fdopen(fd, "rb") as fh:
        try:
            raw = fh.read(MAX_SCENE_BYTES + 1)
        except OSError as e:
            raise SceneError(f"cannot read {what} {source!r}: {e.strerror or e}") from None
    if len(raw) > MAX_SCENE_BYTES:
        raise SceneError(f"{what} {source!r} is larger than {MAX_SCENE_BYTES // 2**20} MB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SceneError(f"{what} {source!r} is not UTF-8 text") from None


def scene_from_dict(d: Any) -> Scene:
    """Build a Scene from a JSON dict; raise SceneError listing every problem."""
    if not isinstance(d, dict):
        raise SceneError(f"a scene must be a JSON object, got {json_type(d)}")
    version = d.get("version", SCENE_VERSION)
    if not is_int(version) or not 1 <= version <= sys.maxsize:
        raise SceneError(f"version: expected a positive integer, got {show(version)}")
    if version > SCENE_VERSION:
        raise SceneError(
            f"scene version {version} is newer than this Loss Lab understands "
            f"(version {SCENE_VERSION}); please update Loss Lab"
        )
    too_much = work_problem(d)
    if too_much:
        raise SceneError(too_much)
    problems = raw_problems(d)
    if problems:
        raise SceneError(problems)
    try:
        scene = scene_adapter().validate_python(d)
    except ValidationError as e:
        raise SceneError([line for err in e.errors() for line in describe(err)]) from None
    problems = map_problems(scene)      # the map against the runs it maps: after both are valid
    if problems:
        raise SceneError(problems)
    return scene


def validate_scene(scene: Scene) -> None:
    """Raise SceneError if ``scene`` (e.g. built in code) would not load back."""
    scene_from_dict(json.loads(json.dumps(scene_to_dict(scene))))


def _hint(name: object, known: Any) -> str:
    """The command line's unquoted " (did you mean adam?)" (tests/test_cli.py pins that form)."""
    return did_you_mean(name, known, quote=False)