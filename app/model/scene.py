"""A Scene: everything needed to reproduce a picture or a race, as plain data.

These dataclasses are the scene format, declared once: their annotations carry
the JSON types and limits, which pydantic reads to validate a loaded file
(scene_io) and to write the JSON Schema editors use (docs/scene.schema.json,
see scene_schema). Code builds them like any dataclass, without validation;
``scene_io.validate_scene`` checks one. No Qt here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    with_config,
)
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from solvers.naming import did_you_mean

from .limits import (
    FPS_RANGE,
    MAX_BATCH,
    MAX_CAPTION_CHARS,
    MAX_CONTOUR_LEVELS,
    MAX_EXPRESSION_CHARS,
    MAX_LABEL_CHARS,
    MAX_MAP_CELLS,
    MAX_MAP_STEPS,
    MAX_RESOLUTION,
    MAX_RUNS,
    MAX_SEED,
    MAX_SPEED,
    MAX_STEPS,
    MAX_TITLE_CHARS,
    MAX_TRIALS,
    MAX_TUNE_SEEDS,
    MIN_RESOLUTION,
    TUNE_SECOND_VALUES,
    ColorBy,
    MapOutcome,
    TuneObjective,
    ViewMode,
)

SCENE_VERSION = 1

# Okabe-Ito, colour-blind safe; black is left for the theme.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#F0E442")
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"


# The linear-classifier lab's classes (points, regions, zero-score lines): Okabe-Ito too, ordered
# so the first three are the demo's blue, green and red; runs on a classifier's weights skip the
# colours its classes wear.
CLASS_COLORS = ("#0072B2", "#009E73", "#D55E00", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")


def palette_color(index: int, avoid: tuple[str, ...] = ()) -> str:
    """The automatic colour of run ``index``: Okabe-Ito, then darker and lighter shades of it.

    Runs 0-6 get the palette itself; 7-13 its colours at 60% brightness, 14-20
    mixed halfway to white, and so on, so no two of the first 21 runs share a colour.
    Colours in ``avoid`` (a classifier's classes) are left out of the cycle, so a run's
    boundary never wears a class's colour.
    """
    colors = [c for c in PALETTE if c not in avoid] or list(PALETTE)
    base = colors[index % len(colors)]
    cycle = index // len(colors)
    if cycle == 0:
        return base
    rgb = [int(base[k:k + 2], 16) for k in (1, 3, 5)]
    if cycle % 2 == 1:      # darker shades
        factor = 0.6 ** ((cycle + 1) // 2)
        rgb = [round(c * factor) for c in rgb]
    else:                   # lighter shades
        mix = 1 - 0.5 ** (cycle // 2)
        rgb = [round(c + (255 - c) * mix) for c in rgb]
    return "#" + "".join(f"{c:02X}" for c in rgb)

# Every section refuses keys it does not know (reported with did-you-mean) and
# non-finite numbers (Python's json reads NaN and Infinity, JSON has neither).
# The attribute docstrings are the field descriptions of the JSON Schema.
FORMAT = ConfigDict(extra="forbid", allow_inf_nan=False, use_attribute_docstrings=True)


def _whole(v: Any) -> Any:
    """2.0 is the integer 2, as JSON Schema's "integer" says; 2.5 stays and is refused."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _problem(kind: str, message: str) -> PydanticCustomError:
    # the text goes in as a value, never as the template: a name may contain braces
    return PydanticCustomError(kind, "{message}", {"message": message})


def _pair(v: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(v)
    except ValidationError:
        raise _problem("point", "expected [x, y] (two finite numbers) or null") from None


def _ranges(v: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        b = handler(v)
    except ValidationError:
        raise _problem("bounds", "expected [[xmin, xmax], [ymin, ymax]] (finite numbers) or null") from None
    (x0, x1), (y0, y1) = b
    if not (x0 < x1 and y0 < y1):
        raise _problem("bounds", "each range needs min < max")
    return b


def _as_tuples(d: dict[str, Any]) -> dict[str, Any]:
    """JSON lists inside hyper/schedule (e.g. betas) become tuples, as code writes them."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


class _Checks:
    """The checks that need the registries (surface names, landscape kinds, solvers).

    This module is the format and imports none of them; app.model.scene_checks,
    which knows them, installs them with ``install_checks`` (the validator of
    app.model.scene_schema imports it, so no validation runs without them).
    """

    solver_names: Callable[[], list[str]] = staticmethod(lambda: [])
    landscape_names: Callable[[], list[str]] = staticmethod(lambda: [])
    landscape: Callable[[Any], list[str]] = staticmethod(lambda spec: [])
    run: Callable[[Any], list[str]] = staticmethod(lambda spec: [])


def install_checks(*, solver_names: Callable[[], list[str]], landscape_names: Callable[[], list[str]],
                   landscape: Callable[[Any], list[str]], run: Callable[[Any], list[str]]) -> None:
    """Install the registry checks (see _Checks); called once by app.model.scene_checks."""
    _Checks.solver_names = staticmethod(solver_names)
    _Checks.landscape_names = staticmethod(landscape_names)
    _Checks.landscape = staticmethod(landscape)
    _Checks.run = staticmethod(run)


def _known(kind: str, name: str, known: list[str]) -> str:
    if name not in known:
        raise _problem("name", f"unknown {kind} {name!r}{did_you_mean(name, known)}")
    return name


def _known_solver(name: str) -> str:
    return _known("solver", name, _Checks.solver_names())


def _known_landscape(name: str) -> str:
    return _known("landscape", name, _Checks.landscape_names())


def _checked_by_kind(spec: LandscapeSpec) -> LandscapeSpec:
    """The landscape's kind checks the fields the format cannot (names, params, the formula)."""
    _raise_problems(_Checks.landscape(spec))
    return spec


def _checked_by_solvers(spec: RunSpec) -> RunSpec:
    """The solver, its hyper-parameters and schedule, checked by solvers (scene_checks.check_run)."""
    _raise_problems(_Checks.run(spec))
    return spec


def _raise_problems(problems: list[str]) -> None:
    # one error may hold several "field: message" lines; scene_problems puts each under the section's path
    if problems:
        raise PydanticCustomError("problems", "{problems}", {"problems": "\n".join(problems)})


Text = Annotated[str, Strict()]
Number = Annotated[float, Strict()]                 # a JSON number (integers too), finite
NonNegative = Annotated[Number, Field(ge=0)]
# Integers are written Annotated[int, Field(limits), Strict(), WHOLE]: limits first, so the
# schema shows them as minimum/maximum; WHOLE last, so 2.0 is converted before the strict check.
WHOLE = BeforeValidator(_whole)
Point = Annotated[tuple[Number, Number], WrapValidator(_pair)]
Range = tuple[Number, Number]
BoundsSpec = Annotated[tuple[Range, Range], WrapValidator(_ranges)]
Settings = Annotated[dict[Text, Any], AfterValidator(_as_tuples)]


@with_config(FORMAT)
class Camera(TypedDict, total=False):
    """Where the 3-D view looks from; a missing key keeps the view's default."""

    distance: Annotated[Number, Field(gt=0, le=1e6)]
    """From the centre of the surface."""
    elevation: Number
    """Degrees above the floor."""
    azimuth: Number
    """Degrees around the vertical axis."""


@dataclass
class LandscapeSpec:
    """Which surface: a registry name with params, a typed expression, a CIFAR-10 slice or CIFAR-10 training."""

    __pydantic_config__: ClassVar[ConfigDict] = FORMAT

    name: Annotated[Text, Field(max_length=MAX_LABEL_CHARS), AfterValidator(_known_landscape)] = "rosenbrock"
    """A surface of "losslab list", or "expression" (a typed f(x, y)), or "cifar_slice" (a CIFAR-10 slice), or
    "cifar_training" (every run trains all weights of the CIFAR-10 classifier; shown on a plane of their paths)."""
    params: dict[Text, Any] = field(default_factory=dict)
    """The surface's parameters, e.g. {"condition": 20}."""
    expression: Annotated[Text, Field(max_length=MAX_EXPRESSION_CHARS)] | None = None
    """The f(x, y) text when name is "expression", e.g. "x^2 + 3*y^2"."""
    bounds: BoundsSpec | None = None
    """The view's [[xmin, xmax], [ymin, ymax]]; null: the landscape's default."""
    l2: NonNegative = 0.0
    """L2 regularization added on top (landscapes.regularized)."""
    l1: NonNegative = 0.0
    """L1 regularization added on top."""
    resolution: Annotated[int, Field(ge=MIN_RESOLUTION, le=MAX_RESOLUTION), Strict(), WHOLE] = 200
    """Grid points per side for the views."""


@dataclass
class ViewSpec:
    """How the surface is shown."""

    __pydantic_config__: ClassVar[ConfigDict] = FORMAT

    mode: ViewMode = "both"
    """Which views: both (with the data view on a toy classifier), only the 3-D surface, only the
    2-D contours, or only the data view of a toy classifier ("data")."""
    colormap: Annotated[Text, Field(max_length=MAX_LABEL_CHARS)] = "viridis"
    """"viridis", "cividis", ..."""
    color_by: ColorBy = "loss"
    """What colours the 2-D map: the loss, the Hessian's λmin (blue where negative: a saddle or
    maximum region) or |λmin/λmax| (Li et al. 2018); the contour lines stay the loss's."""
    ellipses: Annotated[bool, Strict()] = False
    """Draw the local quadratic's ellipse (a hyperbola at a saddle) at each run's head on the 2-D
    map (the H key), on screen and in exports."""
    log_z: Annotated[bool, Strict()] | None = None
    """Logarithmic height; null: follow the landscape's log_scale."""
    contour_levels: Annotated[int, Field(ge=0, le=MAX_CONTOUR_LEVELS), Strict(), WHOLE] = 20
    """Contour lines of the 2-D view."""
    wireframe: Annotated[bool, Strict()] = False
    """Draw the 3-D surface as a wire mesh."""
    camera: Camera = field(default_factory=Camera)
    """The 3-D camera; {}: the default orbit."""


@dataclass
class RunSpec:
    """One solver racing: its hyper-parameters use torch's names (lr, momentum, alpha, betas, ...)."""

    __pydantic_config__: ClassVar[ConfigDict] = FORMAT

    solver: Annotated[Text, Field(max_length=MAX_LABEL_CHARS), AfterValidator(_known_solver)] = "gd"
    """A solver of "losslab list": "gd", "momentum", "adam", ..."""
    hyper: Settings = field(default_factory=dict)
    """Hyper-parameters by torch's names, e.g. {"lr": 0.01, "betas": [0.9, 0.999]}."""
    start: Point | None = None
    """Where the run starts, [x, y]; null: the landscape's default start."""
    color: Annotated[Text, Field(pattern=COLOR_PATTERN)] | None = None
    """"#RRGGBB"; null: the next palette colour."""
    label: Annotated[Text, Field(max_length=MAX_LABEL_CHARS)] | None = None
    """The legend's name; null: e.g. "adam (lr 1.0e-02)"."""
    noise: NonNegative = 0.0
    """Gradient noise, in units of the landscape's grad_scale."""
    schedule: Settings | None = None
    """A learning-rate schedule, e.g. {"kind": "cosine", "warmup": 10}; null: constant."""
    batch_size: Annotated[int, Field(ge=1, le=MAX_BATCH), Strict(), WHOLE] | None = None
    """Minibatch size on data landscapes (sgd; 32..256 for cifar_training); null: full batch."""
    enabled: Annotated[bool, Strict()] = True
    """A disabled run keeps its place but does not race."""


@dataclass
class PlaybackSpec:
    """How long the race is and how fast it plays."""

    __pydantic_config__: ClassVar[ConfigDict] = FORMAT

    steps: Annotated[int, Field(ge=0, le=MAX_STEPS), Strict(), WHOLE] = 300
    """Total steps of the race."""
    speed: Annotated[int, Field(ge=1, le=MAX_SPEED), Strict(), WHOLE] = 1
    """Steps per frame."""
    fps: Annotated[int, Field(ge=FPS_RANGE[0], le=FPS_RANGE[1]), Strict(), WHOLE] = 30
    """Frames per second for playback and video."""


def _whole_grid(trials: int) -> int:
    if trials % TUNE_SECOND_VALUES:
        raise _problem("trials", f"expected a multiple of {TUNE_SECOND_VALUES} (each value of a second "
                                 "hyper-parameter gets the same learning rates)")
    return trials


def _distinct(seeds: tuple[int, ...]) -> tuple[int, ...]:
    if len(set(seeds)) != len(seeds):
        raise _problem("seeds", "expected each seed once")
    return seeds


Seed = Annotated[int, Field(ge=0, le=MAX_SEED), Strict(), WHOLE]


@dataclass
class TuneBudget:
    """A fair race's budget: every run's solver is tuned with the same trials, steps, seeds and
    objective (app.model.fair_race), so re-running the tuning from the scene gives the same values."""

    __pydantic_config__: ClassVar[ConfigDict] = FORMAT

    trials: Annotated[int, Field(ge=TUNE_SECOND_VALUES, le=MAX_TRIALS), Strict(), WHOLE,
                      AfterValidator(_whole_grid)] = 16
    """Settings each solver tries (a multiple of 4: lr × 4 values of a second hyper-parameter)."""
    steps: Annotated[int, Field(ge=1, le=MAX_STEPS), Strict(), WHOLE] = 300
    """Steps of every trial."""
    seeds: Annotated[tuple[Seed, ...], Field(min_length=1, max_length=MAX_TUNE_SEEDS),
                     AfterValidator(_distinct)] = (0,)
    """Each trial's objective is averaged over these seeds (of the gradient noise and minibatches)."""
    objective: TuneObjective = "final_loss"
    """What the tuning minimises: the final loss, the area under the loss curve ("auc", the mean
    loss over the steps) or the final distance to the nearest known minimum."""


Positive = Annotated[Number, Field(gt=0)]


@dataclass
class MapAxis:
    """One axis of a phase map: a hyper-parameter of the mapped run's solver and its range."""

    __pydantic_config__: ClassVar[ConfigDict] = FORMAT

    name: Text = "lr"
    """A float hyper-parameter of the solver ("lr", "momentum", "weight_decay", ...), "beta1" or
    "beta2" of Adam's betas, or "batch_size" on a surface with minibatches."""
    low: Number = 1e-3
    """The first value."""
    high: Number = 1.0
    """The last value."""
    cells: Annotated[int, Field(ge=2, le=MAX_MAP_CELLS), Strict(), WHOLE] = 64
    """How many values, from low to high."""
    log: Annotated[bool, Strict()] = True
    """Log-spaced values (low and high > 0); false: evenly spaced."""


@dataclass
class MapSpec:
    """A phase map shown with the scene (app.model.phase_map): one outcome of a run's solver over
    two of its hyper-parameters, from that run's start, the run's other settings kept."""

    __pydantic_config__: ClassVar[ConfigDict] = FORMAT

    run: Annotated[int, Field(ge=0), Strict(), WHOLE] = 0
    """Which run (0 = the first) gives the solver, its other settings and the start."""
    x: MapAxis = field(default_factory=MapAxis)
    y: MapAxis = field(default_factory=lambda: MapAxis("momentum", 0.0, 0.99, 64, False))
    steps: Annotated[int, Field(ge=1, le=MAX_MAP_STEPS), Strict(), WHOLE] = 300
    """Steps of every cell."""
    outcome: MapOutcome = "final_gap"
    """final_gap (loss − f* after the last step), steps_to_tol, diverged, or auc (mean loss − f*)."""
    tol: Positive | None = None
    """The tolerance on loss − f* of steps_to_tol; null otherwise."""


@dataclass
class Scene:
    """A Loss Lab scene: a landscape, how it is shown, and the runs racing on it."""

    __pydantic_config__: ClassVar[ConfigDict] = FORMAT

    title: Annotated[Text, Field(max_length=MAX_TITLE_CHARS)] = "Untitled"
    caption: Annotated[Text, Field(max_length=MAX_CAPTION_CHARS)] = ""
    """What the scene shows, under the views."""
    landscape: Annotated[LandscapeSpec, AfterValidator(_checked_by_kind)] = field(
        default_factory=LandscapeSpec)
    view: ViewSpec = field(default_factory=ViewSpec)
    runs: Annotated[list[Annotated[RunSpec, AfterValidator(_checked_by_solvers)]],
                    Field(max_length=MAX_RUNS)] = field(default_factory=list)
    playback: PlaybackSpec = field(default_factory=PlaybackSpec)
    seed: Annotated[int, Field(ge=0, le=MAX_SEED), Strict(), WHOLE] = 0
    """Seeds every run's gradient noise and minibatches: a saved scene replays exactly."""
    tuning: TuneBudget | None = None
    """The budget the runs' hyper-parameters were tuned under (a fair race); null: not tuned."""
    phase_map: MapSpec | None = None
    """A phase map of one run's solver that goes with the scene; null: none."""
    version: Annotated[int, Field(ge=1, le=SCENE_VERSION), Strict(), WHOLE] = SCENE_VERSION
    """The format's version."""
