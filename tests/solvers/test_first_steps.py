"""First steps computed by hand (arithmetic written out), per solver."""
from __future__ import annotations

import math

import numpy as np
import pytest

import solvers

X = np.array([1.0, -2.0])
G = np.array([0.5, 4.0])


def step(name, grad=G, x=X, n=1, **hyper):
    opt = solvers.make(name, **hyper)
    state = opt.init(x)
    for _ in range(n):
        upd, state = opt.update(grad, state, x)
        x = x + upd
    return x


def test_gd_and_sgd():
    # x − η g = (1 − 0.1·0.5, −2 − 0.1·4) = (0.95, −2.4)
    for name in ("gd", "sgd"):
        np.testing.assert_allclose(step(name, lr=0.1), [0.95, -2.4], rtol=1e-15)
    # weight decay: g + λx = (0.5 + 0.5·1, 4 + 0.5·(−2)) = (1, 3); x − 0.1·g = (0.9, −2.3)
    np.testing.assert_allclose(step("gd", lr=0.1, weight_decay=0.5), [0.9, -2.3], rtol=1e-15)


def test_momentum_first_two_steps():
    # step 1: v = g = (0.5, 4); x = (1 − 0.05, −2 − 0.4) = (0.95, −2.4)
    np.testing.assert_allclose(step("momentum", lr=0.1), [0.95, -2.4], rtol=1e-15)
    # step 2 (same g): v = 0.9·(0.5, 4) + (0.5, 4) = (0.95, 7.6); x = (0.95 − 0.095, −2.4 − 0.76)
    np.testing.assert_allclose(step("momentum", lr=0.1, n=2), [0.855, -3.16], rtol=1e-14)
    # dampening 0.5, step 2: v = 0.9·(0.5, 4) + 0.5·(0.5, 4) = (0.7, 5.6); x = (0.95 − 0.07, −2.4 − 0.56)
    np.testing.assert_allclose(step("momentum", lr=0.1, dampening=0.5, n=2), [0.88, -2.96], rtol=1e-14)


def test_nesterov_first_step():
    # v = g; d = g + μ v = 1.9 g = (0.95, 7.6); x = (1 − 0.095, −2 − 0.76) = (0.905, −2.76)
    np.testing.assert_allclose(step("nesterov", lr=0.1), [0.905, -2.76], rtol=1e-15)


def test_adagrad_first_steps():
    # s = g² = (0.25, 16); x = x − 0.1·g/(√s + ε) = x − 0.1·sign(g) (ε = 1e-10 negligible)
    np.testing.assert_allclose(step("adagrad", lr=0.1), [0.9, -2.1], rtol=1e-9)
    # step 2 with lr_decay 1: η₂ = 0.1/(1 + 1·1) = 0.05; s = 2g²; Δ = 0.05/√2 per coordinate
    d = 0.1 + 0.05 / math.sqrt(2)
    np.testing.assert_allclose(step("adagrad", lr=0.1, lr_decay=1.0, n=2), [1 - d, -2 - d], rtol=1e-9)
    # initial accumulator 9: s = 9 + g² = (9.25, 25); Δ = 0.1·(0.5/√9.25, 4/5)
    np.testing.assert_allclose(step("adagrad", lr=0.1, initial_accumulator_value=9.0),
                               [1 - 0.05 / math.sqrt(9.25), -2 - 0.08], rtol=1e-9)


def test_rmsprop_first_step():
    # r = 0.01 g²; √r = 0.1|g|; x = x − 0.01·g/(0.1|g|) = x − 0.1·sign(g)
    np.testing.assert_allclose(step("rmsprop"), [0.9, -2.1], rtol=1e-7)
    # centered: ḡ = 0.01 g, r − ḡ² = 0.01 g² − 0.0001 g² = 0.0099 g²; Δ = 0.01/√0.0099 ≈ 0.100504
    d = 0.01 / math.sqrt(0.0099)
    np.testing.assert_allclose(step("rmsprop", centered=True), [1 - d, -2 - d], rtol=1e-7)


def test_adam_bias_corrected_first_step_is_lr_per_coordinate():
    # m̂ = g, v̂ = g²  =>  Δx = −η g/(|g| + ε) = −η sign(g), whatever the size of g
    for lr in (1e-3, 0.1, 1.0):
        dx = step("adam", lr=lr, grad=np.array([3e-2, -7e4]), x=np.zeros(2))
        np.testing.assert_allclose(np.abs(dx), [lr, lr], rtol=1e-6)
        np.testing.assert_array_equal(np.sign(dx), [-1, 1])


def test_adam_without_bias_correction_first_step_factor():
    # m = (1 − β₁) g, v = (1 − β₂) g²  =>  |Δx| = η (1 − β₁)/√(1 − β₂) = η · 0.1/√0.001 ≈ 3.1623 η
    dx = step("adam", lr=0.01, bias_correction=False, grad=np.array([2.0, -5.0]), x=np.zeros(2))
    np.testing.assert_allclose(np.abs(dx), 0.01 * 0.1 / math.sqrt(0.001), rtol=1e-6)
    # with β = (0.99, 0.999): factor 0.01/√0.001 ≈ 0.316, i.e. smaller than η
    dx = step("adam", lr=0.01, betas=(0.99, 0.999), bias_correction=False, grad=np.array([2.0, -5.0]),
              x=np.zeros(2))
    np.testing.assert_allclose(np.abs(dx), 0.01 * 0.01 / math.sqrt(0.001), rtol=1e-6)


def test_adamw_decays_x_before_the_adam_step():
    # x ← x(1 − 0.1·0.5) = (0.95, −1.9), then the Adam step −0.1·sign(g)
    np.testing.assert_allclose(step("adamw", lr=0.1, weight_decay=0.5), [0.85, -2.0], rtol=1e-6)
    # adam couples it instead: g + λx = (1, 3), first step still −η sign(g + λx)
    np.testing.assert_allclose(step("adam", lr=0.1, weight_decay=0.5), [0.9, -2.1], rtol=1e-6)


def test_amsgrad_keeps_the_largest_second_moment():
    # step 1 g = 10: v = 0.001·100 = 0.1; step 2 g = 0: v = 0.0999 < v̂ = 0.1
    opt = solvers.make("adam", amsgrad=True)
    s = opt.init(np.zeros(2))
    _, s = opt.update(np.array([10.0, 10.0]), s, np.zeros(2))
    _, s = opt.update(np.zeros(2), s, np.zeros(2))
    np.testing.assert_allclose(s.max_exp_avg_sq, 0.1, rtol=1e-14)
    np.testing.assert_allclose(s.exp_avg_sq, 0.0999, rtol=1e-14)


def test_newton_step_and_damping():
    # H = [[2, 1], [1, 3]], g = (1, 2): H⁻¹g = (3·1 − 1·2, 2·2 − 1·1)/5 = (0.2, 0.6)
    h = np.array([[2.0, 1.0], [1.0, 3.0]])
    opt = solvers.make("newton")
    upd, _ = opt.update(np.array([1.0, 2.0]), opt.init(np.zeros(2)), np.zeros(2), hessian=h)
    np.testing.assert_allclose(upd, [-0.2, -0.6], rtol=1e-15)
    # damping 1: H + I = [[3, 1], [1, 4]], det 11: ((4 − 2)/11, (6 − 1)/11); lr 0.5 halves it
    opt = solvers.make("newton", damping=1.0, lr=0.5)
    upd, _ = opt.update(np.array([1.0, 2.0]), opt.init(np.zeros(2)), np.zeros(2), hessian=h)
    np.testing.assert_allclose(upd, [-1 / 11, -2.5 / 11], rtol=1e-15)
    # agrees with numpy's batched solve on random well-conditioned stacks
    rng = np.random.default_rng(3)
    a = rng.standard_normal((50, 2, 2))
    hs = a @ a.transpose(0, 2, 1) + 0.5 * np.eye(2)
    gs = rng.standard_normal((50, 2))
    newton = solvers.make("newton")
    upd, _ = newton.update(gs, newton.init(gs), np.zeros((50, 2)), hessian=hs)
    np.testing.assert_allclose(upd, -np.linalg.solve(hs, gs[..., None])[..., 0], rtol=1e-10)


def test_update_is_pure():
    x, g = X.copy(), G.copy()
    for name in solvers.names():
        opt = solvers.make(name)
        s0 = opt.init(x)
        h = np.eye(2) if opt.needs_hessian else None
        kw = {"loss_fn": lambda p: np.sum(p * p, axis=-1)} if opt.needs_loss else {}  # gradient-free
        _, s1 = opt.update(g, s0, x, hessian=h, **kw)
        _, s2 = opt.update(g, s1, x, hessian=h, **kw)
        np.testing.assert_array_equal(x, X)
        np.testing.assert_array_equal(g, G)
        assert s0.count == 0 and s1.count == 1 and s2.count == 2, name
        assert type(s0) is type(s1) and isinstance(s0, tuple)


def test_lr_scale_multiplies_the_learning_rate():
    a = step("gd", lr=0.1)
    opt = solvers.make("gd", lr=0.2)
    upd, _ = opt.update(G, opt.init(X), X, lr_scale=0.5)
    np.testing.assert_allclose(X + upd, a, rtol=1e-15)


def test_newton_without_hessian_is_a_clear_error():
    opt = solvers.make("newton")
    with pytest.raises(ValueError, match="Hessian"):
        opt.update(G, opt.init(X), X)
