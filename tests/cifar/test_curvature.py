"""Hessian-vector products, top eigenpairs, trace and spectral density of the classifier's loss.

Independent sources: a dense Hessian from torch.autograd.functional.hessian of the
same loss written in torch (small problem), numpy's eigvalsh of that matrix, and
central differences of the analytic gradient (linear.loss_and_grad) on real CIFAR-10.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from landscapes.cifar import (
    hessian_spectrum_density,
    hessian_top_eigs,
    hessian_trace,
    hessian_vector_product,
    image_mean,
    initial_weights,
    loss_and_grad,
    preprocess,
)
from landscapes.cifar.curvature import HessianOperator
from landscapes.cifar.lanczos import lanczos_top
from landscapes.cifar.spectrum import lanczos_tridiagonal

N, D, K = 20, 12, 3   # 20 images of 12 "pixels" (+ bias), 3 classes
STRENGTH = 0.3


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (N, D), dtype=np.uint8)
    y = rng.integers(0, K, N)
    W = 0.01 * rng.standard_normal((D + 1, K))
    return W, x, y


def torch_loss(x, y, loss, reg, strength):
    """cifar_slice's loss written independently in torch: [x − mean, 1] W, mean over rows, reg on all of W."""
    xt = torch.tensor(x, dtype=torch.float64)
    X = torch.cat([xt - xt.mean(dim=0), torch.ones(len(x), 1, dtype=torch.float64)], dim=1)
    yt = torch.tensor(y)

    def f(W):
        S = X @ W
        if loss == "softmax":
            data = torch.nn.functional.cross_entropy(S, yt)
        else:
            margins = torch.clamp(S - S.gather(1, yt[:, None]) + 1.0, min=0.0)
            data = (margins.sum() - len(x)) / len(x)   # minus the true classes' margin of 1
        r = (W * W).sum() if reg == "l2" else W.abs().sum()
        return data + strength * r

    return f


def dense_hessian(W, x, y, loss="softmax", reg="l2", strength=STRENGTH):
    H = torch.autograd.functional.hessian(torch_loss(x, y, loss, reg, strength), torch.tensor(W))
    return H.reshape(W.size, W.size).numpy()


@pytest.mark.parametrize("loss, reg", [("softmax", "l2"), ("softmax", "l1"), ("svm", "l2"), ("svm", "l1")])
def test_hv_matches_the_dense_autograd_hessian(small, loss, reg):
    W, x, y = small
    H = dense_hessian(W, x, y, loss, reg)
    V = np.random.default_rng(1).standard_normal((4, D + 1, K))
    expected = (V.reshape(4, -1) @ H.T).reshape(V.shape)
    got = hessian_vector_product(W, x, y, V, loss=loss, reg=reg, strength=STRENGTH)
    assert got.shape == V.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12 * np.abs(H).max())
    single = hessian_vector_product(W, x, y, V[2], loss=loss, reg=reg, strength=STRENGTH)
    np.testing.assert_allclose(single, expected[2], rtol=0, atol=1e-12 * np.abs(H).max())


def test_svm_curvature_is_the_regularizer_alone(small):
    W, x, y = small
    V = np.random.default_rng(2).standard_normal(W.shape)
    np.testing.assert_allclose(hessian_vector_product(W, x, y, V, loss="svm", strength=STRENGTH),
                               2 * STRENGTH * V, rtol=1e-15)
    assert not np.any(hessian_vector_product(W, x, y, V, loss="svm", reg="l1", strength=STRENGTH))


def test_float32_products_are_close(small):
    W, x, y = small
    V = np.random.default_rng(3).standard_normal(W.shape)
    ref = hessian_vector_product(W, x, y, V, strength=STRENGTH)
    f32 = hessian_vector_product(W, x, y, V, strength=STRENGTH, dtype=np.float32)
    assert np.abs(f32 - ref).max() <= 1e-5 * np.abs(ref).max()


@pytest.mark.parametrize("block", [1, None, 7])
def test_top_eigs_match_eigvalsh(small, block):
    W, x, y = small
    H = dense_hessian(W, x, y)
    evals, evecs = np.linalg.eigh(H)
    vals, vecs = hessian_top_eigs(W, x, y, k=3, strength=STRENGTH, tol=1e-10, seed=0, block=block)
    np.testing.assert_allclose(vals, evals[::-1][:3], rtol=1e-9)
    assert vecs.shape == (3, D + 1, K)
    for i in range(3):
        v = vecs[i].ravel()
        assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-12)
        assert abs(v @ evecs[:, -1 - i]) == pytest.approx(1.0, abs=1e-7)   # the same line, either sign


def test_top_eigs_on_a_degenerate_spectrum(small):
    """SVM + l2: H = 2s·I, every Lanczos start is an eigenvector; k pairs still come back."""
    W, x, y = small
    vals, vecs = hessian_top_eigs(W, x, y, k=3, loss="svm", strength=STRENGTH)
    np.testing.assert_allclose(vals, 2 * STRENGTH, rtol=1e-12)
    G = vecs.reshape(3, -1) @ vecs.reshape(3, -1).T
    np.testing.assert_allclose(G, np.eye(3), atol=1e-12)


def test_lanczos_finds_a_repeated_top_eigenvalue():
    """A block of k + 1 vectors sees multiplicity that one Krylov vector cannot."""
    diag = np.r_[5.0, 5.0, 5.0, np.linspace(0.0, 4.0, 197)]
    result = lanczos_top(lambda V: diag * V, 200, k=3, tol=1e-10)
    np.testing.assert_allclose(result.values, 5.0, rtol=1e-10)
    top = result.vectors[:, :3]                       # the eigenspace: the first three coordinates
    np.testing.assert_allclose(top @ top.T, np.eye(3), atol=1e-8)


def test_lanczos_reports_non_convergence():
    diag = np.linspace(1.0, 2.0, 500)
    result = lanczos_top(lambda V: diag * V, 500, k=3, tol=1e-12, max_products=12)
    assert not result.converged and result.products == 12 and result.passes == 3


def test_trace_against_the_dense_trace(small):
    W, x, y = small
    exact = np.trace(dense_hessian(W, x, y))
    estimate, stderr = hessian_trace(W, x, y, strength=STRENGTH, probes=2000, seed=0)
    assert 0 < stderr < 0.05 * exact
    assert abs(estimate - exact) <= 4 * stderr


def test_lanczos_quadrature_reproduces_moments(small):
    """m Lanczos steps are a Gauss rule exact to degree 2m − 1: Σ wⱼ θⱼᵖ = vᵀHᵖv / vᵀv."""
    W, x, y = small
    H = dense_hessian(W, x, y)
    op = HessianOperator(W, x, y, strength=STRENGTH)
    v = np.random.default_rng(4).standard_normal(W.size)
    alpha, beta = lanczos_tridiagonal(lambda u: op.matvec(u.reshape(W.shape)), v, 4)
    theta, S = np.linalg.eigh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))
    u = v / np.linalg.norm(v)
    for p in range(8):
        assert (S[0] ** 2) @ theta ** p == pytest.approx(u @ np.linalg.matrix_power(H, p) @ u, rel=1e-8)


def test_density_nodes_are_the_eigenvalues(small):
    """Enough steps exhaust the Krylov space: the nodes are H's distinct eigenvalues."""
    W, x, y = small
    evals = np.linalg.eigvalsh(dense_hessian(W, x, y))
    d = hessian_spectrum_density(W, x, y, strength=STRENGTH, steps=60, runs=2, bins=2000)
    for nodes, weights in zip(d.nodes, d.weights, strict=True):
        assert weights.sum() == pytest.approx(1.0, abs=1e-12)
        assert np.all(np.min(np.abs(nodes[:, None] - evals[None]), axis=1) <= 1e-8 * evals.max())
    assert np.sum(d.density) * (d.grid[1] - d.grid[0]) == pytest.approx(1.0)
    assert d.grid[0] < evals.min() and d.grid[-1] > evals.max()


@pytest.mark.parametrize("bad, message", [
    (dict(V=np.zeros((5, 3))), "V must have shape"),
    (dict(loss="hinge"), "unknown loss"),
    (dict(strength=-1.0), "strength"),
    (dict(dtype=np.int32), "dtype"),
])
def test_bad_input_is_one_line(small, bad, message):
    W, x, y = small
    args = dict(V=np.zeros_like(W)) | bad
    with pytest.raises(ValueError, match=message):
        hessian_vector_product(W, x, y, **args)


def test_bad_labels_and_k(small):
    W, x, y = small
    with pytest.raises(ValueError, match="labels"):
        hessian_vector_product(W, x, np.full(N, K), np.zeros_like(W))
    with pytest.raises(ValueError, match="k must be"):
        hessian_top_eigs(W, x, y, k=0)


def test_hv_matches_finite_differences_of_the_gradient_on_real_cifar(cifar_small):
    """(∇L(W + hV) − ∇L(W − hV)) / 2h on 300 real images at full size (3073 x 10)."""
    x, y = cifar_small[0][:300], cifar_small[1][:300]
    mean = image_mean(x)
    X = preprocess(x, mean)
    rng = np.random.default_rng(5)
    W = initial_weights(seed=0) + 1e-3 * rng.standard_normal((3073, 10))
    strength = 2.5
    for h in (1e-5, 1e-6):   # truncation error ∝ h² (9e-9 at 1e-5), rounding ∝ 1/h (1e-10 at 1e-6)
        V = rng.standard_normal(W.shape)
        V /= np.linalg.norm(V)
        gp = loss_and_grad(W + h * V, X, y, "softmax", "l2", strength)[1]
        gm = loss_and_grad(W - h * V, X, y, "softmax", "l2", strength)[1]
        fd = (gp - gm) / (2 * h)
        hv = hessian_vector_product(W, x, y, V, loss="softmax", reg="l2", strength=strength, mean=mean)
        assert np.linalg.norm(hv - fd) <= 3e-8 * np.linalg.norm(hv)


def test_top_eigs_on_real_cifar_are_eigenpairs(cifar_small):
    """On 500 real images: ‖Hv − λv‖ ≤ tol·λ for each returned pair, λ descending."""
    x, y = cifar_small[0][:500], cifar_small[1][:500]
    W = initial_weights(seed=1)
    vals, vecs = hessian_top_eigs(W, x, y, k=3, strength=1.0, tol=1e-6)
    assert np.all(np.diff(vals) <= 0)
    for lam, v in zip(vals, vecs, strict=True):
        r = hessian_vector_product(W, x, y, v, strength=1.0) - lam * v
        assert np.linalg.norm(r) <= 2e-6 * lam


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_hv_agrees_with_cifar_slice_hessian_in_its_plane(cifar_small, loss):
    """The slice's exact 2 x 2 Hessian at (a, b) is [D1 D2]ᵀ H [D1 D2] at W(a, b)."""
    from landscapes.cifar import cifar_slice, filter_normalized_directions

    x, y = cifar_small[0][:400], cifar_small[1][:400]
    W = initial_weights(seed=2) * 5
    D1, D2 = filter_normalized_directions(W, seed=3)
    f = cifar_slice(W, x, y, loss=loss, reg="l2", strength=7.0, directions=(D1, D2))
    a, b = 0.3, -0.2
    Hv = hessian_vector_product(f.weights(a, b), x, y, np.stack([D1, D2]), loss=loss, reg="l2", strength=7.0)
    H2 = np.array([[np.sum(Di * HDj) for HDj in Hv] for Di in (D1, D2)])
    np.testing.assert_allclose(H2, f.hessian(np.array([a, b])), rtol=1e-10)
