"""The Solver interface: a pure init/update pair over arrays (optax style).

A solver never sees a landscape: it takes a gradient (and, for newton, a
Hessian) and returns the update to add to the point. State is a small
immutable NamedTuple. Every array has shape (..., P) (P = 2 on a surface, any
P >= 1 in general), so one solver moves a whole swarm at once.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from .naming import did_you_mean, short_repr
from .teaching import Breakdown, FloatArray, RuleLine, StepView, SurfaceScale


@dataclass(frozen=True)
class ParamSpec:
    """How a hyper-parameter is shown and validated (sliders read this).

    low/high bound the *allowed* values (validation); ``slider`` is the range a
    slider offers (defaults to low/high when those are finite). ``kind`` is
    "float", "bool" or "pair" (betas: a 2-tuple validated by ``components``).
    """

    default: Any
    low: float            # smallest allowed value (inclusive unless low_open)
    high: float           # largest allowed value (inclusive unless high_open)
    log: bool = False     # slider on a log scale
    label: str = ""       # display name, e.g. "learning rate"
    symbol: str = ""      # Unicode symbol, e.g. "η", "β₁"
    low_open: bool = False
    high_open: bool = False
    kind: str = "float"   # "float" | "bool" | "pair"
    slider: tuple[float, float] | None = None
    components: tuple[ParamSpec, ...] = ()

    def slider_range(self) -> tuple[float, float]:
        """(low, high) for a slider: ``slider`` if given, else the allowed range."""
        if self.slider is not None:
            return self.slider
        return (float(self.low), float(self.high))

    def allowed(self) -> str:
        """The allowed range as text, e.g. '[0, 1)' or '(0, inf)'."""
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open else "]"
        return f"{lo}{self.low:g}, {self.high:g}{hi}"

    def check(self, name: str, value: Any) -> Any:
        """Return ``value`` normalised (float, bool or tuple of floats) or raise ValueError."""
        if self.kind == "bool":
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            raise ValueError(f"{name} must be True or False, got {short_repr(value)}")
        if self.kind == "pair":
            if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != len(self.components):
                raise ValueError(f"{name} must be a tuple of {len(self.components)} numbers, got {short_repr(value)}")
            return tuple(c.check(f"{name}[{i}]", v)
                         for i, (c, v) in enumerate(zip(self.components, value, strict=True)))
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return self._check_array(name, value)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"{name} must be a number, got {short_repr(value)}")
        try:
            v = float(value)
        except OverflowError:   # a whole number past float's range (1e308), e.g. 10**400
            raise ValueError(f"{name}={short_repr(value)} is out of range: allowed {self.allowed()}") from None
        too_low = v < self.low or (self.low_open and v == self.low)
        too_high = v > self.high or (self.high_open and v == self.high)
        if not np.isfinite(v) or too_low or too_high:
            raise ValueError(f"{name}={value!r} is out of range: allowed {self.allowed()}")
        return v

    def _check_array(self, name: str, value: FloatArray) -> FloatArray:
        """An array of settings (one per point of a swarm): real numbers, finite, every one in range.

        Returned as a read-only float64 copy; the Stepper broadcasts it against the swarm.
        """
        if self.kind != "float":
            raise ValueError(f"{name} must be a single value, not an array of {value.shape}")
        if value.dtype.kind not in "iuf":
            raise ValueError(f"{name} must be an array of real numbers, got dtype {value.dtype}")
        if value.size == 0:
            raise ValueError(f"{name} is an empty array: give at least one value")
        with np.errstate(over="ignore"):
            v = np.array(value, dtype=np.float64)
        bad = ~np.isfinite(v) | (v < self.low) | (v > self.high)
        if self.low_open:
            bad |= v == self.low
        if self.high_open:
            bad |= v == self.high
        if bad.any():
            first = float(v.reshape(-1)[int(np.argmax(bad.reshape(-1)))])
            raise ValueError(f"{name} has {int(bad.sum())} value(s) out of range (e.g. {first:g}): "
                             f"allowed {self.allowed()}")
        v.flags.writeable = False
        return v


Builder = Callable[[dict[str, Any]], tuple[Callable[..., Any], Callable[..., tuple[FloatArray, Any]]]]


@dataclass(frozen=True, kw_only=True)
class SolverSpec:
    """Everything one solver is, filled in by its rule module (solvers/rules/*.py).

    ``rule`` is the update rule, one RuleLine per equation (mathtext and
    Unicode). ``build(hyper)`` returns the pure (init, update) pair for
    validated hyper-parameters; ``check`` adds a cross-parameter rule
    (Nesterov's). The three hooks are what the app asks of a solver:
    ``explain_step`` (the named numbers of one update), ``suggest_hyper``
    (starting hyper-parameters for a surface's scale) and ``velocity_state``
    (the buffer the velocity arrows draw, or None).
    """

    name: str
    title: str
    rule: tuple[RuleLine, ...]
    citation: str
    params: Mapping[str, ParamSpec]
    build: Builder
    needs_hessian: bool = False
    needs_loss: bool = False  # gradient-free: update gets loss_fn and grad=None
    summary: str = ""
    check: Callable[[dict[str, Any]], None] | None = None
    explain_step: Callable[[StepView], Breakdown] | None = None
    suggest_hyper: Callable[[SurfaceScale], dict[str, Any]] | None = None
    velocity_state: Callable[[Any, Mapping[str, Any]], FloatArray | None] | None = None
    scalar_only: frozenset[str] = frozenset()  # hyper-parameters that cannot be an array of settings

    @property
    def rule_latex(self) -> str:
        """The full rule (weight decay included) as mathtext, one equation a line."""
        return "\n".join(line.latex for line in self.rule)

    @property
    def rule_lines(self) -> tuple[str, ...]:
        """The full rule in Unicode, e.g. "m ← β₁m + (1 − β₁)g"."""
        return tuple(line.text for line in self.rule)

    def update_rule(self, weight_decay: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(mathtext lines, Unicode lines) of the rule for a run with weight decay λ (no λ when 0)."""
        shown = [s for s in (line.shown(weight_decay) for line in self.rule) if s is not None]
        return tuple(s[0] for s in shown), tuple(s[1] for s in shown)

    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in self.params.items()}

    def validate(self, **hyper: Any) -> dict[str, Any]:
        """The full, validated hyper-parameter dict (defaults filled in) or ValueError."""
        for key in hyper:
            if key not in self.params:
                raise ValueError(f"{self.name} has no hyper-parameter {key!r}{did_you_mean(key, self.params)}; "
                                 f"its parameters: {', '.join(self.params)}")
        full = {k: p.check(k, hyper.get(k, p.default)) for k, p in self.params.items()}
        for key in self.scalar_only:
            if _is_array(full[key]):
                raise ValueError(f"{self.name}'s {key} must be a single value, not an array of settings")
        if self.check is not None:
            self.check(full)
        return full

    def make(self, **hyper: Any) -> Solver:
        """A configured Solver of this kind (hyper-parameters validated first)."""
        full = self.validate(**hyper)
        init, update = self.build(full)
        return Solver(name=self.name, hyper=MappingProxyType(full), init=init, update=update,
                      needs_hessian=self.needs_hessian, needs_loss=self.needs_loss, spec=self)

    def breakdown(self, view: StepView) -> Breakdown:
        """The named numbers of one update (none if the rule module names none)."""
        return self.explain_step(view) if self.explain_step is not None else Breakdown()

    def suggestion(self, scale: SurfaceScale) -> dict[str, Any]:
        """Starting hyper-parameters for a surface of this scale ({} keeps the defaults)."""
        return dict(self.suggest_hyper(scale)) if self.suggest_hyper is not None else {}

    def velocity(self, state: Any, hyper: Mapping[str, Any]) -> FloatArray | None:
        """The buffer the point moves along (x ← x − η v), shaped like the points, or None."""
        return None if self.velocity_state is None else self.velocity_state(state, hyper)


@dataclass(frozen=True)
class Solver:
    """A configured optimizer.

    init(params) -> state
    update(grad, state, params, *, hessian=None, lr_scale=1.0) -> (updates, state)
    The new point is params + updates. lr_scale is the schedule's multiplier
    for this step (lr_t = lr * lr_scale).

    needs_loss solvers (random_search) are gradient-free: init(params, seed)
    and update(None, state, params, *, loss_fn, lr_scale) where loss_fn maps
    points (..., P) to loss values (...).
    """

    name: str
    hyper: Mapping[str, Any]
    init: Callable[..., Any]
    update: Callable[..., tuple[FloatArray, Any]]
    needs_hessian: bool = False
    needs_loss: bool = False
    spec: SolverSpec | None = field(default=None, repr=False, compare=False)  # its kind: replace() builds another

    @property
    def lr(self) -> float:
        """The learning rate of a single setting (an array of settings has no one lr)."""
        if _is_array(self.hyper["lr"]):
            raise ValueError(f"{self.name} has an array of learning rates: read hyper['lr']")
        return float(self.hyper["lr"])

    @property
    def is_grid(self) -> bool:
        """True if some hyper-parameter is an array of settings (one per point of the swarm)."""
        return any(_is_array(v) for v in self.hyper.values())

    def replace(self, **hyper: Any) -> Solver:
        """A new solver of the same kind with some hyper-parameters changed."""
        if self.spec is None:
            raise ValueError(f"solver {self.name!r} was built without a SolverSpec; it cannot be replaced")
        return self.spec.make(**{**self.hyper, **hyper})

    def label(self) -> str:
        """Short display label, e.g. 'adam (lr 1.0e-02)' ('adam (lr grid)' for an array of settings)."""
        if _is_array(self.hyper["lr"]):
            return f"{self.name} (lr grid)"
        return f"{self.name} (lr {self.lr:.1e})"


def _is_array(value: Any) -> bool:
    """An array of settings: an ndarray, or a pair (betas) with an ndarray component."""
    if isinstance(value, tuple):
        return any(isinstance(v, np.ndarray) for v in value)
    return isinstance(value, np.ndarray)


@dataclass
class Trajectory:
    """What run() returns. Leading shape S of the starts, T = steps + 1.

    points     (T, *S, P)  never NaN: a diverged run repeats its last finite point
    losses     (T, *S)     loss at each point (finite, see points)
    grad_norms (T, *S)     |grad| at each point
    lrs        (T,)        effective learning rate used for the step from t ((T, *S) for an lr array)
    diverged   (*S,) bool  the run left the far box or hit inf/NaN
    diverged_at (*S,) int  the step at which it diverged, -1 if it did not
    """

    points: FloatArray
    losses: FloatArray
    grad_norms: FloatArray
    lrs: FloatArray
    diverged: npt.NDArray[np.bool_]
    diverged_at: npt.NDArray[np.int64]
    solver: str = ""
    hyper: dict[str, Any] = field(default_factory=dict)

    @property
    def final(self) -> FloatArray:
        last: FloatArray = self.points[-1]
        return last
