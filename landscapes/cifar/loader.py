"""Read CIFAR-10 in the official python layout, safely.

The official ``cifar-10-python.tar.gz`` (Krizhevsky 2009) holds
``cifar-10-batches-py/data_batch_1..5`` and ``test_batch``: protocol-2 pickles
of dicts with ``b'data'`` (uint8, (10000, 3072): 1024 red, 1024 green, 1024
blue values per row, each 32x32 row-major) and ``b'labels'`` (ints 0..9).

Nothing a file declares is trusted before it is checked against these sizes:
unpickling runs no code and builds arrays only from bytes in the file (see
safe_pickle); batch files and archive members are refused when larger than
any real batch, before they are read; archive members are read straight
from the tar (nothing extracted), the member list scanned lazily with a cap;
labels must be a flat list of ints no longer than a batch (a nested "billion
laughs" list is refused at its first element, never expanded by numpy).
"""
from __future__ import annotations

import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from .capped_tar import open_capped_tar
from .errors import CifarError, check_whole
from .safe_pickle import safe_unpickle

FOLDER = "cifar-10-batches-py"
TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_FILE = "test_batch"
PER_BATCH = 10_000
FEATURES = 3072
NUM_CLASSES = 10
LABEL_NAMES = ("airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck")
# A real batch file is 31 MB; a protocol-2 re-pickle by Python 3 stores the bytes as
# latin-1 text in UTF-8, up to twice that. Anything larger is not a CIFAR-10 batch.
MAX_BATCH_BYTES = 80 * 1024 * 1024
# The official archive has 8 members; room for a readme or two, not for a million headers.
MAX_MEMBERS = 100
# It unpacks to 185 MB; nothing in a larger stream is read (see capped_tar).
MAX_ARCHIVE_BYTES = 400_000_000

Batch = tuple[np.ndarray[Any, np.dtype[np.uint8]], np.ndarray[Any, np.dtype[np.int64]]]


def _size_text(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def _check_pixels(pixels: object, source: str) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """uint8 (n, 3072), 1 <= n <= 10,000, its own contiguous memory (no zero or odd strides)."""
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8 or pixels.ndim != 2 \
            or pixels.shape[1] != FEATURES:
        desc = f"{pixels.dtype} {pixels.shape}" if isinstance(pixels, np.ndarray) else type(pixels).__name__
        raise CifarError(f"{source}: b'data' must be uint8 of shape (n, {FEATURES}), got {desc}")
    if not 0 < pixels.shape[0] <= PER_BATCH:
        raise CifarError(f"{source}: b'data' has {pixels.shape[0]} rows; a batch has 1..{PER_BATCH}")
    if not (pixels.flags.c_contiguous or pixels.flags.f_contiguous):
        raise CifarError(f"{source}: b'data' has strides {pixels.strides}, not a plain array")
    return pixels


def _check_labels(labels: object, n: int, source: str) -> np.ndarray[Any, np.dtype[np.int64]]:
    """A flat list (or 1-d integer array) of n class numbers 0..9, checked without expanding it."""
    if isinstance(labels, np.ndarray):
        if labels.ndim != 1 or labels.dtype.kind not in "iu":
            raise CifarError(f"{source}: b'labels' must be a list of integers, got {labels.dtype} {labels.shape}")
        if len(labels) != n:
            raise CifarError(f"{source}: {len(labels)} labels for {n} images")
        if n and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
            raise CifarError(f"{source}: labels must be in 0..{NUM_CLASSES - 1}, "
                             f"found {int(labels.min())}..{int(labels.max())}")
        return labels.astype(np.int64)
    if isinstance(labels, list):
        if len(labels) != n:
            raise CifarError(f"{source}: {len(labels)} labels for {n} images")
        for i, v in enumerate(labels):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise CifarError(f"{source}: b'labels'[{i}] is {type(v).__name__}, not an integer")
            if not 0 <= v < NUM_CLASSES:
                raise CifarError(f"{source}: labels must be in 0..{NUM_CLASSES - 1}, found {int(v)}")
        return np.array(labels, dtype=np.int64)
    raise CifarError(f"{source}: b'labels' is not a list of integers ({type(labels).__name__})")


def parse_batch(data: bytes, source: str) -> Batch:
    """Check one unpickled batch dict and return (uint8 (n, 3072), int64 (n,))."""
    if len(data) > MAX_BATCH_BYTES:
        raise CifarError(f"{source}: {_size_text(len(data))} is larger than any CIFAR-10 batch")
    batch = safe_unpickle(data, source)
    if not isinstance(batch, dict):
        raise CifarError(f"{source}: expected a dict batch, got {type(batch).__name__}")
    try:
        pixels, labels = batch[b"data"], batch[b"labels"]
    except KeyError as e:
        raise CifarError(f"{source}: batch has no {e.args[0]!r} entry") from None
    x = _check_pixels(pixels, source)
    y = _check_labels(labels, len(x), source)
    return np.ascontiguousarray(x), y


class _FolderSource:
    """Batch files in a cifar-10-batches-py folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, name: str) -> tuple[bytes, str]:
        path = self.folder / name
        if not path.is_file():  # a FIFO or device is not a batch (and would block or never end)
            what = "not a regular file" if path.exists() else "missing CIFAR-10 batch file"
            raise CifarError(f"{path}: {what}")
        try:
            size = path.stat().st_size
            if size > MAX_BATCH_BYTES:
                raise CifarError(f"{path}: {_size_text(size)} is larger than any CIFAR-10 batch")
            with open(path, "rb") as f:
                return f.read(MAX_BATCH_BYTES + 1), str(path)
        except OSError as e:
            raise CifarError(f"{path}: cannot read ({e.strerror or e})") from None

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
            self.tar, self._stream = open_capped_tar(path, MAX_ARCHIVE_BYTES)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
            raise CifarError(f"{path}: not a readable tar archive ({e})") from None
        try:
            self.members = self._scan()
        except BaseException:
            self.close()
            raise

    def _scan(self) -> dict[str, tarfile.TarInfo]:
        """Every member's header, refusing unsafe names and oversized members before reading them."""
        members: dict[str, tarfile.TarInfo] = {}
        try:
            for m in self.tar:
                if _unsafe_member(m.name):
                    raise CifarError(f"{self.path}: refused unsafe archive member {m.name!r} (path traversal)")
                if m.size > MAX_BATCH_BYTES:
                    raise CifarError(f"{self.path}: refused archive member {m.name!r} of {_size_text(m.size)}"
                                     " (larger than any CIFAR-10 file)")
                members[m.name] = m
                if len(members) > MAX_MEMBERS:
                    raise CifarError(f"{self.path}: more than {MAX_MEMBERS} members: not the CIFAR-10 archive")
        except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
            raise CifarError(f"{self.path}: not a readable tar archive ({e})") from None
        return members

    def read(self, name: str) -> tuple[bytes, str]:
        source = f"{self.path}:{FOLDER}/{name}"
        m = self.members.get(f"{FOLDER}/{name}")
        if m is None or not m.isfile():
            raise CifarError(f"{source}: missing CIFAR-10 batch in the archive")
        try:
            f = self.tar.extractfile(m)
            if f is None:
                raise CifarError(f"{source}: missing CIFAR-10 batch in the archive")
            return f.read(MAX_BATCH_BYTES + 1), source
        except (tarfile.TarError, OSError, EOFError, zlib.error) as e:
            raise CifarError(f"{source}: cannot read archive member ({e})") from None

    def close(self) -> None:
        self.tar.close()
        self._stream.close()


def _open_source(root: object) -> _FolderSource | _TarSource:
    if isinstance(root, bool) or not isinstance(root, (str, os.PathLike)):
        raise CifarError(f"the CIFAR-10 root must be a folder or archive path, got {type(root).__name__} {root!r}")
    path = Path(root).expanduser()
    if path.is_file():
        return _TarSource(path)
    if path.exists() and not path.is_dir():
        raise CifarError(f"{path}: neither a folder nor a regular file (a CIFAR-10 archive)")
    if path.name.endswith((".tar.gz", ".tgz", ".tar")) and path.is_dir():
        raise CifarError(f"{path} is a directory, not the CIFAR-10 archive")
    if (path / TEST_FILE).is_file() or path.name == FOLDER:
        return _FolderSource(path)
    if (path / FOLDER).is_dir():
        return _FolderSource(path / FOLDER)
    archive = path / "cifar-10-python.tar.gz"
    if archive.is_file():
        return _TarSource(archive)
    if archive.is_dir():
        raise CifarError(f"{archive} is a directory, not the CIFAR-10 archive")
    raise CifarError(f"{path}: no CIFAR-10 here (expected the {FOLDER} folder, its parent, "
                     "or cifar-10-python.tar.gz)")


def load_cifar10(root: str | os.PathLike[str], limit: int | None = None) -> tuple[
        np.ndarray[Any, np.dtype[np.uint8]], np.ndarray[Any, np.dtype[np.int64]],
        np.ndarray[Any, np.dtype[np.uint8]], np.ndarray[Any, np.dtype[np.int64]]]:
    """Load CIFAR-10 -> (x_train, y_train, x_test, y_test).

    x_* are uint8 (N, 3072) rows in the official R, G, B plane order; y_* int64.
    ``root`` is the cifar-10-batches-py folder, its parent, or the official
    .tar.gz. ``limit`` keeps only the first ``limit`` training and test images
    (reading only the batches needed), for fast tests. Raises CifarError.
    """
    if limit is not None:
        limit = check_whole("limit", limit)
    src = _open_source(root)
    try:
        n_train_files = len(TRAIN_FILES) if limit is None else min(len(TRAIN_FILES), -(-limit // PER_BATCH))
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


def to_images(x: np.ndarray[Any, np.dtype[np.uint8]]) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """Rows (N, 3072) in R, G, B plane order -> images (N, 32, 32, 3) for display."""
    return np.asarray(x).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
