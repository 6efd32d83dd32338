"""Built-in scenes: the lecture presets in resources/scenes/*.json.

A file ``NN_some_name.json`` is the scene ``some_name``; the numeric prefix
orders the list. ``00_default.json`` is what the app opens on first launch.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from solvers.naming import did_you_mean

from .scene import Scene
from .scene_io import SceneError, load_scene

_PREFIX = re.compile(r"^(\d+)_(.+)$")
DEFAULT_SCENE = "default"


def scenes_dir() -> Path:
    """The folder of built-in scene files (inside the installed package)."""
    import resources

    return Path(resources.__file__).resolve().parent / "scenes"


def _scene_files() -> dict[str, Path]:
    files = []
    for p in scenes_dir().glob("*.json"):
        m = _PREFIX.match(p.stem)
        order, name = (int(m.group(1)), m.group(2)) if m else (10**9, p.stem)
        files.append((order, name, p))
    return {name: p for _, name, p in sorted(files)}


def builtin_scene_names() -> list[str]:
    """Names of the built-in scenes, in their numeric order (default first)."""
    return list(_scene_files())


def load_builtin(name: str) -> Scene:
    """A built-in scene by name; SceneError listing the names if unknown."""
    files = _scene_files()
    if name not in files:
        raise SceneError(
            f"unknown scene {name!r}{did_you_mean(name, files)}; built-in scenes: {', '.join(files)}"
        )
    return load_scene(files[name])


def default_scene() -> Scene:
    """The first-launch scene: five solvers racing down a telling surface."""
    return load_builtin(DEFAULT_SCENE)


def resolve_scene(name_or_path: str | os.PathLike[str]) -> Scene:
    """A built-in scene name, or the path of a scene file."""
    text = os.fspath(name_or_path)
    files = _scene_files()
    if text in files:
        return load_scene(files[text])
    looks_like_path = text.endswith(".json") or os.sep in text or (os.altsep or "/") in text
    if looks_like_path or Path(text).is_file():
        return load_scene(text)
    raise SceneError(
        f"unknown scene {text!r}{did_you_mean(text, files)}: not a built-in scene "
        f"({', '.join(files)}) nor a scene file"
    )
