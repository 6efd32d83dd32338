"""Headless picture of the CIFAR-10 curvature window's figure (``losslab curvature``) to PNG or SVG.

    render_curvature(result, "curvature.png", size=(1600, 1000), progress=report)

The figure is the window's own (app.ui.views.curvature_figure.CurvatureFigure), laid
out hidden at the output's size (Qt.WA_DontShowOnScreen) under a title line naming
the settings, with the SVM note when the loss is the SVM: the spectrum panel, the
eigen-plane beside the random plane on one colour scale, and the line between the
pair's two solutions. The file goes through app.model.safe_output (app.ui.export.image_io).
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from app.model.cifar_curvature import svm_note
from app.model.cifar_curvature_run import CurvatureResult
from app.model.cifar_solutions import PAIRS

Progress = Callable[..., object]


def title_of(r: CurvatureResult) -> str:
    """e.g. "CIFAR-10 curvature: softmax + L2 λ=5000 on 5,000 images; W* is SGD; pair: λ = 0 vs λ > 0"."""
    return (f"CIFAR-10 curvature: {r.problem.label} on {len(r.problem.x):,} images; W* is SGD (batch 200, "
            f"lr 4e-7, 1,500 steps); pair: {PAIRS[r.pair.kind]}")


class CurvaturePicture:
    """The curvature figure with its title (and SVM note), hidden, at one output size."""

    def __init__(self, result: CurvatureResult, size: tuple[int, int]) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

        from app.ui.common import theme
        from app.ui.views.curvature_figure import FONT_PT, CurvatureFigure

        th = theme.LIGHT
        theme.apply_pyqtgraph(th)            # white plots, as the window's light theme
        self.root = QWidget()
        self.root.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.root.setStyleSheet(f"QWidget {{ background: {th.background}; color: {th.foreground}; }}")
        head = QLabel(title_of(result))
        font = head.font()
        font.setPointSize(FONT_PT + 1)
        font.setBold(True)
        head.setFont(font)
        head.setWordWrap(True)
        self.figure = CurvatureFigure()
        lay = QVBoxLayout(self.root)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addWidget(head)
        p = result.problem
        note = svm_note(p.loss, p.reg, p.strength)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setStyleSheet(f"color: #b35900; font-weight: bold; font-size: {FONT_PT}pt;")
            lay.addWidget(label)
        lay.addWidget(self.figure, 1)
        self.root.setFixedSize(*size)        # the output's size, whatever the panes' minimum sizes ask
        self.root.show()
        self.figure.show_result(result)
        self.size = size

    def image(self):
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        return self.root.grab().toImage()

    def paint(self, painter) -> None:
        """The whole picture onto ``painter`` (an SVG generator's): the widgets paint themselves."""
        from PySide6.QtCore import QPoint
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        self.root.render(painter, QPoint(0, 0))

    def close(self) -> None:
        self.root.close()
        self.root.deleteLater()


def render_curvature(result: CurvatureResult, out: str | os.PathLike, size: tuple[int, int] = (1600, 1000),
                     progress: Progress | None = None, overwrite: bool = False) -> Path:
    """Draw ``result`` as the window does and write it to ``out`` (.png or .svg)."""
    from app.ui.export.errors import RenderError
    from app.ui.export.image_io import save_png, save_svg
    from app.ui.export.qt_app import ensure_app

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise RenderError(f"the curvature figure is a picture: the output must end in .png or .svg, got '{out}'")
    ensure_app(need_gl=False)
    if progress is not None:
        progress(0.0, "drawing the figure")
    picture = CurvaturePicture(result, size)
    try:
        if suffix == ".svg":
            save_svg(out, size, size, title_of(result), picture.paint, overwrite=overwrite)
        else:
            save_png(picture.image(), out, overwrite=overwrite)
    finally:
        picture.close()
    if progress is not None:
        progress(1.0, "done")
    return out
