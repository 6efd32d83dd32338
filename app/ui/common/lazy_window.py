"""A feature's own window, made on first use and kept, so its settings and results survive closing it.

    self.windows = LazyWindow(lambda: SwarmWindow(host))
    self.windows.get()     # the window (made now if it is the first call)
    self.windows.show()    # shown, raised and focused, as a menu entry should
    self.windows.made      # None until first use (a closing feature need not make one to stop it)
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


class LazyWindow(Generic[W]):
    def __init__(self, make: Callable[[], W]) -> None:
        self._make = make
        self.made: W | None = None

    def get(self) -> W:
        if self.made is None:
            self.made = self._make()
        return self.made

    def show(self) -> W:
        w = self.get()
        w.show()
        w.raise_()
        w.activateWindow()
        return w
