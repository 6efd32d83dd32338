"""The full-dimensional CIFAR-10 race: steps per second, the naive way, the PCA plane, memory.

    python benchmarks/bench_cifar_race.py [--root PATH] [--steps 1500] [--naive-steps 200]
                                          [--long-steps 3000] [--threads N]

1. A race of 4 runs (sgd, momentum, adam, random search), batch 200, on the
   50,000 training images (49,000 to train, the last 1,000 to validate):
   solver steps per second in total, with live evaluation on its time budget
   (the share it took and the k it got) and without;
2. the same steps done the naive way: every minibatch preprocessed afresh
   from the raw pixels (mean subtraction and the bias column, float64), one
   loss_and_grad per run; and the ratio;
3. trajectory_plane on every iterate of that race (4 x (steps + 1) x 30,730
   float32), and the angle between that plane and the plane of the race's
   thin record (128 rows a run);
4. memory of a long race: the race's own arrays after 100 and after
   --long-steps steps, the tracemalloc peak of the stepping, and the RSS.
--threads N sets OPENBLAS_NUM_THREADS before numpy loads (on a busy 2-core
machine one BLAS thread is often faster for these small products).
Prints figures; asserts nothing.
"""
from __future__ import annotations

import os
import sys

if "--threads" in sys.argv:  # must happen before numpy is imported
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[sys.argv.index("--threads") + 1]

import argparse  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import solvers  # noqa: E402
from app.model.cifar_race import CifarRace, RunSettings, race_data  # noqa: E402
from landscapes.cifar import (  # noqa: E402
    accuracy,
    initial_weights,
    load_cifar10,
    loss_and_grad,
    preprocess,
    trajectory_plane,
)

DEFAULT_ROOT = os.environ.get("LOSSLAB_CIFAR_ROOT", "")
RUNS = [RunSettings("sgd", {"lr": 4e-7}, label="sgd"),
        RunSettings("momentum", {"lr": 4e-8, "momentum": 0.9}, label="momentum"),
        RunSettings("adam", {"lr": 1e-5}, label="adam"),
        RunSettings("random_search", label="random search")]


def naive_steps(x: np.ndarray, y: np.ndarray, mean: np.ndarray, steps: int) -> float:
    """Seconds for ``steps`` steps of the three gradient runs and the random search, preprocessing
    each minibatch from the raw pixels as train_linear does."""
    W0 = initial_weights()
    opts = [solvers.make(r.solver, **r.hyper) for r in RUNS[:3]]
    Ws = [W0.copy() for _ in opts]
    states = [o.init(W) for o, W in zip(opts, Ws, strict=True)]
    best = W0.copy()
    rng = np.random.default_rng([0, 1])
    start = time.perf_counter()
    for t in range(steps):
        for i, opt in enumerate(opts):
            idx = rng.integers(0, len(x), size=200)
            _, g = loss_and_grad(Ws[i], preprocess(x[idx], mean), y[idx], strength=5e3)
            u, states[i] = opt.update(g, states[i], Ws[i])
            Ws[i] = Ws[i] + u
        idx = rng.integers(0, len(x), size=200)
        X = preprocess(x[idx], mean)
        cand = 1e-4 * np.random.default_rng([0, 2, t]).standard_normal(W0.shape)
        kept = loss_and_grad(best, X, y[idx], strength=5e3)[0]
        new = loss_and_grad(cand, X, y[idx], strength=5e3)[0]
        if new < kept:
            best = cand
    return time.perf_counter() - start


def plane_angle(a: np.ndarray, b: np.ndarray) -> float:
    """Largest principal angle (degrees) between the planes spanned by a (2, D) and b (2, D)."""
    cosines = np.linalg.svd(a.reshape(2, -1) @ b.reshape(2, -1).T, compute_uv=False)
    return float(np.degrees(np.arccos(np.clip(cosines.min(), -1.0, 1.0))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=DEFAULT_ROOT)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--naive-steps", type=int, default=200)
    ap.add_argument("--long-steps", type=int, default=3000)
    ap.add_argument("--threads", default=os.environ.get("OPENBLAS_NUM_THREADS", "default"))
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}, BLAS threads: {args.threads}")

    x, y, xt, yt = load_cifar10(args.root)
    start = time.perf_counter()
    data = race_data(x[:49000], y[:49000], x[49000:], y[49000:])
    print(f"race_data (float32 features of 49,000 + 1,000 images, {data.X.nbytes / 1e6:.0f} MB): "
          f"{time.perf_counter() - start:.2f} s")

    race = CifarRace(data, RUNS, record_rows=args.steps + 1)  # every iterate, for the plane below
    start, cpu = time.perf_counter(), time.process_time()
    race.step(args.steps)
    dt, cpu = time.perf_counter() - start, time.process_time() - cpu
    evals = race.runs[0].evals.values[:, 0]
    total = 4 * args.steps
    print(f"race, 4 runs x {args.steps} steps, batch 200, evaluation on its 10% budget: {dt:.2f} s, "
          f"{total / dt:.0f} solver steps/s ({total / cpu:.0f} per CPU second); evaluation took {100 * race.eval_fraction:.1f}% "
          f"({len(evals)} evaluations, k = {np.diff(evals).min():.0f}..{np.diff(evals).max():.0f} steps)")
    for r in race.runs:
        print(f"  {r.label:14s} test accuracy {accuracy(r.W, xt, yt, data.mean):.4f}, "
              f"validation {r.evals.values[-1, 2]:.3f}, train loss {r.evals.values[-1, 1]:.3f}")

    quiet = CifarRace(data, RUNS, eval_every=10**9)
    n = 4 * args.naive_steps
    start, cpu = time.perf_counter(), time.process_time()
    quiet.step(args.naive_steps)
    fast, fast_cpu = (time.perf_counter() - start) / n, (time.process_time() - cpu) / n
    start, cpu = time.perf_counter(), time.process_time()
    naive_steps(x[:49000], y[:49000], data.mean, args.naive_steps)
    slow, slow_cpu = (time.perf_counter() - start) / n, (time.process_time() - cpu) / n
    print(f"steps alone ({args.naive_steps} x 4): {1 / fast:.0f} steps/s ({1 / fast_cpu:.0f} per CPU second); "
          f"naive (fresh preprocessing of each minibatch): {1 / slow:.0f} steps/s ({1 / slow_cpu:.0f} per CPU "
          f"second); ratio {slow / fast:.1f}x ({slow_cpu / fast_cpu:.1f}x in CPU time)")

    points, who, steps = race.iterates()
    start, cpu = time.perf_counter(), time.process_time()
    full = trajectory_plane(points)
    t_plane, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"trajectory_plane on {points.shape[0]} x {points[0].size:,} float32 ({points.nbytes / 1e6:.0f} MB): "
          f"{t_plane:.2f} s ({cpu:.2f} CPU s), explained {full.explained[0]:.3f} + {full.explained[1]:.3f}")
    stride = 16  # what a 128-row record holds after 1,500 steps
    thin_rows = (steps % stride == 0) | (steps == steps.max())
    thin = trajectory_plane(points[thin_rows], center=full.center)
    print(f"  thin record ({int(thin_rows.sum())} rows, every {stride}th iterate): explained "
          f"{thin.explained[0]:.3f} + {thin.explained[1]:.3f}, angle to the full plane {plane_angle(full.directions, thin.directions):.2f} deg")
    del points, race

    long = CifarRace(data, RUNS)
    long.step(100)
    held_100 = long.nbytes
    tracemalloc.start()
    long.step(args.long_steps)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"long race ({args.long_steps + 100} steps x 4): race arrays {held_100 / 1e6:.1f} MB after 100 steps, "
          f"{long.nbytes / 1e6:.1f} MB after {args.long_steps + 100}; tracemalloc peak while stepping "
          f"{peak / 1e6:.1f} MB; process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB "
          f"(data {(data.X.nbytes + data.X_val.nbytes) / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
