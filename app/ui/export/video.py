"""The video loop: a race replayed step by step through a SceneRenderer into the encoder.

N race steps played at ``scene.playback.speed`` steps per frame give

    frames = ceil(N / speed) + 1

frames: the start (step 0) and one frame after each group of ``speed`` steps
(the last group may be shorter). Each frame shows its step number, so even a
finished or diverged race gives N distinct frames.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.model.video import encode_video
from app.ui.export.scene_renderer import SceneRenderer


def video_frame_count(steps: int, speed: int) -> int:
    """Frames of a video of ``steps`` race steps at ``speed`` steps per frame: ceil(steps/speed) + 1."""
    if steps < 0 or speed < 1:
        raise ValueError(f"need steps >= 0 and speed >= 1, got steps={steps}, speed={speed}")
    return -(-int(steps) // int(speed)) + 1


def render_video(race, out: Path, size: tuple[int, int], view: str, fps: int,
                 report: Callable[[float, str], None], cancel: Callable[[], bool] | None,
                 camera: dict | None, overwrite: bool = False) -> Path:
    """Encode the race from its current step to the end, one frame per ``speed`` steps."""
    speed = max(int(race.scene.playback.speed), 1)
    n = video_frame_count(race.total_steps, speed)
    renderer = SceneRenderer(race, size, view, camera=camera, cache=True)

    def frames():
        yield renderer.frame()
        while race.step_count < race.total_steps:
            race.step(speed)
            renderer.update()
            yield renderer.frame()

    def on_frame(done: int, total: int | None) -> None:
        report(done / n, f"frame {done}/{n}")   # the percent says what the frame count says

    try:
        report(0.0, f"rendering {n} frames")
        encode_video(frames(), out, fps=fps, size=size, n_frames=n, progress=on_frame, cancel=cancel,
                     overwrite=overwrite)
    finally:
        renderer.close()
    report(1.0, "done")
    return out
