"""Default export file names: whole words of the scene title, never cut inside a word."""
from __future__ import annotations

from app.model.export_names import file_stem


def test_a_long_title_is_cut_after_the_last_whole_word():
    # the 46-character slug "sgd_batch_size_on_a_real_loss_surface_cifar_10" used to be cut at 40: "..._surface_ci"
    assert file_stem("SGD batch size on a real loss surface (CIFAR-10)") == "sgd_batch_size_on_a_real_loss_surface"


def test_every_word_of_the_stem_is_a_word_of_the_title():
    title = "Learning-rate schedules: constant, step decay, cosine and warm-up, side by side in four wells"
    stem = file_stem(title)
    assert len(stem) <= 40 and stem.startswith("learning_rate_schedules_")
    words = set(title.lower().replace(",", " ").replace(":", " ").replace("-", " ").split())
    assert set(stem.split("_")) <= words


def test_short_odd_and_empty_titles():
    assert file_stem("Ravine (κ = 20)") == "ravine_20"
    assert file_stem("x" * 50) == "x" * 40          # one word longer than the limit: no boundary to cut at
    assert file_stem("  ——  ") == "losslab"
    assert file_stem("a b c", limit=3) == "a_b"
