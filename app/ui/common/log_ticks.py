"""Tick values for pyqtgraph log axes: decades that fit, or 1-2-5 when under two decades are in view.

pyqtgraph (AxisItem.logTickValues) labels every decade, and every 2..9 when
the range spans under ~2 decades: a loss that falls from 1e3 to 1e-17 in a
150-pixel plot becomes a pile of overlapping labels (and a black smear in a
video). Here labels are thinned to what the axis length holds: every decade,
or every 2nd, 5th, 10th ... Used by the live plots (plots_view) and by exports.

A narrow range (a CIFAR-10 loss from 2.11 down to 1.93) holds no 1-2-5 value
or only one, so pyqtgraph would show one tick or none: there the labels are
evenly spaced round values (1.95, 2.00, 2.05, 2.10), written with the digits
their spacing needs (pyqtgraph's log labels keep one digit: "2", "2", "2").
"""
from __future__ import annotations

import math
from functools import partial

import numpy as np

# Pixels from one label to the next along a vertical axis: a superscripted 10^-12 at 9-12 pt
# (about 15 px) and a gap.
LABEL_PX = 26
_STRIDES = (1, 2, 5, 10, 20, 50, 100)


def log_ticks(lo: float, hi: float, size: float | None = None, std_ticks=None) -> list[tuple]:
    """[(spacing, major values), (None, minor values)] in log10 units for lo..hi.

    ``size`` is the axis length in pixels (pyqtgraph passes it); labelled are
    every k-th decade, with k the smallest of 1, 2, 5, 10, ... that keeps the
    labels LABEL_PX apart, and the other decades are minor ticks. Under two
    decades: 1, 2, 5 times each power of ten, minor ticks at 2..9 times.
    (std_ticks: pyqtgraph's logTickValues signature, unused.)
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [(None, []), (None, [])]
    decades = [float(v) for v in range(math.ceil(lo), math.floor(hi) + 1)]
    if len(decades) >= 2:
        px_per_decade = (size or 1e9) / (hi - lo)
        # labels k decades apart are k * px_per_decade pixels apart: the smallest k that leaves room
        stride = next((k for k in _STRIDES if k * px_per_decade >= LABEL_PX), _STRIDES[-1])
        major = [d for d in decades if d % stride == 0]
        if stride == 1:
            minor = [v + math.log10(k) for v in range(math.floor(lo), math.ceil(hi)) for k in range(2, 10)]
        else:
            minor = [d for d in decades if d % stride != 0]
        return [(float(stride), major), (None, [m for m in minor if lo < m < hi])]
    minor = [v + math.log10(k) for v in range(math.floor(lo), math.ceil(hi)) for k in range(2, 10)]
    one_two_five = [v + math.log10(k) for v in range(math.floor(lo), math.ceil(hi)) for k in (1, 2, 5)]
    major = [m for m in one_two_five if lo <= m <= hi]
    if len(major) < 2:
        return [(None, _round_values(lo, hi, size)), (None, [])]
    return [(None, major), (None, [m for m in minor if lo < m < hi])]


def _round_values(lo: float, hi: float, size: float | None) -> list[float]:
    """log10 of evenly spaced round values (1, 2 or 5 times a power of ten apart) in 10^lo..10^hi:
    as many as keep LABEL_PX between labels, at most 6, at least 2."""
    a, b = 10.0 ** lo, 10.0 ** hi
    room = max(2, min(6, int((size or 6 * LABEL_PX) // LABEL_PX)))
    for step in _nice_steps((b - a) / room):
        values = [k * step for k in range(math.ceil(a / step), math.floor(b / step) + 1)]
        if len(values) >= 2:
            return [math.log10(v) for v in values if v > 0]
    return []


def _nice_steps(smallest: float):
    """1, 2, 5 times powers of ten from the first >= smallest downwards (a few)."""
    e = math.floor(math.log10(smallest))
    steps = [k * 10.0 ** p for p in range(e + 1, e - 3, -1) for k in (5, 2, 1)]
    above = [s for s in steps if s >= smallest * (1 - 1e-9)]
    start = steps.index(min(above)) if above else 0
    return steps[start:]


def log_tick_strings(axis, values, scale, spacing) -> list[str]:
    """Labels of log-mode ticks: pyqtgraph's (10⁻¹², 2·10⁻³, 0.5) for decades and 1-2-5 values;
    the round values of a narrow range with the decimals their spacing needs (1.95, 2.00)."""
    real = 10.0 ** np.asarray(values, dtype=float) * scale
    one_digit = [abs(float(f"{v:.1g}") - v) <= 1e-9 * abs(v) for v in real]
    if len(real) < 2 or all(one_digit):
        return type(axis).logTickStrings(axis, values, scale, spacing)
    step = float(np.min(np.diff(np.sort(real))))
    places = max(0, math.ceil(-math.log10(step) - 1e-9))
    return [f"{v:.{places}f}" if 1e-3 <= abs(v) < 1e4 else f"{v:.6g}" for v in real]


def use_log_ticks(axis) -> None:
    """Make one pyqtgraph AxisItem place and write its log-mode ticks with log_ticks and log_tick_strings."""
    axis.logTickValues = log_ticks
    axis.logTickStrings = partial(log_tick_strings, axis)
    axis.setStyle(maxTextLevel=0)   # labels on the chosen ticks only: pyqtgraph would also write 0.6 0.7 0.8 0.9
