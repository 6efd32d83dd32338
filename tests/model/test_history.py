"""UndoStack: undo/redo order, the redo branch, merging slider drags, the limit."""
from __future__ import annotations

import pytest

from app.model.history import UndoStack


class Box:
    def __init__(self):
        self.value = 0

    def set(self, v):
        old = self.value
        self.value = v
        return old


def edit(stack: UndoStack, box: Box, v, key=None):
    old = box.set(v)
    stack.push(f"set {v}", lambda: box.set(old), lambda: box.set(v), merge_key=key)


def test_undo_redo_walks_back_and_forth():
    s, b = UndoStack(), Box()
    assert not s.can_undo and not s.can_redo and s.undo() is None and s.redo() is None
    edit(s, b, 1)
    edit(s, b, 2)
    assert s.undo_text == "set 2"
    assert s.undo() == "set 2" and b.value == 1
    assert s.undo() == "set 1" and b.value == 0
    assert not s.can_undo and s.can_redo
    assert s.redo() == "set 1" and b.value == 1
    assert s.redo() == "set 2" and b.value == 2
    assert not s.can_redo


def test_push_after_undo_drops_redo_branch():
    s, b = UndoStack(), Box()
    edit(s, b, 1)
    edit(s, b, 2)
    s.undo()
    edit(s, b, 5)
    assert not s.can_redo
    s.undo()
    assert b.value == 1


def test_merge_key_folds_a_drag_into_one_step():
    s, b = UndoStack(), Box()
    for v in (1, 2, 3, 4):
        edit(s, b, v, key="lr run 0")
    assert len(s) == 1
    s.undo()
    assert b.value == 0
    s.redo()
    assert b.value == 4
    edit(s, b, 7, key="lr run 0")  # a redone step is closed: new drag, new step
    assert len(s) == 2


def test_close_merge_starts_a_new_step():
    s, b = UndoStack(), Box()
    edit(s, b, 1, key="k")
    s.close_merge()
    edit(s, b, 2, key="k")
    assert len(s) == 2


def test_callbacks_that_edit_do_not_record_themselves():
    s, b = UndoStack(), Box()

    def undo():
        b.set(0)
        s.push("nested", lambda: None, lambda: None)

    b.set(1)
    s.push("one", undo, lambda: b.set(1))
    s.undo()
    assert b.value == 0 and not s.can_undo and s.can_redo


def test_limit_drops_oldest_and_clear_empties():
    s, b = UndoStack(limit=3), Box()
    for v in range(1, 6):
        edit(s, b, v)
    assert len(s) == 3
    while s.can_undo:
        s.undo()
    assert b.value == 2
    s.clear()
    assert not s.can_undo and not s.can_redo
    with pytest.raises(ValueError, match="at least 1"):
        UndoStack(limit=0)
