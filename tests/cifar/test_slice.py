"""The exact slice: values against torch on W* + a·D1 + b·D2 recomputed from scratch, derivatives
against finite differences of the slice value, minibatches, grids and directions."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from landscapes import numerical_grad
from landscapes.cifar import (
    Cancelled,
    cifar_slice,
    filter_normalized_directions,
    image_mean,
    initial_weights,
    plane_through,
    preprocess,
    train_linear,
)

from .test_linear import torch_loss

POINTS = np.array([[0.0, 0.0], [0.3, -0.7], [-0.9, 0.45], [1.2, 1.5], [-0.05, -1.3]])


@pytest.fixture(scope="module")
def setup(cifar_small):
    x, y, _, _ = cifar_small
    x, y = x[:1500], y[:1500]
    W = train_linear(x, y, strength=5e3, lr=2e-7, steps=150, seed=0)
    D1, D2 = filter_normalized_directions(W, seed=4)
    return W, D1, D2, x, y, image_mean(x)


@pytest.fixture(scope="module")
def slices(setup):
    W, D1, D2, x, y, mean = setup
    return {(loss, reg): cifar_slice(W, x, y, loss=loss, reg=reg, strength={"l2": 50.0, "l1": 0.5}[reg],
                                     directions=(D1, D2), mean=mean)
            for loss in ("softmax", "svm") for reg in ("l2", "l1")}


def second_differences(f, p, h=1e-3):
    """Hessian of f.value by central second differences (independent of f.grad)."""
    e = np.eye(2) * h
    H = np.empty(p.shape[:-1] + (2, 2))
    for i in range(2):
        for j in range(2):
            H[..., i, j] = (f.value(p + e[i] + e[j]) - f.value(p + e[i] - e[j])
                            - f.value(p - e[i] + e[j]) + f.value(p - e[i] - e[j])) / (4 * h * h)
    return H


@pytest.mark.parametrize("loss", ["softmax", "svm"])
@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_value_is_the_loss_of_the_moved_weights(setup, slices, loss, reg):
    W, D1, D2, x, y, mean = setup
    f = slices[(loss, reg)]
    X, yt = torch.tensor(preprocess(x, mean)), torch.tensor(y)
    for a, b in POINTS:
        ref = torch_loss(torch.tensor(W + a * D1 + b * D2), X, yt, loss, reg, f.strength).item()
        assert f.value([a, b]) == pytest.approx(ref, rel=1e-12)
    assert f.value(POINTS.reshape(5, 1, 2)).shape == (5, 1)


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_data_and_reg_parts_add_up(setup, slices, reg):
    W, D1, D2, x, y, mean = setup
    f = slices[("softmax", reg)]
    Wab = W + 0.3 * D1 - 0.7 * D2
    expected_reg = f.strength * (np.sum(Wab ** 2) if reg == "l2" else np.sum(np.abs(Wab)))
    assert f.reg_value([0.3, -0.7]) == pytest.approx(expected_reg, rel=1e-12)
    assert f.data_value(POINTS) + f.reg_value(POINTS) == pytest.approx(f.value(POINTS), rel=1e-13)


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_softmax_gradient_matches_finite_differences(slices, reg):
    f = slices[("softmax", reg)]
    numeric = numerical_grad(f, POINTS, h=1e-6)
    np.testing.assert_allclose(f.grad(POINTS), numeric, rtol=1e-6, atol=1e-7 * np.abs(numeric).max())
    v, g = f.value_and_grad(POINTS)
    np.testing.assert_array_equal(g, f.grad(POINTS))


@pytest.mark.parametrize("key", [("softmax", "l2"), ("softmax", "l1"), ("svm", "l2"), ("svm", "l1")])
def test_gradient_matches_torch_autograd_in_a_b(setup, slices, key):
    """Exact reference, also where finite differences would straddle a hinge kink."""
    W, D1, D2, x, y, mean = setup
    f = slices[key]
    X, yt = torch.tensor(preprocess(x, mean)), torch.tensor(y)
    for p in POINTS:
        ab = torch.tensor(p, requires_grad=True)
        Wab = torch.tensor(W) + ab[0] * torch.tensor(D1) + ab[1] * torch.tensor(D2)
        torch_loss(Wab, X, yt, key[0], key[1], f.strength).backward()
        ref = ab.grad.numpy()
        np.testing.assert_allclose(f.grad(p), ref, rtol=1e-10, atol=1e-10 * np.abs(ref).max())


def test_softmax_hessian_matches_second_differences(slices):
    f = slices[("softmax", "l2")]
    np.testing.assert_allclose(f.hessian(POINTS), second_differences(f, POINTS), rtol=1e-5, atol=1e-4)
    assert np.all(np.linalg.eigvalsh(f.hessian(POINTS)) > 0)        # convex in (a, b)


def test_svm_hessian_is_the_l2_part_only(setup, slices):
    W, D1, D2, *_ = setup
    f = slices[("svm", "l2")]
    s = f.strength
    expected = 2 * s * np.array([[np.vdot(D1, D1), np.vdot(D1, D2)], [np.vdot(D1, D2), np.vdot(D2, D2)]])
    np.testing.assert_allclose(f.hessian(POINTS), np.broadcast_to(expected, (5, 2, 2)), rtol=1e-12)


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_minibatch_gradient_is_unbiased(slices, loss):
    f = slices[(loss, "l2")]
    p = np.broadcast_to([0.3, -0.7], (4000, 2))
    g = f.minibatch_grad(p, 32, np.random.default_rng(0))
    full = f.grad([0.3, -0.7])
    stderr = g.std(axis=0) / np.sqrt(len(g))
    assert np.all(np.abs(g.mean(axis=0) - full) < 5 * stderr + 1e-12)
    assert np.all(g.std(axis=0) > 0)                               # it is noisy
    whole = f.minibatch_grad(p[:3], 1, np.random.default_rng(1))
    assert whole.shape == (3, 2)


def test_grid_matches_pointwise_values(slices):
    f = slices[("softmax", "l2")]
    xs, ys = np.linspace(-1, 1, 21), np.linspace(-0.5, 1.5, 7)
    seen = []
    Z = f.value_grid(xs, ys, progress=lambda frac, msg: seen.append(frac))
    X, Y = np.meshgrid(xs, ys)
    np.testing.assert_allclose(Z, f.value(np.stack([X, Y], -1)), rtol=1e-13)
    assert seen and seen[-1] == pytest.approx(1.0)
    _, _, Z2 = f.grid(9)
    assert Z2.shape == (9, 9)
    with pytest.raises(Cancelled):
        f.value_grid(xs, ys, cancel=lambda: True)


def test_grid_far_out_uses_the_exact_fallback(setup, slices, monkeypatch):
    from landscapes.cifar import slice_terms

    W, D1, D2, x, y, mean = setup
    f = slices[("softmax", "l1")]
    calls = []
    exact = slice_terms.SoftmaxTerm._exact_partial
    monkeypatch.setattr(slice_terms.SoftmaxTerm, "_exact_partial",
                        lambda self, *a: calls.append(a[:2]) or exact(self, *a))
    xs, ys = np.linspace(-80.0, 80.0, 9), np.array([-50.0, 3.0, 70.0])
    Z = f.value_grid(xs, ys)
    assert calls                                   # the shift bound underflowed somewhere
    X = torch.tensor(preprocess(x, mean))
    for j, i in [(0, 0), (2, 8), (1, 4)]:
        ref = torch_loss(torch.tensor(W + xs[i] * D1 + ys[j] * D2), X, torch.tensor(y), "softmax", "l1", f.strength)
        assert Z[j, i] == pytest.approx(ref.item(), rel=1e-12)


def test_parts_as_separate_landscapes(slices):
    f = slices[("softmax", "l2")]
    data, reg = f.with_part("data"), f.with_part("reg")
    np.testing.assert_allclose(data.value(POINTS), f.data_value(POINTS), rtol=1e-15)
    np.testing.assert_allclose(data.grad(POINTS) + reg.grad(POINTS), f.grad(POINTS), rtol=1e-12)
    xs = np.linspace(-1, 1, 5)
    np.testing.assert_allclose(data.value_grid(xs, xs) + reg.value_grid(xs, xs), f.value_grid(xs, xs), rtol=1e-13)
    assert f.part == "total"


def test_far_points_stay_finite_and_exact(setup, slices):
    W, D1, D2, x, y, mean = setup
    f = slices[("softmax", "l2")]
    X = torch.tensor(preprocess(x, mean))
    for a, b in [(40.0, -25.0), (-60.0, 0.0)]:
        ref = torch_loss(torch.tensor(W + a * D1 + b * D2), X, torch.tensor(y), "softmax", "l2", f.strength)
        assert f.value([a, b]) == pytest.approx(ref.item(), rel=1e-12)
    assert np.isfinite(f.grad([[40.0, -25.0]])).all()


def test_filter_normalized_directions(setup):
    W = setup[0]
    D1, D2 = filter_normalized_directions(W, seed=7)
    np.testing.assert_allclose(np.linalg.norm(D1, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(D2, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12)
    again = filter_normalized_directions(W, seed=7)
    np.testing.assert_array_equal(D1, again[0])
    assert abs(np.vdot(D1, D2)) < 0.05 * np.linalg.norm(D1) * np.linalg.norm(D2)   # nearly orthogonal
    assert not np.allclose(D1, filter_normalized_directions(W, seed=8)[0])
    # independent of the SGD start drawn with the same seed (else the slice tilts toward W_init)
    init = initial_weights(3073, 7)
    assert abs(np.vdot(D1, init)) < 0.05 * np.linalg.norm(D1) * np.linalg.norm(init)


def test_trained_weights_sit_near_the_bottom_of_a_random_slice(slices):
    """Li et al.: W* is (near) the minimum of the slice; the minimum of the grid is close to (0, 0)."""
    f = slices[("softmax", "l2")]
    xs = np.linspace(-1, 1, 41)
    Z = f.value_grid(xs, xs)
    j, i = np.unravel_index(np.argmin(Z), Z.shape)
    assert abs(xs[i]) <= 0.25 and abs(xs[j]) <= 0.25


def test_plane_through_three_points():
    rng = np.random.default_rng(0)
    A, B, C = (rng.standard_normal((7, 3)) for _ in range(3))
    origin, D1, D2, coords = plane_through(A, B, C)
    for M, (a, b) in zip((A, B, C), coords, strict=True):
        np.testing.assert_allclose(origin + a * D1 + b * D2, M, atol=1e-12)
    assert coords[:2] == ((0.0, 0.0), (1.0, 0.0))
    assert abs(np.vdot(D1, D2)) < 1e-12 and np.linalg.norm(D2) == pytest.approx(np.linalg.norm(D1))
    with pytest.raises(ValueError, match="collinear"):
        plane_through(A, B, 2 * B - A)


def test_bad_arguments(setup):
    W, D1, D2, x, y, mean = setup
    with pytest.raises(ValueError, match="unknown loss 'logistic'"):
        cifar_slice(W, x, y, loss="logistic", directions=(D1, D2))
    with pytest.raises(ValueError, match="directions must be a pair"):
        cifar_slice(W, x, y)
    with pytest.raises(ValueError, match="D2 has shape"):
        cifar_slice(W, x, y, directions=(D1, D2[:5]))
    with pytest.raises(ValueError, match="unknown part"):
        cifar_slice(W, x, y, directions=(D1, D2), part="both")


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_precomputed_features_give_the_raw_rows_slice(setup, slices, loss):
    """features=True (rows [x − mean, 1], float32 as a training race keeps them) is the same slice."""
    W, D1, D2, x, y, mean = setup
    f = slices[(loss, "l2")]
    X = preprocess(x, mean).astype(np.float32)
    g = cifar_slice(W, X, y, loss=loss, reg="l2", strength=50.0, directions=(D1, D2), mean=mean, features=True)
    for got, want in zip(g.scores[:3], f.scores[:3], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6 * np.abs(want).max())
    np.testing.assert_allclose(g.value(POINTS), f.value(POINTS), rtol=1e-7)
    np.testing.assert_array_equal(g.mean, mean)
    with pytest.raises(ValueError, match="features=True needs the training mean image"):
        cifar_slice(W, X, y, directions=(D1, D2), features=True)
    with pytest.raises(ValueError, match="W must be"):
        cifar_slice(W, x, y, directions=(D1, D2), mean=mean, features=True)   # raw rows: one column short
