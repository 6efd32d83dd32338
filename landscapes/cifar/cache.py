"""Trained weights cached on disk, so reopening a CIFAR slice is instant.

Key: sha256 over the data fingerprint and the training settings. The
fingerprint hashes the shapes and dtypes, every 97th row of x (≈ 1.6 MB of
the 150 MB training set: fast, and any re-ordering or different subset
changes it) and all labels. Entries are .npz files written to a temp file
then os.replace'd; an unreadable or malformed entry is ignored (and
overwritten by the recomputed one). Caches live under the user cache dir
only (check_cache_dir): a cache_dir elsewhere is refused in one line.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .errors import CifarError

_ROW_STRIDE = 97


def user_cache_root() -> Path:
    """platformdirs.user_cache_dir("losslab"): the one folder Loss Lab caches may live in."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("losslab"))


def default_cache_dir() -> Path:
    """platformdirs.user_cache_dir("losslab") / "cifar10"."""
    return user_cache_root() / "cifar10"


def check_cache_dir(cache_dir: str | os.PathLike[str] | None) -> Path:
    """The cache folder to use: the default for None; else it must lie inside the user cache dir."""
    if cache_dir is None:
        return default_cache_dir()
    if isinstance(cache_dir, bool) or not isinstance(cache_dir, (str, os.PathLike)):
        raise CifarError(f"cache_dir must be a folder path, got {type(cache_dir).__name__} {cache_dir!r}"[:200])
    root = user_cache_root().expanduser().resolve()
    path = Path(cache_dir).expanduser()
    resolved = (path if path.is_absolute() else root / path).resolve()
    if resolved != root and root not in resolved.parents:
        raise CifarError(f"cache_dir '{cache_dir}' is outside the Loss Lab cache folder '{root}': "
                         "CIFAR-10 caches stay there (leave cache_dir out, or name a folder inside it)")
    return resolved


def data_fingerprint(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> str:
    """sha256 of shapes, dtypes, a strided sample of rows of x and all of y."""
    h = hashlib.sha256()
    x, y = np.asarray(x), np.asarray(y)
    h.update(repr((x.shape, str(x.dtype), y.shape, str(y.dtype))).encode())
    h.update(np.ascontiguousarray(x[::_ROW_STRIDE]).tobytes())
    h.update(np.ascontiguousarray(x[-1:]).tobytes())
    h.update(np.ascontiguousarray(y).tobytes())
    return h.hexdigest()


def cache_key(fingerprint: str, settings: dict[str, object]) -> str:
    text = json.dumps({"data": fingerprint, **settings}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_weights(cache_dir: str | os.PathLike[str], key: str,
                 shape: tuple[int, ...]) -> np.ndarray[Any, np.dtype[np.float64]] | None:
    """The cached W for ``key``, or None when absent, unreadable, misshapen or not finite."""
    path = Path(cache_dir) / "weights" / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            W = np.array(z["W"], dtype=np.float64)
    except Exception:  # missing or corrupt entry: recompute
        return None
    if W.shape != tuple(shape) or not np.all(np.isfinite(W)):
        return None
    return W


def save_weights(cache_dir: str | os.PathLike[str], key: str, W: np.ndarray[Any, Any]) -> Path | None:
    """Write W atomically; a cache that cannot be written is not an error (returns None, no temp left)."""
    folder = Path(cache_dir) / "weights"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, W=W)
        path = folder / f"{key}.npz"
        os.replace(tmp, path)
        return path
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return None
