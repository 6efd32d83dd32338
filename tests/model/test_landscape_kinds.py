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
    assert kind_of(LandscapeSpec(name="cifar_training")).name == "cifar_training"
    assert SPECIAL_LANDSCAPES == ("expression", "cifar_slice", "cifar_training", "toy_classifier")
    assert kind_of(LandscapeSpec(name="toy_classifier")).name == "toy_classifier"
    assert not set(SPECIAL_LANDSCAPES) & set(landscapes.names())


def test_only_the_cifar_kinds_are_slow_only_training_is_standalone_and_each_has_a_display_name():
    slow = {k.name: k.slow for k in all_kinds()}
    assert slow == {"named": False, "expression": False, "cifar_slice": True, "cifar_training": True,
                    "toy_classifier": False}
    assert [k.name for k in all_kinds() if k.standalone] == ["cifar_training"]
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
    (LandscapeSpec(name="cifar_training", params={"root": None, "cache_dir": None, "subset": 500, "loss": "svm",
                                                  "reg": "l1", "strength": 5, "seed": 2, "plane": "endpoints",
                                                  "eval_every": 40}), []),
    (LandscapeSpec(name="cifar_training", params={"subset": None, "strength": None, "eval_every": None}), []),
    (LandscapeSpec(name="cifar_training", params={"plan": "pca", "batch_size": 32}),
     ["params: unknown parameter 'plan' for cifar_training (did you mean 'plane'?)",
      "params: unknown parameter 'batch_size' for cifar_training"]),
    (LandscapeSpec(name="cifar_training", params={"loss": "softmx", "reg": "L2", "plane": "pcaa"}),
     ["params.loss: expected one of softmax, svm, got 'softmx' (did you mean 'softmax'?)",
      "params.reg: expected one of l2, l1, got 'L2'",
      "params.plane: expected one of pca, endpoints, random, got 'pcaa' (did you mean 'pca'?)"]),
    (LandscapeSpec(name="cifar_training", params={"subset": 0, "strength": -1.0, "seed": -2, "eval_every": 0}),
     ["params.subset: must be 1..49,000 training images (null: all 49,000), got 0",
      "params.strength: must not be negative, got -1.0", "params.seed: must not be negative, got -2",
      "params.eval_every: must be at least 1 (null: by time), got 0"]),
    (LandscapeSpec(name="cifar_training", params={"subset": 2.5, "seed": None, "root": 3, "loss": None}),
     ["params.subset: expected integer or null, got 2.5", "params.seed: expected integer, got None",
      "params.root: expected text or null, got 3", "params.loss: expected text, got None"]),
    (LandscapeSpec(name="cifar_training", expression="x", bounds=((0.0, 1.0), (0.0, 1.0)), l2=0.5),
     ["expression: a cifar_training scene does not use it (regularize with params.reg and params.strength; "
      "the plane's bounds follow the paths): leave it null",
      "bounds: a cifar_training scene does not use it (regularize with params.reg and params.strength; "
      "the plane's bounds follow the paths): leave it null",
      "l2: a cifar_training scene does not use it (regularize with params.reg and params.strength; "
      "the plane's bounds follow the paths): leave it 0"]),
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


def test_a_training_scene_is_no_surface_to_build():
    with pytest.raises(ValueError, match=r"^a cifar_training scene trains all 30,730 weights: it is no 2-D "
                                         r"surface to build or race with 2-D steppers$"):
        kind_of(LandscapeSpec(name="cifar_training")).build(LandscapeSpec(name="cifar_training"))
