"""explain: the shown numbers against torch.optim fed the same gradients, and hand formulas."""
from __future__ import annotations

import numpy as np
import pytest

from app.model.explain import explain_track, fmt_num
from app.model.race import Race
from app.model.scene import LandscapeSpec, PlaybackSpec, RunSpec, Scene

torch = pytest.importorskip("torch")

START = (-1.2, 1.0)
T = 7   # steps taken before the explained one


def race_on_rosenbrock(solver, hyper, schedule=None):
    scene = Scene(landscape=LandscapeSpec("rosenbrock"), playback=PlaybackSpec(steps=100),
                  runs=[RunSpec(solver, dict(hyper), start=START, schedule=schedule)])
    race = Race(scene)
    race.step(T)
    return race, race.runs[0]


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
    xs, _, _ = torch_steps(lambda ps: torch.optim.SGD(ps, lr=1e-3), T + 1)
    np.testing.assert_allclose(ex.x, xs[T], rtol=1e-12)
    np.testing.assert_allclose(ex.delta, xs[T + 1] - xs[T], rtol=1e-9, atol=1e-15)
    assert ex.step == T + 1 and ex.lr == pytest.approx(1e-3)
    x, y = xs[T]
    grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])   # by hand
    np.testing.assert_allclose(ex.grad, grad, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_buffer_matches_torch(nesterov):
    name = "nesterov" if nesterov else "momentum"
    race, tr = race_on_rosenbrock(name, {"lr": 1e-4, "momentum": 0.9})
    ex = explain_track(tr)
    xs, opt, p = torch_steps(lambda ps: torch.optim.SGD(ps, lr=1e-4, momentum=0.9, nesterov=nesterov), T + 1)
    buf = opt.state[p]["momentum_buffer"].numpy()
    np.testing.assert_allclose(ex.term("v"), buf, rtol=1e-9)
    np.testing.assert_allclose(ex.delta, xs[T + 1] - xs[T], rtol=1e-9)


def test_rmsprop_matches_torch():
    race, tr = race_on_rosenbrock("rmsprop", {"lr": 1e-3, "alpha": 0.9})
    ex = explain_track(tr)
    xs, opt, p = torch_steps(lambda ps: torch.optim.RMSprop(ps, lr=1e-3, alpha=0.9), T + 1)
    r = opt.state[p]["square_avg"].numpy()
    np.testing.assert_allclose(ex.term("r"), r, rtol=1e-9)
    np.testing.assert_allclose(ex.term("denom"), np.sqrt(r) + 1e-8, rtol=1e-9)
    np.testing.assert_allclose(ex.delta, xs[T + 1] - xs[T], rtol=1e-9)
    # hand: Δx = −η g / (√r + ε)
    np.testing.assert_allclose(ex.delta, -1e-3 * ex.grad / (np.sqrt(r) + 1e-8), rtol=1e-9)


@pytest.mark.parametrize("solver", ["adam", "adamw"])
def test_adam_moments_bias_correction_and_step(solver):
    hyper = {"lr": 2e-2, "betas": (0.8, 0.95)}
    race, tr = race_on_rosenbrock(solver, hyper)
    ex = explain_track(tr)
    cls = torch.optim.Adam if solver == "adam" else torch.optim.AdamW
    xs, opt, p = torch_steps(lambda ps: cls(ps, lr=2e-2, betas=(0.8, 0.95)), T + 1)
    st = opt.state[p]
    m, v = st["exp_avg"].numpy(), st["exp_avg_sq"].numpy()
    t = T + 1
    assert int(st["step"]) == t == ex.step
    np.testing.assert_allclose(ex.term("m"), m, rtol=1e-9)
    np.testing.assert_allclose(ex.term("v"), v, rtol=1e-9)
    np.testing.assert_allclose(ex.term("m_hat"), m / (1 - 0.8 ** t), rtol=1e-9)
    np.testing.assert_allclose(ex.term("v_hat"), v / (1 - 0.95 ** t), rtol=1e-9)
    np.testing.assert_allclose(ex.delta, xs[t] - xs[T], rtol=1e-8)
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
    # the explained step is the one the race then takes
    race.step(1)
    np.testing.assert_allclose(tr.head, ex.x + ex.delta, rtol=1e-12)


def test_schedule_lr_is_the_effective_one():
    race, tr = race_on_rosenbrock("gd", {"lr": 1e-3}, schedule={"kind": "exponential", "gamma": 0.5})
    ex = explain_track(tr)
    assert ex.lr == pytest.approx(1e-3 * 0.5 ** T, rel=1e-12)
    before = tr.head.copy()
    race.step(1)
    np.testing.assert_allclose(tr.head - before, ex.delta, rtol=1e-9, atol=1e-15)  # (x+Δ)−x rounding


def test_words_and_lines_show_the_numbers():
    race, tr = race_on_rosenbrock("adam", {"lr": 1e-2})
    ex = explain_track(tr)
    w = ex.words()
    assert w.startswith(f"step {T + 1}: g = (") and "lr 1.0e-2" in w and "Δx = (" in w
    assert "−" in w or "-" not in w.split("lr")[0]       # Unicode minus for negatives
    tex = "\n".join(ex.latex_lines())
    assert r"\hat m" in tex and r"\Delta x" in tex
    assert any(line.startswith("m̂ = (") for line in ex.text_lines())
    assert fmt_num(-0.000123) == "−1.23e−4" or fmt_num(-0.000123) == "−1.23e-4".replace("-", "−")
    assert fmt_num(2.5) == "2.5"


def test_noisy_runs_are_flagged():
    scene = Scene(landscape=LandscapeSpec("rosenbrock"),
                  runs=[RunSpec("sgd", {"lr": 1e-3}, start=START, noise=0.5)])
    race = Race(scene)
    race.step(3)
    ex = explain_track(race.runs[0])
    assert ex.noisy and "noise-free preview" in ex.words()
