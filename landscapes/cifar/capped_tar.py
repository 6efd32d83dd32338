"""Open a (compressed) tar archive whose unpacked stream may not exceed a byte cap.

tarfile reads some headers whole before handing out a member: a PAX or GNU
long-name header that declares 3 GB is read into memory (a few MB of gzip,
or a sparse file, is enough). Every read and seek here goes through a
stream that refuses to pass ``cap`` bytes from the start of the unpacked
archive, so no header, member or skip can make tarfile read or unpack more.
"""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import tarfile
from pathlib import Path
from typing import BinaryIO, Protocol

from .errors import CifarError


class _Stream(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = ..., /) -> int: ...

    def tell(self) -> int: ...

    def close(self) -> None: ...



def _unpacked(raw: BinaryIO) -> _Stream:
    """The decompressed stream of ``raw`` by its magic bytes (gzip, bzip2, xz), else raw itself."""
    head = raw.read(6)
    raw.seek(0)
    if head.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if head.startswith(b"BZh"):
        return bz2.BZ2File(raw)
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(raw)
    return raw


class _CappedStream:
    """read/seek/tell over ``inner``, refusing any position past ``cap``."""

    def __init__(self, inner: _Stream, raw: BinaryIO, cap: int, what: str) -> None:
        self._inner, self._raw, self._cap, self._what = inner, raw, cap, what

    def _refuse(self) -> CifarError:
        return CifarError(f"{self._what}: more than {self._cap / 1e6:.0f} MB once unpacked "
                          "(the CIFAR-10 archive has 185 MB)")

    def read(self, n: int | None = -1) -> bytes:
        pos = self._inner.tell()
        if n is None or n < 0:
            n = self._cap - pos + 1
        if pos + n > self._cap:
            # a request past the cap is refused whole: reading it would allocate it
            raise self._refuse()
        return self._inner.read(n)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset if whence == io.SEEK_SET else self._inner.tell() + offset \
            if whence == io.SEEK_CUR else None
        if target is None or target > self._cap:
            raise self._refuse()
        return self._inner.seek(target)

    def tell(self) -> int:
        return self._inner.tell()

    def close(self) -> None:
        self._inner.close()
        self._raw.close()  # a decompressor given a file object leaves it open


def open_capped_tar(path: str | os.PathLike[str], cap: int) -> tuple[tarfile.TarFile, _CappedStream]:
    """(tar, stream): close both when done. gzip, bzip2, xz or plain; OSError/TarError when unreadable."""
    path = Path(path)
    raw = open(path, "rb")
    try:
        stream = _CappedStream(_unpacked(raw), raw, cap, str(path))
        return tarfile.open(fileobj=stream, mode="r:"), stream  # type: ignore[call-overload]
    except BaseException:
        raw.close()
        raise
