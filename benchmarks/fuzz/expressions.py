"""Typed expressions: random ones from the parser's grammar and the ones quoted in issue 15.

Each goes through landscapes.from_expression in a bounded worker; a landscape
that builds is then evaluated (value, grad, hessian) on a grid over its bounds.
Handled: it builds and evaluates (NaN and inf values are fine: log(x) is
undefined on half the plane), or it is refused with a ValueError.
"""
from __future__ import annotations

import random
import warnings

import numpy as np

from .common import Tally, one_line, run_bounded

QUOTED = [
    "x^2+y^2+log(10^20)", "x/0+y^2",
    "(x-x+9)^(x-x+9)^(x-x+9)", "(x-x+10)^(x-x+1000000000)", "7**(x-x+1e50)**99",
    "sigmoid(exp(max((x-x+2.5e3)*2.5e3,0)))*(x-x+1e-300)",
    "x/0", "1/(x-x)", "log(x-x)", "tan(pi/2)",
    "log(10^20)", "sigmoid(99**10)", "x+arctan(10**99-10)",
    "(7*pi)^(x-x+1e100)", "((x-x+1e-300)**-e+x)-100^7",
    "x^2 + * y", "9^9^9^9", "2^2^2^2^2^2", "exp(exp(exp(exp(x))))", "(" * 60 + "x" + ")" * 60,
    "x" + "+x" * 300, "1" + "0" * 400 + "*x", "x^(10^400)", "0^0+x", "0^-1+y", "(-8)^(1/3)+x",
    "sqrt(-1)+x", "log(-1)*y", "arcsin(2)+x", "x^y^x^y^x^y", "max(x,y)^min(x,y)", "relu(x)/relu(y)",
    "sign(x)*abs(y)^0.5", "softplus(1e308*x)", "tanh(x)^1e10", "1e-320*x+y", "ln(0)", "log2(x-x)",
    "exp(710)+x", "cosh(1000)*x", "x**-1**-1", "((x))^((y))", "x/(y-y)", "(x-x)^(x-x)",
]
_FUNCS: dict[str, int] | None = None


def _functions() -> dict[str, int]:
    global _FUNCS
    if _FUNCS is None:
        from landscapes.expression_parser import FUNCTIONS

        _FUNCS = dict(FUNCTIONS)
    return _FUNCS


def _number(r: random.Random) -> str:
    pick = r.random()
    if pick < 0.35:
        return str(r.randint(0, 12))
    if pick < 0.55:
        return f"{r.uniform(-3, 3):.3g}".lstrip("-")
    if pick < 0.65:
        return r.choice(["1e300", "1e308", "9e99", "1e50", "10000000000", "1" + "0" * r.randint(20, 400)])
    if pick < 0.72:
        return r.choice(["1e-300", "1e-320", "0.000001", "1e-50"])
    if pick < 0.85:  # a constant the exponent guard cannot see before sympy folds it
        return f"(x-x+{r.choice(['9', '10', '2.5e3', '1e50', '1e100', '1e-300', '1000000000', '0'])})"
    return r.choice(["pi", "e", "0"])


def _expr(r: random.Random, depth: int) -> str:
    if depth <= 0 or r.random() < 0.18:
        return r.choice(["x", "y", "x", "y", _number(r)])
    pick = r.random()
    sub = lambda: _expr(r, depth - 1)  # noqa: E731 - a short local helper
    if pick < 0.30:
        return f"{sub()}{r.choice(['+', '-', '*', '/'])}{sub()}"
    if pick < 0.45:
        return f"({sub()}){r.choice(['^', '**'])}{_power_operand(r, depth)}"
    if pick < 0.52:  # towers
        return "^".join(f"({_expr(r, 1)})" for _ in range(r.randint(2, 4)))
    if pick < 0.75:
        name, arity = r.choice(list(_functions().items()))
        return f"{name}({', '.join(sub() for _ in range(arity))})"
    if pick < 0.82:
        return f"{sub()}/{r.choice(['0', '(x-x)', '(y-y)', '0.0', '(1-1)'])}"
    if pick < 0.90:
        return f"-({sub()})"
    return f"({sub()})"


def _power_operand(r: random.Random, depth: int) -> str:
    if r.random() < 0.5:
        return _number(r)
    return f"({_expr(r, depth - 2)})"


def random_expressions(n: int, seed: int = 15) -> list[str]:
    r = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        text = _expr(r, r.randint(1, 5))
        if len(text) > 3:  # a bare x or 7 says little
            out.append(text)
    return out


# --------------------------------------------------------------------- the worker side
_GRID = np.stack(np.meshgrid(np.linspace(0, 1, 9), np.linspace(0, 1, 9)), axis=-1).reshape(-1, 2)


def try_expression(text: str) -> tuple[bool, str, str]:
    from landscapes import from_expression

    try:
        land = from_expression(text)
    except ValueError as e:
        msg = str(e)
        return "\n" not in msg, type(e).__name__ if "\n" not in msg else f"multi-line {type(e).__name__}", msg
    (x0, x1), (y0, y1) = land.bounds
    pts = np.column_stack([x0 + (x1 - x0) * _GRID[:, 0], y0 + (y1 - y0) * _GRID[:, 1]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v, g, h = land.value(pts), land.grad(pts), land.hessian(pts)
    if v.shape != (len(pts),) or g.shape != (len(pts), 2) or h.shape != (len(pts), 2, 2):
        return False, "bad shape", f"{v.shape} {g.shape} {h.shape}"
    finite = float(np.isfinite(v).mean())
    return True, "ok", f"finite values {finite:.0%}"


def run(n_random: int, workers: int, bound: float = 20.0) -> Tally:
    tally = Tally("typed expressions")
    items = [(t, t) for t in QUOTED] + [(t, t) for t in random_expressions(n_random)]
    run_bounded(tally, try_expression, items, bound=bound, workers=workers)
    builds = sum(o.kind == "ok" for _, o in tally.outcomes)
    tally.note(f"{builds} built and evaluated on a 9x9 grid, {len(items) - builds} refused or failed")
    for name, o in tally.outcomes[:len(QUOTED)]:
        if not o.handled:
            tally.note(f"quoted {one_line(name, 60)!r}: {o.kind} {o.detail}")
    return tally
