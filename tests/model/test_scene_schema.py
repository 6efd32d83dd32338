"""docs/scene.schema.json: the committed file is the generated one, and it describes real scenes.

The built-in scenes are checked against the schema file by a small JSON Schema
checker written here (jsonschema is not a dependency), independent of pydantic:
it knows exactly the keywords the file uses and fails on any other, so a
keyword it would silently skip cannot appear.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.model import limits, presets
from app.model.scene_io import SceneError, scene_from_dict
from app.model.scene_schema import SCHEMA_FILE, main, schema_text

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / SCHEMA_FILE).read_text(encoding="utf-8"))
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
_ANNOTATIONS = {"$schema", "title", "description", "default", "$defs"}


def schema_problems(value, schema, where="") -> list[str]:
    """Where ``value`` breaks ``schema`` (draft 2020-12, the keywords the file uses)."""
    problems = []
    for key, rule in schema.items():
        if key in _ANNOTATIONS:
            continue
        if key == "$ref":
            target = SCHEMA
            for part in rule.removeprefix("#/").split("/"):
                target = target[part]
            problems += schema_problems(value, target, where)
        elif key == "anyOf":
            if all(schema_problems(value, s, where) for s in rule):
                problems.append(f"{where}: matches none of anyOf")
        elif key == "type":
            if rule == "number":
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            elif rule == "integer":
                ok = (isinstance(value, int) and not isinstance(value, bool)) or (
                    isinstance(value, float) and value.is_integer())
            else:
                ok = isinstance(value, _TYPES[rule])
            if not ok:
                return [f"{where}: not of type {rule}"]
        elif key == "properties":
            for name, sub in rule.items():
                if isinstance(value, dict) and name in value:
                    problems += schema_problems(value[name], sub, f"{where}.{name}")
        elif key == "additionalProperties":
            if isinstance(value, dict) and rule is False:
                problems += [f"{where}: unknown key {k!r}" for k in value if k not in schema["properties"]]
        elif key == "items":
            if isinstance(value, list):
                for i, v in enumerate(value[len(schema.get("prefixItems", [])):]):
                    problems += schema_problems(v, rule, f"{where}[{i}]")
        elif key == "prefixItems":
            if isinstance(value, list):
                for i, (v, sub) in enumerate(zip(value, rule, strict=False)):
                    problems += schema_problems(v, sub, f"{where}[{i}]")
        elif key in ("minItems", "maxItems", "maxLength"):
            if isinstance(value, (list, str)) and not (
                    len(value) >= rule if key == "minItems" else len(value) <= rule):
                problems.append(f"{where}: breaks {key} {rule}")
        elif key in ("minimum", "maximum", "exclusiveMinimum"):
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not {
                    "minimum": value >= rule, "maximum": value <= rule, "exclusiveMinimum": value > rule}[key]:
                problems.append(f"{where}: breaks {key} {rule}")
        elif key == "enum":
            if value not in rule:
                problems.append(f"{where}: not one of {rule}")
        elif key == "pattern":
            if isinstance(value, str) and not re.search(rule, value):
                problems.append(f"{where}: does not match {rule}")
        else:
            raise AssertionError(f"the schema uses {key!r}, which this checker does not know")
    return problems


def test_committed_schema_is_the_generated_one(tmp_path, capsys):
    committed = (ROOT / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(), "regenerate it: python -m app.model.scene_schema"
    out = tmp_path / "s.json"
    assert main([str(out)]) == 0 and out.read_text(encoding="utf-8") == committed
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize("name", presets.builtin_scene_names())
def test_every_builtin_scene_validates_against_the_schema(name):
    data = json.loads(presets._scene_files()[name].read_text(encoding="utf-8"))
    assert schema_problems(data, SCHEMA) == []
    presets.load_builtin(name)  # and pydantic agrees


@pytest.mark.parametrize("edit, problem", [
    (lambda d: d.update(colour="red"), ": unknown key 'colour'"),
    (lambda d: d["playback"].update(steps="300"), ".playback.steps: not of type integer"),
    (lambda d: d["playback"].update(steps=limits.MAX_STEPS + 1), f".playback.steps: breaks maximum {limits.MAX_STEPS}"),
    (lambda d: d["runs"][0].update(color="red"), ".runs[0].color: matches none of anyOf"),
    (lambda d: d["runs"][0].update(start=[1.0]), ".runs[0].start: matches none of anyOf"),
    (lambda d: d["view"].update(mode="4d"), ".view.mode: not one of ['both', '3d', '2d', 'data']"),
    (lambda d: d["view"].update(camera={"distance": 0}), ".view.camera.distance: breaks exclusiveMinimum 0"),
    (lambda d: d.update(title="t" * (limits.MAX_TITLE_CHARS + 1)), f".title: breaks maxLength {limits.MAX_TITLE_CHARS}"),
    (lambda d: d.update(runs=[{}] * (limits.MAX_RUNS + 1)), f".runs: breaks maxItems {limits.MAX_RUNS}"),
])
def test_the_schema_refuses_what_the_loader_refuses(edit, problem):
    data = json.loads(presets._scene_files()["default"].read_text(encoding="utf-8"))
    edit(data)
    assert problem in schema_problems(data, SCHEMA)
    with pytest.raises(SceneError):
        scene_from_dict(data)
