"""The kinds of landscape a scene can name, each known in one place.

A ``LandscapeSpec.name`` is either a surface of the analytic registry
(``landscapes.names()``: "rosenbrock", "ravine", ...) or the name of a special
kind: a typed formula f(x, y) ("expression"), a slice through a CIFAR-10
classifier's loss ("cifar_slice") or the weight space of the lecture's 2-D toy
classifier ("toy_classifier", params in toy_spec.py). Each kind knows

- how to check a spec's fields: ``problems(spec)``, one "field: message" per
  problem, for the scene loader (fast: it never trains or downloads);
- how to build its Landscape: ``build(spec, progress, cancel)``;
- whether building is slow, so the ui runs it as a background job: ``slow``;
- whether it is a surface at all: ``standalone`` kinds (the full-dimensional
  CIFAR-10 training, "cifar_training") are not built as a 2-D surface nor
  raced with 2-D steppers; the window hands such a scene to its training
  window, and ``build`` refuses in one line (see app/model/cifar_training_scene);
- the name people see: ``display_name``.

build.py builds through ``kind_of(spec)``, scene_io checks through it, and the
window asks ``kind_of(spec).slow``. Adding a kind is one class here and one
entry in ``_SPECIAL``.
"""
from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

import landscapes
from landscapes import Landscape
from solvers.naming import did_you_mean

from .scene import LandscapeSpec

Progress = Callable[[float, str], Any]
Cancel = Callable[[], bool]
# Where cifar_slice scenes without a "root" param look for CIFAR-10, when no data folder is chosen,
# before the download cache (a lab machine can point every user at one copy).
CIFAR_ROOT_ENV = "LOSSLAB_CIFAR_ROOT"
# What a user can do when the data is missing, in the app's own words.
CIFAR_ADVICE = ("click Download in the CIFAR-10 dock, choose the cifar-10-batches-py folder under Data "
                "there, or run `losslab cifar fetch`")

_chosen_root: str | None = None   # the data folder the user chose (app setting or --cifar-root)


def set_cifar_root(path: str | os.PathLike[str] | None) -> None:
    """The data folder CIFAR-10 scenes read (the window applies its saved setting, the CLI its
    --cifar-root option); None or '' forgets it."""
    global _chosen_root
    text = "" if path is None else str(path).strip()
    _chosen_root = text or None


def chosen_cifar_root() -> str:
    """The data folder the user chose ('' if none), for the app to save."""
    return _chosen_root or ""


def cifar_root() -> str | None:
    """Where a scene without a "root" param reads CIFAR-10: the chosen data folder, else
    $LOSSLAB_CIFAR_ROOT, else None (the downloaded archive in the user cache)."""
    return _chosen_root or os.environ.get(CIFAR_ROOT_ENV) or None


class LandscapeKind:
    """One kind of landscape: checks and builds the specs that name it."""

    name = ""
    display_name = ""
    slow = False        # True: building takes seconds or more (the ui uses a background job)
    standalone = False  # True: not a 2-D surface; the scene is trained in a window of its own

    def problems(self, spec: LandscapeSpec) -> list[str]:
        """What is wrong with ``spec`` for this kind, one "field: message" each; [] if nothing."""
        raise NotImplementedError

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        """The Landscape of ``spec`` (before regularization and the bounds override)."""
        raise NotImplementedError


class NamedSurface(LandscapeKind):
    """A surface of the analytic registry, by name, with its params."""

    name = "named"
    display_name = "named surface"

    def problems(self, spec: LandscapeSpec) -> list[str]:
        known = list(landscapes.names())
        if spec.name not in known:
            return [f"name: unknown landscape {spec.name!r}{did_you_mean(spec.name, known + list(_SPECIAL))}"]
        try:  # analytic surfaces build in microseconds: the real check of the params
            landscapes.get(spec.name, **spec.params)
        except Exception as e:  # whatever the factory raises, the params are bad
            return [f"params: {_text(e)}"]
        return []

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        return landscapes.get(spec.name, **spec.params)


class TypedExpression(LandscapeKind):
    """f(x, y) typed as text, parsed by landscapes.from_expression."""

    name = "expression"
    display_name = "typed formula f(x, y)"

    def problems(self, spec: LandscapeSpec) -> list[str]:
        if not spec.expression:
            return [f"expression: a landscape named {self.name!r} needs the f(x, y) text"]
        try:  # parsing is fast and whitelisted; it reports the bad position
            self.build(spec)
        except Exception as e:  # any failure of the text is a problem with the text
            return [f"expression: {_text(e)}"]
        return []

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        from landscapes.expression import from_expression  # sympy: imported on first use

        if not spec.expression:
            raise ValueError(f"an {self.name!r} landscape needs the f(x, y) text")

        if spec.bounds is None:
            return from_expression(spec.expression)
        return from_expression(spec.expression, bounds=spec.bounds)


class CifarSlice(LandscapeKind):
    """A plane through the weights of a linear CIFAR-10 classifier (loads data and trains: slow)."""

    name = "cifar_slice"
    display_name = "CIFAR-10 slice"
    slow = True
    # What each parameter's JSON value must be (build_cifar_slice checks the values themselves,
    # in its first milliseconds); null is allowed where the builder has a default for None.
    _TYPES: dict[str, tuple[str, bool]] = {
        "root": ("text", True), "cache_dir": ("text", True), "loss": ("text", False),
        "reg": ("text", False), "plane": ("text", False), "strength": ("number", True),
        "seed": ("integer", False), "subset": ("integer", True),
    }

    def problems(self, spec: LandscapeSpec) -> list[str]:
        """Parameter names against build_cifar_slice's signature and their JSON types, without building."""
        from landscapes.cifar import build_cifar_slice

        allowed = [n for n in inspect.signature(build_cifar_slice).parameters if n not in ("progress", "cancel")]
        problems = []
        for key, value in spec.params.items():
            if key not in allowed:
                problems.append(f"params: unknown parameter {key!r} for {self.name}{did_you_mean(key, allowed)}")
                continue
            expected, nullable = self._TYPES.get(key, ("any", True))
            if not (_is_json(value, expected) or (nullable and value is None)):
                problems.append(f"params.{key}: expected {expected}{' or null' if nullable else ''}, got {value!r}")
        return problems

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        """A spec without a "root" param reads ``cifar_root()``; missing data is one line that says
        what to do about it."""
        from landscapes.cifar import build_cifar_slice

        params = dict(spec.params)
        if not params.get("root"):
            # scenes do not name a machine's folder: the chosen data folder does
            params.pop("root", None)
            root = cifar_root()
            if root is not None:
                params["root"] = root
        check_cifar_data(params.get("root"), params.get("cache_dir"))
        f: Landscape = build_cifar_slice(**params, progress=progress, cancel=cancel)
        return f


class CifarTraining(LandscapeKind):
    """All 30,730 weights of the linear CIFAR-10 classifier trained by every run (standalone:
    app.model.cifar_training_scene.training_from_scene makes the race; planes come from its paths)."""

    name = "cifar_training"
    display_name = "CIFAR-10 training (all weights)"
    slow = True
    standalone = True
    # name -> (JSON type, null allowed, the allowed texts); the values are checked here, without loading
    PARAMS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
        "root": ("text", True, ()), "cache_dir": ("text", True, ()), "subset": ("integer", True, ()),
        "loss": ("text", False, ("softmax", "svm")), "reg": ("text", False, ("l2", "l1")),
        "strength": ("number", True, ()), "seed": ("integer", False, ()),
        "plane": ("text", False, ("pca", "endpoints", "random")), "eval_every": ("integer", True, ()),
    }
    MAX_SUBSET = 49_000   # the last 1,000 of the 50,000 training images always validate

    def problems(self, spec: LandscapeSpec) -> list[str]:
        """Each parameter's name, JSON type and value, and the fields a training scene has no use for."""
        problems = []
        for key, value in spec.params.items():
            if key not in self.PARAMS:
                problems.append(f"params: unknown parameter {key!r} for {self.name}"
                                f"{did_you_mean(key, list(self.PARAMS))}")
                continue
            expected, nullable, choices = self.PARAMS[key]
            if value is None and nullable:
                continue
            if not _is_json(value, expected):
                problems.append(f"params.{key}: expected {expected}{' or null' if nullable else ''}, got {value!r}")
            elif choices and value not in choices:
                problems.append(f"params.{key}: expected one of {', '.join(choices)}, got {value!r}"
                                f"{did_you_mean(value, list(choices))}")
            elif problem := self._range(key, value):
                problems.append(f"params.{key}: {problem}, got {value!r}")
        for field, unused in (("expression", spec.expression is not None), ("bounds", spec.bounds is not None),
                              ("l1", spec.l1 != 0), ("l2", spec.l2 != 0)):
            if unused:
                problems.append(f"{field}: a {self.name} scene does not use it (regularize with params.reg and "
                                "params.strength; the plane's bounds follow the paths): leave it "
                                f"{'null' if field in ('expression', 'bounds') else '0'}")
        return problems

    def _range(self, key: str, value: Any) -> str:
        if key == "subset" and not 1 <= value <= self.MAX_SUBSET:
            return f"must be 1..{self.MAX_SUBSET:,} training images (null: all {self.MAX_SUBSET:,})"
        if key == "seed" and value < 0:
            return "must not be negative"
        if key == "eval_every" and value < 1:
            return "must be at least 1 (null: by time)"
        if key == "strength" and value < 0:
            return "must not be negative"
        return ""

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        raise ValueError(f"a {self.name} scene trains all 30,730 weights: it is no 2-D surface to build "
                         "or race with 2-D steppers")


class ToyClassifier(LandscapeKind):
    """A plane through the parameters of a linear classifier on 2-D toy data (builds in milliseconds).

    Its runs step all 3C parameters and are drawn projected on the plane (lifted.py).
    """

    name = "toy_classifier"
    display_name = "Linear classifier (toy data)"

    def problems(self, spec: LandscapeSpec) -> list[str]:
        from .toy_spec import problems

        found = problems(spec.params)
        if spec.l1 > 0 or spec.l2 > 0:
            # the l1/l2 wrapper would hide the plane from the race: runs would stay on it
            found.append("l2: a toy_classifier is regularized by params.reg (reg·ΣW²); set l1 and l2 to 0")
        return found

    def build(self, spec: LandscapeSpec, progress: Progress | None = None,
              cancel: Cancel | None = None) -> Landscape:
        from .toy_spec import build

        return build(spec.params)


def check_cifar_data(root: Any, cache_dir: Any) -> None:
    """Refuse, in words a user can act on, a data folder that does not exist or no data at all."""
    from pathlib import Path

    from landscapes.cifar import CifarError, cached_archive
    from landscapes.cifar.cache import check_cache_dir

    if isinstance(root, str):
        if not Path(root).expanduser().exists():
            raise CifarError(f"no CIFAR-10 data at {root}: {CIFAR_ADVICE}")
    elif root is None and not cached_archive(check_cache_dir(cache_dir)).exists():
        raise CifarError(f"CIFAR-10 data not found (not downloaded, no data folder chosen): {CIFAR_ADVICE}")


NAMED = NamedSurface()
EXPRESSION = TypedExpression()
CIFAR_SLICE = CifarSlice()
CIFAR_TRAINING = CifarTraining()
TOY_CLASSIFIER = ToyClassifier()
# The kinds with a name of their own; every other name is looked up in the analytic registry.
_SPECIAL: dict[str, LandscapeKind] = {k.name: k for k in (EXPRESSION, CIFAR_SLICE, CIFAR_TRAINING,
                                                          TOY_CLASSIFIER)}
# Names a scene gives to a special kind (not in landscapes.names()).
SPECIAL_LANDSCAPES = tuple(_SPECIAL)


def kind_of(spec: LandscapeSpec) -> LandscapeKind:
    """The kind that builds ``spec`` (the named-surface kind for every registry name, known or not)."""
    return _SPECIAL.get(spec.name, NAMED)


def all_kinds() -> tuple[LandscapeKind, ...]:
    """Every kind, the named surfaces first."""
    return (NAMED, *_SPECIAL.values())


def _is_json(value: Any, expected: str) -> bool:
    """Whether ``value`` is of the JSON type ``expected`` ("text", "number", "integer" or "any")."""
    if expected == "text":
        return isinstance(value, str)
    if expected in ("number", "integer"):
        ok = isinstance(value, (float, int) if expected == "number" else int)
        return ok and not isinstance(value, bool)
    return True


def _text(e: BaseException) -> str:
    """An exception as one line: KeyError repr()s its message, others may be empty."""
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return text.splitlines()[0] if text.strip() else type(e).__name__
