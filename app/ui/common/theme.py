"""Colours, fonts and pyqtgraph defaults for the light (default) and dark themes.

Light is the default: lecture rooms are lit, and dark lines on white read best
on a projector (UI.md). Dark is one key away.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont


@dataclass(frozen=True)
class Theme:
    name: str
    background: str        # plot and 3-D backgrounds
    foreground: str        # axes, text, contour labels
    halo: str              # dark (or light) outline under every trajectory
    contour: tuple         # RGBA of contour lines over the heatmap
    star: str              # fill of the known minima
    grid3d: tuple          # RGBA of the 3-D floor grid


LIGHT = Theme("light", "#FFFFFF", "#202020", "#111111", (255, 255, 255, 120), "#FFFFFF", (0, 0, 0, 60))
DARK = Theme("dark", "#15171C", "#E8E8E8", "#000000", (0, 0, 0, 110), "#FFFFFF", (255, 255, 255, 50))

# Line and marker sizes (pixels); presentation mode scales them up.
LINE_WIDTH = 2.5
HALO_WIDTH = 4.5        # a 1-px dark rim each side of the line: an outline, not a second line
HEAD_SIZE = 13
START_SIZE = 11
STAR_SIZE = 20


def apply_pyqtgraph(theme: Theme) -> None:
    """Set pyqtgraph's global colours; call before creating plot widgets."""
    pg.setConfigOptions(background=theme.background, foreground=theme.foreground, antialias=True)


def formula_font(point_size: int = 15) -> QFont:
    """A serif font for formulas (Unicode math, no matplotlib here)."""
    f = QFont("DejaVu Serif")
    f.setStyleHint(QFont.StyleHint.Serif)
    f.setPointSize(point_size)
    return f


def qcolor(hex_or_rgba, alpha: int | None = None) -> QColor:
    c = QColor(*hex_or_rgba) if isinstance(hex_or_rgba, tuple) else QColor(hex_or_rgba)
    if alpha is not None:
        c.setAlpha(alpha)
    return c


def rgba_float(hex_color: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """'#RRGGBB' -> (r, g, b, a) floats in [0, 1] for the GL items."""
    c = QColor(hex_color)
    return (c.redF(), c.greenF(), c.blueF(), alpha)
