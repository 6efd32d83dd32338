"""numerical_grad, numerical_hessian and gradcheck against hand-derived derivatives."""
from __future__ import annotations

import numpy as np
import pytest

from landscapes import get, names
from landscapes.base import FunctionLandscape
from landscapes.gradcheck import gradcheck, numerical_grad, numerical_hessian


def sin_exp(p):
    """f = sin(x)·exp(y): ∇f = (cos x·eʸ, sin x·eʸ), H = [[−sin x·eʸ, cos x·eʸ], [cos x·eʸ, sin x·eʸ]]."""
    return np.sin(p[..., 0]) * np.exp(p[..., 1])


def bowl_with(grad):
    return FunctionLandscape(
        name="test_bowl",
        value=lambda x, y: x * x + y * y,
        grad=grad,
        hessian=lambda x, y: (2.0, 0.0, 2.0),
    )


@pytest.mark.parametrize("shape", [(2,), (5, 2), (3, 4, 2)])
def test_numerical_grad_matches_hand_derivative_for_any_leading_shape(shape):
    p = np.random.default_rng(0).uniform(-1, 1, size=shape)
    g = numerical_grad(sin_exp, p)
    assert g.shape == shape
    x, y = p[..., 0], p[..., 1]
    expected = np.stack([np.cos(x) * np.exp(y), np.sin(x) * np.exp(y)], axis=-1)
    np.testing.assert_allclose(g, expected, rtol=0, atol=1e-9)


def test_numerical_grad_error_is_second_order_in_h():
    # Centered differences: error ≈ h²/6·f‴, so halving h quarters it.
    p = np.array([0.7, 0.3])
    exact = np.array([np.cos(0.7) * np.exp(0.3), np.sin(0.7) * np.exp(0.3)])
    e1 = np.abs(numerical_grad(sin_exp, p, h=1e-2) - exact).max()
    e2 = np.abs(numerical_grad(sin_exp, p, h=5e-3) - exact).max()
    assert e1 / e2 == pytest.approx(4.0, rel=0.02)


def test_numerical_hessian_matches_hand_hessian():
    f = FunctionLandscape(
        name="sin_exp",
        value=lambda x, y: np.sin(x) * np.exp(y),
        grad=lambda x, y: (np.cos(x) * np.exp(y), np.sin(x) * np.exp(y)),
        hessian=lambda x, y: (-np.sin(x) * np.exp(y), np.cos(x) * np.exp(y), np.sin(x) * np.exp(y)),
    )
    p = np.random.default_rng(1).uniform(-1, 1, size=(3, 4, 2))
    H = numerical_hessian(f, p)
    assert H.shape == (3, 4, 2, 2)
    x, y = p[..., 0], p[..., 1]
    e = np.exp(y)
    np.testing.assert_allclose(H[..., 0, 0], -np.sin(x) * e, atol=1e-7)
    np.testing.assert_allclose(H[..., 0, 1], np.cos(x) * e, atol=1e-7)
    np.testing.assert_allclose(H[..., 1, 0], np.cos(x) * e, atol=1e-7)
    np.testing.assert_allclose(H[..., 1, 1], np.sin(x) * e, atol=1e-7)


def test_gradcheck_is_tiny_for_an_analytic_gradient():
    f = get("rosenbrock")
    p = np.random.default_rng(2).uniform([-2, -1], [2, 3], size=(50, 2))
    err = gradcheck(f, p)
    assert err.shape == (50,)
    assert err.max() < 1e-7


def test_gradcheck_flags_a_wrong_gradient():
    wrong = bowl_with(lambda x, y: (2.0 * x, 1.0 * y))  # ∂/∂y should be 2y
    p = np.array([[0.5, -1.0], [1.5, 2.0]])
    # ‖(2x, y) − (2x, 2y)‖ / ‖(2x, 2y)‖ = |y| / ‖(2x, 2y)‖: 1/√5 at (0.5, −1), 2/5 at (1.5, 2).
    np.testing.assert_allclose(gradcheck(wrong, p), [1 / np.sqrt(5), 0.4], rtol=1e-6)


def test_gradcheck_flags_a_wrong_gradient_at_a_minimum():
    # At the bowl's minimum the true gradient is 0; an analytic one of 1e-3 is all error.
    wrong = bowl_with(lambda x, y: (2.0 * x + 1e-3, 2.0 * y))
    assert gradcheck(wrong, [0.0, 0.0]) == pytest.approx(1.0, rel=1e-6)


def test_gradcheck_measures_a_one_percent_error_norm_wise():
    off = bowl_with(lambda x, y: (2.02 * x, 2.0 * y))
    assert gradcheck(off, [1.0, 1.0]) == pytest.approx(0.02 / np.hypot(2.02, 2.0), rel=1e-6)


def _rastrigin_local_minimum_near_1() -> float:
    """Root of ∂f/∂x = 2x + 20π·sin(2πx) near 1 by bisection (independent of the landscape code)."""
    lo, hi = 0.9, 1.0  # the derivative is negative at 0.9 and 2 at 1
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if 2 * mid + 20 * np.pi * np.sin(2 * np.pi * mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi)


def test_gradcheck_is_small_at_a_rastrigin_local_minimum():
    # Both gradients are round-off there (~1e-14); per component the ratio was 1.0.
    m = _rastrigin_local_minimum_near_1()
    assert m == pytest.approx(0.99496, abs=1e-5)
    f = get("rastrigin")
    assert np.linalg.norm(f.grad([m, m])) < 1e-12
    for p in ([m, m], [m, 0.0], [m, -m], [m + 1e-9, m]):
        # Round-off against what finite differences can resolve: well below the 1e-2 "wrong" line.
        assert gradcheck(f, p) < 1e-4, p


@pytest.mark.parametrize("p", [(0.5, 0.3), (1.0, 0.01), (0.5, 1e-8)])
def test_gradcheck_is_small_where_one_component_dwarfs_the_other(p):
    # ∇(e^(20x) + y²) = (20·e^(20x), 2y): per component, the y ratio was round-off (0.04 to 0.9).
    f = FunctionLandscape(
        name="steep_exp",
        value=lambda x, y: np.exp(20 * x) + y**2,
        grad=lambda x, y: (20 * np.exp(20 * x), 2 * y),
        hessian=lambda x, y: (400 * np.exp(20 * x), 0.0, 2.0),
    )
    assert gradcheck(f, p) < 1e-6


def test_gradcheck_is_small_at_every_known_minimum():
    for name in names():
        f = get(name)
        for m in f.minima + f.local_minima:
            assert gradcheck(f, m) < 1e-2, (name, m)


def test_gradcheck_step_follows_the_scale_of_the_point():
    # Far from the origin a fixed step 1e-4 is below float resolution of f; the scaled one is not.
    f = get("quadratic_bowl", center=(3e5, -2e5))
    p = np.array([3e5 + 1.0, -2e5 - 2.0])
    assert gradcheck(f, p) < 1e-6


def test_gradcheck_returns_per_point_shape():
    f = get("himmelblau")
    p = np.random.default_rng(3).uniform(-4, 4, size=(3, 4, 2))
    assert gradcheck(f, p).shape == (3, 4)
    assert gradcheck(f, [1.0, 1.0]).shape == ()


@pytest.mark.parametrize("h", [0.0, -1e-5, float("nan"), float("inf")])
def test_bad_step_is_rejected(h):
    with pytest.raises(ValueError, match="step h"):
        numerical_grad(sin_exp, [0.0, 0.0], h=h)


def test_bad_point_shape_is_rejected():
    with pytest.raises(ValueError, match="shape"):
        gradcheck(get("booth"), [1.0, 2.0, 3.0])
