"""A fair race on a CIFAR-10 slice, sgd with minibatches averaged over two seeds, against the
brute-force grid of tests/model/test_fair_race_kinds.py."""
from __future__ import annotations

import numpy as np

from app.model.scene import LandscapeSpec, RunSpec, Scene, TuneBudget
from tests.model.test_fair_race_kinds import check


def test_a_cifar_slice_with_minibatches_averaged_over_seeds(cifar_small):
    from landscapes.cifar import cifar_slice, filter_normalized_directions, image_mean, train_linear

    x, y, _, _ = cifar_small
    x, y = x[:600], y[:600]
    W = train_linear(x, y, strength=5e3, lr=2e-7, steps=40, seed=0)
    plane = cifar_slice(W, x, y, loss="softmax", reg="l2", strength=50.0,
                        directions=filter_normalized_directions(W, seed=4), mean=image_mean(x))
    # the scene's landscape names the kind; the built slice is passed in, as the window passes its own
    scene = Scene(landscape=LandscapeSpec(name="cifar_slice"),
                  runs=[RunSpec(solver="sgd", start=(0.4, -0.3), batch_size=64)])
    check(scene, plane, plane, np.asarray, TuneBudget(trials=8, steps=12, seeds=(0, 1)))
