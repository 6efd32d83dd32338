"""`losslab render --cifar-root DIR`: CIFAR-10 scenes read that folder; missing data is one line
that says what to do (issue 10 point 9)."""
from __future__ import annotations

import sys
import types

import pytest

from app import cli
from app.model import landscape_kinds as kinds
from app.model.build import build_landscape


@pytest.fixture
def renderer(monkeypatch):
    """A stand-in renderer that builds the scene's landscape, as the real one does first."""
    seen: dict = {}

    def fake_render(scene, out, **_kw):
        seen["root"] = kinds.cifar_root()
        build_landscape(scene.landscape)
        return out

    monkeypatch.setitem(sys.modules, "app.ui.export.render", types.SimpleNamespace(render_scene=fake_render))
    monkeypatch.delenv(kinds.CIFAR_ROOT_ENV, raising=False)
    kinds.set_cifar_root(None)
    yield seen
    kinds.set_cifar_root(None)


def test_cifar_root_option_names_the_data_and_missing_data_says_what_to_do(capsys, tmp_path, renderer):
    gone = tmp_path / "gone"
    code = cli.main(["render", "sgd_batch_size", "--cifar-root", str(gone), "--out", str(tmp_path / "a.png")])
    err = capsys.readouterr().err
    assert renderer["root"] == str(gone)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert f"no CIFAR-10 data at {gone}" in lines[0] and "losslab cifar fetch" in lines[0]
    assert "fetch_cifar10" not in err
