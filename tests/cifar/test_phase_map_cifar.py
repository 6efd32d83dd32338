"""Phase maps on a CIFAR-10 slice: cells are the single runs of their settings, minibatches included.

Reference: solvers.run with one setting at a time on the same slice (the
slice's own values and gradients are checked against torch in test_slice.py).
"""
from __future__ import annotations

import numpy as np
import pytest

import solvers
from app.model.phase_map import phase_map
from landscapes.cifar import cifar_slice, filter_normalized_directions, image_mean, train_linear

START = (0.4, -0.3)


@pytest.fixture(scope="module")
def plane(cifar_small):
    x, y, _, _ = cifar_small
    x, y = x[:800], y[:800]
    W = train_linear(x, y, strength=5e3, lr=2e-7, steps=60, seed=0)
    return cifar_slice(W, x, y, loss="softmax", reg="l2", strength=50.0,
                       directions=filter_normalized_directions(W, seed=4), mean=image_mean(x))


def test_lr_momentum_cells_are_single_runs(plane):
    pm = phase_map(plane, "momentum", x_axis=("lr", [0.01, 0.1, 1.0]), y_axis=("momentum", [0.0, 0.9]),
                   start=START, steps=15, outcome="auc")
    assert not pm.f_star_known
    for i, j in [(0, 0), (1, 1), (1, 2)]:
        s = pm.settings(i, j)
        one = solvers.run(solvers.make("momentum", **s), plane, START, steps=15)
        assert pm.values[i, j] == pytest.approx(one.losses.mean() - pm.f_star, rel=1e-10)
        assert pm.diverged[i, j] == one.diverged


def test_lr_batch_size_is_one_run_per_batch_size(plane):
    lrs = np.array([0.05, 0.5])
    pm = phase_map(plane, "sgd", x_axis=("lr", lrs), y_axis=("batch_size", [16, 128]), start=START,
                   steps=10, seed=2)
    for i, batch in enumerate((16, 128)):
        ref = solvers.run(solvers.make("sgd", lr=lrs), plane, np.broadcast_to(START, (2, 2)), steps=10, seed=2,
                          batch_size=batch)
        np.testing.assert_allclose(pm.final_gap[i], ref.losses[-1] - pm.f_star, rtol=1e-10)
    assert pm.final_gap[0, 1] != pm.final_gap[1, 1]   # the batch size really changed the run


def test_the_runs_own_cell_is_the_race_run_with_its_minibatches_and_seed(cifar_root):
    """A minibatch run's map (scene_map) steps every cell with the run's batch size and seed. Each
    cell draws its own minibatches from the one stream, so a one-cell map of the run's own setting
    ends exactly where the race's run ends, and a bigger map's cell is a different sample of it."""
    from app.model.build import build_landscape
    from app.model.race import Race
    from app.model.scene import LandscapeSpec, MapAxis, MapSpec, PlaybackSpec, RunSpec, Scene
    from app.model.scene_map import map_arguments

    scene = Scene(landscape=LandscapeSpec("cifar_slice", params={"plane": "random", "subset": 300,
                                                                 "root": str(cifar_root)}, resolution=21),
                  runs=[RunSpec("gd", {"lr": 0.05}, start=START),
                        RunSpec("sgd", {"lr": 0.05}, start=START, batch_size=32)],
                  playback=PlaybackSpec(steps=15), seed=7,
                  phase_map=MapSpec(run=1, x=MapAxis("lr", 0.05, 0.5, 3), y=MapAxis("weight_decay", 0.0, 0.1, 2, False),
                                    steps=15))
    f = build_landscape(scene.landscape)
    kwargs = map_arguments(scene, f)
    one = phase_map(**dict(kwargs, x_axis=("lr", [0.05]), y_axis=("weight_decay", [0.0])))
    race = Race(scene, f)
    race.step(15)
    assert race.runs[1].losses[-1] - one.f_star == pytest.approx(one.final_gap[0, 0], rel=1e-12)
    assert race.runs[0].losses[-1] != pytest.approx(race.runs[1].losses[-1], rel=1e-6)   # minibatches matter
    full = phase_map(**dict(kwargs, batch_size=None))
    pm = phase_map(**kwargs)
    assert not np.allclose(pm.values, full.values, rtol=1e-6)          # the cells really took minibatches
