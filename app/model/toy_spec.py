"""The params of a ``toy_classifier`` landscape: checked one line per problem, then built.

A scene names the lab's landscape as {"name": "toy_classifier", "params": {...}}:

    data     "classic" | "blobs" | "rings"       the data set (default "classic")
    points   [[x, y, class], ...]                edited data; replaces "data" when given
    classes  whole number 2 .. 10                classes of "blobs" (default 3), or of "points"
    n        whole number >= 1                   points per class ("blobs", default 10)
                                                 or per ring ("rings", default 20);
                                                 2000 points at most in all
    seed     whole number >= 0                   draws of the data, random axes, random W (default 0)
    loss     "ww" | "ova" | "structured" | "softmax"   (default "ww")
    reg      number >= 0                         reg·ΣW² (default 0.1)
    axes     ["W[0,0]", "W[0,1]"] | "random"     the plane's two axes (default the first)
    span     number > 0                          half-width of the view (default 3)
    W, b     C×2 and C numbers                   the classifier the plane goes through and
                                                 the runs' default start (default: the
                                                 demo's start for 3 classes, else a small
                                                 seeded random one)

The number of classes C is the rows of W if given, else "classes", else the
data's own (classic 3, rings 2, points the largest label + 1, at least 2).
``problems`` never builds the landscape; ``build`` raises ValueError with the
same lines.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscapes.toy_classifier import (
    DEFAULT_AXES,
    KINDS,
    WeightSpaceLandscape,
    classic_points,
    classic_start,
    gaussian_blobs,
    param_names,
    two_rings,
    weight_space,
)
from solvers.naming import did_you_mean

DATA_SETS = ("classic", "blobs", "rings")
PARAMS = ("data", "points", "classes", "n", "seed", "loss", "reg", "axes", "span", "W", "b")
DEFAULT_N = {"blobs": 10, "rings": 20}
RANDOM_W_SCALE = 0.5     # the spread of a seeded random start W, b: small, near the origin
MAX_CLASSES = 10         # a colour each in the data view
MAX_POINTS = 2000        # the whole data set is scored at every grid point of the surface


@dataclass
class ToyParams:
    """The checked params, with the defaults filled in."""

    X: np.ndarray
    y: np.ndarray
    n_classes: int
    loss: str
    reg: float
    axes: tuple[str, str] | str
    span: float
    seed: int
    W: np.ndarray
    b: np.ndarray


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _whole(v: Any, low: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= low


class _Checker:
    """Collects "params.key: message" lines while reading the params."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params
        self.problems: list[str] = []

    def bad(self, key: str, message: str) -> None:
        self.problems.append(f"params.{key}: {message}")

    def whole(self, key: str, default: int, low: int, high: int | None = None) -> int:
        v = self.params.get(key, default)
        if not _whole(v, low) or (high is not None and v > high):
            limit = f">= {low}" if high is None else f"from {low} to {high}"
            self.bad(key, f"expected a whole number {limit}, got {v!r}")
            return default
        return int(v)

    def number(self, key: str, default: float, *, positive: bool = False) -> float:
        v = self.params.get(key, default)
        if not _number(v) or (v <= 0 if positive else v < 0):
            self.bad(key, f"expected a finite number {'> 0' if positive else '>= 0'}, got {v!r}")
            return default
        return float(v)

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        v = self.params.get(key, default)
        if not isinstance(v, str) or v not in choices:
            self.bad(key, f"unknown {key} {v!r}{did_you_mean(v, choices)}; choose one of {', '.join(choices)}")
            return default
        return v


def _points(c: _Checker) -> tuple[np.ndarray, np.ndarray] | None:
    rows = c.params["points"]
    if not isinstance(rows, list) or not rows:
        c.bad("points", f"expected a non-empty list of [x, y, class] rows, got {rows!r}"[:160])
        return None
    if len(rows) > MAX_POINTS:
        c.bad("points", f"at most {MAX_POINTS} points, got {len(rows)}")
        return None
    for i, row in enumerate(rows):
        if not (isinstance(row, (list, tuple)) and len(row) == 3 and _number(row[0]) and _number(row[1])
                and _whole(row[2], 0)):
            c.bad("points", f"row {i} must be [x, y, class] (finite x, y; class a whole number >= 0), "
                            f"got {row!r}")
            return None
    return (np.array([[r[0], r[1]] for r in rows], dtype=np.float64),
            np.array([r[2] for r in rows], dtype=np.int64))


def _data(c: _Checker, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(X, y) of the params, or None (the problems say why)."""
    if "points" in c.params:
        c.choice("data", "classic", DATA_SETS)   # still a known name, though the points replace it
        return _points(c)
    data = c.choice("data", "classic", DATA_SETS)
    if data == "classic":
        return classic_points()
    classes = c.whole("classes", 3, 2, MAX_CLASSES) if data == "blobs" else 2
    n = c.whole("n", DEFAULT_N[data], 1, MAX_POINTS // classes)
    if data == "blobs":
        return gaussian_blobs(classes, n, seed=seed)
    return two_rings(n, seed=seed)


def _matrix(c: _Checker, key: str, shape: tuple[int, ...]) -> np.ndarray | None:
    v = c.params[key]
    try:
        a = np.array(v, dtype=np.float64)
    except (TypeError, ValueError):
        a = None
    ok = a is not None and a.shape == shape and np.isfinite(a).all() and \
        not any(isinstance(x, bool) for x in np.asarray(v, dtype=object).reshape(-1))
    if not ok:
        what = f"a {shape[0]}×2 list (one [w_x, w_y] row per class)" if len(shape) == 2 \
            else f"a list of {shape[0]} numbers (one per class)"
        c.bad(key, f"expected {what} for {shape[0]} classes, got {v!r}"[:200])
        return None
    return a


def _axes(c: _Checker, n_classes: int) -> tuple[str, str] | str:
    v = c.params.get("axes", list(DEFAULT_AXES))
    if v == "random":
        return "random"
    names = param_names(n_classes)
    if not (isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(a, str) for a in v)):
        c.bad("axes", f"expected two parameter names (as [\"W[0,0]\", \"b[1]\"]) or \"random\", got {v!r}")
        return DEFAULT_AXES
    keys = [a.replace(" ", "") for a in v]
    for a, k in zip(v, keys, strict=True):
        if k not in names:
            c.bad("axes", f"unknown parameter {a!r}{did_you_mean(k, names)}; with {n_classes} classes "
                          f"the parameters are {', '.join(names)}")
            return DEFAULT_AXES
    if keys[0] == keys[1]:
        c.bad("axes", f"the two axes must be different parameters, got {v[0]!r} twice")
        return DEFAULT_AXES
    return keys[0], keys[1]


def read(params: dict[str, Any]) -> tuple[ToyParams | None, list[str]]:
    """(the checked params, []) or (None, one "params.key: message" line per problem)."""
    c = _Checker(params)
    for key in params:
        if key not in PARAMS:
            c.bad(key, f"unknown parameter {key!r} for toy_classifier{did_you_mean(key, PARAMS)}; "
                       f"its parameters: {', '.join(PARAMS)}")
    seed = c.whole("seed", 0, 0)
    data = _data(c, seed)
    loss = c.choice("loss", "ww", KINDS)
    reg = c.number("reg", 0.1)
    span = c.number("span", 3.0, positive=True)
    if data is None:
        return None, c.problems
    X, y = data
    found = max(2, int(y.max()) + 1)
    if found > MAX_CLASSES:
        c.bad("points", f"class labels must lie in 0 .. {MAX_CLASSES - 1}, got a label {int(y.max())}")
        return None, c.problems
    n_classes = found
    if "classes" in params and "points" in params:
        n_classes = c.whole("classes", found, 2, MAX_CLASSES)
    W = b = None
    if "W" in params:
        rows = params["W"]
        n_classes = len(rows) if isinstance(rows, list) and 2 <= len(rows) <= MAX_CLASSES else n_classes
        W = _matrix(c, "W", (n_classes, 2))
    if "b" in params:
        b = _matrix(c, "b", (n_classes,))
    if "W" in params and "classes" in params and _whole(params["classes"], 2) and params["classes"] != n_classes:
        c.bad("classes", f"{params['classes']} classes, but W has {n_classes} rows")
    if int(y.max()) >= n_classes:
        c.bad("W" if "W" in params else "points" if "points" in params else "classes",
              f"labels must lie in 0 .. {n_classes - 1} for {n_classes} classes, got a label {int(y.max())}")
    axes = _axes(c, n_classes)
    if c.problems:
        return None, c.problems
    if W is None or b is None:
        W0, b0 = _default_start(n_classes, seed)
        W = W0 if W is None else W
        b = b0 if b is None else b
    return ToyParams(X, y, n_classes, loss, reg, axes, span, seed, W, b), []


def _default_start(n_classes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The demo's start for 3 classes; else small seeded random W (C, 2) and b (C,)."""
    if n_classes == 3:
        return classic_start()
    draw = RANDOM_W_SCALE * np.random.default_rng(seed).standard_normal((n_classes, 3))
    return draw[:, :2].copy(), draw[:, 2].copy()


def problems(params: dict[str, Any]) -> list[str]:
    """One "params.key: message" line per problem with the params; [] when they build."""
    return read(params)[1]


def build(params: dict[str, Any]) -> WeightSpaceLandscape:
    """The weight-space landscape of the params (ValueError with the problems if they are bad)."""
    toy, found = read(params)
    if toy is None:
        raise ValueError("; ".join(found))
    return weight_space(toy.W, toy.b, toy.X, toy.y, toy.loss, toy.reg, toy.axes, seed=toy.seed,
                        span=toy.span)
