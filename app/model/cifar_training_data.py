"""The data of the training window's own races: a subset of CIFAR-10's training images, by the
protocol of cifar_training scenes (app.model.cifar_training_scene).

    data = load_race_data(cifar_root(), subset=10_000, progress=..., cancel=...)

The first ``subset`` of the first 49,000 training images train and the last
1,000 validate (CS231n assignment 1's split), so a race started in the window
and the same runs in a scene see the same images. Missing data is one
CifarError line that says what to do.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.model.cifar_race import RaceData, race_data
from app.model.landscape_kinds import check_cifar_data
from landscapes.cifar import cached_archive, load_cifar10
from landscapes.cifar.cache import check_cache_dir
from landscapes.cifar.errors import check_cancel

N_TRAIN = 49_000   # the last 1,000 of the 50,000 training images always validate
SUBSETS = (1_000, 5_000, 10_000, 20_000, N_TRAIN)

Progress = Callable[[float, str], Any]
Cancel = Callable[[], bool]


def load_race_data(root: str | None, subset: int | None = 10_000, progress: Progress | None = None,
                   cancel: Cancel | None = None, cache_dir: str | None = None) -> RaceData:
    """RaceData of the first ``subset`` training images (None: all 49,000), validated on images
    49,000..49,999; ``root`` is the data folder (None: the downloaded archive in ``cache_dir``,
    which must lie in the user cache dir)."""
    n = N_TRAIN if subset is None else subset
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= N_TRAIN:
        raise ValueError(f"subset must be a whole number in 1..{N_TRAIN:,}, got {subset!r}")
    check_cifar_data(root, cache_dir)
    if progress is not None:
        progress(0.0, "reading CIFAR-10")
    x, y, _, _ = load_cifar10(root if root is not None else cached_archive(check_cache_dir(cache_dir)))
    check_cancel(cancel, "loading CIFAR-10")
    if progress is not None:
        progress(0.6, f"features of {n:,} images")
    data = race_data(x[:n], y[:n], x[N_TRAIN:], y[N_TRAIN:])
    if progress is not None:
        progress(1.0, "")
    return data
