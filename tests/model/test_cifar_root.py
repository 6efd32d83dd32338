"""One data folder for CIFAR-10 scenes: chosen (app setting, --cifar-root), else the env var,
else the download cache; missing data says what to do (issue 10 point 9)."""
from __future__ import annotations

import pytest

from app.model import build, landscape_kinds
from app.model.landscape_kinds import CIFAR_ROOT_ENV, cifar_root, set_cifar_root
from app.model.scene import LandscapeSpec


@pytest.fixture(autouse=True)
def no_chosen_root(monkeypatch):
    monkeypatch.delenv(CIFAR_ROOT_ENV, raising=False)
    set_cifar_root(None)
    yield
    set_cifar_root(None)


@pytest.fixture
def seen(monkeypatch):
    import landscapes.cifar as cifar

    got: dict = {}

    def fake(**kw):
        got.clear()
        got.update(kw)
        return build.build_landscape(LandscapeSpec(name="quadratic_bowl"))

    monkeypatch.setattr(cifar, "build_cifar_slice", fake)
    return got


def test_the_chosen_folder_wins_over_the_env_var(seen, monkeypatch, tmp_path):
    chosen, lab = tmp_path / "mine", tmp_path / "lab"
    chosen.mkdir()
    lab.mkdir()
    monkeypatch.setenv(CIFAR_ROOT_ENV, str(lab))
    assert cifar_root() == str(lab)
    set_cifar_root(chosen)
    assert cifar_root() == str(chosen)
    build.build_landscape(LandscapeSpec(name="cifar_slice", params={"subset": 100}))
    assert seen["root"] == str(chosen) and seen["subset"] == 100
    build.build_landscape(LandscapeSpec(name="cifar_slice", params={"root": str(lab)}))
    assert seen["root"] == str(lab)                       # a scene's own root still wins
    set_cifar_root("  ")
    assert cifar_root() == str(lab)                       # an empty choice is no choice


def test_a_missing_folder_says_what_to_do(seen, tmp_path):
    set_cifar_root(tmp_path / "gone")
    with pytest.raises(ValueError) as e:
        build.build_landscape(LandscapeSpec(name="cifar_slice"))
    text = str(e.value)
    assert f"no CIFAR-10 data at {tmp_path / 'gone'}" in text
    assert "Download" in text and "Data" in text and "losslab cifar fetch" in text
    assert "fetch_cifar10" not in text and "\n" not in text and not seen


def test_nothing_downloaded_and_nothing_chosen_says_what_to_do(seen, monkeypatch, tmp_path):
    import landscapes.cifar.cache as cache

    monkeypatch.setattr(cache, "user_cache_root", lambda: tmp_path)
    monkeypatch.setattr(cache, "default_cache_dir", lambda: tmp_path / "cifar10")
    with pytest.raises(ValueError, match=r"CIFAR-10 data not found .*Download.*losslab cifar fetch"):
        build.build_landscape(LandscapeSpec(name="cifar_slice"))
    assert not seen
    assert landscape_kinds.CIFAR_ADVICE.count("`losslab cifar fetch`") == 1
