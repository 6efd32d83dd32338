"""Typed values for every slider (issue 10, point 19): exact numbers, not only drag positions."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.ui.common.widgets import ParamSlider, parse_value


def test_parse_value_accepts_numbers_in_range_and_refuses_the_rest():
    assert parse_value("1.0", 1e-5, 10.0) == 1.0
    assert parse_value(" 1e-3 ", 1e-5, 10.0) == 1e-3
    assert parse_value("−0.5", -1.0, 1.0) == -0.5          # a typographic minus, as a caption might show
    for bad, why in (("abc", "is not a number"), ("", "is not a number"), ("nan", "not a finite number"),
                     ("inf", "not a finite number"), ("20", "outside"), ("1e-7", "outside")):
        with pytest.raises(ValueError, match=why):
            parse_value(bad, 1e-5, 10.0)


def test_typing_in_the_field_sets_the_exact_value(qtbot):
    s = ParamSlider("lr", 1e-5, 10.0, 0.03, log=True)
    qtbot.addWidget(s)
    s.show()
    seen = []
    s.value_edited.connect(seen.append)
    s.field.selectAll()
    qtbot.keyClicks(s.field, "1e-3")
    qtbot.keyClick(s.field, Qt.Key.Key_Return)
    assert seen == [1e-3] and s.value() == 1e-3
    assert s.label.text() == "lr 1.0e-03"
    # the slider moved to where 1e-3 lies on the log axis: 2/6 of the way from 1e-5 to 10
    assert s.slider.value() == round(1000 * 2 / 6)
    assert not s.error.isVisible()


def test_a_refused_value_changes_nothing_and_says_why(qtbot):
    s = ParamSlider("momentum", 0.0, 0.999, 0.9)
    qtbot.addWidget(s)
    s.show()
    seen = []
    s.value_edited.connect(seen.append)
    assert not s.type_value("1.5")
    assert seen == [] and s.value() == 0.9
    assert s.error.isVisible() and s.error.text() == "not applied: 1.5 is outside 0 … 0.999"
    assert not s.type_value("fast")
    assert s.error.text() == "not applied: 'fast' is not a number" and s.value() == 0.9
    assert s.type_value("0.5") and s.value() == 0.5 and seen == [0.5]
    assert not s.error.isVisible()


@pytest.mark.gl
def test_lr_exactly_one_from_the_runs_panel(make_window, qtbot):
    """gd at lr typed as 1.0 on the bowl x^2 + y^2: x1 = x0 - 1.0 * 2 x0 = -x0 (a drag can only give 0.98 or 1.1)."""
    w = make_window()
    w.runs_panel.select(0)
    slider = w.runs_panel._sliders["lr"]
    slider.field.setFocus()
    slider.field.selectAll()
    qtbot.keyClicks(slider.field, "1.0")
    qtbot.keyClick(slider.field, Qt.Key.Key_Return)
    assert w.race.runs[0].solver.hyper["lr"] == 1.0
    assert w.race.scene.runs[0].hyper["lr"] == 1.0
    w.step_once()
    np.testing.assert_array_equal(w.race.runs[0].points[1], [1.5, -1.2])
    w.act_undo.trigger()                       # one undo step brings the old rate back
    assert w.race.runs[0].solver.hyper["lr"] == pytest.approx(0.1)
    # every slider of the panel has a field (noise too)
    qtbot.waitUntil(lambda: all(s.field.isVisibleTo(w.runs_panel) for s in w.runs_panel._sliders.values()))
    assert {"lr", "noise"} <= set(w.runs_panel._sliders)
