"""A user-typed f(x, y) as a Landscape, with symbolic gradient and Hessian.

The text goes through the whitelist parser in expression_parser.py (never
eval); this module builds the sympy expression from the parse tree node by
node, differentiates it, and compiles value, gradient and Hessian with
``sympy.lambdify(modules="numpy")``. What each function name means is in
expression_functions.py.

Guards against hostile input. sympy computes integer powers exactly, in one
C call that nothing can interrupt, so 9**9**9**9 or (x-x+9)^(x-x+9)^(x-x+9)
would hang it; the numbers are therefore checked before sympy sees them:
  * every constant sub-expression is evaluated first in float64 and must be
    finite with |value| <= MAX_CONSTANT; that includes what sympy folds to a
    constant by itself (x - x + 9 is the constant 9, x/0 a pole);
  * a power whose exponent is a constant needs |exponent| <= MAX_EXPONENT,
    and the exact numbers it would create at most MAX_EXACT_DIGITS digits;
  * text length and nesting are capped by the parser, and the gradient's
    size (MAX_GRADIENT_OPS) is checked before the Hessian is derived, since
    the Hessian of a product of n factors has ~n³ terms (40 sines: 18 s);
  * all symbolic work runs under a CPU-time budget (MAX_SYMBOLIC_SECONDS),
    which works on any thread, so the GUI can build off its own thread;
  * the compiled functions are evaluated once on a small grid over the
    bounds, so a failure shows up here as a ValueError, not later in a view.
Undefined values (log(x) for x < 0) are not errors: they evaluate to NaN,
and the views draw them as holes.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from .base import Bounds, FunctionLandscape, Landscape
from .cpu_budget import BudgetExceeded, cpu_budget
from .expression_functions import CONSTANTS, FUNCTIONS, NUMPY_KINKS, RealAbs, RealSign
from .expression_parser import ExpressionError, Node, parse, to_unicode

__all__ = [
    "ExpressionError", "from_expression", "MAX_CONSTANT", "MAX_EXPONENT", "MAX_EXACT_DIGITS",
    "MAX_GRADIENT_OPS", "MAX_SYMBOLIC_SECONDS",
]

MAX_CONSTANT = 1e100
MAX_EXPONENT = 100
MAX_EXACT_DIGITS = 3000  # exact integers sympy may build by a power (99999999999999^100 has 1400)
MAX_GRADIENT_OPS = 400  # sympy count_ops of (f_x, f_y); Goldstein-Price has 188
MAX_SYMBOLIC_SECONDS = 2.0  # CPU time for sympy; Goldstein-Price takes about 0.2 s
MAX_TITLE = 60
PROBE_POINTS = 7  # the build-time evaluation grid is PROBE_POINTS x PROBE_POINTS
LOG_SHARE = 1e-3    # median below this share of the value range: a log colour scale by default

X, Y = sympy.symbols("x y", real=True)  # real: d|x|/dx = sign(x), not re/im terms
_NOT_FINITE = (sympy.zoo, sympy.oo, -sympy.oo, sympy.nan)
_FLOAT_EXACT = 2**53  # integers beyond this are not exact in float64 anyway
_LOG10_2 = math.log10(2.0)

Expr = Any  # sympy is untyped
Fn = Callable[[Any, Any], Any]


class _Builder:
    """Parse tree -> (sympy expression, float value if the node is constant)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def error(self, message: str, node: Node) -> ExpressionError:
        return ExpressionError(message, self.text, node.pos)

    def checked(self, value: Any, node: Node, what: str) -> float:
        v = float(value)
        if math.isnan(v):
            raise self.error(f"{what} is undefined (not a real number)", node)
        if not abs(v) <= MAX_CONSTANT:
            raise self.error(f"{what} is too large (limit {MAX_CONSTANT:g})", node)
        return v

    def build(self, n: Node) -> tuple[Expr, float | None]:
        k = n.kind
        if k == "num":
            v = self.checked(float(n.text), n, f"number {n.text}")
            if n.text.isdigit() and len(n.text) <= 15:
                return sympy.Integer(int(n.text)), v
            return sympy.Float(v), v  # float64 precision, as the numbers are evaluated
        if k == "var":
            return (X if n.text == "x" else Y), None
        if k == "const":
            return CONSTANTS[n.text]
        args = [self.build(a) for a in n.args]
        expr, value = self.power(n, args) if k == "pow" else self.combine(n, args)
        return self.folded(n, expr, value)

    def constant(self, n: Node, compute: Callable[[], Any]) -> float:
        """The float64 value of constant node ``n``, checked; a pole (log 0, 1/0) is an error."""
        with np.errstate(divide="raise", over="ignore", under="ignore", invalid="ignore"):
            try:
                value = compute()
            except FloatingPointError:
                raise self.error(f"the constant {to_unicode(n)} is infinite (a pole, like log(0))", n) from None
        return self.checked(value, n, f"the constant {to_unicode(n)}")

    def combine(self, n: Node, args: list[tuple[Expr, float | None]]) -> tuple[Expr, float | None]:
        exprs = [a[0] for a in args]
        values = [a[1] for a in args]
        known = [v for v in values if v is not None]
        if n.kind == "div" and values[1] == 0:
            raise self.error("division by zero", n)
        value = None
        if len(known) == len(values):  # checked before sympy sees the numbers
            value = self.constant(n, lambda: _fold(n, known))
        if n.kind == "call":
            return FUNCTIONS[n.text][0](*exprs), value
        if n.kind == "neg":
            return -exprs[0], value
        a, b = exprs
        ops: dict[str, Callable[[Expr, Expr], Expr]] = {
            "add": lambda s, t: s + t, "sub": lambda s, t: s - t,
            "mul": lambda s, t: s * t, "div": lambda s, t: s / t,
        }
        return ops[n.kind](a, b), value

    def power(self, n: Node, args: list[tuple[Expr, float | None]]) -> tuple[Expr, float | None]:
        (base, vb), (exponent, ve) = args
        if ve is not None and abs(ve) > MAX_EXPONENT:
            raise self.error(f"exponent {ve:g} is too large (limit {MAX_EXPONENT})", n)
        if vb is not None and ve is not None:
            if vb == 0 and ve < 0:
                raise self.error("division by zero (0 to a negative power)", n)
            value = self.constant(n, lambda: np.float64(vb) ** np.float64(ve))
            return base**exponent, value
        if ve is not None:
            # sympy distributes a constant power over exact coefficients: (c*x)^k -> c^k * x^k.
            bits = max((max(abs(r.p), r.q).bit_length() for r in base.atoms(sympy.Rational)), default=0)
            digits = bits * abs(ve) * _LOG10_2
            if digits > MAX_EXACT_DIGITS:
                raise self.error(
                    f"the power {to_unicode(n)} needs exact numbers of about {digits:.0f} digits "
                    f"(limit {MAX_EXACT_DIGITS})", n
                )
        return base**exponent, None

    def folded(self, n: Node, expr: Expr, value: float | None) -> tuple[Expr, float | None]:
        """Guard what sympy made of the node: a pole, or variables cancelled into a constant."""
        if expr.has(*_NOT_FINITE):
            raise self.error(f"{to_unicode(n)} is infinite or undefined (a pole, like 1/0)", n)
        if value is None and not expr.free_symbols:  # x - x + 9: sympy cancelled the variables
            what = f"the constant {to_unicode(n)}"
            try:
                z = complex(expr)
            except OverflowError:
                raise self.error(f"{what} is too large (limit {MAX_CONSTANT:g})", n) from None
            except TypeError:
                raise self.error(f"{what} is undefined (not a real number)", n) from None
            if z.imag != 0:
                raise self.error(f"{what} is undefined (not a real number)", n)
            value = self.checked(z.real, n, what)
        return expr, value


def _fold(n: Node, v: list[float]) -> Any:
    """Node ``n`` on float64 arguments ``v`` (a numpy scalar)."""
    a = [np.float64(t) for t in v]
    if n.kind == "call":
        return FUNCTIONS[n.text][1](*a)
    if n.kind == "neg":
        return -a[0]
    folds: dict[str, Callable[[np.float64, np.float64], Any]] = {
        "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    }
    return folds[n.kind](a[0], a[1])


def _as_floats(e: Expr) -> Expr:
    """``e`` with exact numbers too big for float64 made floats: numpy cannot take Python's big ints."""
    big = {r: sympy.Float(r, 17) for r in e.atoms(sympy.Rational) if max(abs(r.p), r.q) > _FLOAT_EXACT}
    return e.xreplace(big) if big else e


def _compile(exprs: Sequence[Expr]) -> Fn:
    """Vectorized float64 function (x, y) -> tuple of arrays shaped like x."""
    fn = sympy.lambdify((X, Y), list(exprs), modules=[NUMPY_KINKS, "numpy"], cse=True)

    def run(x: Any, y: Any) -> tuple[np.ndarray, ...]:
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        with np.errstate(all="ignore"):
            outs = fn(x, y)
        shape = np.broadcast_shapes(x.shape, y.shape)
        return tuple(_real(o, shape) for o in outs)

    return run


def _real(o: Any, shape: tuple[int, ...]) -> np.ndarray:
    a = np.asarray(o)
    if np.iscomplexobj(a):  # e.g. the gradient of (-2)^x holds log(-2) = log 2 + iπ
        a = np.where(a.imag == 0, a.real, np.nan)
    return np.broadcast_to(a.astype(np.float64, copy=False), shape)


def _bounds(bounds: Any) -> Bounds:
    try:
        (x0, x1), (y0, y1) = bounds
        b = ((float(x0), float(x1)), (float(y0), float(y1)))
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be ((xmin, xmax), (ymin, ymax)), got {bounds!r}") from None
    for axis, (lo, hi) in zip("xy", b, strict=True):
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"{axis} bounds must be finite, got ({lo:g}, {hi:g})")
        if not lo < hi:
            raise ValueError(f"{axis} bounds need min < max, got ({lo:g}, {hi:g})")
    return b


def _one_line(e: BaseException) -> str:
    lines = str(e).strip().splitlines()
    return f"{type(e).__name__}: {lines[0][:160]}" if lines else type(e).__name__


def _derive(text: str, tree: Node) -> tuple[Expr, list[Expr], list[Expr]]:
    """f, its gradient [f_x, f_y] and Hessian [f_xx, f_xy, f_yy], symbolically."""
    f, _ = _Builder(text).build(tree)
    # sympy folds sqrt(x^2) into its own Abs(x), whose 2nd derivative is a DiracDelta.
    f = _as_floats(f.replace(sympy.Abs, RealAbs).replace(sympy.sign, RealSign))
    grad = [sympy.diff(f, v) for v in (X, Y)]
    size = sympy.count_ops(grad)
    if size > MAX_GRADIENT_OPS:
        raise ExpressionError(
            f"expression too complex: its gradient has {size} operations (limit {MAX_GRADIENT_OPS})", text, 0
        )
    hess = [sympy.diff(grad[i], v) for i, v in ((0, X), (0, Y), (1, Y))]
    if any(e.has(sympy.Derivative, sympy.Subs, sympy.DiracDelta) for e in grad + hess):  # none known
        raise ExpressionError("cannot differentiate this expression symbolically", text, 0)
    return f, [_as_floats(e) for e in grad], [_as_floats(e) for e in hess]


def _probe(f: Landscape, text: str) -> npt.NDArray[np.float64]:
    """Evaluate f, its gradient and Hessian on a grid over the bounds: NaN is fine, an exception is not.
    Returns the values."""
    (x0, x1), (y0, y1) = f.bounds
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, PROBE_POINTS), np.linspace(y0, y1, PROBE_POINTS)), -1)
    try:  # the Landscape methods cast to float64 arrays: a wrong type fails here too
        values = np.asarray(f.value(grid), dtype=np.float64)
        f.grad(grid), f.hessian(grid)
    except (ArithmeticError, TypeError, ValueError, AttributeError) as e:
        raise ExpressionError(f"cannot evaluate this expression numerically ({_one_line(e)})", text, 0) from None
    return values


def spans_decades(values: npt.NDArray[np.float64]) -> bool:
    """True when a linear colour scale would paint nearly all of the map one colour: the median
    value lies in the bottom 1/1000 of the range (exp(20x) + y² over [-2, 2]² spans 1e17, its
    median is about 2). Such a surface is shown on a log scale by default."""
    v = values[np.isfinite(values)]
    if v.size < 2:
        return False
    v = v - v.min()
    span = float(v.max())
    return span > 0 and float(np.median(v)) < LOG_SHARE * span


def _build(text: str, tree: Node, b: Bounds, name: str, title: str | None) -> Landscape:
    f, grad, hess = _derive(text, tree)
    value_fn, grad_fn, hess_fn = _compile([f]), _compile(grad), _compile(hess)
    formula = to_unicode(tree)
    if title is None:
        title = f"f(x, y) = {formula}"
        if len(title) > MAX_TITLE:
            title = title[: MAX_TITLE - 1] + "…"
    landscape = FunctionLandscape(
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
    with np.errstate(all="ignore"):
        landscape.log_scale = spans_decades(_probe(landscape, text))
    return landscape


def from_expression(
    text: str,
    bounds: Any = ((-2.0, 2.0), (-2.0, 2.0)),
    name: str = "expression",
    title: str | None = None,
) -> Landscape:
    """The Landscape f(x, y) = ``text``, e.g. ``"(1-x)^2 + 100*(y-x^2)^2"``.

    ``^`` and ``**`` mean power; functions: see expression_parser.FUNCTIONS.
    Raises ExpressionError (a ValueError naming the position) on bad text,
    on text whose symbolic work exceeds its budget or whose functions fail to
    evaluate, and ValueError on bad bounds. Gradient and Hessian are exact
    (symbolic). Safe to call from any thread.
    """
    b = _bounds(bounds)
    tree = parse(text)
    try:
        with cpu_budget(MAX_SYMBOLIC_SECONDS):
            return _build(text, tree, b, name, title)
    except BudgetExceeded:
        raise ExpressionError(
            f"expression too complex: the symbolic work took over {MAX_SYMBOLIC_SECONDS:g} s", text, 0
        ) from None
    except ExpressionError:
        raise
    except (ArithmeticError, TypeError, ValueError, RecursionError) as e:  # sympy on odd input
        raise ExpressionError(f"cannot handle this expression ({_one_line(e)})", text, 0) from None
