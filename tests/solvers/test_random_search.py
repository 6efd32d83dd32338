"""random_search: propose x + σξ, keep it only if the loss drops; never a gradient."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import solvers
from solvers import Stepper, make, run


class Bowl:
    """f = x² + 3y² with an exact gradient (for the Stepper's recorded grad norms)."""

    bounds = ((-2.0, 2.0), (-2.0, 2.0))
    grad_scale = 1.0

    def value(self, p):
        p = np.asarray(p, dtype=np.float64)
        return p[..., 0] ** 2 + 3 * p[..., 1] ** 2

    def grad(self, p):
        p = np.asarray(p, dtype=np.float64)
        return np.stack([2 * p[..., 0], 6 * p[..., 1]], axis=-1)


class NoGradBowl(Bowl):
    def grad(self, p):
        raise AssertionError("random search asked for a gradient")


class WrongGradBowl(Bowl):
    """Same values, a nonsense (finite) gradient: a gradient user would move differently."""

    def grad(self, p):
        p = np.asarray(p, dtype=np.float64)
        return np.stack([-50 * p[..., 1] + 7, 30 * p[..., 0] - 3], axis=-1)


def xi(seed: int, count: int) -> np.ndarray:
    """The documented draw of step ``count``: default_rng([seed, count]).standard_normal(2)."""
    return np.random.default_rng([seed, count]).standard_normal(2)


def test_spec_registered_gradient_free():
    s = solvers.spec("random_search")
    assert s.needs_loss and not s.needs_hessian and s.title == "Random search"
    assert "keep x' if f(x') < f(x)" in s.rule_lines
    assert make("random_search").needs_loss and not make("gd").needs_loss
    with pytest.raises(ValueError, match="out of range"):
        make("random_search", lr=-1.0)


@pytest.mark.parametrize("seed, kept", [(7, True), (0, False)])
def test_one_step_by_hand_accept_and_reject(seed, kept):
    opt = make("random_search", lr=0.5)
    x = np.array([[1.0, -2.0], [0.0, 0.0]])  # the second point sits at the minimum
    state = opt.init(x, seed=seed)
    f = NoGradBowl()
    upd, state = opt.update(None, state, x, loss_fn=f.value)
    step = 0.5 * xi(seed, 0)
    # point 1: keep x + σξ iff it lowers x² + 3y² (computed here by hand)
    x1, y1 = 1.0 + step[0], -2.0 + step[1]
    keep = x1 ** 2 + 3 * y1 ** 2 < 1.0 + 12.0
    assert keep == kept  # both branches are exercised
    np.testing.assert_allclose(upd[0], step if keep else 0.0, atol=1e-12)
    # point 2: every proposal away from the minimum is worse: rejected exactly
    np.testing.assert_array_equal(upd[1], 0.0)
    assert state.count == 1 and state.seed == seed


def test_accepts_only_improvements_on_a_linear_loss():
    # loss = x: a proposal is kept exactly when its ξ_x < 0, whatever ξ_y is
    opt = make("random_search", lr=1.0)
    x = np.array([0.0, 0.0])
    state = opt.init(x, seed=3)
    moved = 0
    for k in range(200):
        upd, state = opt.update(None, state, x, loss_fn=lambda p: p[..., 0])
        d = xi(3, k)
        if d[0] < 0:
            np.testing.assert_allclose(upd, d, atol=1e-12)
            moved += 1
        else:
            np.testing.assert_array_equal(upd, 0.0)
        x = x + upd
    assert 70 < moved < 130  # about half of the guesses go left


def test_losses_never_rise_and_rejections_stand_still():
    f = Bowl()
    starts = np.random.default_rng(0).uniform(-1.5, 1.5, size=(8, 2))
    traj = run(make("random_search", lr=0.2), f, starts, steps=300, seed=5)
    assert (np.diff(traj.losses, axis=0) <= 0).all()
    still = np.diff(traj.losses, axis=0) == 0
    np.testing.assert_array_equal(np.diff(traj.points, axis=0)[still], 0.0)
    assert traj.losses[-1].max() < 0.05 * traj.losses[0].min()  # it does get down, slowly
    assert not traj.diverged.any()


def test_repeatable_by_seed_and_different_across_seeds():
    f = Bowl()
    a = run(make("random_search", lr=0.3), f, (1.5, 1.0), steps=100, seed=11)
    b = run(make("random_search", lr=0.3), f, (1.5, 1.0), steps=100, seed=11)
    c = run(make("random_search", lr=0.3), f, (1.5, 1.0), steps=100, seed=12)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.array_equal(a.points, c.points)


def test_never_uses_gradients():
    # the solver itself: a landscape whose grad raises is fine
    opt = make("random_search", lr=0.3)
    x = np.array([[1.0, 1.0]])
    upd, _ = opt.update(None, opt.init(x, seed=0), x, loss_fn=NoGradBowl().value)
    assert np.isfinite(upd).all()
    # in the Stepper: the solver is handed no gradient, and a wrong gradient changes nothing
    seen = []

    def spy(grad, state, params, **kw):
        seen.append(grad)
        return opt.update(grad, state, params, **kw)

    spied = dataclasses.replace(opt, update=spy)
    right = run(spied, Bowl(), (1.5, -1.0), steps=60, seed=2)
    wrong = run(opt, WrongGradBowl(), (1.5, -1.0), steps=60, seed=2)
    assert len(seen) == 60 and all(g is None for g in seen)
    np.testing.assert_array_equal(right.points, wrong.points)
    np.testing.assert_array_equal(right.losses, wrong.losses)
    # while gradient descent on the wrong gradient goes somewhere else entirely
    gd_right = run(make("gd", lr=0.05), Bowl(), (1.5, -1.0), steps=60)
    gd_wrong = run(make("gd", lr=0.05), WrongGradBowl(), (1.5, -1.0), steps=60)
    assert not np.allclose(gd_right.points, gd_wrong.points)


def test_step_size_is_sigma_in_plane_units_and_schedule_scales_it():
    # proposals x' − x = σ·lr_scale·ξ with ξ ~ N(0, I): E|x' − x|² = 2 (σ·lr_scale)²
    seen = []

    def loss(p):
        seen.append(np.array(p[1] - p[0]))  # p stacks (x, x')
        return np.zeros(p.shape[:-1])        # flat: never accept, x stays put

    opt = make("random_search", lr=0.25)
    x = np.zeros(2)
    state = opt.init(x, seed=1)
    for _ in range(4000):
        _, state = opt.update(None, state, x, loss_fn=loss, lr_scale=0.5)
    d = np.array(seen)
    assert abs(np.mean(np.sum(d ** 2, axis=-1)) / (2 * 0.125 ** 2) - 1) < 0.06
    assert abs(np.mean(d[:, 0])) < 0.01 and abs(np.corrcoef(d.T)[0, 1]) < 0.05


def test_nan_and_inf_proposals_are_rejected():
    def loss(p):  # finite only inside the unit disc
        r2 = np.sum(p * p, axis=-1)
        return np.where(r2 < 1.0, r2, np.where(p[..., 0] > 0, np.inf, np.nan))

    traj_pts = []
    opt = make("random_search", lr=2.0)
    x = np.array([0.6, 0.0])
    state = opt.init(x, seed=4)
    for _ in range(100):
        upd, state = opt.update(None, state, x, loss_fn=loss)
        x = x + upd
        traj_pts.append(x)
    assert (np.sum(np.array(traj_pts) ** 2, axis=-1) <= 0.36).all()


def test_weight_decay_adds_half_lambda_norm_squared_to_the_compared_loss():
    # loss = x − 10 (falls to the left forever); with λ the compared loss is x + (λ/2)|x|²,
    # whose minimum is at x = −1/λ: plain search keeps going, decayed search stops near −1/λ
    lin = lambda p: p[..., 0] - 10.0  # noqa: E731
    far = make("random_search", lr=0.5)
    near = make("random_search", lr=0.5, weight_decay=0.5)
    xs = {}
    for name, opt in (("far", far), ("near", near)):
        x, state = np.zeros(2), opt.init(np.zeros(2), seed=9)
        for _ in range(2000):
            upd, state = opt.update(None, state, x, loss_fn=lin)
            x = x + upd
        xs[name] = x
    assert xs["far"][0] < -20
    np.testing.assert_allclose(xs["near"], [-2.0, 0.0], atol=0.25)


def test_stepper_seed_and_switching_solver():
    f = Bowl()
    st = Stepper(make("random_search", lr=0.2), f, (1.0, 1.0), seed=21)
    assert st.state.seed == 21
    st.step(10)
    st.set_solver(make("random_search", lr=0.1))  # same kind: the stream carries on
    assert st.state.count == 10 and st.state.seed == 21
    st.set_solver(make("gd", lr=0.1))
    st.step(5)
    st.set_solver(make("random_search", lr=0.1))  # back from gd: fresh state, same seed
    assert st.state.count == 0 and st.state.seed == 21
    st.step(5)
    assert (np.diff(st.losses[16:]) <= 0).all()


def test_update_without_loss_fn_is_a_clear_error():
    opt = make("random_search")
    with pytest.raises(ValueError, match="random_search needs loss_fn"):
        opt.update(np.zeros(2), opt.init(np.zeros(2)), np.zeros(2))
    with pytest.raises(ValueError, match="seed must be a whole number"):
        opt.init(np.zeros(2), seed=-3)
