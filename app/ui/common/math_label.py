"""Formulas as real math: matplotlib.mathtext -> QPixmap, with a Unicode fallback.

``render_math(lines, point_size, color)`` renders each mathtext line
(e.g. r"$\\hat m = m / (1-\\beta_1^t)$") with matplotlib's own TeX-subset parser
(no LaTeX install needed) and stacks them into one QPixmap. Results are cached:
re-rendering costs ~10-30 ms a line, too slow for every playback frame.
"""
from __future__ import annotations

import io
from functools import lru_cache

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel

from app.ui.common import theme


@lru_cache(maxsize=512)
def _line_image(tex: str, point_size: float, color: str, dpi: int) -> QImage | None:
    """One mathtext line as a transparent QImage, or None if mathtext cannot parse it."""
    try:
        import matplotlib
        from matplotlib import mathtext
        from matplotlib.font_manager import FontProperties
    except ImportError:
        return None
    buf = io.BytesIO()
    try:
        with matplotlib.rc_context({"savefig.transparent": True}):   # any theme's background shows through
            mathtext.math_to_image(tex, buf, prop=FontProperties(size=point_size, family="DejaVu Serif"),
                                   dpi=dpi, format="png", color=color)
    except (ValueError, RuntimeError):
        return None
    img = QImage.fromData(buf.getvalue(), "PNG")
    return None if img.isNull() else img


def render_math(lines: list[str] | tuple[str, ...], point_size: float = 16, color: str = "#202020",
                dpi: int = 96, spacing: int = 4) -> QPixmap | None:
    """Stack the rendered lines into one pixmap; None if any line fails (use the fallback)."""
    images = [_line_image(t, float(point_size), color, int(dpi)) for t in lines if t]
    if not images or any(im is None for im in images):
        return None
    w = max(im.width() for im in images)
    h = sum(im.height() for im in images) + spacing * (len(images) - 1)
    pm = QPixmap(w, h)
    pm.fill(QColor(0, 0, 0, 0))
    p = QPainter(pm)
    y = 0
    for im in images:
        p.drawImage(0, y, im)
        y += im.height() + spacing
    p.end()
    return pm


class MathLabel(QLabel):
    """A QLabel showing mathtext lines as a pixmap, or Unicode text if rendering fails."""

    def __init__(self, parent=None, point_size: float = 16, color: str = "#202020") -> None:
        super().__init__(parent)
        self.point_size = point_size
        self.color = color
        self._key = None
        self.rendered = False       # True when the last set_math used mathtext
        self._full: QPixmap | None = None   # the rendered math at its natural size
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextFormat(Qt.TextFormat.PlainText)

    # A narrow panel shrinks the formula to fit instead of cutting it off at the edge;
    # sizeHint stays the natural size so layouts that can grow still give it room.
    def sizeHint(self) -> QSize:
        if self._full is None:
            return super().sizeHint()
        r = self._full.devicePixelRatio() or 1.0
        return QSize(int(self._full.width() / r) + 2, int(self._full.height() / r) + 2)

    def minimumSizeHint(self) -> QSize:
        if self._full is None:
            return super().minimumSizeHint()
        return QSize(min(60, self.sizeHint().width()), 16)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._full is None:
            return
        r = self._full.devicePixelRatio() or 1.0
        natural = self._full.width() / r
        avail = max(1, self.contentsRect().width())
        if natural <= avail:
            shown = self._full
        else:
            shown = self._full.scaledToWidth(int(avail * r), Qt.TransformationMode.SmoothTransformation)
            shown.setDevicePixelRatio(r)
        if self.pixmap() is None or self.pixmap().cacheKey() != shown.cacheKey():
            self.setPixmap(shown)

    def set_style(self, point_size: float, color: str) -> None:
        self.point_size, self.color, self._key = point_size, color, None

    def set_math(self, latex_lines, fallback_lines=()) -> None:
        """Show ``latex_lines`` rendered; if that fails, ``fallback_lines`` as text."""
        key = (tuple(latex_lines), tuple(fallback_lines), self.point_size, self.color)
        if key == self._key:
            return
        self._key = key
        pm = render_math(list(latex_lines), self.point_size, self.color,
                         dpi=int(round(96 * self.devicePixelRatioF())))
        if pm is not None:
            pm.setDevicePixelRatio(self.devicePixelRatioF())
            self.rendered = True
            self._full = pm
            self.setPixmap(pm)
            self.updateGeometry()
            self._fit()
            return
        self.rendered = False
        self._full = None
        self.setFont(theme.formula_font(int(self.point_size)))
        self.setStyleSheet(f"color: {self.color};")
        self.setText("\n".join(fallback_lines or latex_lines))
