"""fetch_cifar10 against a loopback HTTP server serving a tiny archive in the official layout."""
from __future__ import annotations

import hashlib

import pytest

from landscapes.cifar import Cancelled, CifarError, fetch_cifar10, load_cifar10

from .conftest import make_fake_archive, serve_archive


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base_url, archive_bytes, md5) of a ~1.5 MB archive served on 127.0.0.1."""
    path = make_fake_archive(tmp_path_factory.mktemp("srv") / "a.tar.gz", n=80)
    data = path.read_bytes()

    with serve_archive(data) as base:
        yield base, data, hashlib.md5(data).hexdigest()


def test_download_verifies_reports_progress_and_loads(served, tmp_path):
    base, data, md5 = served
    seen = []
    path = fetch_cifar10(tmp_path, url=f"{base}/cifar-10-python.tar.gz", md5=md5,
                         progress=lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == data
    assert len(data) > 1 << 20 and len(seen) >= 2          # more than one chunk
    assert seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    x, y, xt, yt = load_cifar10(path)
    assert x.shape == (400, 3072) and xt.shape == (80, 3072)
    # cached: reused without the network (this URL would 404)
    again = fetch_cifar10(tmp_path, url=f"{base}/gone", md5=md5)
    assert again == path


def test_bad_checksum_leaves_nothing(served, tmp_path):
    base, _, _ = served
    with pytest.raises(CifarError, match="md5 .* does not match the expected 0{32}"):
        fetch_cifar10(tmp_path, url=f"{base}/cifar-10-python.tar.gz", md5="0" * 32)
    assert list(tmp_path.iterdir()) == []


def test_cancel_between_chunks_leaves_nothing(served, tmp_path):
    base, _, md5 = served
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1            # let one chunk through, then stop
    with pytest.raises(Cancelled):
        fetch_cifar10(tmp_path, url=f"{base}/cifar-10-python.tar.gz", md5=md5, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_http_404_is_a_clear_error(served, tmp_path):
    base, _, md5 = served
    with pytest.raises(CifarError, match="HTTP 404"):
        fetch_cifar10(tmp_path, url=f"{base}/missing.tar.gz", md5=md5)
    assert list(tmp_path.iterdir()) == []


def test_corrupt_cached_archive_is_downloaded_again(served, tmp_path):
    base, data, md5 = served
    (tmp_path / "cifar-10-python.tar.gz").write_bytes(b"half an archive")
    path = fetch_cifar10(tmp_path, url=f"{base}/cifar-10-python.tar.gz", md5=md5)
    assert path.read_bytes() == data
