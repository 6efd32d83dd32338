"""Room for a vertical axis' label beside its tick labels.

pyqtgraph sizes a left or right AxisItem as tick length + offset + widest
tick label + 0.8 x the label's height, then puts the label at the outer
edge, 5 px beyond its height (AxisItem._updateWidth, resizeEvent): the label
reaches 0.2 x its height + 5 px into the tick labels, so "f(x, y)" covers
"2.01" or "50000" on the colour bar, most visibly at lecture sizes. (ColorBarItem
also fixes its axis at 45 px, whatever the labels' size.)
"""
from __future__ import annotations

NUDGE = 5        # px pyqtgraph moves the label outwards (AxisItem.resizeEvent)
GAP = 4          # px between the widest tick label and the label


def keep_label_clear(axis) -> None:
    """Make ``axis`` (a left or right pyqtgraph AxisItem) as wide as its tick labels and label
    need, so that the label never covers a tick label. A later setWidth(w) fixes it at w again."""
    update = axis._updateWidth
    axis.fixedWidth = None

    def update_width() -> None:
        update()
        if axis.fixedWidth is None and axis.isVisible() and axis.label.isVisible():
            w = axis.maximumWidth() + 0.2 * axis.label.boundingRect().height() + NUDGE + GAP
            axis.setMaximumWidth(w)
            axis.setMinimumWidth(w)

    axis._updateWidth = update_width
    update_width()
