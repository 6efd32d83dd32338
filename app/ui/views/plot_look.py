"""The theme applied in place to what a window has already drawn: its plots and its widgets.

    recolor_plot(plot_item, th)     axes, tick text, axis labels, title and legend in th.foreground
    recolor_legend(legend, th)      a free-standing legend's labels
    follow_palette(window, th)      the window's widgets in the theme's colours when it is dark
    size_text(plot_item, pt)        tick labels at pt points, axis labels and title one larger
    size_legend(legend, pt)         a legend's labels at pt points
    size_window(window, on, bar)    a tool window's own text (and its progress bar) at desk or lecture size

The main window recolours its views when the theme changes (lecture.apply_theme);
the windows of the training race and the swarm do the same with these, so a
window opened before D (dark / light) or F11 does not stay in the old look.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from app.ui.common import theme

SIDES = ("left", "bottom", "right", "top")
FIELD_MIX = 0.12     # input fields and buttons: this much ink in the ground, a step off the window
DISABLED_MIX = 0.45  # greyed-out text: halfway to the ground


def recolor_plot(plot: pg.PlotItem, th: theme.Theme) -> None:
    """Axes (pen widths kept), their text and labels, the title (its size kept) and the legend."""
    for side in SIDES:
        ax = plot.getAxis(side)
        ax.setPen(pg.mkPen(th.foreground, width=ax.pen().widthF()))
        ax.setTextPen(pg.mkPen(th.foreground))
    if plot.titleLabel.isVisible():
        plot.titleLabel.setText(plot.titleLabel.text, color=th.foreground)
    if plot.legend is not None:
        recolor_legend(plot.legend, th)


def recolor_legend(legend: pg.LegendItem, th: theme.Theme) -> None:
    """The legend's labels in the theme's ink (pyqtgraph records the colour but redraws a label only
    when its text is set)."""
    legend.setLabelTextColor(th.foreground)
    for _sample, label in legend.items:
        label.setText(label.text)


def is_dark(th: theme.Theme) -> bool:
    return QColor(th.background).lightnessF() < 0.5


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(*(x + t * (y - x) for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3], strict=True)))


def palette(th: theme.Theme) -> QPalette:
    """Widget colours of a dark theme: its ground and ink, fields and buttons a step lighter."""
    ground, ink = QColor(th.background), QColor(th.foreground)
    field, dim = _mix(ground, ink, FIELD_MIX), _mix(ground, ink, DISABLED_MIX)
    pal = QPalette()
    R = QPalette.ColorRole
    for role, color in ((R.Window, ground), (R.WindowText, ink), (R.Base, field), (R.AlternateBase, ground),
                        (R.Text, ink), (R.Button, field), (R.ButtonText, ink), (R.ToolTipBase, field),
                        (R.ToolTipText, ink), (R.PlaceholderText, dim), (R.BrightText, ink)):
        pal.setColor(role, color)
    for role in (R.WindowText, R.Text, R.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, dim)
    return pal


def follow_palette(window: QWidget, th: theme.Theme) -> None:
    """A dark theme's colours on the window and its widgets (a bright window would glare in a dark
    room, around dark plots); a light theme gives the application's own palette back."""
    window.setPalette(palette(th) if is_dark(th) else QPalette())


PRESENTATION_PT = 16    # lecture mode's (F11) tick labels and legends: readable from the back row
WINDOW_PT = 12          # a tool window's controls and text at a desk (lecture mode: PRESENTATION_PT)


def _font_of(pt: int):
    from PySide6.QtGui import QFont

    f = QFont()
    f.setPointSize(pt)
    return f


def size_text(plot: pg.PlotItem, pt: int) -> None:
    """Tick labels at ``pt`` points, the axis labels and the title one point larger (colours kept)."""
    for side in ("left", "bottom"):
        ax = plot.getAxis(side)
        ax.setStyle(tickFont=_font_of(pt))
        if ax.label.isVisible():
            ax.setLabel(ax.labelText, units=ax.labelUnits or None, **{**ax.labelStyle, "font-size": f"{pt + 1}pt"})
    if plot.titleLabel.isVisible():
        plot.titleLabel.setText(plot.titleLabel.text, size=f"{pt + 1}pt")
    if plot.legend is not None:
        size_legend(plot.legend, pt)


def size_legend(legend: pg.LegendItem, pt: int) -> None:
    size = f"{pt}pt"
    legend.opts["labelTextSize"] = size
    for _sample, label in legend.items:
        label.setText(label.text, size=size)
    legend.updateSize()


def size_window(window: QWidget, presentation: bool, progress: QWidget | None = None) -> None:
    """The window's text at WINDOW_PT, or PRESENTATION_PT in lecture mode, and its progress bar
    wide enough for the job's name at that size."""
    font = window.font()
    font.setPointSize(PRESENTATION_PT if presentation else WINDOW_PT)
    window.setFont(font)
    if progress is not None:
        progress.setMaximumWidth(300 if presentation else 200)
