"""A user-typed f(x, y) as a Landscape, with symbolic gradient and Hessian.

The text goes through the whitelist parser in expression_parser.py (never
eval); this module builds the sympy expression from the parse tree node by
node, differentiates it, and compiles value, gradient and Hessian with
``sympy.lambdify(modules="numpy")``.

Guards against hostile input, applied before sympy sees a number (sympy
evaluates integer powers exactly, so 9**9**9**9 would hang it):
  * every constant sub-expression is evaluated first in float64 and must be
    finite with |value| <= MAX_CONSTANT;
  * a power whose exponent is a constant needs |exponent| <= MAX_EXPONENT;
  * text length and nesting are capped by the parser, and the gradient's
    size (MAX_GRADIENT_OPS) is checked before the Hessian is derived, since
    the Hessian of a product of n factors has ~n³ terms (40 sines: 18 s).
Derivatives of abs/sign/min/max/relu use real-variable rules (RealAbs etc.
below): d|t|/dt = sign(t), d max(a, b)/da = H(a - b), and the Dirac deltas
of second derivatives are taken as 0 (their value away from the kink), so the
Hessian of |x| is 0 everywhere (sign(0) = 0 as numpy has it).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import sympy

from .base import Bounds, FunctionLandscape, Landscape
from .expression_parser import ExpressionError, Node, parse, to_unicode

__all__ = ["ExpressionError", "from_expression", "MAX_CONSTANT", "MAX_EXPONENT", "MAX_GRADIENT_OPS"]

MAX_CONSTANT = 1e100
MAX_EXPONENT = 100
MAX_GRADIENT_OPS = 400  # sympy count_ops of (f_x, f_y); Goldstein-Price has 188
MAX_TITLE = 60

X, Y = sympy.symbols("x y", real=True)  # real: d|x|/dx = sign(x), not re/im terms


def _power(latex: str, exp) -> str:
    # sympy's printer passes exp= when the function is raised to a power.
    return latex if exp is None else f"{latex}^{{{exp}}}"


class RealAbs(sympy.Function):
    """|t| for real t, with d|t|/dt = sign(t) whatever t is built from.

    sympy's own Abs differentiates a non-symbol argument through re/im
    (d|log x|/dx leaves an unprintable Derivative); over the reals sign is it.
    """

    @classmethod
    def eval(cls, t):
        if t.is_number:
            return sympy.Abs(t)
        if t.is_extended_nonnegative:
            return t
        if t.is_extended_nonpositive:
            return -t
        return None

    def fdiff(self, argindex=1):
        return RealSign(self.args[0])

    def _eval_is_extended_nonnegative(self):
        return True

    def _latex(self, printer, exp=None):
        return _power(r"\left|{%s}\right|" % printer._print(self.args[0]), exp)


class RealSign(sympy.Function):
    """sign(t) in {-1, 0, 1}; its derivative is taken as 0 (true away from t = 0)."""

    @classmethod
    def eval(cls, t):
        if t.is_number:
            return sympy.sign(t)
        if t.is_extended_positive:
            return sympy.S.One
        if t.is_extended_negative:
            return sympy.S.NegativeOne
        return None

    def fdiff(self, argindex=1):
        return sympy.S.Zero

    def _latex(self, printer, exp=None):
        return _power(r"\operatorname{sign}\left(%s\right)" % printer._print(self.args[0]), exp)


class Step(sympy.Function):
    """Heaviside step H(t) with H(0) = h0; its derivative is taken as 0 (true away from 0)."""

    @classmethod
    def eval(cls, t, h0):
        if t.is_extended_positive:
            return sympy.S.One
        if t.is_extended_negative:
            return sympy.S.Zero
        if t.is_zero:
            return h0
        return None

    def fdiff(self, argindex=1):
        return sympy.S.Zero


class Relu(sympy.Function):
    """max(t, 0) with relu'(0) = 0, as torch.relu has it."""

    @classmethod
    def eval(cls, t):
        if t.is_extended_nonnegative:
            return t
        if t.is_extended_nonpositive:
            return sympy.S.Zero
        return None

    def fdiff(self, argindex=1):
        return Step(self.args[0], sympy.S.Zero)

    def _latex(self, printer, exp=None):
        return _power(r"\operatorname{relu}\left(%s\right)" % printer._print(self.args[0]), exp)


class RealMax(sympy.Function):
    """max(a, b); d/da = H(a - b), d/db = H(b - a) (1/2 each at a tie, as torch.maximum)."""

    @classmethod
    def eval(cls, a, b):
        if a == b:
            return a
        d = a - b
        if d.is_extended_nonnegative:
            return a
        if d.is_extended_nonpositive:
            return b
        return None

    def fdiff(self, argindex=1):
        a, b = self.args
        return Step(a - b, sympy.S.Half) if argindex == 1 else Step(b - a, sympy.S.Half)

    def _latex(self, printer, exp=None):
        return _power(r"\max\left(%s, %s\right)" % tuple(printer._print(a) for a in self.args), exp)


class RealMin(sympy.Function):
    """min(a, b); d/da = H(b - a), d/db = H(a - b) (1/2 each at a tie)."""

    @classmethod
    def eval(cls, a, b):
        if a == b:
            return a
        d = a - b
        if d.is_extended_nonnegative:
            return b
        if d.is_extended_nonpositive:
            return a
        return None

    def fdiff(self, argindex=1):
        a, b = self.args
        return Step(b - a, sympy.S.Half) if argindex == 1 else Step(a - b, sympy.S.Half)

    def _latex(self, printer, exp=None):
        return _power(r"\min\left(%s, %s\right)" % tuple(printer._print(a) for a in self.args), exp)


# How lambdify evaluates the functions above.
_NUMPY_KINKS = {
    "RealAbs": np.abs, "RealSign": np.sign, "RealMax": np.maximum, "RealMin": np.minimum,
    "Relu": lambda t: np.maximum(t, 0.0), "Step": np.heaviside,
}


def _sigmoid(t):
    return 1 / (1 + sympy.exp(-t))


def _softplus(t):
    return sympy.log(1 + sympy.exp(t))


# name -> (sympy builder, float64 numpy function for constant arguments)
_FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
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
_CONSTANTS = {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}


class _Builder:
    """Parse tree -> (sympy expression, float value if the node is constant)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def error(self, message: str, node: Node) -> ExpressionError:
        return ExpressionError(message, self.text, node.pos)

    def checked(self, value, node: Node, what: str) -> float:
        v = float(value)
        if math.isnan(v):
            raise self.error(f"{what} is undefined (not a real number)", node)
        if not abs(v) <= MAX_CONSTANT:
            raise self.error(f"{what} is too large (limit {MAX_CONSTANT:g})", node)
        return v

    def build(self, n: Node) -> tuple[sympy.Expr, float | None]:
        k = n.kind
        if k == "num":
            v = self.checked(float(n.text), n, f"number {n.text}")
            if n.text.isdigit() and len(n.text) <= 15:
                return sympy.Integer(int(n.text)), v
            return sympy.Float(v), v  # float64 precision, as the numbers are evaluated
        if k == "var":
            return (X if n.text == "x" else Y), None
        if k == "const":
            return _CONSTANTS[n.text]
        args = [self.build(a) for a in n.args]
        exprs = [a[0] for a in args]
        values = [a[1] for a in args]
        constant = all(v is not None for v in values)
        with np.errstate(all="ignore"):
            if k == "pow":
                return self.power(n, args)
            if k == "call":
                sym, num = _FUNCTIONS[n.text]
                value = num(*map(np.float64, values)) if constant else None
                expr = sym(*exprs)
            else:
                a, b = (exprs + [None])[:2]
                va, vb = (values + [None])[:2]
                if k == "neg":
                    expr, value = -a, (-va if constant else None)
                elif k == "add":
                    expr, value = a + b, (va + vb if constant else None)
                elif k == "sub":
                    expr, value = a - b, (va - vb if constant else None)
                elif k == "mul":
                    expr, value = a * b, (np.float64(va) * vb if constant else None)
                elif k == "div":
                    if constant and vb == 0:
                        raise self.error("division by zero", n)
                    expr, value = a / b, (np.float64(va) / vb if constant else None)
                else:  # pragma: no cover - the parser makes no other kinds
                    raise AssertionError(k)
        if value is not None:
            value = self.checked(value, n, f"the constant {to_unicode(n)}")
        return expr, value

    def power(self, n: Node, args) -> tuple[sympy.Expr, float | None]:
        (base, vb), (exponent, ve) = args
        if ve is not None and abs(ve) > MAX_EXPONENT:
            raise self.error(f"exponent {ve:g} is too large (limit {MAX_EXPONENT})", n)
        if vb is not None and ve is not None:
            if vb == 0 and ve < 0:
                raise self.error("division by zero (0 to a negative power)", n)
            value = self.checked(np.float64(vb) ** np.float64(ve), n, f"the constant {to_unicode(n)}")
            return base**exponent, value
        return base**exponent, None


def _compile(exprs: list[sympy.Expr]) -> Callable:
    """Vectorized float64 function (x, y) -> tuple of arrays shaped like x."""
    fn = sympy.lambdify((X, Y), exprs, modules=[_NUMPY_KINKS, "numpy"], cse=True)

    def run(x, y):
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        with np.errstate(all="ignore"):
            outs = fn(x, y)
        shape = np.broadcast_shapes(x.shape, y.shape)
        return tuple(_real(o, shape) for o in outs)

    return run


def _real(o, shape) -> np.ndarray:
    a = np.asarray(o)
    if np.iscomplexobj(a):  # e.g. log(x - x - 1) = iπ after sympy's own folding
        a = np.where(a.imag == 0, a.real, np.nan)
    return np.broadcast_to(a.astype(np.float64, copy=False), shape)


def _bounds(bounds) -> Bounds:
    try:
        (x0, x1), (y0, y1) = bounds
        b = ((float(x0), float(x1)), (float(y0), float(y1)))
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be ((xmin, xmax), (ymin, ymax)), got {bounds!r}") from None
    for axis, (lo, hi) in zip("xy", b):
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"{axis} bounds must be finite, got ({lo:g}, {hi:g})")
        if not lo < hi:
            raise ValueError(f"{axis} bounds need min < max, got ({lo:g}, {hi:g})")
    return b


def from_expression(
    text: str,
    bounds=((-2.0, 2.0), (-2.0, 2.0)),
    name: str = "expression",
    title: str | None = None,
) -> Landscape:
    """The Landscape f(x, y) = ``text``, e.g. ``"(1-x)^2 + 100*(y-x^2)^2"``.

    ``^`` and ``**`` mean power; functions: see expression_parser.FUNCTIONS.
    Raises ExpressionError (a ValueError naming the position) on bad text and
    ValueError on bad bounds. Gradient and Hessian are exact (symbolic).
    """
    b = _bounds(bounds)
    tree = parse(text)
    f, _ = _Builder(text).build(tree)
    # sympy folds sqrt(x^2) into its own Abs(x), whose 2nd derivative is a DiracDelta.
    f = f.replace(sympy.Abs, RealAbs).replace(sympy.sign, RealSign)
    grad = [sympy.diff(f, v) for v in (X, Y)]
    size = sympy.count_ops(grad)
    if size > MAX_GRADIENT_OPS:
        raise ExpressionError(
            f"expression too complex: its gradient has {size} operations (limit {MAX_GRADIENT_OPS})", text, 0
        )
    hess = [sympy.diff(grad[i], v) for i, v in ((0, X), (0, Y), (1, Y))]
    if any(e.has(sympy.Derivative, sympy.Subs, sympy.DiracDelta) for e in grad + hess):  # none known
        raise ExpressionError("cannot differentiate this expression symbolically", text, 0)
    value_fn, grad_fn, hess_fn = _compile([f]), _compile(grad), _compile(hess)
    formula = to_unicode(tree)
    if title is None:
        title = f"f(x, y) = {formula}"
        if len(title) > MAX_TITLE:
            title = title[: MAX_TITLE - 1] + "…"
    return FunctionLandscape(
        name=name,
        value=lambda x, y: value_fn(x, y)[0],
        grad=grad_fn,
        hessian=hess_fn,
        title=title,
        formula=formula,
        latex=f"${sympy.latex(f)}$",
        bounds=b,
        minima=(),
        min_value=None,
        log_scale=False,
        params={"text": text, "bounds": b},
    )
