"""Classic polynomial benchmarks from the optimization test-function tables.

Definitions, domains and minima follow Surjanovic & Bingham, Virtual Library
of Simulation Experiments (sfu.ca/~ssurjano), and Jamil & Yang, "A literature
survey of benchmark functions for global optimization problems" (2013).
Gradients and Hessians are hand-derived closed forms (checked against finite
differences in tests/landscapes/test_analytic.py).
"""
from __future__ import annotations

import math
from collections.abc import Iterator

from ..base import Coord, FunctionLandscape, Landscape
from ..registration import register
from ._common import finite_param


@register("rosenbrock")
def rosenbrock(a: float = 1.0, b: float = 100.0) -> Landscape:
    """f(x, y) = (a − x)² + b·(y − x²)²; global minimum 0 at (a, a²) (Rosenbrock 1960).

    ∇f = (−2(a − x) − 4b·x·(y − x²), 2b·(y − x²));
    H = [[2 − 4b·y + 12b·x², −4b·x], [−4b·x, 2b]]  (as scipy.optimize.rosen_hess).
    """
    a = finite_param("rosenbrock", "a", a)
    b = finite_param("rosenbrock", "b", b, low=0.0)

    def value(x: Coord, y: Coord) -> Coord:
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        r = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 2.0 - 4.0 * b * y + 12.0 * b * x * x, -4.0 * b * x, 2.0 * b

    ag, bg = f"{a:g}", f"{b:g}"
    return FunctionLandscape(
        name="rosenbrock",
        title="Rosenbrock",
        formula=f"({ag} − x)² + {bg}·(y − x²)²",
        latex=f"$({ag} - x)^2 + {bg}\\,(y - x^2)^2$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        minima=((a, a * a),),
        min_value=0.0,
        default_start=(-1.5, 2.0),
        log_scale=True,
        description=(
            "A curved, narrow, almost flat valley: finding the valley is easy, following it "
            "to the minimum at (1, 1) is slow for gradient descent and a showcase for momentum, "
            "Adam and Newton."
        ),
        params={"a": a, "b": b},
    )


_BEALE_C = (1.5, 2.25, 2.625)


@register("beale")
def beale() -> Landscape:
    """f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum 0 at (3, 0.5).

    With tᵢ = cᵢ − x + x·yⁱ: ∂tᵢ/∂x = yⁱ − 1, ∂tᵢ/∂y = i·x·yⁱ⁻¹, so
    ∇f = Σ 2tᵢ·∇tᵢ and H = Σ 2(∇tᵢ∇tᵢᵀ + tᵢ·∇²tᵢ) with ∇²tᵢ = [[0, i·yⁱ⁻¹], [i·yⁱ⁻¹, i(i−1)·x·yⁱ⁻²]].
    """

    def terms(x: Coord, y: Coord) -> Iterator[tuple[int, Coord, Coord, Coord, Coord]]:
        for i, c in enumerate(_BEALE_C, start=1):
            yi1 = y ** (i - 1)
            t = c - x + x * yi1 * y
            yield i, t, yi1 * y - 1.0, i * x * yi1, yi1

    def value(x: Coord, y: Coord) -> Coord:
        return sum(t * t for _, t, _, _, _ in terms(x, y))

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        gx = gy = 0.0
        for _, t, tx, ty, _ in terms(x, y):
            gx = gx + 2.0 * t * tx
            gy = gy + 2.0 * t * ty
        return gx, gy

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        hxx = hxy = hyy = 0.0
        for i, t, tx, ty, yi1 in terms(x, y):
            txy = i * yi1
            tyy = i * (i - 1) * x * y ** (i - 2) if i >= 2 else 0.0
            hxx = hxx + 2.0 * tx * tx
            hxy = hxy + 2.0 * (tx * ty + t * txy)
            hyy = hyy + 2.0 * (ty * ty + t * tyy)
        return hxx, hxy, hyy

    return FunctionLandscape(
        name="beale",
        title="Beale",
        formula="(1.5 − x + x·y)² + (2.25 − x + x·y²)² + (2.625 − x + x·y³)²",
        latex=r"$(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        minima=((3.0, 0.5),),
        min_value=0.0,
        default_start=(1.0, 1.5),
        log_scale=True,
        description=(
            "Flat plateaus and steep walls (values from 0 to 10⁵): the gradient size changes by "
            "orders of magnitude, which is where adaptive step sizes (RMSprop, Adam) earn their keep."
        ),
    )


@register("booth")
def booth() -> Landscape:
    """f = (x + 2y − 7)² + (2x + y − 5)²; minimum 0 at (1, 3).

    A quadratic: H = [[10, 8], [8, 10]] everywhere (eigenvalues 18 and 2, condition 9).
    """

    def value(x: Coord, y: Coord) -> Coord:
        return (x + 2.0 * y - 7.0) ** 2 + (2.0 * x + y - 5.0) ** 2

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        r1, r2 = x + 2.0 * y - 7.0, 2.0 * x + y - 5.0
        return 2.0 * r1 + 4.0 * r2, 4.0 * r1 + 2.0 * r2

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 10.0, 8.0, 10.0

    return FunctionLandscape(
        name="booth",
        title="Booth",
        formula="(x + 2·y − 7)² + (2·x + y − 5)²",
        latex=r"$(x + 2y - 7)^2 + (2x + y - 5)^2$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=((1.0, 3.0),),
        min_value=0.0,
        default_start=(-8.0, -2.0),
        description=(
            "A tilted, mildly elongated bowl (condition number 9): gradient descent zig-zags a "
            "little, Newton lands in one step."
        ),
    )


@register("matyas")
def matyas() -> Landscape:
    """f = 0.26·(x² + y²) − 0.48·x·y; minimum 0 at (0, 0).

    H = [[0.52, −0.48], [−0.48, 0.52]]: eigenvalue 0.04 along (1, 1) and 1 along
    (1, −1), a diagonal ravine of condition number 25.
    """

    def value(x: Coord, y: Coord) -> Coord:
        return 0.26 * (x * x + y * y) - 0.48 * x * y

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 0.52, -0.48, 0.52

    return FunctionLandscape(
        name="matyas",
        title="Matyas",
        formula="0.26·(x² + y²) − 0.48·x·y",
        latex=r"$0.26\,(x^2 + y^2) - 0.48\,xy$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        default_start=(-8.0, -5.0),
        description=(
            "A diagonal valley with a nearly flat floor (condition number 25, not aligned with "
            "the axes): gradient descent and Adam creep along the diagonal; momentum and Newton don't."
        ),
    )


# Himmelblau's four global minimizers, polished to full float precision (published
# to 6 decimals: (3, 2), (−2.805118, 3.131312), (−3.779310, −3.283186), (3.584428, −1.848126)).
HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.8051180869527449, 3.1313125182505730),
    (-3.7793102533777469, -3.2831859912861694),
    (3.5844283403304917, -1.8481265269644036),
)


@register("himmelblau")
def himmelblau() -> Landscape:
    """f = (x² + y − 11)² + (x + y² − 7)²; four global minima, all with value 0.

    ∇f = (4x·(x² + y − 11) + 2(x + y² − 7), 2(x² + y − 11) + 4y·(x + y² − 7));
    H = [[12x² + 4y − 42, 4(x + y)], [4(x + y), 4x + 12y² − 26]].
    """

    def value(x: Coord, y: Coord) -> Coord:
        return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        r1, r2 = x * x + y - 11.0, x + y * y - 7.0
        return 4.0 * x * r1 + 2.0 * r2, 2.0 * r1 + 4.0 * y * r2

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        return 12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y), 4.0 * x + 12.0 * y * y - 26.0

    return FunctionLandscape(
        name="himmelblau",
        title="Himmelblau",
        formula="(x² + y − 11)² + (x + y² − 7)²",
        latex=r"$(x^2 + y - 11)^2 + (x + y^2 - 7)^2$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=HIMMELBLAU_MINIMA,
        min_value=0.0,
        default_start=(-0.3, -0.9),
        log_scale=True,
        description=(
            "Four equally good minima: which one a run reaches depends on the start and the "
            "solver's path, not on quality - a picture of why the answer of a non-convex "
            "problem is 'a' minimum."
        ),
    )


# Three-hump camel: x·(3.5 − 4.2x² + x⁴) = 0 on y = −x/2; the larger root x² = (4.2 + √3.64)/2
# gives the two local minima.
_CAMEL3_X = math.sqrt((4.2 + math.sqrt(3.64)) / 2.0)


@register("three_hump_camel")
def three_hump_camel() -> Landscape:
    """f = 2x² − 1.05x⁴ + x⁶/6 + x·y + y²; global minimum 0 at (0, 0).

    Two local minima at ±(1.7475523, −0.8737761) (value 0.2986384). ∇f = (4x − 4.2x³ + x⁵ + y,
    x + 2y); H = [[4 − 12.6x² + 5x⁴, 1], [1, 2]].
    """

    def value(x: Coord, y: Coord) -> Coord:
        x2 = x * x
        return 2.0 * x2 - 1.05 * x2 * x2 + x2 * x2 * x2 / 6.0 + x * y + y * y

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        x2 = x * x
        return 4.0 * x - 4.2 * x2 * x + x2 * x2 * x + y, x + 2.0 * y

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        x2 = x * x
        return 4.0 - 12.6 * x2 + 5.0 * x2 * x2, 1.0, 2.0

    return FunctionLandscape(
        name="three_hump_camel",
        title="Three-hump camel",
        formula="2·x² − 1.05·x⁴ + x⁶/6 + x·y + y²",
        latex=r"$2x^2 - 1.05\,x^4 + \frac{x^6}{6} + xy + y^2$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-2.5, 2.5), (-2.5, 2.5)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        local_minima=((_CAMEL3_X, -_CAMEL3_X / 2.0), (-_CAMEL3_X, _CAMEL3_X / 2.0)),
        default_start=(-2.2, 1.8),
        description=(
            "One global minimum at the origin flanked by two shallow local minima: a start "
            "on the flank shows plain descent settling in the side hump while momentum can carry over."
        ),
    )


# Six-hump camel global minimizers ±(0.0898420131, −0.7126564030) (published to 4
# decimals; polished by Newton on the gradient below), value −1.0316284535.
SIX_HUMP_MINIMUM = (0.08984201310031806, -0.7126564030207396)


@register("six_hump_camel")
def six_hump_camel() -> Landscape:
    """f = (4 − 2.1x² + x⁴/3)·x² + x·y + (−4 + 4y²)·y²; minimum −1.0316284535 at ±(0.0898, −0.7126).

    ∇f = (8x − 8.4x³ + 2x⁵ + y, x − 8y + 16y³); H = [[8 − 25.2x² + 10x⁴, 1], [1, −8 + 48y²]].
    """

    def value(x: Coord, y: Coord) -> Coord:
        x2, y2 = x * x, y * y
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        x2 = x * x
        return 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y, x - 8.0 * y + 16.0 * y * y * y

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        x2 = x * x
        return 8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0, -8.0 + 48.0 * y * y

    mx, my = SIX_HUMP_MINIMUM
    return FunctionLandscape(
        name="six_hump_camel",
        title="Six-hump camel",
        formula="(4 − 2.1·x² + x⁴/3)·x² + x·y + (−4 + 4·y²)·y²",
        latex=r"$(4 - 2.1\,x^2 + \frac{x^4}{3})\,x^2 + xy + (-4 + 4y^2)\,y^2$",
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-2.0, 2.0), (-1.25, 1.25)),
        minima=((mx, my), (-mx, -my)),
        min_value=-1.0316284534898774,
        default_start=(-1.6, -1.1),
        description=(
            "Six minima, two of them global and symmetric: where a run ends depends on its "
            "momentum and step size as much as on where it starts."
        ),
    )


@register("goldstein_price")
def goldstein_price() -> Landscape:
    """Goldstein-Price: [1 + (x + y + 1)²·(19 − 14x + 3x² − 14y + 6xy + 3y²)]
    · [30 + (2x − 3y)²·(18 − 32x + 12x² + 48y − 36xy + 27y²)]; minimum 3 at (0, −1).

    The first factor depends on s = x + y only, A(s) = 1 + (s + 1)²·(19 − 14s + 3s²),
    the second on b = 2x − 3y only, B(b) = 30 + b²·(18 − 16b + 3b²). So with
    f = A·B: f_x = A′B + 2AB′, f_y = A′B − 3AB′, f_xx = A″B + 4A′B′ + 4AB″,
    f_xy = A″B − A′B′ − 6AB″, f_yy = A″B − 6A′B′ + 9AB″.
    """

    def parts(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord, Coord, Coord, Coord]:
        s, b = x + y, 2.0 * x - 3.0 * y
        s1, s1s = s + 1.0, (s + 1.0) ** 2
        p, pd, pdd = 19.0 - 14.0 * s + 3.0 * s * s, -14.0 + 6.0 * s, 6.0
        a0 = 1.0 + s1s * p
        a1 = 2.0 * s1 * p + s1s * pd
        a2 = 2.0 * p + 4.0 * s1 * pd + s1s * pdd
        q, qd, qdd = 18.0 - 16.0 * b + 3.0 * b * b, -16.0 + 6.0 * b, 6.0
        b0 = 30.0 + b * b * q
        b1 = 2.0 * b * q + b * b * qd
        b2 = 2.0 * q + 4.0 * b * qd + b * b * qdd
        return a0, a1, a2, b0, b1, b2

    def value(x: Coord, y: Coord) -> Coord:
        a0, _, _, b0, _, _ = parts(x, y)
        return a0 * b0

    def grad(x: Coord, y: Coord) -> tuple[Coord, Coord]:
        a0, a1, _, b0, b1, _ = parts(x, y)
        return a1 * b0 + 2.0 * a0 * b1, a1 * b0 - 3.0 * a0 * b1

    def hessian(x: Coord, y: Coord) -> tuple[Coord, Coord, Coord]:
        a0, a1, a2, b0, b1, b2 = parts(x, y)
        return (a2 * b0 + 4.0 * a1 * b1 + 4.0 * a0 * b2,
                a2 * b0 - a1 * b1 - 6.0 * a0 * b2,
                a2 * b0 - 6.0 * a1 * b1 + 9.0 * a0 * b2)

    return FunctionLandscape(
        name="goldstein_price",
        title="Goldstein-Price",
        formula=("[1 + (x + y + 1)²·(19 − 14·x + 3·x² − 14·y + 6·x·y + 3·y²)]"
                 " · [30 + (2·x − 3·y)²·(18 − 32·x + 12·x² + 48·y − 36·x·y + 27·y²)]"),
        latex=(r"$[1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)]"
               r"\,[30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)]$"),
        value=value,
        grad=grad,
        hessian=hessian,
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        minima=((0.0, -1.0),),
        min_value=3.0,
        default_start=(-1.2, 0.8),
        log_scale=True,
        description=(
            "Values from 3 to 10⁶ with several local minima (30 at (−0.6, −0.4), 84 at (1.8, 0.2)): "
            "step sizes that suit the walls are useless on the floor and vice versa."
        ),
    )
