"""cifar_slice parameters as a scene file gives them: each bad one named in one line, nothing built."""
from __future__ import annotations

import json

import pytest

from app.model.build import build_landscape
from app.model.scene import LandscapeSpec
from landscapes.cifar import CifarError, build_cifar_slice

from .conftest import make_fake_folder


def spec(**params) -> LandscapeSpec:
    return LandscapeSpec(name="cifar_slice", params=params)


def test_cache_dir_outside_the_user_cache_is_refused_and_nothing_is_created(tmp_path):
    folder = make_fake_folder(tmp_path / "data")
    tree = tmp_path / "any" / "tree" / "it" / "names"
    with pytest.raises(CifarError, match=r"cache_dir '.*names' is outside the Loss Lab cache folder"):
        build_landscape(spec(root=str(folder), cache_dir=str(tree)))
    assert not (tmp_path / "any").exists()
    # a relative name climbing out of the cache folder is outside too
    with pytest.raises(CifarError, match="outside the Loss Lab cache folder"):
        build_cifar_slice(folder, cache_dir="../../escaped")


def test_cache_dir_inside_the_user_cache_is_used(tmp_path, monkeypatch):
    from landscapes.cifar import build as build_module
    from landscapes.cifar.cache import check_cache_dir, user_cache_root

    assert check_cache_dir("mine") == (user_cache_root() / "mine").resolve()
    assert check_cache_dir(None) == user_cache_root() / "cifar10"
    seen = {}

    def stop_at_training(x, y, loss, reg, strength, seed, cache_dir, progress=None, cancel=None):
        seen["cache_dir"] = cache_dir
        raise RuntimeError("stop here")
    monkeypatch.setattr(build_module, "trained_weights", stop_at_training)
    with pytest.raises(RuntimeError, match="stop here"):
        build_cifar_slice(make_fake_folder(tmp_path), cache_dir=user_cache_root() / "sub")
    assert seen["cache_dir"] == (user_cache_root() / "sub").resolve()


@pytest.mark.parametrize("params, message", [
    ({"root": 5}, "root must be a folder or archive path (text), got int 5"),
    ({"root": True}, "root must be a folder or archive path"),
    ({"subset": "abc"}, "subset must be a whole number >= 1, got 'abc'"),
    ({"subset": 2.5}, "subset must be a whole number >= 1, got 2.5"),
    ({"seed": "x"}, "seed must be a whole number >= 0, got 'x'"),
    ({"strength": "abc"}, "strength must be finite and >= 0, got 'abc'"),
    ({"strength": 10 ** 400}, "strength must be finite and >= 0"),
    ({"loss": ["softmax"]}, "unknown loss ['softmax']"),
    ({"cache_dir": 7}, "cache_dir must be a folder path, got int 7"),
])
def test_bad_parameter_is_named(tmp_path, params, message):
    with pytest.raises(ValueError) as err:
        build_landscape(spec(**{"root": str(tmp_path), **params}))
    assert message in str(err.value) and "\n" not in str(err.value)
    assert not isinstance(err.value, (TypeError, OverflowError))


def test_cli_render_of_a_scene_with_a_foreign_cache_dir_is_one_line_exit_2(tmp_path, capsys):
    pytest.importorskip("PySide6")
    from app import cli

    folder = make_fake_folder(tmp_path / "data")
    tree = tmp_path / "made" / "by" / "render"
    scene = {"landscape": {"name": "cifar_slice", "params": {"root": str(folder), "cache_dir": str(tree)}},
             "runs": [{"solver": "gd"}]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scene))
    code = cli.main(["render", str(path), "--view", "2d", "--size", "320x240", "--out", str(tmp_path / "x.png")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.rstrip("\n").split("\n")[-1].startswith("losslab: error: cache_dir ")
    assert not (tmp_path / "made").exists() and not (tmp_path / "x.png").exists()


def test_archive_paths_that_are_directories_are_named(tmp_path):
    from landscapes.cifar import load_cifar10
    from landscapes.cifar.cache import user_cache_root

    folder = tmp_path / "cifar-10-python.tar.gz"
    folder.mkdir()
    with pytest.raises(CifarError, match="cifar-10-python.tar.gz is a directory, not the CIFAR-10 archive"):
        load_cifar10(folder)
    cache = user_cache_root() / "dir-archive"
    (cache / "cifar-10-python.tar.gz").mkdir(parents=True)
    with pytest.raises(CifarError, match="is a directory, not the CIFAR-10 archive: remove it"):
        build_cifar_slice(None, cache_dir=cache)
