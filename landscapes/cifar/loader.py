"""Read CIFAR-10 in the official python layout, safely.

The official ``cifar-10-python.tar.gz`` (Krizhevsky 2009) holds
``cifar-10-batches-py/data_batch_1..5`` and ``test_batch``: protocol-2 pickles
of dicts with ``b'data'`` (uint8, (10000, 3072): 1024 red, 1024 green, 1024
blue values per row, each 32x32 row-major) and ``b'labels'`` (ints 0..9).

Unpickling is restricted: ``find_class`` resolves only numpy's array
reconstruction globals, so a crafted pickle cannot run code (a plain
``pickle.load`` would call any global it names, e.g. ``os.system``).
Archives are read member by member from the tar without extracting to disk.
"""
from __future__ import annotations

import io
import pickle
import tarfile
from pathlib import Path, PurePosixPath

import numpy as np
from numpy._core import multiarray as _multiarray

from .errors import CifarError

FOLDER = "cifar-10-batches-py"
TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_FILE = "test_batch"
PER_BATCH = 10_000
FEATURES = 3072
NUM_CLASSES = 10
LABEL_NAMES = ("airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck")

# The only globals a CIFAR pickle may name: numpy's array reconstruction.
# numpy.core.* is numpy._core.* in NumPy 2; map both without importing the
# deprecated numpy.core shim.
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _multiarray._reconstruct,
    ("numpy.core.multiarray", "scalar"): _multiarray.scalar,
    ("numpy._core.multiarray", "scalar"): _multiarray.scalar,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """An Unpickler that refuses every global except numpy array reconstruction."""

    def __init__(self, file, source: str) -> None:
        super().__init__(file, encoding="bytes")
        self._source = source

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise CifarError(
                f"{self._source}: refused to unpickle global {module}.{name} "
                "(only numpy arrays are allowed in CIFAR-10 batches)") from None


def safe_unpickle(data: bytes, source: str):
    """Unpickle ``data`` allowing only numpy arrays, dicts, lists and scalars."""
    try:
        return _ArrayOnlyUnpickler(io.BytesIO(data), source).load()
    except CifarError:
        raise
    except Exception as e:  # truncated or corrupt streams raise many types
        raise CifarError(f"{source}: not a readable CIFAR-10 pickle ({type(e).__name__}: {e})") from None


def parse_batch(data: bytes, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Check one unpickled batch dict and return (uint8 (n, 3072), int64 (n,))."""
    batch = safe_unpickle(data, source)
    if not isinstance(batch, dict):
        raise CifarError(f"{source}: expected a dict batch, got {type(batch).__name__}")
    try:
        pixels, labels = batch[b"data"], batch[b"labels"]
    except KeyError as e:
        raise CifarError(f"{source}: batch has no {e.args[0]!r} entry") from None
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8 or pixels.ndim != 2 \
            or pixels.shape[1] != FEATURES:
        desc = f"{pixels.dtype} {pixels.shape}" if isinstance(pixels, np.ndarray) else type(pixels).__name__
        raise CifarError(f"{source}: b'data' must be uint8 of shape (n, {FEATURES}), got {desc}")
    try:
        y = np.asarray(labels)
    except Exception:
        raise CifarError(f"{source}: b'labels' is not a list of integers") from None
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise CifarError(f"{source}: b'labels' must be a list of integers, got {y.dtype} {y.shape}")
    if len(y) != len(pixels):
        raise CifarError(f"{source}: {len(y)} labels for {len(pixels)} images")
    if len(y) and (y.min() < 0 or y.max() >= NUM_CLASSES):
        raise CifarError(f"{source}: labels must be in 0..{NUM_CLASSES - 1}, "
                         f"found {int(y.min())}..{int(y.max())}")
    return np.ascontiguousarray(pixels), y.astype(np.int64)


class _FolderSource:
    """Batch files in a cifar-10-batches-py folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, name: str) -> tuple[bytes, str]:
        path = self.folder / name
        if not path.is_file():
            raise CifarError(f"{path}: missing CIFAR-10 batch file")
        return path.read_bytes(), str(path)

    def close(self) -> None:
        pass


def _unsafe_member(name: str) -> bool:
    p = PurePosixPath(name)
    return p.is_absolute() or ".." in p.parts or name.startswith(("/", "\\")) or ":" in (p.parts[0] if p.parts else "")


class _TarSource:
    """Batch files read straight from cifar-10-python.tar.gz (nothing extracted)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.tar = tarfile.open(path, "r:*")
            members = self.tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as e:
            raise CifarError(f"{path}: not a readable tar archive ({e})") from None
        for m in members:
            if _unsafe_member(m.name):
                self.tar.close()
                raise CifarError(f"{path}: refused unsafe archive member {m.name!r} (path traversal)")
        self.members = {m.name: m for m in members}

    def read(self, name: str) -> tuple[bytes, str]:
        source = f"{self.path}:{FOLDER}/{name}"
        m = self.members.get(f"{FOLDER}/{name}")
        if m is None or not m.isfile():
            raise CifarError(f"{source}: missing CIFAR-10 batch in the archive")
        try:
            f = self.tar.extractfile(m)
            return f.read(), source
        except (tarfile.TarError, OSError, EOFError) as e:
            raise CifarError(f"{source}: cannot read archive member ({e})") from None

    def close(self) -> None:
        self.tar.close()


def _open_source(root) -> _FolderSource | _TarSource:
    path = Path(root).expanduser()
    if path.is_file():
        return _TarSource(path)
    if (path / TEST_FILE).is_file() or path.name == FOLDER:
        return _FolderSource(path)
    if (path / FOLDER).is_dir():
        return _FolderSource(path / FOLDER)
    for archive in ("cifar-10-python.tar.gz",):
        if (path / archive).is_file():
            return _TarSource(path / archive)
    raise CifarError(f"{path}: no CIFAR-10 here (expected the {FOLDER} folder, its parent, "
                     "or cifar-10-python.tar.gz)")


def load_cifar10(root, limit: int | None = None):
    """Load CIFAR-10 -> (x_train, y_train, x_test, y_test).

    x_* are uint8 (N, 3072) rows in the official R, G, B plane order; y_* int64.
    ``root`` is the cifar-10-batches-py folder, its parent, or the official
    .tar.gz. ``limit`` keeps only the first ``limit`` training and test images
    (reading only the batches needed), for fast tests. Raises CifarError.
    """
    if limit is not None and (isinstance(limit, bool) or int(limit) != limit or limit < 1):
        raise ValueError(f"limit must be a whole number >= 1 or None, got {limit!r}")
    src = _open_source(root)
    try:
        n_train_files = len(TRAIN_FILES) if limit is None else min(len(TRAIN_FILES), -(-int(limit) // PER_BATCH))
        train = [parse_batch(*src.read(name)) for name in TRAIN_FILES[:n_train_files]]
        x_test, y_test = parse_batch(*src.read(TEST_FILE))
    finally:
        src.close()
    x_train = np.concatenate([b[0] for b in train])
    y_train = np.concatenate([b[1] for b in train])
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
        x_test, y_test = x_test[:limit], y_test[:limit]
    return x_train, y_train, x_test, y_test


def to_images(x: np.ndarray) -> np.ndarray:
    """Rows (N, 3072) in R, G, B plane order -> images (N, 32, 32, 3) for display."""
    return np.asarray(x).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
