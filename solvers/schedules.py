"""Learning-rate schedules: step t (0-based) -> multiplier of the base lr.

Closed forms of torch.optim.lr_scheduler (multiplier = lr_t / lr_0):
    constant      1
    step          γ^⌊t / step_size⌋                              (StepLR)
    exponential   γ^t                                             (ExponentialLR)
    cosine        m + (1 − m)(1 + cos(π t / T)) / 2,  t ≤ T        (CosineAnnealingLR,
                  eta_min = m·lr); held at m for t > T (torch would climb back up)
Any kind takes an optional linear warm-up of W steps (torch LinearLR from
start_factor to 1 over W steps, then the base schedule shifted by W, as
SequentialLR([LinearLR, base], milestones=[W]) does). For cosine, total_steps
counts the warm-up too: the cosine part lasts total_steps − W steps.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .naming import did_you_mean, short_repr

# kind -> (closed form f(t, **params) over float arrays, {param: default})
_KINDS: dict[str, tuple[Callable[..., np.ndarray], dict[str, float]]] = {
    "constant": (lambda t: np.ones_like(t), {}),
    "step": (lambda t, step_size, gamma: gamma ** np.floor(t / step_size),
             {"step_size": 100, "gamma": 0.1}),
    "exponential": (lambda t, gamma: gamma ** t, {"gamma": 0.99}),
    "cosine": (lambda t, total_steps, min_factor: min_factor + (1.0 - min_factor) * 0.5
               * (1.0 + np.cos(math.pi * np.minimum(t, total_steps) / total_steps)),
               {"total_steps": 300, "min_factor": 0.0}),
}
_WARMUP = {"warmup": 0, "start_factor": 1.0 / 3.0}


def schedule_names() -> tuple[str, ...]:
    return tuple(_KINDS)


@dataclass(frozen=True)
class Schedule:
    """A learning-rate multiplier as a function of the step; call it on an int or int array."""

    kind: str
    params: dict[str, float] = field(default_factory=dict)
    warmup: int = 0
    start_factor: float = 1.0 / 3.0

    def __call__(self, t: Any) -> Any:
        """Multiplier at step t (scalar -> float, array -> array of the same shape)."""
        scalar = np.ndim(t) == 0
        t = np.asarray(t, dtype=np.float64)
        form = _KINDS[self.kind][0]
        params = dict(self.params)
        w = self.warmup
        if self.kind == "cosine":
            params["total_steps"] = params["total_steps"] - w
        base = form(np.maximum(t - w, 0.0), **params)
        if w:
            ramp = self.start_factor + (1.0 - self.start_factor) * np.minimum(t, w) / w
            base = np.where(t < w, ramp, base)
        return float(base) if scalar else base

    def as_dict(self) -> dict[str, Any]:
        """The record that make_schedule(**record) rebuilds (for scene files)."""
        d: dict[str, Any] = {"kind": self.kind, **self.params}
        if self.warmup:
            d.update(warmup=self.warmup, start_factor=self.start_factor)
        return d


def _number(kind: str, name: str, value: Any) -> float:
    bad = ValueError(f"{kind} schedule: {name} must be a finite number, got {short_repr(value)}")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise bad
    try:
        v = float(value)
    except OverflowError:   # a whole number past float's range, e.g. 10**400
        raise bad from None
    if not math.isfinite(v):
        raise bad
    return v


def make_schedule(kind: str = "constant", **params: Any) -> Schedule:
    """Build a Schedule; e.g. make_schedule("cosine", total_steps=300, warmup=10).

    Also takes the scene record form: make_schedule(**{"kind": "step", "step_size": 50}).
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown schedule {kind!r}{did_you_mean(kind, _KINDS)}; known: {', '.join(_KINDS)}")
    defaults = _KINDS[kind][1]
    allowed = list(defaults) + list(_WARMUP)
    for key in params:
        if key not in allowed:
            raise ValueError(f"{kind} schedule has no parameter {key!r}{did_you_mean(key, allowed)}; its parameters: "
                             f"{', '.join(allowed)}")
    vals = {k: _number(kind, k, params.get(k, d)) for k, d in {**defaults, **_WARMUP}.items()}
    warmup = vals.pop("warmup")
    start_factor = vals.pop("start_factor")

    def need(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(f"{kind} schedule: {what}")

    need(warmup >= 0 and warmup == int(warmup), f"warmup must be a whole number >= 0, got {warmup:g}")
    need(0.0 < start_factor <= 1.0, f"start_factor must be in (0, 1], got {start_factor:g}")
    if "gamma" in vals:
        need(0.0 < vals["gamma"] <= 1.0, f"gamma must be in (0, 1], got {vals['gamma']:g}")
    if "step_size" in vals:
        ss = vals["step_size"]
        need(ss >= 1 and ss == int(ss), f"step_size must be a whole number >= 1, got {ss:g}")
        vals["step_size"] = int(ss)
    if "total_steps" in vals:
        ts = vals["total_steps"]
        need(ts == int(ts) and ts > warmup,
             f"total_steps must be a whole number > warmup ({int(warmup)}), got {ts:g}")
        vals["total_steps"] = int(ts)
    if "min_factor" in vals:
        need(0.0 <= vals["min_factor"] <= 1.0, f"min_factor must be in [0, 1], got {vals['min_factor']:g}")
    return Schedule(kind, vals, int(warmup), start_factor)


def as_schedule(schedule: Any) -> Callable[[Any], Any] | None:
    """None, a Schedule, a record dict, or any callable t -> multiplier."""
    if schedule is None or callable(schedule):
        as_given: Callable[[Any], Any] | None = schedule
        return as_given
    if isinstance(schedule, dict):
        return make_schedule(**schedule)
    raise ValueError(f"schedule must be None, a Schedule, a dict or a callable, got {schedule!r}")
