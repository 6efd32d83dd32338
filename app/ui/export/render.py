"""Offscreen rendering of a scene to PNG, SVG, MP4 or GIF (GUI export and ``losslab render``).

The public API and the orchestration; each job has its own module:

- app.model.export_options: the option checks (size, view, fps, steps, suffix), shared with
  the command line and the Export dialog;
- qt_app: the QApplication an export runs in;
- scene_renderer: the hidden views of one race composed into a picture;
- layout: the canvas (scale, header, panes, legend); panes: the three hidden views;
- pg_paint: the work-arounds that let pyqtgraph paint offscreen at any scale;
- image_io: PNG and SVG files, pixels as arrays; video: the frame loop.

Nothing here grabs the screen: the views are built hidden at the requested size.
"""
from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path

from app.model import export_options as options
from app.model.landscape_kinds import kind_of
from app.model.limits import IMAGE_SUFFIXES, MAX_SIZE, VIDEO_SUFFIXES, VIEW_MODES
from app.model.scene import Scene
from app.ui.export.errors import NEEDS_DISPLAY, RenderError
from app.ui.export.image_io import qimage_to_rgb, save_png
from app.ui.export.layout import BASE_SIZE, MIN_SCALE, scale_for
from app.ui.export.qt_app import ensure_app
from app.ui.export.scene_renderer import SceneRenderer
from app.ui.export.video import render_video, video_frame_count

__all__ = ["BASE_SIZE", "IMAGE_SUFFIXES", "MAX_SIZE", "MIN_SCALE", "NEEDS_DISPLAY", "VIDEO_SUFFIXES", "VIEWS",
           "RenderError", "SceneRenderer", "ensure_app", "qimage_to_rgb", "render_scene", "save_png", "scale_for",
           "video_frame_count"]

VIEWS = VIEW_MODES
Progress = Callable[..., object]


def render_scene(
    scene: Scene,
    out: str | os.PathLike,
    size: tuple[int, int] = (1280, 720),
    view: str = "both",
    fps: int | None = None,
    steps: int | None = None,
    progress: Progress | None = None,
    *,
    cancel: Callable[[], bool] | None = None,
    transparent: bool = False,
    landscape=None,
    camera: dict | None = None,
    overwrite: bool = False,
) -> Path:
    """Render ``scene`` to ``out`` (.png, .svg, .mp4 or .gif) without showing a window.

    Images show the race after ``steps`` steps (default: the scene's
    playback.steps); videos show it step by step (see app.ui.export.video
    for the frame count) at ``fps`` (default: the scene's playback.fps).
    ``progress(fraction, message)`` is called as work goes on; ``cancel()``
    returning True stops a video with app.model.video.ExportCancelled.
    ``landscape`` reuses an already built surface (e.g. a CIFAR slice);
    ``camera`` (distance, elevation, azimuth) overrides the scene's.
    An existing read-only ``out`` is refused unless ``overwrite`` (app.model.safe_output).
    """
    out = Path(out)
    try:
        suffix = options.check_suffix(out, name="output")
        view = options.check_view(view, suffix)
        size = options.check_size(size, suffix)
        options.check_transparent(transparent, suffix)
        steps = None if steps is None else options.check_steps(steps)
        fps = options.check_fps(fps if fps is not None else scene.playback.fps)
    except options.ExportOptionError as e:
        raise RenderError(str(e)) from None
    scene = copy.deepcopy(scene)
    if steps is not None:
        scene.playback.steps = steps
    report = _Reporter(progress)
    if kind_of(scene.landscape).standalone:   # the full-dimensional CIFAR-10 race
        return _render_standalone(scene, out, size, view, fps, report, cancel, overwrite)
    ensure_app(need_gl=options.needs_gl(view))

    from app.model.build import build_landscape
    from app.model.race import Race

    if landscape is None:
        report(0.0, "building landscape")
        # a video's frames are a phase of their own, counted from 0 % (app.ui.export.video)
        built = 0.3 if options.is_image(suffix) else 1.0
        landscape = build_landscape(scene.landscape, progress=report.part(0.0, built), cancel=cancel)
    race = Race(scene, landscape)
    if not options.is_image(suffix):
        return render_video(race, out, size, view, fps, report, cancel, camera, overwrite)
    report(0.3, f"running {race.total_steps} steps")
    race.step(race.total_steps)
    renderer = SceneRenderer(race, size, view, transparent=transparent, camera=camera)
    try:
        report(0.6, "rendering")
        if suffix == ".svg":
            renderer.save_svg(out, overwrite=overwrite)
        else:
            save_png(renderer.image(), out, transparent=transparent, overwrite=overwrite)
    finally:
        renderer.close()
    report(1.0, "done")
    return out


def _render_standalone(scene: Scene, out: Path, size: tuple[int, int], view: str, fps: int, report: _Reporter,
                       cancel: Callable[[], bool] | None, overwrite: bool) -> Path:
    """A cifar_training scene: its panes are 2-D (plots, plane, templates); see training_render."""
    if view == "3d":
        raise RenderError("a cifar_training scene renders its plots, plane and templates in 2-D: "
                          "use --view 2d or both")
    ensure_app(need_gl=False)
    from app.ui.export.training_render import render_training

    return render_training(scene, out, size, fps, None, report, cancel, overwrite)


class _Reporter:
    """progress(fraction, message), tolerant of None; part(a, b) maps a sub-task into [a, b]."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def __call__(self, fraction: float, message: str = "") -> None:
        if self.progress is not None:
            self.progress(min(max(float(fraction), 0.0), 1.0), message)

    def part(self, a: float, b: float):
        def sub(fraction: float, message: str = "", *_, **__) -> None:
            self(a + (b - a) * float(fraction), message)
        return sub
