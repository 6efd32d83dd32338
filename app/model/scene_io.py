"""Scenes as versioned JSON: load with every problem reported, save atomically.

Format (version 1) mirrors the dataclasses of ``app.model.scene`` field for
field; tuples are written as JSON lists and read back as tuples, so
``scene_from_dict(scene_to_dict(s)) == s``. Unknown keys and bad values are
collected, not raised one by one: a ``SceneError`` lists every problem, one
per line, e.g. ``runs[2].solver: unknown solver 'adamm' (did you mean adam?)``.
"""
from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
import re
from pathlib import Path
from typing import Any

from .scene import (
    SCENE_VERSION,
    LandscapeSpec,
    PlaybackSpec,
    RunSpec,
    Scene,
    ViewSpec,
)

VIEW_MODES = ("both", "3d", "2d")
MAX_STEPS = 1_000_000
MAX_RESOLUTION = 2000
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
# Landscape names that are not in the analytic registry but built by build.py.
SPECIAL_LANDSCAPES = ("expression", "cifar_slice")


class SceneError(ValueError):
    """A scene that cannot be loaded; ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str] | str, source: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            text = head + self.problems[0]
        else:
            text = f"{head}{len(self.problems)} problems in scene:\n" + "\n".join(self.problems)
        super().__init__(text)


# --------------------------------------------------------------------- saving
def _plain(value: Any) -> Any:
    """Tuples -> lists, recursively, so the dict is exactly what JSON holds."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


def scene_to_dict(scene: Scene) -> dict:
    """The JSON-ready dict of a scene (version first, for people reading files)."""
    d = _plain(dataclasses.asdict(scene))
    return {"version": d.pop("version"), **d}


def save_scene(scene: Scene, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``scene`` as JSON to ``path`` through app.model.safe_output.

    A crash or a full disk mid-write leaves the old file intact; a read-only
    file is refused unless ``overwrite``.
    """
    from .safe_output import safe_output

    path = Path(path)
    text = json.dumps(scene_to_dict(scene), indent=2, allow_nan=False) + "\n"
    with safe_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


# -------------------------------------------------------------------- loading
def load_scene(path_or_text: str | os.PathLike) -> Scene:
    """Load a scene from a file path, or from JSON text (a str starting with '{' or '[')."""
    source: str | None = None
    if isinstance(path_or_text, str) and path_or_text.lstrip()[:1] in ("{", "["):
        text = path_or_text
    else:
        source = str(path_or_text)
        try:
            text = Path(path_or_text).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SceneError(f"scene file {source!r} does not exist") from None
        except IsADirectoryError:
            raise SceneError(f"{source!r} is a directory, not a scene file") from None
        except UnicodeDecodeError:
            raise SceneError(f"scene file {source!r} is not UTF-8 text") from None
        except OSError as e:
            raise SceneError(f"cannot read scene file {source!r}: {e.strerror or e}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise SceneError(
            f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}", source
        ) from None
    except RecursionError:
        raise SceneError("not valid JSON: nested too deeply", source) from None
    try:
        return scene_from_dict(data)
    except SceneError as e:
        raise SceneError(e.problems, source) from None


def scene_from_dict(d: Any) -> Scene:
    """Build a Scene from a JSON dict; raise SceneError listing every problem."""
    if not isinstance(d, dict):
        raise SceneError(f"a scene must be a JSON object, got {_json_type(d)}")
    c = _Checker()
    version = d.get("version", SCENE_VERSION)
    if not _is_int(version) or version < 1:
        raise SceneError(f"version: expected a positive integer, got {version!r}")
    if version > SCENE_VERSION:
        raise SceneError(
            f"scene version {version} is newer than this Loss Lab understands "
            f"(version {SCENE_VERSION}); please update Loss Lab"
        )
    fields = {f.name for f in dataclasses.fields(Scene)}
    c.unknown_keys(d, fields, "scene", "")
    scene = Scene()
    scene.title = c.string(d, "title", "", scene.title)
    scene.caption = c.string(d, "caption", "", scene.caption)
    scene.seed = c.integer(d, "seed", "", scene.seed, low=0)
    scene.landscape = _landscape(c, d.get("landscape", {}), "landscape")
    scene.view = _view(c, d.get("view", {}), "view")
    scene.playback = _playback(c, d.get("playback", {}), "playback")
    runs = d.get("runs", [])
    if not isinstance(runs, list):
        c.add(f"runs: expected a list of runs, got {_json_type(runs)}")
        runs = []
    scene.runs = [r for i, item in enumerate(runs) if (r := _run(c, item, f"runs[{i}]")) is not None]
    c.raise_if_any()
    return scene


def validate_scene(scene: Scene) -> None:
    """Raise SceneError if ``scene`` (e.g. built in code) would not load back."""
    scene_from_dict(json.loads(json.dumps(scene_to_dict(scene))))


# ------------------------------------------------------------ section readers
def _landscape(c: _Checker, d: Any, where: str) -> LandscapeSpec:
    spec = LandscapeSpec()
    if not c.is_object(d, where):
        return spec
    c.unknown_keys(d, {f.name for f in dataclasses.fields(LandscapeSpec)}, where, where)
    spec.name = c.string(d, "name", where, spec.name)
    spec.params = c.mapping(d, "params", where, spec.params)
    expr = d.get("expression")
    if expr is not None and not isinstance(expr, str):
        c.add(f"{where}.expression: expected text or null, got {_json_type(expr)}")
    else:
        spec.expression = expr
    spec.bounds = c.bounds(d, "bounds", where)
    spec.l2 = c.number(d, "l2", where, spec.l2, low=0.0)
    spec.l1 = c.number(d, "l1", where, spec.l1, low=0.0)
    spec.resolution = c.integer(d, "resolution", where, spec.resolution, low=8, high=MAX_RESOLUTION)
    _check_landscape_name(c, spec, where)
    return spec


def _check_landscape_name(c: _Checker, spec: LandscapeSpec, where: str) -> None:
    import landscapes

    known = list(landscapes.names())
    if spec.name == "expression":
        if not spec.expression:
            c.add(f"{where}.expression: a landscape named 'expression' needs the f(x, y) text")
            return
        try:  # parsing is fast and whitelisted; it reports the bad position
            landscapes.from_expression(spec.expression)
        except (ValueError, TypeError) as e:
            c.add(f"{where}.expression: {e}")
        return
    if spec.name == "cifar_slice":
        _check_cifar_params(c, spec.params, where)
        return
    if spec.name not in known:
        c.add(f"{where}.name: unknown landscape {spec.name!r}{_hint(spec.name, known + list(SPECIAL_LANDSCAPES))}")
        return
    try:  # analytic landscapes build in microseconds: the real check of params
        landscapes.get(spec.name, **spec.params)
    except (ValueError, TypeError) as e:
        c.add(f"{where}.params: {e}")


def _check_cifar_params(c: _Checker, params: dict, where: str) -> None:
    """Check parameter names against build_cifar_slice's signature, without building."""
    import inspect

    try:
        from landscapes.cifar import build_cifar_slice
    except ImportError:
        return  # nothing to check against; building will report it
    sig = inspect.signature(build_cifar_slice)
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return
    allowed = [n for n in sig.parameters if n not in ("progress", "cancel")]
    for key in params:
        if key not in allowed:
            c.add(f"{where}.params: unknown parameter {key!r} for cifar_slice{_hint(key, allowed)}")


def _view(c: _Checker, d: Any, where: str) -> ViewSpec:
    spec = ViewSpec()
    if not c.is_object(d, where):
        return spec
    c.unknown_keys(d, {f.name for f in dataclasses.fields(ViewSpec)}, where, where)
    spec.mode = c.choice(d, "mode", where, spec.mode, VIEW_MODES)
    spec.colormap = c.string(d, "colormap", where, spec.colormap)
    log_z = d.get("log_z")
    if log_z is not None and not isinstance(log_z, bool):
        c.add(f"{where}.log_z: expected true, false or null, got {log_z!r}")
    else:
        spec.log_z = log_z
    spec.contour_levels = c.integer(d, "contour_levels", where, spec.contour_levels, low=0, high=500)
    spec.wireframe = c.boolean(d, "wireframe", where, spec.wireframe)
    camera = c.mapping(d, "camera", where, spec.camera)
    for k, v in camera.items():
        if not _is_number(v):
            c.add(f"{where}.camera.{k}: expected a number, got {v!r}")
    spec.camera = camera
    return spec


def _playback(c: _Checker, d: Any, where: str) -> PlaybackSpec:
    spec = PlaybackSpec()
    if not c.is_object(d, where):
        return spec
    c.unknown_keys(d, {f.name for f in dataclasses.fields(PlaybackSpec)}, where, where)
    spec.steps = c.integer(d, "steps", where, spec.steps, low=0, high=MAX_STEPS)
    spec.speed = c.integer(d, "speed", where, spec.speed, low=1, high=10_000)
    spec.fps = c.integer(d, "fps", where, spec.fps, low=1, high=120)
    return spec


def _run(c: _Checker, d: Any, where: str) -> RunSpec | None:
    if not c.is_object(d, where):
        return None
    spec = RunSpec()
    c.unknown_keys(d, {f.name for f in dataclasses.fields(RunSpec)}, where, where)
    spec.solver = c.string(d, "solver", where, spec.solver)
    spec.hyper = _tuples(c.mapping(d, "hyper", where, spec.hyper))
    spec.start = c.point(d, "start", where)
    color = d.get("color")
    if color is not None and not (isinstance(color, str) and _COLOR.match(color)):
        c.add(f"{where}.color: expected '#RRGGBB' or null, got {color!r}")
    else:
        spec.color = color
    label = d.get("label")
    if label is not None and not isinstance(label, str):
        c.add(f"{where}.label: expected text or null, got {_json_type(label)}")
    else:
        spec.label = label
    spec.noise = c.number(d, "noise", where, spec.noise, low=0.0)
    schedule = d.get("schedule")
    if schedule is not None and not isinstance(schedule, dict):
        c.add(f"{where}.schedule: expected an object or null, got {_json_type(schedule)}")
    else:
        spec.schedule = _tuples(schedule) if schedule is not None else None
    batch = d.get("batch_size")
    if batch is not None and not (_is_int(batch) and batch >= 1):
        c.add(f"{where}.batch_size: expected a positive integer or null, got {batch!r}")
    else:
        spec.batch_size = batch
    spec.enabled = c.boolean(d, "enabled", where, spec.enabled)
    for problem in check_run(spec):
        c.add(f"{where}.{problem}")
    return spec


def check_run(spec: RunSpec) -> list[str]:
    """Problems with a run's solver name, hyper-parameters and schedule (solvers validate)."""
    import solvers

    known = list(solvers.names())
    if spec.solver not in known:
        return [f"solver: unknown solver {spec.solver!r}{_hint(spec.solver, known)}"]
    problems = []
    try:
        solvers.make(spec.solver, **spec.hyper)
    except (ValueError, TypeError, KeyError) as e:
        problems.append(f"hyper: {_msg(e)}")
    if spec.schedule is not None:
        from .build import make_schedule

        try:
            make_schedule(spec.schedule)
        except (ValueError, TypeError, KeyError) as e:
            problems.append(f"schedule: {_msg(e)}")
    return problems


# ------------------------------------------------------------------- helpers
class _Checker:
    """Collects problems while reading; each reader returns a usable default on error."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, msg: str) -> None:
        self.problems.append(msg)

    def raise_if_any(self) -> None:
        if self.problems:
            raise SceneError(self.problems)

    def is_object(self, d: Any, where: str) -> bool:
        if isinstance(d, dict):
            return True
        self.add(f"{where}: expected an object, got {_json_type(d)}")
        return False

    def unknown_keys(self, d: dict, allowed: set[str], section: str, where: str) -> None:
        for key in d:
            if key not in allowed:
                self.add(f"unknown key {key!r} in {section}{_hint(key, sorted(allowed))}")

    def _path(self, where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def string(self, d: dict, key: str, where: str, default: str) -> str:
        v = d.get(key, default)
        if not isinstance(v, str):
            self.add(f"{self._path(where, key)}: expected text, got {_json_type(v)}")
            return default
        return v

    def boolean(self, d: dict, key: str, where: str, default: bool) -> bool:
        v = d.get(key, default)
        if not isinstance(v, bool):
            self.add(f"{self._path(where, key)}: expected true or false, got {v!r}")
            return default
        return v

    def integer(self, d: dict, key: str, where: str, default: int, low: int | None = None,
                high: int | None = None) -> int:
        v = d.get(key, default)
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if not _is_int(v):
            self.add(f"{self._path(where, key)}: expected an integer, got {v!r}")
            return default
        if low is not None and v < low:
            what = "negative" if low == 0 else f"below {low}"
            self.add(f"{self._path(where, key)}: must not be {what}, got {v}")
            return default
        if high is not None and v > high:
            self.add(f"{self._path(where, key)}: must be at most {high}, got {v}")
            return default
        return v

    def number(self, d: dict, key: str, where: str, default: float, low: float | None = None) -> float:
        v = d.get(key, default)
        if not _is_number(v) or not math.isfinite(v):
            self.add(f"{self._path(where, key)}: expected a finite number, got {v!r}")
            return default
        if low is not None and v < low:
            what = "negative" if low == 0 else f"below {low}"
            self.add(f"{self._path(where, key)}: must not be {what}, got {v}")
            return default
        return float(v)

    def choice(self, d: dict, key: str, where: str, default: str, options) -> str:
        v = d.get(key, default)
        if v not in options:
            self.add(f"{self._path(where, key)}: expected one of {', '.join(options)}, got {v!r}")
            return default
        return v

    def mapping(self, d: dict, key: str, where: str, default: dict) -> dict:
        v = d.get(key, default)
        if not isinstance(v, dict):
            self.add(f"{self._path(where, key)}: expected an object, got {_json_type(v)}")
            return dict(default)
        return dict(v)

    def point(self, d: dict, key: str, where: str) -> tuple[float, float] | None:
        v = d.get(key)
        if v is None:
            return None
        if (not isinstance(v, list) or len(v) != 2
                or not all(_is_number(t) and math.isfinite(t) for t in v)):
            self.add(f"{self._path(where, key)}: expected [x, y] (two finite numbers) or null, got {v!r}")
            return None
        return (float(v[0]), float(v[1]))

    def bounds(self, d: dict, key: str, where: str):
        v = d.get(key)
        if v is None:
            return None
        ok = (isinstance(v, list) and len(v) == 2
              and all(isinstance(a, list) and len(a) == 2
                      and all(_is_number(t) and math.isfinite(t) for t in a) for a in v))
        if not ok:
            self.add(f"{self._path(where, key)}: expected [[xmin, xmax], [ymin, ymax]] or null, got {v!r}")
            return None
        (x0, x1), (y0, y1) = v
        if not (x0 < x1 and y0 < y1):
            self.add(f"{self._path(where, key)}: each range needs min < max, got {v!r}")
            return None
        return ((float(x0), float(x1)), (float(y0), float(y1)))


def _tuples(d: dict) -> dict:
    """JSON lists inside hyper/schedule (e.g. betas) become tuples, as code writes them."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _json_type(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(v), type(v).__name__)


def _hint(name: Any, known) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _msg(e: BaseException) -> str:
    # KeyError repr()s its message; take the plain text.
    return str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
