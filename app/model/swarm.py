"""Swarms: where a solver ends from every start (basins of attraction), and how
the outcome of one start depends on the learning rate (the LR sweep). Qt-free.

Basins of attraction
    Every start x₀ of an n × n grid over the view is run with the same solver
    (one vectorized run per block of starts: the whole 20 × 20 swarm is one
    array of shape (400, 2); a 200 × 200 grid is cut into blocks only so the
    stored history, (steps + 1) × points × 4 floats, stays small). Each final point x_T
    is then classified:

    * diverged: the run left the far box or hit inf/NaN (``Trajectory.diverged``);
    * a known minimum m (``f.minima`` then ``f.local_minima``) when
      |x_T − m| ≤ tol · max(view width, view height);
    * another stationary point when |∇f(x_T)| ≤ grad_tol · f.grad_scale: such
      points are clustered greedily within the same distance and each cluster
      is named by the eigenvalues of the Hessian at its centre (local minimum,
      saddle point or maximum);
    * not converged: none of the above (still moving after ``steps`` steps).

Learning-rate sweep
    One solver, one start, m learning rates (log-spaced by default, 1e-4..10):
    one ``solvers.run`` per lr (a Solver has one scalar lr, and a single point
    costs microseconds per step). For gradient descent on f = x² + y², whose
    Hessian is 2I, x_{t+1} = (1 − 2η) x_t, so the run diverges exactly when
    |1 − 2η| > 1, i.e. η > 1 (the stability limit η < 2/L, L = 2; Goh 2017,
    "Why momentum really works", Distill) — the right wall of the classic
    U-shaped "final loss vs learning rate" curve.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import solvers
from solvers import Solver

from .limits import MAX_STEPS  # steps of one swarm run: the limit of a race (swarm_window reads it here)

Bounds = tuple[tuple[float, float], tuple[float, float]]
Progress = Callable[[float, str], Any]
Cancel = Callable[[], bool]

MAX_GRID = 200          # starts per side of a basin map
MAX_FOUND = 150         # clusters of unlisted stationary points kept as their own classes
_BLOCK_POINTS = 4096    # starts per vectorized run (bounds the stored history)
_SLICE_STEPS = 25       # steps between cancel polls

KIND_GLOBAL = "global minimum"
KIND_LOCAL = "local minimum"
KIND_SADDLE = "saddle point"
KIND_MAXIMUM = "maximum"
KIND_OTHER = "other stationary points"
KIND_NOT_CONVERGED = "not converged"
KIND_DIVERGED = "diverged"


class SwarmCancelled(Exception):
    """Raised inside a swarm computation when cancel() became True."""


# --------------------------------------------------------------------------- checks
def _whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float, np.floating)) \
            or not np.isfinite(value) or int(value) != value or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number in {low}..{high}, got {value!r}")
    return int(value)


def _fraction(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or not 0 < value < 1:
        raise ValueError(f"{name} must be a number in (0, 1), got {value!r}")
    return float(value)


def _bounds(bounds: Any) -> Bounds:
    try:
        (x0, x1), (y0, y1) = bounds
        x0, x1, y0, y1 = (float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be ((xmin, xmax), (ymin, ymax)), got {bounds!r}") from None
    if not all(np.isfinite((x0, x1, y0, y1))) or not (x0 < x1 and y0 < y1):
        raise ValueError(f"bounds must be finite with xmin < xmax and ymin < ymax, got {bounds!r}")
    return (x0, x1), (y0, y1)


def _check_solver(opt: Any) -> Solver:
    if not isinstance(opt, Solver):
        raise ValueError(f"expected a configured solver (solvers.make(...)), got {type(opt).__name__}")
    return opt


def _poll(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise SwarmCancelled("cancelled")


# --------------------------------------------------------------------------- basins
@dataclass(frozen=True)
class BasinMap:
    """Where each start of a grid ends. Grid index [j, i] is (xs[i], ys[j]) (row-major, y up).

    starts     (n, n, 2)  the start points
    finals     (n, n, 2)  where each run stopped (a diverged run: its last finite point)
    classes    (n, n) int index into labels/kinds/positions/counts
    labels     (k,) display text per class, e.g. "global minimum (3.00, 2.00)"
    kinds      (k,) one of the KIND_* strings
    positions  (k, 2) the point of the class (NaN for not converged / diverged / other)
    counts     (k,) int starts per class; sums to n * n
    diverged   (n, n) bool
    """

    starts: np.ndarray
    finals: np.ndarray
    classes: np.ndarray
    labels: tuple[str, ...]
    kinds: tuple[str, ...]
    positions: np.ndarray
    counts: np.ndarray
    diverged: np.ndarray
    bounds: Bounds
    solver: str
    hyper: dict[str, Any] = field(default_factory=dict)
    steps: int = 0

    @property
    def n(self) -> int:
        return int(self.classes.shape[0])

    @property
    def diverged_class(self) -> int:
        return self.kinds.index(KIND_DIVERGED)

    @property
    def not_converged_class(self) -> int:
        return self.kinds.index(KIND_NOT_CONVERGED)

    def class_at(self, xy: Any) -> int:
        """The class of the grid cell holding the point (x, y) (clipped to the grid)."""
        (x0, x1), (y0, y1) = self.bounds
        n = self.n
        i = int(np.clip(round((float(xy[0]) - x0) / (x1 - x0) * (n - 1)), 0, n - 1))
        j = int(np.clip(round((float(xy[1]) - y0) / (y1 - y0) * (n - 1)), 0, n - 1))
        return int(self.classes[j, i])


def grid_starts(bounds: Bounds, n: int) -> np.ndarray:
    """(n, n, 2) starts on an even grid including the corners; [j, i] = (xs[i], ys[j])."""
    (x0, x1), (y0, y1) = _bounds(bounds)
    n = _whole("grid size", n, 1, MAX_GRID)
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return np.stack([X, Y], axis=-1)


def run_swarm(opt: Solver, f: Any, starts: np.ndarray, steps: int, *, noise: float = 0.0, seed: int = 0,
              schedule: Any = None, progress: Progress | None = None,
              cancel: Cancel | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Final points (*S, 2) and diverged mask (*S,) of ``opt`` run from every start.

    One vectorized ``solvers.Stepper`` (what ``solvers.run`` uses) per block of at
    most 4096 starts: the stepper keeps each block's history, so blocks bound its
    memory; it steps in slices of 25 so progress and cancel are polled often.
    """
    _check_solver(opt)
    steps = _whole("steps", steps, 1, MAX_STEPS)
    starts = np.asarray(starts, dtype=np.float64)
    flat = starts.reshape(-1, 2)
    finals = np.empty_like(flat)
    diverged = np.zeros(len(flat), dtype=bool)
    block_seeds = np.random.SeedSequence(int(seed)).spawn(max(1, -(-len(flat) // _BLOCK_POINTS)))
    for b, lo in enumerate(range(0, len(flat), _BLOCK_POINTS)):
        _poll(cancel)
        hi = min(lo + _BLOCK_POINTS, len(flat))
        # a block seed of its own: noise in one block does not depend on the block size
        s = int(block_seeds[b].generate_state(1)[0]) if len(block_seeds) > 1 else int(seed)
        # solvers.run, unrolled into slices of steps so cancel() is polled every few hundred ms
        stepper = solvers.Stepper(opt, f, flat[lo:hi], noise=noise, seed=s, schedule=schedule,
                                  reserve=steps + 1)
        for done in range(0, steps, _SLICE_STEPS):
            _poll(cancel)
            stepper.step(min(_SLICE_STEPS, steps - done))
            if progress is not None:
                frac = (lo + (hi - lo) * stepper.t / steps) / len(flat)
                progress(frac, f"{hi} of {len(flat)} starts")
        finals[lo:hi] = stepper.x
        diverged[lo:hi] = stepper.diverged
    return finals.reshape(starts.shape), diverged.reshape(starts.shape[:-1])


def _stationary_kind(f: Any, p: np.ndarray) -> str:
    """Local minimum / saddle / maximum from the signs of the Hessian's eigenvalues at p."""
    try:
        ev = np.linalg.eigvalsh(np.asarray(f.hessian(p), dtype=np.float64))
    except (AttributeError, NotImplementedError, np.linalg.LinAlgError):
        return KIND_LOCAL
    if not np.isfinite(ev).all():
        return KIND_OTHER
    scale = max(float(np.abs(ev).max()), 1e-300) * 1e-9
    if ev.min() > -scale:
        return KIND_LOCAL
    if ev.max() < scale:
        return KIND_MAXIMUM
    return KIND_SADDLE


def _greedy_clusters(pts: np.ndarray, radius: float, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Centres (c, 2) and member index (m,) (-1: beyond the cap) of points merged within radius.

    Greedy: the first unassigned point seeds a cluster of every unassigned point
    within radius; then each point is moved to its nearest centre within radius
    (so a seed at a cluster's edge does not split it). A loop over clusters, not points.
    """
    member = np.full(len(pts), -1)
    centres: list[np.ndarray] = []
    free = np.ones(len(pts), dtype=bool)
    while free.any() and len(centres) < cap:
        seed = pts[np.argmax(free)]
        near = free & (np.linalg.norm(pts - seed, axis=-1) <= radius)
        centres.append(pts[near].mean(axis=0))
        free &= ~near
    if not centres:
        return np.empty((0, 2)), member
    c = np.asarray(centres)
    d = np.linalg.norm(pts[:, None, :] - c[None, :, :], axis=-1)
    best = d.argmin(axis=1)
    ok = d[np.arange(len(pts)), best] <= radius
    member[ok] = best[ok]
    return c, member


def _label(kind: str, p: Any) -> str:
    x, y = (round(float(v), 2) + 0.0 for v in p)  # + 0.0: no "-0.00"
    return f"{kind} ({x:.2f}, {y:.2f})"


def classify(f: Any, finals: np.ndarray, diverged: np.ndarray, bounds: Bounds, *,
             tol: float = 0.02, grad_tol: float = 1e-3
             ) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...], np.ndarray]:
    """(classes, labels, kinds, positions) of final points; see the module docstring.

    tol is a fraction of the larger side of the view; grad_tol a fraction of
    f.grad_scale (the median |∇f| over the view).
    """
    tol = _fraction("tol", tol)
    grad_tol = _fraction("grad_tol", grad_tol)
    (x0, x1), (y0, y1) = _bounds(bounds)
    radius = tol * max(x1 - x0, y1 - y0)
    shape = np.asarray(diverged).shape
    pts = np.asarray(finals, dtype=np.float64).reshape(-1, 2)
    div = np.asarray(diverged, dtype=bool).reshape(-1)

    known = [(m, KIND_GLOBAL) for m in getattr(f, "minima", ())]
    known += [(m, KIND_LOCAL) for m in getattr(f, "local_minima", ())]
    labels = [_label(k, m) for m, k in known]
    kinds = [k for _, k in known]
    positions = [tuple(map(float, m)) for m, _ in known]

    cls = np.full(len(pts), -1)
    if known:
        km = np.asarray([m for m, _ in known], dtype=np.float64)
        d = np.linalg.norm(pts[:, None, :] - km[None, :, :], axis=-1)
        nearest = d.argmin(axis=1)
        hit = ~div & (d[np.arange(len(pts)), nearest] <= radius)
        cls[hit] = nearest[hit]

    rest = ~div & (cls < 0)
    if rest.any():
        with np.errstate(all="ignore"):
            g = np.linalg.norm(f.grad(pts[rest]), axis=-1)
        flat = np.zeros(len(pts), dtype=bool)
        flat[rest] = np.isfinite(g) & (g <= grad_tol * float(getattr(f, "grad_scale", 1.0)))
        idx = np.flatnonzero(flat)
        if idx.size:
            centres, member = _greedy_clusters(pts[idx], radius, MAX_FOUND)
            with np.errstate(all="ignore"):
                order = (np.argsort(np.nan_to_num(f.value(centres), nan=np.inf)) if len(centres)
                         else np.empty(0, dtype=int))
            rank = np.empty(len(centres), dtype=int)
            rank[order] = np.arange(len(centres))
            for c in order:  # best (lowest f) first
                kind = _stationary_kind(f, centres[c])
                labels.append(_label(kind, centres[c]))
                kinds.append(kind)
                positions.append(tuple(map(float, centres[c])))
            inside = member >= 0
            cls[idx[inside]] = len(known) + rank[member[inside]]
            if (~inside).any():
                cls[idx[~inside]] = len(labels)
                labels.append(KIND_OTHER)
                kinds.append(KIND_OTHER)
                positions.append((np.nan, np.nan))
    not_conv, div_cls = len(labels), len(labels) + 1
    cls[~div & (cls < 0)] = not_conv
    cls[div] = div_cls
    labels += [KIND_NOT_CONVERGED, KIND_DIVERGED]
    kinds += [KIND_NOT_CONVERGED, KIND_DIVERGED]
    positions += [(np.nan, np.nan), (np.nan, np.nan)]
    return np.asarray(cls.reshape(shape)), tuple(labels), tuple(kinds), np.asarray(positions, dtype=np.float64)


def basin_map(f: Any, opt: Solver, n: int = 20, steps: int = 300, *, bounds: Bounds | None = None,
              tol: float = 0.02, grad_tol: float = 1e-3, noise: float = 0.0, seed: int = 0,
              schedule: Any = None, progress: Progress | None = None,
              cancel: Cancel | None = None) -> BasinMap:
    """Run ``opt`` from an n × n grid of starts over ``bounds`` (default f.bounds) and classify the ends."""
    bounds = _bounds(f.bounds if bounds is None else bounds)
    starts = grid_starts(bounds, n)
    finals, diverged = run_swarm(opt, f, starts, steps, noise=noise, seed=seed, schedule=schedule,
                                 progress=progress, cancel=cancel)
    classes, labels, kinds, positions = classify(f, finals, diverged, bounds, tol=tol, grad_tol=grad_tol)
    counts = np.bincount(classes.reshape(-1), minlength=len(labels))
    return BasinMap(starts=starts, finals=finals, classes=classes, labels=labels, kinds=kinds,
                    positions=positions, counts=counts, diverged=diverged, bounds=bounds,
                    solver=opt.name, hyper=dict(opt.hyper), steps=int(steps))


# --------------------------------------------------------------------------- lr sweep
@dataclass(frozen=True)
class LRSweep:
    """One start, one solver, many learning rates.

    lrs          (m,) ascending
    final_loss   (m,) loss after the last step; +inf for a diverged run
    min_loss     (m,) lowest loss seen along the run (before divergence)
    diverged     (m,) bool
    diverged_at  (m,) int step of divergence, -1 if none
    losses       (m, steps + 1) loss curves (a diverged run repeats its last finite loss)
    f_min        the reference for log plots: f.min_value, else the lowest loss seen
    """

    lrs: np.ndarray
    final_loss: np.ndarray
    min_loss: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    losses: np.ndarray
    start: tuple[float, float]
    solver: str
    hyper: dict[str, Any] = field(default_factory=dict)
    steps: int = 0
    f_min: float = 0.0

    @property
    def best_index(self) -> int | None:
        """Index of the lowest final loss among the runs that did not diverge (None if all did)."""
        ok = ~self.diverged & np.isfinite(self.final_loss)
        if not ok.any():
            return None
        return int(np.flatnonzero(ok)[np.argmin(self.final_loss[ok])])

    @property
    def best_lr(self) -> float | None:
        i = self.best_index
        return None if i is None else float(self.lrs[i])

    def gap(self, values: Any) -> np.ndarray:
        """values − f_min floored at a tiny positive number, for log-scale plots."""
        v = np.asarray(values, dtype=np.float64) - self.f_min
        finite = v[np.isfinite(v) & (v > 0)]
        floor = (finite.max() * 1e-16) if finite.size else 1e-16
        return np.where(np.isfinite(v), np.maximum(v, floor), v)


def log_lrs(lo: float = 1e-4, hi: float = 10.0, n: int = 50) -> np.ndarray:
    """n learning rates log-spaced from lo to hi (inclusive)."""
    for name, v in (("lowest lr", lo), ("highest lr", hi)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not np.isfinite(v) or v <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {v!r}")
    if not lo < hi:
        raise ValueError(f"lowest lr must be below highest lr, got {lo!r} >= {hi!r}")
    n = _whole("number of learning rates", n, 2, 1000)
    return np.geomspace(float(lo), float(hi), n)


def lr_sweep(f: Any, opt: Solver, lrs: Any = None, *, start: Any = None, steps: int = 300,
             noise: float = 0.0, seed: int = 0, schedule: Any = None,
             progress: Progress | None = None, cancel: Cancel | None = None) -> LRSweep:
    """Run ``opt`` (other hyper-parameters kept) once per learning rate from one start.

    lrs defaults to log_lrs() (50 values, 1e-4..10); start defaults to f.default_start.
    The same seed for every lr: noisy runs differ only by their learning rate.
    """
    _check_solver(opt)
    steps = _whole("steps", steps, 1, MAX_STEPS)
    lrs = log_lrs() if lrs is None else np.asarray(lrs, dtype=np.float64).reshape(-1)
    if lrs.size == 0 or not np.isfinite(lrs).all() or (lrs <= 0).any():
        raise ValueError("learning rates must be a non-empty list of finite numbers > 0")
    lrs = np.sort(lrs)
    start = tuple(map(float, f.default_start if start is None else start))
    if len(start) != 2 or not np.isfinite(start).all():
        raise ValueError(f"start must be two finite numbers (x, y), got {start!r}")
    m = len(lrs)
    losses = np.empty((m, steps + 1))
    diverged = np.zeros(m, dtype=bool)
    diverged_at = np.full(m, -1, dtype=np.int64)
    for k, lr in enumerate(lrs):
        _poll(cancel)
        traj = solvers.run(opt.replace(lr=float(lr)), f, start, steps=steps, noise=noise, seed=seed,
                           schedule=schedule)
        losses[k] = traj.losses
        diverged[k] = bool(traj.diverged)
        diverged_at[k] = int(traj.diverged_at)
        if progress is not None:
            progress((k + 1) / m, f"lr {lr:.2g} ({k + 1} of {m})")
    final = np.where(diverged, np.inf, losses[:, -1])
    min_loss = losses.min(axis=1)
    f_min = getattr(f, "min_value", None)
    if f_min is None:
        f_min = float(np.min(min_loss))
    hyper = {k: v for k, v in opt.hyper.items() if k != "lr"}
    return LRSweep(lrs=lrs, final_loss=final, min_loss=min_loss, diverged=diverged,
                   diverged_at=diverged_at, losses=losses, start=start, solver=opt.name,
                   hyper=hyper, steps=steps, f_min=float(f_min))
