"""Frames per second of the CIFAR-10 training race window: one step of every run per frame.

Run under Xvfb with the data (a cifar-10-batches-py folder):
    LOSSLAB_CIFAR_ROOT=... xvfb-run -a -s "-screen 0 1600x1000x24" \\
        .venv/bin/python benchmarks/bench_cifar_training_gui.py [--subset 49000] [--frames 400]

The window's four default runs (sgd, momentum, adam, random search; batch
200) train in its own timer loop while the Qt event loop runs as in the app;
a frame is one finished step of every run (on the window's worker thread,
overlapping the repaint) drawn: the plots or the templates set (they take
turns) and repainted. Prints frames per second, what each part costs a frame
(the step's time is the worker's), and the slowest frame (a full-batch
evaluation falls into one step: the race schedules it to cost <= 10% of the
time overall; the window stays live meanwhile).
Target (issue 12): >= 30 FPS. Never asserts on time. --threads N sets
OPENBLAS_NUM_THREADS before numpy loads (as bench_cifar_race.py: on a busy
2-core machine one BLAS thread is often faster for these small products).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "--threads" in sys.argv:  # must happen before numpy is imported
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[sys.argv.index("--threads") + 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subset", type=int, default=49_000, help="training images (default all 49,000)")
    ap.add_argument("--frames", type=int, default=400)
    ap.add_argument("--threads", default=os.environ.get("OPENBLAS_NUM_THREADS", "default"))
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}, BLAS threads: {args.threads}")
    if not os.environ.get("LOSSLAB_CIFAR_ROOT"):
        sys.exit("set LOSSLAB_CIFAR_ROOT to the CIFAR-10 data (cifar-10-batches-py)")

    from PySide6.QtCore import QCoreApplication, Qt, QTimer

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.ui.common.settings import ini_settings
    from app.ui.compose import compose
    from app.ui.window.main_window import MainWindow

    w = MainWindow(settings=ini_settings(Path(tempfile.mkdtemp()) / "bench.ini"))
    feature = compose(w)["cifar_training"]
    w.show()
    win = feature.window()
    win.subset.setCurrentIndex(win.subset.findData(args.subset))
    t0 = time.perf_counter()
    feature.open()
    while win.race is None:
        app.processEvents()
        time.sleep(0.005)
    print(f"data: {args.subset:,} images loaded and prepared in {time.perf_counter() - t0:.1f} s")

    parts = {"step": 0.0, "plots": 0.0, "templates": 0.0}
    frame_times: list[float] = []
    race = win.race

    # time the parts of a tick by wrapping the race's step and the two views' setters
    def timed(name, fn):
        def wrapper(*a, **k):
            s = time.perf_counter()
            out = fn(*a, **k)
            parts[name] += time.perf_counter() - s
            return out
        return wrapper

    race.step = timed("step", race.step)     # runs on the worker: overlaps the rest
    win.plots.set_runs = timed("plots", win.plots.set_runs)
    win.templates.set_rows = timed("templates", win.templates.set_rows)
    last = [time.perf_counter(), 0]

    def on_tick():   # a tick that drew a finished step is a frame; others wait for the worker
        if win.frames != last[1]:
            now = time.perf_counter()
            frame_times.append(now - last[0])
            last[0], last[1] = now, win.frames

    win.timer.timeout.connect(on_tick)
    win.steps.setValue(args.frames)
    win.find_bound = lambda: None           # the pause at the end: no λmax job in the figure
    start = time.perf_counter()
    win.start()
    check = QTimer()
    check.timeout.connect(lambda: app.quit() if not win.playing else None)
    check.start(20)
    app.exec()
    wall = time.perf_counter() - start
    n = win.frames
    print(f"{n} frames (4 runs, batch 200, {args.subset:,} images) in {wall:.2f} s: {n / wall:.1f} FPS "
          f"(target >= 30)")
    for name, seconds in parts.items():
        print(f"  {name:<10} {1000 * seconds / n:6.2f} ms a frame")
    other = wall - parts["plots"] - parts["templates"]
    print(f"  {'the rest':<10} {1000 * other / n:6.2f} ms a frame (paint, Qt, waiting for the step)")
    ft = sorted(frame_times[1:])
    print(f"  median frame {1000 * ft[len(ft) // 2]:.1f} ms, slowest {1000 * ft[-1]:.1f} ms "
          f"({race.eval_fraction:.1%} of the race's time in evaluations)")
    win.stop()
    w.close()


if __name__ == "__main__":
    main()
