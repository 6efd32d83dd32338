"""Colormaps as lookup tables, shared by the 3-D surface, the heatmap and the colour bar.

Only perceptually uniform maps are offered (viridis, cividis, ...): equal steps
in height look like equal steps in colour.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

CHOICES = ("viridis", "cividis", "plasma", "inferno", "magma")
# Signed values centred at 0 (curvature λmin): blue below, white at 0, red above (CET-D1, also uniform).
DIVERGING = "CET-D1"


def diverging() -> pg.ColorMap:
    return pg.colormap.get(DIVERGING)


def get(name: str) -> pg.ColorMap:
    """A pyqtgraph ColorMap by name; unknown names raise a clear ValueError."""
    if name not in CHOICES:
        raise ValueError(f"unknown colormap {name!r}; choose one of {', '.join(CHOICES)}")
    return pg.colormap.get(name)


def lookup(name: str, n: int = 256) -> np.ndarray:
    """(n, 4) float32 RGBA table in [0, 1]."""
    return get(name).getLookupTable(0.0, 1.0, n, alpha=True).astype(np.float32) / 255.0


def colors_for(t: np.ndarray, name: str) -> np.ndarray:
    """Map values t in [0, 1] (any shape S) to RGBA floats of shape (*S, 4), vectorized."""
    table = lookup(name)
    idx = np.clip(np.nan_to_num(t, nan=0.0) * (len(table) - 1), 0, len(table) - 1).astype(np.intp)
    return table[idx]
