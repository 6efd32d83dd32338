"""Playlist: order, clamp vs wrap, loading from names and files, bad input."""
from __future__ import annotations

import json
import os

import pytest

from app.model import presets
from app.model.playlist import Playlist


def test_builtin_order_and_clamp():
    pl = Playlist.builtin()
    names = presets.builtin_scene_names()
    assert pl.entries == names and pl.current == names[0] == "default"
    assert pl.previous() == names[0]            # clamped at the first
    assert pl.next() == names[1]
    pl.go(len(names) - 1)
    assert pl.next() == names[-1]               # clamped at the last
    assert pl.position_text() == f"{len(names)} / {len(names)}"


def test_wrap_cycles():
    pl = Playlist(["a", "b", "c"], wrap=True)
    assert [pl.next(), pl.next(), pl.next()] == ["b", "c", "a"]
    assert pl.previous() == "c"


def test_scene_loads_builtin_and_file(tmp_path):
    scene = presets.load_builtin("ravine")
    from app.model import scene_io

    path = tmp_path / "mine.json"
    scene_io.save_scene(scene, path)
    listing = tmp_path / "lecture.txt"
    listing.write_text("# my lecture\nsaddle_point\n\nmine.json\n", encoding="utf-8")
    pl = Playlist.from_file(listing)
    assert len(pl) == 2
    assert pl.scene().title == presets.load_builtin("saddle_point").title
    pl.next()
    assert pl.scene().title == scene.title


@pytest.mark.parametrize("entries, msg", [([], "at least one"), (["a", ""], "scene names or file paths")])
def test_bad_entries(entries, msg):
    with pytest.raises(ValueError, match=msg):
        Playlist(entries)


def test_bad_index_and_unknown_scene(tmp_path):
    with pytest.raises(ValueError, match="no scene 5"):
        Playlist(["a"], index=5)
    pl = Playlist(["no_such_scene"])
    with pytest.raises(ValueError, match="no_such_scene"):
        pl.scene()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"title": 3}), encoding="utf-8")
    with pytest.raises(ValueError):
        Playlist([str(bad)]).scene()
    with pytest.raises(ValueError, match=r"playlist '.*missing.txt' does not exist"):
        Playlist.from_file(tmp_path / "missing.txt")
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)   # refused at once, not waited on for a writer (issue 15, point 7)
    with pytest.raises(ValueError, match="fifo.txt' is not a regular file"):
        Playlist.from_file(fifo)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lists no scenes"):
        Playlist.from_file(empty)
