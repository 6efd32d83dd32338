"""A snapshot of a training race stays as it was while the race goes on, and shares the data."""
from __future__ import annotations

import numpy as np

from app.model.cifar_race import CifarRace, RunSettings, race_data
from app.model.cifar_snapshot import snapshot


def test_snapshot_is_frozen_and_shares_the_data():
    rng = np.random.default_rng(0)
    data = race_data(rng.integers(0, 256, (64, 3072)), rng.integers(0, 10, 64))
    race = CifarRace(data, [RunSettings("sgd", {"lr": 1e-7}, batch_size=32)], eval_every=1000)
    race.step(3)
    snap = snapshot(race)
    W, count = snap.runs[0].W.copy(), snap.runs[0].record.count
    race.step(5)
    assert snap.t == 3 and race.t == 8
    np.testing.assert_array_equal(snap.runs[0].W, W)
    assert snap.runs[0].record.count == count < race.runs[0].record.count
    assert not np.array_equal(race.runs[0].W, W)
    assert snap.data is race.data
