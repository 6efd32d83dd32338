"""2-D curvature: eigenpairs, the local quadratic's level curves, 2/λmax checked by running GD, the map."""
from __future__ import annotations

import numpy as np
import pytest

import landscapes
import solvers
from app.model.curvature import (
    curvature_map,
    curvature_of,
    eigenvalues_2x2,
    gd_stability_bound,
    level_curve,
    level_for_size,
    local_curvature,
)


def quadratic_form(curv, P):
    d = P - curv.point
    return 0.5 * np.einsum("ni,ij,nj->n", d, curv.hessian, d)


@pytest.mark.parametrize("name, params, lam_max", [
    ("quadratic_bowl", {}, 2.0),
    ("ravine", {"condition": 20.0}, 40.0),
    ("ravine", {"condition": 50.0, "angle": 30.0}, 100.0),
])
def test_gd_converges_just_below_two_over_lambda_max_and_diverges_just_above(name, params, lam_max):
    f = landscapes.get(name, **params)
    start = f.default_start
    bound = gd_stability_bound(f, start)
    assert bound == pytest.approx(2.0 / lam_max, rel=1e-12)   # the Hessians are known in closed form
    below = solvers.run(solvers.make("sgd", lr=0.99 * bound), f, start, steps=3000)
    above = solvers.run(solvers.make("sgd", lr=1.01 * bound), f, start, steps=3000)
    assert not below.diverged and below.losses[-1] < 1e-8 * below.losses[0]
    assert above.diverged and above.losses[-1] > 10 * above.losses[0]


def test_eigenpairs_and_condition_of_the_rotated_ravine():
    f = landscapes.get("ravine", condition=20.0, angle=30.0)
    c = local_curvature(f, (0.3, -0.2))
    np.testing.assert_allclose(c.eigenvalues, [2.0, 40.0], rtol=1e-12)
    t = np.radians(30.0)
    assert abs(c.eigenvectors[:, 0] @ [np.cos(t), np.sin(t)]) == pytest.approx(1.0)   # flat along the valley
    assert c.condition == pytest.approx(20.0)
    assert c.kind == "minimum" and c.lambda_min == pytest.approx(2.0) and c.lambda_max == pytest.approx(40.0)


def test_ellipse_points_satisfy_the_quadratic_form():
    c = curvature_of([[3.0, 1.0], [1.0, 2.0]], (0.5, -1.0))
    curve = level_curve(c, 0.7)
    assert curve.kind == "ellipse" and curve.levels == [0.7]
    np.testing.assert_allclose(quadratic_form(c, curve.polylines[0]), 0.7, rtol=1e-12)
    # semi-axes √(2c/λ): the farthest point lies along the flat eigenvector
    far = curve.polylines[0][np.argmax(np.linalg.norm(curve.polylines[0] - c.point, axis=1))] - c.point
    assert np.linalg.norm(far) == pytest.approx(np.sqrt(2 * 0.7 / c.lambda_min), rel=1e-3)


def test_a_maximum_gives_an_ellipse_at_negative_level():
    c = curvature_of(-np.diag([1.0, 4.0]))
    curve = level_curve(c, 0.5)
    assert c.kind == "maximum" and c.gd_bound is None
    np.testing.assert_allclose(quadratic_form(c, curve.polylines[0]), -0.5, rtol=1e-12)


def test_saddle_gives_hyperbola_branches_rising_and_falling():
    f = landscapes.get("saddle")
    c = local_curvature(f, (0.0, 0.0))
    assert c.kind == "saddle" and c.lambda_min < 0 < c.lambda_max
    curve = level_curve(c, 0.25)
    assert curve.kind == "hyperbola" and len(curve.polylines) == 4
    for line, level in zip(curve.polylines, curve.levels, strict=True):
        np.testing.assert_allclose(quadratic_form(c, line), level, rtol=1e-10)
    assert sorted(curve.levels) == [-0.25, -0.25, 0.25, 0.25]
    # the two rising branches lie on opposite sides of the saddle along the up-curving eigenvector
    up = c.eigenvectors[:, 1]
    sides = [np.sign((line - c.point) @ up) for line in curve.polylines[:2]]
    assert np.all(sides[0] == 1) and np.all(sides[1] == -1)


def test_a_zero_eigenvalue_gives_parallel_lines_and_zero_gives_nothing():
    c = curvature_of(np.diag([0.0, 2.0]), (1.0, 1.0))
    curve = level_curve(c, 1.0, extent=5.0)
    assert c.kind == "flat" and c.condition == np.inf and curve.kind == "lines"
    for line in curve.polylines:
        np.testing.assert_allclose(quadratic_form(c, line), 1.0, rtol=1e-12)
        assert np.ptp(line[:, 0]) == pytest.approx(10.0)   # along the flat x direction
    assert level_curve(curvature_of(np.zeros((2, 2))), 1.0).kind == "none"


def test_level_for_size_sets_the_widest_semi_axis():
    c = curvature_of(np.diag([0.5, 8.0]))
    curve = level_curve(c, level_for_size(c.eigenvalues, 0.3))
    assert np.abs(curve.polylines[0]).max() == pytest.approx(0.3, rel=1e-12)


def test_curvature_map_matches_eigvalsh_pointwise():
    f = landscapes.get("rosenbrock")
    xs, ys = np.linspace(-2, 2, 7), np.linspace(-1, 3, 5)
    m = curvature_map(f, xs, ys)
    assert m.lambda_min.shape == (5, 7)
    for j, yv in enumerate(ys):
        for i, xv in enumerate(xs):
            lo, hi = np.linalg.eigvalsh(f.hessian(np.array([xv, yv])))
            assert m.lambda_min[j, i] == pytest.approx(lo, rel=1e-9, abs=1e-9)
            assert m.lambda_max[j, i] == pytest.approx(hi, rel=1e-9)
            assert m.ratio[j, i] == pytest.approx(abs(lo / hi), rel=1e-9, abs=1e-12)
    assert np.any(m.lambda_min < 0)   # Rosenbrock has non-convex regions


def test_eigenvalues_2x2_propagates_nan():
    lo, hi = eigenvalues_2x2(np.array([1.0, np.nan]), 0.0, 2.0)
    assert lo[0] == 1.0 and hi[0] == 2.0 and np.isnan(lo[1]) and np.isnan(hi[1])


@pytest.mark.parametrize("call, message", [
    (lambda: curvature_of([[1.0, np.inf], [0.0, 1.0]]), "finite 2 x 2"),
    (lambda: curvature_of(np.eye(3)), "finite 2 x 2"),
    (lambda: curvature_of(np.eye(2), (1.0, np.nan)), "finite pair"),
    (lambda: level_curve(curvature_of(np.eye(2)), -1.0), "level must be"),
    (lambda: level_curve(curvature_of(np.eye(2)), 1.0, points=2), "points must be"),
])
def test_bad_input_is_a_one_line_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
