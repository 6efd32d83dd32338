"""Loss surfaces: pure numpy, no Qt. See DESIGN.md for the API."""
from .base import Bounds, FunctionLandscape, Landscape, as_points
from .gradcheck import gradcheck, numerical_grad, numerical_hessian
from .registry import UnknownLandscapeError, get, names, register
from .regularized import regularized

__all__ = [
    "Bounds", "FunctionLandscape", "Landscape", "as_points",
    "UnknownLandscapeError", "get", "names", "register",
    "gradcheck", "numerical_grad", "numerical_hessian", "regularized",
]

try:  # TEMPORARY while landscapes/expression.py is being written
    from .expression import from_expression  # noqa: F401
    __all__ += ["from_expression"]
except ImportError:  # pragma: no cover
    pass
