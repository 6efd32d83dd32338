"""fetch_cifar10 against a loopback HTTP server serving a tiny archive in the official layout."""
from __future__ import annotations

import hashlib
import resource
import signal
import threading
import time

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


# ---------------------------------------------------------------- hostile servers and disks
ARCHIVE = "cifar-10-python.tar.gz"


def test_stale_archive_survives_a_failed_download(served, tmp_path):
    # md5 mismatch + 404 (or offline): the user's file must still be there afterwards
    base, _, md5 = served
    old = tmp_path / ARCHIVE
    old.write_bytes(b"an older copy the user keeps")
    with pytest.raises(CifarError, match="HTTP 404"):
        fetch_cifar10(tmp_path, url=f"{base}/missing.tar.gz", md5=md5)
    assert old.read_bytes() == b"an older copy the user keeps"
    with pytest.raises(CifarError, match="failed"):
        fetch_cifar10(tmp_path, url="http://127.0.0.1:9/offline.tar.gz", md5=md5, timeout=2)
    assert old.read_bytes() == b"an older copy the user keeps"
    assert [p.name for p in tmp_path.iterdir()] == [ARCHIVE]


def test_cancel_acts_before_a_slow_server_sends_the_next_byte(tmp_path):
    # one byte every 5 s: 50 s for the whole body; a cancel at 0.5 s must not wait for it
    old = tmp_path / ARCHIVE
    old.write_bytes(b"keep me")
    with serve_archive(b"0123456789", byte_delay=5.0) as base:
        t0 = time.monotonic()
        with pytest.raises(Cancelled):
            fetch_cifar10(tmp_path, url=f"{base}/{ARCHIVE}", md5="0" * 32,
                          cancel=lambda: time.monotonic() - t0 > 0.5)
        # returned before the server's first byte (due at 5 s): the blocked read was woken by
        # shutting the socket down, not waited for
        assert base.sent == 0
        assert not [t for t in threading.enumerate() if t.name == "cifar-download"]
    assert old.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == [ARCHIVE]


def test_overall_deadline_and_stall_stop_a_slow_server(tmp_path):
    with serve_archive(b"0123456789", byte_delay=2.0) as base:
        with pytest.raises(CifarError, match=r"took longer than 0.5 s"):
            fetch_cifar10(tmp_path, url=f"{base}/{ARCHIVE}", md5="0" * 32, deadline=0.5)
        assert base.sent < 10
        with pytest.raises(CifarError, match=r"stalled: no data for 0.5 s|timed out"):
            fetch_cifar10(tmp_path, url=f"{base}/{ARCHIVE}", md5="0" * 32, timeout=0.5)
    assert list(tmp_path.iterdir()) == []


def test_truncated_chunked_download_is_one_clear_error(served, tmp_path):
    _, data, md5 = served
    with serve_archive(data, chunked=True, cut_at=len(data) // 2) as base:
        with pytest.raises(CifarError, match="incomplete read"):
            fetch_cifar10(tmp_path, url=f"{base}/{ARCHIVE}", md5=md5)
    assert list(tmp_path.iterdir()) == []
    with serve_archive(data, chunked=True) as base:         # the same server, whole: accepted
        assert fetch_cifar10(tmp_path, url=f"{base}/{ARCHIVE}", md5=md5).read_bytes() == data


def test_truncated_plain_download_is_incomplete(served, tmp_path):
    _, data, md5 = served
    with serve_archive(data, cut_at=1000) as base:
        with pytest.raises(CifarError, match=f"incomplete: 1000 of {len(data)} bytes"):
            fetch_cifar10(tmp_path, url=f"{base}/{ARCHIVE}", md5=md5)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("header", ["abc", "-5"])
def test_bad_content_length_names_the_header(served, tmp_path, header):
    _, data, md5 = served
    with serve_archive(data, content_length=header) as base:
        with pytest.raises(CifarError, match="Content-Length"):
            fetch_cifar10(tmp_path, url=f"{base}/{ARCHIVE}", md5=md5)
    assert list(tmp_path.iterdir()) == []


def test_folder_that_is_a_file_and_archive_that_is_a_folder(served, tmp_path):
    base, _, md5 = served
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(CifarError, match="is a file, not a directory"):
        fetch_cifar10(blocker, url=f"{base}/{ARCHIVE}", md5=md5)
    with pytest.raises(CifarError, match="is a file, not a directory"):
        fetch_cifar10(blocker / "sub", url=f"{base}/{ARCHIVE}", md5=md5)
    (tmp_path / "d" / ARCHIVE).mkdir(parents=True)
    with pytest.raises(CifarError, match="is a directory, not the CIFAR-10 archive"):
        fetch_cifar10(tmp_path / "d", url=f"{base}/{ARCHIVE}", md5=md5)


def test_unwritable_folder_fails_before_the_network(tmp_path):
    # /proc refuses new files even for root
    with pytest.raises(CifarError, match="cannot write to '/proc'"):
        fetch_cifar10("/proc", url="http://127.0.0.1:9/never-contacted", md5="0" * 32)


def test_full_disk_keeps_the_old_archive(served, tmp_path):
    base, data, md5 = served
    old = tmp_path / ARCHIVE
    old.write_bytes(b"older copy")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))   # writes past 100 kB fail, as on a full disk
    try:
        with pytest.raises(CifarError, match=r"cannot write '.*\.part': File too large"):
            fetch_cifar10(tmp_path, url=f"{base}/{ARCHIVE}", md5=md5)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)
    assert len(data) > 100_000
    assert old.read_bytes() == b"older copy"
    assert [p.name for p in tmp_path.iterdir()] == [ARCHIVE]


def test_cli_fetch_on_a_full_disk_is_one_line_exit_2_on_its_own_line(served, tmp_path, monkeypatch, capsys):
    import functools

    import landscapes.cifar as cifar
    from app import cli

    base, data, md5 = served
    monkeypatch.setattr(cifar, "fetch_cifar10",
                        functools.partial(fetch_cifar10, url=f"{base}/{ARCHIVE}", md5=md5))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, hard))
    try:
        code = cli.main(["cifar", "fetch", "--dir", str(tmp_path)])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)
    err = capsys.readouterr().err
    assert code == 2, err
    *bar, last = err.rstrip("\n").split("\n")
    assert bar and "CIFAR-10 [" in bar[-1]                     # the progress bar was drawn...
    assert last.startswith("losslab: error: cannot write ") and "File too large" in last   # ...and ended
    assert list(tmp_path.iterdir()) == []


def _raw_server(reply: bytes, requests: int = 40):
    """A loopback server answering every request with ``reply`` (bounded: stops after ``requests``)."""
    import socket
    import threading

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(10)
    port = sock.getsockname()[1]

    def serve():
        try:
            for _ in range(requests):
                conn, _addr = sock.accept()
                with conn:
                    conn.recv(4096)
                    conn.sendall(reply.replace(b"PORT", str(port).encode()))
        except OSError:
            pass
        finally:
            sock.close()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{port}/cifar-10-python.tar.gz"


@pytest.mark.parametrize("reply", [
    b"HELLO THERE\r\n\r\n",                                                   # not HTTP at all
    b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:PORT/loop\r\nContent-Length: 0\r\n\r\n",  # a loop
])
def test_a_server_s_own_words_come_back_as_one_line(tmp_path, reply):
    url = _raw_server(reply)
    with pytest.raises(CifarError) as e:
        fetch_cifar10(tmp_path, url=url, timeout=5)
    assert "\n" not in str(e.value) and "\r" not in str(e.value) and "failed" in str(e.value)


def test_other_schemes_are_refused_before_any_connection(tmp_path, monkeypatch):
    import urllib.request

    def no_network(*_a, **_k):
        raise AssertionError("connected")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(CifarError, match="only http:// and https:// addresses are supported"):
        fetch_cifar10(tmp_path, url="ftp://127.0.0.1/cifar-10-python.tar.gz")
