"""The numbers of one update, for the lecture overlay (U panel) and the step explainer (E).

Convention: what is explained is the step the status bar counts. At "step t /
N" the run's head is x_t, reached by update number t (torch's step count t,
the t in Adam's β₁ᵗ), and that update is shown: it started at x_{t−1}, used
the gradient it was given there (with its noise or minibatch, so
x_{t−1} + Δx = x_t exactly) and left the state S_t that the velocity arrows
draw. At step 0 nothing has happened yet: the first update is previewed
from x_0 with the exact gradient (``upcoming``; shown as "t = 1 (next)").

Which numbers an update has is the solver's own knowledge: its rule module's
``explain_step`` hook (solvers/rules/*.py) names them (Adam's m, v, m̂, v̂,
Newton's H and H⁻¹g, ...). Δx and the new state come from the solver's own
``update``, so what is shown is what the app does. This module only runs the
update for one point, asks the spec, and formats. Qt-free.

A run on a plane through a bigger space (the toy classifier's nine weights,
see lifted.py) takes its update in all P parameters; it is explained there
and shown along the plane's two axes (each vector's components along them,
H's 2×2 block), with a note that says so.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

import solvers
from solvers.teaching import FloatArray, StepView, Term

if TYPE_CHECKING:
    from .race import RunTrack

__all__ = ["Explanation", "Term", "explain_track", "explain_update", "fmt_num", "fmt_vec", "tex_text"]

MINUS = "\u2212"


@dataclass(frozen=True)
class Explanation:
    solver: str
    step: int                      # t: the update explained (1-based, torch's count)
    x: FloatArray                  # where the update started, (2,)
    grad: FloatArray | None        # the gradient it used, (2,); None for a gradient-free solver
    lr: float                      # η_t (schedule applied)
    delta: FloatArray              # Δx, (2,)
    terms: tuple[Term, ...] = field(default_factory=tuple)
    noisy: bool = False            # the gradient had noise or was a minibatch
    uses_weight_decay: bool = False
    note: str = ""                 # the rule module's remark (a singular H, a rejected guess, ...)
    upcoming: bool = False         # no step taken yet: a preview of step 1
    lr_symbol: str = "η"           # the solver's own name for its lr (random search: σ)

    def term(self, key: str) -> Any:
        """The value of term ``key`` (KeyError listing the keys)."""
        for t in self.terms:
            if t.key == key:
                return t.value
        raise KeyError(f"no term {key!r} in the {self.solver} update; terms: "
                       f"{', '.join(t.key for t in self.terms)}")

    def words(self) -> str:
        """One line, e.g. 'step 12: g = (0.31, −2.4), lr 1.0e-2 → Δx = (…)'."""
        head = f"next step {self.step}" if self.upcoming else f"step {self.step}"
        grad = "" if self.grad is None else f" g = {fmt_vec(self.grad)},"
        lr = f"{self.lr:.1e}".replace("e-0", "e-").replace("e+0", "e+")
        move = f"\u0394x = {fmt_vec(self.delta)}" if np.isfinite(self.delta).all() else "\u0394x undefined"
        tail = ""
        if self.noisy:
            tail = "  (noise-free preview)" if self.upcoming else "  (noisy gradient)"
        note = f"; {self.note}" if self.note else ""
        return f"{head}:{grad} lr {lr} \u2192 {move}{note}{tail}"

    def latex_lines(self, columns: bool = False) -> list[str]:
        """mathtext lines, one per term, then Δx: e.g. r'$\\hat m = (0.31,\\ -2.4)$'.

        columns=True writes vectors as column vectors (half as wide: narrow panels).
        Matrices (Newton's H) are always 2x2.
        """
        vec = _tex_column if columns else _tex_vec
        when = r"\ \mathrm{(next)}" if self.upcoming else ""
        out = [rf"$t = {self.step}{when},\ \ {self.lr_symbol} = {_tex_num(self.lr)}$"]
        if self.grad is not None:
            out.append(rf"$g = {vec(self.grad)}$")
        parts = [rf"{t.latex} = {_tex_value(t.value, vec)}" for t in self.terms]
        # column vectors are narrow: two terms a line keeps a side panel short
        per_line = 2 if columns else 1
        for i in range(0, len(parts), per_line):
            out.append("$" + r"\quad ".join(parts[i:i + per_line]) + "$")
        if np.isfinite(self.delta).all():
            out.append(rf"$\Delta x = {vec(self.delta)}$")
        else:
            out.append(r"$\Delta x\ \mathrm{undefined}$")
        return out + [tex_text(line) for line in self.note_lines()]

    def text_lines(self) -> list[str]:
        """The same as latex_lines in Unicode (fallback when mathtext is missing)."""
        when = " (next)" if self.upcoming else ""
        out = [f"t = {self.step}{when},  {self.lr_symbol} = {fmt_num(self.lr)}"]
        if self.grad is not None:
            out.append(f"g = {fmt_vec(self.grad)}")
        out += [f"{t.text} = {_text_value(t.value)}" for t in self.terms]
        finite = np.isfinite(self.delta).all()
        out.append(f"\u0394x = {fmt_vec(self.delta)}" if finite else "\u0394x undefined")
        return out + self.note_lines()

    def note_lines(self) -> list[str]:
        """The note as short plain lines, one per "; "-separated part."""
        return [line.strip() for line in self.note.split(";") if line.strip()]


# --- formatting ------------------------------------------------------------------
def fmt_num(v: float, digits: int = 3) -> str:
    """3 significant digits, Unicode minus, e-notation only for tiny/huge values; 0 has no sign."""
    v = float(v)
    if not np.isfinite(v):
        return str(v)
    if v == 0.0:
        v = 0.0   # −0.0 reads as "−0": a zero step has no direction
    a = abs(v)
    s = f"{v:.{digits - 1}e}" if a and (a < 1e-3 or a >= 1e5) else f"{v:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s.replace("-", MINUS)


def fmt_vec(v: Any) -> str:
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    return "(" + ", ".join(fmt_num(c) for c in v) + ")"


def _text_value(v: Any) -> str:
    if np.ndim(v) == 2:      # a 2x2 matrix: rows separated by ";"
        return "(" + "; ".join("  ".join(fmt_num(c) for c in row) for row in np.asarray(v)) + ")"
    return fmt_vec(v) if np.ndim(v) else fmt_num(v)


def tex_text(text: str) -> str:
    """Plain words as one mathtext line (\\text keeps the spaces and the math font's sans look,
    where bare text renders in another font and loses its last glyph at the edge)."""
    return r"$\text{" + "".join(c for c in text if c not in "{}$\\") + "}$"


def _tex_num(v: float) -> str:
    s = fmt_num(v).replace(MINUS, "-")
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant}\times 10^{{{int(exp)}}}"
    return s


def _tex_column(v: Any) -> str:
    """A 2-vector as a column: mathtext has no pmatrix, but display-style \\genfrac
    with a zero-width rule is one."""
    a, b = (_tex_num(c) for c in np.asarray(v, dtype=np.float64).reshape(2))
    return rf"\genfrac{{(}}{{)}}{{0}}{{0}}{{{a}}}{{{b}}}"


def _tex_matrix(m: Any) -> str:
    """A 2x2 matrix: two bare \\genfrac columns inside one pair of stretching parentheses."""
    m = np.asarray(m, dtype=np.float64).reshape(2, 2)
    cols = (rf"\genfrac{{}}{{}}{{0}}{{0}}{{{_tex_num(m[0, j])}}}{{{_tex_num(m[1, j])}}}" for j in range(2))
    return r"\left(" + r"\ \ ".join(cols) + r"\right)"


def _tex_vec(v: Any) -> str:
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    return r"(" + r",\ ".join(_tex_num(c) for c in v) + r")"


def _tex_value(v: Any, vec: Callable[[Any], str]) -> str:
    if np.ndim(v) == 2:
        return _tex_matrix(v)
    return vec(v) if np.ndim(v) else _tex_num(v)


# --- the update ---------------------------------------------------------------------
def explain_update(solver: solvers.Solver, state: Any, x: Any, grad: Any, *, lr_scale: float = 1.0,
                   hessian: Any = None, loss_fn: Callable[[FloatArray], Any] | None = None,
                   step: int | None = None, noisy: bool = False, upcoming: bool = False) -> Explanation:
    """Explain solver.update(grad, state, x) for one point x (P,), P = 2 on a surface.

    ``state`` is the solver's state before the update, ``grad`` the gradient
    the update gets (None for a gradient-free solver, which needs ``loss_fn``),
    ``hessian`` ∇²f(x) for solvers that need it. ``step`` defaults to the
    update's own count (t).
    """
    spec = solver.spec if solver.spec is not None else solvers.spec(solver.name)
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    dim = len(x)
    g = None if solver.needs_loss or grad is None else np.asarray(grad, dtype=np.float64).reshape(dim)
    if solver.needs_hessian and hessian is None:
        raise ValueError(f"{solver.name} needs the Hessian at x to explain its step")
    if solver.needs_loss and loss_fn is None:
        raise ValueError(f"{solver.name} needs the loss function to explain its step")
    hess = None if hessian is None else np.asarray(hessian, dtype=np.float64).reshape(dim, dim)
    before = _as_batch(state, dim)   # the solver state is batched over the swarm, (n, P); one point here
    with np.errstate(all="ignore"):   # a step may be undefined (a singular H): the note says so
        if solver.needs_loss:
            upd, after = solver.update(None, before, x[None], loss_fn=loss_fn, lr_scale=lr_scale)
        elif g is None:
            raise ValueError(f"{solver.name} needs the gradient at x to explain its step")
        else:
            upd, after = solver.update(g[None], before, x[None], lr_scale=lr_scale,
                                       hessian=None if hess is None else hess[None])
        delta = np.asarray(upd, dtype=np.float64).reshape(dim)
        lr = solver.lr * float(lr_scale)
        count = int(getattr(before, "count", 0)) + 1
        view = StepView(hyper=solver.hyper, x=x, grad=g, hessian=hess, lr=lr, count=count,
                        before=before, after=after, delta=delta, loss_fn=loss_fn)
        breakdown = spec.breakdown(view)
    lr_spec = spec.params.get("lr")
    return Explanation(solver=solver.name, step=int(step) if step is not None else count, x=x, grad=g,
                       lr=lr, delta=delta, terms=breakdown.terms, noisy=bool(noisy),
                       uses_weight_decay=view.weight_decay != 0.0, note=breakdown.note,
                       upcoming=bool(upcoming), lr_symbol=lr_spec.symbol if lr_spec and lr_spec.symbol else "η")


def explain_track(track: RunTrack, landscape: Any = None) -> Explanation:
    """Explain the step a race RunTrack (app.model.race) has just taken; see the module doc.

    A run that diverged before its last step has stopped: ValueError says so.
    """
    stepper = track.stepper
    f = landscape if landscape is not None else stepper.f
    noisy = bool(track.spec.noise) or track.spec.batch_size is not None
    t, last = stepper.t, stepper.last_step
    diverged = track.diverged_at
    if diverged is not None and diverged < t:
        raise ValueError(f"diverged at step {diverged}: the run has stopped")
    plane = track.plane
    if t == 0 or last is None or last.solver.name != track.solver.name:
        # nothing to explain yet (or a new kind of solver since): preview the next update
        if plane is None:
            x = np.asarray(track.head, dtype=np.float64).reshape(2)
            grad = track.grad
        else:   # in all P parameters, where the run is
            x = stepper.x.reshape(-1)
            grad = np.asarray(f.grad(x), dtype=np.float64)
        lr_scale = 1.0 if stepper.schedule is None else float(stepper.schedule(t))
        hess = f.hessian(x) if track.solver.needs_hessian else None
        ex = explain_update(track.solver, stepper.state, x, None if track.solver.needs_loss else grad,
                            lr_scale=lr_scale, hessian=hess, loss_fn=f.value, step=t + 1, noisy=noisy,
                            upcoming=True)
    else:
        ex = explain_update(last.solver, last.state, last.x[0], None if last.grad is None else last.grad[0],
                            lr_scale=last.lr_scale, hessian=None if last.hessian is None else last.hessian[0],
                            loss_fn=f.value, step=t, noisy=noisy)
        if diverged == t and not ex.note:
            ex = dataclasses.replace(ex, note="this step diverged; the run stops here")
    return ex if plane is None else _on_plane(ex, plane)


def _on_plane(ex: Explanation, plane: Any) -> Explanation:
    """A P-dimensional update shown along the plane's two axes: x projected, every P-vector's
    components along the axes (Δx moves the drawn point by exactly that), H's 2×2 block."""
    d = np.asarray(plane.directions, dtype=np.float64)   # (2, P) orthonormal
    dim = d.shape[1]

    def along(v: Any) -> Any:
        a = np.asarray(v, dtype=np.float64)
        if a.shape == (dim,):
            return d @ a
        if a.shape == (dim, dim):
            return d @ a @ d.T
        return v

    labels = tuple(getattr(plane, "axis_labels", ("d₁", "d₂")))
    note = (f"a step in all {dim} parameters, shown along the plane's axes {labels[0]}, {labels[1]}"
            + (f"; {ex.note}" if ex.note else ""))
    return dataclasses.replace(
        ex, x=np.asarray(plane.project(ex.x), dtype=np.float64), grad=None if ex.grad is None else d @ ex.grad,
        delta=d @ ex.delta, terms=tuple(dataclasses.replace(term, value=along(term.value)) for term in ex.terms),
        note=note)


def _as_batch(state: Any, dim: int) -> Any:
    """A state NamedTuple with arrays shaped (1, P) (the Stepper keeps (n, P))."""
    fields = {}
    for k, v in state._asdict().items():
        fields[k] = np.asarray(v, dtype=np.float64).reshape(-1, dim)[:1] if isinstance(v, np.ndarray) else v
    return type(state)(**fields)
