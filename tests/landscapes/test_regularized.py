"""regularized(f, l2, l1): values, derivatives and where the minimum moves (closed forms)."""
from __future__ import annotations

import numpy as np
import pytest

from landscapes import get
from landscapes.regularized import regularized


def central_grad(f, p, h=1e-6):
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    return np.stack([(f.value(p + ex) - f.value(p - ex)) / (2 * h),
                     (f.value(p + ey) - f.value(p - ey)) / (2 * h)], axis=-1)


def central_hessian(f, p, h=1e-5):
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    return np.stack([(f.grad(p + ex) - f.grad(p - ex)) / (2 * h),
                     (f.grad(p + ey) - f.grad(p - ey)) / (2 * h)], axis=-1)


def off_axes(p, margin=1e-3):
    """Points away from the L1 kinks on the axes."""
    return p[np.all(np.abs(p) > margin, axis=-1)]


def test_value_adds_the_penalties_by_hand():
    r = regularized(get("rosenbrock"), l2=0.1, l1=0.05)
    x, y = -1.5, 2.0
    base = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    assert r.value([x, y]) == pytest.approx(base + 0.1 * (x * x + y * y) + 0.05 * (abs(x) + abs(y)), rel=1e-14)


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "ackley", "sharp_flat"])
@pytest.mark.parametrize("l2,l1", [(0.1, 0.0), (0.0, 0.3), (0.5, 0.2)])
def test_gradient_and_hessian_match_finite_differences(name, l2, l1):
    r = regularized(get(name), l2=l2, l1=l1)
    (x0, x1), (y0, y1) = r.bounds
    p = np.random.default_rng(7).uniform([x0, y0], [x1, y1], size=(200, 2))
    p = off_axes(p, margin=1e-2)
    if name == "ackley":
        p = p[np.hypot(p[:, 0], p[:, 1]) > 0.05]
    gn = central_grad(r, p)
    np.testing.assert_allclose(r.grad(p), gn, rtol=1e-6, atol=1e-6 * np.abs(gn).max())
    Hn = central_hessian(r, p)
    np.testing.assert_allclose(r.hessian(p), Hn, rtol=1e-5, atol=1e-6 * np.abs(Hn).max())


def test_l1_adds_the_sign_subgradient_and_nothing_to_the_hessian():
    f = get("booth")
    r = regularized(f, l1=0.7)
    p = np.array([[1.5, -2.0], [-0.25, 0.0], [0.0, 0.0], [3.0, 4.0]])
    np.testing.assert_allclose(r.grad(p) - f.grad(p), 0.7 * np.array([[1, -1], [-1, 0], [0, 0], [1, 1]]),
                               atol=1e-12)
    np.testing.assert_array_equal(r.hessian(p), f.hessian(p))


def test_l2_adds_twice_lambda_identity_to_the_hessian():
    f = get("himmelblau")
    p = np.random.default_rng(8).uniform(-4, 4, size=(3, 4, 2))
    np.testing.assert_allclose(regularized(f, l2=0.25).hessian(p) - f.hessian(p),
                               np.broadcast_to(0.5 * np.eye(2), (3, 4, 2, 2)), atol=1e-12)


@pytest.mark.parametrize("l2", [0.1, 1.0, 3.0])
def test_l2_shrinks_the_bowl_minimum_to_center_over_one_plus_lambda(l2):
    # ∇[(p − c)² + λ·p²] = 2(p − c) + 2λp = 0  ⇒  p* = c / (1 + λ).
    c = np.array([1.5, -0.8])
    r = regularized(get("quadratic_bowl", center=tuple(c)), l2=l2)
    p_star = c / (1 + l2)
    np.testing.assert_allclose(r.grad(p_star), [0.0, 0.0], atol=1e-14)
    # and it is the minimum: Newton from anywhere lands there in one step (a quadratic)
    p0 = np.array([-1.0, 2.0])
    p1 = p0 - np.linalg.solve(r.hessian(p0), r.grad(p0))
    np.testing.assert_allclose(p1, p_star, atol=1e-14)


@pytest.mark.parametrize("l1", [0.2, 1.0, 4.0])
def test_l1_soft_thresholds_the_bowl_minimum(l1):
    # min (x − c)² + λ|x| per coordinate  ⇒  x* = sign(c)·max(|c| − λ/2, 0).
    c = np.array([1.5, -0.8])
    r = regularized(get("quadratic_bowl", center=tuple(c)), l1=l1)
    p_star = np.sign(c) * np.maximum(np.abs(c) - l1 / 2, 0.0)
    # Check against a brute-force grid search, independent of the gradient.
    xs = np.linspace(-2.5, 2.5, 2001)  # step 2.5e-3: holds 0 and every expected minimizer
    X, Y = np.meshgrid(xs, xs)
    Z = r.value(np.stack([X, Y], -1))
    j, i = np.unravel_index(np.argmin(Z), Z.shape)
    np.testing.assert_allclose([xs[i], xs[j]], p_star, atol=1e-9)


def test_l2_moves_the_booth_minimum_as_the_linear_system_says():
    # Booth: ∇f = A(p − p₀) with A = [[10, 8], [8, 10]], p₀ = (1, 3); adding λ‖p‖² solves (A + 2λI)p = A·p₀.
    A, p0, lam = np.array([[10.0, 8.0], [8.0, 10.0]]), np.array([1.0, 3.0]), 0.5
    p_star = np.linalg.solve(A + 2 * lam * np.eye(2), A @ p0)
    r = regularized(get("booth"), l2=lam)
    np.testing.assert_allclose(r.grad(p_star), [0.0, 0.0], atol=1e-12)
    assert np.linalg.norm(p_star) < np.linalg.norm(p0)


def test_metadata_is_kept_and_minima_are_dropped():
    f = get("rosenbrock")
    r = regularized(f, l2=0.1)
    assert r.title == "Rosenbrock + L2 (λ=0.1)"
    assert regularized(f, l2=0.1, l1=0.05).title == "Rosenbrock + L2 (λ=0.1) + L1 (λ=0.05)"
    assert r.bounds == f.bounds and r.default_start == f.default_start and r.log_scale == f.log_scale
    assert r.minima == () and r.min_value is None
    assert r.params == {"base": "rosenbrock", "base_params": {"a": 1.0, "b": 100.0}, "l2": 0.1, "l1": 0.0}
    assert "0.1·(x² + y²)" in r.formula and r.latex.startswith("$") and r.latex.endswith("$")


def test_params_rebuild_it():
    r = regularized(get("ravine", condition=5.0), l2=0.2, l1=0.1)
    again = regularized(get(r.params["base"], **r.params["base_params"]), l2=r.params["l2"], l1=r.params["l1"])
    p = np.random.default_rng(9).uniform(-2, 2, size=(10, 2))
    np.testing.assert_array_equal(again.value(p), r.value(p))


def test_zero_strengths_return_the_landscape_itself():
    f = get("beale")
    assert regularized(f) is f
    assert regularized(f, l2=0, l1=0.0) is f


@pytest.mark.parametrize("shape", [(2,), (5, 2), (3, 4, 2)])
def test_shapes(shape):
    r = regularized(get("six_hump_camel"), l2=0.1, l1=0.1)
    p = np.random.default_rng(10).uniform(-1, 1, size=shape)
    assert r.value(p).shape == shape[:-1] and r.grad(p).shape == shape and r.hessian(p).shape == shape + (2,)
    xs, ys, Z = r.grid(50)
    assert Z.shape == (50, 50)


@pytest.mark.parametrize("kwargs", [{"l2": -0.1}, {"l1": -1.0}, {"l2": float("nan")}, {"l1": float("inf")},
                                    {"l2": "lots"}])
def test_bad_strengths_are_rejected(kwargs):
    with pytest.raises(ValueError, match="strength l[12]"):
        regularized(get("booth"), **kwargs)


def test_non_landscape_is_rejected():
    with pytest.raises(ValueError, match="Landscape"):
        regularized(lambda p: p, l2=0.1)


def test_a_plane_keeps_its_axis_names_named_points_and_minibatches():
    """A CIFAR-10-like plane with its own axes: the penalty is written in them, and the minibatch
    gradient is the base's plus the exact penalty gradient (checked against the base's own draws)."""
    import landscapes
    from landscapes.base import Landscape

    class Plane(Landscape):
        name = "plane"

        def __init__(self):
            super().__init__()
            self.title, self.formula, self.latex = "plane", "L(W* + a·D₁ + b·D₂)", "$L$"
            self.axis_labels = ("a (along D₁)", "b (along D₂)")
            self.landmarks = {"W*": (0.0, 0.0)}

        def _value_xy(self, x, y):
            return x * x + 3 * y * y

        def _grad_xy(self, x, y):
            return 2 * x, 6 * y

        def minibatch_grad(self, p, batch_size, rng):
            return self.grad(p) + rng.normal(size=np.shape(p)) / batch_size

    base = Plane()
    f = landscapes.regularized(base, l2=0.5, l1=0.25)
    assert f.axis_labels == base.axis_labels and f.landmarks == base.landmarks
    assert f.formula == "L(W* + a·D₁ + b·D₂) + 0.5·(a² + b²) + 0.25·(|a| + |b|)"
    p = np.array([[0.3, -0.7], [-1.0, 2.0]])
    got = f.minibatch_grad(p, 8, np.random.default_rng(3))
    want = base.minibatch_grad(p, 8, np.random.default_rng(3)) + 2 * 0.5 * p + 0.25 * np.sign(p)
    np.testing.assert_allclose(got, want, rtol=1e-15)
    plain = landscapes.regularized(landscapes.get("quadratic_bowl"), l2=0.5)
    assert not hasattr(plain, "minibatch_grad") and "0.5·(x² + y²)" in plain.formula
