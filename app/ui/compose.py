"""The features of Loss Lab, composed onto a main window: the one place to add a feature.

Each entry is (name, install); ``install(host)`` adds the feature's docks,
menus and actions through the window's host (app.ui.window.host) and returns
the feature's object, which keeps its own state. The modules are imported at
the top: a feature that fails to import stops the start with its traceback,
never a silently missing menu.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from app.ui.features import (
    annotations,
    cifar_curvature,
    cifar_panel,
    cifar_training,
    curvature,
    export_dialog,
    fair_race,
    help,
    landmarks,
    lecture,
    lr_inset,
    phase_map,
    scene_editor,
    swarm_window,
    toy_lab,
)
from app.ui.window.host import Host
from app.ui.window.main_window import MainWindow

FEATURES: tuple[tuple[str, Callable[[Host], QObject]], ...] = (
    ("annotations", annotations.install),      # G / V / U / E overlays
    ("lr_inset", lr_inset.install),            # I: each run's lr(t) over the map (schedules)
    ("landmarks", landmarks.install),          # W_init, W*, W_random marked on a CIFAR-10 plane
    ("curvature", curvature.install),          # H / Shift+H local quadratics, 2/λmax on the lr slider, K colouring
    ("lecture", lecture.install),              # F11 presentation mode, clicker navigation
    ("cifar", cifar_panel.install),            # CIFAR-10 slice dock
    ("cifar_training", cifar_training.install),  # CIFAR-10 → Training race… (after the CIFAR-10 menu)
    ("cifar_curvature", cifar_curvature.install),  # CIFAR-10 → curvature window (Ctrl+H)
    ("swarm", swarm_window.install),           # basins of attraction, learning-rate sweep
    ("phase_map", phase_map.install),          # Swarm → Phase map… (Ctrl+Shift+M): outcome over two hyper-parameters
    ("fair_race", fair_race.install),          # Swarm → Tune all… (Ctrl+Shift+U) under one budget
    ("export", export_dialog.install),         # File → Export… (images, videos)
    ("scene_editor", scene_editor.install),    # Ctrl+T title and caption, M reveals the next run
    ("toy_lab", toy_lab.install),              # linear-classifier lab: data view and its table
    ("help", help.install),                    # F1 / ? every shortcut, About (last: its menu ends the bar)
)


def compose(window: MainWindow) -> dict[str, QObject]:
    """Install every feature on ``window``; returns them by name."""
    features = {name: install(window.host) for name, install in FEATURES}
    window.restore_layout()    # the features' docks (CIFAR-10) as last left
    return features
