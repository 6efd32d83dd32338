"""What each name of the expression grammar means: in sympy, and in float64 numpy.

Derivatives of abs/sign/min/max/relu use real-variable rules (RealAbs etc.
below): d|t|/dt = sign(t), d max(a, b)/da = H(a - b), and the Dirac deltas of
second derivatives are taken as 0 (their value away from the kink), so the
Hessian of |x| is 0 everywhere (sign(0) = 0 as numpy has it).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

__all__ = ["CONSTANTS", "FUNCTIONS", "NUMPY_KINKS", "RealAbs", "RealSign"]


def _power(latex: str, exp: Any) -> str:
    # sympy's printer passes exp= when the function is raised to a power.
    return latex if exp is None else f"{latex}^{{{exp}}}"


class RealAbs(sympy.Function):  # type: ignore[misc]  # sympy is untyped
    """|t| for real t, with d|t|/dt = sign(t) whatever t is built from.

    sympy's own Abs differentiates a non-symbol argument through re/im
    (d|log x|/dx leaves an unprintable Derivative); over the reals sign is it.
    """

    @classmethod
    def eval(cls, t: Any) -> Any:
        if t.is_number:
            return sympy.Abs(t)
        if t.is_extended_nonnegative:
            return t
        if t.is_extended_nonpositive:
            return -t
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return RealSign(self.args[0])

    def _eval_is_extended_nonnegative(self) -> bool:
        return True

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _power(r"\left|{" + printer._print(self.args[0]) + r"}\right|", exp)


class RealSign(sympy.Function):  # type: ignore[misc]
    """sign(t) in {-1, 0, 1}; its derivative is taken as 0 (true away from t = 0)."""

    @classmethod
    def eval(cls, t: Any) -> Any:
        if t.is_number:
            return sympy.sign(t)
        if t.is_extended_positive:
            return sympy.S.One
        if t.is_extended_negative:
            return sympy.S.NegativeOne
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return sympy.S.Zero

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _power(r"\operatorname{sign}\left(" + printer._print(self.args[0]) + r"\right)", exp)


class Step(sympy.Function):  # type: ignore[misc]
    """Heaviside step H(t) with H(0) = h0; its derivative is taken as 0 (true away from 0)."""

    @classmethod
    def eval(cls, t: Any, h0: Any) -> Any:
        if t.is_extended_positive:
            return sympy.S.One
        if t.is_extended_negative:
            return sympy.S.Zero
        if t.is_zero:
            return h0
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return sympy.S.Zero


class Relu(sympy.Function):  # type: ignore[misc]
    """max(t, 0) with relu'(0) = 0, as torch.relu has it."""

    @classmethod
    def eval(cls, t: Any) -> Any:
        if t.is_extended_nonnegative:
            return t
        if t.is_extended_nonpositive:
            return sympy.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        return Step(self.args[0], sympy.S.Zero)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _power(r"\operatorname{relu}\left(" + printer._print(self.args[0]) + r"\right)", exp)


def _pair_latex(name: str, printer: Any, args: tuple[Any, ...], exp: Any) -> str:
    a, b = (printer._print(t) for t in args)
    return _power(rf"\{name}\left({a}, {b}\right)", exp)


class _RealPick(sympy.Function):  # type: ignore[misc]
    """max or min of two reals: one argument where their order is known, else unevaluated.

    The derivative is the step of the picked side: for max, d/da = H(a - b) and
    d/db = H(b - a), 1/2 each at a tie as torch.maximum; min mirrors it.
    """

    picks_larger: bool = True
    latex_name = "max"

    @classmethod
    def eval(cls, a: Any, b: Any) -> Any:
        if a == b:
            return a
        d = a - b
        if d.is_extended_nonnegative:
            return a if cls.picks_larger else b
        if d.is_extended_nonpositive:
            return b if cls.picks_larger else a
        return None

    def fdiff(self, argindex: int = 1) -> Any:
        a, b = self.args
        first, second = (a, b) if self.picks_larger else (b, a)
        return Step(first - second, sympy.S.Half) if argindex == 1 else Step(second - first, sympy.S.Half)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        return _pair_latex(self.latex_name, printer, self.args, exp)


class RealMax(_RealPick):
    """max(a, b) of two reals."""


class RealMin(_RealPick):
    """min(a, b) of two reals."""

    picks_larger = False
    latex_name = "min"


# How lambdify evaluates the functions above.
NUMPY_KINKS: dict[str, Callable[..., Any]] = {
    "RealAbs": np.abs, "RealSign": np.sign, "RealMax": np.maximum, "RealMin": np.minimum,
    "Relu": lambda t: np.maximum(t, 0.0), "Step": np.heaviside,
}


def _sigmoid(t: Any) -> Any:
    return 1 / (1 + sympy.exp(-t))


def _softplus(t: Any) -> Any:
    return sympy.log(1 + sympy.exp(t))


# name -> (sympy builder, float64 numpy function for constant arguments)
FUNCTIONS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "sin": (sympy.sin, np.sin), "cos": (sympy.cos, np.cos), "tan": (sympy.tan, np.tan),
    "arcsin": (sympy.asin, np.arcsin), "asin": (sympy.asin, np.arcsin),
    "arccos": (sympy.acos, np.arccos), "acos": (sympy.acos, np.arccos),
    "arctan": (sympy.atan, np.arctan), "atan": (sympy.atan, np.arctan),
    "sinh": (sympy.sinh, np.sinh), "cosh": (sympy.cosh, np.cosh), "tanh": (sympy.tanh, np.tanh),
    "exp": (sympy.exp, np.exp),
    "log": (sympy.log, np.log), "ln": (sympy.log, np.log),
    "log10": (lambda t: sympy.log(t, 10), np.log10), "log2": (lambda t: sympy.log(t, 2), np.log2),
    "sqrt": (sympy.sqrt, np.sqrt), "abs": (RealAbs, np.abs), "sign": (RealSign, np.sign),
    "sigmoid": (_sigmoid, lambda t: 1 / (1 + np.exp(-t))),
    "softplus": (_softplus, lambda t: np.log1p(np.exp(t))),
    "relu": (Relu, lambda t: np.maximum(t, 0.0)),
    "min": (RealMin, np.minimum), "max": (RealMax, np.maximum),
}
CONSTANTS: dict[str, tuple[Any, float]] = {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}
