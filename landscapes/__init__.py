"""Loss surfaces: pure numpy, no Qt. See DESIGN.md for the API."""
from .base import Bounds, FunctionLandscape, Landscape, as_points
from .registry import UnknownLandscapeError, get, names, register

__all__ = [
    "Bounds", "FunctionLandscape", "Landscape", "as_points",
    "UnknownLandscapeError", "get", "names", "register",
]

# Filled in by their modules (kept importable from the package, as DESIGN.md asks).
try:  # pragma: no cover - during bootstrap some modules may not exist yet
    from .gradcheck import gradcheck, numerical_grad  # noqa: F401
    from .regularized import regularized  # noqa: F401
    from .expression import from_expression  # noqa: F401
    __all__ += ["gradcheck", "numerical_grad", "regularized", "from_expression"]
except ImportError:  # pragma: no cover
    pass
