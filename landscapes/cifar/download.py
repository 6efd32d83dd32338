"""Download the official CIFAR-10 python archive, verified, never losing a good copy.

The archive is streamed (small blocks, see http_stream: cancel and an overall
deadline act within a fraction of a second) into a temporary file beside its
final place, its md5 checked (of the archive: the files inside the shared
copy were re-pickled, only the archive checksum is meaningful), then
os.replace'd. An existing archive is never deleted first: if its md5 is wrong
it stays where it is until a verified replacement takes its place, so an
offline machine or a 404 loses nothing. A cached archive whose md5 matches is
reused without any network access. Every failure is a one-line CifarError.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from .cache import default_cache_dir
from .errors import CifarError
from .http_stream import stream_blocks

OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
OFFICIAL_MD5 = "c58f30108f718f92721af3b95e74349a"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
# the whole download: 170 MB at a slow 50 kB/s is an hour
DEFAULT_DEADLINE = 2 * 3600.0
_HASH_BLOCK = 1 << 20


def file_md5(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_HASH_BLOCK), b""):
            h.update(block)
    return h.hexdigest()


def cached_archive(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where fetch_cifar10 keeps the archive (it may not exist yet)."""
    return Path(cache_dir or default_cache_dir()) / ARCHIVE_NAME


def _os_reason(e: OSError) -> str:
    return e.strerror or str(e) or type(e).__name__


def _check_place(target: Path) -> None:
    """The folder must be (or become) a writable directory; the archive path a file, if anything."""
    folder = target.parent
    for p in (folder, *folder.parents):
        if p.exists():
            if not p.is_dir():
                raise CifarError(f"cannot keep CIFAR-10 in '{folder}': '{p}' is a file, not a directory")
            break
    if target.is_dir():
        raise CifarError(f"'{target}' is a directory, not the CIFAR-10 archive: remove it or choose another folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CifarError(f"cannot create the folder '{folder}': {_os_reason(e)}") from None


@contextlib.contextmanager
def _temp_beside(target: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A new file next to ``target`` (mode 0666 minus umask), removed unless renamed away."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as e:
        # ENOENT for a folder that exists: /proc and the like accept no new files
        why = "it does not accept new files (a special file system, not storage)" \
            if e.errno == errno.ENOENT else _os_reason(e)
        raise CifarError(f"cannot write to '{target.parent}': {why}") from None
    try:
        with os.fdopen(fd, "wb", buffering=0) as out:  # unbuffered: a full disk fails at write()
            yield tmp, out
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _content_length(response: object, url: str) -> int:
    """The Content-Length header as a byte count (0 when absent); a malformed one is named."""
    headers = getattr(response, "headers", None)
    text = headers.get("Content-Length") if headers is not None else None
    if text is None or not str(text).strip():
        return 0
    try:
        total = int(str(text).strip())
    except ValueError:
        raise CifarError(f"download of {url} failed: the server sent a malformed Content-Length "
                         f"header {str(text)[:40]!r}") from None
    if total < 0:
        raise CifarError(f"download of {url} failed: the server sent a negative Content-Length header ({total})")
    return total


def _one_line(text: object) -> str:
    """A server's own words (a status line, a redirect message) as one line."""
    return " ".join(str(text).split())


def _open(url: str, timeout: float) -> contextlib.AbstractContextManager[http.client.HTTPResponse]:
    what = f"download of {url}"
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):   # before any connection
        raise CifarError(f"{what}: only http:// and https:// addresses are supported")
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise CifarError(f"{what} failed: HTTP {e.code} {_one_line(e.reason)}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        if isinstance(reason, OSError) and reason.strerror:
            reason = reason.strerror       # "Name or service not known", not "[Errno -2] ..."
        raise CifarError(f"{what} failed: {_one_line(reason)}") from None
    except (ValueError, http.client.HTTPException) as e:  # a malformed URL or status line
        raise CifarError(f"{what} failed: {type(e).__name__}: {_one_line(e)}") from None
    if not isinstance(response, http.client.HTTPResponse):
        response.close()
        raise CifarError(f"{what}: only http:// and https:// addresses are supported")
    return contextlib.closing(response)


def fetch_cifar10(cache_dir: str | os.PathLike[str] | None = None, url: str = OFFICIAL_URL,
                  md5: str = OFFICIAL_MD5, progress: Callable[[int, int], object] | None = None,
                  cancel: Callable[[], bool] | None = None, timeout: float = 30.0,
                  deadline: float | None = DEFAULT_DEADLINE) -> Path:
    """Download (or reuse) the archive and return its verified path.

    progress(done_bytes, total_bytes) per block (total 0 if unknown); cancel()
    -> True raises Cancelled within a fraction of a second. ``timeout``: the
    longest wait for the connection or for the next data; ``deadline``: the
    longest the whole download may take (None: no limit). Checksum mismatch,
    HTTP, network or disk failure -> CifarError; the temp file is always
    removed and an archive already there is kept.
    """
    target = cached_archive(cache_dir)
    _check_place(target)
    if target.is_file() and file_md5(target) == md5:
        return target
    what = f"download of {url}"
    # the temp file first: a folder we cannot write fails before any network traffic
    with _temp_beside(target) as (tmp, out), _open(url, timeout) as response:
        total = _content_length(response, url)
        h = hashlib.md5()
        done = 0
        for block in stream_blocks(response, what, cancel=cancel, deadline=deadline, stall=timeout):
            try:
                out.write(block)
            except OSError as e:
                raise CifarError(f"cannot write '{tmp}': {_os_reason(e)}") from None
            h.update(block)
            done += len(block)
            if progress is not None:
                progress(done, total)
        if total and done != total:
            raise CifarError(f"{what} incomplete: {done} of {total} bytes")
        if h.hexdigest() != md5:
            raise CifarError(f"{what}: md5 {h.hexdigest()} does not match the expected {md5}")
        try:
            os.fsync(out.fileno())
            os.replace(tmp, target)
        except OSError as e:
            raise CifarError(f"cannot write '{target}': {_os_reason(e)}") from None
    return target
