"""Loss surfaces: pure numpy, no Qt. See DESIGN.md for the API."""
from .base import Bounds, FunctionLandscape, Landscape, as_points
from .expression import ExpressionError, from_expression
from .gradcheck import gradcheck, numerical_grad, numerical_hessian
from .registry import UnknownLandscapeError, get, names, register
from .regularized import regularized

__all__ = [
    "Bounds", "FunctionLandscape", "Landscape", "as_points",
    "UnknownLandscapeError", "get", "names", "register",
    "gradcheck", "numerical_grad", "numerical_hessian", "regularized",
    "ExpressionError", "from_expression",
]
