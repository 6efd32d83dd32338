"""Pictures in and out: a QImage written as PNG, an SVG written from a paint function, pixels as arrays.

Each file goes through app.model.safe_output: written to a temporary name next
to the target, moved over it only when the writer succeeded, removed on any
failure (the old file survives), and a read-only target is refused unless
``overwrite``.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QImage, QPainter, QPicture
from PySide6.QtSvg import QSvgGenerator

from app.model.safe_output import safe_output


def save_png(img: QImage, path: str | os.PathLike, transparent: bool = False, overwrite: bool = False) -> Path:
    """Write a QImage as PNG through app.model.safe_output (a failed write keeps the old file)."""
    path = Path(path)
    img = img.convertToFormat(QImage.Format.Format_ARGB32 if transparent else QImage.Format.Format_RGB32)
    with safe_output(path, overwrite=overwrite) as tmp:
        # quality 80 = light zlib compression: a 4K frame saves in a fraction of a second
        if not img.save(str(tmp), "PNG", 80):
            raise OSError("Qt could not write the PNG")
    return path


def save_svg(path: str | os.PathLike, size: tuple[int, int], view_box: tuple[float, float], title: str,
             paint: Callable[[QPainter], None], overwrite: bool = False) -> Path:
    """Write an SVG of ``size`` pixels whose user units span ``view_box``, drawn by ``paint(painter)``."""
    path = Path(path)
    with safe_output(path, overwrite=overwrite) as tmp:
        _write_svg(tmp, size, view_box, title, paint)
    return path


def _write_svg(tmp: Path, size: tuple[int, int], view_box: tuple[float, float], title: str,
               paint: Callable[[QPainter], None]) -> None:
    # SVG 1.1, not the default SVG Tiny 1.2: only 1.1 output carries clip paths, so runs that
    # leave the map stop at its edge instead of running over the axes and the colour bar
    gen = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    gen.setFileName(str(tmp))
    # pyqtgraph caches axes and markers as QPictures recorded at the screen's dpi; an SVG
    # device of another dpi would replay them scaled (0.75 at the default 72 dpi)
    gen.setResolution(QPicture().logicalDpiX())
    gen.setSize(QSize(*size))
    gen.setViewBox(QRect(0, 0, round(view_box[0]), round(view_box[1])))
    gen.setTitle(title)
    gen.setDescription("Loss Lab export")
    painter = QPainter()
    if not painter.begin(gen):
        raise OSError("Qt could not open the SVG for writing")
    try:
        paint(painter)
    finally:
        painter.end()
    # QSvgGenerator reports no write errors: a full disk shows as a file cut short
    with open(tmp, "rb") as f:
        f.seek(max(tmp.stat().st_size - 64, 0))
        if b"</svg>" not in f.read():
            raise OSError("the SVG was cut short (is the disk full?)")


def qimage_to_rgb(img: QImage) -> np.ndarray:
    """A QImage as a (h, w, 3) uint8 array (a copy)."""
    return rgbx_view(img)[..., :3].copy()


def rgbx_view(img: QImage) -> np.ndarray:
    """An RGBX8888 QImage's pixels as an (h, w, 4) uint8 array: a view, valid while img lives."""
    if img.format() != QImage.Format.Format_RGBX8888:
        raise ValueError("rgbx_view needs an RGBX8888 image; convert it first")
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return buf.reshape(h, stride)[:, : 4 * w].reshape(h, w, 4)
