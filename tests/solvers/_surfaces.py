"""Small landscapes written inline for the solver tests (solvers never import landscapes)."""
from __future__ import annotations

import numpy as np


class Quadratic:
    """f = ½ (a x² + b y²) + c x y: a bowl, a ravine (b ≫ a) or a saddle (b < 0)."""

    def __init__(self, a=1.0, b=1.0, c=0.0, bounds=((-2.0, 2.0), (-2.0, 2.0))):
        self.a, self.b, self.c = a, b, c
        self.bounds = bounds
        self.grad_scale = 1.0

    def value(self, p):
        x, y = p[..., 0], p[..., 1]
        return 0.5 * (self.a * x * x + self.b * y * y) + self.c * x * y

    def grad(self, p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([self.a * x + self.c * y, self.b * y + self.c * x], axis=-1)

    def hessian(self, p):
        h = np.array([[self.a, self.c], [self.c, self.b]])
        return np.broadcast_to(h, np.shape(p)[:-1] + (2, 2))


class Rosenbrock:
    """f = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1)."""

    bounds = ((-2.0, 2.0), (-1.0, 3.0))
    grad_scale = 100.0

    def value(self, p):
        x, y = p[..., 0], p[..., 1]
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def grad(self, p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)

    def hessian(self, p):
        x, y = p[..., 0], p[..., 1]
        h = np.empty(np.shape(p)[:-1] + (2, 2))
        h[..., 0, 0] = 2 - 400 * (y - x * x) + 800 * x * x
        h[..., 0, 1] = h[..., 1, 0] = -400 * x
        h[..., 1, 1] = 200.0
        return h


class CubicValley:
    """f = x³/3 + y²: Hessian diag(2x, 2) is singular on the line x = 0."""

    bounds = ((-2.0, 2.0), (-2.0, 2.0))
    grad_scale = 1.0

    def value(self, p):
        return p[..., 0] ** 3 / 3 + p[..., 1] ** 2

    def grad(self, p):
        return np.stack([p[..., 0] ** 2, 2 * p[..., 1]], axis=-1)

    def hessian(self, p):
        h = np.zeros(np.shape(p)[:-1] + (2, 2))
        h[..., 0, 0] = 2 * p[..., 0]
        h[..., 1, 1] = 2.0
        return h


class Quartic:
    """f = x⁴ + y⁴: stationary at 0, where the Hessian diag(12x², 12y²) is all zero."""

    bounds = ((-2.0, 2.0), (-2.0, 2.0))
    grad_scale = 1.0

    def value(self, p):
        return p[..., 0] ** 4 + p[..., 1] ** 4

    def grad(self, p):
        return 4 * p ** 3

    def hessian(self, p):
        h = np.zeros(np.shape(p)[:-1] + (2, 2))
        h[..., 0, 0] = 12 * p[..., 0] ** 2
        h[..., 1, 1] = 12 * p[..., 1] ** 2
        return h


class MonkeySaddle:
    """f = x³ − 3xy²: stationary at 0 with a zero Hessian (neither minimum nor saddle of 2nd order)."""

    bounds = ((-2.0, 2.0), (-2.0, 2.0))
    grad_scale = 1.0

    def value(self, p):
        x, y = p[..., 0], p[..., 1]
        return x ** 3 - 3 * x * y * y

    def grad(self, p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([3 * x * x - 3 * y * y, -6 * x * y], axis=-1)

    def hessian(self, p):
        x, y = p[..., 0], p[..., 1]
        h = np.empty(np.shape(p)[:-1] + (2, 2))
        h[..., 0, 0] = 6 * x
        h[..., 0, 1] = h[..., 1, 0] = -6 * y
        h[..., 1, 1] = -6 * x
        return h
