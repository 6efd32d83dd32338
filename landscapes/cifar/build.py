"""Build a CIFAR-10 loss slice end to end: load, train (cached), pick a plane, precompute.

This is what the app and the CLI call (off the GUI thread): progress(fraction,
message) reports the stage, cancel() -> True raises Cancelled between steps.

Protocol (CS231n): W* is trained on the first 49,000 training images; the
last 1,000 are the validation set; the slice's loss is over the first
``subset`` training images (None: all 50,000). The mean image is that of the
49,000 training images, used everywhere.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from .cache import cache_key, check_cache_dir, data_fingerprint, load_weights, save_weights
from .directions import eigen_directions, filter_normalized_directions, plane_through
from .download import cached_archive
from .errors import CifarError, check_cancel, check_whole
from .linear import (
    LOSSES,
    REGS,
    accuracy,
    check_choice,
    check_strength,
    image_mean,
    initial_weights,
    random_search,
    train_linear,
)
from .loader import load_cifar10
from .slice import CifarSlice

PLANES = ("random", "init_opt_random", "eigen")
N_TRAIN = 49_000
# SGD settings: lr 4e-7 lets the L2 term decay the 0.001·N(0,1) start to e^-6 of its size
# in 1,500 steps, so W* sits at the bottom of its own slice (test accuracy 37%)
LR, BATCH_SIZE, STEPS = 4e-7, 200, 1500
TRAINING = {"lr": LR, "batch_size": BATCH_SIZE, "steps": STEPS}
DEFAULT_STRENGTH = {"l2": 5e3, "l1": 5.0}

Progress = Callable[[float, str], object]
Array = np.ndarray[Any, Any]


def _stage(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    """A progress callback mapping a sub-task's 0..1 onto lo..hi of the whole build."""
    if progress is None:
        return None
    def staged(fraction: float, message: str = "") -> object:
        return progress(lo + (hi - lo) * float(fraction), message)
    return staged


def trained_weights(x: Array, y: Array, loss: str, reg: str, strength: float, seed: int,
                    cache_dir: str | os.PathLike[str], progress: Progress | None = None,
                    cancel: Callable[[], bool] | None = None) -> Array:
    """train_linear's W for these data and settings, from the cache when possible."""
    settings = {"loss": loss, "reg": reg, "strength": float(strength), "seed": int(seed), **TRAINING,
                "version": 1}
    key = cache_key(data_fingerprint(x, y), settings)
    W = load_weights(cache_dir, key, (x.shape[1] + 1, 10))
    if W is None:
        W = train_linear(x, y, loss=loss, reg=reg, strength=strength, seed=seed, progress=progress,
                         cancel=cancel, lr=LR, batch_size=BATCH_SIZE, steps=STEPS)
        save_weights(cache_dir, key, W)
    return W


def _check_root(root: object) -> str | os.PathLike[str] | None:
    if root is None or (isinstance(root, (str, os.PathLike)) and not isinstance(root, bool)):
        return root
    raise CifarError(f"root must be a folder or archive path (text), got {type(root).__name__} {root!r}"[:200])


def build_cifar_slice(root: str | os.PathLike[str] | None = None, loss: str = "softmax", reg: str = "l2",
                      strength: float | None = None, seed: int = 0, plane: str = "random",
                      subset: int | None = 5000, cache_dir: str | os.PathLike[str] | None = None,
                      progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> CifarSlice:
    """The slice Landscape through the trained W* (see the module docstring).

    root: the cifar-10-batches-py folder, its parent or the .tar.gz; None uses
    the archive downloaded by fetch_cifar10 into ``cache_dir``.
    strength None: 5e3 for l2, 5 for l1. plane "random": filter-normalized
    random directions (seeded) through W* at (0, 0); "init_opt_random": the plane
    through W*, the SGD start W_init (at (1, 0)) and the best random-search W;
    "eigen": the top two Hessian eigenvectors of the slice's loss at W* (the
    sharpest plane), each scaled to ‖W*‖ like a filter-normalized direction
    (directions.eigen_directions), W* at (0, 0); the slice's ``eigenvalues``
    holds λ₁ ≥ λ₂.
    cache_dir (trained weights, and the download when root is None) must lie
    inside the user cache dir: a scene names its own parameters, and must not
    make a render create folders and write files anywhere it likes.
    """
    check_choice("loss", loss, LOSSES)
    check_choice("reg", reg, REGS)
    check_choice("plane", plane, PLANES)
    strength = check_strength(DEFAULT_STRENGTH[reg] if strength is None else strength)
    seed = check_whole("seed", seed, minimum=0)
    if subset is not None:
        subset = check_whole("subset", subset)
    root = _check_root(root)
    cache = check_cache_dir(cache_dir)
    if root is None:
        root = cached_archive(cache)
        if root.is_dir():
            raise CifarError(f"{root} is a directory, not the CIFAR-10 archive: remove it and fetch again")
        if not root.is_file():
            raise CifarError(f"CIFAR-10 is not downloaded yet ({root} missing): fetch it with "
                             "landscapes.cifar.fetch_cifar10() or point root to a cifar-10-batches-py folder")
    if progress is not None:
        progress(0.0, "loading CIFAR-10")
    x_all, y_all, x_test, y_test = load_cifar10(root)
    check_cancel(cancel, "building the CIFAR-10 slice")
    x_train, y_train = x_all[:N_TRAIN], y_all[:N_TRAIN]
    x_val, y_val = x_all[N_TRAIN:], y_all[N_TRAIN:]
    mean = image_mean(x_train)
    W = trained_weights(x_train, y_train, loss, reg, strength, seed, cache,
                        _stage(progress, 0.1, 0.7), cancel)
    check_cancel(cancel, "building the CIFAR-10 slice")
    x_slice, y_slice = (x_all, y_all) if subset is None else (x_all[:subset], y_all[:subset])
    eigenvalues: tuple[float, ...] = ()
    if plane in ("random", "eigen"):
        if plane == "random":
            D1, D2 = filter_normalized_directions(W, seed)
        else:
            if progress is not None:
                progress(0.7, "the top two Hessian eigenvectors (Lanczos)")
            D1, D2, values = eigen_directions(W, x_slice, y_slice, loss, reg, strength, mean, seed)
            eigenvalues = (float(values[0]), float(values[1]))
            check_cancel(cancel, "building the CIFAR-10 slice")
        origin, landmarks, bounds = None, {"W*": (0.0, 0.0)}, ((-1.0, 1.0), (-1.0, 1.0))
    else:
        W_init = initial_weights(W.shape[0], seed)
        W_rand, _ = random_search(x_slice, y_slice, tries=20, seed=seed, mean=mean)
        origin, D1, D2, coords = plane_through(W, W_init, W_rand)
        landmarks = dict(zip(("W*", "W_init", "W_random"), coords, strict=True))
        bounds = _bounds_around(coords)
    if progress is not None:
        progress(0.7, "projecting the data onto the plane")
    f = CifarSlice(W, x_slice, y_slice, loss=loss, reg=reg, strength=strength, directions=(D1, D2),
                   mean=mean, origin=origin, bounds=bounds, progress=_stage(progress, 0.7, 0.9))
    f.landmarks = landmarks
    f.eigenvalues = eigenvalues
    if plane == "eigen":
        f.axis_labels = ("a (along v₁)", "b (along v₂)")
        f.description = f.description.replace(
            "two filter-normalized random directions (Li et al. 2018)",
            f"the top two Hessian eigenvectors (λ₁ = {eigenvalues[0]:.4g}, λ₂ = {eigenvalues[1]:.4g}), "
            "each scaled to ‖W*‖,")
    if plane == "init_opt_random":
        f.description = f.description.replace(
            "three weight matrices (origin at the first)",
            "the trained W* (origin), the initial W_init and the best random-search W_random")
        f.default_start = landmarks["W_init"]
        # W_init's loss (mostly its L2 term) is ~100x W*'s: show heights on a log scale
        f.log_scale = bool(f.value(np.array(landmarks["W_init"])) > 20 * f.value(np.zeros(2)))
    check_cancel(cancel, "building the CIFAR-10 slice")
    if progress is not None:
        progress(0.9, "measuring accuracy")
    f.accuracies = {"train": accuracy(W, x_train, y_train, mean), "val": accuracy(W, x_val, y_val, mean),
                    "test": accuracy(W, x_test, y_test, mean)}
    f.params = {"loss": loss, "reg": reg, "strength": strength, "seed": seed, "plane": plane, "subset": subset}
    if root is not None:
        f.params["root"] = str(root)
    f.description += (f" W* accuracy: train {f.accuracies['train']:.1%}, val {f.accuracies['val']:.1%}, "
                      f"test {f.accuracies['test']:.1%}.")
    if progress is not None:
        progress(1.0, "CIFAR-10 slice ready")
    return f


def _bounds_around(coords: object) -> tuple[tuple[float, float], tuple[float, float]]:
    """A square-ish view holding every landmark with a 25% margin."""
    pts = np.array(coords, dtype=np.float64)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = max(float((hi - lo).max()), 1.0)
    mid = (lo + hi) / 2
    half = 0.625 * span
    return ((mid[0] - half, mid[0] + half), (mid[1] - half, mid[1] + half))
