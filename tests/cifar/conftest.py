"""Fixtures for the CIFAR tests: the real data once per session, and tiny fake datasets."""
from __future__ import annotations

import contextlib
import http.server
import io
import pickle
import tarfile
import threading
from pathlib import Path

import numpy as np
import pytest

FOLDER = "cifar-10-batches-py"
NAMES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]


def batch_bytes(n: int, seed: int) -> bytes:
    """A batch pickle like the official ones (protocol 4: Python 3 bytes opcodes)."""
    rng = np.random.default_rng(seed)
    batch = {b"batch_label": b"fake batch", b"labels": [int(v) for v in rng.integers(0, 10, n)],
             b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
             b"filenames": [b"img_%d.png" % i for i in range(n)]}
    return pickle.dumps(batch, protocol=4)


def make_fake_folder(root: Path, n: int = 7) -> Path:
    folder = root / FOLDER
    folder.mkdir(parents=True)
    for i, name in enumerate(NAMES):
        (folder / name).write_bytes(batch_bytes(n, i))
    return folder


def make_fake_archive(path: Path, n: int = 7, extra: dict[str, bytes] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for i, name in enumerate(NAMES):
            data = batch_bytes(n, i)
            info = tarfile.TarInfo(f"{FOLDER}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for member, data in (extra or {}).items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


ARCHIVE_PATH = "/cifar-10-python.tar.gz"


@contextlib.contextmanager
def serve_archive(data: bytes, *, byte_delay: float = 0.0, content_length: str | None = None,
                  chunked: bool = False, cut_at: int | None = None):
    """Serve ``data`` at ARCHIVE_PATH on 127.0.0.1 (404 elsewhere); yields the base URL.

    Hostile variants: ``byte_delay`` sends one byte per delay; ``content_length``
    replaces the header's value; ``chunked`` uses chunked transfer encoding;
    ``cut_at`` closes the connection after that many body bytes (a chunked
    body then ends without its final zero-size chunk). ``served.sent`` counts
    the body bytes written so far.
    """
    stop = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1" if chunked else "HTTP/1.0"

        def do_GET(self):
            if self.path != ARCHIVE_PATH:
                self.send_error(404, "Not Found")
                return
            body = data if cut_at is None else data[:cut_at]
            self.send_response(200)
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", content_length if content_length is not None else str(len(data)))
            self.end_headers()
            if chunked:
                for i in range(0, len(body), 50_000):
                    part = body[i:i + 50_000]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                if cut_at is None:
                    self.wfile.write(b"0\r\n\r\n")
                self.close_connection = True
                return
            if not byte_delay:
                self.wfile.write(body)
                served.sent += len(body)
                return
            for i in range(len(body)):
                if stop.wait(byte_delay):
                    return
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                served.sent += 1

        def log_message(self, *args):
            pass

    class Served(str):
        sent = 0

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served = Served(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        stop.set()
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture(scope="module", autouse=True)
def private_user_cache(tmp_path_factory):
    """A private XDG cache home: CIFAR tests never touch the real user cache dir, and
    their cache folders lie inside it (build_cifar_slice refuses cache dirs elsewhere)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    yield
    mp.undo()


def user_cache(name: str) -> Path:
    """A fresh folder inside the (private) user cache dir."""
    from landscapes.cifar.cache import user_cache_root

    folder = user_cache_root() / name
    folder.mkdir(parents=True, exist_ok=False)
    return folder


@pytest.fixture
def cache_in_user_dir(request):
    import re

    return user_cache(re.sub(r"\W+", "_", request.node.name))


@pytest.fixture(scope="session")
def cifar_full(cifar_root):
    from landscapes.cifar import load_cifar10

    return load_cifar10(cifar_root)


@pytest.fixture(scope="session")
def cifar_small(cifar_root):
    """The first 2,000 training and test images of the real set."""
    from landscapes.cifar import load_cifar10

    return load_cifar10(cifar_root, limit=2000)
