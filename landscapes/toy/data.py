"""Toy data sets for the linear-classifier lab: 2-D points X (N, 2) and integer labels y (N,).

- ``classic_points``: the lecture demo's nine points in three classes (and
  ``classic_start``, its starting W and b), so the lab reproduces the demo.
- ``gaussian_blobs``: any number of classes and points, seeded; blobs around
  evenly spaced centres, separable or overlapping depending on ``spread``.
- ``two_rings``: one class inside a ring of the other. No straight line
  separates them, so students see where a linear model fails.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

_CLASSIC_X = (
    (0.5, 0.4), (0.8, 0.3), (0.3, 0.8),        # class 0 (blue in the demo)
    (-0.4, 0.3), (-0.3, 0.7), (-0.7, 0.2),     # class 1 (green)
    (0.7, -0.4), (0.5, -0.6), (-0.4, -0.5),    # class 2 (red)
)
_CLASSIC_W = ((1.0, 2.0), (2.0, -4.0), (3.0, -1.0))
_CLASSIC_B = (0.0, 0.5, -0.5)


def classic_points() -> tuple[Floats, Ints]:
    """The demo's nine points: X (9, 2), y (9,) with three points in each of classes 0, 1, 2."""
    return np.array(_CLASSIC_X, dtype=np.float64), np.repeat(np.arange(3, dtype=np.int64), 3)


def classic_start() -> tuple[Floats, Floats]:
    """The demo's starting parameters: W (3, 2) = [[1, 2], [2, -4], [3, -1]], b (3,) = [0, .5, -.5]."""
    return np.array(_CLASSIC_W, dtype=np.float64), np.array(_CLASSIC_B, dtype=np.float64)


def _count(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    return int(value)


def _amount(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def gaussian_blobs(n_classes: int, n_per_class: int, seed: int = 0,
                   spread: float = 0.2) -> tuple[Floats, Ints]:
    """``n_per_class`` points per class around centres evenly spaced on the circle of radius 0.6.

    Each point is centre + spread·N(0, I) (seeded, so a scene is repeatable).
    A small spread gives separable blobs; around 0.4 and above they overlap
    and no classifier reaches zero loss. Labels are 0 .. n_classes − 1, in blocks.
    """
    c = _count("n_classes", n_classes, 2)
    n = _count("n_per_class", n_per_class, 1)
    s = _amount("spread", spread)
    rng = np.random.default_rng(_count("seed", seed, 0))
    angle = 2.0 * np.pi * np.arange(c) / c + np.pi / 2.0  # class 0 on top
    centres = 0.6 * np.stack([np.cos(angle), np.sin(angle)], axis=-1)          # (C, 2)
    X = np.repeat(centres, n, axis=0) + s * rng.standard_normal((c * n, 2))
    return X, np.repeat(np.arange(c, dtype=np.int64), n)


def two_rings(n: int, seed: int = 0, noise: float = 0.05) -> tuple[Floats, Ints]:
    """``n`` points on a ring of radius 0.3 (class 0) and ``n`` on one of radius 0.8 (class 1).

    Angles are uniform and radii get noise·N(0, 1) (seeded). Every line through
    the plane leaves points of both classes on one side: a linear classifier
    cannot separate the rings, and its best loss stays well above zero.
    """
    m = _count("n", n, 1)
    s = _amount("noise", noise)
    rng = np.random.default_rng(_count("seed", seed, 0))
    radius = np.repeat([0.3, 0.8], m) + s * rng.standard_normal(2 * m)
    angle = rng.uniform(0.0, 2.0 * np.pi, 2 * m)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=-1)
    return X, np.repeat(np.arange(2, dtype=np.int64), m)
