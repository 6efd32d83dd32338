"""Take the README's screenshot of the whole window: a built-in scene after some steps, GL pixels included.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot.py \
        [--scene default] [--steps 150] [--size 1600x1000] [--out docs/screenshot.png]

The window is made as the app makes it (every feature composed) on a throwaway
settings file, so the user's remembered layout and last session play no part.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scene", default="default")
    ap.add_argument("--steps", type=int, default=150)
    ap.add_argument("--size", default="1600x1000")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))

    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["losslab"])
    from app.model.presets import resolve_scene
    from app.ui.common.settings import ini_settings
    from app.ui.compose import compose
    from app.ui.views.surface_view import grab_with_gl
    from app.ui.window.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(scene=resolve_scene(args.scene), settings=ini_settings(Path(tmp) / "shot.ini"))
        compose(window)
        window.resize(w, h)
        window.show()
        for _ in range(40):
            app.processEvents()
        window.step_once(args.steps)
        for _ in range(40):
            app.processEvents()
        img = grab_with_gl(window)
        if not img.save(args.out):
            print(f"screenshot: cannot write {args.out}", file=sys.stderr)
            return 1
        window.close()
    print(f"wrote {args.out} ({img.width()}x{img.height()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
