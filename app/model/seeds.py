"""The RNG seed of each run: independent streams per run, fixed by the scene's seed."""
from __future__ import annotations

import numpy as np


def run_seed(scene_seed: int, index: int) -> int:
    """The RNG seed of run ``index``: independent streams per run, fixed by the scene."""
    return int(np.random.SeedSequence([int(scene_seed), int(index)]).generate_state(1)[0])
