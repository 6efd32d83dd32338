"""Malformed scene files (through load_scene, and a subset through `render`) and CLI flag sets."""
from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path
from typing import Any

from .common import REPO, Outcome, Tally, run_bounded, run_cli

SCENES = REPO / "resources" / "scenes"
BIG_INT = int("9" * 400)
# A value too large for json.dumps to write as a number literal of its own: written by hand.
NAN, INF = float("nan"), float("inf")
VALUES: list[Any] = ["abc", [], {}, None, True, -1, 0, 1e308, -1e308, BIG_INT, -BIG_INT, NAN, INF, -INF,
                     "x" * 100_000, [1, 2, 3], {"a": {"b": {"c": 1}}}, 1e-320, "\u0000\ud800", 2**63]
TARGETS = ["title", "caption", "seed", "version", "landscape", "landscape.name", "landscape.params",
           "landscape.expression", "landscape.bounds", "landscape.bounds.0", "landscape.l2", "landscape.l1",
           "landscape.resolution", "view", "view.mode", "view.colormap", "view.log_z", "view.contour_levels",
           "view.camera", "view.wireframe", "runs", "runs.0", "runs.0.solver", "runs.0.hyper", "runs.0.hyper.lr",
           "runs.0.start", "runs.0.start.0", "runs.0.color", "runs.0.label", "runs.0.noise", "runs.0.schedule",
           "runs.0.batch_size", "runs.0.enabled", "playback", "playback.steps", "playback.speed", "playback.fps"]
# Scenes whose CLI render trains nothing (the cifar_slice presets are loaded, not rendered).
RENDERABLE = [p for p in sorted(SCENES.glob("*.json")) if "cifar_slice" not in p.read_text()]


def _set(d: Any, path: str, value: Any) -> Any:
    keys = path.split(".")
    node = d
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node.setdefault(k, {})
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif isinstance(node, dict):
        node[last] = value
    return d


def _base(name: str = "00_default.json") -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCENES / name).read_text())
    return loaded


def _run(**changes: Any) -> dict[str, Any]:
    r = copy.deepcopy(_base()["runs"][0])
    r.update(changes)
    return r


def structural(folder: Path) -> list[tuple[str, Path, bool]]:
    """(name, path, also through the CLI) of the hand-made hostile files."""
    out: list[tuple[str, Path, bool]] = []

    def text(name: str, body: str | bytes, cli: bool = True) -> None:
        p = folder / f"s{len(out):02d}.json"
        p.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"))
        out.append((name, p, cli))

    def scene(name: str, cli: bool = True, **paths: Any) -> None:
        d = _base()
        for path, value in paths.items():
            _set(d, path.replace("__", "."), value)
        text(name, json.dumps(d), cli)

    text("nested 100000 deep", "[" * 100_000 + "]" * 100_000)
    text("nested 100000 deep in hyper", json.dumps(_base()).replace('"lr": 0.001', '"lr": ' + "[" * 100_000
                                                                      + "]" * 100_000, 1))
    text("400-digit lr", json.dumps(_base()).replace('"lr": 0.001', f'"lr": {BIG_INT}', 1))
    text("5000-digit seed", json.dumps(_base()).replace('"seed": 0', '"seed": ' + "7" * 5000))
    text("NaN lr literal", json.dumps(_base()).replace('"lr": 0.001', '"lr": NaN', 1))
    text("Infinity start", json.dumps(_base()).replace('"start": null', '"start": [Infinity, -Infinity]', 1))
    text("empty file", "")
    text("null", "null")
    text("empty object", "{}")
    text("a list", "[1, 2, 3]")
    text("truncated", json.dumps(_base())[:300])
    text("BOM prefix", "\ufeff" + json.dumps(_base()))
    text("latin-1 bytes", b'{"title": "\xe9t\xe9"}')
    text("duplicate keys", '{"version": 1, "version": 999}')
    text("version 2", json.dumps({**_base(), "version": 2}))
    text("unknown keys", json.dumps({**_base(), "colour": 1, "rnus": [], "landscpe": {}}))
    scene("unknown run key", runs__0=_run(lrr=0.1, momentun=0.9))
    scene("unknown solver", runs__0__solver="adamm")
    scene("5 MB title", title="T" * 5_000_000)
    text("11 MB of spaces", " " * (11 * 2**20) + "{}")
    scene("70 runs", runs=[_run() for _ in range(70)])
    scene("64 runs x 100000 steps", runs=[_run() for _ in range(64)], playback__steps=100_000)
    scene("1000 runs x 1e6 steps", runs=[_run() for _ in range(1000)], playback__steps=1_000_000)
    text("600000 runs", json.dumps({**_base(), "runs": [{"solver": "gd"}] * 600_000}))
    scene("steps 1e9", playback__steps=10**9)
    scene("steps 0", playback__steps=0)
    scene("speed 1e6", playback__speed=10**6)
    scene("resolution 1e6", landscape__resolution=10**6)
    scene("contour levels 1e6", view__contour_levels=10**6)
    scene("hanging expression", landscape__name="expression", landscape__expression="(x-x+9)^(x-x+9)^(x-x+9)")
    scene("x/0 expression", landscape__name="expression", landscape__expression="x/0+y^2")
    scene("log(10^20) expression", landscape__name="expression", landscape__expression="x^2+y^2+log(10^20)")
    scene("2000-char expression", landscape__name="expression", landscape__expression="x" + "+x" * 1500)
    scene("expression without name", landscape__expression="x^2")
    scene("bounds reversed", landscape__bounds=[[2, -2], [2, -2]])
    scene("bounds 1e308 wide", landscape__bounds=[[-1e308, 1e308], [-1e308, 1e308]])
    scene("bounds zero width", landscape__bounds=[[1, 1], [1, 1]])
    scene("NaN camera", view__camera={"distance": NAN, "elevation": INF, "azimuth": -INF})
    scene("schedule unknown kind", runs__0__schedule={"kind": "exponential_doom"})
    scene("schedule 400-digit gamma", runs__0__schedule={"kind": "step", "step_size": 10, "gamma": BIG_INT})
    scene("schedule step_size 0", runs__0__schedule={"kind": "step", "step_size": 0, "gamma": 0.1})
    scene("schedule as text", runs__0__schedule="cosine")
    scene("batch size -1", runs__0__batch_size=-1)
    scene("cifar_slice cache_dir elsewhere", cli=False, landscape__name="cifar_slice",
          landscape__params={"cache_dir": str(folder / "elsewhere" / "deep"), "n_train": 500})
    scene("cifar_slice root 42", landscape__name="cifar_slice", landscape__params={"root": 42})
    scene("cifar_slice subset abc", landscape__name="cifar_slice", landscape__params={"subset": "abc"})
    scene("color not a color", runs__0__color="rgb(300, -1, nan)")
    scene("label 10000 chars", runs__0__label="L" * 10_000)
    scene("noise 1e308", runs__0__noise=1e308)
    scene("lr 1e308", runs__0__hyper__lr=1e308)
    scene("lr -1", runs__0__hyper__lr=-1)
    scene("lr 0", runs__0__hyper__lr=0)
    scene("newton at a singular point", landscape__name="expression", landscape__expression="x^4 + y^4",
          runs=[_run(solver="newton", hyper={}, start=[0.0, 0.0])])

    specials: list[tuple[str, Path]] = []
    fifo = folder / "fifo.json"
    os.mkfifo(fifo)
    specials.append(("FIFO", fifo))
    specials.append(("/dev/zero", Path("/dev/zero")))
    (folder / "a directory.json").mkdir()
    specials.append(("directory", folder / "a directory.json"))
    loop = folder / "loop.json"
    loop.symlink_to(folder / "loop2.json")
    (folder / "loop2.json").symlink_to(loop)
    specials.append(("symlink loop", loop))
    (folder / "dangling.json").symlink_to(folder / "nowhere.json")
    specials.append(("dangling symlink", folder / "dangling.json"))
    specials.append(("missing file", folder / "missing.json"))
    sparse = folder / "sparse 2 GB.json"
    with open(sparse, "wb") as fh:
        fh.truncate(2 << 30)
    specials.append(("sparse 2 GB file", sparse))
    out += [(n, p, True) for n, p in specials]
    return out


def _write(d: Any) -> str:
    return json.dumps(d, allow_nan=True)


def mutations(folder: Path, n: int, seed: int = 15) -> list[tuple[str, Path, bool]]:
    """``n`` random one-field mutations of the preset scenes; every 4th also through the CLI."""
    r = random.Random(seed)
    presets = sorted(SCENES.glob("*.json"))
    out = []
    for i in range(n):
        src = r.choice(presets)
        d = json.loads(src.read_text())
        target, value = r.choice(TARGETS), r.choice(VALUES)
        try:
            _set(d, target, copy.deepcopy(value))
        except (IndexError, KeyError, TypeError):
            _set(d, target.rsplit(".", 1)[0], copy.deepcopy(value))
        p = folder / f"mut{i:03d}.json"
        p.write_text(_write(d), encoding="utf-8", errors="surrogatepass")
        value_text = repr(value)[:24]
        out.append((f"{src.stem}: {target} = {value_text}", p, i % 4 == 0 and src in RENDERABLE))
    return out


def try_load(path: str) -> tuple[bool, str, str]:
    from app.model.scene_io import load_scene

    try:
        scene = load_scene(path)
    except ValueError as e:
        return True, type(e).__name__, str(e)
    return True, "ok", f"{len(scene.runs)} runs"


def run(folder: Path, n_random: int, bound: float = 20.0, cli_bound: float = 90.0,
        cli_every: int = 1) -> tuple[Tally, Tally]:
    cases = structural(folder) + mutations(folder, n_random)
    loads = Tally("scene files: load_scene")
    run_bounded(loads, try_load, [(n, str(p)) for n, p, _ in cases], bound=bound)
    lines = max((o.detail.count(" | ") + 1 for _, o in loads.outcomes if o.kind == "SceneError"), default=0)
    loads.note(f"{sum(o.kind == 'ok' for _, o in loads.outcomes)} loaded, "
               f"{sum(o.kind == 'SceneError' for _, o in loads.outcomes)} SceneError (longest: {lines} lines)")
    renders = Tally("scene files: CLI render")
    out_dir = folder / "renders"
    out_dir.mkdir()
    chosen = [(n, p) for n, p, cli in cases if cli][::cli_every]
    for i, (name, path) in enumerate(chosen):
        renders.add(name, run_cli(["render", str(path), "--out", str(out_dir / f"r{i}.png"), "--view", "2d",
                                   "--size", "320x240"], bound=cli_bound))
    elsewhere = folder / "elsewhere"
    renders.note("cifar_slice cache_dir outside the user cache: "
                 + ("a folder was CREATED" if elsewhere.exists() else "nothing created"))
    return loads, renders


# --------------------------------------------------------------------- CLI flag sets
def flag_sets(folder: Path) -> list[tuple[str, list[str]]]:
    ro = folder / "read-only.png"
    ro.write_bytes(b"keep me")
    ro.chmod(0o444)
    (folder / "a dir.png").mkdir()
    fifo = folder / "fifo.png"
    os.mkfifo(fifo)
    out = lambda name: ["--out", str(folder / name)]  # noqa: E731
    base = ["render", "default", "--view", "2d", "--size", "320x240"]
    sets: list[tuple[str, list[str]]] = []
    for size in ["-5x3", "0x0", "5x5", "99999x99999", "1e3x2", "abc", "320", "320x", "x240", "320x240x3",
                 "-320x-240", "9" * 400 + "x240", "320×240", " 320x240", "7681x4320"]:
        sets.append((f"--size {size[:20]}", ["render", "default", "--view", "2d", f"--size={size}",
                                              *out("s.png")]))
    for fps in ["0", "-1", "121", "1e9", "abc", "nan", "9" * 400, "30.5"]:
        sets.append((f"--fps {fps[:20]}", [*base, f"--fps={fps}", "--steps", "3", *out("f.gif")]))
    for steps in ["0", "-3", "abc", "1e9", "9" * 400, "100001", "2.5", "nan"]:
        sets.append((f"--steps {steps[:20]}", [*base, f"--steps={steps}", *out("st.png")]))
    for view in ["4d", "", "BOTH", "3D", "2d,3d", "none"]:
        sets.append((f"--view {view!r}", ["render", "default", f"--view={view}", "--size", "320x240",
                                           *out("v.png")]))
    for name, path in [("/proc/x.png", "/proc/x.png"), ("300-char name", str(folder / ("n" * 300 + ".png"))),
                       ("read-only file", str(ro)), ("a directory", str(folder / "a dir.png")),
                       ("no suffix", str(folder / "out")), ("suffix .jpg", str(folder / "o.jpg")),
                       ("missing folder", str(folder / "no" / "such" / "o.png")), ("a FIFO", str(fifo)),
                       ("empty", ""), ("/etc/passwd/x.png", "/etc/passwd/x.png"), ("leading dash", "-o.png")]:
        sets.append((f"--out {name}", [*base, "--out", path]))
    for solvers in ["adamm", "", ",,,", "gd," * 100, "newton,gd,unknown"]:
        sets.append((f"--solvers {solvers[:20]!r}", [*base, f"--solvers={solvers}", *out("so.png")]))
    for land in ["rosenbrok", "", "expression", "x^2", "../etc"]:
        sets.append((f"--landscape {land!r}", [*base, f"--landscape={land}", *out("l.png")]))
    sets += [("unknown scene", ["render", "defualt", *out("u.png")]),
             ("no --out", ["render", "default"]),
             ("unknown command", ["rendr"]),
             ("unknown flag", [*base, "--colour", "red", *out("x.png")]),
             ("cifar fetch --dir /etc/passwd", ["cifar", "fetch", "--dir", "/etc/passwd"]),
             ("cifar fetch --dir /proc/x", ["cifar", "fetch", "--dir", "/proc/x"]),
             ("list extra", ["list", "extra"]),
             ("--scene FIFO (no GUI: list)", ["--scene", "/dev/zero", "list"])]
    return sets


def run_flags(folder: Path, bound: float = 90.0) -> Tally:
    tally = Tally("CLI flag sets")
    ro = folder / "read-only.png"
    for name, args in flag_sets(folder):
        outcome = run_cli(args, bound=bound, cwd=folder)   # a relative --out lands in the temp folder
        if name == "--out read-only file" and ro.read_bytes() != b"keep me":
            outcome = Outcome(False, "replaced", outcome.seconds, "the read-only file was replaced")
        tally.add(name, outcome)
    tally.note("accepted (exit 0): " + ", ".join(n for n, o in tally.outcomes if o.kind.startswith("ok")))
    return tally
