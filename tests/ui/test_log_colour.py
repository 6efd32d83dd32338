"""A typed surface whose values span decades gets a log colour scale by default, so the map is
not one colour (exp(20x) + y² spans 1e17 over [-2, 2]²); L still switches it (issue 10 point 21)."""
from __future__ import annotations

import numpy as np
import pytest

from landscapes import from_expression

BOUNDS = ((-2.0, 2.0), (-2.0, 2.0))


@pytest.mark.parametrize("text,log", [("exp(20*x) + y^2", True), ("x^2 + y^2", False),
                                      ("x^2 + 10*y^2 - x*y", False), ("1 + cos(pi*x) + y^2", False)])
def test_log_scale_when_a_linear_one_would_be_one_colour(text, log):
    assert from_expression(text, bounds=BOUNDS).log_scale is log


def colour_share_at_the_bottom(grid) -> float:
    """Share of the map painted in the bottom 1 % of the colour bar."""
    t = (grid.g - grid.g_lo) / (grid.g_hi - grid.g_lo)
    return float((t < 0.01).mean())


def test_the_map_of_exp_20x_uses_the_whole_colour_bar():
    from app.ui.views.surface_grid import sample

    f = from_expression("exp(20*x) + y^2", bounds=BOUNDS)
    shown = sample(f, BOUNDS, 101)                     # the default: the landscape's log_scale
    linear = sample(f, BOUNDS, 101, log=False)         # what L off shows
    assert shown.log and not linear.log
    assert colour_share_at_the_bottom(linear) > 0.9    # one colour, as the issue saw it
    assert colour_share_at_the_bottom(shown) < 0.05
    # by hand: log10(f − f_min + eps) at the grid's corner (2, 2) is log10(e^40 + 4 − f_min) ≈ 40 / ln 10
    assert shown.g_hi == pytest.approx(40 / np.log(10), rel=1e-3)
