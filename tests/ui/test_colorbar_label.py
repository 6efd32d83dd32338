"""The colour bar's label ("f(x, y)") never covers one of its tick labels, in the window and in
lecture mode, for short and for long tick labels (issue 10 point 14)."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QImage, QPainter

from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

pytestmark = pytest.mark.gl


def scene_of(expression: str) -> Scene:
    return Scene(title="colour bar", landscape=LandscapeSpec("expression", expression=expression,
                                                            bounds=((-2.0, 2.0), (-2.0, 2.0)), resolution=40),
                 runs=[RunSpec("gd", {"lr": 0.01}, start=(1.0, 1.0))], playback=PlaybackSpec(steps=5))


def overlaps(axis) -> list[str]:
    """Tick labels of ``axis`` whose rectangles meet its label's, in the axis' coordinates."""
    img = QImage(10, 10, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    try:
        _, _, texts = axis.generateDrawSpecs(p)
    finally:
        p.end()
    label = axis.label.mapRectToParent(axis.label.boundingRect())
    assert texts, "no tick labels at all"
    return [text for rect, _flags, text in texts if rect.intersects(label)]


@pytest.mark.parametrize("expression", ["1.93 + 0.02*(x^2 + y^2)", "1000 + 12345*(x^2 + y^2)"])
def test_colorbar_label_clear_of_the_ticks(qtbot, make_app, expression):
    w, features = make_app(scene_of(expression))
    axis = w.contour_view.colorbar.getAxis("right")
    qtbot.wait(100)
    assert overlaps(axis) == []
    features["lecture"].enter()
    qtbot.wait(200)
    assert overlaps(axis) == []
    features["lecture"].leave()
