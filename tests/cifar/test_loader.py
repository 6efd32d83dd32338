"""Loading CIFAR-10: real data figures (published), tar.gz, and hostile or broken files."""
from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from landscapes.cifar import CifarError, load_cifar10

from .conftest import FOLDER, NAMES, batch_bytes, make_fake_archive, make_fake_folder


def test_real_shapes_labels_and_published_means(cifar_full):
    x_train, y_train, x_test, y_test = cifar_full
    assert x_train.shape == (50000, 3072) and x_train.dtype == np.uint8
    assert x_test.shape == (10000, 3072) and x_test.dtype == np.uint8
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert y_train[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    assert y_test[:10].tolist() == [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]
    means = x_train.reshape(-1, 3, 1024).mean(axis=(0, 2))     # R, G, B planes
    np.testing.assert_allclose(means, [125.307, 122.950, 113.865], atol=5e-4)
    assert np.bincount(y_train).tolist() == [5000] * 10


def test_parent_folder_and_limit(cifar_root):
    x, y, xt, yt = load_cifar10(cifar_root.parent, limit=12000)
    assert x.shape == (12000, 3072) and xt.shape == (10000, 3072)
    assert y[:3].tolist() == [6, 9, 9]


def test_archive_matches_folder(tmp_path):
    folder = make_fake_folder(tmp_path / "f")
    archive = make_fake_archive(tmp_path / "cifar-10-python.tar.gz")
    a, b = load_cifar10(folder), load_cifar10(archive)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert a[0].shape == (35, 3072) and a[2].shape == (7, 3072)
    assert not (tmp_path / FOLDER).exists()        # nothing extracted next to the archive


def test_archive_with_path_traversal_member_is_refused(tmp_path):
    archive = make_fake_archive(tmp_path / "evil.tar.gz", extra={"../escape.txt": b"x"})
    with pytest.raises(CifarError, match="unsafe archive member '../escape.txt'"):
        load_cifar10(archive)
    assert not (tmp_path.parent / "escape.txt").exists()


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def test_malicious_pickle_is_refused_and_never_runs(tmp_path):
    folder = make_fake_folder(tmp_path)
    marker = tmp_path / "pwned"
    (folder / "data_batch_2").write_bytes(pickle.dumps({b"data": _Evil(marker), b"labels": []}, protocol=4))
    with pytest.raises(CifarError, match=r"data_batch_2: refused to unpickle global \w+\.system"):
        load_cifar10(folder)
    assert not marker.exists()
    # the same file really would run code through plain pickle (so the test can fail)
    pickle.loads((folder / "data_batch_2").read_bytes())
    assert marker.exists()


def test_missing_batch(tmp_path):
    folder = make_fake_folder(tmp_path)
    (folder / "data_batch_3").unlink()
    with pytest.raises(CifarError, match="data_batch_3: missing CIFAR-10 batch file"):
        load_cifar10(folder)


def test_missing_folder(tmp_path):
    with pytest.raises(CifarError, match="no CIFAR-10 here"):
        load_cifar10(tmp_path / "nowhere")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_truncated_or_corrupt_batch(tmp_path, damage):
    folder = make_fake_folder(tmp_path)
    good = (folder / "test_batch").read_bytes()
    bad = {"truncate": good[: len(good) // 2], "garbage": b"\x00not a pickle at all", "empty": b""}[damage]
    (folder / "test_batch").write_bytes(bad)
    with pytest.raises(CifarError, match="test_batch: not a readable CIFAR-10 pickle"):
        load_cifar10(folder)


@pytest.mark.parametrize("batch, message", [
    ({b"data": np.zeros((3, 100), np.uint8), b"labels": [0, 1, 2]}, r"uint8 of shape \(n, 3072\)"),
    ({b"data": np.zeros((3, 3072), np.float32), b"labels": [0, 1, 2]}, "uint8 of shape"),
    ({b"data": np.zeros((3, 3072), np.uint8), b"labels": [0, 1, 10]}, r"labels must be in 0..9"),
    ({b"data": np.zeros((3, 3072), np.uint8), b"labels": [0, 1]}, "2 labels for 3 images"),
    ({b"labels": [0]}, "no b'data' entry"),
    ([1, 2, 3], "expected a dict batch"),
])
def test_malformed_batches(tmp_path, batch, message):
    folder = make_fake_folder(tmp_path)
    (folder / "data_batch_1").write_bytes(pickle.dumps(batch, protocol=4))
    with pytest.raises(CifarError, match=message):
        load_cifar10(folder)


def test_error_is_a_value_error(tmp_path):
    assert issubclass(CifarError, ValueError)
    assert len(NAMES) == 6 and batch_bytes(1, 0)


# ------------------------------------------------------------ what a file may ask for
class _ZeroStrides:
    """Pickles as numpy.ndarray(shape, dtype, 1-byte buffer, 0, strides=(0, 0)): a huge view of one byte."""

    def __init__(self, rows):
        self.rows = rows

    def __reduce__(self):
        return (np.ndarray, ((self.rows, 3072), np.dtype(np.uint8), b"x", 0, (0, 0)))


def test_zero_stride_array_is_refused_before_any_allocation(tmp_path):
    folder = make_fake_folder(tmp_path)
    evil = pickle.dumps({b"data": _ZeroStrides(1_000_000), b"labels": [0] * 1_000_000}, protocol=2)
    small = pickle.dumps({b"data": _ZeroStrides(1_000_000), b"labels": []}, protocol=2)
    (folder / "data_batch_1").write_bytes(small)
    # the file is tiny, yet plain pickle makes it a 3 GB (virtual) array the old loader copied out
    assert len(small) < 4000
    a = pickle.loads(small)[b"data"]
    assert a.shape == (1_000_000, 3072) and a.strides == (0, 0)
    with pytest.raises(CifarError, match="data_batch_1: refused to call numpy.ndarray directly"):
        load_cifar10(folder)
    (folder / "data_batch_1").write_bytes(evil)
    with pytest.raises(CifarError, match="data_batch_1"):
        load_cifar10(folder)


def test_nested_billion_laughs_labels_are_refused_at_the_first_element(tmp_path):
    folder = make_fake_folder(tmp_path)
    labels = [0] * 10
    for _ in range(9):                  # 10**10 integers once expanded; shared lists keep the pickle tiny
        labels = [labels] * 10
    data = pickle.dumps({b"data": np.zeros((10, 3072), np.uint8), b"labels": labels}, protocol=4)
    assert len(data) < 40_000
    (folder / "data_batch_1").write_bytes(data)
    with pytest.raises(CifarError, match=r"data_batch_1: b'labels'\[0\] is list, not an integer"):
        load_cifar10(folder)


def _sparse_tar(path, member, size):
    """An uncompressed tar whose first member declares ``size`` bytes (stored sparse: no disk used)."""
    import tarfile

    info = tarfile.TarInfo(member)
    info.size = size
    header = info.tobuf(tarfile.GNU_FORMAT)
    with open(path, "wb") as f:
        f.write(header)
        f.seek(len(header) + -(-size // 512) * 512)
        f.write(b"\0" * 1024)
    return path


def test_huge_archive_member_is_refused_from_its_header(tmp_path):
    archive = _sparse_tar(tmp_path / "cifar-10-python.tar.gz", f"{FOLDER}/data_batch_1", 3_000_000_000)
    with pytest.raises(CifarError, match=r"refused archive member .*data_batch_1' of 3.0 GB"):
        load_cifar10(archive)


def test_huge_batch_file_is_refused_before_reading(tmp_path):
    folder = make_fake_folder(tmp_path)
    with open(folder / "data_batch_1", "r+b") as f:
        f.truncate(200_000_000)                     # sparse: 200 MB declared, nothing on disk
    with pytest.raises(CifarError, match=r"data_batch_1: 200.0 MB is larger than any CIFAR-10 batch"):
        load_cifar10(folder)


def test_fifo_batch_is_refused_without_blocking(tmp_path):
    folder = make_fake_folder(tmp_path)
    (folder / "data_batch_1").unlink()
    os.mkfifo(folder / "data_batch_1")
    with pytest.raises(CifarError, match="data_batch_1: not a regular file"):
        load_cifar10(folder)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_batches_re_pickled_by_this_python_load_at_every_protocol(tmp_path, protocol):
    # protocol 2 stores bytes through _codecs.encode, protocol 5 arrays through numpy's _frombuffer
    folder = make_fake_folder(tmp_path)
    expected = load_cifar10(folder)
    for name in NAMES:
        path = folder / name
        batch = pickle.loads(path.read_bytes())
        with open(path, "wb") as f:
            pickle.dump(batch, f, protocol=protocol)
    for got, want in zip(load_cifar10(folder), expected, strict=True):
        np.testing.assert_array_equal(got, want)
    marker = tmp_path / "pwned"
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": _Evil(marker)}, protocol=protocol))
    with pytest.raises(CifarError, match=r"refused to unpickle global \w+\.system"):
        load_cifar10(folder)
    assert not marker.exists()


@pytest.mark.parametrize("batch, message", [
    ({b"data": np.zeros((3, 3072), object), b"labels": [0, 1, 2]}, r"refused dtype 'O8' \(not a plain numeric dtype\)"),
    ({b"data": np.zeros((10_001, 3072), np.uint8), b"labels": [0] * 10_001}, "a batch has 1..10000"),
    ({b"data": np.zeros((3, 3072), np.uint8), b"labels": [0, True, 2]}, r"b'labels'\[1\] is bool"),
    ({b"data": np.zeros((3, 3072), np.uint8), b"labels": np.array([0, 1, 12])}, "labels must be in 0..9"),
])
def test_more_malformed_batches(tmp_path, batch, message):
    folder = make_fake_folder(tmp_path)
    (folder / "data_batch_1").write_bytes(pickle.dumps(batch, protocol=5))
    with pytest.raises(CifarError, match=message):
        load_cifar10(folder)


def test_root_must_be_a_path_and_archive_must_be_a_file(tmp_path):
    with pytest.raises(CifarError, match="root must be a folder or archive path, got int 5"):
        load_cifar10(5)
    (tmp_path / "cifar-10-python.tar.gz").mkdir()
    with pytest.raises(CifarError, match="is a directory, not the CIFAR-10 archive"):
        load_cifar10(tmp_path)
    with pytest.raises(ValueError, match="limit must be a whole number >= 1, got 'abc'"):
        load_cifar10(tmp_path, limit="abc")


def test_dict_key_nested_a_million_tuples_deep_is_refused_without_crashing(tmp_path):
    # 1 MB of TUPLE1 opcodes: hashing that key overflows the C stack of plain pickle (a segfault),
    # so the check runs in a child process and reports instead of taking pytest down
    import subprocess
    import sys

    folder = make_fake_folder(tmp_path)
    (folder / "data_batch_1").write_bytes(b"\x80\x02}(" + b")" + b"\x85" * 1_000_000 + b"K\x01u.")
    code = ("import sys; from landscapes.cifar import CifarError, load_cifar10\n"
            "try:\n    load_cifar10(sys.argv[1])\nexcept CifarError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert "data_batch_1: refused: more than 10100 tuples" in out.stdout


def test_memo_index_far_past_the_file_is_refused(tmp_path):
    # LONG_BINPUT 2**30 - 1 in an 8-byte pickle: plain pickle grows its memo to 16 GB for it
    folder = make_fake_folder(tmp_path)
    (folder / "data_batch_1").write_bytes(b"\x80\x02)r\xff\xff\xff\x3f.")
    with pytest.raises(CifarError, match="data_batch_1: refused: memo index 1073741823"):
        load_cifar10(folder)


def test_pax_header_declaring_3_gb_is_refused_before_tarfile_reads_it(tmp_path):
    # tarfile reads a PAX header whole before the member it describes: the archive's
    # unpacked stream is capped, so the 3 GB request is refused instead of allocated
    import tarfile

    info = tarfile.TarInfo("././@PaxHeader")
    info.type = tarfile.XHDTYPE
    info.size = 3_000_000_000
    header = info.tobuf(tarfile.USTAR_FORMAT)
    archive = tmp_path / "cifar-10-python.tar.gz"
    with open(archive, "wb") as f:          # sparse: nothing of the 3 GB is on disk
        f.write(header)
        f.seek(len(header) + -(-info.size // 512) * 512)
        f.write(b"\0" * 1024)
    with pytest.raises(CifarError, match="more than 400 MB once unpacked"):
        load_cifar10(archive)


@pytest.mark.parametrize("mode", ["w:gz", "w:bz2", "w:xz", "w:"])
def test_archive_in_every_compression_loads(tmp_path, mode):
    import io
    import tarfile

    folder = make_fake_folder(tmp_path / "f")
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, mode) as tar:
        for name in NAMES:
            data = (folder / name).read_bytes()
            info = tarfile.TarInfo(f"{FOLDER}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    for got, want in zip(load_cifar10(archive), load_cifar10(folder), strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_real_batch_re_pickled_at_protocol_2_loads(cifar_root):
    # protocol 2 writes each of the 10,000 filenames through _codecs.encode: 10,013 tuples
    import pickle

    from landscapes.cifar.loader import parse_batch

    with open(cifar_root / "data_batch_1", "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    x, y = parse_batch(pickle.dumps(batch, protocol=2), "data_batch_1")[:2]
    np.testing.assert_array_equal(x, batch[b"data"])
    assert list(y[:10]) == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]     # the official first labels
