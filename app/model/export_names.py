"""A default export file name from a scene's title, cut at a word, not inside one."""
from __future__ import annotations

import re

STEM_LIMIT = 40


def file_stem(title: str, limit: int = STEM_LIMIT) -> str:
    """Lower-case words of ``title`` joined by "_", as many whole words as fit in ``limit`` characters.

    "SGD batch size on a real loss surface (CIFAR-10)" -> "sgd_batch_size_on_a_real_loss_surface":
    a name cut inside a word ("..._surface_ci") reads as a typo. A first word longer than
    ``limit`` is cut (there is no word boundary to cut at); no words at all give "losslab".
    """
    words = [w for w in re.split(r"[^A-Za-z0-9]+", title.lower()) if w]
    stem = ""
    for word in words:
        longer = f"{stem}_{word}" if stem else word
        if len(longer) > limit:
            break
        stem = longer
    return stem or (words[0][:limit] if words else "losslab")
