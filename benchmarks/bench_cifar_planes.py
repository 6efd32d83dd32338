"""Planes through a full-dimensional CIFAR-10 race: building them, their surfaces and accuracy grids.

    python benchmarks/bench_cifar_planes.py [--root PATH] [--images 10000] [--steps 300] [--n 101]
                                            [--naive-points 5]

A race of 4 runs (sgd, momentum, adam, random search), batch 200, on the first
--images training images (the last 1,000 of the 50,000 validate), then:

1. pca_plane / endpoints_plane / random_plane: seconds to build each view
   (the PCA of the record, the plane's scores, the honesty strip's true losses);
2. the PCA plane's surface on an n x n grid (landscape.grid, exact, from the
   precomputed scores), beside the naive way: loss_and_grad of W(a, b) itself,
   one full pass over the images per grid point, timed on --naive-points
   points and extrapolated to n x n;
3. accuracy_grid (validation and training images) beside the naive way:
   accuracy(W(a, b)) per point, timed on a few points and extrapolated.
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.model.cifar_planes import accuracy_grid, endpoints_plane, pca_plane, random_plane  # noqa: E402
from app.model.cifar_race import CifarRace, RunSettings, race_data  # noqa: E402
from landscapes.cifar import accuracy, load_cifar10, loss_and_grad, preprocess  # noqa: E402

DEFAULT_ROOT = os.environ.get("LOSSLAB_CIFAR_ROOT", "")
RUNS = [RunSettings("sgd", {"lr": 4e-7}, label="sgd"),
        RunSettings("momentum", {"lr": 4e-8, "momentum": 0.9}, label="momentum"),
        RunSettings("adam", {"lr": 1e-5}, label="adam"),
        RunSettings("random_search", label="random search")]


def timed(call):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = call()
    return out, time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=DEFAULT_ROOT)
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--n", type=int, default=101)
    ap.add_argument("--naive-points", type=int, default=5)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")

    x, y, _, _ = load_cifar10(args.root)
    xs_train, ys_train = x[:args.images], y[:args.images]
    data = race_data(xs_train, ys_train, x[49000:], y[49000:])
    race = CifarRace(data, RUNS)
    race.step(args.steps)
    print(f"race: 4 runs x {args.steps} steps on {args.images:,} images")

    view, t = timed(lambda: pca_plane(race))
    print(f"pca_plane: {t:.2f} s ({sum(len(h.steps) for h in view.honesty)} true losses for the honesty strip)")
    print(f"  {view.axis_labels[0]}, {view.axis_labels[1]}; {view.faithfulness()}")
    _, t = timed(lambda: endpoints_plane(race, 0, 2))
    print(f"endpoints_plane (sgd, adam): {t:.2f} s")
    _, t = timed(lambda: random_plane(race, 0))
    print(f"random_plane (sgd): {t:.2f} s")

    f, n = view.landscape, args.n
    _, t_grid = timed(lambda: f.grid(n))
    X = preprocess(xs_train, data.mean)
    (x0, x1), (y0, y1) = f.bounds
    pts = np.random.default_rng(0).uniform((x0, y0), (x1, y1), (args.naive_points, 2))
    _, t_naive = timed(lambda: [loss_and_grad(f.weights(a, b), X, ys_train, race.loss, race.reg, race.strength)
                                for a, b in pts])
    naive = t_naive / len(pts) * n * n
    print(f"PCA plane surface {n}x{n} on {args.images:,} images: {t_grid:.2f} s; naive (loss of W(a, b) per point, "
          f"{len(pts)} points extrapolated): {naive:.0f} s; ratio {naive / t_grid:.0f}x")

    for split, images, labels in (("val", x[49000:], y[49000:]), ("train", xs_train, ys_train)):
        _, t_acc = timed(lambda split=split: accuracy_grid(view, n, split))
        _, t_naive = timed(lambda images=images, labels=labels: [
            accuracy(f.weights(a, b), images, labels, data.mean) for a, b in pts])
        naive = t_naive / len(pts) * n * n
        print(f"accuracy_grid {n}x{n} on {len(labels):,} {split} images: {t_acc:.2f} s; naive (accuracy of W(a, b) "
              f"per point, extrapolated): {naive:.0f} s; ratio {naive / t_acc:.0f}x")


if __name__ == "__main__":
    main()
