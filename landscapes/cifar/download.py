"""Download the official CIFAR-10 python archive, verified and resumable-safe.

The archive is streamed with urllib into ``<name>.part`` next to its final
place, its md5 checked (of the archive: the files inside the shared copy
were re-pickled, only the archive checksum is meaningful), then os.replace'd,
so a partial or corrupt download never appears as the archive. A cached
archive whose md5 matches is reused without any network access.
"""
from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .cache import default_cache_dir
from .errors import Cancelled, CifarError

OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
OFFICIAL_MD5 = "c58f30108f718f92721af3b95e74349a"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
_CHUNK = 1 << 20


def file_md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def cached_archive(cache_dir=None) -> Path:
    """Where fetch_cifar10 keeps the archive (it may not exist yet)."""
    return Path(cache_dir or default_cache_dir()) / ARCHIVE_NAME


def fetch_cifar10(cache_dir=None, url: str = OFFICIAL_URL, md5: str = OFFICIAL_MD5,
                  progress: Callable[[int, int], object] | None = None,
                  cancel: Callable[[], bool] | None = None, timeout: float = 30.0) -> Path:
    """Download (or reuse) the archive and return its verified path.

    progress(done_bytes, total_bytes) per chunk (total 0 if unknown);
    cancel() -> True between chunks raises Cancelled. Checksum mismatch or
    HTTP/network failure -> CifarError; the temp file is always removed.
    """
    target = cached_archive(cache_dir)
    if target.is_file():
        if file_md5(target) == md5:
            return target
        target.unlink()  # stale or corrupt: download again
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        try:
            response = urllib.request.urlopen(url, timeout=timeout)
        except urllib.error.HTTPError as e:
            raise CifarError(f"download of {url} failed: HTTP {e.code} {e.reason}") from None
        except (urllib.error.URLError, OSError) as e:
            raise CifarError(f"download of {url} failed: {getattr(e, 'reason', e)}") from None
        h = hashlib.md5()
        done = 0
        with response, open(part, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            while True:
                if cancel is not None and cancel():
                    raise Cancelled(f"download of {url} cancelled")
                try:
                    block = response.read(_CHUNK)
                except OSError as e:
                    raise CifarError(f"download of {url} failed after {done} bytes: {e}") from None
                if not block:
                    break
                out.write(block)
                h.update(block)
                done += len(block)
                if progress is not None:
                    progress(done, total)
        if total and done != total:
            raise CifarError(f"download of {url} incomplete: {done} of {total} bytes")
        if h.hexdigest() != md5:
            raise CifarError(f"download of {url}: md5 {h.hexdigest()} does not match the expected {md5}")
        os.replace(part, target)
        return target
    finally:
        if part.exists():
            part.unlink()
