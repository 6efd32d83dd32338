"""The status bar: "step n / N | surface | FPS | the latest message", a job's progress bar and its Cancel."""
from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton

from app.model.playback import Playback
from app.model.race import Race

STATUS_EVERY_S = 0.25    # while playing, the text changes at most 4x a second: each change repaints the bar
SURFACE_CHARS = 48       # the surface's title is cut here (a CIFAR-10 slice's is long)


class Status:
    def __init__(self, window: QMainWindow) -> None:
        sb = window.statusBar()
        self.label = QLabel()
        sb.addWidget(self.label, 1)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Cancel the background job")
        for w in (self.progress, self.cancel_button):
            sb.addPermanentWidget(w)
            w.hide()
        self.message = ""
        self._at = 0.0

    def show(self, race: Race | None, playback: Playback, *, throttled: bool = False) -> None:
        """Refresh the text; throttled (a playback frame): at most every STATUS_EVERY_S, except for news."""
        if race is None:
            return
        now = time.perf_counter()
        news = bool(self.message) and self.message not in self.label.text()   # e.g. "diverged": at once
        if throttled and not news and not race.finished and now - self._at < STATUS_EVERY_S:
            return
        self._at = now
        surface = race.landscape.title
        if len(surface) > SURFACE_CHARS:
            surface = surface[:SURFACE_CHARS - 1] + "…"
        parts = [f"step {race.step_count} / {race.total_steps}", surface]
        if playback.playing and playback.fps:
            parts.append(f"{playback.fps:.0f} FPS")
        if self.message:
            parts.append(self.message)
        self.label.setText("  |  ".join(parts))
