"""One way to write an output file: beside the target, checked, renamed only on success.

Every export (PNG, SVG, MP4, GIF) and scene save goes through ``safe_output``:

    with safe_output(path) as tmp:
        writer(tmp)          # anything that writes the file at ``tmp``

The writer fills a temporary file in the target's folder; only when it
returned normally and left a non-empty file is that file synced and
os.replace'd onto the target. On any failure (a full disk, a writer that
reports an error, a cancel) the temporary file is removed and the old
target is untouched. An existing read-only target (mode 0444) is refused
unless ``overwrite=True``, as ``cp`` refuses without ``-f``. The new file
gets the usual permissions (0666 minus the umask), not mkstemp's 0600.
No Qt: the CLI, the export dialog and scene saving all share it.
"""
from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

# The temp name repeats at most this much of the target's stem, so it is never
# longer than a name the file system accepts for the target itself.
_STEM_CHARS = 40


class OutputError(OSError, ValueError):
    """An output file could not be written; the message is one line naming the file.

    Both an OSError (it is an I/O failure) and a ValueError (callers that report
    bad input in one line, such as the CLI's exit code 2, catch it as such).
    """


class ReadOnlyTarget(OutputError):
    """The target exists and is read-only; replacing it needs ``overwrite=True``."""


def describe_os_error(e: OSError) -> str:
    """The reason of an OSError in words, e.g. 'No space left on device'."""
    if e.strerror:
        return e.strerror
    if e.errno is not None:
        return os.strerror(e.errno)
    return str(e) or type(e).__name__


def check_replaceable(target: str | os.PathLike[str], overwrite: bool = False) -> Path:
    """Refuse a target that is a directory, or a read-only file without ``overwrite``."""
    path = Path(target)
    try:
        st = path.stat()
    except FileNotFoundError:
        return path
    except OSError as e:
        raise OutputError(f"cannot write '{path}': {describe_os_error(e)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"cannot write '{path}': it is a directory")
    # no write bit at all (root passes os.access for anything), or not writable by us
    read_only = not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK)
    if not overwrite and read_only:
        raise ReadOnlyTarget(f"cannot write '{path}': the existing file is read-only "
                             "(remove it, or ask to overwrite)")
    return path


def _temp_beside(path: Path) -> Path:
    """Create (exclusively, mode 0666 minus umask) an empty temp file next to ``path``."""
    stem = path.stem[:_STEM_CHARS]
    for _ in range(100):
        tmp = path.with_name(f".{stem}.{secrets.token_hex(4)}.part{path.suffix[:16]}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _sync(path: Path) -> None:
    """Flush the file's data to disk, so a crash after the rename cannot leave it empty."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def safe_output(target: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    Raises OutputError (one line, naming the target and saying the old file is
    kept) when the target cannot be replaced, the writer raised an OSError, or
    it left an empty file. Other exceptions of the writer (a cancel, a bad
    frame) pass through unchanged, after the temporary file is removed.
    """
    path = check_replaceable(target, overwrite)
    kept = " (the existing file is kept)" if path.exists() else ""
    try:
        tmp = _temp_beside(path)
    except OSError as e:
        raise OutputError(f"cannot write '{path}': {describe_os_error(e)}") from None
    try:
        try:
            yield tmp
            if not tmp.is_file() or tmp.stat().st_size == 0:
                raise OutputError(f"cannot write '{path}': the writer produced an empty file{kept}")
            _sync(tmp)
            os.replace(tmp, path)
        except OutputError:
            raise
        except OSError as e:
            raise OutputError(f"cannot write '{path}': {describe_os_error(e)}{kept}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
