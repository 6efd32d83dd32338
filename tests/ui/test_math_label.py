"""Rendered formulas shrink to a narrow panel instead of being cut off."""
from __future__ import annotations

import pytest

from app.ui.common.math_label import MathLabel


def test_wide_formula_is_scaled_to_the_label_width(qtbot):
    label = MathLabel(point_size=15)
    qtbot.addWidget(label)
    label.set_math([r"$f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2 + \sin(x)\cos(y) + e^{-x^2}$"])
    if not label.rendered:
        pytest.skip("mathtext unavailable")
    natural = label.sizeHint().width()
    label.resize(natural // 2, 80)
    label.show()
    qtbot.waitExposed(label)
    shown = label.pixmap()
    shown_width = shown.width() / shown.devicePixelRatio()
    assert shown_width <= label.contentsRect().width() + 1
    assert shown_width >= 0.8 * label.contentsRect().width()    # shrunk, not thrown away
    assert label.sizeHint().width() == natural                 # layouts still ask for the full size
    label.resize(natural + 20, 80)
    qtbot.wait(10)
    assert label.pixmap().width() / label.pixmap().devicePixelRatio() == pytest.approx(natural - 2, abs=2)
