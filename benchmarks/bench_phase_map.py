"""Time phase maps: 128 × 128 settings × 300 steps in one vectorised run, against a per-setting loop.

    .venv/bin/python benchmarks/bench_phase_map.py

The loop (one solvers.run per setting) is timed on a sample of settings and
extrapolated to the whole grid; the ratio is loop time / map time (the second
map's; the first of each case is printed too: it also pays for touching its
history's fresh memory, about 200 MB for momentum). Prints figures; asserts nothing. Target (issue 14): the map in <= 1 s on 2 cores.
"""
from __future__ import annotations

import time

import numpy as np

import landscapes
import solvers
from app.model.phase_map import phase_map

N, STEPS, SAMPLE = 128, 300, 64


def one_case(surface: str, name: str, x: tuple[str, np.ndarray], y: tuple[str, np.ndarray],
             start: tuple[float, float]) -> None:
    f = landscapes.get(surface)
    times = []
    for _ in range(2):   # the first touches the 300-step history's fresh memory; the second reuses it
        t = time.perf_counter()
        pm = phase_map(f, name, x_axis=x, y_axis=y, start=start, steps=STEPS)
        times.append(time.perf_counter() - t)
    first_s, map_s = times
    rng = np.random.default_rng(0)
    cells = [(int(i), int(j)) for i, j in zip(rng.integers(N, size=SAMPLE), rng.integers(N, size=SAMPLE),
                                              strict=True)]
    t = time.perf_counter()
    for i, j in cells:
        solvers.run(solvers.make(name, **pm.settings(i, j)), f, start, steps=STEPS)
    loop_s = (time.perf_counter() - t) / SAMPLE * N * N
    shown = "none" if pm.best is None else \
        f"{pm.x.name} {pm.x.values[pm.best[1]]:.3g}, {pm.y.name} {pm.y.values[pm.best[0]]:.3g}"
    print(f"{surface:10s} {name:9s} {N}x{N} x {STEPS} steps: map {map_s:.2f} s (first {first_s:.2f} s) "
          f"({N * N * STEPS / map_s / 1e6:.1f} M setting-steps/s); per-setting loop ~{loop_s:.0f} s "
          f"(from {SAMPLE} settings); ratio {loop_s / map_s:.0f}x; diverged {pm.diverged.mean():.0%}; "
          f"best {shown}")


def main() -> None:
    # warm-up: the first map pays one-off costs (imports, first allocations) no later map pays
    phase_map(landscapes.get("ravine"), "gd", x_axis=("lr", [0.01, 0.1]), y_axis=("weight_decay", [0.0]),
              start=(-2.5, 0.6), steps=10)
    lrs = np.geomspace(1e-3, 1.0, N)
    one_case("ravine", "momentum", ("lr", lrs), ("momentum", np.linspace(0.0, 0.99, N)), (-2.5, 0.6))
    one_case("ravine", "gd", ("lr", lrs), ("weight_decay", np.linspace(0.0, 1.0, N)), (-2.5, 0.6))
    one_case("rosenbrock", "adam", ("lr", np.geomspace(1e-4, 1.0, N)), ("beta2", np.linspace(0.5, 0.999, N)),
             (-1.2, 1.0))


if __name__ == "__main__":
    main()
