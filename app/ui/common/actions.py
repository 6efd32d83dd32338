"""One way to make a window-wide action with its shortcut named in the tooltip."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence


def window_action(window, text: str, keys, slot, tip: str, *, checkable: bool = False,
                  menu=None, app_wide: bool = False) -> QAction:
    """A QAction on ``window`` for ``keys`` (one key, a list, or None), tooltip "tip (keys)".

    Checkable actions call ``slot(checked)`` on toggle, others ``slot()`` on trigger.
    app_wide: the keys work in the window's dialogs too (playback keys).
    """
    keys = [] if keys is None else list(keys) if isinstance(keys, (list, tuple)) else [keys]
    a = QAction(text, window)
    a.setShortcuts([QKeySequence(k) for k in keys])
    a.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut if app_wide else Qt.ShortcutContext.WindowShortcut)
    names = " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
    a.setToolTip(f"{tip} ({names})" if names else tip)
    a.setStatusTip(a.toolTip())
    if checkable:
        a.setCheckable(True)
        a.toggled.connect(slot)
    else:
        a.triggered.connect(lambda _checked=False: slot())
    window.addAction(a)
    if menu is not None:
        menu.addAction(a)
    return a
