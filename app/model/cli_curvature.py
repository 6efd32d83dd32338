"""What ``losslab curvature`` checks, without argparse or Qt (app.model.cli_logic's sibling).

    opts = curvature_options("softmax", "l2", None, 5000, "reg")   # UsageError on bad input

The choices are the CIFAR-10 curvature window's: the loss and regularizer names of
landscapes.cifar, its strength defaults (5000 for L2, 5 for L1), its 100–49,000
training images and its pair names (app.model.cifar_solutions.PAIRS).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from landscapes.cifar.build import DEFAULT_STRENGTH
from landscapes.cifar.linear import LOSSES, REGS

from .cifar_solutions import PAIRS
from .cli_logic import UsageError, check_writable
from .scene_io import _hint

MIN_IMAGES, MAX_IMAGES = 100, 49_000     # the window's Images range (the 49,000 training images)
RESOLUTION = 41                          # the window's plane grid
# the pairs' names as the lecture says them, pointed to the window's own names
PAIR_WORDS = {"lambda": "reg", "regularization": "reg", "optimizer": "solver", "adam": "solver", "svm": "loss",
              "size": "batch"}
CLI_ADVICE = ("give --cifar-root DIR (the cifar-10-batches-py folder or the archive), set "
              "LOSSLAB_CIFAR_ROOT, or run `losslab cifar fetch`")


@dataclass(frozen=True)
class CurvatureOptions:
    loss: str
    reg: str
    strength: float
    images: int
    pair: str


def _choice(flag: str, value: str, known: tuple[str, ...] | list[str], words: dict[str, str] | None = None) -> str:
    if value not in known:
        meant = (words or {}).get(value.lower())
        hint = f" (did you mean {meant}?)" if meant else _hint(value, known)
        raise UsageError(f"unknown {flag} {value!r}{hint}; choose one of {', '.join(known)}")
    return value


def curvature_options(loss: str, reg: str, strength: str | float | None, images: str | int,
                      pair: str) -> CurvatureOptions:
    """The checked settings; a missing strength is the regularizer's default."""
    loss = _choice("--loss", loss, LOSSES)
    reg = _choice("--reg", reg, REGS)
    pair = _choice("--pair", pair, list(PAIRS), PAIR_WORDS)
    if strength is None:
        value = DEFAULT_STRENGTH[reg]
    else:
        try:
            value = float(strength)
        except ValueError:
            raise UsageError(f"--strength must be a number >= 0, got {strength!r}") from None
        if not math.isfinite(value) or value < 0:
            raise UsageError(f"--strength must be a finite number >= 0, got {strength!r}")
    try:
        n = int(images)
    except ValueError:
        raise UsageError(f"--images must be a whole number, got {images!r}") from None
    if not MIN_IMAGES <= n <= MAX_IMAGES:
        raise UsageError(f"--images must be between {MIN_IMAGES} and {MAX_IMAGES:,} (training images), got {n:,}")
    return CurvatureOptions(loss, reg, value, n, pair)


def check_json_out(path: str | None, overwrite: bool = False) -> Path | None:
    """--json: a .json file we can write (None when not asked for)."""
    if path is None:
        return None
    out = Path(path).expanduser()
    if out.suffix.lower() != ".json":
        raise UsageError(f"--json must end in .json; got '{out}'")
    return check_writable(out, "--json", overwrite)


def checked_data_root(cifar_root: str | os.PathLike[str] | None) -> str:
    """The CIFAR-10 data to load (--cifar-root, else the app's data-folder rules), else one line saying
    what to do."""
    from .cifar_curvature_run import data_root
    from .landscape_kinds import cifar_root as chosen_root
    from .landscape_kinds import set_cifar_root

    if cifar_root is not None:
        set_cifar_root(Path(cifar_root).expanduser())
    root, _ = data_root()
    if root is None:
        where = chosen_root()
        raise UsageError(f"no CIFAR-10 at {where}: {CLI_ADVICE}" if where else f"CIFAR-10 not found: {CLI_ADVICE}")
    return root
