"""GUI speed: frames per second of playback and cold start to the first drawn frame.

Run under Xvfb (software OpenGL, llvmpipe):
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python benchmarks/bench_gui.py

A frame is what playback does each timer tick (MainWindow.advance: race.step,
whole-array setData on the trajectory items of both views, plots every 3rd
frame), then events are processed until the 3-D view has swapped a new frame
and the raster widgets have repainted. Prints figures; never asserts on time.
Targets: >= 60 FPS at 200x200 and >= 25 FPS at 400x400 with 8 runs, cold start < 2 s.

The 1920x1080 figures (run with a screen that large, e.g. -screen 0 1920x1080x24) compare a
still camera with one that orbits: the azimuth changes every frame, as while the user drags
the 3-D view during playback. Target: orbiting >= 50 FPS.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SOLVERS = [("gd", {"lr": 1e-3}), ("momentum", {"lr": 1e-3, "momentum": 0.9}),
           ("nesterov", {"lr": 1e-3, "momentum": 0.9}), ("adagrad", {"lr": 0.3}),
           ("rmsprop", {"lr": 1e-2}), ("adam", {"lr": 5e-2}), ("adamw", {"lr": 5e-2}),
           ("sgd", {"lr": 1e-3})]


def bench_scene(resolution: int, steps: int):
    from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

    runs = [RunSpec(s, h, start=(-1.5 + 0.1 * i, 2.0 - 0.1 * i), noise=0.3 if s == "sgd" else 0.0)
            for i, (s, h) in enumerate(SOLVERS)]
    return Scene(title=f"bench {resolution}", landscape=LandscapeSpec("rosenbrock", resolution=resolution),
                 runs=runs, playback=PlaybackSpec(steps=steps, speed=1))


def app_and_window(scene, settings_path, size=(1600, 1000)):
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.ui.common.settings import ini_settings
    from app.ui.window.main_window import MainWindow

    w = MainWindow(scene=scene, settings=ini_settings(settings_path))
    w.resize(*size)
    return app, w


def cold_start(settings_path: str) -> None:
    """Child process: build and show the window, exit at the first swapped 3-D frame."""
    _app, w = app_and_window(None, settings_path)
    done = []
    w.surface_view.gl.frameSwapped.connect(lambda: done.append(time.time()))
    w.show()
    while not done:
        _app.processEvents()
    print(f"{done[0]:.6f}")


def fps(resolution: int, frames: int, settings_path: str, size=(1600, 1000),
        orbit: float = 0.0) -> tuple[float, int]:
    """Playback frames per second; ``orbit`` degrees of azimuth added before every frame."""
    app, w = app_and_window(bench_scene(resolution, steps=frames + 10), settings_path, size)
    w.show()
    for _ in range(20):
        app.processEvents()
    swaps = []
    gl_window = w.surface_view.gl
    gl_window.frameSwapped.connect(lambda: swaps.append(1))
    t0 = time.perf_counter()
    for _ in range(frames):
        target, deadline = len(swaps) + 1, time.perf_counter() + 1.0
        if orbit:
            # what a drag does (GLViewMixin.orbit), its repaint left to this frame's own paint
            gl_window.opts["azimuth"] += orbit
        w.advance()
        # A frame counts only once the 3-D view has really drawn and swapped it.
        while len(swaps) < target and time.perf_counter() < deadline:
            app.processEvents()
        app.processEvents()   # and the raster widgets (2-D map, plots, status) are painted
    dt = time.perf_counter() - t0
    n = len(swaps)
    w.close()
    w.deleteLater()
    app.processEvents()
    return frames / dt, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cold-child", action="store_true")
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--hd-only", action="store_true", help="only the 1920x1080 still/orbit figures")
    args = ap.parse_args()
    import tempfile

    settings_path = str(Path(tempfile.mkdtemp()) / "bench.ini")
    if args.cold_child:
        cold_start(settings_path)
        return
    if args.hd_only:
        hd(args.frames, settings_path)
        return
    t0 = time.time()
    out = subprocess.run([sys.executable, __file__, "--cold-child"], capture_output=True, text=True, check=True)
    first = float(out.stdout.strip().splitlines()[-1])
    print(f"cold start to first drawn frame (process start incl. imports): {first - t0:.2f} s  (target < 2 s)")
    for res, target in ((200, 60), (400, 25)):
        f, swaps = fps(res, args.frames, settings_path)
        print(f"8 runs, {res}x{res} surface, both views + plots: {f:.1f} FPS "
              f"({swaps} GL frames swapped in {args.frames} frames; target >= {target})")
    hd(args.frames, settings_path)


def hd(frames: int, settings_path: str) -> None:
    for orbit, target in ((0.0, 60), (1.0, 50)):
        f, swaps = fps(200, frames, settings_path, size=(1920, 1080), orbit=orbit)
        what = "orbiting camera (azimuth +1 deg a frame)" if orbit else "still camera"
        print(f"8 runs, 200x200 surface, 1920x1080 window, {what}: {f:.1f} FPS "
              f"({swaps} GL frames swapped; target >= {target})")


if __name__ == "__main__":
    main()
