"""Download failures from a loopback HTTP server, through landscapes.cifar.fetch_cifar10.

The server listens on 127.0.0.1 only, answers at most MAX_REQUESTS requests and
stops itself after LIFETIME seconds. Each case runs in a fresh folder; in most an
older archive is already there, and it must be there, byte for byte, afterwards
(a failed download never deletes it); no temp file may be left behind.
"""
from __future__ import annotations

import contextlib
import hashlib
import http.server
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .cifar_files import _good_members, _tar
from .common import Tally, run_bounded

MAX_REQUESTS = 200
LIFETIME = 300.0
ARCHIVE = "cifar-10-python.tar.gz"
STALE = b"yesterday's archive, md5 differs"


def _archive() -> bytes:
    with tempfile.TemporaryDirectory() as d:
        return _tar(Path(d) / ARCHIVE, "w:gz", _good_members()).read_bytes()


@contextlib.contextmanager
def serve(data: bytes) -> Iterator[str]:
    stop = threading.Event()
    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _head(self, code: int, length: str | None, chunked: bool = False) -> None:
            self.send_response(code)
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif length is not None:
                self.send_header("Content-Length", length)
            self.send_header("Connection", "close")
            self.end_headers()

        def _slow(self, body: bytes, delay: float) -> None:
            self._head(200, str(len(body)))
            for i in range(len(body)):
                if stop.wait(delay):
                    return
                try:
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                except OSError:  # the client gave up (cancel, deadline): that is the point
                    return

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            count[0] += 1
            self.close_connection = True
            if count[0] > MAX_REQUESTS or stop.is_set():
                self.send_error(503)
                return
            mode = self.path.strip("/")
            n = len(data)
            if mode == "ok":
                self._head(200, str(n))
                self.wfile.write(data)
            elif mode in ("404", "500", "403"):
                self.send_error(int(mode))
            elif mode == "cut":
                self._head(200, str(n))
                self.wfile.write(data[: n // 2])
            elif mode.startswith("cl-"):
                length = {"cl-abc": "abc", "cl-neg": "-5", "cl-big": str(n + 1000), "cl-small": "100",
                          "cl-huge": "1" + "0" * 30, "cl-two": f"{n}, {n + 1}"}[mode]
                self._head(200, length)
                self.wfile.write(data)
            elif mode in ("chunked", "chunked-cut"):
                self._head(200, None, chunked=True)
                body = data if mode == "chunked" else data[: n // 2]
                for i in range(0, len(body), 50_000):
                    part = body[i:i + 50_000]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                if mode == "chunked":
                    self.wfile.write(b"0\r\n\r\n")
            elif mode == "chunked-bad":
                self._head(200, None, chunked=True)
                self.wfile.write(b"zz\r\nnot hex\r\n")
            elif mode == "slow":
                self._slow(data, 2.0)
            elif mode == "slow-fast":
                self._slow(data, 0.05)
            elif mode == "stall":
                self._head(200, str(n))
                stop.wait(20)
            elif mode == "stall-headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self.wfile.flush()
                stop.wait(20)
            elif mode == "garbage":
                self.wfile.write(b"HELLO THERE\r\n\r\n")
            elif mode == "redirect-loop":
                self.send_response(302)
                self.send_header("Location", "/redirect-loop")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif mode == "redirect-404":
                self.send_response(302)
                self.send_header("Location", "/404")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif mode == "empty":
                self._head(200, "0")
            else:
                page = b"<html>not the archive</html>"
                self._head(200, str(len(page)))
                self.wfile.write(page)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    timer = threading.Timer(LIFETIME, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        timer.cancel()
        server.shutdown()
        thread.join(5)
        server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def try_fetch(item: dict[str, Any]) -> tuple[bool, str, str]:
    from landscapes.cifar import Cancelled, CifarError, fetch_cifar10

    folder = Path(item["dir"])
    before = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
    t0 = time.monotonic()
    cancel_after = item.get("cancel_after")
    cancel = (lambda: time.monotonic() - t0 > cancel_after) if cancel_after is not None else None
    try:
        path = fetch_cifar10(folder, url=item["url"], md5=item["md5"], cancel=cancel,
                             timeout=item.get("timeout", 5.0), deadline=item.get("deadline", 60.0))
        kind, detail = "ok", f"{path.stat().st_size} bytes"
        ok = item["expect"] == "ok" and hashlib.md5(path.read_bytes()).hexdigest() == item["md5"]
    except (CifarError, Cancelled) as e:
        kind, detail = type(e).__name__, str(e)
        ok = item["expect"] != "ok" and "\n" not in detail
        if "\n" in detail:   # the project promises one line; server text may bring its own line breaks
            kind = f"multi-line {kind}"
    took = time.monotonic() - t0
    if item.get("within") and took > item["within"]:
        ok, kind, detail = False, f"{kind} late", f"after {took:.1f} s (at most {item['within']} s): {detail}"
    stale = folder / ARCHIVE
    if item.get("stale") and kind != "ok" and (not stale.is_file() or stale.read_bytes() != STALE):
        ok, kind, detail = False, "ARCHIVE LOST", "the archive already there was deleted or changed: " + detail
    after = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else None
    if kind != "ok" and before is not None and after != before:
        ok, kind, detail = False, "left files", f"{before} -> {after}: {detail}"
    return ok, kind, detail


def cases(base: str, md5: str, root: Path) -> list[tuple[str, dict[str, Any]]]:
    items: list[tuple[str, dict[str, Any]]] = []

    def case(name: str, url: str, expect: str = "fail", stale: bool = True, **extra: Any) -> None:
        d = root / f"d{len(items):02d}"
        d.mkdir()
        if stale:
            (d / ARCHIVE).write_bytes(STALE)
        items.append((name, {"dir": str(d), "url": url, "md5": md5, "expect": expect, "stale": stale, **extra}))

    case("good download (control)", f"{base}/ok", "ok", stale=False)
    case("good download over a stale archive", f"{base}/ok", "ok")
    case("chunked download", f"{base}/chunked", "ok", stale=False)
    for mode in ("404", "500", "403", "cut", "cl-abc", "cl-neg", "cl-big", "cl-small", "cl-huge", "cl-two",
                 "chunked-cut", "chunked-bad", "garbage", "redirect-loop", "redirect-404", "empty", "html"):
        case(f"server: {mode}", f"{base}/{mode}")
    case("wrong md5", f"{base}/ok", md5="0" * 32)
    case("slow bytes, cancel at 1 s", f"{base}/slow", cancel_after=1.0, within=3.0)
    case("slow bytes, deadline 2 s", f"{base}/slow-fast", deadline=2.0, within=5.0)
    case("stall after headers, timeout 1 s", f"{base}/stall", timeout=1.0, within=5.0)
    case("stall inside headers, timeout 1 s", f"{base}/stall-headers", timeout=1.0, within=5.0)
    case("connection refused", f"http://127.0.0.1:{_closed_port()}/x")
    case("ftp:// address", "ftp://127.0.0.1/x")
    case("file:// address", "file:///etc/passwd")
    case("not an address", "not a url")
    plain = root / "a file"
    plain.write_bytes(b"x")
    items.append(("--dir is a file", {"dir": str(plain), "url": f"{base}/ok", "md5": md5, "expect": "fail"}))
    items.append(("--dir under /proc", {"dir": "/proc/losslab-fuzz", "url": f"{base}/ok", "md5": md5,
                                        "expect": "fail"}))
    d = root / "target is a dir"
    (d / ARCHIVE).mkdir(parents=True)
    items.append(("archive path is a directory", {"dir": str(d), "url": f"{base}/ok", "md5": md5, "expect": "fail"}))
    return items


def run(root: Path, bound: float = 40.0) -> Tally:
    tally = Tally("downloads (loopback)")
    data = _archive()
    md5 = hashlib.md5(data).hexdigest()
    with serve(data) as base:
        run_bounded(tally, try_fetch, cases(base, md5, root), bound=bound)
    lost = [n for n, o in tally.outcomes if o.kind == "ARCHIVE LOST"]
    tally.note(f"an existing archive deleted by a failed download: {len(lost)} ({', '.join(lost) or 'never'})")
    return tally

