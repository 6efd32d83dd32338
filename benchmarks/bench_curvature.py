"""CIFAR-10 curvature figures: H·v products, the top-3 Hessian eigenvalues, the dense way for scale.

    python benchmarks/bench_curvature.py [--root PATH] [--tol 1e-4] [--repeats 3]

1. trains the softmax classifier with the builder's settings (train_linear) on
   all 50,000 training images: the W at which the Hessian is taken;
2. on 10,000 and on 50,000 images (30,730 weights), in float64 and float32:
   the operator's setup, the time per H·v product (best and worst of --repeats),
   and the top 3 eigenvalues by block Lanczos to relative --tol (time, products, values);
3. on a reduced problem (2,000 images, every 20th pixel: 1,550 weights) the
   dense way — build the Hessian (1/N) Σᵢ xᵢxᵢᵀ ⊗ (diag pᵢ − pᵢpᵢᵀ) + 2s·I and
   call eigvalsh — against Lanczos on the same problem: times, ratio, agreement;
4. the curvature window's pieces (app.model.cifar_curvature, cifar_solutions) on
   10,000 and 50,000 images: the eigen-plane beside the random plane (plane_pair,
   41 x 41 each, including the two eigenvectors), and the 41-point line between
   two solutions (line_between: loss, train and validation accuracy).
Prints figures; asserts nothing. Other processes share the cores: the load
average is printed before and after, and the per-product range shows the noise.
On a busy machine run it with OPENBLAS_NUM_THREADS=1: two BLAS threads that
wait for each other's core run up to 6x slower than one (measured at load 6).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.model.cifar_curvature import CurvatureProblem, plane_pair  # noqa: E402
from app.model.cifar_solutions import line_between  # noqa: E402
from landscapes.cifar import image_mean, initial_weights, load_cifar10, preprocess, train_linear  # noqa: E402
from landscapes.cifar.build import DEFAULT_STRENGTH, TRAINING  # noqa: E402
from landscapes.cifar.curvature import HessianOperator  # noqa: E402
from landscapes.cifar.lanczos import lanczos_top  # noqa: E402

# The data folder: --root, else $LOSSLAB_CIFAR_ROOT (the app's own setting for a local copy).
DEFAULT_ROOT = os.environ.get("LOSSLAB_CIFAR_ROOT", "")


def load() -> str:
    return f"load average {os.getloadavg()[0]:.2f}"


def matmat(op):
    return lambda V: op.matvec(V.reshape((len(V), *op.shape))).reshape(len(V), -1)


def top3(W, x, y, strength, tol, dtype, repeats, block):
    """(setup s, per-product times, Lanczos s including setup, result) on one problem."""
    t0 = time.perf_counter()
    op = HessianOperator(W, x, y, "softmax", "l2", strength, dtype=dtype, cache=True)
    setup = time.perf_counter() - t0
    result = lanczos_top(matmat(op), W.size, 3, tol, seed=0, block=block)
    total = time.perf_counter() - t0
    V = np.random.default_rng(0).standard_normal(W.shape)
    per = []
    for _ in range(repeats):
        t = time.perf_counter()
        op.matvec(V)
        per.append(time.perf_counter() - t)
    return setup, per, total, result


def dense_hessian(W, x, y, strength):
    """The full Hessian of the mean softmax loss + strength·ΣW², (D+1)K x (D+1)K."""
    X = preprocess(x, image_mean(x))
    S = X @ W
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    n, d = X.shape
    k = W.shape[1]
    H = np.empty((d, k, d, k))
    for c in range(k):
        for e in range(c, k):
            j = P[:, c] * ((c == e) - P[:, e])            # (diag p − p pᵀ)_ce per row
            block = (X * j[:, None]).T @ X / n
            H[:, c, :, e] = block
            H[:, e, :, c] = block
    H = H.reshape(d * k, d * k)
    H[np.diag_indices_from(H)] += 2.0 * strength
    return H


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(DEFAULT_ROOT))
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--block", type=int, default=None, help="vectors per Lanczos pass (default k + 1 = 4)")
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, {load()}")

    x, y, _, _ = load_cifar10(args.root)
    strength = DEFAULT_STRENGTH["l2"]
    t = time.perf_counter()
    W = train_linear(x, y, loss="softmax", strength=strength, **TRAINING)
    print(f"train softmax (strength {strength:g}, {TRAINING['steps']} steps): {time.perf_counter() - t:.1f} s")

    for n in (10_000, 50_000):
        found = {}
        for dtype in (np.float64, np.float32):
            setup, per, total, r = top3(W, x[:n], y[:n], strength, args.tol, dtype, args.repeats, args.block)
            found[dtype] = r.values
            print(f"{n} images, {W.size} weights, {np.dtype(dtype).name}: setup {setup:.2f} s, "
                  f"H·v {min(per):.3f}..{max(per):.3f} s; top 3 to {args.tol:g}: {total:.2f} s "
                  f"({r.products} products in {r.passes} passes, converged {r.converged}) -> {np.array2string(r.values, precision=6)}")
        rel = np.abs(found[np.float32] / found[np.float64] - 1).max()
        print(f"  float32 vs float64 eigenvalues: max relative difference {rel:.1e}   ({load()})")

    xr, yr = x[:2000, ::20], y[:2000]
    Wr = np.ascontiguousarray(np.vstack([W[:-1][::20], W[-1:]]))
    t = time.perf_counter()
    H = dense_hessian(Wr, xr, yr, strength)
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    dense = np.linalg.eigvalsh(H)[::-1][:3]
    t_eig = time.perf_counter() - t
    t = time.perf_counter()
    op = HessianOperator(Wr, xr, yr, "softmax", "l2", strength)
    r = lanczos_top(matmat(op), Wr.size, 3, args.tol, seed=0, block=args.block)
    t_lanczos = time.perf_counter() - t
    print(f"reduced problem ({len(xr)} images, {Wr.size} weights): dense build {t_build:.2f} s + eigvalsh "
          f"{t_eig:.2f} s = {t_build + t_eig:.2f} s; Lanczos {t_lanczos:.3f} s ({r.products} products); "
          f"ratio {(t_build + t_eig) / t_lanczos:.0f}x; max relative difference "
          f"{np.abs(r.values / dense - 1).max():.1e}")
    full = W.size
    print(f"the dense way at full size: {full}² float64 = {full * full * 8 / 1e9:.1f} GB, eigvalsh ~{full ** 3:.1e} "
          f"flops   ({load()})")

    mean = image_mean(x[:49_000])
    for n in (10_000, 50_000):
        problem = CurvatureProblem(x[:n], y[:n], x[49_000:], y[49_000:], mean, "softmax", "l2", strength)
        t = time.perf_counter()
        planes = plane_pair(problem, W, resolution=41)
        t_planes = time.perf_counter() - t
        t = time.perf_counter()
        line = line_between(problem, initial_weights(), W)
        t_line = time.perf_counter() - t
        print(f"{n} images: eigen-plane + random plane (41² each, with the eigenvectors) {t_planes:.2f} s "
              f"(λ₁ {planes.eigenvalues[0]:.4g}, shared range {planes.levels[0]:.3f}..{planes.levels[1]:.3f}); "
              f"line W_init -> W (41 points: loss, train and val accuracy) {t_line:.2f} s "
              f"(loss {line.curves[problem.label][10]:.3f} -> {line.curves[problem.label][30]:.3f})   ({load()})")


if __name__ == "__main__":
    main()
