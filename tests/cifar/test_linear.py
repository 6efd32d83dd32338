"""The linear classifier: gradients against finite differences and torch autograd; training figures."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from landscapes.cifar import (
    accuracy,
    image_mean,
    loss_and_grad,
    numerical_grad_W,
    preprocess,
    random_search,
    relative_error,
    sample_indices,
    train_linear,
)


def torch_loss(W, X, y, loss, reg, strength):
    """The same objective written independently in torch."""
    S = X @ W
    if loss == "softmax":
        data = torch.nn.functional.cross_entropy(S, y)
    else:
        correct = S.gather(1, y[:, None])
        margins = (S - correct + 1.0).clamp(min=0.0)
        mask = torch.ones_like(S).scatter(1, y[:, None], 0.0)
        data = (margins * mask).sum() / S.shape[0]
    penalty = (W ** 2).sum() if reg == "l2" else W.abs().sum()
    return data + strength * penalty


@pytest.fixture(scope="module")
def batch(cifar_small):
    x, y, _, _ = cifar_small
    rng = np.random.default_rng(3)
    X = preprocess(x[:30], image_mean(x))
    W = 0.001 * rng.standard_normal((3073, 10))
    return W, X, y[:30]


@pytest.mark.parametrize("loss", ["softmax", "svm"])
@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_gradient_matches_torch_autograd(batch, loss, reg):
    W, X, y = batch
    value, grad = loss_and_grad(W, X, y, loss, reg, 2.5)
    Wt = torch.tensor(W, requires_grad=True)
    ref = torch_loss(Wt, torch.tensor(X), torch.tensor(y), loss, reg, 2.5)
    ref.backward()
    assert abs(value - ref.item()) <= 1e-12 * abs(ref.item())
    g = Wt.grad.numpy()
    assert np.max(np.abs(grad - g)) <= 1e-10 * np.max(np.abs(g))


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_gradient_matches_finite_differences(batch, loss):
    W, X, y = batch
    _, grad = loss_and_grad(W, X, y, loss, "l2", 1e3)
    idx = sample_indices(W.shape, 12, seed=1)
    numeric = numerical_grad_W(lambda V: loss_and_grad(V, X, y, loss, "l2", 1e3)[0], W, idx, h=1e-6)
    err = relative_error(grad[idx[:, 0], idx[:, 1]], numeric)
    assert np.max(err) < 1e-6, err


def test_gradient_check_catches_a_wrong_gradient(batch):
    W, X, y = batch
    _, grad = loss_and_grad(W, X, y, "softmax", "l2", 1e3)
    idx = sample_indices(W.shape, 5, seed=2)
    numeric = numerical_grad_W(lambda V: loss_and_grad(V, X, y, "softmax", "l2", 1e3)[0], W, idx)
    assert np.max(relative_error(0.9 * grad[idx[:, 0], idx[:, 1]], numeric)) > 1e-2


def test_bad_names_and_values_are_clear(batch, cifar_small):
    W, X, y = batch
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        loss_and_grad(W, X, y, "hinge")
    x, yy, _, _ = cifar_small
    with pytest.raises(ValueError, match="unknown reg 'l3'"):
        train_linear(x, yy, reg="l3")
    with pytest.raises(ValueError, match="strength must be finite and >= 0"):
        train_linear(x, yy, strength=-1)
    with pytest.raises(ValueError, match="learning rate"):
        train_linear(x, yy, lr=0)


@pytest.mark.slow
def test_softmax_on_full_cifar_beats_35_percent(cifar_full):
    x, y, xt, yt = cifar_full
    W = train_linear(x, y, loss="softmax", strength=5e3, lr=4e-7, steps=1500, seed=0)
    acc = accuracy(W, xt, yt, image_mean(x))
    assert acc >= 0.35, acc          # measured 0.374 (README protocol gives 0.333 at strength 2.5e4)


def test_svm_trains_and_random_search_is_near_chance(cifar_small):
    x, y, xt, yt = cifar_small
    mean = image_mean(x)
    W = train_linear(x, y, loss="svm", strength=5e3, lr=2e-7, steps=300, seed=0)
    assert accuracy(W, xt, yt, mean) > 0.22
    Wr, acc_train = random_search(x, y, tries=30, seed=0)
    assert 0.10 <= acc_train <= 0.20
    assert 0.07 <= accuracy(Wr, xt, yt, mean) <= 0.20
