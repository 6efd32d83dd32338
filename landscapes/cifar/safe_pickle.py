"""Unpickle a CIFAR-10 batch allowing only what numpy arrays need, each call checked.

A plain ``pickle.load`` calls any global the file names (``os.system``...).
Here ``find_class`` resolves only the few globals numpy writes for arrays,
and each is a checked wrapper, never the raw callable:

- ``_reconstruct(ndarray, (0,), b'b')`` + BUILD (protocols 2-4): only that
  exact placeholder call; numpy's own __setstate__ then requires the data
  bytes to be in the file, so an array is never larger than the file.
- ``numpy.ndarray`` is a name token for _reconstruct; calling it is refused:
  ``ndarray(shape, dtype, buffer, strides=(0, 0))`` would make a 3 KB file
  declare a 3 GB zero-stride view that the loader then copied out.
- ``dtype(spec, align, copy)``: plain numeric dtypes only, always a copy (a
  BUILD on numpy's shared dtype singleton would change it for everyone).
- ``scalar(dtype, bytes)``, ``_frombuffer(buf, dtype, shape, order)``
  (protocol 5) and ``_codecs.encode(text, 'latin1')`` (how protocol 2 stores
  bytes when written by Python 3): argument types and sizes checked.

Everything else a pickle builds from plain opcodes (dicts, lists, ints,
bytes) is bounded by the file's size, which the caller caps, except two
things a scan of the opcodes refuses before unpickling: a memo index far
beyond the opcode count (the C unpickler grows its memo table to the index:
8 bytes could ask for 16 GB) and more tuples than a batch needs (a dict key
nested a million tuples deep crashes the interpreter when it is hashed).
"""
from __future__ import annotations

import codecs
import io
import pickle
import pickletools
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy._core import multiarray as _multiarray

from .errors import CifarError

# the dtypes a CIFAR-10 batch may hold (pixels uint8, labels ints); no objects, records or subarrays
_DTYPES = frozenset(np.dtype(c).str[1:] for c in "bBhHiIlLqQ?fd")
# a text-encoded bytes object no larger than a batch file may be
MAX_TEXT = 128 * 1024 * 1024
# a real batch pickles a few dozen tuples (array shapes and constructor arguments), plus one per
# image when re-pickled at protocol 2 (each filename's bytes go through _codecs.encode(text, enc)):
# 10,013 for a batch of 10,000. The cap also bounds how deep a tuple bomb can nest.
MAX_TUPLES = 10_100
_TUPLE_OPS = frozenset({"TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "FROZENSET"})
_PUT_OPS = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})


class _NdarrayToken:
    """Stands for numpy.ndarray inside a pickle: passed to _reconstruct; calling it is refused."""

    def __call__(self, *args: object, **kwargs: object) -> None:
        raise CifarError("refused to call numpy.ndarray directly (it could declare a view far "
                         "larger than the file, e.g. with zero strides)")

    def __repr__(self) -> str:
        return "numpy.ndarray (name only)"


_NDARRAY = _NdarrayToken()


def _plain_dtype(spec: object) -> np.dtype[Any]:
    if isinstance(spec, np.dtype):
        spec = spec.str[1:]
    elif isinstance(spec, bytes) and len(spec) <= 8:  # Python 2 pickles (the official files) name it b'u1'
        spec = spec.decode("ascii", "replace")
    if not isinstance(spec, str) or spec.lstrip("<>|=") not in _DTYPES:
        raise CifarError(f"refused dtype {spec!r} (not a plain numeric dtype)")
    return np.dtype(spec)


def _dtype(spec: object, align: object = False, copy: object = True) -> np.dtype[Any]:
    del align, copy  # always a fresh copy: BUILD then changes only this one
    return np.dtype(_plain_dtype(spec), copy=True)


def _reconstruct(cls: object, shape: object, typecode: object) -> np.ndarray[Any, Any]:
    if cls is not _NDARRAY or shape != (0,) or typecode not in (b"b", "b"):
        raise CifarError(f"refused unexpected array constructor _reconstruct({cls!r}, {shape!r}, {typecode!r})")
    placeholder: np.ndarray[Any, Any] = np.ndarray((0,), dtype=np.int8)  # what _reconstruct(ndarray, (0,), b"b") makes
    return placeholder


def _scalar(dtype: object, data: object = b"") -> object:
    dt = _plain_dtype(dtype)
    if not isinstance(data, bytes) or len(data) != dt.itemsize:
        raise CifarError(f"refused numpy scalar of {dt} with {type(data).__name__} data")
    return _multiarray.scalar(dt, data)


def _frombuffer(buf: object, dtype: object, shape: object, order: object,
                axis_order: object = None) -> np.ndarray[Any, Any]:
    dt = _plain_dtype(dtype)
    if not isinstance(buf, (bytes, bytearray, pickle.PickleBuffer)):
        raise CifarError(f"refused array buffer of type {type(buf).__name__}")
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise CifarError(f"refused array shape {shape!r}")
    if order not in ("C", "F") or axis_order is not None:
        raise CifarError(f"refused array order {order!r}")
    data = buf.raw() if isinstance(buf, pickle.PickleBuffer) else buf
    return np.frombuffer(data, dtype=dt).reshape(shape, order=order)


def _encode(text: object, encoding: object = "utf-8") -> bytes:
    if not isinstance(text, str) or encoding != "latin1" or len(text) > MAX_TEXT:
        raise CifarError("refused unexpected _codecs.encode call (only text to latin1 bytes)")
    return codecs.encode(text, "latin1")


_GLOBALS: dict[tuple[str, str], Callable[..., object] | _NdarrayToken] = {
    ("_codecs", "encode"): _encode,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _dtype,
}
# numpy.core.* became numpy._core.* in NumPy 2; files carry either name
for _core in ("numpy.core", "numpy._core"):
    _GLOBALS[(f"{_core}.multiarray", "_reconstruct")] = _reconstruct
    _GLOBALS[(f"{_core}.multiarray", "scalar")] = _scalar
    _GLOBALS[(f"{_core}.numeric", "_frombuffer")] = _frombuffer


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """An Unpickler that resolves only the checked numpy globals above."""

    def __init__(self, file: io.BytesIO, source: str) -> None:
        super().__init__(file, encoding="bytes")
        self._source = source

    def find_class(self, module: str, name: str) -> Any:
        try:
            return _GLOBALS[(module, name)]
        except KeyError:
            raise CifarError(
                f"{self._source}: refused to unpickle global {module}.{name} "
                "(only numpy arrays are allowed in CIFAR-10 batches)") from None


def _scan_opcodes(data: bytes) -> None:
    """Refuse memo indices beyond the opcode count and more tuples than a batch has."""
    tuples = ops = 0
    for op, arg, _ in pickletools.genops(data):
        ops += 1
        if op.name in _TUPLE_OPS:
            tuples += 1
            if tuples > MAX_TUPLES:
                raise CifarError(f"refused: more than {MAX_TUPLES} tuples (a CIFAR-10 batch has at most one per image)")
        elif op.name in _PUT_OPS and isinstance(arg, int) and arg > ops:
            raise CifarError(f"refused: memo index {arg} far beyond the {ops} opcodes read")


def safe_unpickle(data: bytes, source: str) -> Any:
    """Unpickle ``data`` allowing only numpy arrays, dicts, lists and scalars."""
    try:
        _scan_opcodes(data)
        return _ArrayOnlyUnpickler(io.BytesIO(data), source).load()
    except CifarError as e:
        text = str(e)
        raise CifarError(text if text.startswith(source) else f"{source}: {text}") from None
    except Exception as e:  # truncated or corrupt streams raise many types
        raise CifarError(f"{source}: not a readable CIFAR-10 pickle ({type(e).__name__}: {e})") from None
