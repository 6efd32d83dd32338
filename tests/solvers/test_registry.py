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
