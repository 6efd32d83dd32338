"""Phase map: one outcome of a solver over a grid of two hyper-parameters, in one vectorised run.

    pm = phase_map(f, solvers.make("momentum"), x_axis=("lr", np.geomspace(1e-3, 1, 64)),
                   y_axis=("momentum", np.linspace(0, 0.99, 64)), start=(-2.5, 0.6), steps=300)
    pm.values   # (ny, nx): row i is y value i, column j is x value j
    pm.best     # (i, j) of the best cell, diverged cells excluded; pm.settings(*pm.best)

The solvers take arrays of hyper-parameters as they take arrays of starts, so
the whole grid is one Stepper over ny × nx copies of the start, each with its
own setting (solvers/run.py flattens both the same way). The one exception is
the batch size, which is a property of the gradient, not of the solver: a
batch-size axis is a loop over its values, one vectorised run per batch size.

Outcomes (f* = the surface's known minimum value, else the least loss seen anywhere on the map):
  final_gap     loss after the last step − f*                      (lower is better)
  steps_to_tol  first step t with loss − f* < tol; inf if never     (lower is better)
  auc           mean of loss − f* over the T = steps + 1 recorded points (lower is better)
  diverged      1.0 where the run diverged, else 0.0                (no best cell)
A diverged cell keeps the value of its frozen history (the run stops where it
was, see solvers/run.py) and is marked in ``diverged``; it is never the best.
Ties in the best cell are broken by the final gap.

On a plane through a bigger space (the toy classifier's weight plane) every
cell starts at the lifted start and steps all P parameters, as the race does
(lifted.py).

Where the theory of a quadratic applies it is drawn on the map (app.model.stability):
``lr_bound`` is the lr stability bound at each value of the other axis, from the
Hessian at the start (plus weight decay): 2/λmax for gd, 2(1+μ)/λmax for momentum,
2(1+μ)/((1+2μ)λmax) for nesterov, so on an lr × momentum map it is a curve and on
lr × weight decay 2/(λmax + λ); ``lr_limit`` is that bound when it is one number.
``theory`` is Polyak's optimal heavy-ball (lr, μ) on an lr × momentum map of a
quadratic surface (the Hessian the same everywhere), where it is exact; None elsewhere.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import solvers
from landscapes.cifar.errors import Cancelled, check_cancel
from solvers.naming import did_you_mean, short_repr

from . import stability
from .lifted import stepper_target
from .limits import MAP_OUTCOMES

Floats = NDArray[np.float64]
Progress = Callable[[float, str], object]
Cancel = Callable[[], bool]

OUTCOMES = MAP_OUTCOMES
BATCH = "batch_size"
# the two components of Adam's betas, by the names people use for them
_PAIR_ALIASES = {"beta1": ("betas", 0), "beta2": ("betas", 1)}
_CHUNK = 50  # steps between progress reports and cancel checks

__all__ = ["OUTCOMES", "Axis", "PhaseMap", "phase_map", "map_axis_names", "Cancelled"]


@dataclass(frozen=True)
class Axis:
    """One axis of the map: a hyper-parameter name, its values, and whether they are log-spaced."""

    name: str
    values: Floats
    log: bool


@dataclass(frozen=True)
class PhaseMap:
    """The result of phase_map(); arrays are (ny, nx), row i = y.values[i], column j = x.values[j]."""

    solver: str
    outcome: str
    x: Axis
    y: Axis
    values: Floats
    diverged: NDArray[np.bool_]
    final_gap: Floats          # loss − f* after the last step, whatever the outcome (the tie-break)
    f_star: float
    f_star_known: bool         # True: the surface's minimum value; False: the least loss on the map
    best: tuple[int, int] | None
    lr_bound: Floats | None    # the lr stability bound at each value of the other axis (None: no bound)
    lr_limit: float | None     # that bound when it is one number over the whole map
    bound_text: str            # how it is written: "2/λmax", "2(1+μ)/λmax", ...
    theory: tuple[float, float] | None   # heavy-ball theory's best (x, y) setting, where it is exact
    steps: int
    tol: float | None
    base: Mapping[str, Any] = field(default_factory=dict)  # the solver's other hyper-parameters

    def settings(self, i: int, j: int) -> dict[str, Any]:
        """The hyper-parameters of cell (i, j) (batch_size among them when it is an axis)."""
        out = dict(self.base)
        for axis, k in ((self.x, j), (self.y, i)):
            value: Any = float(axis.values[k])
            _put(out, axis.name, int(value) if axis.name == BATCH else value)
        return out


def map_axis_names(spec: solvers.SolverSpec, batch: bool = False) -> list[str]:
    """The hyper-parameters a map can sweep: the float ones the rule lets vary per cell (not a
    scalar-only one, not nesterov's dampening, which must stay 0), β₁/β₂ for a solver with betas
    (after lr), and with ``batch`` the batch size (on a surface with minibatches)."""
    names = [k for k, p in spec.params.items()
             if p.kind == "float" and k not in spec.scalar_only and _can_vary(spec, k)]
    pairs = [a for a, (k, _) in _PAIR_ALIASES.items() if k in spec.params]
    names[1:1] = pairs
    return names + [BATCH] if batch else names


def _can_vary(spec: solvers.SolverSpec, name: str) -> bool:
    """Whether the rule takes a value inside the parameter's range (nesterov's dampening must stay 0)."""
    p = spec.params[name]
    lo, hi = p.slider_range()
    middle = float(np.sqrt(lo * hi)) if p.log and lo > 0 else 0.5 * (lo + hi)
    try:
        spec.make(**{name: middle})
    except ValueError:
        return False
    return True


def _is_log(values: Floats) -> bool:
    """Log axis when the values are positive, span a factor of 10 or more and are not evenly
    spaced (np.geomspace, or 1e-3, 3e-3, 1e-2, ...); evenly spaced values are a linear axis."""
    if len(values) < 2 or (values <= 0).any() or values.max() < 10.0 * values.min():
        return False
    steps = np.diff(values)
    return not bool(np.allclose(steps, steps[0], rtol=1e-6, atol=0.0))


def _axis(which: str, given: Any, spec: solvers.SolverSpec) -> Axis:
    """Check one (name, values) axis: a known float hyper-parameter (or beta1/beta2/batch_size), 1-D finite values."""
    if not (isinstance(given, tuple) and len(given) == 2 and isinstance(given[0], str)):
        raise ValueError(f"{which} must be (hyper-parameter name, values), got {short_repr(given)}")
    name, raw = given
    known = map_axis_names(spec, batch=True)
    if name not in known:
        raise ValueError(f"{which}: {spec.name} has no hyper-parameter {name!r}{did_you_mean(name, known)}; "
                         f"its axes: {', '.join(known)}")
    try:
        values = np.array(raw, dtype=np.float64).reshape(-1) if np.ndim(raw) == 1 else None
    except (TypeError, ValueError, OverflowError):
        values = None
    if values is None:
        raise ValueError(f"{which} ({name}) values must be a 1-D list of numbers, got {short_repr(raw)}")
    if len(values) == 0:
        raise ValueError(f"{which} ({name}) is empty: give at least one value")
    if not np.isfinite(values).all():
        raise ValueError(f"{which} ({name}) values must be finite numbers")
    if name == BATCH and ((values < 1).any() or (values != np.round(values)).any()):
        raise ValueError(f"{which} (batch_size) values must be whole numbers >= 1")
    values.flags.writeable = False
    return Axis(name, values, _is_log(values))


def _put(hyper: dict[str, Any], name: str, value: Any) -> None:
    """Set one axis's value in ``hyper``: beta1/beta2 are the two halves of Adam's betas pair."""
    if name in _PAIR_ALIASES:
        key, c = _PAIR_ALIASES[name]
        pair = list(hyper[key])
        pair[c] = value
        hyper[key] = tuple(pair)
    else:
        hyper[name] = value


def _gridded(base: dict[str, Any], axis: Axis, shape: tuple[int, ...]) -> None:
    """Put the axis's values into ``base`` as an array shaped to broadcast along its side of the grid."""
    _put(base, axis.name, axis.values.reshape(shape))


def _f_star(f: Any) -> float | None:
    for attr in ("min_value", "minimum"):
        value = getattr(f, attr, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value):
            return float(value)
    return None


def _hessian(target: Any, start: Floats) -> Floats | None:
    hessian = getattr(target, "hessian", None)
    if hessian is None:
        return None
    try:
        h = np.asarray(hessian(start), dtype=np.float64)
    except (ValueError, TypeError, NotImplementedError, np.linalg.LinAlgError):
        return None
    return h if h.ndim == 2 and np.isfinite(h).all() else None


def _is_quadratic(target: Any, start: Floats, h: Floats) -> bool:
    """The Hessian is the same at the start and at two other points: the theory is exact here."""
    others = (0.5 * start + 0.25, -1.3 * start + 0.7)
    return all((hk := _hessian(target, p)) is not None and np.allclose(hk, h, rtol=1e-9, atol=1e-12)
               for p in others)


def _stability(target: Any, start: Floats, name: str, hyper: Mapping[str, Any],
               axes: tuple[Axis, Axis]) -> tuple[Floats | None, float | None, str, tuple[float, float] | None]:
    """(lr bound along the other axis, the bound when it is one number, its text, heavy-ball theory (x, y)).

    The bound is stability.lr_factor / (λmax + λ) from the Hessian at the start, for gd, momentum
    and nesterov with lr on an axis; theory is Polyak's optimum on an lr × momentum map of a
    quadratic (the Hessian the same everywhere), where it is exact."""
    names = {a.name: a for a in axes}
    lr_axis = names.get("lr")
    if lr_axis is None or stability.lr_factor(name, hyper) is None:
        return None, None, "", None
    h = _hessian(target, start)
    if h is None:
        return None, None, "", None
    eigs = np.linalg.eigvalsh(0.5 * (h + h.T))
    other = axes[1] if axes[0] is lr_axis else axes[0]
    setting = dict(hyper)
    if other.name != BATCH:
        _put(setting, other.name, other.values)
    factor = np.broadcast_to(np.asarray(stability.lr_factor(name, setting), dtype=np.float64), other.values.shape)
    wd = np.broadcast_to(np.asarray(setting.get("weight_decay", 0.0), dtype=np.float64), other.values.shape)
    lam = float(eigs.max()) + wd
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = np.where(lam > 0, factor / lam, np.nan)
    if not np.isfinite(bound).any():
        return None, None, "", None
    bound.flags.writeable = False
    one = float(bound[0]) if np.allclose(bound, bound[0], rtol=1e-12, atol=0.0) else None
    text = stability.bound_text(name, setting)
    theory = None
    if name == "momentum" and other.name == "momentum" and not np.any(np.asarray(hyper.get("dampening", 0.0)))\
            and np.ndim(hyper.get("weight_decay", 0.0)) == 0 and _is_quadratic(target, start, h):
        wd0 = float(hyper.get("weight_decay", 0.0))
        best = stability.heavy_ball_optimum(float(eigs.min()) + wd0, float(eigs.max()) + wd0)
        if best is not None:
            theory = best if axes[0] is lr_axis else (best[1], best[0])
    return bound, one, text, theory


def _run(opt: solvers.Solver, target: Any, starts: Floats, steps: int, noise: float, seed: int,
         schedule: Any, batch_size: int | None, report: Callable[[int], None]) -> solvers.Trajectory:
    # the map reads the losses alone: their paths would be ~200 MB of fresh memory at 128 × 128 × 300
    stepper = solvers.Stepper(opt, target, starts, noise=noise, seed=seed, schedule=schedule,
                              batch_size=batch_size, reserve=steps + 1, keep="losses")
    while stepper.t < steps:
        stepper.step(min(_CHUNK, steps - stepper.t))
        report(stepper.t)
    return stepper.trajectory()


def phase_map(f: Any, solver: solvers.Solver | str, x_axis: tuple[str, Any], y_axis: tuple[str, Any],
              start: Any = None, steps: int = 300, outcome: str = "final_gap", tol: float | None = None,
              noise: float = 0.0, seed: int = 0, schedule: Any = None, batch_size: int | None = None,
              progress: Progress | None = None, cancel: Cancel | None = None) -> PhaseMap:
    """The map of ``outcome`` for ``solver`` (its other hyper-parameters kept) over x_axis × y_axis.

    ``start`` defaults to f.default_start. Every cell steps with ``schedule`` (a solvers
    schedule of the lr) and minibatches of ``batch_size`` (None: full batch; a batch_size axis
    replaces it), as a run with them does. With noise > 0 or minibatches every cell draws its
    own noise and batches (one stream for the whole grid), so a cell is then a sample of its
    setting, not the single run of the same seed (a one-cell map is).
    Raises ValueError (one line) for bad input, Cancelled when ``cancel()`` says so.
    """
    opt = solvers.make(solver) if isinstance(solver, str) else solver
    if opt.spec is None:
        raise ValueError(f"solver {opt.name!r} has no SolverSpec; build it with solvers.make")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}{did_you_mean(outcome, OUTCOMES)}; "
                         f"known: {', '.join(OUTCOMES)}")
    finite_tol = isinstance(tol, (int, float)) and not isinstance(tol, bool) and bool(np.isfinite(tol))
    if outcome == "steps_to_tol" and not (finite_tol and tol is not None and tol > 0):
        raise ValueError(f"steps_to_tol needs a tolerance tol > 0, got {short_repr(tol)}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a whole number >= 1, got {short_repr(steps)}")
    x, y = _axis("x_axis", x_axis, opt.spec), _axis("y_axis", y_axis, opt.spec)
    if x.name == y.name:
        raise ValueError(f"x_axis and y_axis are both {x.name!r}: choose two different hyper-parameters")
    nx, ny = len(x.values), len(y.values)
    base = dict(opt.hyper)
    batch = next((a for a in (x, y) if a.name == BATCH), None)
    if batch is None:
        _gridded(base, x, (1, nx))
        _gridded(base, y, (ny, 1))
        shape: tuple[int, ...] = (ny, nx)
    else:   # the other axis alone is the solver's grid; the batch sizes are a loop
        other = y if batch is x else x
        _gridded(base, other, (len(other.values),))
        shape = (len(other.values),)
    grid = opt.spec.make(**base)   # validates every value of both axes (one-line ValueError)

    p0 = getattr(f, "default_start", None) if start is None else start
    if p0 is None:
        raise ValueError("start is needed: this surface has no default start")
    target, lifted = stepper_target(f, p0)
    if lifted.ndim != 1:
        raise ValueError(f"start must be one point, got shape {lifted.shape}")
    starts = np.broadcast_to(lifted, shape + lifted.shape)
    if batch is not None and getattr(target, "minibatch_grad", None) is None:
        raise ValueError("a batch_size axis needs a surface with minibatch gradients (a dataset), "
                         "and this one has none")

    runs = int(len(batch.values)) if batch is not None else 1
    done = [0]

    def report(t: int) -> None:
        check_cancel(cancel, "phase map")
        if progress is not None:
            progress((done[0] * steps + t) / (runs * steps), f"phase map: step {t} of {steps}")

    if batch is None:
        traj = _run(grid, target, starts, int(steps), noise, seed, schedule, batch_size, report)
        losses, diverged = traj.losses, traj.diverged
    else:
        losses = np.empty((int(steps) + 1, ny, nx))
        diverged = np.empty((ny, nx), dtype=bool)
        for k, b in enumerate(batch.values):
            done[0] = k
            # one run per batch size, over the other axis (a batch size is the gradient's, not the solver's)
            traj = _run(grid, target, starts, int(steps), noise, seed, schedule, int(b), report)
            cells = (slice(None), k) if batch is x else (k, slice(None))
            losses[(slice(None),) + cells] = traj.losses
            diverged[cells] = traj.diverged
    known = _f_star(f)
    f_star = known if known is not None else float(losses.min())
    gaps = losses - f_star
    final = np.asarray(gaps[-1], dtype=np.float64)
    values = _outcome(outcome, gaps, diverged, tol)
    bound, one, text, theory = _stability(target, lifted, opt.name, opt.hyper, (x, y))
    return PhaseMap(solver=opt.name, outcome=outcome, x=x, y=y, values=values, diverged=diverged,
                    final_gap=final, f_star=f_star, f_star_known=known is not None,
                    best=None if outcome == "diverged" else _best(values, final, diverged),
                    lr_bound=bound, lr_limit=one, bound_text=text, theory=theory,
                    steps=int(steps), tol=tol, base=dict(opt.hyper))


def _outcome(outcome: str, gaps: Floats, diverged: NDArray[np.bool_], tol: float | None) -> Floats:
    if outcome == "final_gap":
        return np.asarray(gaps[-1], dtype=np.float64)
    if outcome == "auc":
        return np.asarray(gaps.mean(axis=0), dtype=np.float64)
    if outcome == "diverged":
        return diverged.astype(np.float64)
    below = gaps < float(tol if tol is not None else 0.0)
    first: Floats = np.argmax(below, axis=0).astype(np.float64)
    first[~below.any(axis=0)] = np.inf
    return first


def _best(values: Floats, final: Floats, diverged: NDArray[np.bool_]) -> tuple[int, int] | None:
    """The cell with the least value (ties: least final gap), diverged and never-reached cells excluded."""
    ok = ~diverged & np.isfinite(values)
    if not ok.any():
        return None
    order = np.lexsort((np.where(ok, final, np.inf).ravel(), np.where(ok, values, np.inf).ravel()))
    i, j = np.unravel_index(int(order[0]), values.shape)
    return int(i), int(j)
