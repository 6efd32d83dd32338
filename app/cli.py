"""The ``losslab`` command (also ``python -m app``).

    losslab                        open the window (default scene)
    losslab --scene NAME|FILE      open the window on a scene
    losslab list                   landscapes, solvers and built-in scenes
    losslab render [SCENE] [--landscape NAME] [--solvers gd,momentum,adam]
                   [--steps N] [--fps N] [--size WxH] [--view 3d|2d|both|data] --out FILE [--overwrite]
                   [--cifar-root DIR]
    losslab curvature [--loss softmax|svm] [--reg l2|l1] [--strength S] [--images N]
                   [--pair batch|loss|reg|solver] [--size WxH] [--cifar-root DIR]
                   --out FILE.png|FILE.svg [--json FILE.json] [--overwrite]
    losslab map [SCENE] [--landscape NAME] [--solver NAME] [--run K] [--x NAME:LOW:HIGH[:log|lin]]
                   [--y ...] [--cells N] [--steps N] [--outcome final_gap|steps_to_tol|diverged|auc]
                   [--tol T] [--size WxH] --out FILE.png|FILE.svg [--json FILE.json] [--overwrite]
                   [--cifar-root DIR]
    losslab tune SCENE [--trials N] [--steps N] [--seeds 0,1,...]
                   [--objective final_loss|auc|distance_to_minimum] --out TUNED.json [--overwrite]
                   [--cifar-root DIR]
    losslab cifar fetch [--dir DIR]

CIFAR-10 scenes read the data from --cifar-root, else $LOSSLAB_CIFAR_ROOT, else
the archive `losslab cifar fetch` downloaded. (The window's Data folder, chosen
in its CIFAR-10 dock, is saved in the app's settings and is the window's own.)

Bad input: exit code 2 and one line ``losslab: error: ...``. Anything
unexpected: exit code 1 and one line (the traceback only with --debug).
Everything is checked before Qt is imported, so errors are fast and headless.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

PROG = "losslab"


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str):  # type: ignore[override]
        from app.model.cli_logic import UsageError

        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Loss Lab: see optimization on 2-D loss surfaces.")
    p.add_argument("--scene", metavar="NAME|FILE", help="open the window on a built-in scene or a scene file")
    p.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = p.add_subparsers(dest="command", metavar="{list,render,curvature,map,tune,cifar}", parser_class=_Parser)

    sub.add_parser("list", help="list landscapes, solvers and built-in scenes")

    r = sub.add_parser("render", help="render a scene headless to .png, .svg, .mp4 or .gif")
    r.add_argument("scene", nargs="?", metavar="SCENE", help="built-in scene name or scene file")
    r.add_argument("--landscape", metavar="NAME", help="landscape name (see 'losslab list')")
    r.add_argument("--solvers", metavar="LIST", help="comma-separated solvers, e.g. gd,momentum,adam")
    r.add_argument("--steps", type=int, metavar="N", help="steps to run (default: the scene's)")
    r.add_argument("--fps", type=int, metavar="N", help="frames per second of a video (1..120)")
    r.add_argument("--size", default="1280x720", metavar="WxH", help="image size (default 1280x720)")
    r.add_argument("--view", default="both", metavar="3d|2d|both|data",
                   help="which views (default both: the whole window, with the data view on a toy classifier; "
                        "data: the linear-classifier lab's data view alone)")
    r.add_argument("--out", required=True, metavar="FILE", help="output .png, .svg, .mp4 or .gif")
    r.add_argument("--overwrite", action="store_true", help="replace an existing read-only output file")
    r.add_argument("--cifar-root", metavar="DIR", help="the CIFAR-10 data (cifar-10-batches-py folder or "
                                                      "archive) for CIFAR-10 scenes")
    r.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    k = sub.add_parser("curvature", help="the CIFAR-10 curvature window's figure, headless, to .png or .svg")
    k.add_argument("--loss", default="softmax", metavar="softmax|svm", help="loss (default softmax)")
    k.add_argument("--reg", default="l2", metavar="l2|l1", help="regularizer (default l2)")
    k.add_argument("--strength", metavar="S", help="regularization strength λ (default 5000 for l2, 5 for l1)")
    k.add_argument("--images", default="5000", metavar="N", help="training images, 100..49000 (default 5000)")
    k.add_argument("--pair", default="reg", metavar="batch|loss|reg|solver",
                   help="the two solutions of sharp vs flat (default reg: λ = 0 vs λ > 0)")
    k.add_argument("--size", default="1600x1000", metavar="WxH", help="image size (default 1600x1000)")
    k.add_argument("--out", required=True, metavar="FILE", help="output .png or .svg")
    k.add_argument("--json", metavar="FILE", help="also write the numbers to this .json file")
    k.add_argument("--overwrite", action="store_true", help="replace existing read-only output files")
    k.add_argument("--cifar-root", metavar="DIR", help="the CIFAR-10 data (cifar-10-batches-py folder or archive)")
    k.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    _add_map_parser(sub)
    _add_tune_parser(sub)

    c = sub.add_parser("cifar", help="CIFAR-10 data")
    csub = c.add_subparsers(dest="cifar_command", metavar="{fetch}", parser_class=_Parser)
    f = csub.add_parser("fetch", help="download and verify the official CIFAR-10 archive")
    f.add_argument("--dir", metavar="DIR", help="where to keep it (default: the user cache dir)")
    f.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return p


def _add_map_parser(sub) -> None:
    m = sub.add_parser("map", help="a phase map (an outcome over two hyper-parameters), headless, to .png or .svg")
    m.add_argument("scene", nargs="?", metavar="SCENE", help="built-in scene name or scene file (its phase map, "
                                                           "else its run K)")
    m.add_argument("--landscape", metavar="NAME", help="landscape name (see 'losslab list')")
    m.add_argument("--solver", metavar="NAME", help="map this solver (its defaults) instead of run K's")
    m.add_argument("--run", type=int, metavar="K", help="which run of the scene to map (default 0, the first)")
    m.add_argument("--x", metavar="NAME:LOW:HIGH[:log|lin]", help="the x axis (default lr around the run's lr)")
    m.add_argument("--y", metavar="NAME:LOW:HIGH[:log|lin]",
                   help="the y axis (default the solver's second knob: momentum, beta2, alpha or weight_decay)")
    m.add_argument("--cells", type=int, metavar="N", help="values per axis, 2..128 (default 64)")
    m.add_argument("--steps", type=int, metavar="N", help="steps of every cell (default the scene's)")
    m.add_argument("--outcome", metavar="NAME", help="final_gap (default), steps_to_tol, diverged or auc")
    m.add_argument("--tol", metavar="T", help="the tolerance on loss - f* of steps_to_tol (default 1e-6)")
    m.add_argument("--size", default="1100x820", metavar="WxH", help="image size (default 1100x820)")
    m.add_argument("--out", required=True, metavar="FILE", help="output .png or .svg")
    m.add_argument("--json", metavar="FILE", help="also write the map's numbers to this .json file")
    m.add_argument("--overwrite", action="store_true", help="replace existing read-only output files")
    m.add_argument("--cifar-root", metavar="DIR", help="the CIFAR-10 data for CIFAR-10 scenes")
    m.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _add_tune_parser(sub) -> None:
    t = sub.add_parser("tune", help="a fair race: tune every run of a scene under one budget, write the scene")
    t.add_argument("scene", metavar="SCENE", help="built-in scene name or scene file")
    t.add_argument("--trials", type=int, metavar="N", help="settings each solver tries, a multiple of 4 "
                                                         "(default the scene's tuning, else 16)")
    t.add_argument("--steps", type=int, metavar="N", help="steps of every trial (default the scene's, else 300)")
    t.add_argument("--seeds", metavar="0,1,...", help="seeds each trial is averaged over (default 0)")
    t.add_argument("--objective", metavar="NAME", help="final_loss (default), auc or distance_to_minimum")
    t.add_argument("--out", required=True, metavar="TUNED.json", help="the tuned scene file to write")
    t.add_argument("--overwrite", action="store_true", help="replace an existing read-only output file")
    t.add_argument("--cifar-root", metavar="DIR", help="the CIFAR-10 data for CIFAR-10 scenes")
    t.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    from app.model.cli_logic import UsageError

    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(_glue_dash_values(argv))
        if args.command == "list":
            return cmd_list()
        if args.command == "render":
            return cmd_render(args)
        if args.command == "curvature":
            return cmd_curvature(args)
        if args.command == "map":
            return cmd_map(args)
        if args.command == "tune":
            return cmd_tune(args)
        if args.command == "cifar":
            if args.cifar_command != "fetch":
                raise UsageError("usage: losslab cifar fetch [--dir DIR]")
            return cmd_cifar_fetch(args)
        return cmd_gui(args, argv)
    except SystemExit as e:  # --help, or a library calling exit()
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except (UsageError, ValueError) as e:
        if debug:
            traceback.print_exc()
        _error(_one_line(e))
        return 2
    except Exception as e:  # noqa: BLE001 - the CLI's promise: one line, no traceback
        if debug:
            traceback.print_exc()
        _error(f"{type(e).__name__}: {_one_line(e)} (run with --debug for details)")
        return 1


# Options whose value may start with "-": argparse would take "--size -5x3" for two flags
# and say "expected one argument"; "--size=-5x3" reaches our own check instead.
_VALUE_OPTIONS = ("--size", "--out", "--dir", "--scene", "--landscape", "--solvers", "--view", "--cifar-root",
                  "--strength", "--images", "--pair", "--loss", "--reg", "--json", "--solver", "--x", "--y",
                  "--tol", "--outcome", "--seeds", "--objective")


def _glue_dash_values(argv: list[str]) -> list[str]:
    glued: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] in _VALUE_OPTIONS and i + 1 < len(argv) and argv[i + 1][:1] == "-" \
                and not argv[i + 1].startswith("--"):
            glued.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            glued.append(argv[i])
            i += 1
    return glued


def _error(msg: str) -> None:
    _ProgressBar.end_line()  # never glue the error onto an unfinished progress line
    print(f"{PROG}: error: {msg}", file=sys.stderr)


def _one_line(e: BaseException) -> str:
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    return "; ".join(line.strip() for line in text.splitlines() if line.strip()) or type(e).__name__


# ------------------------------------------------------------------ commands
def cmd_list() -> int:
    import landscapes
    import solvers
    from app.model.presets import builtin_scene_names, load_builtin

    scenes = {}
    for name in builtin_scene_names():
        try:
            scenes[name] = load_builtin(name).title
        except ValueError as e:  # a broken file must not hide the others
            scenes[name] = f"(cannot load: {_one_line(e)})"
    sections = {
        "Landscapes": {n: landscapes.get(n).title for n in landscapes.names()},
        "Solvers": {n: _solver_blurb(n) for n in solvers.names()},
        "Scenes": scenes,
    }
    width = max(len(n) for rows in sections.values() for n in rows) + 2
    for i, (head, rows) in enumerate(sections.items()):
        print(("\n" if i else "") + f"{head}:")
        for name, text in rows.items():
            print(f"  {name:<{width}}{text}")
    print("\nAlso in scene files: landscape 'expression' (a typed f(x, y)), 'cifar_slice' "
          "(a 2-D slice through a CIFAR-10 classifier's loss), 'cifar_training' (every run trains "
          "all 30,730 weights of that classifier) and 'toy_classifier' (a linear classifier on 2-D "
          "toy data, its loss over a plane of its weights).")
    return 0


def _solver_blurb(name: str) -> str:
    import solvers

    spec = solvers.spec(name)
    return f"{spec.title} - {spec.summary}" if spec.summary else spec.title


def cmd_render(args) -> int:
    from app.model.cli_logic import (
        UsageError,
        check_fps,
        check_out,
        check_steps,
        check_view,
        parse_size,
        scene_for_render,
    )

    size = parse_size(args.size)
    fps = check_fps(args.fps)
    steps = check_steps(args.steps)
    view = check_view(args.view)
    out = check_out(args.out, overwrite=args.overwrite)
    scene = scene_for_render(args.scene, args.landscape, args.solvers)
    if args.cifar_root:
        from app.model.landscape_kinds import set_cifar_root

        set_cifar_root(Path(args.cifar_root).expanduser())
    try:
        from app.ui.export.render import render_scene
    except ImportError as e:
        if "app.ui.export.render" in str(e) or "render_scene" in str(e):
            raise UsageError("rendering is not available yet (app.ui.export.render is missing)") from None
        raise
    done = render_scene(scene, out, size=size, view=view, fps=fps, steps=steps,
                        progress=_ProgressBar("rendering"), overwrite=args.overwrite)
    print(f"wrote {done}", file=sys.stderr)
    return 0


def cmd_curvature(args) -> int:
    """Compute what the CIFAR-10 curvature window computes, draw its figure offscreen, print the numbers."""
    from app.model.cli_curvature import (
        RESOLUTION,
        check_json_out,
        checked_data_root,
        curvature_options,
    )
    from app.model.cli_logic import UsageError, check_picture_out, parse_size

    opts = curvature_options(args.loss, args.reg, args.strength, args.images, args.pair)
    size = parse_size(args.size)
    out = check_picture_out(args.out, "the curvature figure", overwrite=args.overwrite)
    json_out = check_json_out(args.json, overwrite=args.overwrite)
    if json_out is not None and json_out.resolve() == out.resolve():
        raise UsageError("--json and --out must be different files")
    root = checked_data_root(args.cifar_root)

    from app.model.cifar_curvature import load_problem
    from app.model.cifar_curvature_run import compute_on, numbers
    from app.ui.export.curvature_render import render_curvature

    problem = load_problem(root, opts.loss, opts.reg, opts.strength, opts.images)  # bad data: one line, no bar
    bar = _ProgressBar("curvature")
    result = compute_on(problem, opts.pair, RESOLUTION, progress=lambda f, m="": bar(0.95 * f, m))
    render_curvature(result, out, size, progress=lambda f, m="": bar(0.95 + 0.05 * f, m),
                     overwrite=args.overwrite)
    figures = numbers(result)
    if json_out is not None:
        _write_json(figures, json_out, args.overwrite)
    print(_numbers_text(figures))
    print(f"wrote {out}" + (f" and {json_out}" if json_out is not None else ""), file=sys.stderr)
    return 0


def _write_json(figures: dict, path: Path, overwrite: bool) -> None:
    import json

    from app.model.safe_output import safe_output

    with safe_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _numbers_text(f: dict) -> str:
    """The numbers for people (--json has them all at full precision)."""
    s, pl = f["spectrum"], f["planes"]
    lines = [f"{f['loss']} + {f['reg'].upper()} λ={f['strength']:g} on {f['images']:,} images, pair {f['pair']}",
             "top eigenvalues: " + ", ".join(f"{v:.6g}" for v in s["top_eigenvalues"]),
             f"trace: {s['trace']:.6g} ± {s['trace_error']:.2g} (tr H / n = {s['mean_eigenvalue']:.6g}, "
             f"n = {s['weights']:,})",
             "eigen-plane axes: " + ", ".join(f"{v:.6g}" for v in pl["eigen_plane_eigenvalues"])
             + "; random-plane axes: " + ", ".join(f"{v:.6g}" for v in pl["random_plane_curvature"])]
    for name, sol in zip("AB", f["solutions"], strict=True):
        losses = ", ".join(f"{k}: {v:.6g}" for k, v in sol["loss"].items())
        lines.append(f"{name} = {sol['label']} (t = {sol['t']:g}): λmax {sol['lmax']:.6g}; loss {losses}; "
                     f"train accuracy {sol['train_accuracy']:.4f}, validation {sol['val_accuracy']:.4f}")
    return "\n".join(lines)


def cmd_map(args) -> int:
    """Compute a phase map as the phase map window does, draw it offscreen, print its summary."""
    from app.model.cli_curvature import check_json_out
    from app.model.cli_logic import check_picture_out, parse_size
    from app.model.cli_map import (
        MapOptions,
        current_setting,
        map_kwargs,
        map_numbers,
        map_scene,
        map_summary,
    )

    size = parse_size(args.size)
    out = check_picture_out(args.out, "a phase map", overwrite=args.overwrite)
    json_out = check_json_out(args.json, overwrite=args.overwrite)   # .json: never the picture itself
    scene = map_scene(MapOptions(args.scene, args.landscape, args.solver, args.run, args.x, args.y,
                                 args.cells, args.steps, args.outcome, args.tol))
    bar = _ProgressBar("phase map")
    landscape, done = _surface(scene, args.cifar_root, bar)

    from app.model.phase_map import phase_map

    pm = phase_map(**map_kwargs(scene, landscape), progress=lambda f, m="": bar(done + (0.95 - done) * f, m))
    surface = str(getattr(landscape, "title", scene.landscape.name))
    summary = map_summary(pm, surface)

    from app.ui.export.phase_map_render import render_phase_map

    render_phase_map(pm, out, summary, size, current=current_setting(scene),
                     progress=lambda f, m="": bar(0.95 + 0.05 * f, m), overwrite=args.overwrite)
    if json_out is not None:
        _write_json(map_numbers(pm, surface), json_out, args.overwrite)
    print(summary)
    print(f"wrote {out}" + (f" and {json_out}" if json_out is not None else ""), file=sys.stderr)
    return 0


def cmd_tune(args) -> int:
    """Tune every run of a scene under one budget (a fair race) and write the tuned scene."""
    from app.model import fair_race
    from app.model.cli_tune import TuneOptions, check_scene_out, tune_request
    from app.model.scene_io import save_scene

    out = check_scene_out(args.out, overwrite=args.overwrite)
    scene, budget = tune_request(TuneOptions(args.scene, args.trials, args.steps, args.seeds, args.objective))
    bar = _ProgressBar("tuning")
    landscape, done = _surface(scene, args.cifar_root, bar)
    result = fair_race.tune_all(scene, budget, landscape=landscape,
                                progress=lambda f, m="": bar(done + (1.0 - done) * f, m))
    save_scene(fair_race.apply(scene, result), out, overwrite=args.overwrite)
    print(fair_race.fine_print(result))
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _surface(scene, cifar_root: str | None, bar: _ProgressBar):
    """The scene's landscape, built with the bar when that is slow (a CIFAR-10 slice trains first);
    returns it and the share of the bar the building took."""
    from app.model.build import build_landscape
    from app.model.landscape_kinds import kind_of, set_cifar_root

    if cifar_root:
        set_cifar_root(Path(cifar_root).expanduser())
    if not kind_of(scene.landscape).slow:
        return build_landscape(scene.landscape), 0.0
    return build_landscape(scene.landscape, progress=lambda f, m="": bar(0.3 * f, m)), 0.3


def cmd_cifar_fetch(args) -> int:
    from landscapes.cifar import fetch_cifar10

    kwargs = {"cache_dir": Path(args.dir).expanduser()} if args.dir else {}
    where = fetch_cifar10(progress=_ByteProgress("CIFAR-10"), **kwargs)
    print(f"CIFAR-10 ready in {where}", file=sys.stderr)
    return 0


def cmd_gui(args, argv: list[str]) -> int:
    scene = None
    if args.scene is not None:
        from app.model.cli_logic import UsageError
        from app.model.presets import resolve_scene
        from app.model.scene_io import SceneError

        try:
            scene = resolve_scene(args.scene)
        except SceneError as e:
            raise UsageError(_one_line(e)) from None
    from app.ui.main import run_gui

    return int(run_gui(scene, [sys.argv[0] if sys.argv else PROG, *argv]) or 0)


class _ByteProgress:
    """progress(done_bytes, total_bytes) -> the text bar, with megabytes."""

    def __init__(self, label: str) -> None:
        self.bar = _ProgressBar(label)

    def __call__(self, done: int, total: int = 0, *_, **__) -> None:
        mb = f"{done / 1e6:.1f} / {total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        self.bar(done / total if total else 0.0, mb)


class _ProgressBar:
    """progress(fraction[, message]) -> a one-line text bar on stderr."""

    line_open = False  # a bar was drawn without its final newline

    @classmethod
    def end_line(cls) -> None:
        if cls.line_open:
            sys.stderr.write("\n")
            cls.line_open = False

    def __init__(self, label: str, width: int = 30) -> None:
        self.label, self.width, self._last = label, width, -1

    def __call__(self, fraction: float, message: str = "", *_, **__) -> None:
        try:
            frac = min(max(float(fraction), 0.0), 1.0)
        except (TypeError, ValueError):
            return
        pct = int(frac * 100)
        if pct == self._last and frac < 1.0:
            return
        self._last = pct
        bar = "#" * int(frac * self.width)
        end = "\n" if frac >= 1.0 else ""
        sys.stderr.write(f"\r{self.label} [{bar:<{self.width}}] {pct:3d}% {message}"[:120] + end)
        sys.stderr.flush()
        _ProgressBar.line_open = not end
