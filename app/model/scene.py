"""A Scene: everything needed to reproduce a picture or a race, as plain data.

Saved as versioned JSON (see scene_io). No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCENE_VERSION = 1

# Okabe-Ito, colour-blind safe; black is left for the theme.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442")


@dataclass
class LandscapeSpec:
    """Which surface: a registry name with params, or a typed expression."""

    name: str = "rosenbrock"            # registry name, or "expression", or "cifar_slice"
    params: dict[str, Any] = field(default_factory=dict)   # e.g. {"condition": 20}
    expression: str | None = None       # f(x, y) text when name == "expression"
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None  # None: landscape default
    l2: float = 0.0                     # regularization added on top (landscapes.regularized)
    l1: float = 0.0
    resolution: int = 200               # grid points per side for the views


@dataclass
class ViewSpec:
    mode: str = "both"                  # "both" | "3d" | "2d"
    colormap: str = "viridis"           # "viridis" | "cividis" | ...
    log_z: bool | None = None           # None: follow the landscape's log_scale
    contour_levels: int = 20
    wireframe: bool = False
    camera: dict[str, float] = field(default_factory=dict)  # distance, elevation, azimuth


@dataclass
class RunSpec:
    """One solver racing: its hyper-parameters use torch's names (lr, momentum, alpha, betas, ...)."""

    solver: str = "gd"
    hyper: dict[str, Any] = field(default_factory=dict)
    start: tuple[float, float] | None = None   # None: the landscape's default_start
    color: str | None = None                   # None: next palette colour
    label: str | None = None                   # None: "adam (lr 1.0e-02)"
    noise: float = 0.0                         # gradient noise, in units of grad_scale
    schedule: dict[str, Any] | None = None     # e.g. {"kind": "cosine", "warmup": 10}
    batch_size: int | None = None              # minibatch size on data landscapes (sgd)
    enabled: bool = True


@dataclass
class PlaybackSpec:
    steps: int = 300        # total steps of the race
    speed: int = 1          # steps per frame
    fps: int = 30           # frames per second for playback and video


@dataclass
class Scene:
    title: str = "Untitled"
    caption: str = ""
    landscape: LandscapeSpec = field(default_factory=LandscapeSpec)
    view: ViewSpec = field(default_factory=ViewSpec)
    runs: list[RunSpec] = field(default_factory=list)
    playback: PlaybackSpec = field(default_factory=PlaybackSpec)
    seed: int = 0
    version: int = SCENE_VERSION
