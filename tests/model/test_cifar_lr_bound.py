"""The 2/λmax bound of the training race's lr control, checked by what it claims: full-batch GD
(linear.py's float64 loss_and_grad, not the race) from the run's W with an lr just below the bound
keeps decreasing the loss, just above it the loss oscillates with a growing swing and ends higher."""
from __future__ import annotations

import numpy as np
import pytest

from app.model.cifar_lr_bound import LrBound, lr_bound
from app.model.cifar_race import CifarRace, RunSettings, race_data
from landscapes.cifar import load_cifar10, loss_and_grad, preprocess

N = 500
STRENGTH = 5e3


@pytest.fixture(scope="module")
def trained(cifar_root):
    """A race's GD run after 200 full-batch steps on 500 real images: near the minimum, where the
    loss is the quadratic the bound speaks of."""
    x, y, _, _ = load_cifar10(cifar_root, limit=N)
    data = race_data(x, y)
    race = CifarRace(data, [RunSettings("gd", {"lr": 3e-6}, batch_size=None)], strength=STRENGTH, eval_every=1000)
    race.step(200)
    return race, preprocess(x, data.mean), y


def gd(W, X, y, lr, steps):
    """Full-batch GD: (loss per step, update per step flattened)."""
    losses, updates = [], []
    for _ in range(steps):
        value, grad = loss_and_grad(W, X, y, "softmax", "l2", STRENGTH)
        losses.append(value)
        updates.append(-lr * grad.ravel())
        W = W - lr * grad
    return np.array(losses), np.array(updates)


def test_gd_below_the_bound_descends_and_above_it_oscillates_growing(trained):
    race, X, y = trained
    b = lr_bound(race, 0)
    assert b.step == 200 and b.run == 0
    assert b.bound == pytest.approx(2.0 / b.lam_max)
    W = race.runs[0].W
    below, _ = gd(W, X, y, 0.95 * b.bound, 200)
    above, steps = gd(W, X, y, 1.05 * b.bound, 200)
    assert np.all(np.diff(below) <= 1e-12) and below[-1] < below[0]
    assert above[-1] > above[0] + 1e-3                   # it climbed out of the valley it started in
    late = steps[-50:]
    assert np.all(np.sum(late[:-1] * late[1:], axis=1) < 0)   # each step reverses the last: it oscillates
    size = np.linalg.norm(steps, axis=1)
    assert size[-1] > 10 * size[:10].min()               # ... with a growing swing
    assert not b.past(0.95 * b.bound) and b.past(1.05 * b.bound)


def test_bad_run_index_is_one_line(trained):
    race, _, _ = trained
    with pytest.raises(ValueError, match="run must be an index in 0..0"):
        lr_bound(race, 3)


def test_zero_curvature_has_no_bound():
    assert LrBound(0.0, 0, 0).bound == float("inf") and not LrBound(0.0, 0, 0).past(1e9)


def test_only_plain_gradient_steps_are_marked():
    b = LrBound(1e5, 0, 10)                 # bound 2e-5
    assert b.marks("sgd", 3e-5) and b.marks("gd", 3e-5) and not b.marks("sgd", 1e-5)
    assert not b.marks("adam", 1.0) and not b.marks("momentum", 1.0)   # their η is not on that scale
    assert "past it" in b.verdict("sgd", 3e-5) and "below it" in b.verdict("sgd", 1e-5)
    assert "not on that scale" in b.verdict("adam", 1e-4)
