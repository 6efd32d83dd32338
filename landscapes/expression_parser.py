"""A whitelist parser for f(x, y) as people type it. Never evals the text.

Grammar (recursive descent; ``^`` and ``**`` both mean power, right-assoc.)::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | power           # -x^2 = -(x^2)
    power   := atom (("^" | "**") unary)?          # 2^-1 and x^y^z = x^(y^z)
    atom    := NUMBER | NAME | NAME "(" sum ("," sum)* ")" | "(" sum ")"

Only the names in VARIABLES, CONSTANTS and FUNCTIONS are accepted; every
other character or name is an ExpressionError (a ValueError) that names the
0-based column. Length and nesting are capped so hostile text fails fast.
The parse tree is plain Nodes; expression.py turns it into sympy.
"""
from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass

from solvers.naming import did_you_mean

MAX_LENGTH = 500  # characters
MAX_DEPTH = 40  # nested parentheses / unary signs / powers / calls

VARIABLES = ("x", "y")
CONSTANTS = ("pi", "e")
# name -> number of arguments; the sympy meaning lives in expression.py.
FUNCTIONS: dict[str, int] = {
    "sin": 1, "cos": 1, "tan": 1,
    "arcsin": 1, "asin": 1, "arccos": 1, "acos": 1, "arctan": 1, "atan": 1,
    "sinh": 1, "cosh": 1, "tanh": 1,
    "exp": 1, "log": 1, "ln": 1, "log10": 1, "log2": 1, "sqrt": 1,
    "abs": 1, "sign": 1, "sigmoid": 1, "softplus": 1, "relu": 1,
    "min": 2, "max": 2,
}
# Characters people paste from documents, read as their ASCII meaning.
_ALIASES = {"−": "-", "×": "*", "·": "*", "÷": "/", "π": "pi"}


class ExpressionError(ValueError):
    """Bad expression text: the message is one line and names the 0-based position.

    ``position`` is that column; ``caret`` is the text with a ``^`` under it.
    """

    def __init__(self, message: str, text: str, position: int) -> None:
        self.text, self.position = text, position
        super().__init__(f"{message} at position {position}")

    @property
    def caret(self) -> str:
        shown = self.text[:MAX_LENGTH + 20]
        return f"{shown}\n{' ' * min(self.position, len(shown))}^"


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int


@dataclass(frozen=True)
class Node:
    """A parse-tree node. kind: num var const neg add sub mul div pow call."""

    kind: str
    pos: int
    text: str = ""  # the literal, variable, constant or function name
    args: tuple[Node, ...] = ()


_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d*)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_OPS = ("**", "+", "-", "*", "/", "^", "(", ")", ",")
_CHAR_HINTS = {
    ".": "attribute access is not allowed",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "[": "use ( ) for grouping",
    "]": "use ( ) for grouping",
    "{": "use ( ) for grouping",
    "}": "use ( ) for grouping",
    "=": "type only the right-hand side f(x, y)",
}


def tokenize(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text``, lazily (so the leftmost error is reported); then ``end``."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in _ALIASES:
            a = _ALIASES[c]
            yield Token("name" if a.isalpha() else "op", a, i)
            i += 1
            continue
        m = _NUMBER.match(text, i)
        if m:
            if m.group(2) is not None and not m.group(2).lstrip("eE+-"):
                raise ExpressionError(f"malformed number {m.group(0)!r} (exponent needs digits, e.g. 1e-3)", text, i)
            yield Token("num", m.group(0), i)
            i = m.end()
            continue
        m = _NAME.match(text, i)
        if m:
            word = m.group(0)
            if keyword.iskeyword(word):
                raise ExpressionError(f"Python keyword {word!r} is not allowed", text, i)
            yield Token("name", word, i)
            i = m.end()
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op:
            yield Token("op", op, i)
            i += len(op)
            continue
        hint = _CHAR_HINTS.get(c)
        raise ExpressionError(f"unexpected character {c!r}" + (f" ({hint})" if hint else ""), text, i)
    yield Token("end", "", n)


def _describe(t: Token) -> str:
    return "end of input" if t.kind == "end" else repr(t.text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.stream = tokenize(text)
        self.tokens = [next(self.stream)]
        self.i = 0
        self.depth = 0

    # --- helpers -----------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, message: str, pos: int) -> ExpressionError:
        return ExpressionError(message, self.text, pos)

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        if self.i == len(self.tokens) and t.kind != "end":
            self.tokens.append(next(self.stream))  # one token of look-ahead
        return t

    def at(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (limit {MAX_DEPTH} levels)", pos)

    # --- grammar -----------------------------------------------------------
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("empty expression: type f(x, y), e.g. x^2 + y^2", 0)
        node = self.sum()
        t = self.tok
        if t.kind == "end":
            return node
        if t.kind == "op" and t.text == ")":
            raise self.error("unmatched ')'", t.pos)
        if t.kind in ("num", "name") or (t.kind == "op" and t.text == "("):
            prev = self.tokens[self.i - 1]
            raise self.error(
                f"missing operator between {prev.text!r} and {t.text!r} (write {prev.text}*{t.text})", t.pos
            )
        raise self.error(f"unexpected {_describe(t)}", t.pos)

    def sum(self) -> Node:
        node = self.product()
        while self.at("+", "-"):
            op = self.take()
            node = Node("add" if op.text == "+" else "sub", op.pos, args=(node, self.product()))
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at("*", "/"):
            op = self.take()
            node = Node("mul" if op.text == "*" else "div", op.pos, args=(node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.at("+", "-"):
            op = self.take()
            self.enter(op.pos)
            operand = self.unary()
            self.depth -= 1
            return operand if op.text == "+" else Node("neg", op.pos, args=(operand,))
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.at("^", "**"):
            op = self.take()
            self.enter(op.pos)
            exponent = self.unary()
            self.depth -= 1
            return Node("pow", op.pos, args=(base, exponent))
        return base

    def atom(self) -> Node:
        t = self.take()
        if t.kind == "num":
            return Node("num", t.pos, t.text)
        if t.kind == "name":
            return self.name(t)
        if t.kind == "op" and t.text == "(":
            self.enter(t.pos)
            inner = self.sum()
            self.close(t)
            self.depth -= 1
            return inner
        if t.kind == "op" and t.text == ")":
            raise self.error("expected a number, variable, function or '(' but found ')'", t.pos)
        raise self.error(f"expected a number, variable, function or '(' but found {_describe(t)}", t.pos)

    def close(self, opener: Token) -> None:
        t = self.tok
        if t.kind == "op" and t.text == ")":
            self.take()
            return
        if t.kind == "end":
            raise self.error("unclosed '('", opener.pos)
        if t.kind in ("num", "name") or t.text == "(":
            prev = self.tokens[self.i - 1]
            raise self.error(f"missing operator between {prev.text!r} and {t.text!r}", t.pos)
        raise self.error(f"expected ')' but found {_describe(t)}", t.pos)

    def name(self, t: Token) -> Node:
        calling = self.at("(")
        if t.text in FUNCTIONS:
            if not calling:
                raise self.error(f"function {t.text!r} needs parentheses, e.g. {t.text}(x)", t.pos)
            return self.call(t)
        if calling:
            if t.text in VARIABLES or t.text in CONSTANTS:
                raise self.error(f"{t.text!r} is not a function (write {t.text}*(...))", t.pos)
            hint = did_you_mean(t.text, FUNCTIONS)
            raise self.error(f"unknown function {t.text!r}{hint}; known: {', '.join(FUNCTIONS)}", t.pos)
        if t.text in VARIABLES:
            return Node("var", t.pos, t.text)
        if t.text in CONSTANTS:
            return Node("const", t.pos, t.text)
        raise self.error(f"unknown name {t.text!r}; the variables are x and y, the constants pi and e", t.pos)

    def call(self, fn: Token) -> Node:
        opener = self.take()
        self.enter(opener.pos)
        args: list[Node] = []
        if not self.at(")"):
            args.append(self.sum())
            while self.at(","):
                self.take()
                args.append(self.sum())
        self.close(opener)
        self.depth -= 1
        want = FUNCTIONS[fn.text]
        if len(args) != want:
            plural = "s" if want != 1 else ""
            raise self.error(f"{fn.text}() takes {want} argument{plural}, got {len(args)}", fn.pos)
        return Node("call", fn.pos, fn.text, tuple(args))


def parse(text: str) -> Node:
    """Parse ``text`` into a Node tree; ExpressionError (a ValueError) on bad input."""
    if not isinstance(text, str):
        raise ValueError(f"expression must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long: {len(text)} characters (limit {MAX_LENGTH})", text, MAX_LENGTH)
    return _Parser(text).parse()


# --- Unicode display of the tree, as the user structured it ----------------------
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
_ATOM = 5


def _prec(n: Node) -> int:
    return _PRECEDENCE.get(n.kind, _ATOM)


def _wrap(n: Node, above: int) -> str:
    s = to_unicode(n)
    return f"({s})" if _prec(n) < above else s


def _leads_with_letter(n: Node) -> bool:
    """True when ``n`` prints starting with a letter or '(' (so 3y² needs no dot)."""
    if n.kind in ("var", "const", "call"):
        return n.text not in ("abs", "sqrt")
    if n.kind == "pow":
        return _leads_with_letter(n.args[0]) or _prec(n.args[0]) < _ATOM
    return False


def to_unicode(n: Node) -> str:
    """Readable one-line form: x², 3y², a·b, √x, |x|, − for minus, π."""
    k, a = n.kind, n.args
    if k == "num":
        return n.text
    if k == "var":
        return n.text
    if k == "const":
        return "π" if n.text == "pi" else n.text
    if k == "neg":
        return "−" + _wrap(a[0], 3 if a[0].kind != "neg" else _ATOM)
    if k in ("add", "sub"):
        r = _wrap(a[1], 2 if k == "sub" else 1)
        if a[1].kind == "neg":
            r = f"({r})"
        return f"{_wrap(a[0], 1)} {'+' if k == 'add' else '−'} {r}"
    if k == "mul":
        left, right = _wrap(a[0], 2), _wrap(a[1], 3)
        if a[1].kind == "neg":
            right = f"({right})"
        if a[0].kind == "num" and (_leads_with_letter(a[1]) or _prec(a[1]) < 3):
            return left + right
        return f"{left}·{right}"
    if k == "div":
        return f"{_wrap(a[0], 2)}/{_wrap(a[1], 3)}"
    if k == "pow":
        base = _wrap(a[0], _ATOM)
        e = a[1]
        if e.kind == "num" and e.text.isdigit():
            return base + e.text.translate(_SUPERSCRIPT)
        if e.kind == "neg" and e.args[0].kind == "num" and e.args[0].text.isdigit():
            return base + ("-" + e.args[0].text).translate(_SUPERSCRIPT)
        return f"{base}^{_wrap(e, _ATOM)}"
    if k == "call":
        inner = ", ".join(to_unicode(x) for x in a)
        if n.text == "abs":
            return f"|{inner}|"
        if n.text == "sqrt":
            return "√" + (inner if _prec(a[0]) == _ATOM and a[0].kind != "call" else f"({inner})")
        return f"{n.text}({inner})"
    raise AssertionError(f"unknown node kind {k!r}")  # pragma: no cover
