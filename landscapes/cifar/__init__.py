"""CIFAR-10: safe loading, download, a linear classifier and exact loss-landscape slices.

Pure numpy (plus stdlib and platformdirs). See DESIGN.md "Data landscapes".
"""
from .build import build_cifar_slice, trained_weights
from .cache import data_fingerprint, default_cache_dir
from .curvature import hessian_top_eigs, hessian_vector_product
from .directions import filter_normalized_directions, plane_through
from .download import OFFICIAL_MD5, OFFICIAL_URL, cached_archive, fetch_cifar10
from .errors import Cancelled, CifarError
from .linear import (
                     accuracy,
                     image_mean,
                     initial_weights,
                     loss_and_grad,
                     numerical_grad_W,
                     predict,
                     preprocess,
                     random_search,
                     relative_error,
                     sample_indices,
                     train_linear,
)
from .loader import LABEL_NAMES, load_cifar10, to_images
from .slice import CifarSlice, cifar_slice
from .spectrum import hessian_spectrum_density, hessian_trace
from .trajectory import TrajectoryPlane, trajectory_plane

__all__ = [
    "build_cifar_slice", "trained_weights", "data_fingerprint", "default_cache_dir",
    "filter_normalized_directions", "plane_through",
    "OFFICIAL_MD5", "OFFICIAL_URL", "cached_archive", "fetch_cifar10",
    "Cancelled", "CifarError",
    "accuracy", "image_mean", "initial_weights", "loss_and_grad", "numerical_grad_W", "predict",
    "preprocess", "random_search", "relative_error", "sample_indices", "train_linear",
    "LABEL_NAMES", "load_cifar10", "to_images",
    "CifarSlice", "cifar_slice",
    "hessian_vector_product", "hessian_top_eigs", "hessian_trace", "hessian_spectrum_density",
    "TrajectoryPlane", "trajectory_plane",
]
