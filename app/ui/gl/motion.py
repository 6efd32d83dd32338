"""Tell a moving camera (an orbit drag, a turning video) from a camera that jumped or stands still.

While the camera moves the static layer is redrawn every frame, so the 3-D
view may draw a lighter stand-in (a coarser mesh) then; once it stands still
for SETTLE seconds the full picture is drawn again. A single jump (a camera
preset, a loaded scene) is drawn at full quality at once.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable

from PySide6.QtCore import QObject, QTimer

SETTLE = 0.2    # s without a camera change before the full-quality picture comes back


class CameraMotion:
    """``moving(camera)`` per paint; ``on_settle()`` is called once the camera has stood still for SETTLE s."""

    def __init__(self, on_settle: Callable[[], None], parent: QObject) -> None:
        self._camera: Hashable | None = None
        self._changed_at: float | None = None
        self._timer = QTimer(parent)     # dies with its window: never fires on a deleted one
        self._timer.setSingleShot(True)
        self._timer.setInterval(round(SETTLE * 1000))
        self._timer.timeout.connect(on_settle)

    def moving(self, camera: Hashable) -> bool:
        """True when the camera changed at this paint and at another within the last SETTLE s."""
        if camera == self._camera:
            return False
        now = time.perf_counter()
        moving = self._changed_at is not None and now - self._changed_at < SETTLE
        self._camera, self._changed_at = camera, now
        if moving:
            self._timer.start()     # restarted at every moving paint: fires once it stops
        return moving
