"""The full-dimensional CIFAR-10 training race: every run trains all of W (3073 x 10).

    data = race_data(x_train, y_train, x_val, y_val)      # float32 features, once
    race = CifarRace(data, [RunSettings("sgd", {"lr": 4e-7}),
                            RunSettings("adam", {"lr": 1e-4}, batch_size=None),
                            RunSettings("random_search")])
    race.step()            # every live run takes one step (one frame of the GUI)
    race.runs[0].history   # per step: minibatch loss, gradient norm, lr
    race.runs[0].evals     # every k steps: full-batch train loss, validation accuracy
    race.plane()           # trajectory_plane of all runs' recorded iterates

Every run starts from the same W_init (landscapes.cifar.initial_weights) and
sees the same data; the loss is the one landscapes.cifar.linear defines
(softmax or SVM data term + L1/L2 regularization over all of W). Runs of one
batch size share one minibatch stream, the one train_linear draws from for the
same seed (rows with replacement), so an SGD run here is train_linear's run and
a race compares solvers on identical minibatches (common random numbers).

Speed: the features [x − mean, 1] are computed once as float32 (615 MB for
50,000 images); a step gathers one minibatch per batch size and multiplies it
with the float32 weights of all runs of that size stacked side by side (one
(B, 3073) x (3073, 10·runs) product and one transposed product for all of
them), then each solver (solvers.make, float64 state) updates its float64 W.
float32 is exact enough: tests pin the loss to 1e-6 and the gradient to 1e-4
(relative) of the float64 loss_and_grad.

Live evaluation (full-batch train loss, validation accuracy, all runs stacked
in one pass over the data) costs what about 66 steps of a 4-run race cost on
49,000 images (measured: 180 ms against 2.7 ms of CPU a step, one BLAS
thread), 15 steps on 10,000. ``eval_every=None`` (the default) schedules it
by measured time: the next evaluation runs as soon as it keeps evaluation at
most ``eval_share`` (10%) of the race's time, which gives k of about 600
steps on 49,000 images and 140 on 10,000, adapting to the machine's load
(benchmarks/bench_cifar_race.py prints the k it gets); an int fixes k. The
evaluation at step 0 counts too, so a short race can run a little over.

Memory is bounded whatever the race's length: each run keeps at most
``record_rows`` (128) iterates as float32 (15.7 MB a run) and at most
``history_rows`` (65,536) steps of its per-step series (2.1 MB), each with a
stride that doubles when full (so the record always spans the whole race,
evenly): 74 MB for a 4-run race however long it runs. The plane of such a
record is within a degree of the plane of every iterate (0.86° for the
benchmark's 1,500-step race; see landscapes/cifar/trajectory.py).

Solvers: every elementwise rule of solvers/ works on W as it is. newton is
refused (its Hessian here is 30,730 x 30,730). random_search is the
lecture's baseline, not solvers' random *local* search (its 2-D draws do not
fit W): each step draws a fresh W = σ·N(0, 1) (σ = the run's lr, default
1e-4 as in the CS231n notes) and keeps it if its loss on the step's minibatch
(full batch: the whole training set, as the lecture does) is below the kept
W's loss on the same minibatch; its gradient norm is NaN. Paired on
minibatches of 200 the noise keeps lucky draws (about 11% test accuracy
after 1,500 steps); on the full batch it is the lecture's 12-16%.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from time import perf_counter as _clock  # a module name, so tests can drive a fake clock
from typing import Any

import numpy as np

import solvers
from landscapes.cifar import TrajectoryPlane, initial_weights, preprocess, to_images, trajectory_plane
from landscapes.cifar.linear import (
    LOSSES,
    NUM_CLASSES,
    REGS,
    check_choice,
    check_strength,
    data_loss_and_dscores,
    image_mean,
    reg_loss_and_grad,
)

from .blas_threads import one_blas_thread
from .scene import PALETTE

Array = np.ndarray[Any, Any]
FEATURES = 3073
BATCH_RANGE = (32, 256)
RANDOM_SEARCH = "random_search"
RANDOM_SEARCH_SCALE = 1e-4  # CS231n: W = np.random.randn(10, 3073) * 0.0001
_CHUNK = 4096


@dataclass(frozen=True)
class RaceData:
    """Training and validation features [x − mean, 1] as float32, computed once."""

    X: Array       # (N, 3073) float32
    y: Array       # (N,) int64
    X_val: Array   # (M, 3073) float32 (M may be 0)
    y_val: Array   # (M,) int64
    mean: Array    # (3072,) float64: the training mean image


def _features(x: Array, mean: Array) -> Array:
    """preprocess() in row chunks into one float32 array (no float64 copy of the whole set)."""
    out = np.empty((len(x), x.shape[1] + 1), dtype=np.float32)
    for i in range(0, len(x), _CHUNK):
        out[i:i + _CHUNK] = preprocess(x[i:i + _CHUNK], mean)
    return out


def _labels(y: Any, n: int, what: str) -> Array:
    y = np.asarray(y)
    labels: Array = y
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer) or (n and (y.min() < 0 or y.max() >= NUM_CLASSES)):
        raise ValueError(f"{what} labels must be {n} whole numbers in 0..{NUM_CLASSES - 1}, got shape {y.shape}")
    return labels.astype(np.int64)


def race_data(x: Any, y: Any, x_val: Any = None, y_val: Any = None, mean: Any = None) -> RaceData:
    """RaceData from raw rows (N, 3072) as loaded; the mean image is x's unless given."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != FEATURES - 1 or len(x) == 0:
        raise ValueError(f"training images must be (N, {FEATURES - 1}) with N >= 1, got {x.shape}")
    x_val = np.empty((0, FEATURES - 1), dtype=x.dtype) if x_val is None else np.asarray(x_val)
    if x_val.ndim != 2 or x_val.shape[1] != FEATURES - 1:
        raise ValueError(f"validation images must be (M, {FEATURES - 1}), got {x_val.shape}")
    m = image_mean(x) if mean is None else np.asarray(mean, dtype=np.float64)
    if m.shape != (FEATURES - 1,) or not np.isfinite(m).all():
        raise ValueError(f"mean must be a finite image of shape ({FEATURES - 1},), got {m.shape}")
    return RaceData(_features(x, m), _labels(y, len(x), "training"), _features(x_val, m),
                    _labels(np.empty(0, np.int64) if y_val is None else y_val, len(x_val), "validation"), m)


@dataclass(frozen=True)
class RunSettings:
    """One run: a solver by name with its hyper-parameters, an lr schedule, a batch size.

    batch_size: 32..256 rows per step, or None for the full batch. schedule:
    None, a solvers.Schedule, or its record dict ({"kind": "cosine", ...}).
    color: "#RRGGBB" for the views ('' : theirs to choose).
    """

    solver: str = "sgd"
    hyper: Mapping[str, Any] = field(default_factory=dict)
    schedule: Any = None
    batch_size: int | None = 200
    label: str = ""
    color: str = ""


class StrideBuffer:
    """At most ``rows`` samples of a series, one every ``stride`` steps; when full, every
    other sample is dropped and the stride doubles, so it always spans the whole series."""

    def __init__(self, rows: int, shape: tuple[int, ...], dtype: Any) -> None:
        self.data: Array = np.empty((rows, *shape), dtype=dtype)
        self.steps: Array = np.empty(rows, dtype=np.int64)
        self.count = 0
        self.stride = 1

    def offer(self, step: int, value: Any) -> None:
        """Keep ``value`` for ``step`` if the step falls on the stride."""
        if step % self.stride:
            return
        if self.count == len(self.data):
            keep = np.flatnonzero(self.steps[:self.count] % (2 * self.stride) == 0)
            self.data[:len(keep)] = self.data[keep]
            self.steps[:len(keep)] = self.steps[keep]
            self.count, self.stride = len(keep), 2 * self.stride
            if step % self.stride:
                return
        self.data[self.count] = value
        self.steps[self.count] = step
        self.count += 1

    @property
    def values(self) -> Array:
        return self.data[:self.count]

    @property
    def at(self) -> Array:
        """The steps of ``values``."""
        return self.steps[:self.count]

    @property
    def nbytes(self) -> int:
        return int(self.data.nbytes + self.steps.nbytes)


class RaceRun:
    """One run's live state: W, its solver state and what it has recorded."""

    def __init__(self, settings: RunSettings, W: Array, seed: int, record_rows: int, history_rows: int) -> None:
        self.settings = settings
        self.label = settings.label or settings.solver
        self.searching = settings.solver == RANDOM_SEARCH
        hyper = dict(settings.hyper)
        if self.searching:
            hyper.setdefault("lr", RANDOM_SEARCH_SCALE)
            self.solver = solvers.make(RANDOM_SEARCH, **hyper)
        else:
            self.solver = solvers.make(settings.solver, **hyper)
            if self.solver.needs_hessian:
                raise ValueError(f"{settings.solver} needs the Hessian of all {FEATURES * NUM_CLASSES:,} weights "
                                 f"(a {FEATURES * NUM_CLASSES:,}² matrix); the full-dimensional race offers "
                                 "gradient solvers and random_search")
        self.schedule = _schedule(settings.schedule)
        self.batch_size = _batch_size(settings.batch_size)
        self.W: Array = W.copy()
        self.state: Any = None if self.searching else self.solver.init(self.W)
        self.seed = seed
        self.grad: Array | None = None      # the gradient the last step gave the solver
        self.diverged_at = -1
        self.history = StrideBuffer(history_rows, (3,), np.float64)  # minibatch loss, |grad|, lr
        self.evals = StrideBuffer(4096, (3,), np.float64)            # step, train loss, val accuracy
        self.eval_count = 0
        self.record = StrideBuffer(record_rows, W.shape, np.float32)
        self.record.offer(0, W)

    @property
    def diverged(self) -> bool:
        return self.diverged_at >= 0

    def lr_at(self, t: int) -> float:
        return self.solver.lr * (1.0 if self.schedule is None else float(self.schedule(t)))

    @property
    def nbytes(self) -> int:
        state = sum(a.nbytes for a in (self.state or ()) if isinstance(a, np.ndarray))
        return int(self.W.nbytes + state + self.history.nbytes + self.evals.nbytes + self.record.nbytes)


def _schedule(schedule: Any) -> Callable[[int], Any] | None:
    if schedule is None or isinstance(schedule, solvers.Schedule):
        return schedule
    if isinstance(schedule, dict):
        return solvers.make_schedule(**schedule)
    raise ValueError(f"schedule must be None, a Schedule or its record dict, got {type(schedule).__name__}")


def _batch_size(b: Any) -> int | None:
    lo, hi = BATCH_RANGE
    if b is None:
        return None
    if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or not lo <= b <= hi:
        raise ValueError(f"batch size must be a whole number in {lo}..{hi} or None (full batch), got {b!r}")
    return int(b)


class CifarRace:
    """Steps every run together; see the module docstring."""

    def __init__(self, data: RaceData, runs: Sequence[RunSettings], *, loss: str = "softmax", reg: str = "l2",
                 strength: float = 5e3, seed: int = 0, eval_every: int | None = None, eval_share: float = 0.1,
                 record_rows: int = 128, history_rows: int = 65536) -> None:
        self.loss = check_choice("loss", loss, LOSSES)
        self.reg = check_choice("reg", reg, REGS)
        self.strength = check_strength(strength)
        if not runs:
            raise ValueError("a race needs at least one run")
        if eval_every is not None and (isinstance(eval_every, bool) or not isinstance(eval_every, int)
                                       or eval_every < 1):
            raise ValueError(f"eval_every must be a whole number >= 1 or None (by time), got {eval_every!r}")
        if not 0.0 < eval_share < 1.0:
            raise ValueError(f"eval_share must be in (0, 1), got {eval_share!r}")
        if record_rows < 4 or history_rows < 4:
            raise ValueError("record_rows and history_rows must be at least 4")
        self.data = data
        self.seed = int(seed)
        self.W_init: Array = initial_weights(FEATURES, self.seed)
        self.runs = [RaceRun(s, self.W_init, self.seed, record_rows, history_rows) for s in runs]
        self.eval_every, self.eval_share = eval_every, float(eval_share)
        # runs of one batch size share train_linear's minibatch stream for this seed
        self._streams = {r.batch_size: np.random.default_rng([self.seed, 1]) for r in self.runs}
        self.t = 0
        self.step_seconds = 0.0
        self.eval_seconds = 0.0
        self._last_eval_cost = 0.0
        self.evaluate()

    # -- stepping --------------------------------------------------------------------------
    def step(self, n: int = 1) -> None:
        """Advance every live run by one step, n times (evaluating when it is due)."""
        for _ in range(int(n)):
            start = _clock()
            groups: dict[int | None, list[RaceRun]] = {}
            for r in self.runs:
                if not r.diverged:
                    groups.setdefault(r.batch_size, []).append(r)
            with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is marked, not warned about
                for b, group in groups.items():
                    self._step_group(b, group)
            self.t += 1
            self.step_seconds += _clock() - start
            if self._eval_due():
                self.evaluate()

    def _minibatch(self, b: int | None) -> tuple[Array, Array]:
        if b is None:
            return self.data.X, self.data.y
        idx = self._streams[b].integers(0, len(self.data.X), size=b)
        return self.data.X[idx], self.data.y[idx]

    def _step_group(self, b: int | None, group: list[RaceRun]) -> None:
        Xb, yb = self._minibatch(b)
        movers = [r for r in group if not r.searching]
        searchers = [r for r in group if r.searching]
        candidates = [self._candidate(r) for r in searchers]
        blocks = [r.W for r in movers] + [w for r, c in zip(searchers, candidates, strict=True) for w in (r.W, c)]
        S = Xb @ np.concatenate(blocks, axis=1).astype(np.float32)
        C = NUM_CLASSES
        data_losses, dS = [], []
        for j in range(len(movers)):
            value, d = data_loss_and_dscores(S[:, j * C:(j + 1) * C], yb, self.loss)
            data_losses.append(value)
            dS.append(d)
        if movers:
            G = Xb.T @ np.concatenate(dS, axis=1).astype(np.float32)
            for j, r in enumerate(movers):
                self._move(r, data_losses[j], G[:, j * C:(j + 1) * C].astype(np.float64))
        base = len(movers) * C
        for j, (r, cand) in enumerate(zip(searchers, candidates, strict=True)):
            kept = data_loss_and_dscores(S[:, base + 2 * j * C:base + (2 * j + 1) * C], yb, self.loss)[0]
            new = data_loss_and_dscores(S[:, base + (2 * j + 1) * C:base + (2 * j + 2) * C], yb, self.loss)[0]
            self._search(r, kept, cand, new)

    def _move(self, r: RaceRun, data_loss: float, data_grad: Array) -> None:
        """One solver step from W_t with the minibatch gradient of the full objective."""
        reg_value, reg_grad = reg_loss_and_grad(r.W, self.reg, self.strength)
        loss, grad = data_loss + reg_value, data_grad + reg_grad
        lr = r.lr_at(self.t)
        scale = 1.0 if r.schedule is None else float(r.schedule(self.t))
        updates, state = r.solver.update(grad, r.state, r.W, lr_scale=scale)
        W = r.W + updates
        r.grad = grad
        r.history.offer(self.t, (loss, _norm(grad), lr))
        if not (math.isfinite(loss) and np.isfinite(W).all()):
            r.diverged_at = self.t
            return
        r.W, r.state = W, state
        r.record.offer(self.t + 1, W)

    def _candidate(self, r: RaceRun) -> Array:
        """The lecture's random W = σ_t·N(0, 1) (float32 draws), from the stream (seed, 2, t): repeatable."""
        draw: Array = np.random.default_rng([r.seed, 2, self.t]).standard_normal((FEATURES, NUM_CLASSES), dtype=np.float32)
        out: Array = draw.astype(np.float64) * r.lr_at(self.t)
        return out

    def _objective(self, r: RaceRun, data_loss: float, W: Array) -> float:
        """Data loss + regularization + (λ/2)|W|² for the run's weight decay λ (as solvers' random_search)."""
        wd = float(r.solver.hyper["weight_decay"])
        value = data_loss + reg_loss_and_grad(W, self.reg, self.strength)[0]
        return value + (0.5 * wd * float(np.sum(W * W)) if wd else 0.0)

    def _search(self, r: RaceRun, kept_loss: float, candidate: Array, candidate_loss: float) -> None:
        kept, new = self._objective(r, kept_loss, r.W), self._objective(r, candidate_loss, candidate)
        if new < kept:
            r.W, kept = candidate, new
        r.history.offer(self.t, (kept, math.nan, r.lr_at(self.t)))
        r.record.offer(self.t + 1, r.W)

    # -- evaluation --------------------------------------------------------------------------
    def _eval_due(self) -> bool:
        if self.eval_every is not None:
            return self.t % self.eval_every == 0
        spent = self.eval_seconds + self._last_eval_cost
        return spent <= self.eval_share * (self.step_seconds + spent)

    def evaluate(self) -> None:
        """Full-batch training loss and validation accuracy of every live run at step t."""
        start = _clock()
        live = [r for r in self.runs if not r.diverged]
        if live:
            Ws = np.concatenate([r.W for r in live], axis=1).astype(np.float32)
            S, C = self.data.X @ Ws, NUM_CLASSES
            S_val = self.data.X_val @ Ws
            for j, r in enumerate(live):
                data = data_loss_and_dscores(S[:, j * C:(j + 1) * C], self.data.y, self.loss)[0]
                train = data + reg_loss_and_grad(r.W, self.reg, self.strength)[0]
                pred = np.argmax(S_val[:, j * C:(j + 1) * C], axis=1)
                acc = float(np.mean(pred == self.data.y_val)) if len(pred) else math.nan
                r.evals.offer(r.eval_count, (self.t, train, acc))
                r.eval_count += 1
        self._last_eval_cost = _clock() - start
        self.eval_seconds += self._last_eval_cost

    @property
    def eval_fraction(self) -> float:
        """Share of the race's time spent evaluating so far."""
        total = self.step_seconds + self.eval_seconds
        return self.eval_seconds / total if total else 0.0

    # -- the plane ---------------------------------------------------------------------------
    def iterates(self) -> tuple[Array, Array, Array]:
        """(points (T, 3073, 10) float32, run index (T,), step (T,)): every run's record and its current W."""
        pts, who, steps = [], [], []
        for i, r in enumerate(self.runs):
            last = self.t if not r.diverged else r.diverged_at
            run_pts, run_steps = [r.record.values], [r.record.at]
            if r.record.at[-1] != last:
                run_pts.append(r.W[None].astype(np.float32))
                run_steps.append(np.array([last], dtype=np.int64))
            steps.extend(run_steps)
            pts.extend(run_pts)
            who.append(np.full(sum(len(a) for a in run_steps), i, dtype=np.int64))
        return np.concatenate(pts), np.concatenate(who), np.concatenate(steps)

    def plane(self, center: Any = None, runs: Sequence[int] | None = None) -> TrajectoryPlane:
        """trajectory_plane of iterates() of all runs, or of the runs with these indices
        (center: the last of those points, i.e. the last such run's current W, unless given)."""
        points, who, _ = self.iterates()
        if runs is not None:
            points = points[np.isin(who, list(runs))]
        return trajectory_plane(points, center=center)

    def full_batch_loss(self, points: Any) -> Array:
        """(T,) the race's full-batch training loss (data + regularization) at W = points (T, 3073, 10),
        eight at a time stacked in one pass: the true loss the honesty strip sets against a plane."""
        P = np.asarray(points, dtype=np.float64)
        if P.ndim != 3 or P.shape[1:] != (FEATURES, NUM_CLASSES):
            raise ValueError(f"points must be (T, {FEATURES}, {NUM_CLASSES}), got {P.shape}")
        out = np.empty(len(P))
        C = NUM_CLASSES
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(0, len(P), 8):
                block = P[i:i + 8]
                S = self.data.X @ np.concatenate(list(block), axis=1).astype(np.float32)
                for j, W in enumerate(block):
                    data = data_loss_and_dscores(S[:, j * C:(j + 1) * C], self.data.y, self.loss)[0]
                    out[i + j] = data + reg_loss_and_grad(W, self.reg, self.strength)[0]
        return out

    @property
    def nbytes(self) -> int:
        """Memory the race holds beyond its data (bounded: it does not grow with steps)."""
        return sum(r.nbytes for r in self.runs)


def class_templates(W: Any) -> Array:
    """The 10 class templates of W (3073, 10) as images (10, 32, 32, 3) uint8: the rows
    without the bias, scaled together so W's smallest weight is 0 and its largest 255
    (CS231n assignment 1's picture of what a linear classifier learns)."""
    w = np.asarray(W, dtype=np.float64)[:-1].T     # (10, 3072), R, G, B planes as the pixels
    lo, hi = float(w.min()), float(w.max())
    scaled = np.zeros_like(w) if hi == lo else 255.0 * (w - lo) / (hi - lo)
    return to_images(np.rint(scaled).astype(np.uint8))


def _norm(a: Array) -> float:
    """|a| without overflow for huge finite entries (the Frobenius norm, scaled)."""
    m = float(np.max(np.abs(a))) if a.size else 0.0
    if not math.isfinite(m) or m == 0.0:
        return m
    return m * float(np.sqrt(np.sum(np.square(a / m))))


def step_on_one_blas_thread(race: CifarRace) -> None:
    """One step of every run, as the training window's worker thread takes it: small products,
    where more BLAS threads only contend with the window's drawing (app/model/blas_threads)."""
    with one_blas_thread():
        race.step()


def run_colors(runs: Any) -> list[str]:
    """Each run's own colour (a scene may set it), else the palette's for its row."""
    return [getattr(s, "color", "") or PALETTE[i % len(PALETTE)] for i, s in enumerate(runs)]
