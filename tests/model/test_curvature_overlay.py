"""What the curvature overlay draws and says (curvature_sketch) and the curvature colouring
(curvature_colour), Qt-free; numbers from Hessians worked by hand."""
from __future__ import annotations

import numpy as np
import pytest

import landscapes
import solvers
from app.model import scene_io
from app.model.curvature import curvature_of, local_curvature
from app.model.curvature_colour import CLIP_PERCENTILE, curvature_field
from app.model.curvature_sketch import bound_applies, curvature_text, lr_bound, sketch
from app.model.scene import Scene


def quadratic_form(curv, P):
    d = P - curv.point
    return 0.5 * np.einsum("ni,ij,nj->n", d, curv.hessian, d)


def test_a_minimum_is_one_solid_ellipse_with_axes_along_the_eigenvectors():
    c = curvature_of(np.diag([2.0, 8.0]), (1.0, -1.0))
    s = sketch(c, 0.5)
    assert s.kind == "ellipse" and len(s.rising) == 1 and s.falling == []
    level = 0.5 * 2.0 * 0.5**2                                  # widest semi-axis √(2c/λmin) = 0.5
    np.testing.assert_allclose(quadratic_form(c, s.rising[0]), level, rtol=1e-12)
    lengths = sorted(float(np.linalg.norm(a[1] - a[0])) / 2 for a in s.axes)
    np.testing.assert_allclose(lengths, [0.25, 0.5], rtol=1e-12)   # √(2c/8), √(2c/2)
    for a in s.axes:                                           # centred on the point, along x or y
        np.testing.assert_allclose(a.mean(axis=0), c.point, atol=1e-12)
        assert min(abs(a[1] - a[0])) < 1e-12


def test_a_maximum_is_dashed_and_a_saddle_has_both():
    top = sketch(curvature_of(-np.diag([1.0, 3.0])), 1.0)
    assert top.kind == "ellipse" and top.rising == [] and len(top.falling) == 1
    saddle = curvature_of(np.diag([-2.0, 2.0]))
    s = sketch(saddle, 1.0)
    assert s.kind == "hyperbola" and len(s.rising) == 2 and len(s.falling) == 2
    for line in s.rising:
        assert np.all(quadratic_form(saddle, line) > 0)
    for line in s.falling:
        assert np.all(quadratic_form(saddle, line) < 0)


def test_a_valley_floor_is_two_lines_and_a_plane_nothing():
    s = sketch(curvature_of(np.diag([0.0, 4.0])), 0.3)
    assert s.kind == "lines" and len(s.rising) == 2 and len(s.axes) == 1
    for line in s.rising:
        np.testing.assert_allclose(np.abs(line[:, 1]), 0.3, rtol=1e-12)
    assert sketch(curvature_of(np.zeros((2, 2))), 0.3).kind == "none"


def test_the_words_at_a_point():
    c = local_curvature(landscapes.get("ravine", condition=20.0), (0.5, 0.5))
    assert curvature_text(c) == "λmin 2  λmax 40  κ 20"
    assert curvature_text(curvature_of(np.diag([-1.5, 3.0]))) == "λmin −1.5  λmax 3  κ 2"
    assert "κ ∞" in curvature_text(curvature_of(np.diag([0.0, 1.0])))


@pytest.mark.parametrize("solver, hyper, applies", [
    ("gd", {}, True), ("sgd", {"lr": 0.1}, True), ("momentum", {"momentum": 0.0}, True),
    ("nesterov", {"momentum": 0.5}, True), ("momentum", {"momentum": 0.9}, True),
    ("adam", {}, False), ("rmsprop", {}, False), ("adagrad", {}, False), ("newton", {}, False),
])
def test_which_solvers_the_bound_is_for(solver, hyper, applies):
    assert bound_applies(solver, hyper) is applies


def test_momentum_zero_steps_exactly_like_gd_so_it_shares_the_bound():
    f = landscapes.get("ravine", condition=10.0)
    a = solvers.run(solvers.make("gd", lr=0.05), f, (1.0, 1.0), steps=20).points
    b = solvers.run(solvers.make("momentum", lr=0.05, momentum=0.0), f, (1.0, 1.0), steps=20).points
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_the_bound_with_weight_decay_is_checked_by_running_gd_on_both_sides():
    f = landscapes.get("quadratic_bowl")                         # λmax 2, decay 0.5: bound 2/2.5
    c = local_curvature(f, (1.0, 0.5))
    b = lr_bound("gd", {"lr": 0.1, "weight_decay": 0.5}, c)
    assert b.value == pytest.approx(0.8) and "2/(λmax+λ)" in b.note and not b.past
    below = solvers.run(solvers.make("gd", lr=0.99 * b.value, weight_decay=0.5), f, (1.0, 0.5), steps=2000)
    above = solvers.run(solvers.make("gd", lr=1.01 * b.value, weight_decay=0.5), f, (1.0, 0.5), steps=2000)
    assert np.linalg.norm(below.points[-1]) < 1e-6 and (above.diverged or np.linalg.norm(above.points[-1]) > 10)
    assert lr_bound("gd", {"lr": 0.81, "weight_decay": 0.5}, c).past
    assert lr_bound("adam", {"lr": 0.81}, c) is None


def test_no_bound_where_the_surface_does_not_curve_up():
    b = lr_bound("gd", {"lr": 10.0}, curvature_of(-np.eye(2)))
    assert b.value is None and not b.past and "no lr is unstable" in b.note


def test_lambda_min_field_is_centred_on_its_negative_part():
    f = landscapes.get("saddle")                               # x² − y²: λmin −2 everywhere
    xs = ys = np.linspace(-1, 1, 11)
    field = curvature_field(f, xs, ys, "lambda_min")
    np.testing.assert_allclose(field.values, -2.0)
    assert field.levels == (-2.0, 2.0) and field.diverging
    bowl = curvature_field(landscapes.get("quadratic_bowl"), xs, ys, "lambda_min")
    assert bowl.levels == (-2.0, 2.0)                           # no negative cell: all of |λmin|
    quartic = landscapes.from_expression("x^4 - x^2 + y^2")
    q = curvature_field(quartic, np.linspace(-1, 1, 201), ys, "lambda_min")
    neg = -q.values[q.values < 0]
    assert q.levels[1] == pytest.approx(np.percentile(neg, CLIP_PERCENTILE)) and q.levels[1] < 2.0


def test_ratio_field_and_undefined_cells():
    xs = ys = np.linspace(-1, 1, 9)
    r = curvature_field(landscapes.get("ravine", condition=10.0), xs, ys, "curvature_ratio")
    np.testing.assert_allclose(r.values, 0.1, rtol=1e-12)
    assert r.levels == (0.0, 1.0) and not r.diverging
    undefined = np.zeros((9, 9), dtype=bool)
    undefined[:, :3] = True
    u = curvature_field(landscapes.get("quadratic_bowl"), xs, ys, "curvature_ratio", undefined)
    assert np.isnan(u.values[:, :3]).all() and np.isfinite(u.values[:, 3:]).all()


def test_bad_colourings_are_one_line_errors():
    f = landscapes.get("quadratic_bowl")
    with pytest.raises(ValueError, match="color_by must be one of loss, lambda_min, curvature_ratio"):
        curvature_field(f, [0, 1], [0, 1], "lambdamin")
    with pytest.raises(ValueError, match="has no Hessian"):
        curvature_field(object(), [0, 1], [0, 1], "lambda_min")


def test_a_scene_keeps_its_colouring_and_refuses_an_unknown_one():
    d = scene_io.scene_to_dict(Scene())
    assert d["view"]["color_by"] == "loss"
    d["view"]["color_by"] = "lambda_min"
    assert scene_io.scene_from_dict(d).view.color_by == "lambda_min"
    d["view"]["color_by"] = "curvature"
    with pytest.raises(scene_io.SceneError, match="color_by"):
        scene_io.scene_from_dict(d)


def test_a_slow_surface_field_comes_in_rows_with_progress_and_stops_when_cancelled():
    f = landscapes.get("saddle")
    xs, ys = np.linspace(-1, 1, 300), np.linspace(-1, 1, 40)        # 2048 points a chunk: 6 rows each
    seen = []
    field = curvature_field(f, xs, ys, "lambda_min", progress=lambda fr, _m: seen.append(fr))
    whole = curvature_field(f, xs, ys, "lambda_min")
    np.testing.assert_array_equal(field.values, whole.values)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 7
    calls = []
    assert curvature_field(f, xs, ys, "lambda_min", cancel=lambda: calls.append(1) or len(calls) > 2) is None
    assert len(calls) == 3


@pytest.mark.parametrize("solver, hyper, factor, name", [
    ("momentum", {"momentum": 0.9}, 2 * 1.9, "2(1+μ)/λmax"),
    ("momentum", {"momentum": 0.9, "dampening": 0.5}, 2 * 1.9 / 0.5, "2(1+μ)/((1−τ)λmax)"),
    ("momentum", {"momentum": 0.0, "dampening": 0.5}, 2.0, "2/λmax"),        # μ = 0: torch steps plain gd
    ("nesterov", {"momentum": 0.9}, 2 * 1.9 / 2.8, "2(1+μ)/((1+2μ)λmax)"),
    ("momentum", {"momentum": 0.5, "weight_decay": 3.0}, 2 * 1.5, "2(1+μ)/(λmax+λ)"),
])
def test_momentum_bounds_are_checked_by_running_on_both_sides(solver, hyper, factor, name):
    """The bound of each momentum form, by hand, and single runs at 0.97× converge and at 1.03× diverge."""
    f = landscapes.get("ravine", condition=10.0)                 # λmax = 20 everywhere
    c = local_curvature(f, (1.0, 0.5))
    b = lr_bound(solver, {"lr": 0.01, **hyper}, c)
    wd = hyper.get("weight_decay", 0.0)
    assert b.value == pytest.approx(factor / (20.0 + wd), rel=1e-12) and b.name == name
    assert b.note.startswith(name + " = ")
    for scale, diverges in ((0.97, False), (1.03, True)):
        run = solvers.run(solvers.make(solver, **{**hyper, "lr": scale * b.value}), f, (1.0, 0.5), steps=4000)
        assert bool(run.diverged) == diverges, scale
        if not diverges:
            assert np.linalg.norm(run.points[-1]) < 1e-3
