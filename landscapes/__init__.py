"""Loss surfaces: pure numpy, no Qt. See DESIGN.md for the API."""
from typing import Any

from .base import Bounds, FunctionLandscape, Landscape, as_points
from .gradcheck import gradcheck, numerical_grad, numerical_hessian
from .registry import UnknownLandscapeError, get, names, register
from .regularized import regularized

__all__ = [
    "Bounds", "FunctionLandscape", "Landscape", "as_points",
    "UnknownLandscapeError", "get", "names", "register",
    "gradcheck", "numerical_grad", "numerical_hessian", "regularized",
    "ExpressionError", "from_expression",
]


def __getattr__(name: str) -> Any:
    # The expression landscape pulls in sympy (~0.25 s): import it on first use
    # so the app's cold start does not pay for it.
    if name in ("from_expression", "ExpressionError"):
        from . import expression

        return getattr(expression, name)
    raise AttributeError(f"module 'landscapes' has no attribute {name!r}")
