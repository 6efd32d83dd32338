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
def serve_archive(data: bytes):
    """Serve ``data`` at ARCHIVE_PATH on 127.0.0.1 (404 elsewhere); yields the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != ARCHIVE_PATH:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture(scope="session")
def cifar_full(cifar_root):
    from landscapes.cifar import load_cifar10

    return load_cifar10(cifar_root)


@pytest.fixture(scope="session")
def cifar_small(cifar_root):
    """The first 2,000 training and test images of the real set."""
    from landscapes.cifar import load_cifar10

    return load_cifar10(cifar_root, limit=2000)
