"""Every solver against torch.optim on the same gradient sequence, float64, 60 steps."""
from __future__ import annotations

import numpy as np
import pytest
import torch  # a test dependency: without it this file fails, it never skips (the 1e-12 claim)

import solvers

from ._surfaces import Rosenbrock

STEPS = 60
STARTS = np.array([[-1.2, 1.0], [0.3, -0.4], [1.5, 2.0], [-0.5, 0.25], [0.9, 0.8]])

# (our name, our hyper, torch class, torch kwargs)
CASES = [
    ("gd", dict(lr=1e-4), "SGD", dict(lr=1e-4)),
    ("sgd", dict(lr=2e-4, weight_decay=0.1), "SGD", dict(lr=2e-4, weight_decay=0.1)),
    ("momentum", dict(lr=1e-4), "SGD", dict(lr=1e-4, momentum=0.9)),
    ("momentum", dict(lr=1e-4, momentum=0.5, dampening=0.3, weight_decay=0.05), "SGD",
     dict(lr=1e-4, momentum=0.5, dampening=0.3, weight_decay=0.05)),
    ("nesterov", dict(lr=1e-4), "SGD", dict(lr=1e-4, momentum=0.9, nesterov=True)),
    ("nesterov", dict(lr=5e-5, momentum=0.7, weight_decay=0.2), "SGD",
     dict(lr=5e-5, momentum=0.7, nesterov=True, weight_decay=0.2)),
    ("adagrad", dict(), "Adagrad", dict()),
    ("adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.5, weight_decay=0.1, eps=1e-6),
     "Adagrad", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.5, weight_decay=0.1, eps=1e-6)),
    ("rmsprop", dict(), "RMSprop", dict()),
    ("rmsprop", dict(lr=1e-3, momentum=0.8), "RMSprop", dict(lr=1e-3, momentum=0.8)),
    ("rmsprop", dict(lr=1e-3, centered=True), "RMSprop", dict(lr=1e-3, centered=True)),
    ("rmsprop", dict(lr=1e-3, centered=True, momentum=0.6, weight_decay=0.1, alpha=0.95, eps=1e-4),
     "RMSprop", dict(lr=1e-3, centered=True, momentum=0.6, weight_decay=0.1, alpha=0.95, eps=1e-4)),
    ("adam", dict(), "Adam", dict()),
    ("adam", dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1), "Adam",
     dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1)),
    ("adam", dict(lr=0.02, amsgrad=True), "Adam", dict(lr=0.02, amsgrad=True)),
    ("adam", dict(lr=0.02, betas=(0.3, 0.7), eps=1e-3, amsgrad=True), "Adam",
     dict(lr=0.02, betas=(0.3, 0.7), eps=1e-3, amsgrad=True)),
    ("adamw", dict(), "AdamW", dict()),
    ("adamw", dict(lr=0.05, weight_decay=0.5, amsgrad=True), "AdamW",
     dict(lr=0.05, weight_decay=0.5, amsgrad=True)),
]


def _torch_path(cls, kwargs, grad_fn, steps=STEPS, scheduler=None):
    p = torch.tensor(STARTS, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], foreach=False, **kwargs)
    sched = scheduler(opt) if scheduler else None
    out = [p.detach().numpy().copy()]
    for t in range(steps):
        p.grad = torch.tensor(grad_fn(p.detach().numpy(), t), dtype=torch.float64)
        opt.step()
        if sched:
            sched.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def _our_path(opt, grad_fn, steps=STEPS, schedule=None):
    x = STARTS.copy()
    state = opt.init(x)
    out = [x]
    for t in range(steps):
        g = grad_fn(x, t)
        scale = 1.0 if schedule is None else schedule(t)
        upd, state = opt.update(g, state, x, lr_scale=scale)
        x = x + upd
        out.append(x)
    return np.array(out)


def _rosenbrock_grad(x, t):
    return Rosenbrock().grad(x)


_RANDOM_GRADS = np.random.default_rng(7).standard_normal((STEPS, len(STARTS), 2)) * \
    np.array([1.0, 30.0])  # coordinates of very different scale, as on a ravine


def _random_grad(x, t):
    return _RANDOM_GRADS[t].copy()


@pytest.mark.parametrize("grad_fn", [_rosenbrock_grad, _random_grad], ids=["rosenbrock", "random"])
@pytest.mark.parametrize("name,hyper,cls,kwargs", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_torch(name, hyper, cls, kwargs, grad_fn):
    ours = _our_path(solvers.make(name, **hyper), grad_fn)
    ref = _torch_path(cls, kwargs, grad_fn)
    assert np.isfinite(ref).all()
    assert np.abs(ref[-1] - ref[0]).max() > 1e-3  # the run really moved
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)


def test_defaults_are_torchs():
    """Our defaults equal torch.optim's constructor defaults (adamw: weight_decay 1e-2)."""
    p = [torch.zeros(2, requires_grad=True)]
    pairs = [("gd", "SGD"), ("adagrad", "Adagrad"), ("rmsprop", "RMSprop"), ("adam", "Adam"),
             ("adamw", "AdamW")]
    for ours, theirs in pairs:
        ref = getattr(torch.optim, theirs)(p).defaults
        for key, value in solvers.make(ours).hyper.items():
            if key in ref:
                assert ref[key] == value, (ours, key)
    assert solvers.make("momentum").hyper["momentum"] == 0.9
    assert solvers.make("adamw").hyper["weight_decay"] == 1e-2
    assert solvers.make("adam").hyper["betas"] == (0.9, 0.999)


def test_schedule_in_the_loop_matches_torch_scheduler():
    """Adam under cosine-with-warm-up equals torch Adam stepped by SequentialLR."""
    from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR

    sched = solvers.make_schedule("cosine", total_steps=STEPS, warmup=8, start_factor=0.1,
                                  min_factor=0.05)

    def torch_sched(opt):
        return SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=8),
                                  CosineAnnealingLR(opt, T_max=STEPS - 8, eta_min=0.05 * 0.05)],
                            milestones=[8])

    ours = _our_path(solvers.make("adam", lr=0.05), _rosenbrock_grad, schedule=sched)
    ref = _torch_path("Adam", dict(lr=0.05), _rosenbrock_grad, scheduler=torch_sched)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-14)
