"""The toy_classifier landscape kind: its params, their problems, and what it builds."""
from __future__ import annotations

import json

import numpy as np
import pytest

from app.model.build import build_landscape
from app.model.landscape_kinds import kind_of
from app.model.scene import LandscapeSpec
from app.model.scene_io import SceneError, load_scene
from landscapes.toy_classifier import WeightSpaceLandscape, classic_points, gaussian_blobs, two_rings


def spec(**params):
    return LandscapeSpec(name="toy_classifier", params=params)


def problems(**params):
    return kind_of(spec(**params)).problems(spec(**params))


def test_defaults_are_the_demo_ww_svm_over_w00_w01():
    f = build_landscape(spec())
    assert isinstance(f, WeightSpaceLandscape)
    X, y = classic_points()
    np.testing.assert_array_equal(f.objective.X, X)
    np.testing.assert_array_equal(f.objective.y, y)
    assert (f.objective.kind, f.objective.reg) == ("ww", 0.1)
    assert f.axis_labels == ("W[0,0]", "W[0,1]")
    # the demo's start W = [[1, 2], [2, -4], [3, -1]], b = [0, .5, -.5]; span 3 around W[0] = (1, 2)
    np.testing.assert_array_equal(f.center, [1, 2, 2, -4, 3, -1, 0, 0.5, -0.5])
    assert f.default_start == (1.0, 2.0)
    assert f.bounds == ((-2.0, 4.0), (-1.0, 5.0))


def test_every_param():
    f = build_landscape(spec(points=[[0.0, 0.0, 0], [1.0, 0.5, 1], [-1.0, 0.2, 1]], loss="softmax", reg=0.0,
                             axes=["b[1]", "W[1,0]"], span=2, W=[[0.1, 0.2], [0.3, 0.4]], b=[0.5, 0.6]))
    np.testing.assert_array_equal(f.objective.y, [0, 1, 1])
    assert f.objective.n_classes == 2 and f.axis_labels == ("b[1]", "W[1,0]")
    assert f.default_start == (0.6, 0.3)
    assert f.bounds == ((0.6 - 2, 0.6 + 2), (0.3 - 2, 0.3 + 2))
    # the loss at the start, by hand: scores s = X Wᵀ + b, softmax cross-entropy, no regularization
    X = np.array([[0.0, 0.0], [1.0, 0.5], [-1.0, 0.2]])
    s = X @ np.array([[0.1, 0.2], [0.3, 0.4]]).T + [0.5, 0.6]
    expected = np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(3), [0, 1, 1]])
    assert float(f.value(f.default_start)) == pytest.approx(expected, rel=1e-12)


def test_blobs_rings_and_random_axes():
    f = build_landscape(spec(data="blobs", classes=4, n=6, seed=2, axes="random"))
    X, y = gaussian_blobs(4, 6, seed=2)
    np.testing.assert_array_equal(f.objective.X, X)
    assert f.objective.n_params == 12 and f.axis_labels == ("d₁", "d₂")
    np.testing.assert_allclose(f.directions @ f.directions.T, np.eye(2), atol=1e-12)
    # four classes: a small seeded random start, not the demo's
    assert np.abs(f.center).max() < 3.0 and not np.all(f.center == 0)
    g = build_landscape(spec(data="rings", n=15, seed=1))
    np.testing.assert_array_equal(g.objective.X, two_rings(15, seed=1)[0])
    assert g.objective.n_classes == 2


@pytest.mark.parametrize("params,line", [
    ({"dat": "classic"}, "params.dat: unknown parameter 'dat' for toy_classifier (did you mean 'data'?)"),
    ({"data": "ring"}, "params.data: unknown data 'ring' (did you mean 'rings'?)"),
    ({"loss": "softmx"}, "params.loss: unknown loss 'softmx' (did you mean 'softmax'?)"),
    ({"reg": -0.1}, "params.reg: expected a finite number >= 0, got -0.1"),
    ({"reg": "0.1"}, "params.reg: expected a finite number >= 0, got '0.1'"),
    ({"span": 0}, "params.span: expected a finite number > 0, got 0"),
    ({"data": "blobs", "n": 2.5}, "params.n: expected a whole number from 1 to 666, got 2.5"),
    ({"seed": True}, "params.seed: expected a whole number >= 0, got True"),
    ({"points": [[0, 0, 0], [1, "a", 1]]}, "params.points: row 1 must be [x, y, class]"),
    ({"points": []}, "params.points: expected a non-empty list"),
    ({"points": [[0, 0, 0], [1, 1, 5]], "classes": 3}, "params.points: labels must lie in 0 .. 2 for 3 classes"),
    ({"W": [[1, 2], [3, 4]]}, "params.W: labels must lie in 0 .. 1 for 2 classes, got a label 2"),
    ({"W": [[1, 2], [3, 4], [5]]}, "params.W: expected a 3×2 list (one [w_x, w_y] row per class) for 3 classes"),
    ({"b": [1, 2]}, "params.b: expected a list of 3 numbers (one per class) for 3 classes"),
    ({"axes": ["W[0,0]", "W[3,0]"]}, "params.axes: unknown parameter 'W[3,0]'"),
    ({"axes": ["b[0]", "b[0]"]}, "params.axes: the two axes must be different parameters"),
    ({"axes": "diagonal"}, "params.axes: expected two parameter names"),
    ({"data": "blobs", "classes": 11}, "params.classes: expected a whole number from 2 to 10, got 11"),
    ({"data": "rings", "n": 10**9}, "params.n: expected a whole number from 1 to 1000, got 1000000000"),
    ({"points": [[0, 0, 0]] * 2001}, "params.points: at most 2000 points, got 2001"),
    ({"points": [[0, 0, 0], [1, 1, 12]]}, "params.points: class labels must lie in 0 .. 9, got a label 12"),
])
def test_each_problem_is_one_line_without_building(params, line):
    found = problems(**params)
    assert len(found) == 1 and found[0].startswith(line), found
    with pytest.raises(ValueError, match="^params"):
        build_landscape(spec(**params))


def test_several_problems_are_reported_together():
    found = problems(loss="hinge", reg=-1, colour="red")
    assert len(found) == 3 and all(p.startswith("params.") for p in found)


def test_l1_l2_would_hide_the_plane_and_are_refused():
    s = LandscapeSpec(name="toy_classifier", l2=0.1)
    assert kind_of(s).problems(s) == ["l2: a toy_classifier is regularized by params.reg (reg·ΣW²); "
                                      "set l1 and l2 to 0"]


def test_a_scene_file_with_bad_toy_params_is_refused_with_the_line():
    text = json.dumps({"version": 1, "landscape": {"name": "toy_classifier", "params": {"loss": "wwx"}},
                       "runs": [{"solver": "gd"}]})
    with pytest.raises(SceneError, match="unknown loss 'wwx'"):
        load_scene(text)
