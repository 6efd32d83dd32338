"""Playback of a race (Qt-free): playing or paused, steps per frame, frames per second,
and which of the slower per-frame jobs a frame does.

The window's timer calls ``tick(race, now)`` about 60 times a second; the
returned Frame says which messages the race gave (divergences) and whether the
legend texts and the loss plots are due this frame (they are slow to lay out,
so they follow at a fraction of the frame rate).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

SPEEDS = (1, 2, 3, 5, 10, 20, 50)   # the +/− ladder of steps per frame
MAX_SPEED = 100
LEGEND_EVERY = 6     # legend and run-list texts every few frames (text layout is slow)
PLOTS_EVERY = 3      # loss/|grad| curves at 1/3 of the frame rate: secondary, and raster-slow
FPS_SMOOTHING = 0.1  # weight of the newest frame in the running FPS figure


class Steppable(Protocol):
    """What playback needs of a race (app.model.race.Race)."""

    @property
    def finished(self) -> bool: ...

    def step(self, n: int = 1) -> list[str]: ...

    def reset(self) -> None: ...


@dataclass(frozen=True)
class Frame:
    """What one timer frame did: the race's messages and the slow redraws that are due."""

    messages: list[str] = field(default_factory=list)
    texts: bool = True
    plots: bool = True


def check_speed(speed: object) -> int:
    """Steps per frame as an int in [1, MAX_SPEED]; anything else is a ValueError."""
    if isinstance(speed, bool) or not isinstance(speed, int):
        raise ValueError(f"speed must be a whole number of steps per frame, got {speed!r}")
    if not 1 <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be between 1 and {MAX_SPEED} steps per frame, got {speed}")
    return speed


def faster(speed: int) -> int:
    """The next speed up the ladder (doubling past its top, at most MAX_SPEED)."""
    return next((s for s in SPEEDS if s > speed), min(speed * 2, MAX_SPEED))


def slower(speed: int) -> int:
    """The next speed down the ladder (never below 1)."""
    return next((s for s in reversed(SPEEDS) if s < speed), 1)


class Playback:
    """Play / pause / step a race at ``speed`` steps per frame."""

    def __init__(self, speed: int = 1) -> None:
        self.speed = check_speed(speed)
        self.playing = False
        self.fps = 0.0
        self.frames = 0
        self._last: float | None = None

    def set_speed(self, speed: int) -> int:
        self.speed = check_speed(speed)
        return self.speed

    def play(self, race: Steppable) -> None:
        """Start playing; a finished race starts again from step 0."""
        if race.finished:
            race.reset()
        self.playing = True
        self._last = None

    def pause(self) -> None:
        self.playing = False

    def step(self, race: Steppable, n: int = 1) -> list[str]:
        """Pause and advance the race by n steps."""
        self.pause()
        return race.step(n)

    def tick(self, race: Steppable, now: float) -> Frame | None:
        """One playback frame at time ``now`` (seconds); None when the race is over (paused)."""
        if race.finished:
            self.pause()
            return None
        messages = race.step(self.speed)
        if self._last is not None:
            dt = max(now - self._last, 1e-6)
            self.fps = 1.0 / dt if self.fps == 0 else (1 - FPS_SMOOTHING) * self.fps + FPS_SMOOTHING / dt
        self._last = now
        self.frames += 1
        return Frame(messages, texts=self.frames % LEGEND_EVERY == 0,
                     plots=self.frames % PLOTS_EVERY == 0 or race.finished)
