"""The linear-classifier lab's model: losses, derivatives, data and the weight-space landscape.

Independent sources: a hand computation of the demo's scores, plain-Python
loops over points and classes (math.exp/log, no numpy), centred finite
differences, and torch (cross-entropy, multi-margin loss, autograd Hessian,
torch.optim.Adam).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from landscapes.base import Landscape
from landscapes.toy_classifier import (
    KINDS,
    classic_points,
    classic_start,
    full_objective,
    gaussian_blobs,
    loss_hessian,
    multiclass_loss,
    pack,
    param_names,
    point_losses,
    softmax_hessian,
    two_rings,
    unpack,
    weight_space,
)
from solvers import make, run

REGS = (0.0, 0.1, 1.0)


# --- independent reference: plain Python loops ----------------------------------
def ref_point_loss(scores: list[float], label: int, kind: str) -> float:
    c = len(scores)
    sy = scores[label]
    if kind == "ww":
        return sum(max(0.0, scores[j] - sy + 1.0) for j in range(c) if j != label)
    if kind == "ova":
        return sum(max(0.0, 1.0 - (1.0 if j == label else -1.0) * scores[j]) for j in range(c))
    if kind == "structured":
        return max(0.0, max(scores[j] for j in range(c) if j != label) - sy + 1.0)
    top = max(scores)
    return -(sy - top - math.log(sum(math.exp(s - top) for s in scores)))


def ref_loss(W, b, X, y, kind: str, reg: float) -> float:
    W, b, X, y = np.asarray(W).tolist(), np.asarray(b).tolist(), np.asarray(X).tolist(), list(y)
    total = 0.0
    for (x0, x1), label in zip(X, y, strict=True):
        scores = [W[c][0] * x0 + W[c][1] * x1 + b[c] for c in range(len(W))]
        total += ref_point_loss(scores, int(label), kind)
    return total / len(X) + reg * sum(w * w for row in W for w in row)


def ref_margins(W, b, X, y, kind: str) -> list[float]:
    """Every hinge argument of every point (plain Python): keep them away from 0 for finite differences."""
    out = []
    for (x0, x1), label in zip(np.asarray(X).tolist(), y, strict=True):
        s = [W[c][0] * x0 + W[c][1] * x1 + b[c] for c in range(len(W))]
        if kind == "ww":
            out += [s[j] - s[label] + 1.0 for j in range(len(s)) if j != label]
        elif kind == "ova":
            out += [1.0 - (1.0 if j == label else -1.0) * s[j] for j in range(len(s))]
        elif kind == "structured":
            rivals = sorted(s[j] for j in range(len(s)) if j != label)
            out += [rivals[-1] - s[label] + 1.0, rivals[-1] - rivals[-2]]  # and no tie for the max
    return out


def random_params(kind: str, X, y, seed: int, c: int = 3, margin: float = 1e-3):
    """W (c, 2), b (c,) with every hinge at least ``margin`` from its kink."""
    rng = np.random.default_rng(seed)
    while True:
        W, b = rng.normal(size=(c, 2)), rng.normal(size=c)
        if all(abs(m) > margin for m in ref_margins(W.tolist(), b.tolist(), X, list(y), kind)):
            return W, b


def fd_grad(fun, theta: np.ndarray, h: float = 1e-6) -> np.ndarray:
    eye = np.eye(theta.shape[-1])
    return np.stack([(fun(theta + h * e) - fun(theta - h * e)) / (2 * h) for e in eye], axis=-1)


def torch_loss(theta: torch.Tensor, X, y, kind: str, reg: float, c: int = 3) -> torch.Tensor:
    W, b = theta[: 2 * c].reshape(c, 2), theta[2 * c:]
    s = torch.as_tensor(X) @ W.T + b
    yt = torch.as_tensor(np.asarray(y), dtype=torch.long)
    if kind == "softmax":
        data = torch.nn.functional.cross_entropy(s, yt)
    else:  # torch averages Σ_{j≠y} max(0, 1 − s_y + s_j) over the C classes too
        data = c * torch.nn.functional.multi_margin_loss(s, yt, p=1, margin=1.0)
    return data + reg * (W * W).sum()


# --- data ----------------------------------------------------------------------------
def test_classic_points_and_start_are_the_demos():
    X, y = classic_points()
    assert X.shape == (9, 2) and X.dtype == np.float64 and y.dtype.kind == "i"
    assert X.tolist() == [[.5, .4], [.8, .3], [.3, .8], [-.4, .3], [-.3, .7], [-.7, .2],
                          [.7, -.4], [.5, -.6], [-.4, -.5]]
    assert y.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    W, b = classic_start()
    assert W.tolist() == [[1, 2], [2, -4], [3, -1]] and b.tolist() == [0, .5, -.5]


def test_gaussian_blobs_are_seeded_and_centred_on_a_circle():
    X, y = gaussian_blobs(4, 500, seed=3, spread=0.1)
    assert X.shape == (2000, 2) and y.tolist() == sorted(y.tolist()) and set(y.tolist()) == {0, 1, 2, 3}
    np.testing.assert_array_equal(X, gaussian_blobs(4, 500, seed=3, spread=0.1)[0])
    assert not np.array_equal(X, gaussian_blobs(4, 500, seed=4, spread=0.1)[0])
    means = np.array([X[y == k].mean(axis=0) for k in range(4)])
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 0.6, atol=0.02)
    np.testing.assert_allclose(means[0], [0.0, 0.6], atol=0.02)        # class 0 on top
    np.testing.assert_allclose(X[y == 0].std(axis=0), 0.1, rtol=0.1)
    np.testing.assert_allclose(gaussian_blobs(2, 3, seed=0, spread=0)[0], [[0, .6]] * 3 + [[0, -.6]] * 3,
                               atol=1e-15)


def test_two_rings_cannot_be_separated_by_a_line():
    X, y = two_rings(200, seed=1, noise=0.02)
    assert X.shape == (400, 2) and y.tolist() == [0] * 200 + [1] * 200
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose([r[y == 0].mean(), r[y == 1].mean()], [0.3, 0.8], atol=0.01)
    # Two classes are linearly separable iff their convex hulls are disjoint. The
    # origin is inside a ring's hull when no angular gap between its points reaches
    # π, so it lies in both hulls here: no line separates the rings.
    for k in (0, 1):
        a = np.sort(np.arctan2(X[y == k, 1], X[y == k, 0]))
        gaps = np.diff(np.concatenate([a, a[:1] + 2 * np.pi]))
        assert gaps.max() < np.pi


# --- losses against hand and loop computations ------------------------------------
def test_weston_watkins_point_losses_by_hand_at_the_classic_start():
    # scores s = W·x + b of the nine points at the demo's start, e.g. (.5, .4):
    # s = (1.3, −0.1, 0.6), class 0, loss max(0, −0.1 − 1.3 + 1) + max(0, 0.6 − 1.3 + 1) = 0.3
    X, y = classic_points()
    W, b = classic_start()
    scores, losses = point_losses(W, b, X, y, "ww")
    np.testing.assert_allclose(scores[0], [1.3, -0.1, 0.6], atol=1e-15)
    np.testing.assert_allclose(losses, [0.3, 1.7, 0.0, 3.2, 6.8, 2.4, 2.5, 3.3, 4.7], atol=1e-14)
    # ΣW² = 1 + 4 + 4 + 16 + 9 + 1 = 35
    assert multiclass_loss(W, b, X, y, "ww", reg=0.1)[0] == pytest.approx(24.9 / 9 + 3.5, rel=1e-14)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reg", REGS)
def test_loss_at_the_classic_start_matches_plain_python(kind, reg):
    X, y = classic_points()
    W, b = classic_start()
    loss, dW, db = multiclass_loss(W, b, X, y, kind, reg)
    assert loss.shape == () and dW.shape == (3, 2) and db.shape == (3,)
    assert float(loss) == pytest.approx(ref_loss(W, b, X, y, kind, reg), rel=1e-13)
    _, per_point = point_losses(W, b, X, y, kind)
    for i in range(9):
        s = [float(W[c] @ X[i] + b[c]) for c in range(3)]
        assert per_point[i] == pytest.approx(ref_point_loss(s, int(y[i]), kind), rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("reg", REGS)
def test_gradients_match_centred_differences(kind, reg):
    X, y = gaussian_blobs(3, 5, seed=2, spread=0.4)
    for seed in range(3):
        W, b = random_params(kind, X, y, seed)
        theta = pack(W, b)
        numeric = fd_grad(lambda t: multiclass_loss(*unpack(t, 3), X, y, kind, reg)[0], theta)
        _, dW, db = multiclass_loss(W, b, X, y, kind, reg)
        np.testing.assert_allclose(pack(dW, db), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kind", ["ww", "softmax"])
@pytest.mark.parametrize("reg", REGS)
def test_loss_and_gradient_match_torch(kind, reg):
    X, y = gaussian_blobs(3, 4, seed=5, spread=0.5)
    W, b = random_params(kind, X, y, seed=11)
    t = torch.tensor(pack(W, b), requires_grad=True)
    expected = torch_loss(t, X, y, kind, reg)
    expected.backward()
    loss, dW, db = multiclass_loss(W, b, X, y, kind, reg)
    assert float(loss) == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(pack(dW, db), t.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_softmax_is_stable_for_huge_scores():
    X, y = classic_points()
    W, b = classic_start()
    loss, dW, db = multiclass_loss(1e4 * W, b, X, y, "softmax")
    assert np.isfinite(loss) and np.isfinite(dW).all() and np.isfinite(db).all()
    assert float(loss) == pytest.approx(ref_loss(1e4 * W, b, X, y, "softmax", 0.0), rel=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_a_grid_of_parameters_is_one_call_equal_to_the_loop(kind):
    X, y = classic_points()
    rng = np.random.default_rng(4)
    W, b = rng.normal(size=(5, 7, 3, 2)), rng.normal(size=(5, 7, 3))
    loss, dW, db = multiclass_loss(W, b, X, y, kind, 0.3)
    assert loss.shape == (5, 7) and dW.shape == (5, 7, 3, 2) and db.shape == (5, 7, 3)
    for i in range(5):
        for j in range(7):
            li, dWi, dbi = multiclass_loss(W[i, j], b[i, j], X, y, kind, 0.3)
            assert loss[i, j] == pytest.approx(float(li), rel=1e-13)
            np.testing.assert_allclose(dW[i, j], dWi, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(db[i, j], dbi, rtol=1e-12, atol=1e-15)
    # one shared b broadcasts against the grid of W, and a grid of b against one W
    np.testing.assert_allclose(multiclass_loss(W, b[0, 0], X, y, kind)[0][2, 3],
                               multiclass_loss(W[2, 3], b[0, 0], X, y, kind)[0], rtol=1e-13)
    np.testing.assert_allclose(multiclass_loss(W[1, 1], b, X, y, kind)[2][4, 6],
                               multiclass_loss(W[1, 1], b[4, 6], X, y, kind)[2], rtol=1e-12, atol=1e-15)


# --- Hessians ---------------------------------------------------------------------------
@pytest.mark.parametrize("reg", REGS)
def test_softmax_hessian_matches_finite_differences_and_torch(reg):
    X, y = classic_points()
    W, b = random_params("softmax", X, y, seed=8)
    theta = pack(W, b)
    H = softmax_hessian(W, b, X, y, reg)
    assert H.shape == (9, 9)
    numeric = fd_grad(lambda t: np.concatenate(
        [d.reshape(t.shape[:-1] + (-1,)) for d in multiclass_loss(*unpack(t, 3), X, y, "softmax", reg)[1:]],
        axis=-1), theta, h=1e-5)
    np.testing.assert_allclose(H, numeric, rtol=1e-6, atol=1e-9)
    expected = torch.autograd.functional.hessian(
        lambda t: torch_loss(t, X, y, "softmax", reg), torch.tensor(theta))
    np.testing.assert_allclose(H, expected.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(H, H.T, atol=1e-15)


@pytest.mark.parametrize("kind", ["ww", "ova", "structured"])
def test_svm_hessian_is_the_regularizers(kind):
    X, y = classic_points()
    W, b = random_params(kind, X, y, seed=9)
    H = loss_hessian(W, b, X, y, kind, 0.25)
    numeric = fd_grad(lambda t: full_objective(X, y, kind, 0.25).grad(t), pack(W, b), h=1e-5)
    np.testing.assert_allclose(H, numeric, atol=1e-8)
    np.testing.assert_array_equal(H, np.diag([0.5] * 6 + [0.0] * 3))


def test_hessian_broadcasts_over_a_grid():
    X, y = classic_points()
    rng = np.random.default_rng(6)
    W, b = rng.normal(size=(4, 3, 3, 2)), rng.normal(size=(3,))
    H = softmax_hessian(W, b, X, y, 0.1)
    assert H.shape == (4, 3, 9, 9)
    np.testing.assert_allclose(H[3, 1], softmax_hessian(W[3, 1], b, X, y, 0.1), rtol=1e-13, atol=1e-16)


# --- the full-parameter objective ---------------------------------------------------------
def test_full_objective_is_multiclass_loss_over_the_flat_vector():
    X, y = classic_points()
    f = full_objective(X, y, "softmax", 0.1)
    assert f.n_classes == 3 and f.n_params == 9 and f.names == param_names(3)
    assert f.names[:3] == ("W[0,0]", "W[0,1]", "W[1,0]") and f.names[6:] == ("b[0]", "b[1]", "b[2]")
    theta = np.random.default_rng(1).normal(size=(4, 2, 9))
    W, b = theta[..., :6].reshape(4, 2, 3, 2), theta[..., 6:]
    loss, dW, db = multiclass_loss(W, b, X, y, "softmax", 0.1)
    np.testing.assert_array_equal(f.value(theta), loss)
    np.testing.assert_array_equal(f.grad(theta), np.concatenate([dW.reshape(4, 2, 6), db], axis=-1))
    np.testing.assert_array_equal(f.hessian(theta), softmax_hessian(W, b, X, y, 0.1))
    assert f.grad_scale > 0


def test_gradcheck_passes_off_the_kinks_and_flags_a_kink():
    X, y = gaussian_blobs(3, 4, seed=5, spread=0.5)
    W, b = random_params("ww", X, y, seed=2)
    f = full_objective(X, y, "ww", 0.1)
    theta = np.stack([pack(W, b), pack(W, b) + 0.01])
    check = f.gradcheck(theta)
    assert check.numeric.shape == check.relative_error.shape == (2, 9)
    t = torch.tensor(theta[0], requires_grad=True)
    torch_loss(t, X, y, "ww", 0.1).backward()
    np.testing.assert_allclose(check.numeric[0], t.grad.numpy(), atol=1e-9)
    assert check.relative_error[0].max() < 1e-7
    # one point at the origin with scores b = (0, −1, −5): the class-1 hinge s₁ − s₀ + 1 is
    # exactly 0. The subgradient takes it as inactive (∂/∂b[0] = ∂/∂b[1] = 0); the centred
    # difference sees ±(max(0, h) − max(0, −h)) / 2h = ∓1/2: relative error 1 at b[0] and
    # b[1]; W has zero gradient at x = 0 and the b[2] hinge is far: exact there.
    one = full_objective([[0.0, 0.0]], [0], "ww", n_classes=3)
    kink = one.gradcheck(one.pack(np.zeros((3, 2)), [0.0, -1.0, -5.0]))
    np.testing.assert_array_equal(kink.analytic, np.zeros(9))
    np.testing.assert_allclose(kink.numeric, [0] * 6 + [-0.5, 0.5, 0], atol=1e-9)
    np.testing.assert_allclose(kink.relative_error, [0] * 6 + [1, 1, 0], atol=1e-9)


def test_elementwise_solvers_race_in_the_full_space_like_torch():
    # adam's init/update are elementwise, so they move the 9 parameters as they are;
    # torch.optim.Adam on the same loss is the independent check of the whole run.
    X, y = classic_points()
    f = full_objective(X, y, "softmax", 0.01)
    W, b = classic_start()
    opt = make("adam", lr=0.05)
    theta = pack(W, b)
    state = opt.init(theta)
    for _ in range(100):
        updates, state = opt.update(f.grad(theta), state, theta)
        theta = theta + updates
    t = torch.tensor(pack(W, b), requires_grad=True)
    adam = torch.optim.Adam([t], lr=0.05)
    for _ in range(100):
        adam.zero_grad()
        torch_loss(t, X, y, "softmax", 0.01).backward()
        adam.step()
    np.testing.assert_allclose(theta, t.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert f.value(theta) < 0.5 * f.value(pack(W, b))


# --- the weight-space landscape ---------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("axes", [("W[0,0]", "W[0,1]"), ("W[1,0]", "b[2]"), ("b[0]", "W[2,1]")])
def test_named_plane_value_is_the_loss_with_the_two_parameters_substituted(kind, axes):
    X, y = classic_points()
    W, b = classic_start()
    f = weight_space(W, b, X, y, kind, 0.1, axes=axes)
    assert isinstance(f, Landscape) and f.axis_labels == axes
    assert f.title.endswith(f"{axes[0]}, {axes[1]}")
    theta0 = pack(W, b)
    i, j = param_names(3).index(axes[0]), param_names(3).index(axes[1])
    assert f.default_start == (theta0[i], theta0[j])
    assert f.bounds == ((theta0[i] - 3, theta0[i] + 3), (theta0[j] - 3, theta0[j] + 3))
    p = np.random.default_rng(2).uniform(-3, 3, size=(6, 5, 2))
    Z = f.value(p)
    assert Z.shape == (6, 5)
    for idx in np.ndindex(6, 5):
        theta = theta0.copy()
        theta[i], theta[j] = p[idx]
        assert Z[idx] == pytest.approx(ref_loss(*unpack(theta, 3), X, y, kind, 0.1), rel=1e-12)
    assert float(f.value(f.default_start)) == pytest.approx(ref_loss(W, b, X, y, kind, 0.1), rel=1e-13)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("axes", [("W[0,0]", "W[0,1]"), ("W[2,0]", "b[1]"), "random"])
def test_plane_gradient_and_hessian_match_finite_differences(kind, axes):
    X, y = gaussian_blobs(3, 4, seed=1, spread=0.5)
    W, b = random_params(kind, X, y, seed=3)
    f = weight_space(W, b, X, y, kind, 0.2, axes=axes, seed=5)
    p0 = np.array(f.default_start)
    theta = f.lift(p0)
    assert all(abs(m) > 1e-3 for m in ref_margins(*[a.tolist() for a in unpack(theta, 3)], X, list(y), kind))
    ex, ey = np.array([1e-6, 0.0]), np.array([0.0, 1e-6])
    numeric = np.array([(f.value(p0 + e) - f.value(p0 - e)) / 2e-6 for e in (ex, ey)])
    np.testing.assert_allclose(f.grad(p0), numeric, rtol=1e-6, atol=1e-8)
    numeric_h = np.array([(f.grad(p0 + 1e2 * e) - f.grad(p0 - 1e2 * e)) / 2e-4 for e in (ex, ey)])
    np.testing.assert_allclose(f.hessian(p0), numeric_h, rtol=1e-6, atol=1e-8)
    # over a grid the three are one broadcast call each
    P = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3)), axis=-1) + p0
    assert f.value(P).shape == (3, 4) and f.grad(P).shape == (3, 4, 2) and f.hessian(P).shape == (3, 4, 2, 2)


def test_solvers_race_on_the_plane_as_on_any_landscape():
    # solvers.run over the 2-D plane: gd and damped newton against hand loops (np.linalg.solve)
    X, y = classic_points()
    W, b = classic_start()
    f = weight_space(W, b, X, y, "softmax", 0.05)
    gd = run(make("gd", lr=0.5), f, start=f.default_start, steps=20)
    newton = run(make("newton", lr=1.0, damping=0.1), f, start=f.default_start, steps=5)
    p = q = np.array(f.default_start)
    for _ in range(20):
        p = p - 0.5 * f.grad(p)
    for _ in range(5):
        q = q - np.linalg.solve(f.hessian(q) + 0.1 * np.eye(2), f.grad(q))
    np.testing.assert_allclose(gd.final, p, rtol=1e-12)
    np.testing.assert_allclose(newton.final, q, rtol=1e-10)
    assert newton.losses[-1] < gd.losses[-1] < gd.losses[0]


def test_random_plane_is_seeded_orthonormal_and_through_the_given_parameters():
    X, y = classic_points()
    W, b = classic_start()
    f = weight_space(W, b, X, y, "softmax", 0.0, axes="random", seed=7)
    D = f.directions
    assert D.shape == (2, 9) and f.axis_labels == ("d₁", "d₂")
    np.testing.assert_allclose(D @ D.T, np.eye(2), atol=1e-15)
    np.testing.assert_array_equal(D, weight_space(W, b, X, y, "ww", axes="random", seed=7).directions)
    assert not np.allclose(D, weight_space(W, b, X, y, "ww", axes="random", seed=8).directions)
    theta0 = pack(W, b)
    np.testing.assert_allclose(f.lift(f.default_start), theta0, atol=1e-15)
    u, v = 0.3, -1.2
    expected = ref_loss(*unpack(theta0 + u * D[0] + v * D[1], 3), X, y, "softmax", 0.0)
    assert float(f.value(np.array(f.default_start) + [u, v])) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("axes", [("W[0,0]", "W[0,1]"), "random"])
def test_project_and_distance_from_plane_for_runs_in_the_full_space(axes):
    X, y = classic_points()
    W, b = classic_start()
    f = weight_space(W, b, X, y, "ww", axes=axes, seed=2)
    rng = np.random.default_rng(3)
    p = rng.normal(size=(10, 2))
    off = rng.normal(size=(10, 9))
    off -= (off @ f.directions.T) @ f.directions            # orthogonal to the plane
    theta = f.lift(p) + off
    np.testing.assert_allclose(f.project(theta), p, atol=1e-13)
    np.testing.assert_allclose(f.distance_from_plane(theta), np.linalg.norm(off, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(f.distance_from_plane(f.lift(p)), 0.0, atol=1e-14)
    # the parallel plane through a moved run holds it at the same coordinates, at its loss
    g = f.through(theta[0])
    assert g.axis_labels == f.axis_labels
    np.testing.assert_allclose(g.bounds, [[p[0, 0] - 3, p[0, 0] + 3], [p[0, 1] - 3, p[0, 1] + 3]], atol=1e-13)
    np.testing.assert_allclose(g.project(theta[0]), p[0], atol=1e-13)
    assert g.distance_from_plane(theta[0]) == pytest.approx(0.0, abs=1e-13)
    assert float(g.value(g.default_start)) == pytest.approx(
        ref_loss(*unpack(theta[0], 3), X, y, "ww", 0.0), rel=1e-12)


def test_named_plane_distance_is_how_far_the_held_parameters_moved():
    X, y = classic_points()
    W, b = classic_start()
    f = weight_space(W, b, X, y, "ww", axes=("W[1,1]", "b[0]"))
    moved = pack(W, b)
    moved[[3, 6]] = [9.0, -9.0]                              # the plane's own two: no distance
    moved[0] += 3.0                                          # W[0,0] and b[2] leave the plane
    moved[8] -= 4.0
    assert f.distance_from_plane(moved) == pytest.approx(5.0, rel=1e-14)
    np.testing.assert_allclose(f.project(moved), [9.0, -9.0], atol=1e-15)


# --- bad input ----------------------------------------------------------------------------------
def _bad_cases():
    X, y = classic_points()
    W, b = classic_start()
    return [
        (lambda: multiclass_loss(W, b, X, y, "softmx"), r"unknown loss kind 'softmx' \(did you mean 'softmax'\?\)"),
        (lambda: multiclass_loss(W, b, X, y, 3), r"unknown loss kind 3"),
        (lambda: multiclass_loss(W, b, X, y, "ww", -0.1), r"reg must be finite and >= 0, got -0\.1"),
        (lambda: multiclass_loss(W, b, X, y, "ww", float("nan")), r"reg must be finite"),
        (lambda: multiclass_loss(W, b, X, y, "ww", float("inf")), r"reg must be finite"),
        (lambda: multiclass_loss(W, b, X, y, "ww", "0.1"), r"reg must be a number"),
        (lambda: multiclass_loss(W[:, :1], b, X, y), r"W must have shape \(\.\.\., C, 2\)"),
        (lambda: multiclass_loss(W[:1], b[:1], X, y), r"at least 2 classes"),
        (lambda: multiclass_loss(W, b[:2], X, y), r"b must have shape \(\.\.\., 3\)"),
        (lambda: multiclass_loss(np.zeros((4, 3, 2)), np.zeros((5, 3)), X, y), r"do not broadcast"),
        (lambda: multiclass_loss(W, b, X[:, :1], y), r"X must have shape \(N, 2\)"),
        (lambda: multiclass_loss(W, b, X, y[:8]), r"y must have shape \(9,\)"),
        (lambda: multiclass_loss(W, b, np.zeros((0, 2)), np.zeros(0, int)), r"data set is empty"),
        (lambda: multiclass_loss(W, b, np.full((9, 2), np.nan), y), r"X must hold finite numbers"),
        (lambda: multiclass_loss(W, b, X, y + 1), r"labels y must lie in 0 \.\. 2 for 3 classes, got 1 \.\. 3"),
        (lambda: multiclass_loss(W, b, X, y - 1), r"labels y must lie in 0 \.\. 2"),
        (lambda: multiclass_loss(W, b, X, y + 0.5), r"labels y must be whole numbers"),
        (lambda: multiclass_loss(W, b, X, np.array(["a"] * 9)), r"labels y must be whole numbers"),
        (lambda: softmax_hessian(W, b, X, y, -1.0), r"reg must be finite and >= 0"),
        (lambda: loss_hessian(W, b, X, y, "hinge"), r"unknown loss kind 'hinge'"),
        (lambda: full_objective(X, y, "ww").value(np.zeros(8)), r"shape \(\.\.\., 9\), got \(8,\)"),
        (lambda: full_objective(X, y - 1, "ww"), r"labels y must be >= 0, got -1"),
        (lambda: full_objective(X, y, "ww", n_classes=1), r"n_classes must be a whole number >= 2"),
        (lambda: full_objective(X, y, "ww", n_classes=2), r"labels y must lie in 0 \.\. 1"),
        (lambda: weight_space(W, b, X, y, axes=("W[0,0]", "W[3,1]")),
         r"unknown parameter 'W\[3,1\]' \(did you mean 'W\[2,1\]'\?\)"),
        (lambda: weight_space(W, b, X, y, axes=("w[0,0]", "b[1]")), r"unknown parameter 'w\[0,0\]'"),
        (lambda: weight_space(W, b, X, y, axes=("b[1]", "b[ 1]")), r"two different parameters"),
        (lambda: weight_space(W, b, X, y, axes=("b[1]",)), r"axes must name two parameters"),
        (lambda: weight_space(W, b, X, y, axes="randm"), r"axes must be two parameter names or 'random'"),
        (lambda: weight_space(W, b, X, y, axes="random", seed=-1), r"seed must be a whole number >= 0"),
        (lambda: weight_space(W, b, X, y, span=0), r"span must be a finite number > 0"),
        (lambda: weight_space(W[None], b, X, y), r"W and b must be one classifier"),
        (lambda: weight_space(W, b, X, y, kind="ovo"), r"unknown loss kind 'ovo' \(did you mean 'ova'\?\)"),
        (lambda: weight_space(W, b, X, y).project(np.zeros(3)), r"theta must have shape \(\.\.\., 9\)"),
        (lambda: weight_space(W, b, X, y).through(np.zeros((2, 9))), r"theta must have shape \(9,\)"),
        (lambda: weight_space(W, b, X, y).value(np.zeros(3)), r"points must have shape \(\.\.\., 2\)"),
        (lambda: gaussian_blobs(1, 5), r"n_classes must be a whole number >= 2"),
        (lambda: gaussian_blobs(3, 0), r"n_per_class must be a whole number >= 1"),
        (lambda: gaussian_blobs(3, 5, seed=1.5), r"seed must be a whole number >= 0"),
        (lambda: gaussian_blobs(3, 5, spread=-1), r"spread must be a finite number >= 0"),
        (lambda: two_rings(0), r"n must be a whole number >= 1"),
        (lambda: two_rings(5, noise=float("nan")), r"noise must be a finite number >= 0"),
        (lambda: unpack(np.zeros(7), 3), r"must have shape \(\.\.\., 9\)"),
        (lambda: full_objective(X, y).gradcheck(np.zeros(9), h=0), r"step h must be positive"),
        (lambda: full_objective(X, y).gradcheck(np.zeros(6)), r"shape \(\.\.\., 9\), got \(6,\)"),
    ]


@pytest.mark.parametrize("case", range(len(_bad_cases())))
def test_bad_input_is_a_one_line_value_error(case):
    call, message = _bad_cases()[case]
    with pytest.raises(ValueError, match=message) as info:
        call()
    assert "\n" not in str(info.value)


def test_non_finite_parameters_give_non_finite_losses_not_errors():
    # a diverging run must be marked by the solver, not stopped by an exception
    X, y = classic_points()
    W, b = classic_start()
    W = np.stack([W, np.full((3, 2), np.nan)])
    loss, dW, _ = multiclass_loss(W, b, X, y, "softmax", 0.1)
    assert np.isfinite(loss[0]) and np.isnan(loss[1]) and np.isfinite(dW[0]).all()
