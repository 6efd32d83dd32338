"""Moving points over a loss surface: Stepper (incremental) and run() (all at once).

The landscape ``f`` is duck-typed: f.value(p), f.grad(p), f.hessian(p) (newton
only), f.bounds, f.grad_scale, and optionally f.value_and_grad(p) and
f.minibatch_grad(p, batch_size, rng). One step, for every point at once:

    g̃ = ∇f(x) + noise · f.grad_scale · N(0, I)     (or f.minibatch_grad)
    x ← x + update(g̃, state, x, lr_scale=schedule(t))

A gradient-free solver (``opt.needs_loss``, e.g. random_search) gets
``update(None, state, x, loss_fn=f.value, lr_scale=...)`` instead, and its
state is seeded from the Stepper's seed (``opt.init(x, seed=...)``); the
gradient is still evaluated, for the recorded grad norms only.

Points live in P dimensions, P = len(f.bounds) (one (low, high) pair per
coordinate): 2 for a surface, 9 for the toy classifier's full parameters.
Start points have shape (..., P) and gradient norms are Euclidean over the
last axis.

Hyper-parameters may be arrays of settings (solvers.make("momentum",
lr=np.array(...))), each broadcastable against the starts' leading shape S:
the Stepper broadcasts and flattens them like the starts, to (n, 1), so one
run steps a whole grid of settings, point i with setting i (a single start
broadcast to S gives every setting the same start). The recorded lrs are then
(T, *S); explaining a step (LastStep) is for single settings.

A point diverges when its new position, loss or gradient is not finite, or
it leaves the far box (bounds centre ± box_scale × half-span, in every
coordinate): it then stops
where it was (repeating its last finite point, loss and grad norm), so
histories never hold NaN and one bad point never poisons the others.
"""
from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from .base import Solver, Trajectory
from .naming import short_repr
from .schedules import as_schedule
from .teaching import FloatArray

_KEEP = object()  # "leave unchanged" for Stepper.retune
KEEPS = ("all", "losses")   # what a Stepper's history keeps of every step (keep=)


class LastStep(NamedTuple):
    """What the most recent step was given, so it can be explained exactly afterwards.

    Arrays are over the flat swarm (n, P); ``grad`` is the gradient the solver
    got (with its noise or minibatch), None for a gradient-free solver.
    """

    solver: Solver
    x: FloatArray
    grad: FloatArray | None
    hessian: FloatArray | None
    state: Any          # the solver state before the step
    lr_scale: float


def _finite(value: Any) -> float | None:
    """``value`` as a float if it is a finite real number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    try:
        v = float(value)
    except OverflowError:   # a whole number past float's range, e.g. 10**400
        return None
    return v if np.isfinite(v) else None


def _norms(grad: np.ndarray) -> np.ndarray:
    """Euclidean norms over the last axis; hypot folds the components in, so no square
    overflows for a huge gradient (for P = 2 exactly hypot(g₀, g₁), computed so: a reduce
    over an axis of two is several times slower on a big swarm)."""
    if grad.shape[-1] == 2:
        pair: np.ndarray = np.hypot(grad[..., 0], grad[..., 1])
        return pair
    norms: np.ndarray = np.hypot.reduce(grad, axis=-1, initial=0.0)
    return norms


def _any_last(mask: np.ndarray) -> np.ndarray:
    """mask.any(axis=-1), by one | for P = 2 (the reduce is slow over an axis of two)."""
    if mask.shape[-1] == 2:
        pair: np.ndarray = mask[..., 0] | mask[..., 1]
        return pair
    out: np.ndarray = np.asarray(mask.any(axis=-1))
    return out


def _box(bounds: Any, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(centre, half-widths) of the far box: bounds centre ± scale × half-span, per coordinate."""
    try:
        b = np.array(bounds, dtype=np.float64)
    except (TypeError, ValueError):
        b = np.empty(0)
    if b.ndim != 2 or b.shape[0] < 1 or b.shape[1] != 2:
        raise ValueError(f"f.bounds must be one (low, high) pair per coordinate, got {short_repr(bounds)}")
    return b.mean(axis=1), scale * np.abs(b[:, 1] - b[:, 0]) / 2


def _whole(value: Any) -> bool:
    """A whole number (an int, or a float with no fraction), not a bool."""
    v = _finite(value)
    return v is not None and v == int(v)


def _start_points(start: Any, dim: int) -> FloatArray:
    try:
        x = np.array(start, dtype=np.float64)  # a copy: the caller's array is never touched
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"start points must be finite numbers, got {short_repr(start)}") from None
    if x.ndim == 0 or x.shape[-1] != dim:
        what = "(x, y) or an array of shape (..., 2)" if dim == 2 else f"an array of shape (..., {dim})"
        raise ValueError(f"start must be {what}, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("start points must be finite numbers")
    return x


def _lr_of(opt: Solver, shape: tuple[int, ...]) -> Any:
    lr = opt.hyper["lr"]
    return np.broadcast_to(lr, shape).reshape(-1) if isinstance(lr, np.ndarray) else float(lr)


def _flat(name: str, value: Any, shape: tuple[int, ...]) -> Any:
    """One hyper-parameter as the flat swarm sees it: an array of settings broadcast against
    the starts' leading shape S and flattened like them to (n, 1), so it multiplies (n, P)."""
    if isinstance(value, tuple):
        return tuple(_flat(f"{name}[{i}]", v, shape) for i, v in enumerate(value))
    if not isinstance(value, np.ndarray):
        return value
    try:
        full = np.broadcast_to(value, shape)
    except ValueError:
        raise ValueError(f"{name} has shape {value.shape}, which does not broadcast against the starts' "
                         f"leading shape {shape}") from None
    return full.reshape(-1, 1)


def _flat_solver(opt: Solver, shape: tuple[int, ...]) -> Solver:
    """The solver the flat swarm steps: ``opt`` itself for single settings; for arrays of
    settings the same rule built on the flattened arrays (the caller's solver keeps shape S)."""
    if not opt.is_grid:
        return opt
    if opt.spec is None:
        raise ValueError(f"solver {opt.name!r} has arrays of settings but no SolverSpec to build them")
    flat = {k: _flat(k, v, shape) for k, v in opt.hyper.items()}
    init, update = opt.spec.build(flat)
    return replace(opt, hyper=MappingProxyType(flat), init=init, update=update)


class Stepper:
    """Steps a swarm of points with one solver, keeping the history so far.

    Attributes: x (current points, (*S, P)), state (solver state, over the
    swarm flattened to (n, P)), t (steps taken), diverged (*S,) bool,
    diverged_at (*S,) int (-1 if not), solver, last_step (what step t was
    given, so it can be explained afterwards; None before the first step).
    History: points (t+1, *S, P), losses and grad_norms (t+1, *S), lrs (t+1,)
    (with keep="losses" only the losses are kept for every step: points,
    grad_norms and lrs hold the current step alone, first axis of length 1)
    as read-only views; trajectory() bundles them.
    """

    def __init__(self, opt: Solver, f: Any, start: Any, noise: float = 0.0, seed: int = 0,
                 schedule: Any = None, batch_size: int | None = None, box_scale: float = 10.0,
                 *, reserve: int = 64, keep: str = "all") -> None:
        if keep not in KEEPS:
            raise ValueError(f"keep must be one of {', '.join(KEEPS)}, got {short_repr(keep)}")
        # "losses": only the loss history grows; points, gradient norms and lrs keep the current
        # step alone (a phase map needs the losses of 16,384 settings, not 200 MB of their paths)
        self._full = keep == "all"
        box = _finite(box_scale)
        if box is None or box <= 0:
            raise ValueError(f"box_scale must be a finite number > 0, got {short_repr(box_scale)}")
        self.f = f
        self.solver = opt
        self.rng = np.random.default_rng(seed)
        # gradient-free solvers carry their own stream, derived from the same seed
        self._solver_seed = int(seed) if seed is not None else int(self.rng.integers(2**63))
        self._centre, self._half = _box(f.bounds, box)
        self.dim = len(self._centre)    # P: one bounds pair per coordinate
        self.retune(noise=noise, schedule=schedule, batch_size=batch_size)

        start = _start_points(start, self.dim)
        self._shape = start.shape[:-1]  # S; inside, the swarm is flat (n, P)
        self._core = _flat_solver(opt, self._shape)
        x = start.reshape(-1, self.dim)
        self.t = 0
        self._diverged = np.zeros(len(x), dtype=bool)
        self._diverged_at = np.full(len(x), -1, dtype=np.int64)
        with np.errstate(all="ignore"):
            loss, grad = self._evaluate(x)
            bad = self._bad(x, loss, grad)
        self._diverged[bad] = True
        self._diverged_at[bad] = 0
        grad[bad] = 0.0
        self._x, self._grad = x, grad
        self.state = self._init_state(self._core, x)
        self.last_step: LastStep | None = None  # what step t was given (None before the first)

        cap = max(int(reserve), 2)
        rows = cap if self._full else 1
        self._points = np.empty((rows,) + x.shape)
        self._losses = np.empty((cap, len(x)))
        self._gnorms = np.empty((rows, len(x)))
        self._lrs = np.empty((rows,) + np.shape(self._lr_at(0)))
        self._points[0] = x
        self._losses[0] = loss
        self._gnorms[0] = _norms(grad)
        self._lrs[0] = self._lr_at(0)

    # --- helpers -------------------------------------------------------------
    def _evaluate(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vg = getattr(self.f, "value_and_grad", None)
        if vg is not None:
            loss, grad = vg(x)
        else:
            loss, grad = self.f.value(x), self.f.grad(x)
        # own copies, full shape: the masks below write into them
        loss = np.array(np.broadcast_to(loss, x.shape[:-1]), dtype=np.float64)
        return loss, np.array(np.broadcast_to(grad, x.shape), dtype=np.float64)

    def _bad(self, x: np.ndarray, loss: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """Points whose position, loss or gradient is non-finite, or that left the far box."""
        out = _any_last(np.abs(x - self._centre) > self._half)  # NaN compares False ...
        out |= _any_last(~np.isfinite(x))                        # ... so test finiteness too
        out |= ~np.isfinite(loss)
        out |= _any_last(~np.isfinite(grad))
        bad: np.ndarray = out
        return bad

    def _init_state(self, opt: Solver, x: np.ndarray) -> Any:
        return opt.init(x, seed=self._solver_seed) if opt.needs_loss else opt.init(x)

    def _lr_at(self, t: int) -> Any:
        """The effective lr of step t: a float, or (n,) for an array of learning rates."""
        scale = 1.0 if self.schedule is None else float(self.schedule(t))
        lr = self.solver.hyper["lr"]
        if isinstance(lr, np.ndarray):
            return np.broadcast_to(lr, self._shape).reshape(-1) * scale
        return float(lr) * scale

    def _row(self, t: int) -> int:
        """Where step t's points, gradient norm and lr are kept: row t, or the one row of keep="losses"."""
        return t if self._full else 0

    def _grow(self, need: int) -> None:
        cap = self._losses.shape[0]
        if need <= cap:
            return
        new = max(need, 2 * cap)
        for name in ("_points", "_losses", "_gnorms", "_lrs") if self._full else ("_losses",):
            old = getattr(self, name)
            arr = np.empty((new,) + old.shape[1:])
            arr[: self.t + 1] = old[: self.t + 1]
            setattr(self, name, arr)

    # --- public --------------------------------------------------------------
    def step(self, n: int = 1) -> Stepper:
        """Advance every point n steps (diverged points stay where they stopped)."""
        if not (_whole(n) and n >= 0):
            raise ValueError(f"step count must be a whole number >= 0, got {short_repr(n)}")
        self._grow(self.t + 1 + int(n))
        with np.errstate(all="ignore"):
            for _ in range(int(n)):
                self._step_once()
        return self

    def _step_once(self) -> None:
        t, x, f = self.t, self._x, self.f
        lr_scale = 1.0 if self.schedule is None else float(self.schedule(t))
        if self.solver.needs_loss:
            self.last_step = LastStep(self.solver, x, None, None, self.state, lr_scale)
            updates, self.state = self._core.update(None, self.state, x, loss_fn=f.value,
                                                    lr_scale=lr_scale)
            self._finish_step(t, x, x + updates)
            return
        if self._minibatch is not None:
            g = np.asarray(self._minibatch(x, self.batch_size, self.rng), dtype=np.float64)
        elif self._noise_scale:
            g = self._grad + self._noise_scale * self.rng.standard_normal(x.shape)
        else:
            g = self._grad
        hessian = f.hessian(x) if self._core.needs_hessian else None
        self.last_step = LastStep(self.solver, x, g, hessian, self.state, lr_scale)
        updates, self.state = self._core.update(g, self.state, x, hessian=hessian,
                                                lr_scale=lr_scale)
        self._finish_step(t, x, x + updates)

    def _finish_step(self, t: int, x: np.ndarray, x_new: np.ndarray) -> None:
        """Evaluate the new points, freeze the diverged ones, record the step."""
        loss, grad = self._evaluate(x_new)
        gnorm = _norms(grad)
        bad = self._bad(x_new, loss, grad)
        bad |= self._diverged
        if bad.any():
            newly = bad & ~self._diverged
            self._diverged_at[newly] = t + 1
            self._diverged |= newly
            # copyto with a mask, not fancy indexing: the same values, much faster on a big swarm
            np.copyto(x_new, x, where=bad[:, None])
            np.copyto(loss, self._losses[t], where=bad)
            np.copyto(gnorm, self._gnorms[self._row(t)], where=bad)
            np.copyto(grad, 0.0, where=bad[:, None])  # frozen points feed the solver a zero gradient
        self.t = t + 1
        self._x, self._grad = x_new, grad
        row = self._row(t + 1)
        self._points[row] = x_new
        self._losses[t + 1] = loss
        self._gnorms[row] = gnorm
        self._lrs[row] = self._lr_at(t + 1)

    def retune(self, *, noise: Any = _KEEP, schedule: Any = _KEEP, batch_size: Any = _KEEP) -> None:
        """Change noise, schedule or batch size from the next step on (history is kept)."""
        if noise is not _KEEP:
            level = _finite(noise)
            if level is None or level < 0:
                raise ValueError(f"noise must be a finite number >= 0, got {short_repr(noise)}")
            self.noise = level
            self._noise_scale = float(self.f.grad_scale) * self.noise if self.noise > 0 else 0.0
        if schedule is not _KEEP:
            self.schedule = as_schedule(schedule)
            if hasattr(self, "_lrs"):
                self._lrs[self._row(self.t)] = self._lr_at(self.t)
        if batch_size is not _KEEP:
            if batch_size is not None and not (_whole(batch_size) and batch_size >= 1):
                raise ValueError(f"batch_size must be a whole number >= 1 or None, got {short_repr(batch_size)}")
            self.batch_size = None if batch_size is None else int(batch_size)
            mb = getattr(self.f, "minibatch_grad", None)
            self._minibatch = mb if self.batch_size is not None else None

    def set_solver(self, opt: Solver) -> None:
        """Switch hyper-parameters mid-run.

        Same kind (e.g. adam -> adam with a new lr): the state (step count,
        moments, velocity) carries on, so the run continues. Another kind: the
        state starts afresh at the current points.
        """
        same = opt.name == self.solver.name
        core = _flat_solver(opt, self._shape)
        if np.shape(self._lr_at(self.t)) != np.shape(_lr_of(opt, self._shape)):
            raise ValueError("set_solver cannot switch between one learning rate and an array of them mid-run")
        self.solver, self._core = opt, core
        if not same:
            self.state = self._init_state(core, self._x)
        self._lrs[self._row(self.t)] = self._lr_at(self.t)

    def _view(self, arr: np.ndarray, tail: tuple[int, ...] = ()) -> np.ndarray:
        n = self.t + 1 if self._full or arr is self._losses else 1
        v = arr[:n].reshape((n,) + self._shape + tail)
        v.flags.writeable = False
        return v

    @property
    def x(self) -> np.ndarray:
        """Current points, shape (*S, P) (a copy)."""
        x: np.ndarray = self._x.reshape(self._shape + (self.dim,)).copy()
        return x

    @property
    def diverged(self) -> np.ndarray:
        """(*S,) bool: the point left the far box or hit inf/NaN (a copy)."""
        return self._diverged.reshape(self._shape).copy()

    @property
    def diverged_at(self) -> np.ndarray:
        """(*S,) int: the step of divergence, -1 if none (a copy)."""
        return self._diverged_at.reshape(self._shape).copy()

    @property
    def points(self) -> np.ndarray:
        return self._view(self._points, (self.dim,))

    @property
    def losses(self) -> np.ndarray:
        return self._view(self._losses)

    @property
    def grad_norms(self) -> np.ndarray:
        return self._view(self._gnorms)

    @property
    def lrs(self) -> np.ndarray:
        """(t+1,) effective lr per step; (t+1, *S) when lr is an array of settings."""
        n = self.t + 1 if self._full else 1
        v = self._lrs[:n]
        if v.ndim > 1:
            v = v.reshape((n,) + self._shape)
        v.flags.writeable = False
        return v

    def trajectory(self) -> Trajectory:
        """The history so far as a Trajectory (read-only views, T = t + 1)."""
        return Trajectory(points=self.points, losses=self.losses, grad_norms=self.grad_norms,
                          lrs=self.lrs, diverged=self.diverged,
                          diverged_at=self.diverged_at, solver=self.solver.name,
                          hyper=dict(self.solver.hyper))


def run(opt: Solver, f: Any, start: Any, steps: int = 300, noise: float = 0.0, seed: int = 0,
        schedule: Any = None, batch_size: int | None = None, box_scale: float = 10.0) -> Trajectory:
    """Run ``steps`` steps of ``opt`` from every start point; see Stepper for the rules."""
    if not (_whole(steps) and steps >= 0):
        raise ValueError(f"steps must be a whole number >= 0, got {short_repr(steps)}")
    stepper = Stepper(opt, f, start, noise=noise, seed=seed, schedule=schedule,
                      batch_size=batch_size, box_scale=box_scale, reserve=int(steps) + 1)
    return stepper.step(int(steps)).trajectory()
