"""Run labels at the path heads of a 2-D map: which colour is which, without a legend over the map.

Lecture mode shows them (the audience cannot read the Runs dock). A label sits
beside its run's head (a diverged run: where its path leaves the map), on the
side with room, and labels of heads close together are pushed apart so none
covers another.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from app.ui.views.clip import clip_path, last_visible
from app.ui.views.contour_view import ContourView

GAP_PX = 6.0      # between a head marker and its label, and between two labels


class HeadLabels:
    """One text item per run on ``view``'s map, moved every frame (update)."""

    def __init__(self, view: ContourView) -> None:
        self.view = view
        self.items: list[pg.TextItem] = []
        self.shown = False
        self.font = QFont()
        self.font.setPointSize(16)
        self._tracks: list = []
        # the pixel gaps are laid out in data units: a resize (entering full screen) or a
        # zoom moves the heads on screen, so the labels are laid out again, paused or not
        view.plot.getViewBox().sigTransformChanged.connect(lambda *_a: self.update(self._tracks))

    def set_shown(self, on: bool, point_size: int = 16) -> None:
        self.shown = bool(on)
        self.font.setPointSize(int(point_size))
        for it in self.items:
            it.setFont(self.font)
            it.setVisible(False)

    def update(self, tracks) -> None:
        """Place each run's label by its head (hidden ones stay hidden)."""
        self._tracks = list(tracks)
        if not self.shown or self.view.grid is None:
            for it in self.items:
                it.setVisible(False)
            return
        plot = self.view.plot
        while len(self.items) < len(tracks):
            it = pg.TextItem(anchor=(0, 0))
            it.setZValue(40)         # over paths and markers
            it.setFont(self.font)
            plot.addItem(it)
            self.items.append(it)
        for it in self.items[len(tracks):]:
            it.setVisible(False)
        vb = plot.getViewBox()
        box = vb.sceneBoundingRect()
        metrics = QFontMetricsF(self.font)
        pad = 4.0                    # TextItem's own margin around the text
        placed: list[tuple[pg.TextItem, QRectF]] = []
        heads = []
        for it, tr in zip(self.items, tracks, strict=False):
            end = self._end(tr)
            if end is None:
                it.setVisible(False)
                continue
            heads.append((vb.mapViewToScene(QPointF(*end)), it, tr))
        reach = self.view.head_size / 2 + GAP_PX
        for s, it, tr in sorted(heads, key=lambda h: h[0].y()):
            text = tr.label + ("  ✕ diverged" if tr.diverged_at is not None else "")
            w = metrics.horizontalAdvance(text) + 2 * pad
            h = metrics.height() + 2 * pad
            x = s.x() + reach if s.x() + reach + w <= box.right() else s.x() - reach - w
            rect = QRectF(x, s.y() - h / 2, w, h)
            for _other, r in placed:          # below the labels above it that it would touch
                if r.intersects(rect):
                    rect.moveTop(r.bottom() + 1)
            rect.moveTop(min(max(rect.top(), box.top()), box.bottom() - h))
            placed.append((it, rect))
            if it.textItem.toPlainText() != text:
                it.setText(text)
            # ink on the ground, framed in the run's colour: a yellow or light-blue text
            # on white would be unreadable from the back row
            it.setColor(self.view.theme.foreground)
            it.fill = pg.mkBrush(self.view.theme.background + "E0")
            it.border = pg.mkPen(tr.color, width=3)
            p = vb.mapSceneToView(rect.topLeft())
            it.setPos(p.x(), p.y())
            it.setVisible(True)

    def _end(self, tr) -> tuple[float, float] | None:
        """Where the label goes: the head if on the map, else where the path leaves it."""
        grid = self.view.grid
        p = np.asarray(tr.points, dtype=np.float64)
        if grid is None or not len(p):
            return None
        end = last_visible(clip_path(p, grid.bounds))
        return None if end is None else (float(end[0]), float(end[1]))

    def rects(self) -> list[tuple[str, QRectF]]:
        """(text, scene rectangle) of every shown label (for tests and tools)."""
        return [(it.textItem.toPlainText(), it.mapRectToScene(it.boundingRect()))
                for it in self.items if it.isVisible()]
