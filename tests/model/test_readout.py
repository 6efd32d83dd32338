"""The cursor readout gives the landscape's exact f and |grad f|, by hand on two surfaces."""
from __future__ import annotations

import landscapes
from app.model.readout import cursor_readout


def test_bowl_readout_is_exact():
    # f = x^2 + y^2 at (0.5, -1): f = 1.25, grad = (1, -2), |grad| = sqrt(5) = 2.236
    text = cursor_readout(landscapes.get("quadratic_bowl"), 0.5, -1.0)
    assert text == "x 0.5  y -1  f 1.25  |∇f| 2.24"


def test_small_and_large_numbers_use_powers_of_ten():
    f = landscapes.get("rosenbrock")          # f(1, 1) = 0, grad 0; f(-2, 3) = 9 + 100 = 109
    assert cursor_readout(f, 1.0, 1.0) == "x 1  y 1  f 0  |∇f| 0"
    assert "f 109" in cursor_readout(f, -2.0, 3.0)
    assert "f 1.00e-06" in cursor_readout(landscapes.get("quadratic_bowl"), 1e-3, 0.0)


def test_undefined_where_f_has_no_value():
    f = landscapes.from_expression("log(x) + y^2", bounds=((-2.0, 2.0), (-2.0, 2.0)))
    assert cursor_readout(f, -1.0, 0.5) == "x -1  y 0.5  f undefined"
