"""A Qt-free undo stack of (description, undo, redo) actions.

The ui performs an edit first (a start move, a slider change), then pushes
how to undo and redo it: ``push`` does NOT run ``redo_fn``. Pushing with a
``merge_key`` equal to the top entry's key (e.g. "lr of run 2" while a slider
is dragged) folds the edits into one undo step: the first undo is kept, the
latest redo replaces the old one.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any


@dataclass
class _Action:
    description: str
    undo: Callable[[], Any]
    redo: Callable[[], Any]
    merge_key: Hashable | None = None


class UndoStack:
    """Linear undo/redo history; a push after an undo drops the redo branch."""

    def __init__(self, limit: int = 200) -> None:
        if limit < 1:
            raise ValueError(f"undo limit must be at least 1, got {limit}")
        self.limit = limit
        self._done: list[_Action] = []
        self._undone: list[_Action] = []
        self._busy = False

    def push(self, description: str, undo_fn: Callable[[], Any], redo_fn: Callable[[], Any],
             merge_key: Hashable | None = None) -> None:
        """Record an edit that has already been applied."""
        if self._busy:  # an undo/redo callback that edits must not record itself
            return
        self._undone.clear()
        top = self._done[-1] if self._done else None
        if merge_key is not None and top is not None and top.merge_key == merge_key:
            top.redo = redo_fn
            top.description = description
            return
        self._done.append(_Action(description, undo_fn, redo_fn, merge_key))
        if len(self._done) > self.limit:
            del self._done[0]

    def undo(self) -> str | None:
        """Undo the latest edit; return its description, or None if there was none."""
        if not self._done:
            return None
        action = self._done.pop()
        self._run(action.undo)
        self._undone.append(action)
        return action.description

    def redo(self) -> str | None:
        """Redo the latest undone edit; return its description, or None."""
        if not self._undone:
            return None
        action = self._undone.pop()
        self._run(action.redo)
        action.merge_key = None  # a redone edit is closed: a new drag starts a new step
        self._done.append(action)
        return action.description

    def _run(self, fn: Callable[[], Any]) -> None:
        self._busy = True
        try:
            fn()
        finally:
            self._busy = False

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_text(self) -> str:
        """Description of what undo() would undo ('' if nothing), for menu labels."""
        return self._done[-1].description if self._done else ""

    @property
    def redo_text(self) -> str:
        return self._undone[-1].description if self._undone else ""

    def close_merge(self) -> None:
        """End the current merge (e.g. on slider release): the next push starts a new step."""
        if self._done:
            self._done[-1].merge_key = None

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()

    def __len__(self) -> int:
        return len(self._done)
