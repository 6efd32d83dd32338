"""The hostile-input fuzzing pass of issue 15, re-runnable: what is tried, how each input ended.

    xvfb-run -a -s "-screen 0 1600x1000x24" python benchmarks/fuzz_hostile.py [--quick] [--only NAME,...]

Categories: typed expressions (random from the parser's grammar, plus the ones
quoted in the issue), malformed scene files (load_scene, and a subset through
`render`), CLI flag sets, CIFAR-10 batch folders, crafted archives, downloads
from a loopback server, corrupt settings files for a GUI start, a full disk.
An input is handled when it ends within its bound in success or a clear refusal
(a ValueError such as SceneError, CifarError, UsageError; Cancelled for a
download; exit 2 with a message for the CLI); see benchmarks/fuzz/common.py.
Prints a summary table and every input that was not handled, one line each,
as a reproduction. Set $LOSSLAB_TEST_CIFAR to a cifar-10-batches-py folder to
include re-pickles of a real batch. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from fuzz import (  # noqa: E402
    cifar_files,
    downloads,
    expressions,
    full_disk,
    scenes,
    settings_files,
)
from fuzz.common import Tally, one_line  # noqa: E402

CATEGORIES = ("expressions", "scenes", "flags", "batches", "archives", "downloads", "settings", "disk")


def _real_batch() -> Path | None:
    root = os.environ.get("LOSSLAB_TEST_CIFAR", "")
    path = Path(root) / "data_batch_1" if root else None
    return path if path is not None and path.is_file() else None


def run_all(only: set[str], quick: bool, workers: int, tmp: Path) -> list[Tally]:
    tallies: list[Tally] = []

    def step(name: str, make: object) -> None:
        if name not in only:
            return
        t0 = time.perf_counter()
        folder = tmp / name
        folder.mkdir()
        made = make(folder)  # type: ignore[operator]
        for t in made if isinstance(made, tuple) else (made,):
            tallies.append(t)
            print(f"  {t.category}: {len(t.outcomes)} tried, {t.handled} handled "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)

    step("expressions", lambda f: expressions.run(1000 if quick else 10_000, workers))
    step("scenes", lambda f: scenes.run(f, 20 if quick else 75, cli_every=3 if quick else 1))
    step("flags", lambda f: scenes.run_flags(f))
    step("batches", lambda f: cifar_files.run_batches(f, _real_batch()))
    step("archives", lambda f: cifar_files.run_archives(f))
    step("downloads", lambda f: downloads.run(f))
    step("settings", lambda f: settings_files.run(f, Path(__file__).resolve()))
    step("disk", lambda f: full_disk.run(f))
    return tallies


def report(tallies: list[Tally], seconds: float) -> None:
    print()
    head = f"{'category':32} {'tried':>6} {'handled':>8} {'not':>5} {'slowest':>9}  slowest input"
    print(head)
    print("-" * len(head))
    for t in tallies:
        name, slow = t.slowest()
        print(f"{t.category:32} {len(t.outcomes):6d} {t.handled:8d} {len(t.outcomes) - t.handled:5d} "
              f"{slow:8.2f}s  {one_line(name, 50)}")
    total = sum(len(t.outcomes) for t in tallies)
    handled = sum(t.handled for t in tallies)
    print("-" * len(head))
    print(f"{'all':32} {total:6d} {handled:8d} {total - handled:5d}   in {seconds:.0f} s")
    print("\nhow they ended:")
    for t in tallies:
        print(f"  {t.category}: " + ", ".join(f"{k} {v}" for k, v in t.kinds().items()))
        for n in t.notes:
            print(f"    {n}")
    failures = [(t.category, n, o) for t in tallies for n, o in t.failures()]
    print(f"\nnot handled ({len(failures)}):" if failures else "\nnot handled: none")
    for category, name, o in failures:
        print(f"  REPRO [{category}] {one_line(repr(name), 90)} -> {o.kind} ({o.seconds:.1f} s): "
              f"{one_line(o.detail, 200)}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--settings-worker"]:   # the GUI side of the settings category (under xvfb-run)
        return settings_files.worker(argv[1], int(argv[2]), float(argv[3]))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="about a tenth of the random inputs")
    ap.add_argument("--only", default=",".join(CATEGORIES), help=f"comma-separated: {','.join(CATEGORIES)}")
    ap.add_argument("--workers", type=int, default=2, help="processes for the expressions (default 2)")
    args = ap.parse_args(argv)
    only = {c.strip() for c in args.only.split(",") if c.strip()}
    unknown = only - set(CATEGORIES)
    if unknown:
        ap.error(f"unknown categories {sorted(unknown)}; choose from {','.join(CATEGORIES)}")
    t0 = time.perf_counter()
    # a private user cache and config: nothing the fuzzing does lands in the user's own folders
    with tempfile.TemporaryDirectory(prefix="losslab-fuzz-") as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "xdg-cache")
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "xdg-config")
        tallies = run_all(only, args.quick, args.workers, Path(tmp))
        report(tallies, time.perf_counter() - t0)
        for p in Path(tmp).rglob("*"):   # read-only files and folders must not stop the cleanup
            if not p.is_symlink():
                p.chmod(0o700)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
