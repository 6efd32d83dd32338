"""Trained weights cached on disk, so reopening a CIFAR slice is instant.

Key: sha256 over the data fingerprint and the training settings. The
fingerprint hashes the shapes and dtypes, every 97th row of x (≈ 1.6 MB of
the 150 MB training set: fast, and any re-ordering or different subset
changes it) and all labels. Entries are .npz files written to a temp file
then os.replace'd; an unreadable or malformed entry is ignored (and
overwritten by the recomputed one).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

_ROW_STRIDE = 97


def default_cache_dir() -> Path:
    """platformdirs.user_cache_dir("losslab") / "cifar10"."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("losslab")) / "cifar10"


def data_fingerprint(x: np.ndarray, y: np.ndarray) -> str:
    """sha256 of shapes, dtypes, a strided sample of rows of x and all of y."""
    h = hashlib.sha256()
    x, y = np.asarray(x), np.asarray(y)
    h.update(repr((x.shape, str(x.dtype), y.shape, str(y.dtype))).encode())
    h.update(np.ascontiguousarray(x[::_ROW_STRIDE]).tobytes())
    h.update(np.ascontiguousarray(x[-1:]).tobytes())
    h.update(np.ascontiguousarray(y).tobytes())
    return h.hexdigest()


def cache_key(fingerprint: str, settings: dict) -> str:
    text = json.dumps({"data": fingerprint, **settings}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_weights(cache_dir, key: str, shape: tuple[int, ...]) -> np.ndarray | None:
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


def save_weights(cache_dir, key: str, W: np.ndarray) -> Path | None:
    """Write W atomically; a cache that cannot be written is not an error (returns None)."""
    folder = Path(cache_dir) / "weights"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, W=W)
        path = folder / f"{key}.npz"
        os.replace(tmp, path)
        return path
    except OSError:
        return None
