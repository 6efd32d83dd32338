"""The analytic landscapes against independent sources.

- values: a scalar reference formula per function, typed from the test-function
  tables (Surjanovic & Bingham's VLSE; Jamil & Yang 2013), not from the code;
- minima: the published minimizers and minimum values;
- gradients and Hessians: central finite differences (computed here, not with
  landscapes.gradcheck), and scipy's rosen/rosen_der/rosen_hess formulas;
- no point of a fine grid over the view lies below the stated global minimum.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscapes import get, names

PI, E = math.pi, math.e


def _gauss(x, y, a, mx, my, s):
    return a * math.exp(-((x - mx) ** 2 + (y - my) ** 2) / (2 * s * s))


REFERENCE = {
    "quadratic_bowl": lambda x, y: x**2 + y**2,
    "ravine": lambda x, y: x**2 + 20 * y**2,
    "saddle": lambda x, y: x**2 - y**2,
    "monkey_saddle": lambda x, y: x**3 - 3 * x * y**2,
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "beale": lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "matyas": lambda x, y: 0.26 * (x**2 + y**2) - 0.48 * x * y,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "three_hump_camel": lambda x, y: 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2,
    "six_hump_camel": lambda x, y: (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2,
    "goldstein_price": lambda x, y: (
        (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2))
        * (30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2))
    ),
    "levi13": lambda x, y: (
        math.sin(3 * PI * x) ** 2 + (x - 1) ** 2 * (1 + math.sin(3 * PI * y) ** 2)
        + (y - 1) ** 2 * (1 + math.sin(2 * PI * y) ** 2)
    ),
    "mccormick": lambda x, y: math.sin(x + y) + (x - y) ** 2 - 1.5 * x + 2.5 * y + 1,
    "styblinski_tang": lambda x, y: sum(t**4 - 16 * t**2 + 5 * t for t in (x, y)) / 2,
    "rastrigin": lambda x, y: 10 * 2 + sum(t**2 - 10 * math.cos(2 * PI * t) for t in (x, y)),
    "ackley": lambda x, y: (
        -20 * math.exp(-0.2 * math.sqrt(0.5 * (x**2 + y**2)))
        - math.exp(0.5 * (math.cos(2 * PI * x) + math.cos(2 * PI * y))) + E + 20
    ),
    "sharp_flat": lambda x, y: (
        2 + 0.05 * (x**2 + y**2) - _gauss(x, y, 1.7, -1.5, -0.6, 0.2) - _gauss(x, y, 1.55, 1.2, 0.6, 0.9)
    ),
    "local_minima": lambda x, y: (
        2 + 0.15 * (x**2 + y**2) - _gauss(x, y, 2.0, 1.3, -0.9, 0.8) - _gauss(x, y, 1.2, -1.3, 1.0, 0.5)
    ),
}

# Published global minimizers and minimum values: (minimizers, f*, |Δp| tol, |Δf| tol).
# Lecture shapes: the design figures stated in their docstrings (5 decimals).
PUBLISHED = {
    "quadratic_bowl": ([(0, 0)], 0.0, 0, 1e-15),
    "ravine": ([(0, 0)], 0.0, 0, 1e-15),
    "saddle": ([], None, 0, 0),
    "monkey_saddle": ([], None, 0, 0),
    "rosenbrock": ([(1, 1)], 0.0, 0, 1e-15),
    "beale": ([(3, 0.5)], 0.0, 0, 1e-15),
    "booth": ([(1, 3)], 0.0, 0, 1e-15),
    "matyas": ([(0, 0)], 0.0, 0, 1e-15),
    "himmelblau": ([(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
                   0.0, 1e-6, 1e-15),
    "three_hump_camel": ([(0, 0)], 0.0, 0, 1e-15),
    "six_hump_camel": ([(0.0898, -0.7126), (-0.0898, 0.7126)], -1.0316284535, 1e-4, 1e-10),
    "goldstein_price": ([(0, -1)], 3.0, 0, 1e-12),
    "levi13": ([(1, 1)], 0.0, 0, 1e-15),
    "mccormick": ([(-0.54719, -1.54719)], -1.9132229549, 1e-5, 1e-10),
    "styblinski_tang": ([(-2.903534, -2.903534)], -78.33233140754282, 1e-6, 1e-11),
    "rastrigin": ([(0, 0)], 0.0, 0, 1e-15),
    "ackley": ([(0, 0)], 0.0, 0, 1e-14),
    "sharp_flat": ([(-1.49592, -0.59834)], 0.42301, 1e-5, 1e-5),
    "local_minima": ([(1.18452, -0.82005)], 0.34192, 1e-5, 1e-5),
}

# Known non-global local minimizers with their values (published or derived by hand).
LOCAL = {
    "three_hump_camel": [((1.7475523, -0.8737762), 0.2986384), ((-1.7475523, 0.8737762), 0.2986384)],
    "styblinski_tang": [((-2.903534, 2.746803), -64.19561), ((2.746803, -2.903534), -64.19561),
                        ((2.746803, 2.746803), -50.05889)],
    "sharp_flat": [((1.14025, 0.57012), 0.53552)],
    "local_minima": [((-1.22132, 0.93951), 1.17856)],
}

ALL = list(REFERENCE)
WITH_MINIMUM = [n for n in ALL if PUBLISHED[n][1] is not None]


def central_grad(f, p, h=1e-6):
    """Central differences of f.value, written out per coordinate."""
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    return np.stack([(f.value(p + ex) - f.value(p - ex)) / (2 * h),
                     (f.value(p + ey) - f.value(p - ey)) / (2 * h)], axis=-1)


def central_hessian(f, p, h=1e-5):
    """Central differences of the analytic gradient: column j = ∂∇f/∂pⱼ."""
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    cx = (f.grad(p + ex) - f.grad(p - ex)) / (2 * h)
    cy = (f.grad(p + ey) - f.grad(p - ey)) / (2 * h)
    return np.stack([cx, cy], axis=-1)


def points_in_view(f, n, seed):
    (x0, x1), (y0, y1) = f.bounds
    p = np.random.default_rng(seed).uniform([x0, y0], [x1, y1], size=(n, 2))
    if f.name == "ackley":  # the cone tip is not differentiable; stay off it
        p = p[np.hypot(p[:, 0], p[:, 1]) > 0.05]
    return p


def test_reference_table_covers_every_registered_landscape():
    assert sorted(REFERENCE) == sorted(names())


# --- values -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_values_match_the_reference_formula(name):
    f, ref = get(name), REFERENCE[name]
    p = points_in_view(f, 300, seed=10)
    expected = np.array([ref(x, y) for x, y in p])
    np.testing.assert_allclose(f.value(p), expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


# --- minima -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_minima_are_the_published_ones(name):
    f = get(name)
    published, fstar, ptol, _ = PUBLISHED[name]
    assert len(f.minima) == len(published)
    for found, pub in zip(f.minima, published, strict=True):
        np.testing.assert_allclose(found, pub, rtol=0, atol=max(ptol, 1e-15))
    if fstar is None:
        assert f.min_value is None
    else:
        assert f.min_value == pytest.approx(fstar, abs=PUBLISHED[name][3])


@pytest.mark.parametrize("name", WITH_MINIMUM)
def test_value_at_each_minimizer_is_min_value_and_gradient_vanishes(name):
    f = get(name)
    m = np.array(f.minima)
    _, fstar, _, ftol = PUBLISHED[name]
    np.testing.assert_allclose(f.value(m), fstar, rtol=0, atol=ftol)
    np.testing.assert_allclose(f.value(m), f.min_value, rtol=1e-12, atol=1e-14)
    # ∇f = 0 up to rounding of the largest term in the gradient.
    assert np.abs(f.grad(m)).max() < 1e-12 * max(1.0, np.abs(f.hessian(m)).max() * 10)


@pytest.mark.parametrize("name", WITH_MINIMUM)
def test_value_at_the_published_rounded_minimizer_is_near_min_value(name):
    f = get(name)
    published, fstar, ptol, ftol = PUBLISHED[name]
    # Rounding p* to ptol costs at most ½·λmax·(√2·ptol)² in value.
    lam = np.abs(np.linalg.eigvalsh(f.hessian(np.array(f.minima)))).max()
    slack = ftol + lam * ptol**2 + 1e-14
    np.testing.assert_allclose(f.value(np.array(published, float)), fstar, rtol=0, atol=slack)


@pytest.mark.parametrize("name", WITH_MINIMUM)
def test_hessian_at_minima_is_positive_semidefinite(name):
    f = get(name)
    H = f.hessian(np.array(f.minima))
    assert np.all(np.isfinite(H))
    np.testing.assert_array_equal(H, np.swapaxes(H, -1, -2))
    assert np.all(np.linalg.eigvalsh(H) >= -1e-9)


@pytest.mark.parametrize("name", WITH_MINIMUM)
def test_no_grid_point_is_below_the_global_minimum(name):
    f = get(name)
    (x0, x1), (y0, y1) = f.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 801), np.linspace(y0, y1, 801))
    Z = f.value(np.stack([X, Y], axis=-1))
    assert Z.min() >= f.min_value - 1e-9 * max(1.0, abs(f.min_value))
    # ... and the minimum is in view: the grid gets close to it.
    span = Z.max() - f.min_value
    assert Z.min() - f.min_value < 1e-2 * span


@pytest.mark.parametrize("name", list(LOCAL))
def test_known_local_minima_are_stationary_strict_and_worse(name):
    f = get(name)
    expected = LOCAL[name]
    assert len(f.local_minima) == len(expected)
    for found, (pos, val) in zip(f.local_minima, expected, strict=True):
        np.testing.assert_allclose(found, pos, atol=1e-5)
        assert f.value(found) == pytest.approx(val, abs=1e-5)
        assert np.abs(f.grad(found)).max() < 1e-10
        assert np.linalg.eigvalsh(f.hessian(found)).min() > 0
        assert f.value(found) > f.min_value


def test_sharp_minimum_is_sharp_and_flat_minimum_is_flat():
    f = get("sharp_flat")
    sharp = np.linalg.eigvalsh(f.hessian(f.minima[0]))
    flat = np.linalg.eigvalsh(f.hessian(f.local_minima[0]))
    assert sharp.min() > 10 * flat.max()
    # "similar depth": the two values differ by less than a tenth of the bowl's height.
    assert abs(f.value(f.minima[0]) - f.value(f.local_minima[0])) < 0.15


def test_saddles_are_stationary_but_not_minima():
    for name in ("saddle", "monkey_saddle"):
        f = get(name)
        assert f.minima == () and f.min_value is None
        np.testing.assert_array_equal(f.grad([0.0, 0.0]), [0.0, 0.0])
        assert f.value([0.0, 1e-3]) < 0 or f.value([-1e-3, 0.0]) < 0
    np.testing.assert_array_equal(get("saddle").hessian([0.3, -0.2]), [[2, 0], [0, -2]])
    np.testing.assert_array_equal(get("monkey_saddle").hessian([0.0, 0.0]), np.zeros((2, 2)))


# --- derivatives ------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_gradient_matches_central_differences(name):
    f = get(name)
    p = points_in_view(f, 200, seed=20)
    ga, gn = f.grad(p), central_grad(f, p)
    scale = np.abs(gn).max()
    np.testing.assert_allclose(ga, gn, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("name", ALL)
def test_hessian_matches_central_differences_of_the_gradient(name):
    f = get(name)
    p = points_in_view(f, 200, seed=30)
    Ha, Hn = f.hessian(p), central_hessian(f, p)
    scale = np.abs(Hn).max()
    np.testing.assert_allclose(Ha, Hn, rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_array_equal(Ha, np.swapaxes(Ha, -1, -2))


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(ALL),
    u=st.floats(0.0, 1.0),
    v=st.floats(0.0, 1.0),
)
def test_gradient_matches_central_differences_anywhere_in_view(name, u, v):
    f = get(name)
    (x0, x1), (y0, y1) = f.bounds
    p = np.array([x0 + u * (x1 - x0), y0 + v * (y1 - y0)])
    if name == "ackley" and np.hypot(*p) < 0.05:
        return
    scale = max(1.0, f.grad_scale)
    np.testing.assert_allclose(f.grad(p), central_grad(f, p), rtol=1e-5, atol=1e-5 * scale)


def test_rosenbrock_matches_scipy_formulas():
    """scipy.optimize.rosen, rosen_der, rosen_hess written out for n = 2."""
    f = get("rosenbrock")
    p = np.random.default_rng(4).uniform(-2, 3, size=(100, 2))
    x0, x1 = p[:, 0], p[:, 1]
    rosen = 100.0 * (x1 - x0**2) ** 2 + (1 - x0) ** 2
    der0 = -400 * x0 * (x1 - x0**2) - 2 * (1 - x0)
    der1 = 200 * (x1 - x0**2)
    h00 = 1200 * x0**2 - 400 * x1 + 2
    h01 = -400 * x0
    h11 = 200.0
    np.testing.assert_allclose(f.value(p), rosen, rtol=1e-14)
    np.testing.assert_allclose(f.grad(p), np.stack([der0, der1], -1), rtol=1e-13, atol=1e-12)
    H = f.hessian(p)
    np.testing.assert_allclose(H[:, 0, 0], h00, rtol=1e-13, atol=1e-11)
    np.testing.assert_allclose(H[:, 0, 1], h01, rtol=1e-13)
    np.testing.assert_allclose(H[:, 1, 0], h01, rtol=1e-13)
    np.testing.assert_allclose(H[:, 1, 1], h11, rtol=1e-13)


def test_ackley_origin_is_finite_with_zero_gradient():
    f = get("ackley")
    for p in ([0.0, 0.0], [1e-200, 0.0], [0.0, -1e-300], [5e-324, 5e-324]):
        assert np.all(np.isfinite(f.value(p))) and np.all(np.isfinite(f.grad(p)))
        assert np.all(np.isfinite(f.hessian(p)))
    np.testing.assert_array_equal(f.grad([0.0, 0.0]), [0.0, 0.0])
    H0 = f.hessian([0.0, 0.0])
    # Ripple term: E·2π² with E = e at the origin; cone term along every ray: −20k², k = 0.2/√2.
    expected = 2 * PI**2 * E - 20 * 0.02
    np.testing.assert_allclose(H0, [[expected, 0.0], [0.0, expected]], rtol=1e-12)
    # Just off the tip the gradient points outward with the cone's slope 20k = 2√2·... (≈ 2.83).
    g = f.grad([1e-9, 0.0])
    assert g[0] == pytest.approx(20 * 0.2 / math.sqrt(2), rel=1e-6) and g[1] == 0.0


# --- ravine -----------------------------------------------------------------------

@pytest.mark.parametrize("condition", [1.0, 5.0, 20.0, 1000.0])
@pytest.mark.parametrize("angle", [0.0, 30.0, -45.0, 90.0])
def test_ravine_condition_number_is_the_hessian_eigenvalue_ratio(condition, angle):
    f = get("ravine", condition=condition, angle=angle)
    H = f.hessian([0.3, -0.7])
    lam, vec = np.linalg.eigh(H)
    assert lam[1] / lam[0] == pytest.approx(condition, rel=1e-12)
    np.testing.assert_allclose(lam, [2.0, 2.0 * condition], rtol=1e-12)
    if condition > 1:  # the flat direction is the valley axis, at `angle` from x
        t = math.radians(angle)
        assert abs(vec[:, 0] @ [math.cos(t), math.sin(t)]) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("bad", [0.5, -3.0, float("nan"), float("inf"), "steep"])
def test_ravine_rejects_bad_condition(bad):
    with pytest.raises(ValueError, match="condition"):
        get("ravine", condition=bad)


@pytest.mark.parametrize("kwargs", [{"a": float("nan")}, {"b": -1.0}])
def test_rosenbrock_rejects_bad_parameters(kwargs):
    with pytest.raises(ValueError, match="rosenbrock"):
        get("rosenbrock", **kwargs)


# --- vectorization ----------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_grid_evaluation_equals_per_point_evaluation(name):
    f = get(name)
    (x0, x1), (y0, y1) = f.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 400), np.linspace(y0, y1, 400))
    P = np.stack([X, Y], axis=-1)
    Z, G, H = f.value(P), f.grad(P), f.hessian(P)
    assert Z.shape == (400, 400) and G.shape == (400, 400, 2) and H.shape == (400, 400, 2, 2)
    assert np.all(np.isfinite(Z)) and np.all(np.isfinite(G)) and np.all(np.isfinite(H))
    rng = np.random.default_rng(5)
    for i, j in rng.integers(0, 400, size=(40, 2)):
        point = P[i, j].copy()
        assert f.value(point) == Z[i, j]
        np.testing.assert_array_equal(f.grad(point), G[i, j])
        np.testing.assert_array_equal(f.hessian(point), H[i, j])


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape", [(2,), (5, 2), (3, 4, 2)])
def test_shapes_and_dtype(name, shape):
    f = get(name)
    p = np.random.default_rng(6).uniform(-1, 1, size=shape)
    v, g, h = f.value(p), f.grad(p), f.hessian(p)
    assert v.shape == shape[:-1] and g.shape == shape and h.shape == shape + (2,)
    assert v.dtype == g.dtype == h.dtype == np.float64


def test_integer_and_list_input_is_accepted():
    f = get("booth")
    assert f.value([1, 3]) == 0.0
    np.testing.assert_array_equal(f.hessian([[0, 0]]), [[[10.0, 8.0], [8.0, 10.0]]])


# --- metadata ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_metadata_is_complete_and_consistent(name):
    f = get(name)
    assert f.title and f.description and f.formula and f.latex
    for ascii_sym in ("^", "*", "-", "sqrt", "pi"):
        assert ascii_sym not in f.formula, f"{name}: use real symbols in formula, not {ascii_sym!r}"
    assert f.latex.startswith("$") and f.latex.endswith("$") and f.latex.count("$") == 2
    assert f.latex.count("{") == f.latex.count("}") and f.latex.count("(") == f.latex.count(")")
    assert f.formula.count("(") == f.formula.count(")")
    (x0, x1), (y0, y1) = f.bounds
    assert x0 < x1 and y0 < y1

    def inside(p):
        return x0 <= p[0] <= x1 and y0 <= p[1] <= y1

    assert all(inside(m) for m in f.minima) and all(inside(m) for m in f.local_minima)
    assert inside(f.default_start)
    assert np.linalg.norm(f.grad(f.default_start)) > 1e-3, "a race should not start at rest"


def test_log_scale_where_values_span_decades():
    for name in ("rosenbrock", "beale", "goldstein_price"):
        assert get(name).log_scale
    for name in ALL:
        f = get(name)
        if not f.log_scale:
            continue
        _, _, Z = f.grid(201)
        d = Z - f.min_value
        assert np.percentile(d, 95) / np.percentile(d, 5) > 30, name
