"""A 2-D slice through the loss of a linear CIFAR-10 classifier, as a Landscape.

    W(a, b) = C + a·D1 + b·D2          (C = W*, or ``origin`` when given)
    f(a, b) = (1/N) Σᵢ Lᵢ(X W(a, b)) + R(W(a, b))

Following Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets",
D1, D2 are usually filter-normalized random directions. Values, gradients
and Hessians are exact (no finite differences): see slice_terms for the math.
Precomputing S0 = X C, S1 = X D1, S2 = X D2 once makes a point cost O(N·K).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..base import Bounds, Landscape, as_points
from .linear import LOSSES, REGS, check_choice, check_strength, image_mean, preprocess
from .parallel import BLOCK_ELEMS, Progress, reduce_points, run_items
from .slice_terms import Array, BlockTerm, Derivs, HingeTerm, L1Term, L2Term, SoftmaxTerm

Cancel = Callable[[], bool]

PARTS = ("total", "data", "reg")
_ROWS = 4096  # examples converted to float features at a time


def plane_scores(x: ArrayLike, mean: Array, mats: Sequence[Array], progress: Progress | None = None,
                 features: bool = False) -> list[Array]:
    """[X M for M in mats] with X = [x − mean, 1], converting x in chunks (bounded memory).

    features: x already holds the rows [x − mean, 1] (e.g. a training race's float32
    features); they are widened to float64 chunk by chunk, so the scores are float64.
    """
    x = np.asarray(x)
    stacked = np.concatenate(mats, axis=1)                      # (3073, 3K)
    out = np.empty((len(x), stacked.shape[1]))
    for i in range(0, len(x), _ROWS):
        rows = x[i:i + _ROWS].astype(np.float64) if features else preprocess(x[i:i + _ROWS], mean)
        out[i:i + _ROWS] = rows @ stacked
        if progress is not None:
            progress(min(1.0, (i + _ROWS) / len(x)), "projecting the data onto the plane")
    k = mats[0].shape[1]
    return [np.ascontiguousarray(out[:, j * k:(j + 1) * k]) for j in range(len(mats))]


def _evenly_spaced(xs: Array) -> bool:
    if xs.size < 3 or not np.all(np.isfinite(xs)):
        return False
    d = np.diff(xs)
    return bool(np.all(np.abs(d - d[0]) <= 1e-9 * np.abs(d[0])) and d[0] != 0)


def _grid_axes(p: Array) -> tuple[Array, Array] | None:
    """(xs, ys) when p (ny, nx, 2) is exactly np.meshgrid(xs, ys) stacked, else None."""
    if p.ndim != 3 or p.shape[0] < 2 or p.shape[1] < 3:
        return None
    xs, ys = p[0, :, 0], p[:, 0, 1]
    if np.array_equal(p[..., 0], np.broadcast_to(xs, p.shape[:2])) and \
            np.array_equal(p[..., 1], np.broadcast_to(ys[:, None], p.shape[:2])):
        return xs, ys
    return None


class CifarSlice(Landscape):
    """Exact loss of W(a, b) = C + a·D1 + b·D2 on raw CIFAR rows; see the module docstring.

    Extra attributes: ``loss``, ``reg``, ``strength``, ``part`` ("total" | "data" |
    "reg": what value/grad/hessian return), ``W`` (the trained weights),
    ``center``, ``directions``, ``mean``, ``n_examples``, ``landmarks`` (name ->
    (a, b) of known weights in the plane), ``axis_labels`` (the two axes' names),
    ``accuracies`` and ``eigenvalues`` (λ₁, λ₂ of an eigen-plane; both set by the builder),
    ``scores`` ((S0, S1, S2, y): the precomputed X·C, X·D1, X·D2 and the labels).

    features=True: x holds the rows [x − mean, 1] already (N, D+1), as a training
    race keeps them; ``mean`` must then be given (it is not recomputed from x).
    """

    name = "cifar_slice"
    log_scale = False

    def __init__(self, W: ArrayLike, x: ArrayLike, y: ArrayLike, loss: str = "softmax", reg: str = "l2",
                 strength: float = 5e3, directions: Sequence[ArrayLike] | None = None,
                 mean: ArrayLike | None = None, origin: ArrayLike | None = None, part: str = "total",
                 bounds: Bounds = ((-1.0, 1.0), (-1.0, 1.0)), progress: Progress | None = None,
                 features: bool = False) -> None:
        super().__init__(loss=loss, reg=reg, strength=strength)
        self.loss = check_choice("loss", loss, LOSSES)
        self.reg = check_choice("reg", reg, REGS)
        self.strength = check_strength(strength)
        self.part = check_choice("part", part, PARTS)
        W = np.asarray(W, dtype=np.float64)
        x, y = np.asarray(x), np.asarray(y)
        if directions is None or len(directions) != 2:
            raise ValueError("directions must be a pair (D1, D2) of arrays shaped like W")
        D1, D2 = (np.asarray(D, dtype=np.float64) for D in directions)
        C = W if origin is None else np.asarray(origin, dtype=np.float64)
        for nm, M in (("D1", D1), ("D2", D2), ("origin", C)):
            if M.shape != W.shape:
                raise ValueError(f"{nm} has shape {M.shape}, expected W's shape {W.shape}")
        bias = 0 if features else 1   # features carry the bias column already
        if W.ndim != 2 or x.ndim != 2 or W.shape[0] != x.shape[1] + bias:
            raise ValueError(f"W must be ({x.shape[1] + bias if x.ndim == 2 else 'D+1'}, K) for x of shape "
                             f"{x.shape}, got {W.shape}")
        if features and mean is None:
            raise ValueError("features=True needs the training mean image (mean=...)")
        if len(y) != len(x) or len(x) == 0:
            raise ValueError(f"x and y must be non-empty and of the same length, got {len(x)} and {len(y)}")
        if y.min() < 0 or y.max() >= W.shape[1]:
            raise ValueError(f"labels must be in 0..{W.shape[1] - 1}")
        self.W, self.center, self.directions = W, C, (D1, D2)
        self.mean = image_mean(x) if mean is None else np.asarray(mean, dtype=np.float64)
        self.n_examples = len(x)
        S0, S1, S2 = plane_scores(x, self.mean, [C, D1, D2], progress, features=features)
        y = y.astype(np.int64)
        self._data: SoftmaxTerm | HingeTerm = (SoftmaxTerm(S0, S1, S2, y) if loss == "softmax"
                                               else HingeTerm(S0, S1, S2, y))
        self._l2 = L2Term(C, D1, D2, self.strength) if reg == "l2" else None
        self._l1 = L1Term(C, D1, D2, self.strength) if reg == "l1" else None
        self.scores = (S0, S1, S2, y)  # row-major, for minibatch sampling and accuracy grids
        (bx0, bx1), (by0, by1) = bounds
        self.bounds = ((float(bx0), float(bx1)), (float(by0), float(by1)))
        self.minima = ()
        self.min_value = None
        (x0, x1), (y0, y1) = self.bounds
        self.default_start = (x0 + 0.8 * (x1 - x0), y0 + 0.8 * (y1 - y0))
        self.landmarks: dict[str, tuple[float, float]] = {"W*": (0.0, 0.0)} if origin is None else {}
        self.axis_labels: tuple[str, str] = ("a (along D₁)", "b (along D₂)")
        self.accuracies: dict[str, float] = {}
        self.eigenvalues: tuple[float, ...] = ()
        name = "softmax" if loss == "softmax" else "SVM"
        self.title = f"CIFAR-10 {name} slice"
        data = "(1/N) Σᵢ Lᵢ" if loss == "softmax" else "(1/N) Σᵢ Σ_{c≠yᵢ} max(0, s_c − s_yᵢ + 1)"
        r = "‖W‖²" if reg == "l2" else "‖W‖₁"
        self.formula = f"L(W* + a·D₁ + b·D₂) = {data} + {self.strength:g}·{r}"
        self.latex = (r"L(W^* + a D_1 + b D_2) = \frac{1}{N}\sum_i L_i + \lambda "
                      + (r"\|W\|_2^2" if reg == "l2" else r"\|W\|_1"))
        where = ("along two filter-normalized random directions (Li et al. 2018) through the "
                 "trained weights W* at (0, 0)." if origin is None else
                 "in the plane through three weight matrices (origin at the first).")
        self.description = (f"Exact {name} loss of a linear classifier on {self.n_examples} CIFAR-10 "
                            f"training images, {where}")

    # --- the three parts --------------------------------------------------------------
    def _evaluate(self, p: ArrayLike, order: int, part: str | None = None, progress: Progress | None = None,
                  cancel: Cancel | None = None) -> tuple[Array, Array, Array]:
        p = as_points(p)
        lead = p.shape[:-1]
        a = np.ascontiguousarray(p[..., 0].ravel())
        b = np.ascontiguousarray(p[..., 1].ravel())
        part = self.part if part is None else part
        value = np.zeros(a.size)
        grad = np.zeros((a.size, 2))
        hess = np.zeros((a.size, 3))
        terms: list[BlockTerm] = []
        if part in ("total", "data"):
            terms.append(self._data)
        if part in ("total", "reg") and self._l1 is not None:
            terms.append(self._l1)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            parts: list[Derivs] = [term.finish(a, b, reduce_points(term, a, b, order, progress, cancel), order)
                                   for term in terms]
            if part in ("total", "reg") and self._l2 is not None:
                parts.append(self._l2.evaluate(a, b, order))
            for v, g, h in parts:
                value += v
                if g is not None and order >= 1:
                    grad += g
                if h is not None and order >= 2:
                    hess += h
        return value.reshape(lead), grad.reshape(lead + (2,)), hess.reshape(lead + (3,))

    def value(self, p: ArrayLike) -> Array:
        p = as_points(p)
        axes = _grid_axes(p)
        if axes is not None:  # a meshgrid (as views pass): the fast row recurrence
            return self.value_grid(*axes)
        return self._evaluate(p, 0)[0]

    def grad(self, p: ArrayLike) -> Array:
        return self._evaluate(p, 1)[1]

    def value_and_grad(self, p: ArrayLike) -> tuple[Array, Array]:
        v, g, _ = self._evaluate(p, 1)
        return v, g

    def hessian(self, p: ArrayLike) -> Array:
        h = self._evaluate(p, 2)[2]
        out = np.empty(h.shape[:-1] + (2, 2))
        out[..., 0, 0], out[..., 0, 1], out[..., 1, 0], out[..., 1, 1] = h[..., 0], h[..., 1], h[..., 1], h[..., 2]
        return out

    def data_value(self, p: ArrayLike) -> Array:
        """The mean data loss alone at points p (..., 2)."""
        return self._evaluate(p, 0, part="data")[0]

    def reg_value(self, p: ArrayLike) -> Array:
        """The regularization term alone at points p (..., 2)."""
        return self._evaluate(p, 0, part="reg")[0]

    def with_part(self, part: str) -> CifarSlice:
        """The same slice showing "total", "data" or "reg" (shares the precomputed scores)."""
        import copy

        other = copy.copy(self)
        other.part = check_choice("part", part, PARTS)
        other.__dict__.pop("grad_scale", None)
        return other

    def weights(self, a: float, b: float) -> Array:
        """The weight matrix C + a·D1 + b·D2 at one point of the plane."""
        return self.center + a * self.directions[0] + b * self.directions[1]

    def value_grid(self, xs: ArrayLike, ys: ArrayLike, progress: Progress | None = None,
                   cancel: Cancel | None = None) -> Array:
        """Z[j, i] = f(xs[i], ys[j]) in bounded-memory blocks on all cores.

        progress(fraction, message) is called as blocks finish; cancel() -> True
        raises Cancelled.
        """
        xs, ys = np.asarray(xs, dtype=np.float64).ravel(), np.asarray(ys, dtype=np.float64).ravel()
        if self.loss == "softmax" and self.part != "reg" and _evenly_spaced(xs):
            return self._softmax_grid(xs, ys, progress, cancel)
        X, Y = np.meshgrid(xs, ys)
        return self._evaluate(np.stack([X, Y], axis=-1), 0, progress=progress, cancel=cancel)[0]

    def _softmax_grid(self, xs: Array, ys: Array, progress: Progress | None, cancel: Cancel | None) -> Array:
        """Rows of constant b, evenly spaced a: the multiplicative recurrence of row_log_sums."""
        term = self._data
        assert isinstance(term, SoftmaxTerm)  # value_grid calls this for softmax slices only
        groups = [g for g in (np.flatnonzero(xs < 0), np.flatnonzero(xs >= 0)) if g.size]
        step = max(1, BLOCK_ELEMS // (2 * term.width))
        items = [(j, g) for j in range(ys.size) for g in groups]

        def work(item: tuple[int, np.ndarray[Any, np.dtype[np.intp]]]) -> tuple[
                int, np.ndarray[Any, np.dtype[np.intp]], Array]:
            j, g = item
            sums = np.zeros(g.size)
            for e0 in range(0, term.count, step):
                sums += term.row_log_sums(ys[j], xs[g], e0, min(term.count, e0 + step))
            return j, g, sums

        sums = np.zeros((ys.size, xs.size))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for j, g, s in run_items(work, items, progress, cancel):
                sums[j, g] = s
        A, B = np.meshgrid(xs, ys)
        value = term.finish(A.ravel(), B.ravel(), sums.reshape(-1, 1), 0)[0].reshape(A.shape)
        if self.part == "total":
            value += self._evaluate(np.stack([A, B], axis=-1), 0, part="reg")[0]
        return value

    def grid(self, n: int = 200, bounds: Bounds | None = None) -> tuple[Array, Array, Array]:
        (x0, x1), (y0, y1) = bounds or self.bounds
        xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        return xs, ys, self.value_grid(xs, ys)

    @cached_property
    def grad_scale(self) -> float:
        """Median |grad| on an 11 x 11 grid over the bounds (cheaper than the base's 41 x 41)."""
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, 11), np.linspace(y0, y1, 11))
        n = np.linalg.norm(self.grad(np.stack([X, Y], axis=-1)), axis=-1)
        n = n[np.isfinite(n)]
        s = float(np.median(n)) if n.size else 1.0
        return s if s > 0 else 1.0

    def minibatch_grad(self, p: ArrayLike, batch_size: int, rng: np.random.Generator) -> Array:
        """Gradient of the loss on ``batch_size`` examples drawn with replacement, per point.

        Each point gets its own minibatch; the regularization gradient is exact
        (full), so the mean over draws is the full gradient.
        """
        p = as_points(p)
        if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
        lead = p.shape[:-1]
        a = p[..., 0].reshape(-1, 1, 1)
        b = p[..., 1].reshape(-1, 1, 1)
        S0, S1, S2, y = self.scores
        idx = rng.integers(0, len(y), size=(a.shape[0], int(batch_size)))
        s1, s2 = S1[idx], S2[idx]                                    # (K, B, C)
        s = S0[idx] + a * s1 + b * s2
        yk = y[idx][..., None]
        with np.errstate(over="ignore", invalid="ignore"):
            if self.loss == "softmax":
                e = np.exp(s - s.max(axis=-1, keepdims=True))
                w = e / e.sum(axis=-1, keepdims=True)
                w -= (np.arange(s.shape[-1]) == yk)                 # p − onehot(y)
            else:
                margins = s - np.take_along_axis(s, yk, axis=-1) + 1.0
                w = (margins > 0).astype(np.float64)
                np.put_along_axis(w, yk, 0.0, axis=-1)
                np.put_along_axis(w, yk, -w.sum(axis=-1, keepdims=True), axis=-1)
            g = np.stack([(w * s1).sum(axis=(1, 2)), (w * s2).sum(axis=(1, 2))], axis=-1) / batch_size
        if self.part == "data":
            return g.reshape(lead + (2,))
        reg_g = self._evaluate(p.reshape(-1, 2), 1, part="reg")[1]
        if self.part == "reg":
            return reg_g.reshape(lead + (2,))
        return (g + reg_g).reshape(lead + (2,))

    def __repr__(self) -> str:
        return (f"<CifarSlice {self.loss}/{self.reg} strength={self.strength:g} "
                f"N={self.n_examples} part={self.part}>")


def cifar_slice(W: ArrayLike, x: ArrayLike, y: ArrayLike, loss: str = "softmax", reg: str = "l2",
                strength: float = 5e3, directions: Sequence[ArrayLike] | None = None,
                mean: ArrayLike | None = None, origin: ArrayLike | None = None, part: str = "total",
                bounds: Bounds = ((-1.0, 1.0), (-1.0, 1.0)), progress: Progress | None = None,
                features: bool = False) -> CifarSlice:
    """The slice W(a, b) = (origin or W) + a·D1 + b·D2 of the loss on raw rows x.

    x is raw as given to train_linear; ``mean`` is the training mean image
    (None: the mean of x, right when x is the training set itself).
    features=True: x is the rows [x − mean, 1] already (mean required).
    """
    return CifarSlice(W, x, y, loss=loss, reg=reg, strength=strength, directions=directions,
                      mean=mean, origin=origin, part=part, bounds=bounds, progress=progress,
                      features=features)
