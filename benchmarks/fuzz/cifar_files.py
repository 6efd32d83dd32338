"""Crafted CIFAR-10 batch folders and archives, through landscapes.cifar.load_cifar10.

Each case says what must happen: "load" (a real file written another way must be
accepted), "refuse" (a CifarError), or "either". A case that runs code from a
pickle, writes outside its folder, or ends otherwise is not handled.
"""
from __future__ import annotations

import bz2
import gzip
import io
import os
import pickle
import struct
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

from .common import Tally, run_bounded

FOLDER = "cifar-10-batches-py"
NAMES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
PWNED = "pwned-marker"


def batch(n: int = 7, seed: int = 0) -> dict[bytes, Any]:
    rng = np.random.default_rng(seed)
    return {b"batch_label": b"fake", b"labels": [int(v) for v in rng.integers(0, 10, n)],
            b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
            b"filenames": [b"img_%d.png" % i for i in range(n)]}


def batch_bytes(n: int = 7, seed: int = 0, protocol: int = 4) -> bytes:
    return pickle.dumps(batch(n, seed), protocol=protocol)


class Reduce:
    """Pickles as func(*args): how a hostile file asks the unpickler to call something."""

    def __init__(self, func: Any, *args: Any) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return self.func, self.args


def _laughs(levels: int) -> list[Any]:
    a: list[Any] = [0, 1]
    for _ in range(levels):
        a = [a] * 10      # the pickle memo writes each level once: 10**levels leaves in a few KB
    return a


def batch_files(folder: Path, real: Path | None) -> list[tuple[str, str, bytes | None]]:
    """(name, expectation, bytes of data_batch_1 or None for a special file made by the caller)."""
    marker = folder / PWNED
    d = batch()
    cases: list[tuple[str, str, bytes | None]] = []

    def put(name: str, expect: str, data: bytes | None) -> None:
        cases.append((name, expect, data))

    def dict_with(**changes: Any) -> bytes:
        b = dict(d)
        for k, v in changes.items():
            b[k.encode()] = v
        return pickle.dumps(b, protocol=4)

    put("fake batch (control)", "load", pickle.dumps(d, protocol=4))
    for p in (2, 3, 4, 5):
        put(f"fake batch, protocol {p}", "load", pickle.dumps(d, protocol=p))
    if real is not None:
        with open(real, "rb") as fh:
            official = pickle.load(fh, encoding="bytes")
        for p in (2, 3, 4, 5):
            put(f"real batch re-pickled, protocol {p}", "load", pickle.dumps(official, protocol=p))
        put("real batch, original file", "load", real.read_bytes())
    zero = Reduce(np.ndarray, (10_000, 3072), np.dtype(np.uint8), b"x", 0, (0, 0))
    put("zero strides 10,000 rows", "refuse", dict_with(data=zero))
    put("zero strides 1e9 rows", "refuse", dict_with(data=Reduce(np.ndarray, (10**9, 3072), np.dtype(np.uint8),
                                                                 b"x", 0, (0, 0))))
    put("billion laughs labels", "refuse", dict_with(labels=_laughs(9)))
    put("billion laughs data", "refuse", dict_with(data=_laughs(9)))
    put("os.system", "refuse", dict_with(data=Reduce(os.system, f"touch {marker}")))
    put("eval", "refuse", dict_with(data=Reduce(eval, f"open({str(marker)!r}, 'w')")))
    put("subprocess.Popen", "refuse", pickle.dumps(Reduce(__import__("subprocess").Popen, ["touch", str(marker)])))
    put("builtins.getattr", "refuse", dict_with(data=Reduce(getattr, Reduce(__import__, "os"), "system")))
    put("protocol 0 GLOBAL posix system", "refuse",
        b"cposix\nsystem\n(V" + f"touch {marker}".encode() + b"\ntR.")
    put("np.frombuffer huge count", "refuse", dict_with(data=Reduce(np.frombuffer, b"x" * 10, np.uint8, 10**9)))
    put("object dtype array", "refuse", dict_with(data=np.array([[None] * 3072] * 2, dtype=object)))
    put("memo index 2**31", "refuse", b"\x80\x04N" + b"r" + struct.pack("<I", 2**31 - 1) + b".")
    put("tuples 1e6 deep as key", "refuse", b"\x80\x04}" + b")" + b"\x85" * 1_000_000 + b"K\x01s.")
    put("BINBYTES8 claims 2**60 bytes", "refuse", b"\x80\x04\x8e" + struct.pack("<Q", 2**60) + b"abc.")
    put("BINUNICODE8 claims 2**62 bytes", "refuse", b"\x80\x04\x8d" + struct.pack("<Q", 2**62) + b"abc.")
    good = pickle.dumps(d, protocol=4)
    for frac in (0.01, 0.5, 0.99):
        put(f"truncated at {frac:.0%}", "refuse", good[:int(len(good) * frac)])
    put("empty", "refuse", b"")
    put("garbage", "refuse", os.urandom(5000))
    put("gzip of a batch", "refuse", gzip.compress(good))
    put("data (n, 100)", "refuse", dict_with(data=np.zeros((3, 100), np.uint8), labels=[0, 1, 2]))
    put("data 1-d", "refuse", dict_with(data=np.zeros(3072, np.uint8), labels=[0]))
    put("data 3-d", "refuse", dict_with(data=np.zeros((1, 3, 3072), np.uint8), labels=[0]))
    put("data 0 rows", "refuse", dict_with(data=np.zeros((0, 3072), np.uint8), labels=[]))
    put("data 10,001 rows", "refuse", dict_with(data=np.zeros((10_001, 3072), np.uint8), labels=[0] * 10_001))
    for dt in (np.float32, np.int64, np.bool_, ">u2"):
        put(f"data dtype {np.dtype(dt)}", "refuse", dict_with(data=np.zeros((7, 3072), dt)))
    put("data Fortran order", "load", dict_with(data=np.asfortranarray(d[b"data"])))
    put("data non-contiguous slice", "either", dict_with(data=np.zeros((7, 6144), np.uint8)[:, ::2]))
    for name, labels in [("labels 10", [10] * 7), ("labels -1", [-1] * 7), ("labels floats", [0.5] * 7),
                         ("labels strings", ["a"] * 7), ("labels 6 for 7", [0] * 6), ("labels bools", [True] * 7),
                         ("labels 400 digits", [int("9" * 400)] * 7), ("labels nested", [[0]] * 7),
                         ("labels float array", np.zeros(7, np.float64)), ("labels int8 array", np.zeros(7, np.int8)),
                         ("labels a dict", {0: 1}), ("labels None", None)]:
        put(name, "load" if name == "labels int8 array" else "refuse", dict_with(labels=labels))
    for name, obj in [("a list", [1, 2, 3]), ("None", None), ("an int", 10**400), ("a str", "data"),
                      ("str keys", {"data": d[b"data"], "labels": d[b"labels"]}), ("no data", {b"labels": [0]})]:
        put(f"batch is {name}", "refuse", pickle.dumps(obj, protocol=4))
    for special in ("a directory", "a FIFO", "a symlink to /dev/zero", "a symlink loop", "a sparse 90 MB file"):
        put(f"data_batch_1 is {special}", "refuse", None)
    return cases


def _make_special(path: Path, special: str) -> None:
    if special == "a directory":
        path.mkdir()
    elif special == "a FIFO":
        os.mkfifo(path)
    elif special == "a symlink to /dev/zero":
        path.symlink_to("/dev/zero")
    elif special == "a symlink loop":
        path.symlink_to(path.with_name("loop2"))
        path.with_name("loop2").symlink_to(path)
    elif special == "a sparse 90 MB file":
        with open(path, "wb") as fh:
            fh.truncate(90 * 2**20)


def make_folders(root: Path, real: Path | None) -> list[tuple[str, tuple[str, str]]]:
    items = []
    for i, (name, expect, data) in enumerate(batch_files(root, real)):
        folder = root / f"b{i:02d}" / FOLDER
        folder.mkdir(parents=True)
        for j, n in enumerate(NAMES[1:], start=1):
            (folder / n).write_bytes(batch_bytes(7, j))
        target = folder / NAMES[0]
        if data is None:
            _make_special(target, name.split(" is ", 1)[1])
        else:
            target.write_bytes(data)
        items.append((name, (expect, str(folder))))
    return items


def try_load(item: tuple[str, str]) -> tuple[bool, str, str]:
    from landscapes.cifar import CifarError, load_cifar10

    expect, root = item
    marker = Path(root).parents[1] / PWNED
    try:
        x, y, xt, yt = load_cifar10(root)
    except CifarError as e:
        ran = marker.exists()
        ok = expect != "load" and not ran and "\n" not in str(e)
        kind = "CODE RAN" if ran else ("CifarError" if expect != "load" else "refused a good file")
        return ok, kind if "\n" not in str(e) else f"multi-line {kind}", str(e)
    if expect == "refuse":
        return False, "accepted", f"loaded {x.shape} {y[:3]}"
    return True, "ok", f"{x.shape[0]} train, {xt.shape[0]} test"


def run_batches(root: Path, real: Path | None, bound: float = 30.0) -> Tally:
    tally = Tally("CIFAR batch folders")
    run_bounded(tally, try_load, make_folders(root, real), bound=bound)
    if real is None:
        tally.note("no real batch ($LOSSLAB_TEST_CIFAR unset): re-pickles of the official file skipped")
    ran = [n for n, o in tally.outcomes if o.kind == "CODE RAN"]
    tally.note(f"code ran from a pickle: {len(ran)} ({', '.join(ran) or 'none'})")
    return tally


# --------------------------------------------------------------------- archives
def _tar(path: Path, mode: str, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, mode) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _good_members() -> list[tuple[tarfile.TarInfo, bytes | None]]:
    return [_file(f"{FOLDER}/{n}", batch_bytes(7, i)) for i, n in enumerate(NAMES)]


def _zeros_member(name: str, size: int) -> bytes:
    """A gzip'd tar holding one member of ``size`` zero bytes, streamed (never held in memory)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=1) as gz:
        info = tarfile.TarInfo(name)
        info.size = size
        gz.write(info.tobuf())
        block = bytes(1 << 20)
        left = size
        while left:
            n = min(left, len(block))
            gz.write(block[:n])
            left -= n
        gz.write(bytes(-size % 512) + bytes(1024))
    return buf.getvalue()


def make_archives(root: Path) -> list[tuple[str, tuple[str, str]]]:
    items: list[tuple[str, tuple[str, str]]] = []

    def add(name: str, expect: str, path: Path) -> None:
        items.append((name, (expect, str(path))))

    def p(i: int, suffix: str = ".tar.gz") -> Path:
        d = root / f"a{i:02d}"
        d.mkdir(exist_ok=True)
        return d / f"cifar-10-python{suffix}"

    add("good tar.gz (control)", "load", _tar(p(0), "w:gz", _good_members()))
    add("good tar.bz2", "load", _tar(p(1, ".tar.bz2"), "w:bz2", _good_members()))
    add("good tar.xz", "load", _tar(p(2, ".tar.xz"), "w:xz", _good_members()))
    add("good plain tar", "load", _tar(p(3, ".tar"), "w", _good_members()))
    add("path traversal ../escape", "refuse", _tar(p(4), "w:gz", _good_members() + [_file("../escape.txt", b"x")]))
    add("absolute member /losslab-fuzz-abs", "refuse", _tar(p(5), "w:gz", [_file("/losslab-fuzz-abs", b"x")]
                                                   + _good_members()))
    link = tarfile.TarInfo(f"{FOLDER}/data_batch_1")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    add("symlink member to /etc/passwd", "refuse", _tar(p(6), "w:gz", [(link, None)] + _good_members()[1:]))
    hard = tarfile.TarInfo(f"{FOLDER}/data_batch_1")
    hard.type, hard.linkname = tarfile.LNKTYPE, "../../etc/shadow"
    add("hardlink member", "refuse", _tar(p(7), "w:gz", [(hard, None)] + _good_members()[1:]))
    dev = tarfile.TarInfo(f"{FOLDER}/data_batch_1")
    dev.type, dev.devmajor, dev.devminor = tarfile.CHRTYPE, 1, 5
    add("char device member", "refuse", _tar(p(8), "w:gz", [(dev, None)] + _good_members()[1:]))
    dirm = tarfile.TarInfo(f"{FOLDER}/data_batch_1")
    dirm.type = tarfile.DIRTYPE
    add("directory member as batch", "refuse", _tar(p(9), "w:gz", [(dirm, None)] + _good_members()[1:]))
    p(10).write_bytes(_zeros_member(f"{FOLDER}/readme", 90 * 2**20))
    add("90 MB member of zeros", "refuse", p(10).parent / "cifar-10-python.tar.gz")
    forged = tarfile.TarInfo(f"{FOLDER}/data_batch_1")
    forged.size = 3 * 10**9
    p(11).write_bytes(gzip.compress(forged.tobuf() + b"x" * 4096))
    add("header claims 3 GB", "refuse", p(11).parent / "cifar-10-python.tar.gz")
    add("150 members", "refuse", _tar(p(12), "w:gz", [_file(f"m{i}", b"") for i in range(150)]))
    good = (root / "a00" / "cifar-10-python.tar.gz").read_bytes()
    p(13).write_bytes(good[: len(good) // 2])
    add("truncated gzip", "refuse", p(13).parent / "cifar-10-python.tar.gz")
    p(14).write_bytes(os.urandom(4096))
    add("garbage named .tar.gz", "refuse", p(14).parent / "cifar-10-python.tar.gz")
    p(15).write_bytes(b"")
    add("empty file", "refuse", p(15).parent / "cifar-10-python.tar.gz")
    p(16).mkdir()
    add("a directory as archive path", "refuse", p(16).parent / "cifar-10-python.tar.gz")
    add("a directory as archive path (its parent)", "refuse", p(16).parent)
    os.mkfifo(p(17))
    add("a FIFO as archive path", "refuse", p(17).parent / "cifar-10-python.tar.gz")
    loop = p(18)
    loop.symlink_to(loop.with_name("b.tar.gz"))
    loop.with_name("b.tar.gz").symlink_to(loop)
    add("a symlink loop as archive path", "refuse", loop)
    p(19).write_bytes(gzip.compress(batch_bytes()))
    add("gzip of a pickle, not a tar", "refuse", p(19).parent / "cifar-10-python.tar.gz")
    evil = pickle.dumps({b"data": Reduce(os.system, f"touch {root / PWNED}"), b"labels": []}, protocol=2)
    add("os.system batch inside", "refuse", _tar(p(20), "w:gz", [_file(f"{FOLDER}/data_batch_1", evil)]
                                                 + _good_members()[1:]))
    p(21).write_bytes(bz2.compress(b"BZh9 not really"))
    add("bz2 garbage", "refuse", p(21).parent / "cifar-10-python.tar.gz")
    return items


def try_archive(item: tuple[str, str]) -> tuple[bool, str, str]:
    from landscapes.cifar import CifarError, load_cifar10

    expect, path = item
    try:
        x, _, _, _ = load_cifar10(path)
    except CifarError as e:
        ok = expect != "load" and "\n" not in str(e)
        kind = "CifarError" if expect != "load" else "refused a good file"
        return ok, kind if "\n" not in str(e) else f"multi-line {kind}", str(e)
    return expect != "refuse", "ok" if expect != "refuse" else "accepted", f"{x.shape[0]} train"


def run_archives(root: Path, bound: float = 60.0) -> Tally:
    tally = Tally("crafted archives")
    items = make_archives(root)

    run_bounded(tally, try_archive, items, bound=bound)
    escaped = [p for p in (root / "escape.txt", Path("/losslab-fuzz-abs"), root / PWNED) if p.exists()]
    tally.note(f"files written outside the archive or by code: {[str(p) for p in escaped] or 'none'}")
    return tally
