"""The cursor readout: x, y, f and |∇f| at a point of the map, as one line of text.

Both views show it under the cursor; it is exact (the landscape itself, not
the sampled grid) and says "undefined" where f has no value.
"""
from __future__ import annotations

import math

import numpy as np

from landscapes import Landscape


def _num(v: float) -> str:
    if v == 0:
        return "0"
    return f"{v:.3g}" if 1e-3 <= abs(v) < 1e4 else f"{v:.2e}"


def cursor_readout(landscape: Landscape, x: float, y: float) -> str:
    """``"x 0.5  y -1.2  f 3.42  |∇f| 1.2e-03"`` at (x, y); ``f undefined`` where f is NaN."""
    p = np.array([x, y], dtype=np.float64)
    with np.errstate(all="ignore"):
        f = float(landscape.value(p))
        g = np.asarray(landscape.grad(p), dtype=np.float64)
    head = f"x {_num(x)}  y {_num(y)}"
    if math.isnan(f):
        return f"{head}  f undefined"
    gnorm = float(np.hypot(g[0], g[1]))
    grad = f"|∇f| {_num(gnorm)}" if math.isfinite(gnorm) else "|∇f| undefined"
    return f"{head}  f {_num(f)}  {grad}"
