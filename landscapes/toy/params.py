"""The classifier's parameters as one flat vector, and their display names.

A classifier with C classes has P = 3C parameters: W (C, 2) and b (C,). The
flat vector theta (..., P) holds W row-major, then b:

    theta = [W[0,0], W[0,1], W[1,0], W[1,1], …, W[C−1,1], b[0], …, b[C−1]]

Every gradient and Hessian over the full parameters uses this order.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from solvers.naming import did_you_mean

Floats = NDArray[np.float64]


def param_names(n_classes: int) -> tuple[str, ...]:
    """('W[0,0]', 'W[0,1]', …, 'b[0]', …) in the flat-vector order."""
    w = [f"W[{c},{d}]" for c in range(n_classes) for d in range(2)]
    return (*w, *(f"b[{c}]" for c in range(n_classes)))


def param_index(name: object, n_classes: int) -> int:
    """Position of a parameter named like 'W[1,0]' or 'b[2]' (spaces ignored) in theta."""
    names = param_names(n_classes)
    key = name.replace(" ", "") if isinstance(name, str) else None
    if key is None or key not in names:
        raise ValueError(f"unknown parameter {name!r}{did_you_mean(key or name, names)}; "
                         f"with {n_classes} classes the parameters are {', '.join(names)}")
    return names.index(key)


def pack(W: ArrayLike, b: ArrayLike) -> Floats:
    """theta (..., 3C) from W (..., C, 2) and b (..., C); leading shapes broadcast."""
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if W.ndim < 2 or W.shape[-1] != 2 or b.ndim < 1 or b.shape[-1] != W.shape[-2]:
        raise ValueError(f"W must have shape (..., C, 2) and b (..., C), got {W.shape} and {b.shape}")
    lead = np.broadcast_shapes(W.shape[:-2], b.shape[:-1])
    flat_w = np.broadcast_to(W, lead + W.shape[-2:]).reshape(lead + (2 * W.shape[-2],))
    return np.concatenate([flat_w, np.broadcast_to(b, lead + b.shape[-1:])], axis=-1)


def unpack(theta: ArrayLike, n_classes: int) -> tuple[Floats, Floats]:
    """(W (..., C, 2), b (..., C)) from theta (..., 3C)."""
    t = np.asarray(theta, dtype=np.float64)
    c = n_classes
    if t.ndim == 0 or t.shape[-1] != 3 * c:
        raise ValueError(f"parameter vectors for {c} classes must have shape (..., {3 * c}), got {t.shape}")
    return t[..., : 2 * c].reshape(t.shape[:-1] + (c, 2)), t[..., 2 * c:]
