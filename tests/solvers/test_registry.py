"""Names, specs, and the validation make() does."""
from __future__ import annotations

import math

import numpy as np
import pytest

import solvers
from solvers import ParamSpec, SolverSpec, make, spec, specs

EXPECTED = ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "newton",
            "random_search")


def test_names_and_specs():
    assert solvers.names() == EXPECTED
    assert set(specs()) == set(EXPECTED)
    for name, s in specs().items():
        assert isinstance(s, SolverSpec) and s.name == name and s.title and s.citation
        assert s.rule_lines and all(isinstance(line, str) for line in s.rule_lines)
        assert s.rule_latex.count("$") % 2 == 0 and "\\" in s.rule_latex
        assert "lr" in s.params and "weight_decay" in s.params
        for p in s.params.values():
            assert isinstance(p, ParamSpec) and p.label
            if p.kind == "float":
                lo, hi = p.slider_range()
                assert math.isfinite(lo) and math.isfinite(hi) and lo < hi
                assert p.check("x", p.default) == p.default
    assert spec("adam").title == "Adam"
    assert "m ← β₁m + (1 − β₁)g" in spec("adam").rule_lines
    assert spec("newton").needs_hessian and make("newton").needs_hessian
    assert [c.symbol for c in spec("adam").params["betas"].components] == ["β₁", "β₂"]


def test_rule_latex_renders_with_mathtext():
    from matplotlib import mathtext  # a dependency of the app: a missing one is a failure

    parser = mathtext.MathTextParser("path")
    for s in specs().values():
        for wd in (0.0, 0.1):
            for line in s.update_rule(wd)[0]:
                parser.parse(line)


@pytest.mark.parametrize("name", EXPECTED)
def test_update_rule_drops_weight_decay_only_when_lambda_is_zero(name):
    s = spec(name)
    full_latex, full_text = s.update_rule(0.3)
    assert (full_latex, full_text) == (tuple(s.rule_latex.split("\n")), s.rule_lines)
    latex, text = s.update_rule(0.0)
    assert len(latex) == len(text) and 2 <= len(text) <= len(full_text)
    assert not any("λ" in line for line in text) and not any("lambda" in line for line in latex)
    if "weight_decay" in s.params:     # every solver here has λ: its full rule says how it acts
        assert any("λ" in line for line in full_text) and any("lambda" in line for line in full_latex)


def test_update_rule_lines_by_hand():
    assert spec("gd").update_rule(0.0)[1] == ("g ← ∇f(x)", "x ← x − η g")
    assert spec("momentum").update_rule(0.0)[1] == ("v ← μv + (1 − τ)g   (first step v ← g)", "x ← x − η v")
    assert spec("adamw").update_rule(0.01)[1][0] == "x ← x (1 − ηλ)"
    assert spec("newton").update_rule(0.5)[1][0] == "g ← ∇f(x) + λx,  H ← ∇²f(x) + (δ + λ)I"
    assert spec("newton").update_rule(0.0)[1][0] == "g ← ∇f(x),  H ← ∇²f(x) + δI"


def test_velocity_state_is_the_buffer_the_point_moves_along():
    x = np.array([[1.0, -2.0]])
    g = np.array([[0.5, 0.25]])
    for name, hyper, key in [("momentum", {"momentum": 0.9}, "momentum_buffer"), ("adam", {}, "exp_avg"),
                             ("rmsprop", {"momentum": 0.5}, "momentum_buffer")]:
        opt = make(name, **hyper)
        _, state = opt.update(g, opt.init(x), x)
        np.testing.assert_array_equal(spec(name).velocity(state, opt.hyper), getattr(state, key))
    for name in ("gd", "sgd", "adagrad", "newton", "random_search"):
        opt = make(name)
        assert spec(name).velocity(opt.init(x), opt.hyper) is None
    opt = make("rmsprop")   # momentum 0: no buffer to draw
    assert spec("rmsprop").velocity(opt.init(x), opt.hyper) is None


def test_spec_make_and_replace_need_no_registry():
    from solvers.rules import adam

    opt = adam.ADAM.make(lr=0.1)
    assert opt.spec is adam.ADAM and opt.replace(lr=0.2).lr == 0.2 and opt.replace(lr=0.2).spec is adam.ADAM


def test_no_import_cycle_in_solvers():
    """The static import graph of the package (every module-level or nested import) has no cycle."""
    import ast
    import pathlib

    root = pathlib.Path(solvers.__file__).parent
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if path.stem == "__init__" else name.rpartition(".")[0]
        deps = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
                target = ".".join([*base, node.module] if node.module else base)
                deps.add(target)
                deps.update(f"{target}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)

    def visit(node: str, stack: list[str]) -> None:
        for dep in sorted(graph.get(node, ())):
            if dep == node or dep not in graph:
                continue
            if dep in stack:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(dep):] + [dep]))
            visit(dep, stack + [dep])

    for start in graph:
        if start != "solvers":   # the package __init__ re-exports its modules: not a cycle
            visit(start, [start])
    assert {"solvers.base", "solvers.registry", "solvers.rules.adam"} <= set(graph)


def test_make_fills_defaults_and_replace():
    opt = make("rmsprop", lr=0.1)
    assert dict(opt.hyper) == dict(lr=0.1, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                                   centered=False)
    assert opt.replace(lr=0.5).hyper["alpha"] == 0.99 and opt.replace(lr=0.5).lr == 0.5
    assert make("adam", betas=[0.5, 0.6]).hyper["betas"] == (0.5, 0.6)
    assert make("gd", lr=1).hyper["lr"] == 1.0 and isinstance(make("gd", lr=1).hyper["lr"], float)
    assert make("adam", lr=np.float32(0.5)).lr == 0.5


@pytest.mark.parametrize("name,hyper,match", [
    ("adamm", {}, r"unknown solver 'adamm' \(did you mean 'adam'\?\).*known: gd, sgd"),
    ("Adam!", {}, "unknown solver"),
    ("adam", {"learning_rate": 0.1}, "adam has no hyper-parameter 'learning_rate'.*lr, betas, eps"),
    ("adam", {"beta1": 0.9}, "no hyper-parameter 'beta1'.*betas"),
    ("gd", {"momentum": 0.9}, "gd has no hyper-parameter 'momentum'"),
    ("gd", {"lr": -0.1}, r"lr=-0.1 is out of range: allowed \(0, inf\)"),
    ("gd", {"lr": 0.0}, "lr=0.0 is out of range"),
    ("gd", {"lr": float("nan")}, "lr=nan"),
    ("gd", {"lr": float("inf")}, "lr=inf"),
    ("gd", {"lr": "0.1"}, "lr must be a number"),
    ("gd", {"lr": True}, "lr must be a number"),
    ("gd", {"weight_decay": -1}, "weight_decay=-1"),
    ("adam", {"betas": (1.0, 0.999)}, r"betas\[0\]=1.0 is out of range: allowed \[0, 1\)"),
    ("adam", {"betas": (0.9, -0.1)}, r"betas\[1\]=-0.1"),
    ("adam", {"betas": 0.9}, "betas must be a tuple of 2 numbers"),
    ("adam", {"betas": (0.9, 0.99, 0.9)}, "betas must be a tuple of 2"),
    ("adam", {"eps": 0.0}, "eps=0.0"),
    ("adam", {"amsgrad": 1}, "amsgrad must be True or False"),
    ("momentum", {"momentum": 1.0}, r"momentum=1.0 is out of range: allowed \[0, 1\)"),
    ("momentum", {"momentum": -0.5}, "momentum=-0.5"),
    ("nesterov", {"momentum": 0.0}, "nesterov needs momentum > 0"),
    ("nesterov", {"dampening": 0.5}, "dampening = 0"),
    ("rmsprop", {"alpha": 1.5}, "alpha=1.5"),
    ("adagrad", {"lr_decay": -1}, "lr_decay=-1"),
    ("adagrad", {"initial_accumulator_value": -0.1}, "initial_accumulator_value"),
    ("newton", {"damping": -1.0}, "damping=-1.0"),
    # absurd values (a fuzzing pass): each a one-line ValueError naming the parameter
    ("adam", {"lr": 10 ** 400}, r"lr=10{19}…\(401 characters\) is out of range: allowed \(0, inf\)"),
    ("gd", {"weight_decay": -10 ** 400}, r"weight_decay=-100.*is out of range"),
    ("adam", {"betas": (10 ** 400, 0.9)}, r"betas\[0\]=1000.*is out of range"),
    ("adagrad", {"lr_decay": 10 ** 400}, "lr_decay=1000"),
    ("newton", {"damping": float("nan")}, "damping=nan"),
    ("rmsprop", {"alpha": float("-inf")}, "alpha=-inf"),
    ("adam", {"eps": "1e-8"}, "eps must be a number, got '1e-8'"),
    ("gd", {"lr": None}, "lr must be a number, got None"),
    ("gd", {"lr": 1j}, "lr must be a number"),
    ("gd", {"lr": [0.1]}, "lr must be a number"),
    ("gd", {"lr": "9" * 500}, r"lr must be a number, got '99999.*\(502 characters\)"),
    ("adam", {"amsgrad": "yes"}, "amsgrad must be True or False"),
    ("adam", {"betas": "ab"}, "betas must be a tuple of 2 numbers"),
])
def test_validation_errors(name, hyper, match):
    with pytest.raises(ValueError, match=match) as info:
        make(name, **hyper)
    assert "\n" not in str(info.value) and len(str(info.value)) < 200


def test_spec_unknown_name():
    with pytest.raises(ValueError, match="did you mean 'rmsprop'"):
        spec("rmsprob")


def test_solvers_import_no_landscapes_or_qt():
    import subprocess
    import sys

    code = ("import sys, solvers, solvers.run, solvers.schedules;"
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('landscapes', 'app', 'PySide6', 'pyqtgraph', 'OpenGL', 'torch')];"
            "print(bad); sys.exit(1 if bad else 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
