"""CIFAR-10 figures: load, train, random search, and the exact slice grid vs the naive way.

    python benchmarks/bench_cifar.py [--root PATH] [--grid 101] [--naive-points 6]

1. load_cifar10 on the full set;
2. softmax training (the builder's settings) on all 50,000 training images:
   time and test accuracy; the same for the multiclass SVM;
3. random search (the CS231n ~15% baseline);
4. a grid x grid slice of the full-batch softmax loss over all 50,000 training
   images (value_grid), and, for the ratio, the naive way on a few points of the
   same grid: rebuild W(a, b) and recompute X @ W(a, b) from the pixels.
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

from landscapes.cifar import (  # noqa: E402
    accuracy,
    cifar_slice,
    filter_normalized_directions,
    image_mean,
    load_cifar10,
    random_search,
    train_linear,
)
from landscapes.cifar.build import DEFAULT_STRENGTH, TRAINING  # noqa: E402
from landscapes.cifar.linear import data_loss_and_dscores, preprocess  # noqa: E402

# The data folder: --root, else $LOSSLAB_CIFAR_ROOT (the app's own setting for a local copy).
DEFAULT_ROOT = os.environ.get("LOSSLAB_CIFAR_ROOT", "")


def naive_loss(W, x, y, mean, strength, rows=5000) -> float:
    """Full-batch softmax loss recomputing X @ W from the raw pixels, in row chunks."""
    total = 0.0
    for i in range(0, len(x), rows):
        value, _ = data_loss_and_dscores(preprocess(x[i:i + rows], mean) @ W, y[i:i + rows], "softmax")
        total += value * len(x[i:i + rows])
    return total / len(x) + strength * float(np.sum(W * W))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(DEFAULT_ROOT))
    ap.add_argument("--grid", type=int, default=101)
    ap.add_argument("--naive-points", type=int, default=6)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")

    t = time.perf_counter()
    x, y, xt, yt = load_cifar10(args.root)
    print(f"load_cifar10: {len(x)} + {len(xt)} images in {time.perf_counter() - t:.2f} s")
    mean = image_mean(x)
    strength = DEFAULT_STRENGTH["l2"]

    for loss in ("softmax", "svm"):
        t = time.perf_counter()
        W = train_linear(x, y, loss=loss, strength=strength, **TRAINING)
        dt = time.perf_counter() - t
        print(f"train {loss} (strength {strength:g}, lr {TRAINING['lr']:g}, batch {TRAINING['batch_size']}, "
              f"{TRAINING['steps']} steps): {dt:.2f} s, test accuracy {accuracy(W, xt, yt, mean):.4f}")
        if loss == "softmax":
            W_softmax = W

    t = time.perf_counter()
    W_rand, acc_train = random_search(x[:10000], y[:10000], tries=100, seed=0, mean=mean)
    print(f"random search (100 tries on 10,000 images): train {acc_train:.4f}, "
          f"test {accuracy(W_rand, xt, yt, mean):.4f} in {time.perf_counter() - t:.2f} s")

    W = W_softmax
    D1, D2 = filter_normalized_directions(W, seed=0)
    t = time.perf_counter()
    f = cifar_slice(W, x, y, loss="softmax", reg="l2", strength=strength, directions=(D1, D2), mean=mean)
    t_pre = time.perf_counter() - t
    xs = ys = np.linspace(-1.0, 1.0, args.grid)
    t = time.perf_counter()
    Z = f.value_grid(xs, ys)
    t_grid = time.perf_counter() - t
    n_pts = args.grid ** 2
    print(f"slice precompute (S0, S1, S2 over {len(x)} images): {t_pre:.2f} s")
    print(f"{args.grid}x{args.grid} grid of the full-batch softmax loss ({len(x)} images): {t_grid:.2f} s "
          f"({t_grid / n_pts * 1e3:.3f} ms/point), loss range {Z.min():.4f}..{Z.max():.4f}")

    t = time.perf_counter()
    Zp = f.value(np.stack(np.meshgrid(xs[::10], ys[::10]), -1))
    print(f"general path (value() on {Zp.size} points): {(time.perf_counter() - t) / Zp.size * 1e3:.2f} ms/point, "
          f"max |diff| to the grid {np.abs(Zp - Z[::10, ::10]).max():.2e}")

    rng = np.random.default_rng(1)
    picks = rng.integers(0, args.grid, size=(args.naive_points, 2))
    t = time.perf_counter()
    naive = [naive_loss(W + xs[i] * D1 + ys[j] * D2, x, y, mean, strength) for i, j in picks]
    t_naive = (time.perf_counter() - t) / args.naive_points
    diff = max(abs(v - Z[j, i]) for v, (i, j) in zip(naive, picks, strict=True))
    print(f"naive (X @ W(a, b) per point): {t_naive:.3f} s/point -> {t_naive * n_pts:.0f} s for the grid; "
          f"speed-up {t_naive * n_pts / t_grid:.0f}x; max |grid - naive| {diff:.2e}")


if __name__ == "__main__":
    main()
