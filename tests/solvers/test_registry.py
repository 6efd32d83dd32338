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
    mathtext = pytest.importorskip("matplotlib.mathtext")
    parser = mathtext.MathTextParser("path")
    for s in specs().values():
        for line in s.rule_latex.split("\n"):
            parser.parse(line)


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
])
def test_validation_errors(name, hyper, match):
    with pytest.raises(ValueError, match=match) as info:
        make(name, **hyper)
    assert "\n" not in str(info.value)


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
