"""A race on the toy classifier's weight plane: runs step all nine parameters and are drawn projected.

References: torch (autograd and torch.optim) on the same softmax loss, numpy
for projections and distances, the scene's own start.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch  # a test dependency: this file fails without it, it never skips

from app.model.explain import explain_track
from app.model.race import Race
from app.model.scene import LandscapeSpec, RunSpec, Scene
from landscapes.toy_classifier import classic_points, classic_start

W0, B0 = classic_start()
THETA0 = np.concatenate([W0.reshape(-1), B0])      # [W row-major, b]: the parameter order


def toy_race(runs, **params):
    spec = LandscapeSpec(name="toy_classifier", params={"loss": "softmax", **params})
    return Race(Scene(landscape=spec, runs=runs))


def torch_sgd_path(lr, steps, reg=0.1, start=THETA0):
    X, y = classic_points()
    X, y = torch.tensor(X), torch.tensor(y)
    theta = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([theta], lr=lr)
    out = [theta.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        W, b = theta[:6].reshape(3, 2), theta[6:]
        loss = torch.nn.functional.cross_entropy(X @ W.T + b, y) + reg * (W ** 2).sum()
        loss.backward()
        opt.step()
        out.append(theta.detach().numpy().copy())
    return np.array(out)


def test_gd_steps_all_nine_parameters_as_torch_does_and_is_drawn_projected():
    race = toy_race([RunSpec(solver="gd", hyper={"lr": 0.5})])
    race.step(30)
    run = race.runs[0]
    ref = torch_sgd_path(0.5, 30)
    assert run.thetas.shape == (31, 9) and run.theta.shape == (9,)
    np.testing.assert_allclose(run.thetas, ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(run.theta, run.thetas[-1])
    # drawn at the W[0,0], W[0,1] entries, the plane's axes; started at the demo's W[0] = (1, 2)
    np.testing.assert_allclose(run.points, ref[:, :2], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(run.points[0], [1.0, 2.0])
    # the other seven parameters moved too: their distance from the plane through the start
    np.testing.assert_allclose(run.off_plane, np.linalg.norm(ref[:, 2:] - THETA0[2:], axis=1), atol=1e-12)
    assert run.off_plane[0] == 0.0 and run.off_plane[-1] > 0.1


def test_losses_are_the_full_losses_and_grad_is_along_the_axes():
    race = toy_race([RunSpec(solver="adam", hyper={"lr": 0.05})])
    race.step(10)
    run = race.runs[0]
    X, y = (torch.tensor(a) for a in classic_points())
    for t in (0, 5, 10):
        theta = torch.tensor(run.thetas[t], requires_grad=True)
        W, b = theta[:6].reshape(3, 2), theta[6:]
        loss = torch.nn.functional.cross_entropy(X @ W.T + b, y) + 0.1 * (W ** 2).sum()
        loss.backward()
        assert run.losses[t] == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(run.grad, theta.grad.numpy()[:2], rtol=1e-10)
    v = run.velocity                     # adam's m, along the plane's axes
    np.testing.assert_allclose(v, run.stepper.state.exp_avg.reshape(-1)[:2])


def test_plain_surfaces_have_no_theta_and_no_distance_from_the_plane():
    race = Race(Scene(landscape=LandscapeSpec(name="rosenbrock"), runs=[RunSpec(solver="gd", hyper={"lr": 1e-3})]))
    race.step(4)
    run = race.runs[0]
    assert run.theta is None and run.thetas is None and run.plane is None
    np.testing.assert_array_equal(run.off_plane, np.zeros(5))


def test_set_start_is_in_plane_coordinates_and_the_rest_stays_at_the_center():
    race = toy_race([RunSpec(solver="gd", hyper={"lr": 0.5})])
    race.step(5)
    race.set_start(0, (-1.0, 0.5))
    run = race.runs[0]
    start = THETA0.copy()
    start[:2] = (-1.0, 0.5)
    np.testing.assert_allclose(run.thetas, torch_sgd_path(0.5, 5, start=start), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(run.points[0], [-1.0, 0.5])


def test_continue_then_undo_replays_the_same_nine_dimensional_path():
    race = toy_race([RunSpec(solver="gd", hyper={"lr": 0.5})])
    race.step(8)
    before = race.snapshot(0)
    race.set_run(0, mode="continue", hyper={"lr": 0.1})
    race.step(8)
    continued = race.runs[0].thetas.copy()
    # the first 8 steps are kept, then lr 0.1 from there: torch from step 8's parameters
    np.testing.assert_allclose(continued[:9], torch_sgd_path(0.5, 8), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(continued[8:], torch_sgd_path(0.1, 8, start=continued[8]), rtol=1e-10, atol=1e-12)
    race.restore(0, before, mode="continue")       # undo: lr 0.5 all the way, replayed to step 16
    np.testing.assert_allclose(race.runs[0].thetas, torch_sgd_path(0.5, 16), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(race.runs[0].points, race.runs[0].thetas[:, :2])
    race.reset()
    assert race.runs[0].points.shape == (1, 2) and race.runs[0].off_plane.tolist() == [0.0]


def test_newton_uses_the_exact_nine_by_nine_hessian():
    race = toy_race([RunSpec(solver="newton", hyper={"lr": 1.0, "damping": 0.5})])
    race.step(1)
    X, y = (torch.tensor(a) for a in classic_points())

    def loss(theta):
        W, b = theta[:6].reshape(3, 2), theta[6:]
        return torch.nn.functional.cross_entropy(X @ W.T + b, y) + 0.1 * (W ** 2).sum()

    t0 = torch.tensor(THETA0)
    g = torch.func.grad(loss)(t0).numpy()
    h = torch.func.hessian(loss)(t0).numpy()
    expected = THETA0 - np.linalg.solve(h + 0.5 * np.eye(9), g)
    np.testing.assert_allclose(race.runs[0].theta, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("solver,hyper", [("gd", {"lr": 0.5}), ("newton", {"lr": 1.0, "damping": 0.5}), ("adam", {"lr": 0.1}),
                                          ("random_search", {"lr": 0.2}), ("momentum", {"lr": 0.1})])
def test_explain_step_of_a_nine_dimensional_run_is_shown_along_the_axes(solver, hyper):
    race = toy_race([RunSpec(solver=solver, hyper=hyper)])
    preview = explain_track(race.runs[0])
    assert preview.upcoming and preview.x.shape == (2,) and "all 9 parameters" in preview.note
    race.step(3)
    run = race.runs[0]
    ex = explain_track(run)
    assert ex.step == 3 and "W[0,0], W[0,1]" in ex.note
    np.testing.assert_allclose(ex.x, run.points[2], atol=1e-12)
    np.testing.assert_allclose(ex.delta, run.points[3] - run.points[2], atol=1e-12)
    assert ex.text_lines() and ex.latex_lines(columns=True)     # formats without error


def test_undamped_newton_on_an_svm_stops_at_once_the_biases_have_no_curvature():
    # ww: ∇²L is the regularizer's 2·reg·I on W and 0 on b, so H is singular without damping
    race = toy_race([RunSpec(solver="newton", hyper={"lr": 1.0})], loss="ww")
    race.step(2)
    run = race.runs[0]
    assert run.diverged_at == 1
    np.testing.assert_array_equal(run.thetas[1], THETA0)     # it stopped where it was
    race.reset()
    race.step(1)
    assert "no Newton step exists here" in explain_track(race.runs[0]).note
