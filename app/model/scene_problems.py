"""What is wrong with a scene dict, as one line per problem with the field's path.

scene_io raises a SceneError from these lines. Two jobs:

- before validation, on the raw dict: the work a file asks for (runs, runs x
  steps) and what must never reach recursive or numeric code (deep nesting,
  integers too large for a float, NaN and infinities);
- after validation: pydantic's errors in the scene's words, e.g.
  ``runs[2].solver: unknown solver 'adamm' (did you mean 'adam'?)`` or
  ``unknown key 'speeed' in playback (did you mean 'speed'?)``.
"""
from __future__ import annotations

import dataclasses
import math
import sys
from typing import Any, TypeGuard

from pydantic_core import ErrorDetails

from solvers.naming import did_you_mean

from .limits import MAX_RUN_STEPS, MAX_RUNS, MAX_SCENE_NESTING, MAX_STEPS
from .scene import COLOR_PATTERN, Camera, LandscapeSpec, PlaybackSpec, RunSpec, Scene, ViewSpec

Loc = tuple[str | int, ...]


# ------------------------------------------------------------ before validation
def work_problem(d: dict[str, Any]) -> str | None:
    """More runs, or runs x steps, than a person uses: checked before a single run is validated."""
    runs = d.get("runs")
    if not isinstance(runs, list):
        return None
    if len(runs) > MAX_RUNS:
        return f"runs: {len(runs):,} runs; a scene may have at most {MAX_RUNS}"
    playback = d.get("playback")
    steps = playback.get("steps") if isinstance(playback, dict) else None
    if is_int(steps) and 0 <= steps <= MAX_STEPS and len(runs) * steps > MAX_RUN_STEPS:
        return (f"runs x playback.steps: {len(runs)} runs x {steps:,} steps is more work than "
                f"a scene may ask for (at most {MAX_RUN_STEPS:,} run-steps)")
    return None


def raw_problems(d: dict[str, Any]) -> list[str]:
    """Nesting deeper than MAX_SCENE_NESTING, integers too large for a float (OverflowError later), NaN, inf.

    Iterative, so a deeply nested dict cannot exhaust the stack.
    """
    problems: list[str] = []
    stack: list[tuple[Any, Loc]] = [(d, ())]
    while stack:
        value, loc = stack.pop()
        if isinstance(value, (dict, list)):
            if len(loc) >= MAX_SCENE_NESTING:
                problems.append(f"{path(loc)}: nested more than {MAX_SCENE_NESTING} levels deep")
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((v, (*loc, k)) for k, v in reversed(list(items)))
        elif is_int(value) and abs(value) > sys.float_info.max:
            problems.append(f"{path(loc)}: number out of range, got {show(value)}")
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append(f"{path(loc)}: expected a finite number, got {value!r}")
    return problems


# ------------------------------------------------------------- after validation
# The sections of the format by their place (a list index as int), for unknown keys and nullable fields.
_SECTIONS: dict[tuple[str | type, ...], Any] = {
    (): Scene, ("landscape",): LandscapeSpec, ("view",): ViewSpec, ("view", "camera"): Camera,
    ("playback",): PlaybackSpec, ("runs", int): RunSpec,
}


def _section(loc: Loc) -> Any:
    return _SECTIONS.get(tuple(int if isinstance(k, int) else k for k in loc))


def _keys(section: Any) -> list[str]:
    if dataclasses.is_dataclass(section):
        return [f.name for f in dataclasses.fields(section)]
    return list(section.__annotations__) if section is not None else []


def _accepts_null(loc: Loc) -> bool:
    """Whether the field at ``loc`` may be null (its default is None)."""
    section = _section(loc[:-1])
    return dataclasses.is_dataclass(section) and any(
        f.name == loc[-1] and f.default is None for f in dataclasses.fields(section))


def describe(err: ErrorDetails) -> list[str]:
    """One pydantic error as the scene's problem lines."""
    loc: Loc = tuple(err["loc"])
    kind, value, ctx = err["type"], err["input"], err.get("ctx") or {}
    where = path(loc)
    if kind == "problems":   # several "field: message" lines from a section's own check (scene.py)
        return [f"{where}.{p}" if where else p for p in str(ctx["problems"]).split("\n")]
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        known = _keys(_section(loc[:-1]))
        return [f"unknown key {loc[-1]!r} in {path(loc[:-1]) or 'scene'}{did_you_mean(loc[-1], known)}"]
    text = _message(kind, value, ctx, " or null" if _accepts_null(loc) else "", loc, err["msg"])
    return [f"{where}: {text}" if where else text]


def _message(kind: str, value: Any, ctx: dict[str, Any], null: str, loc: Loc, msg: str) -> str:
    got = f"got {show(value)}"
    if kind == "name":   # scene.py's unknown solver or landscape, did-you-mean included
        return msg
    if kind in ("point", "bounds"):   # scene.py's own shape messages
        return f"{msg}, {got}"
    if kind == "string_type":
        return f"expected text{null}, got {json_type(value)}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"expected an integer{null}, {got}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"expected a finite number{null}, {got}"
    if kind == "bool_type":
        return f"expected true, false or null, {got}" if null else f"expected true or false, {got}"
    if kind in ("dict_type", "dataclass_type", "dataclass_exact_type"):
        return f"expected an object{null}, got {json_type(value)}"
    if kind == "list_type":
        return f"expected a list{' of runs' if loc == ('runs',) else ''}, got {json_type(value)}"
    if kind == "greater_than_equal":
        return f"must not be {'negative' if ctx['ge'] == 0 else 'below ' + str(ctx['ge'])}, {got}"
    if kind == "greater_than":
        return f"must be above {ctx['gt']}, {got}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}, {got}"
    if kind == "literal_error":
        return f"expected one of {ctx['expected']}, {got}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters long, got {len(value):,}"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} items, got {ctx.get('actual_length', '?')}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == COLOR_PATTERN:
        return f"expected '#RRGGBB'{null}, {got}"
    return f"{msg}, {got}"


# ------------------------------------------------------------------- helpers
def path(loc: Loc) -> str:
    """('runs', 2, 'solver') -> 'runs[2].solver'."""
    out = ""
    for k in loc:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def show(v: Any) -> str:
    """A value for a message, short even when the file holds a huge one."""
    if is_int(v) and abs(v) >= 10**20:   # str() of a huge int is slow, and refused past 4300 digits
        return f"an integer of about {int(abs(v).bit_length() * math.log10(2)) + 1} digits"
    if isinstance(v, str) and len(v) > 60:
        return f"text of {len(v):,} characters"
    r = repr(v)
    return r if len(r) <= 80 else r[:77] + "..."


def is_int(v: Any) -> TypeGuard[int]:
    return isinstance(v, int) and not isinstance(v, bool)


def json_type(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(v), type(v).__name__)
