"""The class templates of linear classifiers: each W's 10 rows as 32×32 colour images.

    view = TemplatesView()
    view.set_rows([("sgd", "#E69F00", images), ...])   # images: (10, 32, 32, 3) uint8 per row
    view.set_rows([...], title="W at (a, b) = (1.2, −0.3)")

One row per run (its name in its colour at the left), one column per class with
the class names under the last row: the lecture's picture of what a linear
classifier learns (CS231n). Painted in one pass at whatever size the widget
has, the images scaled by whole pixels where they fit (crisp, as the 32×32
templates are), so the same widget paints the window and the export.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

GAP = 4          # px between templates
# the class names as CS231n's template figure prints them ("automobile" is wider than a template)
NAMES = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
LABEL_MAX = 140  # px at most for the run names' column ("random search" at 11 pt fits)


def image_of(template: np.ndarray) -> QImage:
    """A (32, 32, 3) uint8 template as a QImage that owns its pixels."""
    rgb = np.ascontiguousarray(template, dtype=np.uint8)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class TemplatesView(QWidget):
    def __init__(self, parent: QWidget | None = None, foreground: str = "#202020",
                 background: str = "#FFFFFF") -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, list[QImage]]] = []
        self.title = ""
        self.foreground, self.background = QColor(foreground), QColor(background)
        font = QFont(self.font())
        font.setPointSize(11)
        self.setFont(font)
        self.label_w = 0    # the run names' column: as wide as the longest name (at most LABEL_MAX)
        self.setMinimumSize(320, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_rows(self, rows, title: str | None = None) -> None:
        """rows: (name, colour, images (10, 32, 32, 3) uint8) per run."""
        self._rows = [(name, color, [image_of(t) for t in images]) for name, color, images in rows]
        fm = self.fontMetrics()
        self.label_w = min(max((fm.horizontalAdvance(r[0]) for r in self._rows), default=0) + 2 * GAP, LABEL_MAX)
        if title is not None:
            self.title = title
        self.update()

    def set_colors(self, foreground: str, background: str) -> None:
        self.foreground, self.background = QColor(foreground), QColor(background)
        self.update()

    @property
    def rows(self) -> int:
        return len(self._rows)

    def cell(self, width: int, height: int) -> int:
        """The side of one template in px for a widget of this size (whole multiples of 32 when they fit)."""
        n = max(len(self._rows), 1)
        fm = self.fontMetrics()
        text_h = fm.height() + 4
        top = text_h if self.title else 0
        side = min((width - self.label_w - 11 * GAP) / 10, (height - top - text_h - n * GAP) / n)
        side = max(int(side), 8)
        return (side // 32) * 32 if side >= 64 else side

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        p = QPainter(self)
        self.paint(p, self.width(), self.height())
        p.end()

    def paint(self, p: QPainter, width: int, height: int) -> None:
        """Everything into painter ``p`` over a width × height box (the widget or an export pane)."""
        p.fillRect(QRect(0, 0, width, height), self.background)
        p.setFont(self.font())
        fm = p.fontMetrics()
        side = self.cell(width, height)
        y = 0
        p.setPen(self.foreground)
        if self.title:
            p.drawText(QRect(0, 0, width, fm.height() + 4), Qt.AlignmentFlag.AlignCenter, self.title)
            y = fm.height() + 4
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)   # crisp pixels
        for name, color, images in self._rows:
            p.setPen(QColor(color))
            p.drawText(QRect(0, y, self.label_w - GAP, side), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideRight, self.label_w - GAP))
            for k, img in enumerate(images):
                x = self.label_w + k * (side + GAP)
                p.drawImage(QRectF(x, y, side, side), img)
            y += side + GAP
        p.setPen(self.foreground)
        for k, label in enumerate(NAMES):
            x = self.label_w + k * (side + GAP)
            p.drawText(QRect(x - GAP, y, side + 2 * GAP, fm.height() + 4), Qt.AlignmentFlag.AlignHCenter,
                       fm.elidedText(label, Qt.TextElideMode.ElideRight, side + 2 * GAP))

    def render_image(self, width: int, height: int) -> QImage:
        """The templates at this size, offscreen (the export's pane)."""
        img = QImage(width, height, QImage.Format.Format_RGB32)
        p = QPainter(img)
        self.paint(p, width, height)
        p.end()
        return img
