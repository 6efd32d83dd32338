"""Landscape kinds: which kind a spec is, what each checks, and that each builds the surface it names."""
from __future__ import annotations

import numpy as np
import pytest

import landscapes
from app.model.landscape_kinds import NAMED, SPECIAL_LANDSCAPES, all_kinds, kind_of
from app.model.scene import LandscapeSpec

P = np.array([[0.3, -0.7], [1.5, 2.0]])


def test_every_spec_has_one_kind():
    assert kind_of(LandscapeSpec(name="rosenbrock")) is NAMED
    assert kind_of(LandscapeSpec(name="no such surface")) is NAMED   # NAMED reports the unknown name
    assert kind_of(LandscapeSpec(name="expression")).name == "expression"
    assert kind_of(LandscapeSpec(name="cifar_slice")).name == "cifar_slice"
    assert kind_of(LandscapeSpec(name="toy_classifier")).name == "toy_classifier"
    assert SPECIAL_LANDSCAPES == ("expression", "cifar_slice", "toy_classifier")
    assert not set(SPECIAL_LANDSCAPES) & set(landscapes.names())


def test_only_the_cifar_slice_is_slow_and_each_has_a_display_name():
    slow = {k.name: k.slow for k in all_kinds()}
    assert slow == {"named": False, "expression": False, "cifar_slice": True, "toy_classifier": False}
    names = [k.display_name for k in all_kinds()]
    assert all(names) and len(set(names)) == len(names)
    assert kind_of(LandscapeSpec(name="cifar_slice")).display_name == "CIFAR-10 slice"
    assert kind_of(LandscapeSpec(name="toy_classifier")).display_name == "Linear classifier (toy data)"


@pytest.mark.parametrize("spec, problems", [
    (LandscapeSpec(name="ravine", params={"condition": 10.0}), []),
    (LandscapeSpec(name="rosenbrok"), ["name: unknown landscape 'rosenbrok' (did you mean 'rosenbrock'?)"]),
    (LandscapeSpec(name="expresion"), ["name: unknown landscape 'expresion' (did you mean 'expression'?)"]),
    (LandscapeSpec(name="expression", expression="x^2 + y^2"), []),
    (LandscapeSpec(name="expression"), ["expression: a landscape named 'expression' needs the f(x, y) text"]),
    (LandscapeSpec(name="cifar_slice", params={"subset": 100, "root": None}), []),
    (LandscapeSpec(name="cifar_slice", params={"subsett": 100}),
     ["params: unknown parameter 'subsett' for cifar_slice (did you mean 'subset'?)"]),
    (LandscapeSpec(name="cifar_slice", params={"root": 5}), ["params.root: expected text or null, got 5"]),
    (LandscapeSpec(name="cifar_slice", params={"subset": "abc", "seed": None, "strength": True, "loss": 1}),
     ["params.subset: expected integer or null, got 'abc'", "params.seed: expected integer, got None",
      "params.strength: expected number or null, got True", "params.loss: expected text, got 1"]),
    (LandscapeSpec(name="cifar_slice", params={"subset": None, "strength": 2, "seed": 3, "plane": "random"}), []),
])
def test_each_kind_checks_its_fields(spec, problems):
    assert kind_of(spec).problems(spec) == problems


def test_bad_params_and_formulas_are_problems_not_exceptions():
    [p] = NAMED.problems(LandscapeSpec(name="ravine", params={"condition": "steep"}))
    assert p.startswith("params: ")
    [p] = NAMED.problems(LandscapeSpec(name="ravine", params={"no_such_param": 1}))
    assert p.startswith("params: ") and "no_such_param" in p
    spec = LandscapeSpec(name="expression", expression="x^2 + __import__('os')")
    [p] = kind_of(spec).problems(spec)
    assert p.startswith("expression: ")


def test_each_fast_kind_builds_the_surface_it_names():
    ravine = NAMED.build(LandscapeSpec(name="ravine", params={"condition": 10.0}))
    # ravine(κ = 10) is x² + 10 y² (hand-written)
    np.testing.assert_allclose(ravine.value(P), P[:, 0] ** 2 + 10 * P[:, 1] ** 2, rtol=1e-12)
    spec = LandscapeSpec(name="expression", expression="x^2 + 3*y^2", bounds=((-1.0, 2.0), (-3.0, 1.0)))
    f = kind_of(spec).build(spec)
    np.testing.assert_allclose(f.value(P), P[:, 0] ** 2 + 3 * P[:, 1] ** 2, rtol=1e-12)
    assert f.bounds == ((-1.0, 2.0), (-3.0, 1.0))
