"""Read an HTTP response in small blocks that a cancel or a deadline can interrupt at once.

A blocking socket read cannot be interrupted by a flag: a server sending one
byte every 2 s kept a 1 MB read (and so the Cancel button) waiting for
minutes. Here a helper thread does the blocking reads (read1: whatever has
arrived, at most 64 KiB) and hands blocks over a queue; the caller's thread
waits at most 0.1 s at a time, checking cancel(), the overall deadline and how
long no data has come. On stopping, the socket is shut down so the helper's
pending read returns immediately.
"""
from __future__ import annotations

import contextlib
import http.client
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator

from .errors import Cancelled, CifarError

READ_SIZE = 1 << 16
_POLL = 0.1        # seconds between cancel checks while no block arrives
_QUEUED = 64       # blocks the helper may read ahead (4 MiB)


class _Failure:
    """An exception raised by the helper thread, carried over the queue."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _shutdown(response: http.client.HTTPResponse) -> None:
    """Wake a read blocked in another thread: shut the socket down, then close.

    http.client keeps the socket only inside its buffered reader. Closing that
    reader waits for the blocked read (it holds the reader's lock), that is for
    the server's next byte; shutting the socket down makes the read return now.
    """
    raw = getattr(getattr(response, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(Exception):
        response.close()


def stream_blocks(response: http.client.HTTPResponse, what: str, *,
                  cancel: Callable[[], bool] | None = None, deadline: float | None = None,
                  stall: float = 30.0) -> Iterator[bytes]:
    """Yield the body of ``response`` in blocks of at most READ_SIZE bytes.

    Raises Cancelled within about 0.1 s of cancel() returning True, CifarError
    when ``deadline`` (seconds from now, None: no limit) passes, when no data
    came for ``stall`` seconds, or when the connection fails or closes early.
    """
    blocks: queue.Queue[bytes | _Failure] = queue.Queue(maxsize=_QUEUED)
    stop = threading.Event()

    def pump() -> None:
        try:
            while not stop.is_set():
                block = response.read1(READ_SIZE)
                _put(block)
                if not block:
                    return
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
            _put(_Failure(e))

    def _put(item: bytes | _Failure) -> None:
        while not stop.is_set():
            try:
                blocks.put(item, timeout=_POLL)
                return
            except queue.Full:
                continue

    helper = threading.Thread(target=pump, name="cifar-download", daemon=True)
    start = last_data = time.monotonic()
    helper.start()
    done = 0
    try:
        while True:
            if cancel is not None and cancel():
                raise Cancelled(f"{what} cancelled")
            now = time.monotonic()
            if deadline is not None and now - start > deadline:
                raise CifarError(f"{what} took longer than {deadline:g} s; stopped after {done} bytes")
            if now - last_data > stall:
                raise CifarError(f"{what} stalled: no data for {stall:g} s after {done} bytes")
            try:
                item = blocks.get(timeout=_POLL)
            except queue.Empty:
                continue
            if isinstance(item, _Failure):
                raise CifarError(f"{what} failed after {done} bytes: {_reason(item.error)}") from None
            if not item:
                return
            last_data = time.monotonic()
            done += len(item)
            yield item
    finally:
        stop.set()
        _shutdown(response)
        helper.join(timeout=1.0)


def _reason(e: BaseException) -> str:
    if isinstance(e, http.client.IncompleteRead):
        return "the connection closed before the whole file arrived (incomplete read)"
    if isinstance(e, socket.timeout):
        return "the connection timed out"
    if isinstance(e, http.client.HTTPException):
        return f"bad HTTP response ({type(e).__name__}: {e})"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return f"{type(e).__name__}: {e}"
