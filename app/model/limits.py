"""The one home of the app's limits and fixed name lists.

The scene loader, the command line, the export dialog, the offscreen
renderer and the swarm tools all read these, so a limit is changed in one
place. Limits are what a person would use, with room to spare: past them a
request is refused at load in one line instead of running for hours.
"""
from __future__ import annotations

from typing import Literal, get_args

# Views a scene, an export or the command line can show (the type for annotations, the tuple for checks);
# "data" is the linear-classifier lab's data view (a toy_classifier landscape only).
ViewMode = Literal["both", "3d", "2d", "data"]
VIEW_MODES: tuple[str, ...] = get_args(ViewMode)
# What the 2-D map is coloured by: the loss, the Hessian's smaller eigenvalue, or |λmin/λmax| (Li et al. 2018).
ColorBy = Literal["loss", "lambda_min", "curvature_ratio"]
COLOR_BY: tuple[str, ...] = get_args(ColorBy)
# Output files the renderer writes.
IMAGE_SUFFIXES = (".png", ".svg")
VIDEO_SUFFIXES = (".mp4", ".gif")
OUT_SUFFIXES = IMAGE_SUFFIXES + VIDEO_SUFFIXES

# Pictures and videos.
MIN_SIZE = (16, 16)
MAX_SIZE = (7680, 4320)
FPS_RANGE = (1, 120)

# A race: steps of playback, runs in one scene, and their product (the work a scene may ask for).
MAX_STEPS = 100_000
MAX_RUNS = 64
MAX_RUN_STEPS = 2_000_000
# Grid resolution of a sampled surface (per side).
MIN_RESOLUTION = 8
MAX_RESOLUTION = 2000

# Scene files: read from regular files only, up to this size; text fields up to these lengths.
MAX_SCENE_BYTES = 10 * 1024 * 1024
MAX_TITLE_CHARS = 200
MAX_CAPTION_CHARS = 5000
MAX_LABEL_CHARS = 80
MAX_EXPRESSION_CHARS = 2000
# How deep a scene's JSON may nest (a scene needs 4 levels; deeper is a hostile file,
# refused before anything recursive sees it), and the largest seed it may give.
MAX_SCENE_NESTING = 16
MAX_SEED = 2**63 - 1
# A fair race's tuning (app.model.fair_race): what it scores, how many settings each solver tries,
# and over how many seeds. Every solver with a second hyper-parameter tries TUNE_SECOND_VALUES
# values of it, each with trials / TUNE_SECOND_VALUES learning rates, so trials is a multiple of it.
TuneObjective = Literal["final_loss", "auc", "distance_to_minimum"]
TUNE_OBJECTIVES: tuple[str, ...] = get_args(TuneObjective)
TUNE_SECOND_VALUES = 4
MAX_TRIALS = 256
MAX_TUNE_SEEDS = 16
MAX_TUNE_STEPS = 20_000_000    # runs × trials × seeds × steps: minutes of work, not hours
# Playback speed (steps per frame) and contour lines of the 2-D view.
MAX_SPEED = 10_000
MAX_CONTOUR_LEVELS = 500
# A phase map (app.model.phase_map): cells per side and steps of each cell, in a scene, the window
# and the command line; the outcomes it can show.
MapOutcome = Literal["final_gap", "steps_to_tol", "diverged", "auc"]
MAP_OUTCOMES: tuple[str, ...] = get_args(MapOutcome)
MAX_MAP_CELLS = 128
MAX_MAP_STEPS = 5000
# Minibatch sizes: a run's (the runs panel's range; larger than the data is drawing with
# replacement), and a phase map's batch-size axis, whose up to MAX_MAP_CELLS cells each draw
# their own minibatch every step (128 × 4096 images of scores is ~40 MB a step, not gigabytes).
MAX_BATCH = 50_000
MAX_MAP_BATCH = 4096
