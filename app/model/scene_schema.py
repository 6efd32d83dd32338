"""The scene format as pydantic sees it: the validator of app.model.scene and its JSON Schema.

docs/scene.schema.json is written from here, so editors know the format:
``python -m app.model.scene_schema`` rewrites it (a test checks that the
committed file is what this writes).
"""
from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from . import scene_checks  # noqa: F401  installs the registry checks the validator runs
from .scene import Scene

SCHEMA_FILE = Path("docs") / "scene.schema.json"


@cache
def scene_adapter() -> TypeAdapter[Scene]:
    """Validates a JSON dict into a Scene (built once, on first use)."""
    return TypeAdapter(Scene)


def scene_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scene file."""
    schema = scene_adapter().json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Loss Lab scene", **{
        k: v for k, v in schema.items() if k != "title"}}


def schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(scene_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to the given path (default docs/scene.schema.json, from the repo root)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else SCHEMA_FILE
    out.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
