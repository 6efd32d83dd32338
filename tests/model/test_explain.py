"""explain: the shown numbers against torch.optim fed the same gradients, and hand formulas.

Convention (app/model/explain.py): after T steps (the status bar's "step T")
the explained update is step T itself, from x_{T−1} to x_T.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch  # a test dependency: without it this file fails, it never skips

import solvers
from app.model.explain import explain_track, fmt_num, fmt_vec
from app.model.race import Race
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

START = (-1.2, 1.0)
T = 7   # steps taken; the explained one is the T-th


def race_on(landscape, solver, hyper, start=START, steps=T, **run):
    lspec = landscape if isinstance(landscape, LandscapeSpec) else LandscapeSpec(landscape)
    scene = Scene(landscape=lspec, playback=PlaybackSpec(steps=100),
                  runs=[RunSpec(solver, dict(hyper), start=start, **run)])
    race = Race(scene)
    race.step(steps)
    return race, race.runs[0]


def race_on_rosenbrock(solver, hyper, schedule=None):
    return race_on("rosenbrock", solver, hyper, schedule=schedule)


def rosen_torch(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def torch_steps(make_opt, steps):
    """Positions and the optimizer after each of ``steps`` torch steps on rosenbrock (autograd grads)."""
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = make_opt([p])
    xs = [p.detach().clone().numpy()]
    for _ in range(steps):
        opt.zero_grad()
        rosen_torch(p).backward()
        opt.step()
        xs.append(p.detach().clone().numpy())
    return np.array(xs), opt, p


def test_gd_matches_torch_sgd():
    race, tr = race_on_rosenbrock("gd", {"lr": 1e-3})
    ex = explain_track(tr)
    xs, _, _ = torch_steps(lambda ps: torch.optim.SGD(ps, lr=1e-3), T)
    np.testing.assert_allclose(ex.x, xs[T - 1], rtol=1e-12)
    np.testing.assert_allclose(ex.delta, xs[T] - xs[T - 1], rtol=1e-9, atol=1e-15)
    assert ex.step == T == race.step_count and ex.lr == pytest.approx(1e-3) and not ex.upcoming
    np.testing.assert_array_equal(ex.x + ex.delta, tr.head)   # the explained step is the one taken
    x, y = xs[T - 1]
    grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])   # by hand
    np.testing.assert_allclose(ex.grad, grad, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_buffer_matches_torch(nesterov):
    name = "nesterov" if nesterov else "momentum"
    race, tr = race_on_rosenbrock(name, {"lr": 1e-4, "momentum": 0.9})
    ex = explain_track(tr)
    xs, opt, p = torch_steps(lambda ps: torch.optim.SGD(ps, lr=1e-4, momentum=0.9, nesterov=nesterov), T)
    buf = opt.state[p]["momentum_buffer"].numpy()
    np.testing.assert_allclose(ex.term("v"), buf, rtol=1e-9)
    np.testing.assert_allclose(ex.delta, xs[T] - xs[T - 1], rtol=1e-9)
    np.testing.assert_array_equal(ex.term("v"), tr.velocity)   # the buffer the velocity arrow draws


def test_rmsprop_matches_torch():
    race, tr = race_on_rosenbrock("rmsprop", {"lr": 1e-3, "alpha": 0.9})
    ex = explain_track(tr)
    xs, opt, p = torch_steps(lambda ps: torch.optim.RMSprop(ps, lr=1e-3, alpha=0.9), T)
    r = opt.state[p]["square_avg"].numpy()
    np.testing.assert_allclose(ex.term("r"), r, rtol=1e-9)
    np.testing.assert_allclose(ex.term("denom"), np.sqrt(r) + 1e-8, rtol=1e-9)
    np.testing.assert_allclose(ex.delta, xs[T] - xs[T - 1], rtol=1e-9)
    # hand: Δx = −η g / (√r + ε)
    np.testing.assert_allclose(ex.delta, -1e-3 * ex.grad / (np.sqrt(r) + 1e-8), rtol=1e-9)


@pytest.mark.parametrize("solver", ["adam", "adamw"])
def test_adam_moments_bias_correction_and_step(solver):
    hyper = {"lr": 2e-2, "betas": (0.8, 0.95)}
    race, tr = race_on_rosenbrock(solver, hyper)
    ex = explain_track(tr)
    cls = torch.optim.Adam if solver == "adam" else torch.optim.AdamW
    xs, opt, p = torch_steps(lambda ps: cls(ps, lr=2e-2, betas=(0.8, 0.95)), T)
    st = opt.state[p]
    m, v = st["exp_avg"].numpy(), st["exp_avg_sq"].numpy()
    t = T
    assert int(st["step"]) == t == ex.step == race.step_count
    np.testing.assert_allclose(ex.term("m"), m, rtol=1e-9)
    np.testing.assert_allclose(ex.term("v"), v, rtol=1e-9)
    np.testing.assert_allclose(ex.term("m_hat"), m / (1 - 0.8 ** t), rtol=1e-9)
    np.testing.assert_allclose(ex.term("v_hat"), v / (1 - 0.95 ** t), rtol=1e-9)
    np.testing.assert_allclose(ex.delta, xs[t] - xs[t - 1], rtol=1e-8)
    if solver == "adam":   # hand form of the step (Kingma & Ba, Alg. 1)
        hand = -2e-2 * (m / (1 - 0.8 ** t)) / (np.sqrt(v / (1 - 0.95 ** t)) + 1e-8)
        np.testing.assert_allclose(ex.delta, hand, rtol=1e-7)


def test_newton_step_against_autograd_hessian():
    race, tr = race_on_rosenbrock("newton", {"lr": 0.5, "damping": 0.1})
    ex = explain_track(tr)
    x = torch.tensor(ex.x, dtype=torch.float64)
    H = torch.autograd.functional.hessian(rosen_torch, x).numpy()
    g = torch.func.grad(rosen_torch)(x).numpy()
    hand = -0.5 * np.linalg.solve(H + 0.1 * np.eye(2), g)
    np.testing.assert_allclose(ex.delta, hand, rtol=1e-9)
    np.testing.assert_allclose(ex.term("H"), H + 0.1 * np.eye(2), rtol=1e-12)
    np.testing.assert_allclose(ex.term("newton_dir"), np.linalg.solve(H + 0.1 * np.eye(2), g), rtol=1e-9)
    np.testing.assert_allclose(ex.x, tr.points[-2], rtol=0)
    # the explained step is the one the race took last
    np.testing.assert_allclose(tr.head, ex.x + ex.delta, rtol=1e-12)


def test_schedule_lr_is_the_effective_one():
    race, tr = race_on_rosenbrock("gd", {"lr": 1e-3}, schedule={"kind": "exponential", "gamma": 0.5})
    ex = explain_track(tr)
    assert ex.lr == pytest.approx(1e-3 * 0.5 ** (T - 1), rel=1e-12)   # step T goes from t = T − 1
    np.testing.assert_allclose(ex.lr, tr.lrs[T - 1], rtol=1e-15)
    np.testing.assert_allclose(tr.head - ex.x, ex.delta, rtol=1e-9, atol=1e-15)  # (x+Δ)−x rounding


def test_words_and_lines_show_the_numbers():
    race, tr = race_on_rosenbrock("adam", {"lr": 1e-2})
    ex = explain_track(tr)
    w = ex.words()
    assert w.startswith(f"step {T}: g = (") and "lr 1.0e-2" in w and "Δx = (" in w
    assert "−" in w or "-" not in w.split("lr")[0]       # Unicode minus for negatives
    tex = "\n".join(ex.latex_lines())
    assert r"\hat m" in tex and r"\Delta x" in tex
    assert any(line.startswith("m̂ = (") for line in ex.text_lines())
    assert fmt_num(-0.000123) == "−1.23e−4" or fmt_num(-0.000123) == "−1.23e-4".replace("-", "−")
    assert fmt_num(2.5) == "2.5"


def test_noisy_runs_explain_the_gradient_they_used():
    # noise: the explained g is the noisy one the step got, so x + Δx lands exactly on the head
    race, tr = race_on("rosenbrock", "sgd", {"lr": 1e-3}, steps=3, noise=0.5)
    ex = explain_track(tr)
    assert ex.noisy and "(noisy gradient)" in ex.words()
    np.testing.assert_array_equal(ex.x, tr.points[-2])
    np.testing.assert_array_equal(ex.x + ex.delta, tr.head)
    np.testing.assert_allclose(ex.delta, -1e-3 * ex.grad, rtol=1e-15)
    exact = tr.stepper.f.grad(ex.x)
    assert np.linalg.norm(ex.grad - exact) > 1e-3 * np.linalg.norm(exact)   # not the noise-free one


def test_step_zero_previews_the_first_step():
    race, tr = race_on("rosenbrock", "adam", {"lr": 1e-2}, steps=0, noise=0.5)
    ex = explain_track(tr)
    assert ex.upcoming and ex.step == 1 and race.step_count == 0
    assert ex.words().startswith("next step 1: g = (") and "noise-free preview" in ex.words()
    assert ex.latex_lines()[0].startswith(r"$t = 1\ \mathrm{(next)}") and ex.text_lines()[0].startswith("t = 1 (next)")
    np.testing.assert_array_equal(ex.x, START)
    np.testing.assert_allclose(ex.grad, tr.grad, rtol=0)   # the exact gradient at x_0
    # Adam's first step is η·sign(g) (m̂ = g, v̂ = g²), by hand
    np.testing.assert_allclose(ex.delta, -1e-2 * np.sign(ex.grad), rtol=1e-6)


def test_a_zero_step_prints_without_a_sign():
    assert fmt_num(-0.0) == "0" and fmt_vec([-0.0, -0.0]) == "(0, 0)"
    assert fmt_num(-1e-20) == "−1.00e−20"      # a tiny step keeps its sign
    # newton at the monkey saddle's centre: g = 0 and H = 0, a zero step (not a divergence)
    race, tr = race_on("monkey_saddle", "newton", {"lr": 1.0}, start=(0.0, 0.0), steps=5)
    assert tr.diverged_at is None
    ex = explain_track(tr)
    np.testing.assert_array_equal(ex.delta, [0.0, 0.0])
    np.testing.assert_array_equal(ex.term("H"), np.zeros((2, 2)))
    np.testing.assert_array_equal(ex.term("newton_dir"), [0.0, 0.0])
    assert "Δx = (0, 0)" in ex.words() and "−0" not in " ".join(ex.text_lines())
    assert "-0" not in "".join(ex.latex_lines()) and not ex.note


def test_newton_at_a_singular_hessian_says_so_instead_of_nan():
    # f = x³/3 + y²: H = diag(2x, 2) is singular on x = 0 while g = (x², 2y) = (0, 2) ≠ 0 at (0, 1)
    race, tr = race_on(LandscapeSpec("expression", expression="x^3/3 + y^2"), "newton", {"lr": 1.0}, start=(0.0, 1.0), steps=1)
    assert tr.diverged_at == 1      # no Newton step exists: the run stops there
    ex = explain_track(tr)
    np.testing.assert_array_equal(ex.term("H"), [[0.0, 0.0], [0.0, 2.0]])
    with pytest.raises(KeyError):
        ex.term("newton_dir")       # no (nan, nan) direction is shown
    assert "H is singular (det H = 0)" in ex.note and "nan" not in " ".join(ex.text_lines())
    assert "Δx undefined" in ex.text_lines() and "H is singular (det H = 0)" in ex.text_lines()
    assert "nan" not in "".join(ex.latex_lines()) and "nan" not in ex.words()
    race.step(3)
    with pytest.raises(ValueError, match="diverged at step 1: the run has stopped"):
        explain_track(tr)


def test_newton_h_is_one_matrix_in_the_math():
    from matplotlib import mathtext

    race, tr = race_on_rosenbrock("newton", {"lr": 0.5})
    lines = explain_track(tr).latex_lines(columns=True)
    (h_line,) = [line.split(r"\quad")[0] for line in lines if line.startswith("$H = ")]
    assert h_line.count(r"\genfrac") == 2 and h_line.count(r"\left(") == 1 and "[" not in h_line
    parser = mathtext.MathTextParser("path")
    for line in lines:
        parser.parse(line)
    (h_text,) = [line for line in explain_track(tr).text_lines() if line.startswith("H = ")]
    assert h_text.count(";") == 1      # H = (a  b; c  d): rows, not two column vectors


def test_random_search_explains_its_guess():
    race, tr = race_on("rosenbrock", "random_search", {"lr": 0.1}, steps=4)
    ex = explain_track(tr)
    assert ex.grad is None and "g = " not in ex.words()
    xi, proposal = ex.term("xi"), ex.term("proposal")
    np.testing.assert_allclose(proposal, ex.x + 0.1 * xi, rtol=1e-15)
    f = tr.stepper.f
    assert ex.term("f_x") == pytest.approx(float(f.value(ex.x)), rel=1e-15)
    kept = ex.term("f_proposal") < ex.term("f_x")
    np.testing.assert_array_equal(ex.x + ex.delta, proposal if kept else ex.x)
    np.testing.assert_array_equal(ex.x + ex.delta, tr.head)
    assert ex.note.startswith("kept" if kept else "x' rejected")
    assert ex.text_lines()[0] == "t = 4,  σ = 0.1" and "σ = 0.1" in ex.latex_lines()[0]   # its lr is σ
    assert ex.latex_lines()[-1] == "$\\text{" + ex.note + "}$"


@pytest.mark.parametrize("name", solvers.names())
def test_every_solver_explains_the_step_it_took(name):
    """The contract a new rule module meets for free: its explanation replays its own step."""
    from matplotlib import mathtext

    race, tr = race_on_rosenbrock(name, {"lr": 1e-3} if name != "newton" else {"lr": 0.5})
    ex = explain_track(tr)
    assert ex.step == T and ex.solver == name and not ex.upcoming
    np.testing.assert_array_equal(ex.x, tr.points[-2])
    np.testing.assert_array_equal(ex.x + ex.delta, tr.head)
    keys = [t.key for t in ex.terms]
    assert len(keys) == len(set(keys))
    for t in ex.terms:
        assert np.shape(t.value) in ((), (2,), (2, 2)) and np.isfinite(t.value).all(), (name, t.key)
    parser = mathtext.MathTextParser("path")
    for columns in (False, True):
        for line in ex.latex_lines(columns=columns):
            parser.parse(line)
    assert len(ex.text_lines()) >= 2 and "nan" not in " ".join(ex.text_lines()) + ex.words()
