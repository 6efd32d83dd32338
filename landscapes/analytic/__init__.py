"""The analytic test functions, registered in teaching order.

Importing this package registers every landscape into landscapes.registration
(landscapes.registry imports it). Module order is registration order: simple quadratics first, then
the classic polynomial benchmarks, the multimodal ones, and the two lecture
shapes designed for Loss Lab.
"""
# isort: skip_file
from . import quadratic  # noqa: F401  quadratic_bowl, ravine, saddle, monkey_saddle
from . import polynomial  # noqa: F401  rosenbrock ... goldstein_price
from . import multimodal  # noqa: F401  levi13, mccormick, styblinski_tang, rastrigin, ackley
from . import lecture  # noqa: F401  sharp_flat, local_minima
