"""A linear classifier on raw CIFAR-10 pixels (CS231n assignment 1 style).

Features: X = [x − mean, 1] (mean image subtracted, then the bias trick), so
W has shape (3073, 10) with the bias row last and scores S = X W.

Losses, data term averaged over the N examples (Stanford CS231n notes,
"Linear classification"):

    softmax   Lᵢ = −s_{i,yᵢ} + log Σ_c exp s_{ic}
              ∂L/∂S = (P − onehot(y)) / N,  P = softmax(S)
    svm       Lᵢ = Σ_{c≠yᵢ} max(0, s_{ic} − s_{i,yᵢ} + 1)      (margin Δ = 1)
              ∂L/∂S_{ic} = [margin > 0] / N, ∂L/∂S_{i,yᵢ} = −#(margins > 0) / N

Regularization covers all of W, bias row included (as CS231n does):
    l2: strength · Σ W²   (gradient 2·strength·W)
    l1: strength · Σ |W|  (subgradient strength·sign W)

The training mean is not stored in W: ``image_mean(x_train)`` recomputes it
(deterministically) and ``preprocess(x, mean)`` applies it; the slice and the
builder carry it explicitly.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

Array = np.ndarray[Any, np.dtype[np.float64]]

from .errors import check_cancel

NUM_CLASSES = 10
LOSSES = ("softmax", "svm")
REGS = ("l2", "l1")
_CHUNK = 4096  # rows converted to float64 at a time (≈ 100 MB)


def check_choice(kind: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"unknown {kind} {value!r}; choose one of {', '.join(allowed)}")
    return value


def check_strength(strength: object) -> float:
    """A finite number >= 0; text, booleans and 400-digit integers are refused by name."""
    s = float("nan")
    if isinstance(strength, (int, float, np.integer, np.floating)) and not isinstance(strength, bool):
        try:
            s = float(strength)
        except OverflowError:
            pass
    if not np.isfinite(s) or s < 0:
        raise ValueError(f"regularization strength must be finite and >= 0, got {strength!r}"[:200])
    return s


def image_mean(x: ArrayLike) -> Array:
    """The mean image (3072,) float64 of raw rows x (N, 3072)."""
    mean: Array = np.asarray(x).mean(axis=0, dtype=np.float64)
    return mean


def preprocess(x: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Raw rows (N, 3072) -> features (N, 3073): x − mean, then a 1 for the bias."""
    x = np.asarray(x)
    out = np.empty((x.shape[0], x.shape[1] + 1), dtype=np.float64)
    np.subtract(x, mean, out=out[:, :-1], dtype=np.float64)
    out[:, -1] = 1.0
    return out


def reg_loss_and_grad(W: np.ndarray, reg: str, strength: float) -> tuple[float, np.ndarray]:
    """strength·ΣW² (l2) or strength·Σ|W| (l1) over all of W, and its (sub)gradient."""
    if reg == "l2":
        return strength * float(np.sum(W * W)), 2.0 * strength * W
    if reg == "l1":
        return strength * float(np.sum(np.abs(W))), strength * np.sign(W)
    raise ValueError(f"unknown reg {reg!r}; choose one of {', '.join(REGS)}")


def data_loss_and_dscores(S: np.ndarray, y: np.ndarray, loss: str) -> tuple[float, np.ndarray]:
    """Mean data loss of scores S (N, C) with labels y, and ∂loss/∂S."""
    n = S.shape[0]
    rows = np.arange(n)
    if loss == "softmax":
        shifted = S - S.max(axis=1, keepdims=True)  # log-sum-exp shift, exact
        log_z = np.log(np.exp(shifted).sum(axis=1))
        value = float(np.mean(log_z - shifted[rows, y]))
        d = np.exp(shifted - log_z[:, None])
        d[rows, y] -= 1.0
        return value, d / n
    if loss == "svm":
        margins = S - S[rows, y][:, None] + 1.0
        margins[rows, y] = 0.0
        positive = margins > 0
        value = float(np.sum(margins[positive]) / n)
        d = positive.astype(np.float64)
        d[rows, y] = -d.sum(axis=1)
        return value, d / n
    raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")


def loss_and_grad(W: Array, X: Array, y: np.ndarray[Any, Any], loss: str = "softmax", reg: str = "l2",
                  strength: float = 0.0) -> tuple[float, Array]:
    """(data loss + regularization, dL/dW) for features X (N, 3073), W (3073, C)."""
    data, dS = data_loss_and_dscores(X @ W, y, loss)
    r, dR = reg_loss_and_grad(W, reg, strength)
    return data + r, X.T @ dS + dR


def train_linear(x: ArrayLike, y: ArrayLike, loss: str = "softmax", reg: str = "l2", strength: float = 5e3,
                 lr: float = 4e-7, batch_size: int = 200, steps: int = 1500, seed: int = 0,
                 progress: Callable[[float, str], object] | None = None,
                 cancel: Callable[[], bool] | None = None, w0: np.ndarray | None = None) -> np.ndarray:
    """Minibatch SGD (with replacement) on raw rows x; returns W (3073, 10).

    x is raw (uint8) as loaded; the features are [x − image_mean(x), 1].
    W starts at 0.001·N(0, 1) (seeded) unless ``w0`` is given;
    each step W ← W − lr · ∇(loss on a batch + reg). progress(fraction, message)
    is called every few steps; cancel() -> True raises Cancelled.

    Defaults (strength 5e3, lr 4e-7, 1,500 steps of 200) reach 37% test accuracy
    with softmax on all 50,000 images; CS231n's strength 2.5e4 and lr 1e-7 give 33%.
    """
    check_choice("loss", loss, LOSSES)
    check_choice("reg", reg, REGS)
    strength = check_strength(strength)
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 2 or len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x must be (N, D) with N labels, got x {x.shape} and y {y.shape}")
    for name, v in (("batch_size", batch_size), ("steps", steps)):
        if isinstance(v, bool) or int(v) != v or v < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {v!r}")
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning rate must be positive and finite, got {lr!r}")
    mean = image_mean(x)
    W = initial_weights(x.shape[1] + 1, seed) if w0 is None else np.array(w0, dtype=np.float64)
    rng = np.random.default_rng([seed, 1])  # batches: a stream separate from the init
    report = max(1, int(steps) // 50)
    for t in range(int(steps)):
        idx = rng.integers(0, len(x), size=int(batch_size))
        _, dW = loss_and_grad(W, preprocess(x[idx], mean), y[idx], loss, reg, strength)
        W -= lr * dW
        if t % report == 0:
            check_cancel(cancel, "training")
            if progress is not None:
                progress(t / steps, f"training {loss} classifier: step {t}/{steps}")
    if progress is not None:
        progress(1.0, f"trained {loss} classifier: {steps} steps")
    if not np.all(np.isfinite(W)):
        raise ValueError(f"training diverged (lr={lr:g}, strength={strength:g}): W is not finite")
    return W


def initial_weights(features: int = 3073, seed: int = 0) -> np.ndarray:
    """W_init = 0.001 · N(0, 1), shape (features, 10), seeded (CS231n)."""
    return 0.001 * np.random.default_rng(seed).standard_normal((features, NUM_CLASSES))


def predict(W: Array, x: ArrayLike, mean: Array) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Predicted classes of raw rows x, in chunks (bounded memory)."""
    x = np.asarray(x)
    out = np.empty(len(x), dtype=np.int64)
    for i in range(0, len(x), _CHUNK):
        out[i:i + _CHUNK] = np.argmax(preprocess(x[i:i + _CHUNK], mean) @ W, axis=1)
    return out


def accuracy(W: Array, x: ArrayLike, y: ArrayLike, mean: Array) -> float:
    """Fraction of raw rows x classified as y by W (features [x − mean, 1]); nan for no rows."""
    if len(np.asarray(x)) == 0:
        return float("nan")
    return float(np.mean(predict(W, x, mean) == np.asarray(y)))


def random_search(x: ArrayLike, y: ArrayLike, tries: int = 100, seed: int = 0,
                  mean: Array | None = None) -> tuple[Array, float]:
    """Best of ``tries`` random W = 0.0001·N(0, 1) by accuracy on (x, y) -> (W, acc).

    The CS231n baseline (~15%): one pass over x scores all tries at once.
    """
    if isinstance(tries, bool) or int(tries) != tries or tries < 1:
        raise ValueError(f"tries must be a whole number >= 1, got {tries!r}")
    x, y = np.asarray(x), np.asarray(y)
    mean = image_mean(x) if mean is None else mean
    rng = np.random.default_rng(seed)
    Ws = 0.0001 * rng.standard_normal((int(tries), x.shape[1] + 1, NUM_CLASSES))
    flat = Ws.transpose(1, 0, 2).reshape(x.shape[1] + 1, -1)  # (3073, tries·C)
    correct = np.zeros(int(tries), dtype=np.int64)
    for i in range(0, len(x), _CHUNK):
        S = (preprocess(x[i:i + _CHUNK], mean) @ flat).reshape(-1, int(tries), NUM_CLASSES)
        correct += np.sum(np.argmax(S, axis=2) == y[i:i + _CHUNK, None], axis=0)
    best = int(np.argmax(correct))
    return Ws[best], float(correct[best] / len(x))


def sample_indices(shape: tuple[int, ...], count: int = 10, seed: int = 0) -> np.ndarray[Any, np.dtype[np.int64]]:
    """``count`` random (row, col) entries of an array of ``shape``: int (count, 2)."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(0, n, size=count) for n in shape], axis=1)


def numerical_grad_W(f: Callable[[Array], float], W: ArrayLike, idx: ArrayLike, h: float = 1e-5) -> Array:
    """Centered differences (f(W + h·E) − f(W − h·E)) / 2h at the sampled entries idx (k, 2).

    As in CS231n's grad_check_sparse: checking a few entries is enough.
    """
    W = np.array(W, dtype=np.float64)
    out = []
    for r, c in np.asarray(idx).reshape(-1, 2):
        old = W[r, c]
        W[r, c] = old + h
        plus = f(W)
        W[r, c] = old - h
        minus = f(W)
        W[r, c] = old
        out.append((plus - minus) / (2.0 * h))
    return np.array(out)


def relative_error(analytic: ArrayLike, numeric: ArrayLike, tiny: float = 1e-300) -> Array:
    """|a − n| / (|a| + |n|), per entry (the CS231n gradient-check figure)."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    err: Array = np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), tiny)
    return err
