"""Schedules against torch.optim.lr_scheduler multipliers over 100 steps."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch  # a test dependency: without it this file fails, it never skips
from torch.optim import lr_scheduler as tl

from solvers import make_schedule, schedule_names

N = 100


def torch_multipliers(build, n=N):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    sched = build(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(out)


CASES = [
    (dict(kind="constant"), lambda o: tl.ConstantLR(o, factor=1.0, total_iters=0)),
    (dict(kind="step", step_size=30, gamma=0.5), lambda o: tl.StepLR(o, step_size=30, gamma=0.5)),
    (dict(kind="step", step_size=7), lambda o: tl.StepLR(o, step_size=7, gamma=0.1)),
    (dict(kind="exponential", gamma=0.97), lambda o: tl.ExponentialLR(o, gamma=0.97)),
    (dict(kind="cosine", total_steps=100), lambda o: tl.CosineAnnealingLR(o, T_max=100)),
    (dict(kind="cosine", total_steps=100, min_factor=0.2),
     lambda o: tl.CosineAnnealingLR(o, T_max=100, eta_min=0.2)),
    (dict(kind="constant", warmup=10), lambda o: tl.LinearLR(o, start_factor=1 / 3, total_iters=10)),
    (dict(kind="cosine", total_steps=100, warmup=10, start_factor=0.01),
     lambda o: tl.SequentialLR(o, [tl.LinearLR(o, start_factor=0.01, total_iters=10),
                                   tl.CosineAnnealingLR(o, T_max=90)], milestones=[10])),
    (dict(kind="step", step_size=20, gamma=0.3, warmup=5, start_factor=0.2),
     lambda o: tl.SequentialLR(o, [tl.LinearLR(o, start_factor=0.2, total_iters=5),
                                   tl.StepLR(o, step_size=20, gamma=0.3)], milestones=[5])),
    (dict(kind="exponential", gamma=0.95, warmup=25, start_factor=0.5),
     lambda o: tl.SequentialLR(o, [tl.LinearLR(o, start_factor=0.5, total_iters=25),
                                   tl.ExponentialLR(o, gamma=0.95)], milestones=[25])),
]


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch warns about SequentialLR internals
@pytest.mark.parametrize("record,build", CASES, ids=[str(c[0]) for c in CASES])
def test_matches_torch(record, build):
    sched = make_schedule(**record)
    ref = torch_multipliers(build)
    t = np.arange(N)
    np.testing.assert_allclose(sched(t), ref, rtol=1e-12, atol=1e-15)
    assert all(math.isclose(sched(int(i)), ref[i], rel_tol=1e-12, abs_tol=1e-15) for i in (0, 9, 10, 57))
    assert isinstance(sched(3), float)
    assert make_schedule(**sched.as_dict()) == sched


def test_hand_values():
    s = make_schedule("cosine", total_steps=10, min_factor=0.1)
    # t = 5: 0.1 + 0.9·(1 + cos(π/2))/2 = 0.55; after the end it stays at the minimum
    assert s(5) == pytest.approx(0.55, rel=1e-15)
    np.testing.assert_allclose(s(np.array([10, 11, 50])), 0.1, rtol=1e-15)
    w = make_schedule("constant", warmup=4, start_factor=0.2)
    np.testing.assert_allclose(w(np.arange(6)), [0.2, 0.4, 0.6, 0.8, 1.0, 1.0], rtol=1e-15)
    assert make_schedule("step", step_size=3, gamma=0.5)(np.array([[2, 3], [6, 9]])).shape == (2, 2)


def test_names():
    assert schedule_names() == ("constant", "step", "exponential", "cosine")


@pytest.mark.parametrize("record,match", [
    (dict(kind="cosin"), "unknown schedule 'cosin' .*did you mean 'cosine'"),
    (dict(kind="step", steps=3), "no parameter 'steps'.*step_size"),
    (dict(kind="step", step_size=0), "step_size"),
    (dict(kind="step", step_size=2.5), "step_size"),
    (dict(kind="exponential", gamma=0.0), "gamma"),
    (dict(kind="exponential", gamma=float("nan")), "gamma"),
    (dict(kind="cosine", total_steps=10, warmup=10), "total_steps"),
    (dict(kind="cosine", min_factor=1.5), "min_factor"),
    (dict(kind="constant", warmup=-1), "warmup"),
    (dict(kind="constant", warmup=3, start_factor=0.0), "start_factor"),
    (dict(kind="constant", warmup="5"), "warmup"),
    (dict(kind="step", gama=0.5), r"no parameter 'gama' \(did you mean 'gamma'\?\); its parameters: step_size"),
    # absurd values (a fuzzing pass): a one-line ValueError naming the parameter, never OverflowError
    (dict(kind="exponential", gamma=10 ** 400), r"gamma must be a finite number, got 10{19}…\(401 characters\)"),
    (dict(kind="cosine", total_steps=10 ** 400), "total_steps must be a finite number"),
    (dict(kind="step", step_size=float("inf")), "step_size must be a finite number"),
    (dict(kind="constant", warmup=True), "warmup must be a finite number, got True"),
    (dict(kind="constant", warmup=3, start_factor=None), "start_factor must be a finite number"),
])
def test_clear_errors(record, match):
    with pytest.raises(ValueError, match=match) as info:
        make_schedule(**record)
    assert "\n" not in str(info.value) and len(str(info.value)) < 200
