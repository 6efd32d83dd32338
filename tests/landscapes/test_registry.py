"""The landscape registry: exact names in teaching order, clear errors, rebuild from params."""
from __future__ import annotations

import numpy as np
import pytest

from landscapes import UnknownLandscapeError, get, names, register
from landscapes.base import Landscape

EXPECTED = [
    "quadratic_bowl", "ravine", "saddle", "monkey_saddle", "rosenbrock", "beale", "booth",
    "matyas", "himmelblau", "three_hump_camel", "six_hump_camel", "goldstein_price", "levi13",
    "mccormick", "styblinski_tang", "rastrigin", "ackley", "sharp_flat", "local_minima",
]


def test_names_are_exactly_the_designed_set_in_teaching_order():
    assert names() == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_every_name_builds_a_landscape_with_that_name(name):
    f = get(name)
    assert isinstance(f, Landscape)
    assert f.name == name


def test_typo_raises_with_close_match_and_the_full_list():
    with pytest.raises(UnknownLandscapeError) as info:
        get("rosenbrok")
    msg = str(info.value)
    assert msg.startswith("unknown landscape 'rosenbrok' (did you mean 'rosenbrock'?); known: quadratic_bowl, ")
    for name in EXPECTED:
        assert name in msg
    assert "\n" not in msg


@pytest.mark.parametrize("name", [None, 3, ["rosenbrock"]])
def test_a_name_that_is_not_text_is_an_unknown_landscape(name):
    with pytest.raises(UnknownLandscapeError, match="unknown landscape"):
        get(name)


def test_unknown_name_is_both_a_key_error_and_a_value_error():
    with pytest.raises(KeyError):
        get("no_such_surface")
    with pytest.raises(ValueError):
        get("no_such_surface")


def test_unknown_parameter_is_a_clear_value_error():
    with pytest.raises(ValueError, match="ravine"):
        get("ravine", conditon=5)


def test_registering_a_name_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        register("rosenbrock")(lambda: None)


@pytest.mark.parametrize("name", EXPECTED)
def test_params_rebuild_the_same_surface(name):
    f = get(name)
    g = get(name, **f.params)
    p = np.random.default_rng(1).uniform(-1.5, 1.5, size=(20, 2))
    np.testing.assert_array_equal(f.value(p), g.value(p))


def test_parameters_change_the_surface():
    assert get("ravine", condition=50).value([0.0, 1.0]) == pytest.approx(50.0)
    assert get("rosenbrock", a=2.0, b=10.0).value([2.0, 4.0]) == 0.0
    assert get("quadratic_bowl", center=(1.0, -2.0)).value([1.0, -2.0]) == 0.0
