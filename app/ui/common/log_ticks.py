"""Tick values for pyqtgraph log axes: decades that fit, or 1-2-5 when under two decades are in view.

pyqtgraph (AxisItem.logTickValues) labels every decade, and every 2..9 when
the range spans under ~2 decades: a loss that falls from 1e3 to 1e-17 in a
150-pixel plot becomes a pile of overlapping labels (and a black smear in a
video). Here labels are thinned to what the axis length holds: every decade,
or every 2nd, 5th, 10th ... Used by the live plots (plots_view) and by exports.
"""
from __future__ import annotations

import math

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
    return [(None, [m for m in one_two_five if lo <= m <= hi]), (None, [m for m in minor if lo < m < hi])]


def use_log_ticks(axis) -> None:
    """Make one pyqtgraph AxisItem place its log-mode ticks with log_ticks."""
    axis.logTickValues = log_ticks
