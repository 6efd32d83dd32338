"""safe_output: a failed write never replaces the old file and leaves no temp file behind."""
from __future__ import annotations

import errno
import os
import stat

import pytest

from app.model.safe_output import OutputError, safe_output


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_success_replaces_target_with_normal_permissions(tmp_path):
    target = tmp_path / "out.svg"
    target.write_text("old")
    with safe_output(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.svg"]
    # what open() would give a new file (0666 minus umask), not mkstemp's 0600
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~current_umask()


def test_full_disk_keeps_old_file_and_removes_temp(tmp_path):
    target = tmp_path / "race.svg"
    target.write_text("good old export")
    with pytest.raises(OutputError, match=r"cannot write '.*race\.svg': No space left on device "
                                          r"\(the existing file is kept\)"):
        with safe_output(target) as tmp:
            tmp.write_text("half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert target.read_text() == "good old export"
    assert [p.name for p in tmp_path.iterdir()] == ["race.svg"]


def test_empty_result_is_an_error_and_no_part_file_is_left(tmp_path):
    target = tmp_path / "x.svg"
    with pytest.raises(OutputError, match="empty file"):
        with safe_output(target):
            pass                                   # a writer that wrote nothing
    assert list(tmp_path.iterdir()) == []


def test_other_errors_pass_through_after_cleanup(tmp_path):
    with pytest.raises(KeyError):
        with safe_output(tmp_path / "x.png") as tmp:
            tmp.write_bytes(b"partial")
            raise KeyError("cancel")
    assert list(tmp_path.iterdir()) == []


def test_read_only_target_is_refused_unless_overwrite(tmp_path):
    target = tmp_path / "keep.png"
    target.write_bytes(b"precious")
    target.chmod(0o444)
    with pytest.raises(OutputError, match="read-only"):
        with safe_output(target) as tmp:
            tmp.write_bytes(b"new")
    assert target.read_bytes() == b"precious" and len(list(tmp_path.iterdir())) == 1
    with safe_output(target, overwrite=True) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"


def test_directory_target_and_long_name(tmp_path):
    (tmp_path / "d.png").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        with safe_output(tmp_path / "d.png"):
            pass
    # a 250-character name is legal; the temp name must not overflow NAME_MAX
    long = tmp_path / ("a" * 246 + ".png")
    with safe_output(long) as tmp:
        tmp.write_bytes(b"x")
    assert long.read_bytes() == b"x"


def test_output_error_is_both_os_and_value_error():
    assert issubclass(OutputError, OSError) and issubclass(OutputError, ValueError)


def test_saved_scene_has_normal_permissions_and_survives_a_full_disk(tmp_path, monkeypatch):
    from pathlib import Path

    from app.model.scene import Scene
    from app.model.scene_io import load_scene, save_scene

    path = save_scene(Scene(title="first"), tmp_path / "s.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~current_umask()   # not 0600

    def full_disk(self, *a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with monkeypatch.context() as m:
        m.setattr(Path, "write_text", full_disk)
        with pytest.raises(OutputError, match="No space left on device"):
            save_scene(Scene(title="second"), path)
    assert load_scene(path).title == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]
    path.chmod(0o444)
    with pytest.raises(OutputError, match="read-only"):
        save_scene(Scene(title="third"), path)
    save_scene(Scene(title="third"), path, overwrite=True)
    assert load_scene(path).title == "third"
