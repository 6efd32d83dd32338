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
from pathlib import Path

from app.model.cifar_curvature import svm_note
from app.model.cifar_curvature_run import CurvatureResult
from app.model.cifar_solutions import PAIRS
from app.ui.export.offscreen_picture import OffscreenPicture, Progress, write_picture


def title_of(r: CurvatureResult) -> str:
    """e.g. "CIFAR-10 curvature: softmax + L2 λ=5000 on 5,000 images; W* is SGD; pair: λ = 0 vs λ > 0"."""
    return (f"CIFAR-10 curvature: {r.problem.label} on {len(r.problem.x):,} images; W* is SGD (batch 200, "
            f"lr 4e-7, 1,500 steps); pair: {PAIRS[r.pair.kind]}")


class CurvaturePicture(OffscreenPicture):
    """The curvature figure with its title (and SVM note), hidden, at one output size."""

    def __init__(self, result: CurvatureResult, size: tuple[int, int]) -> None:
        from PySide6.QtWidgets import QLabel

        from app.ui.views.curvature_figure import FONT_PT, CurvatureFigure

        super().__init__(size, title_of(result), title_pt=FONT_PT + 1, bold=True)
        self.svg_title = title_of(result)
        self.figure = CurvatureFigure()
        p = result.problem
        note = svm_note(p.loss, p.reg, p.strength)
        if note:
            label = QLabel(note)
            label.setWordWrap(True)
            label.setStyleSheet(f"color: #b35900; font-weight: bold; font-size: {FONT_PT}pt;")
            self.layout.addWidget(label)
        self.layout.addWidget(self.figure, 1)
        self.shown()
        self.figure.show_result(result)


def render_curvature(result: CurvatureResult, out: str | os.PathLike, size: tuple[int, int] = (1600, 1000),
                     progress: Progress | None = None, overwrite: bool = False) -> Path:
    """Draw ``result`` as the window does and write it to ``out`` (.png or .svg)."""
    return write_picture(lambda: CurvaturePicture(result, size), out, "the curvature figure",
                         progress=progress, overwrite=overwrite)
