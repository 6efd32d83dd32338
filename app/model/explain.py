"""The numbers of one update, for the lecture overlay: "what happens at the next step".

For a run whose head is x_t (after t steps) with optimizer state S_t, the next
update takes the exact gradient g = ∇f(x_t) (noise-free: with gradient noise
or minibatches the real step differs, and ``noisy`` says so) and the
effective learning rate η_t = lr · schedule(t). Δx and the new state come from
the solver's own ``update`` (so what is shown is what the app will do); the
derived quantities a lecture names are then spelled out with torch.optim's
formulas (see solvers/rules/*.py):

    gd/sgd     Δx = −η g                            (g includes λx)
    momentum   v' = g at the first step, else μv + (1 − τ)g;  Δx = −η v'
    nesterov   v' as above;  Δx = −η (g + μ v')
    adagrad    s' = s + g²;  η' = η / (1 + (t−1)·decay);  Δx = −η' g / (√s' + ε)
    rmsprop    r' = αr + (1 − α)g²;  d = √r' + ε;  Δx = −η g / d   (momentum: b' = μb + g/d, Δx = −η b')
    adam(w)    m' = β₁m + (1 − β₁)g;  v' = β₂v + (1 − β₂)g²;  m̂ = m'/(1 − β₁ᵗ),  v̂ = v'/(1 − β₂ᵗ);
               Δx = −η m̂ / (√v̂ + ε)   (adamw also −ηλx)
    newton     H = ∇²f + (δ + λ)I;  Δx = −η H⁻¹ g

Qt-free. Kingma & Ba (2015) for Adam's bias correction; torch.optim docs for
the exact forms.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

MINUS = "\u2212"


@dataclass(frozen=True)
class Term:
    """One named number of the update: a scalar or a 2-vector."""

    key: str        # stable name for code and tests: "m", "v", "m_hat", ...
    latex: str      # mathtext symbol, e.g. r"\hat m"
    text: str       # Unicode symbol, e.g. "m̂"
    value: Any      # float or (2,) array


@dataclass(frozen=True)
class Explanation:
    solver: str
    step: int                 # the step being taken: t + 1
    x: np.ndarray             # x_t, (2,)
    grad: np.ndarray          # ∇f(x_t), exact, (2,)
    lr: float                 # η_t (schedule applied)
    delta: np.ndarray         # Δx, (2,)
    terms: tuple[Term, ...] = field(default_factory=tuple)
    noisy: bool = False       # the real step uses a noisy / minibatch gradient
    uses_weight_decay: bool = False

    @property
    def x_next(self) -> np.ndarray:
        return self.x + self.delta

    def term(self, key: str):
        """The value of term ``key`` (KeyError listing the keys)."""
        for t in self.terms:
            if t.key == key:
                return t.value
        raise KeyError(f"no term {key!r} in the {self.solver} update; terms: "
                       f"{', '.join(t.key for t in self.terms)}")

    def words(self) -> str:
        """One line, e.g. 'step 12: g = (0.31, −2.4), lr 1.0e-2 → Δx = (…)'."""
        tail = "  (noise-free preview)" if self.noisy else ""
        return (f"step {self.step}: g = {fmt_vec(self.grad)}, lr {self.lr:.1e} "
                f"\u2192 \u0394x = {fmt_vec(self.delta)}{tail}").replace("e-0", "e-").replace("e+0", "e+")

    def latex_lines(self, columns: bool = False) -> list[str]:
        """mathtext lines, one per term, then Δx: e.g. r'$\\hat m = (0.31,\\ -2.4)$'.

        columns=True writes vectors as column vectors (half as wide: narrow panels).
        """
        vec = _tex_column if columns else _tex_vec
        out = [rf"$t = {self.step},\ \ \eta = {_tex_num(self.lr)}$", rf"$g = {vec(self.grad)}$"]
        parts = []
        for t in self.terms:
            if np.ndim(t.value) == 2:      # a 2x2 matrix (newton's H): one row per line
                v = r",\ ".join(vec(row) for row in np.asarray(t.value))
                parts.append(rf"{t.latex} = [{v}]")
                continue
            v = vec(t.value) if np.ndim(t.value) else _tex_num(t.value)
            parts.append(rf"{t.latex} = {v}")
        # column vectors are narrow: two terms a line keeps a side panel short
        per_line = 2 if columns else 1
        for i in range(0, len(parts), per_line):
            out.append("$" + r"\quad ".join(parts[i:i + per_line]) + "$")
        out.append(rf"$\Delta x = {vec(self.delta)}$")
        return out

    def text_lines(self) -> list[str]:
        """The same as latex_lines in Unicode (fallback when mathtext is missing)."""
        out = [f"t = {self.step},  \u03b7 = {fmt_num(self.lr)}", f"g = {fmt_vec(self.grad)}"]
        for t in self.terms:
            v = fmt_vec(t.value) if np.ndim(t.value) else fmt_num(t.value)
            out.append(f"{t.text} = {v}")
        out.append(f"\u0394x = {fmt_vec(self.delta)}")
        return out


# --- formatting ------------------------------------------------------------------
def fmt_num(v: float, digits: int = 3) -> str:
    """3 significant digits, Unicode minus, e-notation only for tiny/huge values."""
    v = float(v)
    if not np.isfinite(v):
        return str(v)
    a = abs(v)
    s = f"{v:.{digits - 1}e}" if a and (a < 1e-3 or a >= 1e5) else f"{v:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s.replace("-", MINUS)


def fmt_vec(v) -> str:
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    return "(" + ", ".join(fmt_num(c) for c in v) + ")"


def _tex_num(v: float) -> str:
    s = fmt_num(v).replace(MINUS, "-")
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant}\times 10^{{{int(exp)}}}"
    return s


def _tex_column(v) -> str:
    """A 2-vector as a column: mathtext has no pmatrix, but display-style \\genfrac
    with a zero-width rule is one."""
    a, b = (_tex_num(c) for c in np.asarray(v, dtype=np.float64).reshape(2))
    return rf"\genfrac{{(}}{{)}}{{0}}{{0}}{{{a}}}{{{b}}}"


def _tex_vec(v) -> str:
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    return r"(" + r",\ ".join(_tex_num(c) for c in v) + r")"


# --- the update ---------------------------------------------------------------------
def explain_update(solver, state, x, grad, *, lr_scale: float = 1.0, hessian=None,
                   step: int | None = None, noisy: bool = False) -> Explanation:
    """Explain solver.update(grad, state, x) for one point x (2,).

    ``solver`` is a solvers.Solver, ``state`` its state before the step,
    ``grad`` the exact ∇f(x), ``hessian`` ∇²f(x) (newton only).
    """
    x = np.asarray(x, dtype=np.float64).reshape(2)
    grad = np.asarray(grad, dtype=np.float64).reshape(2)
    name, h = solver.name, dict(solver.hyper)
    if solver.needs_hessian and hessian is None:
        raise ValueError(f"{name} needs the Hessian at x to explain its step")
    hess = None if hessian is None else np.asarray(hessian, dtype=np.float64).reshape(2, 2)
    # The solver state is batched over the swarm, (n, 2); one point here.
    s_in = _as_batch(state)
    upd, s_out = solver.update(grad[None], s_in, x[None], hessian=None if hess is None else hess[None],
                               lr_scale=lr_scale)
    delta = np.asarray(upd, dtype=np.float64).reshape(2)
    lr = float(h["lr"]) * float(lr_scale)
    count = int(getattr(s_in, "count", 0)) + 1
    wd = float(h.get("weight_decay", 0.0))
    g = grad + wd * x if wd and name != "adamw" else grad
    terms: list[Term] = []
    if wd and name != "adamw":
        terms.append(Term("g_wd", r"g + \lambda x", "g + λx", g))
    if name in ("momentum", "nesterov"):
        terms.append(Term("v", "v", "v", _one(s_out.momentum_buffer)))
    elif name == "adagrad":
        lr_eff = lr / (1 + (count - 1) * float(h["lr_decay"]))
        s = _one(s_out.sum_sq)
        terms += [Term("s", "s", "s", s), Term("lr_eff", r"\eta_t", "η_t", lr_eff),
                  Term("denom", r"\sqrt{s} + \epsilon", "√s + ε", np.sqrt(s) + float(h["eps"]))]
    elif name == "rmsprop":
        r = _one(s_out.square_avg)
        if h.get("centered"):
            ga = _one(s_out.grad_avg)
            d = np.sqrt(r - ga * ga) + float(h["eps"])
        else:
            d = np.sqrt(r) + float(h["eps"])
        terms += [Term("r", "r", "r", r), Term("denom", r"\sqrt{r} + \epsilon", "√r + ε", d)]
        if float(h.get("momentum", 0.0)) > 0.0:
            terms.append(Term("b", "b", "b", _one(s_out.momentum_buffer)))
    elif name in ("adam", "adamw"):
        b1, b2 = (float(b) for b in h["betas"])
        m, v = _one(s_out.exp_avg), _one(s_out.exp_avg_sq)
        corrected = bool(h.get("bias_correction", True))
        bc1 = 1.0 - b1 ** count if corrected else 1.0
        bc2 = 1.0 - b2 ** count if corrected else 1.0
        terms += [Term("m", "m", "m", m), Term("v", "v", "v", v),
                  Term("m_hat", r"\hat m", "m̂", m / bc1), Term("v_hat", r"\hat v", "v̂", v / bc2)]
    elif name == "newton":
        shift = float(h.get("damping", 0.0)) + wd
        H = hess + shift * np.eye(2)
        terms += [Term("H", "H", "H", H), Term("newton_dir", r"H^{-1} g", "H⁻¹g", -delta / lr)]
    return Explanation(solver=name, step=int(step) if step is not None else count, x=x, grad=grad,
                       lr=lr, delta=delta, terms=tuple(terms), noisy=bool(noisy), uses_weight_decay=wd != 0.0)


def explain_track(track, landscape=None) -> Explanation:
    """Explain the next update of a race RunTrack (app.model.race) at its head."""
    stepper = track.stepper
    f = landscape if landscape is not None else stepper.f
    x = np.asarray(track.head, dtype=np.float64).reshape(2)
    # the multiplier the Stepper will use for the step from t (not lrs[-1] / lr: rounding)
    lr_scale = 1.0 if stepper.schedule is None else float(stepper.schedule(stepper.t))
    hess = f.hessian(x) if track.solver.needs_hessian else None
    noisy = bool(track.spec.noise) or track.spec.batch_size is not None
    return explain_update(track.solver, stepper.state, x, track.grad, lr_scale=lr_scale, hessian=hess,
                          step=len(track.points), noisy=noisy)


def _as_batch(state):
    """A state NamedTuple with arrays shaped (1, 2) (the Stepper keeps (n, 2))."""
    fields = {}
    for k, v in state._asdict().items():
        fields[k] = np.asarray(v, dtype=np.float64).reshape(-1, 2)[:1] if isinstance(v, np.ndarray) else v
    return type(state)(**fields)


def _one(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64).reshape(-1, 2)[0].copy()
