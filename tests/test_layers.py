"""The layer rules of DESIGN.md, checked by walking imports (besides import-linter).

- landscapes/ and solvers/ never import app or Qt; solvers never import landscapes;
- app/model/ imports no Qt and nothing from app.ui;
- importing the whole model (and the CLI module) at runtime loads no Qt at all.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
QT = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "OpenGL", "shiboken6")


def imports_of(path: Path, root: Path = REPO) -> list[tuple[str, int]]:
    """Absolute module names imported anywhere in ``path`` (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    pkg = list(path.relative_to(root).parts[:-1])  # the package the module lives in
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.append((mod, node.lineno))
    return found


def offenders(package: str, forbidden: tuple[str, ...], root: Path = REPO) -> list[str]:
    bad = []
    for path in sorted((root / package).rglob("*.py")):
        for mod, line in imports_of(path, root):
            if any(mod == f or mod.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(root)}:{line} imports {mod}")
    return bad


@pytest.mark.parametrize("package, forbidden", [
    ("landscapes", ("app",) + QT),
    ("solvers", ("app", "landscapes") + QT),
    ("app/model", ("app.ui",) + QT),
])
def test_package_does_not_import(package, forbidden):
    assert offenders(package, forbidden) == []


def test_the_walker_sees_relative_and_nested_imports(tmp_path):
    # a test that cannot fail is a defect: feed the walker a known offender
    (tmp_path / "app" / "model").mkdir(parents=True)
    fake = tmp_path / "app" / "model" / "probe.py"
    fake.write_text("def f():\n    from ..ui import main\n    import PySide6.QtCore\n")
    bad = offenders("app/model", ("app.ui",) + QT, root=tmp_path)
    assert any("imports app.ui" in b for b in bad) and any("PySide6.QtCore" in b for b in bad)


def test_importing_model_and_cli_loads_no_qt():
    code = (
        "import sys, pkgutil, importlib, app.model as m\n"
        "for info in pkgutil.iter_modules(m.__path__):\n"
        "    importlib.import_module('app.model.' + info.name)\n"
        "import app.cli, landscapes, solvers\n"
        f"bad = [k for k in sys.modules if k.split('.')[0] in {QT!r}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
