"""Export speed: a 3840x2160 PNG of the 3-D view, and 120-frame 800x600 MP4s.

Run:  xvfb-run -a .venv/bin/python benchmarks/bench_export.py

Targets: 4K PNG of the 3-D view < 1 s; 120-frame 800x600 MP4 < 3 s. The
scene (default: Rosenbrock, five solvers) is built once; each figure is the
best of a few runs, so it measures rendering and encoding, not start-up.
Prints figures; never asserts (the machine may be shared).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    from app.model.build import build_landscape
    from app.model.presets import default_scene
    from app.model.race import Race
    from app.ui.export.render import SceneRenderer, ensure_app, render_scene, save_png, video_frame_count

    ensure_app(need_gl=True)
    scene = default_scene()
    landscape = build_landscape(scene.landscape)
    tmp = Path(tempfile.mkdtemp(prefix="losslab-bench-"))
    print(f"scene: {scene.title} ({len(scene.runs)} runs, {scene.playback.steps} steps)")

    # --- 4K PNG of the 3-D view --------------------------------------------------
    race = Race(scene, landscape)
    race.step(race.total_steps)
    renderer = SceneRenderer(race, (3840, 2160), "3d")
    save_png(renderer.image(), tmp / "warm.png")            # GL context, shaders, buffers

    def fresh_image():
        # a picture from scratch: the kept static layer (surface, contours, labels) redrawn too
        renderer.surface.offscreen.layer.invalidate()
        return renderer.image()

    render_t = best_of(3, fresh_image)
    total_t = best_of(3, lambda: save_png(fresh_image(), tmp / "4k.png"))
    renderer.close()
    cold_t = best_of(1, lambda: render_scene(scene, tmp / "4k_cold.png", size=(3840, 2160), view="3d",
                                             landscape=landscape))
    size_mb = (tmp / "4k.png").stat().st_size / 1e6
    print(f"3840x2160 PNG, 3-D view: render {render_t:.2f} s, render + save {total_t:.2f} s "
          f"(target < 1 s; {size_mb:.1f} MB); whole render_scene incl. set-up and 300 steps {cold_t:.2f} s")

    # --- 120-frame 800x600 MP4 -------------------------------------------------
    steps = 119                     # speed 1: 119 steps -> 120 frames
    n = video_frame_count(steps, scene.playback.speed)
    for view in ("3d", "2d", "both"):
        out = tmp / f"race_{view}.mp4"
        t = best_of(2, lambda out=out, view=view: render_scene(scene, out, size=(800, 600), view=view, fps=30,
                                                               steps=steps, landscape=landscape))
        print(f"{n}-frame 800x600 MP4, view {view:>4}: {t:.2f} s = {n / t:.0f} frames/s (target < 3 s)")
    print(f"files in {tmp}")


if __name__ == "__main__":
    main()
