"""Playback soak: the main window plays the default scene over and over; is memory flat?

    xvfb-run -a -s "-screen 0 1600x1000x24" python benchmarks/soak_playback.py [--minutes 3]

The window is built as a start builds it (every feature composed, on a private
settings file so the user's session is untouched), plays the default scene and,
each time the race finishes, resets and plays again. Every 15 s it prints the
process's resident memory (VmRSS from /proc/self/status, so no psutil), the
steps played and the restarts; at the end the growth from the first figure to
the last. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SAMPLE_SECONDS = 15.0
WATCH_MS = 100   # how often the driver looks whether the race finished


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=3.0, help="how long to play (default 3)")
    args = ap.parse_args(argv)

    from PySide6.QtCore import QCoreApplication, Qt, QTimer

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    from app.ui.common.settings import ini_settings
    from app.ui.compose import compose
    from app.ui.window.main_window import MainWindow

    folder = tempfile.TemporaryDirectory(prefix="losslab-soak-")
    window = MainWindow(settings=ini_settings(Path(folder.name) / "soak.ini"))
    compose(window)
    window.resize(1400, 900)
    window.show()
    print(f"soak: '{window.race.scene.title}', {len(window.race.scene.runs)} runs, "
          f"{window.race.scene.playback.steps} steps per race, {args.minutes:g} min")

    start = time.monotonic()
    end = start + args.minutes * 60
    samples: list[tuple[float, float]] = []
    counts = {"restarts": 0, "steps": 0}

    def watch() -> None:
        if time.monotonic() >= end:
            window.pause()
            app.quit()
            return
        if not window.playback.playing:
            counts["steps"] += window.race.step_count
            counts["restarts"] += 1
            window.reset()
            window.play()

    def sample() -> None:
        t, mb = time.monotonic() - start, rss_mb()
        samples.append((t, mb))
        played = counts["steps"] + window.race.step_count
        print(f"  t={t:6.1f} s  RSS {mb:7.1f} MB  steps played {played:7d}  restarts {counts['restarts']}",
              flush=True)

    watcher, sampler = QTimer(), QTimer()
    watcher.timeout.connect(watch)
    sampler.timeout.connect(sample)
    watcher.start(WATCH_MS)
    sampler.start(int(SAMPLE_SECONDS * 1000))
    QTimer.singleShot(2000, sample)    # a first figure once the window has drawn
    window.play()
    app.exec()
    sample()
    window.close()
    first, last = samples[0][1], samples[-1][1]
    peak = max(mb for _, mb in samples)
    print(f"RSS first {first:.1f} MB, last {last:.1f} MB, growth {last - first:+.1f} MB "
          f"({100 * (last - first) / first:+.1f}%), peak {peak:.1f} MB over {samples[-1][0]:.0f} s; "
          f"{counts['restarts']} restarts")
    folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
