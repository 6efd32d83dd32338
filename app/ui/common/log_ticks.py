"""Tick values for pyqtgraph log axes: decades, or 1-2-5 when under two decades are in view.

pyqtgraph (AxisItem.logTickValues) labels every 2..9 when the range spans under
~2 decades, which piles "0.2 0.3 ... 0.9" up under "1" in a short plot. Used by
the live plots (plots_view) and by exports (render).
"""
from __future__ import annotations

import math


def log_ticks(lo: float, hi: float, size=None, std_ticks=None) -> list[tuple]:
    """[(spacing, major values), (None, minor values)] in log10 units for lo..hi.

    Labelled: every decade when at least two are in view, else 1, 2, 5 times
    each power of ten; minor ticks at 2..9 times each power of ten.
    (size and std_ticks: pyqtgraph's logTickValues signature, unused.)
    """
    minor = [v + math.log10(k) for v in range(math.floor(lo), math.ceil(hi)) for k in range(2, 10)]
    minor = [m for m in minor if lo < m < hi]
    decades = [float(v) for v in range(math.ceil(lo), math.floor(hi) + 1)]
    if len(decades) >= 2:
        return [(1.0, decades), (None, minor)]
    one_two_five = [v + math.log10(k) for v in range(math.floor(lo), math.ceil(hi)) for k in (1, 2, 5)]
    return [(None, [m for m in one_two_five if lo <= m <= hi]), (None, minor)]


def use_log_ticks(axis) -> None:
    """Make one pyqtgraph AxisItem place its log-mode ticks with log_ticks."""
    axis.logTickValues = log_ticks
