"""A lecture playlist: an ordered list of scenes and where the lecturer is in it.

Entries are built-in scene names (``presets.builtin_scene_names()``) or paths
of scene files; ``scene()`` loads the current one through
``presets.resolve_scene``. Navigation CLAMPS at both ends by default: a
clicker pressed once too often at the last slide must not jump back to the
first scene in front of the audience. ``wrap=True`` cycles instead.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from . import presets
from .scene import Scene
from .scene_io import read_text_file


class Playlist:
    """Ordered scene names/files with a current index (0-based)."""

    def __init__(self, entries: Iterable[str | os.PathLike[str]], *, wrap: bool = False, index: int = 0) -> None:
        items = [os.fspath(e) for e in entries]
        if not items:
            raise ValueError("a playlist needs at least one scene")
        for e in items:
            if not isinstance(e, str) or not e.strip():
                raise ValueError(f"playlist entries must be scene names or file paths, got {e!r}")
        self.entries: list[str] = items
        self.wrap = bool(wrap)
        self.index = 0
        self.go(index)

    @classmethod
    def builtin(cls, *, wrap: bool = False) -> Playlist:
        """The built-in lecture scenes in their numeric order."""
        return cls(presets.builtin_scene_names(), wrap=wrap)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, wrap: bool = False) -> Playlist:
        """One entry per line; blank lines and '#' comments are skipped; relative
        paths are taken relative to the playlist file."""
        p = Path(path)
        text = read_text_file(p, "playlist")   # a regular file of sane size: never a FIFO or /dev/zero
        base = p.resolve().parent
        names = presets.builtin_scene_names()
        entries = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line not in names and not Path(line).is_absolute():
                line = str(base / line)
            entries.append(line)
        if not entries:
            raise ValueError(f"playlist {p} lists no scenes")
        return cls(entries, wrap=wrap)

    # --- navigation -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.entries)

    @property
    def current(self) -> str:
        return self.entries[self.index]

    def go(self, index: int) -> str:
        """Jump to ``index`` (ValueError if outside 0..len-1); return the entry."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.entries):
            raise ValueError(f"no scene {index!r} in a playlist of {len(self.entries)}")
        self.index = index
        return self.current

    def next(self) -> str:
        """The following entry (clamped at the last one unless wrap)."""
        return self._move(+1)

    def previous(self) -> str:
        """The preceding entry (clamped at the first one unless wrap)."""
        return self._move(-1)

    def _move(self, delta: int) -> str:
        n = len(self.entries)
        i = self.index + delta
        self.index = i % n if self.wrap else min(max(i, 0), n - 1)
        return self.current

    def find(self, entry: str) -> int | None:
        """The index of ``entry`` (a name or path), or None."""
        try:
            return self.entries.index(os.fspath(entry))
        except ValueError:
            return None

    def position_text(self) -> str:
        """'3 / 13' for the playback bar."""
        return f"{self.index + 1} / {len(self.entries)}"

    def scene(self) -> Scene:
        """Load the current entry (SceneError, a ValueError, naming it if it is bad)."""
        return presets.resolve_scene(self.current)
