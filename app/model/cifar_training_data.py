"""The data of the training window's race: a subset of CIFAR-10's training images and 1,000
held-out images for validation accuracy, from the app's data folder.

    data = load_race_data(cifar_root(), subset=10_000, progress=..., cancel=...)

The validation images are the 1,000 training images right after the subset
(CS231n assignment 1 holds out 1,000 of the 50,000 as well), so a subset of
49,000 is the assignment's split and a smaller one reads only the batches it
needs. Missing data is one CifarError line that says what to do.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.model.cifar_race import RaceData, race_data
from app.model.landscape_kinds import CIFAR_ADVICE
from landscapes.cifar import Cancelled, CifarError, cached_archive, load_cifar10

SUBSETS = (1_000, 5_000, 10_000, 20_000, 49_000)
VALIDATION = 1_000
TOTAL = 50_000

Progress = Callable[[float, str], Any]
Cancel = Callable[[], bool]


def data_source(root: str | None) -> Path:
    """The folder or archive to read: ``root`` (the data-folder setting) or the downloaded archive."""
    if root:
        path = Path(root).expanduser()
        if not path.exists():
            raise CifarError(f"no CIFAR-10 data at {root}: {CIFAR_ADVICE}")
        return path
    archive = cached_archive()
    if not archive.is_file():
        raise CifarError(f"CIFAR-10 data not found (not downloaded, no data folder chosen): {CIFAR_ADVICE}")
    return archive


def load_race_data(root: str | None, subset: int = 10_000, progress: Progress | None = None,
                   cancel: Cancel | None = None) -> RaceData:
    """The first ``subset`` training images and the next 1,000 for validation, as RaceData."""
    if isinstance(subset, bool) or not isinstance(subset, int) or not 1 <= subset <= TOTAL - VALIDATION:
        raise ValueError(f"subset must be a whole number in 1..{TOTAL - VALIDATION:,}, got {subset!r}")
    source = data_source(root)
    if progress is not None:
        progress(0.05, f"reading CIFAR-10 from {source.name}")
    x, y, _, _ = load_cifar10(source, limit=subset + VALIDATION)
    if cancel is not None and cancel():
        raise Cancelled("loading cancelled")
    if progress is not None:
        progress(0.6, f"features of {subset:,} images")
    data = race_data(x[:subset], y[:subset], x[subset:], y[subset:])
    if progress is not None:
        progress(1.0, "")
    return data
