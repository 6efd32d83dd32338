"""Solver throughput: point-steps per second for a 10,000-point swarm on Rosenbrock.

    python benchmarks/bench_solvers.py [--points 10000] [--steps 200]

For each solver: run() over the swarm (history recorded, divergence checked),
and, for the ratio, the same steps done naively (one Python loop per point,
one run() per point) on a small subset. Also times a 400x400 value+grad grid.
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import landscapes  # noqa: E402
import solvers  # noqa: E402

LR = {"gd": 1e-4, "sgd": 1e-4, "momentum": 1e-4, "nesterov": 1e-4, "adagrad": 1e-2,
      "rmsprop": 1e-3, "adam": 1e-2, "adamw": 1e-2, "newton": 0.5, "random_search": 0.05}


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--naive-points", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    f = landscapes.get("rosenbrock")
    side = int(round(np.sqrt(args.points)))
    xs, ys = np.meshgrid(np.linspace(-1.8, 1.8, side), np.linspace(-0.8, 2.8, side))
    swarm = np.stack([xs, ys], axis=-1)
    n = swarm.shape[0] * swarm.shape[1]
    subset = swarm.reshape(-1, 2)[:: max(1, n // args.naive_points)][: args.naive_points]

    print(f"swarm {n} points x {args.steps} steps on Rosenbrock (best of {args.repeats}); "
          f"naive loop on {len(subset)} points")
    print(f"{'solver':<10} {'swarm s':>9} {'point-steps/s':>15} {'naive pt-steps/s':>17} {'speed-up':>9}"
          f" {'diverged':>9}")
    for name in solvers.names():
        opt = solvers.make(name, lr=LR[name])
        traj = None

        def swarm_run(opt=opt):
            nonlocal traj
            traj = solvers.run(opt, f, swarm, steps=args.steps)

        t_swarm = best_of(swarm_run, args.repeats)
        rate = n * args.steps / t_swarm

        def naive(opt=opt):
            for p in subset:
                solvers.run(opt, f, p, steps=args.steps)

        t_naive = best_of(naive, 1)
        naive_rate = len(subset) * args.steps / t_naive
        print(f"{name:<10} {t_swarm:9.3f} {rate:15.3e} {naive_rate:17.3e} {rate / naive_rate:8.0f}x"
              f" {int(traj.diverged.sum()):9d}")

    (x0, x1), (y0, y1) = f.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 400), np.linspace(y0, y1, 400))
    grid = np.stack([X, Y], axis=-1)
    t_grid = best_of(lambda: (f.value(grid), f.grad(grid)), 5)
    print(f"400x400 value+grad on rosenbrock: {t_grid * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
