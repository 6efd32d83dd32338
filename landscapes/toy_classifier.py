"""The lecture's 2-D linear classifier (nine points, three classes, W (3, 2), b (3,)) in pure numpy.

    from landscapes.toy_classifier import classic_points, classic_start, multiclass_loss
    X, y = classic_points()                   # (9, 2) float, (9,) int
    W, b = classic_start()                    # the demo's W (3, 2), b (3,)
    loss, dW, db = multiclass_loss(W, b, X, y, kind="ww", reg=0.1)

- losses: multiclass_loss (kinds "ww", "ova", "structured", "softmax"; W (..., C, 2)
  and b (..., C) broadcast), point_losses (scores and per-point losses),
  loss_hessian / softmax_hessian (exact, over theta = [W row-major, b]);
- data: classic_points, classic_start, gaussian_blobs, two_rings;
- parameters as one vector: param_names, param_index, pack, unpack;
- full_objective(X, y, kind, reg): value/grad/hessian/gradcheck over theta (..., 3C);
- weight_space(W, b, X, y, kind, reg, axes=("W[0,0]", "W[0,1]") | "random"):
  the loss over a plane of parameters as a Landscape, with project,
  distance_from_plane, lift and through for runs in the full space.

The code lives in landscapes/toy/, one job per module.
"""
from __future__ import annotations

from .toy.data import classic_points, classic_start, gaussian_blobs, two_rings
from .toy.losses import (
    KIND_TITLES,
    KINDS,
    loss_hessian,
    multiclass_loss,
    point_losses,
    softmax_hessian,
)
from .toy.objective import FullObjective, GradCheck, full_objective
from .toy.params import pack, param_index, param_names, unpack
from .toy.weight_space import DEFAULT_AXES, WeightSpaceLandscape, random_directions, weight_space

__all__ = [
    "KINDS", "KIND_TITLES", "multiclass_loss", "point_losses", "loss_hessian", "softmax_hessian",
    "classic_points", "classic_start", "gaussian_blobs", "two_rings",
    "param_names", "param_index", "pack", "unpack",
    "FullObjective", "GradCheck", "full_objective",
    "DEFAULT_AXES", "WeightSpaceLandscape", "random_directions", "weight_space",
]
