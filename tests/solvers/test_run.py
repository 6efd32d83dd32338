"""run() and Stepper: behaviour on small inline surfaces, divergence, noise, swarms."""
from __future__ import annotations

import numpy as np
import pytest

import solvers
from solvers import Stepper, make, run

from ._surfaces import CubicValley, MonkeySaddle, Quadratic, Quartic, Rosenbrock

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def test_newton_solves_a_bowl_and_a_ravine_in_one_step():
    for f in (Quadratic(2.0, 2.0), Quadratic(1.0, 50.0, 3.0)):  # ravine with a tilted axis
        traj = run(make("newton"), f, start=[[1.5, -0.7], [-1.9, 1.3]], steps=1)
        np.testing.assert_allclose(traj.points[1], 0.0, atol=1e-14)  # rounding of x₀ − H⁻¹g, |x₀| ≈ 2


def test_newton_jumps_to_the_saddle_of_x2_minus_y2():
    # f = x² − y²: H = diag(2, −2), g = (2x, −2y), H⁻¹g = (x, y)  =>  straight to (0, 0)
    traj = run(make("newton"), Quadratic(2.0, -2.0), start=(1.2, 0.01), steps=3)
    np.testing.assert_allclose(traj.points[1:], 0.0, atol=1e-16)
    assert not traj.diverged
    # while gd moves away from it along y
    gd = run(make("gd", lr=0.1), Quadratic(2.0, -2.0), start=(1.2, 0.01), steps=20)
    assert abs(gd.final[1]) > 0.3


def _sign_changes(a):
    return int(np.count_nonzero(np.diff(np.sign(a)) != 0))


def test_momentum_damps_the_ravine_zigzag_and_gets_lower():
    # f = ½(x² + 50y²): gd with η = 0.038 has y-factor 1 − 50η = −0.9, so it zig-zags across
    f = Quadratic(1.0, 50.0)
    start = (-1.8, 0.5)
    gd = run(make("gd", lr=0.038), f, start, steps=100)
    mom = run(make("momentum", lr=0.038 / 10, momentum=0.9), f, start, steps=100)
    assert _sign_changes(gd.points[:, 1]) >= 90           # flips every step
    assert _sign_changes(mom.points[:, 1]) < _sign_changes(gd.points[:, 1]) / 3
    assert mom.losses[-1] < gd.losses[-1] / 3  # same effective step η/(1 − μ)


def test_divergence_is_marked_at_the_right_step_and_contained():
    # f = x² + y² (a = b = 2): x ← (1 − 2η)x = −3x for η = 2; box = ±2·10 = ±20
    f = Quadratic(2.0, 2.0)
    starts = np.array([[1.0, 0.0], [0.0, 0.5], [0.0, 0.0], [0.1, 0.1]])
    traj = run(make("gd", lr=2.0), f, starts, steps=10)
    # |x|: 1, 3, 9, 27 > 20 at step 3; 0.5, 1.5, 4.5, 13.5, 40.5 at step 4; 0.1 → 0.1·3⁴=8.1 ok, 24.3 at 5
    np.testing.assert_array_equal(traj.diverged, [True, True, False, True])
    np.testing.assert_array_equal(traj.diverged_at, [3, 4, -1, 5])
    assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all()
    np.testing.assert_array_equal(traj.points[3:, 0], np.broadcast_to([9.0, 0.0], (8, 2)))  # 1, −3, 9, then −27 is out
    np.testing.assert_array_equal(traj.losses[3:, 0], 81.0)
    np.testing.assert_array_equal(traj.points[:, 2], 0.0)  # the minimum stays put
    assert traj.points.shape == (11, 4, 2) and traj.lrs.shape == (11,)


def test_overflow_to_inf_is_contained():
    traj = run(make("gd", lr=1e200), Rosenbrock(), [[0.5, 0.5], [1.0, 1.0]], steps=5, box_scale=1e300)
    np.testing.assert_array_equal(traj.diverged, [True, False])
    assert traj.diverged_at[0] == 1
    assert np.isfinite(traj.points).all()


def test_newton_singular_hessian_is_contained():
    # f = x³/3 + y²: H = diag(2x, 2) singular at x = 0. Elsewhere Newton halves x: x − x²/(2x)
    starts = np.array([[0.0, 1.0], [1.0, 1.0], [-0.8, 0.3]])
    traj = run(make("newton"), CubicValley(), starts, steps=3)
    np.testing.assert_array_equal(traj.diverged, [True, False, False])
    assert traj.diverged_at[0] == 1
    np.testing.assert_array_equal(traj.points[:, 0], np.broadcast_to([0.0, 1.0], (4, 2)))
    np.testing.assert_allclose(traj.points[1:, 1, 0], [0.5, 0.25, 0.125], rtol=1e-15)
    np.testing.assert_allclose(traj.points[1:, 2, 0], [-0.4, -0.2, -0.1], rtol=1e-15)


@pytest.mark.parametrize("surface", [MonkeySaddle(), Quartic()], ids=["monkey_saddle", "quartic"])
def test_newton_stays_at_a_stationary_point_with_a_zero_hessian(surface):
    # g = 0 and H = 0 at the origin: H⁻¹g has no Cramer value (0/0), but the point is stationary,
    # so the step is 0 (the least-norm solution of H d = 0), not a divergence
    starts = np.array([[0.0, 0.0], [0.5, 0.25]])
    np.testing.assert_array_equal(surface.grad(starts[:1]), [[0.0, 0.0]])
    np.testing.assert_array_equal(surface.hessian(starts[:1]), [np.zeros((2, 2))])
    traj = run(make("newton"), surface, starts, steps=4)
    assert not traj.diverged[0] and traj.diverged_at[0] == -1
    np.testing.assert_array_equal(traj.points[:, 0], np.zeros((5, 2)))
    if isinstance(surface, Quartic):   # away from 0 Newton's step is x − 4x³/(12x²) = 2x/3, by hand
        np.testing.assert_allclose(traj.points[1:, 1, 0], 0.5 * (2 / 3) ** np.arange(1, 5), rtol=1e-14)


def test_solve2x2_is_zero_only_where_g_is_zero():
    from solvers.rules.newton import solve2x2

    h = np.zeros((3, 2, 2))
    g = np.array([[0.0, 0.0], [-0.0, 0.0], [1.0, 0.0]])
    with np.errstate(all="ignore"):
        out = solve2x2(h, g)
    np.testing.assert_array_equal(out[:2], np.zeros((2, 2)))
    assert not np.isfinite(out[2]).any()      # singular H, g ≠ 0: no Newton step (the run stops)
    np.testing.assert_allclose(solve2x2(np.array([[2.0, 1.0], [1.0, 3.0]]), np.array([3.0, 4.0])),
                               [1.0, 1.0], rtol=1e-15)   # 2+1 = 3, 1+3 = 4


def test_noise_is_repeatable_by_seed():
    f = Quadratic(1.0, 3.0)
    a = run(make("sgd", lr=0.05), f, (1.0, 1.0), steps=30, noise=0.5, seed=4)
    b = run(make("sgd", lr=0.05), f, (1.0, 1.0), steps=30, noise=0.5, seed=4)
    c = run(make("sgd", lr=0.05), f, (1.0, 1.0), steps=30, noise=0.5, seed=5)
    clean = run(make("sgd", lr=0.05), f, (1.0, 1.0), steps=30)
    np.testing.assert_array_equal(a.points, b.points)
    assert np.abs(a.points - c.points).max() > 1e-3
    # the first step by hand: g + noise·grad_scale·z with z the seed's first normal draw
    z = np.random.default_rng(4).standard_normal(2)
    g = np.array([1.0, 3.0]) + 0.5 * 1.0 * z
    np.testing.assert_allclose(a.points[1], [1.0, 1.0] - 0.05 * g, rtol=1e-15)
    assert np.abs(clean.points - a.points).max() > 1e-3


def test_minibatch_grad_is_used_when_batch_size_is_given():
    class Batched(Quadratic):
        def minibatch_grad(self, p, batch_size, rng):
            return self.grad(p) * batch_size  # a recognisable stand-in

    f = Batched(1.0, 1.0)
    traj = run(make("sgd", lr=0.1), f, (1.0, 2.0), steps=1, batch_size=3)
    np.testing.assert_allclose(traj.points[1], [1 - 0.3, 2 - 0.6], rtol=1e-15)
    # without minibatch_grad on f, batch_size falls back to the exact gradient
    traj = run(make("sgd", lr=0.1), Quadratic(), (1.0, 2.0), steps=1, batch_size=3)
    np.testing.assert_allclose(traj.points[1], [0.9, 1.8], rtol=1e-15)


@pytest.mark.parametrize("name", solvers.names())
def test_swarm_equals_runs_per_point(name):
    rng = np.random.default_rng(1)
    starts = rng.uniform(-1.5, 1.5, size=(4, 5, 2))
    f = Rosenbrock()
    opt = make(name, lr=1e-4 if name in ("gd", "sgd", "momentum", "nesterov") else
               (0.5 if name == "newton" else 1e-2))
    swarm = run(opt, f, starts, steps=25)
    assert swarm.points.shape == (26, 4, 5, 2) and swarm.losses.shape == (26, 4, 5)
    for i in range(4):
        for j in range(5):
            one = run(opt, f, starts[i, j], steps=25)
            np.testing.assert_allclose(swarm.points[:, i, j], one.points, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(swarm.losses[:, i, j], one.losses, rtol=1e-12, atol=1e-15)
            assert swarm.diverged[i, j] == one.diverged


def test_recorded_losses_grad_norms_and_lrs():
    f = Quadratic(2.0, 2.0)
    sched = solvers.make_schedule("step", step_size=2, gamma=0.5)
    traj = run(make("gd", lr=0.1), f, (1.0, 0.0), steps=4, schedule=sched)
    np.testing.assert_allclose(traj.lrs, [0.1, 0.1, 0.05, 0.05, 0.025])
    # x: 1 → 0.8 → 0.64 → 0.64·0.9 = 0.576 → 0.5184
    np.testing.assert_allclose(traj.points[:, 0], [1.0, 0.8, 0.64, 0.576, 0.5184], rtol=1e-15)
    np.testing.assert_allclose(traj.losses, traj.points[:, 0] ** 2, rtol=1e-15)
    np.testing.assert_allclose(traj.grad_norms, 2 * traj.points[:, 0], rtol=1e-15)
    # a dict record works as the schedule too
    again = run(make("gd", lr=0.1), f, (1.0, 0.0), steps=4, schedule={"kind": "step", "step_size": 2,
                                                                        "gamma": 0.5})
    np.testing.assert_array_equal(again.points, traj.points)


def test_stepper_matches_run_and_grows_history():
    f = Rosenbrock()
    opt = make("adam", lr=0.02)
    st = Stepper(opt, f, (-1.0, 1.5), reserve=2)
    for _ in range(7):
        st.step(10)
    np.testing.assert_array_equal(st.trajectory().points, run(opt, f, (-1.0, 1.5), steps=70).points)
    assert st.t == 70 and st.points.shape == (71, 2)
    with pytest.raises(ValueError):
        st.points[0, 0] = 5.0  # history views are read-only


def test_stepper_set_solver_continue_vs_restart():
    f = Rosenbrock()
    start = (-1.0, 1.5)
    st = Stepper(make("adam", lr=0.01), f, start)
    st.step(20)
    m_before = st.state.exp_avg.copy()
    st.set_solver(make("adam", lr=0.03))  # same kind: moments and step count carry on
    assert st.state.count == 20
    np.testing.assert_array_equal(st.state.exp_avg, m_before)
    x20 = st.x.copy()
    st.step(1)
    # by hand from the kept state: one adam step with lr 0.03 at step 21
    opt = make("adam", lr=0.03)
    upd, _ = opt.update(f.grad(x20), st_state_at(f, start, 20), x20)
    np.testing.assert_allclose(st.x, (x20 + upd).reshape(2), rtol=1e-14)
    np.testing.assert_allclose(st.lrs[-2:], [0.03, 0.03])
    np.testing.assert_allclose(st.lrs[:20], 0.01)

    st.set_solver(make("momentum", lr=1e-4))  # another kind: state starts afresh at the point
    assert st.state.count == 0
    x21 = st.x.copy()
    st.step(1)
    np.testing.assert_allclose(st.x, x21 - 1e-4 * f.grad(x21), rtol=1e-14)  # first momentum step v = g


def st_state_at(f, start, n):
    st = Stepper(make("adam", lr=0.01), f, start)
    st.step(n)
    return st.state


def test_start_outside_the_box_is_diverged_at_zero():
    traj = run(make("gd", lr=0.1), Quadratic(), [[100.0, 0.0], [1.0, 0.0]], steps=2)
    np.testing.assert_array_equal(traj.diverged_at, [0, -1])
    np.testing.assert_array_equal(traj.points[:, 0], [[100.0, 0.0]] * 3)


@pytest.mark.parametrize("kwargs,match", [
    (dict(start=(np.nan, 0.0)), "finite"),
    (dict(start=(1.0, 2.0, 3.0)), "shape"),
    (dict(noise=-1.0), "noise"),
    (dict(steps=-3), "steps"),
    (dict(steps=2.5), "steps"),
    (dict(batch_size=0), "batch_size"),
    (dict(box_scale=0.0), "box_scale"),
    (dict(schedule="cosine"), "schedule"),
    (dict(start=(10 ** 400, 0.0)), "start points must be finite numbers"),
    (dict(start=("a", "b")), "start points must be finite numbers"),
    (dict(noise=10 ** 400), "noise must be a finite number"),
    (dict(noise=float("nan")), "noise must be a finite number"),
    (dict(noise=True), "noise must be a finite number"),
    (dict(box_scale=10 ** 400), "box_scale must be a finite number"),
    (dict(box_scale="big"), "box_scale must be a finite number"),
    (dict(steps=10 ** 400), "steps must be a whole number"),
    (dict(steps=float("inf")), "steps must be a whole number"),
    (dict(batch_size=10 ** 400), "batch_size must be a whole number"),
    (dict(schedule={"kind": "exponential", "gamma": 10 ** 400}), "gamma must be a finite number"),
])
def test_run_rejects_bad_arguments(kwargs, match):
    args = dict(start=(0.0, 0.0), steps=3)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match) as info:
        run(make("gd"), Quadratic(), **args)
    assert "\n" not in str(info.value) and len(str(info.value)) < 200


def test_single_start_of_shape_2_diverges_cleanly():
    traj = run(make("gd", lr=2.0), Quadratic(2.0, 2.0), (1.0, 0.0), steps=5)  # 1, −3, 9, −27 out
    assert traj.diverged.shape == () and bool(traj.diverged) and int(traj.diverged_at) == 3
    np.testing.assert_array_equal(traj.points[3:], [[9.0, 0.0]] * 3)


def test_retune_changes_noise_schedule_and_batch_from_now_on():
    f = Quadratic(1.0, 1.0)
    st = Stepper(make("sgd", lr=0.1), f, (1.0, 2.0))
    st.step(2)
    st.retune(schedule={"kind": "exponential", "gamma": 0.5})
    assert st.lrs[-1] == pytest.approx(0.1 * 0.5 ** 2)
    x = st.x.copy()
    st.step(1)
    np.testing.assert_allclose(st.x, x - 0.025 * x, rtol=1e-15)
    st.retune(noise=1.0)
    st.step(1)
    assert st.noise == 1.0 and not np.allclose(st.x, (x - 0.025 * x) * (1 - 0.0125))
    with pytest.raises(ValueError, match="noise"):
        st.retune(noise=float("nan"))
    with pytest.raises(ValueError, match="batch_size"):
        st.retune(batch_size=0)


def test_duck_typed_landscape_with_value_and_grad_and_scalar_value():
    class Flat:
        bounds = ((-1.0, 1.0), (-1.0, 1.0))
        grad_scale = 1.0
        calls = 0

        def value_and_grad(self, p):
            Flat.calls += 1
            return 3.0, np.zeros(2)  # broadcast by the stepper

        def value(self, p):
            raise AssertionError("value_and_grad should be used")

        grad = value

    traj = run(make("adam"), Flat(), np.zeros((3, 2)), steps=4)
    assert Flat.calls == 5
    np.testing.assert_array_equal(traj.losses, 3.0)
    np.testing.assert_array_equal(traj.points, 0.0)


@pytest.mark.parametrize("name", solvers.names())
def test_absurd_learning_rates_never_leave_nan_or_warnings(name):
    # lr from tiny to absurd on a swarm: every point either stays in the box or is marked diverged
    starts = np.random.default_rng(0).uniform(-2, 2, size=(6, 2))
    for lr in (1e-8, 1.0, 1e3, 1e150):
        traj = run(make(name, lr=lr), Rosenbrock(), starts, steps=15, noise=0.3, seed=1)
        assert np.isfinite(traj.points).all() and np.isfinite(traj.grad_norms).all()
        (x0, x1), (y0, y1) = Rosenbrock.bounds
        inside = (np.abs(traj.final[:, 0]) <= 20) & (np.abs(traj.final[:, 1] - 1) <= 20)
        assert (inside | traj.diverged).all()
        assert ((traj.diverged_at >= 0) == traj.diverged).all()


@pytest.mark.parametrize("name, hyper, noise, schedule", [
    ("momentum", {"lr": np.geomspace(1e-4, 1e-2, 6)[None, :], "momentum": np.linspace(0, 0.9, 4)[:, None]}, 0.0,
     None),
    ("adam", {"lr": 0.3}, 0.5, solvers.make_schedule(kind="cosine", warmup=5)),
])
def test_keep_losses_steps_exactly_as_keep_all_and_keeps_only_the_current_step(name, hyper, noise, schedule):
    """keep="losses" (the phase map's): the same losses, divergence and final points as the full
    history, bit for bit, including divergence (frozen gradient norms read from the one kept row)."""
    import landscapes

    f = landscapes.get("rosenbrock")
    starts = np.broadcast_to(np.array([-1.2, 1.0]), (4, 6, 2))
    opt = solvers.make(name, **hyper)
    full = solvers.Stepper(opt, f, starts, noise=noise, seed=3, schedule=schedule, reserve=4)
    light = solvers.Stepper(opt, f, starts, noise=noise, seed=3, schedule=schedule, reserve=4, keep="losses")
    for stepper in (full, light):
        stepper.step(37)
        stepper.step(23)                # past the reserve: the loss history grows
    np.testing.assert_array_equal(light.losses, full.losses)
    np.testing.assert_array_equal(light.diverged_at, full.diverged_at)
    np.testing.assert_array_equal(light.points[0], full.points[-1])
    np.testing.assert_array_equal(light.grad_norms[0], full.grad_norms[-1])
    np.testing.assert_array_equal(light.lrs[0], full.lrs[-1])
    assert light.points.shape == (1, 4, 6, 2) and light.losses.shape == (61, 4, 6)
    traj = light.trajectory()
    assert traj.losses.shape == (61, 4, 6) and traj.points.shape == (1, 4, 6, 2)
    if name == "momentum":
        assert full.diverged.any() and not full.diverged.all()   # the grid crosses the stability edge
    with pytest.raises(ValueError, match="keep must be one of all, losses"):
        solvers.Stepper(opt, f, starts, keep="paths")
