"""Corrupt settings files for the GUI's session: does a start still open a window?

The app reads its session from a QSettings ini file (app.ui.common.settings);
the command line cannot name one, so each case plants its own ini file and a
worker process under xvfb-run opens MainWindow on it (every feature composed,
as run_gui does). Handled: within the bound the window is shown with a race,
and where the damage is in the scene, it is the default scene with a one-line
"not restored" notice. A hang kills the worker; the next case gets a new one.
"""
from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from .common import PYTHON, REPO, Outcome, Tally


def _scene(**changes: Any) -> str:
    d = json.loads((REPO / "resources" / "scenes" / "02_ravine.json").read_text())
    for path, value in changes.items():
        node = d
        *keys, last = path.split("__")
        for k in keys:
            node = node[int(k)] if k.isdigit() else node[k]
        node[last] = value
    return json.dumps(d)


def cases() -> list[dict[str, Any]]:
    big = int("9" * 400)
    run = json.loads(_scene())["runs"][0]
    scene = {
        "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
        "400-digit lr": re.sub(r'"lr": [0-9.e-]+', f'"lr": {big}', _scene(), count=1),
        "x/0+y^2": _scene(landscape__name="expression", landscape__expression="x/0+y^2"),
        "hanging expression": _scene(landscape__name="expression", landscape__expression="(x-x+9)^(x-x+9)^(x-x+9)"),
        "formula that does not parse": _scene(landscape__name="expression", landscape__expression="x^2 + * y"),
        "not JSON": "{'title': ",
        "a JSON list": "[1, 2, 3]",
        "a number": "12345",
        "5 MB title": _scene(title="T" * 5_000_000),
        "70 runs": _scene(runs=[run] * 70),
        "1000 runs x 1e6 steps": _scene(runs=[run] * 1000, playback__steps=1_000_000),
        "unknown solver": _scene(runs__0__solver="adamm"),
        "version 999": _scene(version=999),
        "cifar_slice root 42": _scene(landscape__name="cifar_slice", landscape__params={"root": 42}),
    }
    out: list[dict[str, Any]] = [{"name": k, "values": {"session/scene_json": v}, "expect": "default"}
                                 for k, v in scene.items()]
    out += [
        # a formula that broke every start before issue 15; now a valid one (log(10^20) is a constant)
        {"name": "log(10^20) expression", "values": {"session/scene_json": _scene(
            landscape__name="expression", landscape__expression="x^2+y^2+log(10^20)")}, "expect": "opens"},
        {"name": "NaN camera", "values": {"session/scene_json": _scene().replace('"camera": {}', '"camera": '
                                          '{"distance": NaN, "elevation": Infinity}')}, "expect": "opens"},
        {"name": "geometry=hello", "raw": "[window]\ngeometry=hello\nstate=hello\n", "expect": "geometry"},
        {"name": "geometry random bytes", "raw": "[window]\ngeometry=@ByteArray(\\x1\\xd9\\xd0\\xcb\\0\\x3\\0\\0"
                                                 "\\xff\\xff\\xff\\xff)\n", "expect": "opens"},
        {"name": "recent: 10,000 entries", "values": {"session/recent": [f"/nowhere/{i}.json" for i in range(10_000)]},
         "expect": "opens"},
        {"name": "binary garbage ini", "raw_bytes": os.urandom(20_000).hex(), "expect": "opens"},
        {"name": "a 10 MB line", "raw": "[session]\nscene_json=" + "x" * 10_000_000 + "\n", "expect": "default"},
    ]
    return out


# --------------------------------------------------------------------- the worker (under xvfb-run)
def worker(cases_file: str, start: int, bound: float) -> int:
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["losslab-fuzz"])
    from app.ui.common.settings import ini_settings
    from app.ui.compose import compose
    from app.ui.window import session
    from app.ui.window.main_window import MainWindow

    default_title = session.default_scene().title
    todo = json.loads(Path(cases_file).read_text())
    folder = Path(cases_file).parent
    for i in range(start, len(todo)):
        case = todo[i]
        print(f"BEGIN {i}", flush=True)
        t0 = time.perf_counter()
        ini = folder / f"case{i:02d}.ini"
        if "raw" in case:
            ini.write_text(case["raw"], encoding="utf-8")
        elif "raw_bytes" in case:
            ini.write_bytes(bytes.fromhex(case["raw_bytes"]))
        else:
            q = ini_settings(ini)
            for k, v in case["values"].items():
                q.setValue(k, v)
            q.sync()
            del q
        try:
            w = MainWindow(settings=ini_settings(ini))
            compose(w)
            w.resize(1200, 800)
            w.show()
            end = time.monotonic() + bound
            while time.monotonic() < end and (w.race is None or w.jobs.busy or not w.isVisible()):
                app.processEvents()
                time.sleep(0.01)
            status = w.status_label.text()
            title = w.race.scene.title if w.race is not None else None
            seconds = time.perf_counter() - t0
            if title is None:
                verdict = (False, "no race", status)
            elif case["expect"] == "default" and (title != default_title or "not restored" not in status):
                verdict = (False, "no default+notice", f"scene {title!r}; status {status!r}")
            elif case["expect"] == "geometry" and "window size not restored" not in status:
                verdict = (False, "no notice", f"status {status!r}")
            elif "\n" in status:
                verdict = (False, "multi-line notice", status)
            else:
                verdict = (True, "opened", f"{title!r}; {status!r}")
            w.close()
            w.deleteLater()
            app.processEvents()
        except Exception as e:  # noqa: BLE001 - the verdict is the point
            seconds = time.perf_counter() - t0
            verdict = (False, type(e).__name__, str(e)[:200])
        print("RESULT " + json.dumps({"i": i, "handled": verdict[0], "kind": verdict[1],
                                      "detail": verdict[2][:300], "seconds": seconds}), flush=True)
    return 0


def _launch(fuzz_script: Path, cases_file: Path, start: int, bound: float) -> subprocess.Popen[str]:
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", PYTHON, str(fuzz_script),
           "--settings-worker", str(cases_file), str(start), str(bound)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                            start_new_session=True, cwd=REPO)


def run(folder: Path, fuzz_script: Path, bound: float = 40.0) -> Tally:
    tally = Tally("settings files (GUI start)")
    todo = cases()
    cases_file = folder / "cases.json"
    cases_file.write_text(json.dumps(todo))
    i = 0
    while i < len(todo):
        proc = _launch(fuzz_script, cases_file, i, bound)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump(p: subprocess.Popen[str] = proc, q: queue.Queue[str | None] = lines) -> None:
            assert p.stdout is not None
            for line in p.stdout:
                q.put(line.strip())
            q.put(None)

        threading.Thread(target=pump, daemon=True).start()
        started = time.monotonic()
        limit = bound + 30.0   # the first case also pays for Xvfb and the imports
        while i < len(todo):
            try:
                line = lines.get(timeout=max(0.1, started + limit - time.monotonic()))
            except queue.Empty:
                tally.add(todo[i]["name"], Outcome(False, "hang", time.monotonic() - started,
                                                   f"no window after {limit:g} s"))
                i += 1
                break
            if line is None:   # the worker died mid-case
                tally.add(todo[i]["name"], Outcome(False, "crash", time.monotonic() - started,
                                                   f"worker exit {proc.wait()}"))
                i += 1
                break
            if line.startswith("BEGIN "):
                started, limit = time.monotonic(), bound + 5.0
            elif line.startswith("RESULT "):
                r = json.loads(line[7:])
                tally.add(todo[r["i"]]["name"], Outcome(r["handled"], r["kind"], r["seconds"], r["detail"]))
                i = r["i"] + 1
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return tally
