"""build_cifar_slice on the real data: accuracies, cached weights, planes, progress and cancel."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from landscapes.cifar import Cancelled, CifarError, build_cifar_slice, initial_weights, preprocess
from landscapes.cifar import build as build_module

from .conftest import user_cache
from .test_linear import torch_loss


@pytest.fixture(scope="module")
def cache():
    return user_cache("test_build")


@pytest.fixture(scope="module")
def built(cifar_root, cache):
    seen = []
    f = build_cifar_slice(cifar_root, subset=1000, cache_dir=cache, progress=lambda fr, msg: seen.append((fr, msg)))
    return f, seen


@pytest.mark.slow
def test_build_reports_progress_and_accuracies(built, cifar_full):
    f, seen = built
    fractions = [fr for fr, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in seen)
    assert f.accuracies["test"] >= 0.35 and f.accuracies["val"] >= 0.33 and f.accuracies["train"] >= 0.35
    assert f.title == "CIFAR-10 softmax slice" and f.n_examples == 1000
    # the value at (0, 0) is the loss of W* on the first 1000 images (torch, from scratch)
    x, y = cifar_full[0][:1000], cifar_full[1][:1000]
    mean = cifar_full[0][:49000].mean(axis=0, dtype=np.float64)
    ref = torch_loss(torch.tensor(f.W), torch.tensor(preprocess(x, mean)), torch.tensor(y),
                     "softmax", "l2", f.strength)
    assert f.value([0.0, 0.0]) == pytest.approx(ref.item(), rel=1e-12)
    assert f.grad_scale > 0 and np.isfinite(f.grad_scale)


@pytest.mark.slow
def test_second_build_uses_cached_weights(built, cifar_root, cache, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("trained again despite the cache")
    monkeypatch.setattr(build_module, "train_linear", no_training)
    g = build_cifar_slice(cifar_root, subset=500, cache_dir=cache)
    np.testing.assert_array_equal(g.W, built[0].W)


@pytest.mark.slow
def test_corrupt_cache_entry_is_recomputed(built, cifar_root, cache):
    entries = list((cache / "weights").glob("*.npz"))
    assert len(entries) == 1
    entries[0].write_bytes(b"not an npz")
    g = build_cifar_slice(cifar_root, subset=500, cache_dir=cache)
    np.testing.assert_array_equal(g.W, built[0].W)             # same seed: same training
    assert np.load(entries[0])["W"].shape == (3073, 10)


@pytest.mark.slow
def test_init_opt_random_plane_places_the_three_weights(built, cifar_root, cache, cifar_full):
    f = build_cifar_slice(cifar_root, plane="init_opt_random", subset=800, cache_dir=cache)
    assert f.landmarks["W*"] == (0.0, 0.0) and f.landmarks["W_init"] == (1.0, 0.0)
    np.testing.assert_allclose(f.weights(1.0, 0.0), initial_weights(3073, 0), atol=1e-15)
    np.testing.assert_array_equal(f.weights(0.0, 0.0), built[0].W)
    (x0, x1), (y0, y1) = f.bounds
    for a, b in f.landmarks.values():
        assert x0 < a < x1 and y0 < b < y1
    assert f.default_start == (1.0, 0.0)
    # W* sits at the bottom of the plane (within 1% of the loss), far below the other two
    _, _, Z = f.grid(41)
    w_star = float(f.value([0.0, 0.0]))
    assert Z.min() >= 0.99 * w_star
    assert f.value(list(f.landmarks["W_init"])) > 10 * w_star
    assert f.value(list(f.landmarks["W_random"])) > w_star + 0.2
    assert f.log_scale


@pytest.mark.slow
def test_eigen_plane_runs_along_the_top_two_eigenvectors(built, cifar_root, cache, cifar_full):
    """Its axes are Hessian eigenvectors of the slice's loss at W* (checked with float64 H·v), scaled
    to ‖W*‖, and the slice's own exact 2 x 2 Hessian at W* is diag(λ₁, λ₂)·‖W*‖²."""
    from landscapes.cifar import hessian_vector_product

    f = build_cifar_slice(cifar_root, plane="eigen", subset=800, cache_dir=cache)
    np.testing.assert_array_equal(f.W, built[0].W)
    assert f.landmarks == {"W*": (0.0, 0.0)} and f.params["plane"] == "eigen"
    lam = np.array(f.eigenvalues)
    assert lam[0] >= lam[1] > 2 * f.strength
    x, y = cifar_full[0][:800], cifar_full[1][:800]
    mean = cifar_full[0][:49000].mean(axis=0, dtype=np.float64)
    norm = np.linalg.norm(f.W)
    for D, value in zip(f.directions, lam, strict=True):
        assert np.linalg.norm(D) == pytest.approx(norm, rel=1e-12)
        HD = hessian_vector_product(f.W, x, y, D, strength=f.strength, mean=mean)
        assert np.linalg.norm(HD - value * D) <= 2e-4 * value * norm
    assert abs(np.vdot(*f.directions)) <= 1e-8 * norm**2
    np.testing.assert_allclose(f.hessian(np.zeros(2)), np.diag(lam) * norm**2, rtol=2e-4, atol=1e-3 * lam[0] * norm**2)
    assert "Hessian eigenvectors" in f.description and f.axis_labels == ("a (along v₁)", "b (along v₂)")


def test_cancel_and_missing_download(cifar_root, cache_in_user_dir):
    with pytest.raises(Cancelled):
        build_cifar_slice(cifar_root, cache_dir=cache_in_user_dir, cancel=lambda: True)
    with pytest.raises(CifarError, match="not downloaded yet.*fetch_cifar10"):
        build_cifar_slice(None, cache_dir=cache_in_user_dir)
    with pytest.raises(ValueError, match="unknown plane 'diagonal'"):
        build_cifar_slice(cifar_root, plane="diagonal", cache_dir=cache_in_user_dir)
