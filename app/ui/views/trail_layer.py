"""The settled part of every run's path in the 2-D view, painted once into an image.

Stroking 16 antialiased wide paths is most of a 2-D frame on a software
raster (~5 ms at 600x500). A path only grows, so its older part is drawn
once, all halos under all lines as before, into an image of the viewport's
pixels; each frame blits that image and strokes only the short recent tails
(ContourView's own items) over it. The image is redrawn when a run's frozen
part changes (reset, edit, a tail grown too long) or the view moves or resizes.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QTransform


class TrailLayer(pg.GraphicsObject):
    """A GraphicsObject in a ViewBox drawing frozen paths ((k, 2) arrays) with halo and line pens."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: list[tuple[np.ndarray, object, object]] = []   # (points, halo pen, line pen)
        self._image: QImage | None = None
        self._key = None
        self._version = 0
        self.redraws = 0        # how often the image was drawn afresh (tests, benchmarks)

    def set_paths(self, paths) -> None:
        """Frozen paths: a list of (points (k, 2), halo QPen, line QPen); empty points are skipped."""
        self._paths = [(np.asarray(p, dtype=np.float64), h, l) for p, h, l in paths if len(p) >= 2]
        self._version += 1
        self.update()

    def boundingRect(self) -> QRectF:
        vb = self.getViewBox()
        return vb.viewRect() if vb is not None else QRectF()

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()

    def paint(self, p: QPainter, *args) -> None:
        if not self._paths:
            return
        device = p.device()
        dpr = device.devicePixelRatio() if device is not None else 1.0
        size = (int(device.width() * dpr), int(device.height() * dpr)) if device is not None else (0, 0)
        tr = p.transform()   # item -> viewport, logical pixels
        key = (size, dpr, tuple(round(v, 9) for v in (tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.dx(), tr.dy())),
               self._version)
        if key != self._key or self._image is None:
            self._image = self._draw(size, dpr, tr)
            self._key = key
            self.redraws += 1
        p.save()
        p.setTransform(QTransform())     # the image holds device pixels
        p.drawImage(0, 0, self._image)
        p.restore()

    def _draw(self, size, dpr: float, tr: QTransform) -> QImage:
        img = QImage(max(size[0], 1), max(size[1], 1), QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(dpr)
        img.fill(0)
        q = QPainter(img)
        q.setRenderHint(QPainter.RenderHint.Antialiasing)
        q.setTransform(tr)
        # clipped paths carry NaN gaps where they left the box: "finite" leaves those undrawn
        paths = [pg.arrayToQPath(pts[:, 0], pts[:, 1], connect="finite" if np.isnan(pts).any() else "all")
                 for pts, _h, _l in self._paths]
        for path, (_p, halo, _l) in zip(paths, self._paths, strict=True):     # all halos under all lines
            q.setPen(halo)
            q.drawPath(path)
        for path, (_p, _h, line) in zip(paths, self._paths, strict=True):
            q.setPen(line)
            q.drawPath(path)
        q.end()
        return img
