"""from_expression: parsing, values vs hand-written numpy, derivatives vs finite
differences and hand derivations, error positions, hostile and code-injection input."""
from __future__ import annotations

import threading
import warnings
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscapes import Landscape, from_expression
from landscapes.expression import ExpressionError

RNG = np.random.default_rng(7)
GRID = np.stack(np.meshgrid(np.linspace(-1.9, 1.9, 23), np.linspace(-1.7, 1.8, 19)), axis=-1)


@cache
def build(text: str) -> Landscape:
    return from_expression(text)


def central_grad(fun, p, h=1e-5):
    """Centered differences of a (..., 2) -> (...) function, independent of the code under test."""
    p = np.asarray(p, dtype=np.float64)
    e = np.eye(2) * h
    return np.stack([(fun(p + e[i]) - fun(p - e[i])) / (2 * h) for i in range(2)], axis=-1)


def central_hessian(grad, p, h=1e-5):
    """Rows d(grad)/dx, d(grad)/dy by centered differences of the analytic gradient."""
    p = np.asarray(p, dtype=np.float64)
    e = np.eye(2) * h
    return np.stack([(grad(p + e[i]) - grad(p - e[i])) / (2 * h) for i in range(2)], axis=-2)


# --- values: parsed text == the same formula written by hand in numpy ------------
def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


VALUE_CASES = [
    ("x^2 + 3*y^2", lambda x, y: x**2 + 3 * y**2),
    ("sin(x)*cos(y)", lambda x, y: np.sin(x) * np.cos(y)),
    ("(1-x)^2 + 100*(y-x^2)^2", _rosenbrock),
    ("abs(x) + abs(y)", lambda x, y: np.abs(x) + np.abs(y)),
    ("exp(-(x^2+y^2))", lambda x, y: np.exp(-(x**2 + y**2))),
    ("log(1 + x^2 + y^2)", lambda x, y: np.log(1 + x**2 + y**2)),
    ("-x^2 + y", lambda x, y: -(x**2) + y),  # unary minus binds looser than power
    ("2^3^2 * x", lambda x, y: 512.0 * x),  # power is right-associative
    ("2^-1 * y - -x", lambda x, y: 0.5 * y + x),
    ("x / y / 2", lambda x, y: (x / y) / 2),
    ("1e-3*x + 2.5E+1*y + .5 + 1.", lambda x, y: 1e-3 * x + 25 * y + 1.5),
    ("pi*x + e*y", lambda x, y: np.pi * x + np.e * y),
    ("sqrt(x^2 + y^2 + 1) + tanh(x) + sinh(y) + cosh(x)",
     lambda x, y: np.sqrt(x**2 + y**2 + 1) + np.tanh(x) + np.sinh(y) + np.cosh(x)),
    ("atan(x) + arctan(y) + tan(x/2)", lambda x, y: np.arctan(x) + np.arctan(y) + np.tan(x / 2)),
    ("log10(x^2+1) + ln(y^2+1) + log2(2+x)",
     lambda x, y: np.log10(x**2 + 1) + np.log(y**2 + 1) + np.log2(2 + x)),
    ("sigmoid(x) + softplus(y)", lambda x, y: 1 / (1 + np.exp(-x)) + np.log1p(np.exp(y))),
    ("relu(x) + max(x, y) - min(x, 2*y) + sign(y)",
     lambda x, y: np.maximum(x, 0) + np.maximum(x, y) - np.minimum(x, 2 * y) + np.sign(y)),
    ("asin(x/2) + acos(y/2)", lambda x, y: np.arcsin(x / 2) + np.arccos(y / 2)),
    ("  x\t*  y  ", lambda x, y: x * y),
    ("2·x − y × 3 ÷ π", lambda x, y: 2 * x - y * 3 / np.pi),  # pasted Unicode operators
]


@pytest.mark.parametrize("text, ref", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_values_match_hand_written_numpy(text, ref):
    f = build(text)
    z = f.value(GRID)
    assert z.shape == GRID.shape[:-1] and z.dtype == np.float64
    np.testing.assert_allclose(z, ref(GRID[..., 0], GRID[..., 1]), rtol=1e-12, atol=1e-12)


def test_caret_and_double_star_are_the_same_power():
    for a, b in [("x^2 + y^3", "x**2 + y**3"), ("(1-x)^2", "(1-x)**2"), ("2^x^2", "2**x**2")]:
        fa, fb = build(a), build(b)
        np.testing.assert_array_equal(fa.value(GRID), fb.value(GRID))
        np.testing.assert_array_equal(fa.grad(GRID), fb.grad(GRID))
        np.testing.assert_array_equal(fa.hessian(GRID), fb.hessian(GRID))


# --- derivatives ------------------------------------------------------------------
def test_rosenbrock_derivatives_match_hand_derivation():
    f = build("(1-x)^2 + 100*(y-x^2)^2")
    x, y = GRID[..., 0], GRID[..., 1]
    gx = -2 * (1 - x) - 400 * x * (y - x**2)
    gy = 200 * (y - x**2)
    np.testing.assert_allclose(f.grad(GRID), np.stack([gx, gy], -1), rtol=1e-12, atol=1e-9)
    h = f.hessian(GRID)
    np.testing.assert_allclose(h[..., 0, 0], 2 - 400 * y + 1200 * x**2, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(h[..., 0, 1], -400 * x, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(h[..., 1, 0], -400 * x, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(h[..., 1, 1], 200.0, rtol=1e-12)


def test_sin_cos_derivatives_match_hand_derivation():
    f = build("sin(x)*cos(y)")
    x, y = GRID[..., 0], GRID[..., 1]
    np.testing.assert_allclose(f.grad(GRID), np.stack([np.cos(x) * np.cos(y), -np.sin(x) * np.sin(y)], -1),
                               atol=1e-14)
    expect = np.stack([np.stack([-np.sin(x) * np.cos(y), -np.cos(x) * np.sin(y)], -1),
                       np.stack([-np.cos(x) * np.sin(y), -np.sin(x) * np.cos(y)], -1)], -2)
    np.testing.assert_allclose(f.hessian(GRID), expect, atol=1e-14)


def test_quadratic_hessian_is_constant_and_broadcasts():
    f = build("x^2 + 3*y^2 - x*y")
    p = RNG.normal(size=(4, 5, 2))
    h = f.hessian(p)
    assert h.shape == (4, 5, 2, 2) and h.dtype == np.float64
    np.testing.assert_array_equal(h, np.broadcast_to([[2.0, -1.0], [-1.0, 6.0]], h.shape))


def test_constant_expression_broadcasts_to_the_input_shape():
    f = build("2*pi - 1")
    p = RNG.normal(size=(3, 7, 2))
    np.testing.assert_allclose(f.value(p), np.full((3, 7), 2 * np.pi - 1))
    np.testing.assert_array_equal(f.grad(p), np.zeros((3, 7, 2)))
    np.testing.assert_array_equal(f.hessian(p), np.zeros((3, 7, 2, 2)))
    assert f.value([0.5, 0.5]).shape == () and f.grad([0.5, 0.5]).shape == (2,)


def test_abs_derivatives_are_sign_and_zero_away_from_the_kink():
    f = build("abs(x) + 2*abs(y)")
    p = np.array([[0.3, -0.2], [-1.5, 0.7], [-0.1, -1.0]])
    np.testing.assert_array_equal(f.grad(p), [[1, -2], [-1, 2], [-1, -2]])
    np.testing.assert_array_equal(f.hessian(p), np.zeros((3, 2, 2)))  # DiracDelta taken as 0


def test_max_relu_derivatives_pick_the_active_branch():
    f = build("max(x, y) + relu(x - 1)")
    p = np.array([[2.0, 0.0], [0.0, 1.0], [-1.0, -3.0]])
    np.testing.assert_array_equal(f.grad(p), [[2, 0], [0, 1], [1, 0]])
    np.testing.assert_array_equal(f.hessian(p), np.zeros((3, 2, 2)))


def test_kinks_of_composite_arguments_differentiate_over_the_reals():
    # sympy's own Abs would leave re/im and an unprintable Derivative here.
    p = np.array([[0.5, 0.3], [2.0, -0.4], [1.5, 1.0]])
    x, y = p[..., 0], p[..., 1]
    f = build("abs(log(x)) + max(log(x), y)")
    s = np.sign(np.log(x))
    on_log = (np.log(x) > y).astype(float)
    np.testing.assert_allclose(f.value(p), np.abs(np.log(x)) + np.maximum(np.log(x), y), rtol=1e-14)
    np.testing.assert_allclose(f.grad(p), np.stack([s / x + on_log / x, 1 - on_log], -1), rtol=1e-14)
    hxx = -s / x**2 - on_log / x**2
    np.testing.assert_allclose(f.hessian(p)[..., 0, 0], hxx, rtol=1e-14)
    np.testing.assert_array_equal(f.hessian(p)[..., 0, 1], 0.0)
    np.testing.assert_allclose(f.grad(p), central_grad(f.value, p), rtol=1e-6)
    assert f.latex == r"$\left|{\log{\left(x \right)}}\right| + \max\left(\log{\left(x \right)}, y\right)$"


def test_subgradients_at_kinks_follow_torch():
    torch = pytest.importorskip("torch")
    f = build("max(x, y) + 2*min(x, y) + relu(x - 1) + abs(y - 1) + 3*relu(y)")
    pts = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [-0.5, 1.0], [0.3, -0.2]])
    for p in pts:
        a = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        x, y = a[0], a[1]
        out = (torch.maximum(x, y) + 2 * torch.minimum(x, y) + torch.relu(x - 1)
               + torch.abs(y - 1) + 3 * torch.relu(y))
        out.backward()
        np.testing.assert_allclose(f.value(p), out.item(), rtol=1e-15)
        np.testing.assert_allclose(f.grad(p), a.grad.numpy(), rtol=1e-15, err_msg=str(p))
    np.testing.assert_array_equal(f.hessian(pts), np.zeros((5, 2, 2)))


def test_sympy_folded_abs_has_a_zero_hessian():
    # sympy rewrites sqrt((x-y)^2) as its own Abs(x - y), whose 2nd derivative is a DiracDelta.
    f = build("sqrt((x-y)^2) + (x^2)^0.5")
    p = np.array([[0.5, 0.3], [-2.0, 0.4], [1.0, 1.5]])
    x, y = p[..., 0], p[..., 1]
    np.testing.assert_allclose(f.value(p), np.abs(x - y) + np.abs(x), rtol=1e-14)
    np.testing.assert_allclose(f.grad(p), np.stack([np.sign(x - y) + np.sign(x), -np.sign(x - y)], -1))
    np.testing.assert_array_equal(f.hessian(p), np.zeros((3, 2, 2)))


# Random expression trees: the same tree as text and as a numpy function.
_LEAVES = st.sampled_from([("x", lambda x, y: x), ("y", lambda x, y: y), ("2", lambda x, y: 2.0 + 0 * x),
                           ("0.5", lambda x, y: 0.5 + 0 * x), ("pi", lambda x, y: np.pi + 0 * x)])


def _extend(children):
    unary = st.tuples(st.sampled_from([("sin", np.sin), ("cos", np.cos), ("tanh", np.tanh), ("atan", np.arctan),
                                       ("sigmoid", lambda t: 1 / (1 + np.exp(-t)))]), children).map(
        lambda a: (f"{a[0][0]}({a[1][0]})", lambda x, y, f=a[0][1], g=a[1][1]: f(g(x, y))))
    ops = {"+": np.add, "-": np.subtract, "*": np.multiply}
    binary = st.tuples(st.sampled_from(sorted(ops)), children, children).map(
        lambda a: (f"({a[1][0]}) {a[0]} ({a[2][0]})",
                   lambda x, y, op=ops[a[0]], f=a[1][1], g=a[2][1]: op(f(x, y), g(x, y))))
    square = children.map(lambda a: (f"({a[0]})^2", lambda x, y, f=a[1]: f(x, y) ** 2))
    neg = children.map(lambda a: (f"-({a[0]})", lambda x, y, f=a[1]: -f(x, y)))
    return st.one_of(unary, binary, square, neg)


@settings(max_examples=40, deadline=None)
@given(tree=st.recursive(_LEAVES, _extend, max_leaves=8), x=st.floats(-1.5, 1.5), y=st.floats(-1.5, 1.5))
def test_random_expressions_match_numpy_and_finite_differences(tree, x, y):
    text, ref = tree
    f = from_expression(text)
    p = np.array([x, y])
    np.testing.assert_allclose(f.value(p), ref(x, y), rtol=1e-12, atol=1e-12)
    ref_p = lambda q: ref(q[..., 0], q[..., 1])  # noqa: E731
    g = f.grad(p)
    np.testing.assert_allclose(g, central_grad(ref_p, p), rtol=1e-6, atol=1e-6 * (1 + np.abs(g).max()))
    h = f.hessian(p)
    np.testing.assert_allclose(h, central_hessian(f.grad, p), rtol=1e-5, atol=1e-5 * (1 + np.abs(h).max()))


SMOOTH = [
    "(1-x)^2 + 100*(y-x^2)^2",
    "sin(x)*cos(y) + x^3*y",
    "exp(-(x^2+y^2)) * (x - 2*y)",
    "log(1 + x^2 + y^2) / (2 + sin(x*y))",
    "sqrt(1 + x^2 + 3*y^2) + tanh(x - y)^2",
    "sigmoid(3*x - y) * softplus(x*y) + atan(x/(1+y^2))",
    "x^y^2 + 2^(x*y)",  # exponents that are not constants (x > 0 only)
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
]


@pytest.mark.parametrize("text", SMOOTH)
@settings(max_examples=25, deadline=None)
@given(x=st.floats(0.2, 1.9), y=st.floats(-1.9, 1.9))
def test_derivatives_match_central_differences(text, x, y):
    f = build(text)
    p = np.array([x, y])
    g = f.grad(p)
    scale = 1.0 + np.abs(g).max()
    np.testing.assert_allclose(g, central_grad(f.value, p), rtol=1e-6, atol=1e-6 * scale)
    h = f.hessian(p)
    np.testing.assert_allclose(h, central_hessian(f.grad, p), rtol=1e-5, atol=1e-5 * (1 + np.abs(h).max()))
    np.testing.assert_array_equal(h, np.swapaxes(h, -1, -2))


def test_derivatives_are_vectorized_over_leading_shapes():
    f = build("sin(x)*cos(y) + x^3*y")
    p = RNG.uniform(-1.5, 1.5, size=(6, 4, 2))
    g, h = f.grad(p), f.hessian(p)
    assert g.shape == (6, 4, 2) and h.shape == (6, 4, 2, 2)
    for i, j in [(0, 0), (5, 3), (2, 1)]:
        np.testing.assert_array_equal(g[i, j], f.grad(p[i, j]))
        np.testing.assert_array_equal(h[i, j], f.hessian(p[i, j]))


def test_nan_and_inf_points_do_not_warn():
    f = build("log(x) + 1/y + sqrt(x)")
    p = np.array([[-1.0, 1.0], [1.0, 0.0], [4.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v, g, h = f.value(p), f.grad(p), f.hessian(p)
    assert np.isnan(v[0]) and np.isinf(v[1]) and v[2] == pytest.approx(np.log(4) + 0.5 + 2)
    assert np.isfinite(g[2]).all() and np.isfinite(h[2]).all()


def test_complex_values_from_sympy_become_nan_not_complex():
    # d/dx (-2)^x = (-2)^x·log(-2), and sympy writes log(-2) as log 2 + iπ.
    f = build("(-2)^x + y")
    p = np.array([[2.0, 0.0], [0.5, 1.0], [1.0, -1.0]])
    v, g = f.value(p), f.grad(p)
    assert v.dtype == np.float64 and g.dtype == np.float64
    assert v[0] == 4.0 and np.isnan(v[1]) and v[2] == -3.0  # real only at integers, as numpy has it
    assert np.isnan(g[:, 0]).all()
    np.testing.assert_array_equal(g[:, 1], 1.0)


# --- the Landscape record -------------------------------------------------------------
def test_landscape_attributes():
    f = from_expression("x^2 + 3*y^2", bounds=((-3, 1), (0, 5)))
    assert isinstance(f, Landscape)
    assert f.name == "expression"
    assert f.title == "f(x, y) = x² + 3y²"
    assert f.formula == "x² + 3y²"
    assert f.latex == "$x^{2} + 3 y^{2}$"
    assert f.bounds == ((-3.0, 1.0), (0.0, 5.0))
    assert f.minima == () and f.min_value is None and f.log_scale is False
    (x0, x1), (y0, y1) = f.bounds
    assert x0 < f.default_start[0] < x1 and y0 < f.default_start[1] < y1
    assert f.params == {"text": "x^2 + 3*y^2", "bounds": ((-3.0, 1.0), (0.0, 5.0))}
    rebuilt = from_expression(**f.params)
    np.testing.assert_array_equal(rebuilt.value(GRID), f.value(GRID))


def test_given_name_and_title_are_kept():
    f = from_expression("x*y", name="my_saddle", title="A saddle")
    assert f.name == "my_saddle" and f.title == "A saddle"


@pytest.mark.parametrize("text, formula", [
    ("(1-x)^2 + 100*(y-x^2)^2", "(1 − x)² + 100(y − x²)²"),
    ("-x^2 - (y - 1)", "−x² − (y − 1)"),
    ("sqrt(x) + sqrt(x^2+y^2) + abs(x-y)", "√x + √(x² + y²) + |x − y|"),
    ("x*y/(1+x)^-2", "x·y/(1 + x)⁻²"),
    ("2^(x*y) * pi", "2^(x·y)·π"),
])
def test_unicode_formula(text, formula):
    assert build(text).formula == formula


def test_long_titles_are_shortened():
    f = build("+".join(["x^2"] * 30))
    assert len(f.title) <= 60 and f.title.endswith("…")


@pytest.mark.parametrize("bounds, fragment", [
    (((2, -2), (-2, 2)), "min < max"),
    (((-2, 2), (1, 1)), "min < max"),
    (((-np.inf, 2), (-2, 2)), "finite"),
    (((-2, float("nan")), (-2, 2)), "finite"),
    (((-2, 2),), "((xmin, xmax), (ymin, ymax))"),
    ("wide", "((xmin, xmax), (ymin, ymax))"),
])
def test_bad_bounds(bounds, fragment):
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        from_expression("x + y", bounds=bounds)


# --- errors name the problem and the 0-based position ----------------------------------
ERRORS = [
    ("", 0, "empty expression"),
    ("   ", 0, "empty expression"),
    ("sinn(x)", 0, "unknown function 'sinn' (did you mean 'sin'?); known: sin, cos"),
    ("x + foo(y)", 4, "unknown function 'foo'"),
    ("x + z", 4, "unknown name 'z'; the variables are x and y"),
    ("x*(y + 1", 2, "unclosed '('"),
    ("sin(x", 3, "unclosed '('"),
    ("x + 1)", 5, "unmatched ')'"),
    ("()", 1, "expected a number, variable, function or '(' but found ')'"),
    ("x +", 3, "expected a number, variable, function or '(' but found end of input"),
    ("x */ y", 3, "found '/'"),
    ("2x", 1, "missing operator between '2' and 'x' (write 2*x)"),
    ("x y", 2, "missing operator between 'x' and 'y'"),
    ("(x+1)(y-1)", 5, "missing operator between ')' and '('"),
    ("sin(x) 3", 7, "missing operator"),
    ("x + 1 $", 6, "unexpected character '$'"),
    ("x, y", 1, "unexpected ','"),
    ("sin(x, y)", 0, "sin() takes 1 argument, got 2"),
    ("max(x)", 0, "max() takes 2 arguments, got 1"),
    ("exp()", 0, "exp() takes 1 argument, got 0"),
    ("sin + x", 0, "function 'sin' needs parentheses"),
    ("x(y)", 0, "'x' is not a function"),
    ("1e+ * x", 0, "malformed number '1e+'"),
    ("x^2 = 4", 4, "type only the right-hand side"),
    ("x" * 501, 500, "expression too long: 501 characters (limit 500)"),
    ("1/0 + x", 1, "division by zero"),
    ("x + 0^-2", 5, "division by zero"),
    ("log(-1) * x", 0, "the constant log(−1) is undefined"),
    ("sqrt(-4) + y", 0, "undefined"),
]


@pytest.mark.parametrize("text, pos, fragment", ERRORS, ids=[repr(e[0][:20]) for e in ERRORS])
def test_errors_name_problem_and_position(text, pos, fragment):
    with pytest.raises(ValueError) as info:
        from_expression(text)
    err = info.value
    assert isinstance(err, ExpressionError)
    msg = str(err)
    assert fragment in msg
    assert msg.endswith(f"at position {pos}") and err.position == pos
    assert "\n" not in msg  # one line for the status bar; the caret is separate
    line, caret = err.caret.split("\n")
    assert line == text[:520] and caret == " " * pos + "^"


def test_error_for_non_text():
    with pytest.raises(ValueError, match="expression must be text"):
        from_expression(42)  # type: ignore[arg-type]


# --- hostile input: rejected quickly, never hangs ------------------------------------
def _raises_within(text: str, seconds: float = 5.0) -> BaseException | None:
    """Run from_expression in a daemon thread so a hang fails the test instead of the run."""
    box: dict[str, BaseException | None] = {}

    def target():
        try:
            from_expression(text)
            box["err"] = None
        except BaseException as e:  # noqa: BLE001 - reported to the test thread
            box["err"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"from_expression({text[:40]!r}...) still running after {seconds} s"
    return box["err"]


HOSTILE = [
    ("9**9**9**9", "exponent"),
    ("9^9^9^9", "exponent"),
    ("2**10**100", "exponent"),
    ("10**400", "exponent 400 is too large"),
    ("x^(10^400)", "exponent"),
    ("1e999999", "too large"),
    ("1" * 400, "too large"),
    ("x" + " * 1e99" * 50, None),  # accepted: sympy multiplies the floats, cheaply
    ("99999999999999^99", "too large"),
    ("exp(exp(exp(exp(exp(1)))))", "too large"),
    ("e^1000 + x", "exponent"),
    ("(" * 10_000 + "x" + ")" * 10_000, "too long"),
    ("(" * 300 + "x" + ")" * 300, "too long"),
    ("(" * 200 + "x" + ")" * 200, "nested too deeply"),
    ("-" * 300 + "x", "nested too deeply"),
    ("x" + "^x" * 100, "nested too deeply"),
    ("+".join(["x"] * 5000), "too long"),
    ("*".join(f"sin(x+{i}*y)" for i in range(40)), "too complex"),
]


@pytest.mark.parametrize("text, fragment", HOSTILE, ids=[repr(h[0][:20]) for h in HOSTILE])
def test_hostile_input_is_rejected_without_hanging(text, fragment):
    err = _raises_within(text)
    if fragment is None:
        assert err is None
    else:
        assert isinstance(err, ValueError), err
        assert fragment in str(err)


# --- no Python evaluation is reachable ------------------------------------------------
INJECTION = [
    ("__import__('os').system('touch /tmp/losslab_pwned')", "unknown function '__import__'"),
    ("x.__class__", "attribute access is not allowed"),
    ("x.real", "attribute access is not allowed"),
    ("lambda: 1", "Python keyword 'lambda'"),
    ("[x for x in y]", "use ( ) for grouping"),
    ("(x for x in y)", "Python keyword 'for'"),
    ("x if y else 1", "Python keyword 'if'"),
    ("x[0]", "use ( ) for grouping"),
    ("sin(x=1)", "type only the right-hand side"),
    ("'x'", "strings are not allowed"),
    ('"x" + y', "strings are not allowed"),
    ("exec('1')", "unknown function 'exec'"),
    ("eval", "unknown name 'eval'"),
    ("x; y", "unexpected character ';'"),
    ("x @ y", "unexpected character '@'"),
    ("import os", "Python keyword 'import'"),
    ("sympy.exp(x)", "attribute access is not allowed"),
]


@pytest.mark.parametrize("text, fragment", INJECTION, ids=[i[0] for i in INJECTION])
def test_code_is_never_evaluated(text, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="at position") as info:
        from_expression(text)
    assert fragment in str(info.value)
    assert not (tmp_path / "losslab_pwned").exists()
