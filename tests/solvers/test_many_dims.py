"""Solvers on points of P dimensions (P = 9, as the toy classifier's W and b; and P = 1).

References: torch.optim on the same quadratic (its gradient computed by torch's
autograd), numpy.linalg.solve for Newton, numpy.linalg.norm for gradient norms.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch  # a test dependency: this file fails without it, it never skips

import solvers

P = 9
RNG = np.random.default_rng(3)
_M = RNG.standard_normal((P, P))
A = _M @ _M.T / P + 0.2 * np.eye(P)       # symmetric positive definite, condition ~ 100
B = RNG.standard_normal(P)
STARTS = RNG.standard_normal((3, P))


class QuadraticP:
    """f = ½ xᵀAx − bᵀx in P dimensions; minimum at A⁻¹b."""

    def __init__(self, a=A, b=B, half=4.0):
        self.a, self.b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        self.bounds = ((-half, half),) * len(self.b)
        self.grad_scale = 1.0

    def value(self, x):
        return 0.5 * np.einsum("...i,ij,...j->...", x, self.a, x) - x @ self.b

    def grad(self, x):
        return x @ self.a - self.b

    def hessian(self, x):
        return np.broadcast_to(self.a, np.shape(x)[:-1] + self.a.shape)


def _torch_path(cls, kwargs, steps):
    a, b = torch.tensor(A), torch.tensor(B)
    p = torch.tensor(STARTS, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], foreach=False, **kwargs)
    out = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        loss = (0.5 * torch.einsum("ni,ij,nj->n", p, a, p) - p @ b).sum()
        loss.backward()
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


@pytest.mark.parametrize("name,hyper,cls,kwargs", [
    ("gd", dict(lr=0.05), "SGD", dict(lr=0.05)),
    ("momentum", dict(lr=0.02, weight_decay=0.1), "SGD", dict(lr=0.02, momentum=0.9, weight_decay=0.1)),
    ("adam", dict(lr=0.05), "Adam", dict(lr=0.05)),
    ("rmsprop", dict(lr=0.01, centered=True), "RMSprop", dict(lr=0.01, centered=True)),
])
def test_stepper_in_nine_dimensions_matches_torch(name, hyper, cls, kwargs):
    st = solvers.Stepper(solvers.make(name, **hyper), QuadraticP(), STARTS).step(40)
    ref = _torch_path(cls, kwargs, 40)
    assert st.points.shape == (41, 3, P) and st.x.shape == (3, P)
    assert np.abs(ref[-1] - ref[0]).max() > 0.1      # the runs really moved
    np.testing.assert_allclose(st.points, ref, rtol=1e-10, atol=1e-12)
    f = QuadraticP()
    np.testing.assert_allclose(st.losses, f.value(ref), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(st.grad_norms, np.linalg.norm(f.grad(ref), axis=-1), rtol=1e-12)


def test_newton_lands_on_the_minimum_in_one_step():
    st = solvers.Stepper(solvers.make("newton"), QuadraticP(), STARTS).step(1)
    np.testing.assert_allclose(st.x, np.broadcast_to(np.linalg.solve(A, B), (3, P)), atol=1e-10)
    assert np.all(st.grad_norms[1] < 1e-9)


def test_damped_newton_solves_h_plus_delta_i():
    delta, lr = 0.7, 0.5
    st = solvers.Stepper(solvers.make("newton", lr=lr, damping=delta), QuadraticP(), STARTS).step(1)
    g = STARTS @ A - B
    expected = STARTS - lr * np.linalg.solve(A + delta * np.eye(P), g[..., None])[..., 0]
    np.testing.assert_allclose(st.x, expected, rtol=1e-12, atol=1e-12)


def test_newton_singular_hessian_stops_only_that_point():
    from solvers.rules.newton import solve

    h = np.stack([A, np.zeros((P, P)), A])
    g = np.stack([B, B, np.zeros(P)])
    out = solve(h, g)
    np.testing.assert_allclose(out[0], np.linalg.solve(A, B), rtol=1e-12)
    assert np.isnan(out[1]).all()              # singular: no step (the Stepper marks it diverged)
    np.testing.assert_array_equal(out[2], 0.0)  # stationary: no move, whatever H is


def test_far_box_has_one_pair_per_coordinate():
    # bounds ±4 -> far box ±40 in each coordinate: a run growing along coordinate 7 only stops there
    a = np.eye(P)
    a[7, 7] = -1.0      # f falls without end along x₇
    f = QuadraticP(a=a, b=np.zeros(P))
    start = np.zeros(P)
    start[7] = 1.0
    st = solvers.Stepper(solvers.make("gd", lr=0.5), f, start).step(20)
    # x₇ grows by 1.5x a step: 1.5⁹ = 38.4 < 40 < 1.5¹⁰ = 57.7
    assert int(st.diverged_at) == 10
    assert st.x[7] == pytest.approx(1.5 ** 9)


def test_start_of_the_wrong_dimension_names_the_shape():
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 9\), got shape \(2,\)"):
        solvers.Stepper(solvers.make("gd"), QuadraticP(), [0.0, 0.0])


def test_random_search_draws_in_every_dimension():
    f = QuadraticP()
    st = solvers.Stepper(solvers.make("random_search", lr=0.3), f, STARTS[0], seed=5).step(1)
    xi = np.random.default_rng([5, 0]).standard_normal(P)
    proposal = STARTS[0] + 0.3 * xi
    expected = proposal if f.value(proposal) < f.value(STARTS[0]) else STARTS[0]
    np.testing.assert_allclose(st.x, expected, rtol=1e-15)
    assert st.t == 1


def test_one_dimension():
    class Parabola:
        bounds = ((-1.0, 1.0),)
        grad_scale = 1.0

        def value(self, x):
            return 2.0 * x[..., 0] ** 2

        def grad(self, x):
            return 4.0 * x

    st = solvers.Stepper(solvers.make("gd", lr=0.1), Parabola(), [[0.5], [-0.25]]).step(3)
    np.testing.assert_allclose(st.points[:, :, 0], [[0.5, -0.25], [0.3, -0.15], [0.18, -0.09],
                                                   [0.108, -0.054]], rtol=1e-14)
    np.testing.assert_allclose(st.grad_norms[0], [2.0, 1.0])


def test_bounds_that_are_not_pairs_are_one_line():
    f = QuadraticP()
    f.bounds = ((-1.0, 1.0, 2.0),)
    with pytest.raises(ValueError, match=r"f.bounds must be one \(low, high\) pair per coordinate"):
        solvers.Stepper(solvers.make("gd"), f, np.zeros(P))
