"""Time basin maps and lr sweeps (prints figures; asserts nothing).

    .venv/bin/python benchmarks/bench_swarm.py
"""
from __future__ import annotations

import time

import landscapes
import solvers
from app.model import swarm


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    f = landscapes.get("himmelblau")
    for n in (20, 60, 200):
        b, dt = timed(lambda n=n: swarm.basin_map(f, solvers.make("gd", lr=0.01), n=n, steps=300))
        print(f"basins himmelblau gd {n}x{n} x 300 steps: {dt:.2f} s "
              f"({n * n * 300 / dt / 1e6:.1f} M point-steps/s), classes {list(b.counts)}")
    s, dt = timed(lambda: swarm.lr_sweep(f, solvers.make("adam", lr=0.01), steps=300))
    print(f"lr sweep himmelblau adam 50 lrs x 300 steps: {dt:.2f} s, best lr {s.best_lr:.3g}")


if __name__ == "__main__":
    main()
