"""The expression language of validation rules and computed indicators.

An expression is parsed (hand-written tokenizer and Pratt parser, never ``eval``) into an AST of
frozen dataclasses, evaluated in exact ``Decimal`` arithmetic and written back in a canonical form::

    #{HO_NGHEO} - #{HO_NGHEO}.periodOffset(-1) >= T{GIAM_HO_NGHEO} and not isNull(#{VIEC_LAM})
    round(#{HO_THOAT_NGHEO} / #{HO_NGHEO}.periodOffset(-1) * 100, 1)

Syntax, loosest binding first (binary operators are left-associative, comparisons do not chain):

=================  ==========================================================================
``or``             also ``||``
``and``            also ``&&``
``not``            prefix; also ``!``
comparisons        ``==`` (also ``=``), ``!=`` (also ``≠``, ``<>``), ``<``, ``<=`` (``≤``),
                   ``>``, ``>=`` (``≥``)
``+ -``
``* /``            also ``×``, ``÷``
``-``              unary minus (also ``−``)
operands           numbers in machine format (``12``, ``12.5``: Vietnamese formatting belongs
                   to the edges), ``#{CODE}`` (an indicator's total over its disaggregation),
                   ``#{CODE.OPTION}`` (one option combo), ``T{CODE}`` / ``T{CODE.OPTION}``
                   (targets), ``( … )``, and the functions ``if(cond, a, b)``, ``isNull(x)``,
                   ``coalesce(a, b, …)``, ``greatest(a, …)``, ``least(a, …)``,
                   ``round(x, digits=0)`` (digits an integer literal, may be negative)
=================  ==========================================================================

A reference may be followed by period shifts: ``#{CODE}.periodOffset(-1)`` (the previous period;
repeated offsets add up) and ``#{CODE}.yearToDate()`` (from the start of the year up to the
period). Keywords and function names are case-insensitive; codes are kept as written.

Expressions are typed: numbers and conditions (true/false) do not mix, and the parser rejects
``#{A} + (#{B} > 0)`` with the position of the offending part. Use ``if(cond, 1, 0)``.

Semantics. ``None`` is "no value": any arithmetic, comparison or ``greatest``/``least`` with a
``None`` operand gives ``None``, and so does division by zero. ``and``/``or``/``not`` use
three-valued logic (``False and None`` is ``False``, ``True or None`` is ``True``, otherwise
``None`` wins). ``if(None, a, b)`` is ``None``; ``isNull(x)`` tests for ``None`` and
``coalesce`` returns its first non-``None`` argument. ``round`` rounds half away from zero.
Strategies for missing values (treat as zero, skip the rule, …) are the callers' business:
:func:`references` lists exactly the values to fetch, :func:`evaluate` asks a resolver for them.

Errors are :class:`~chiso.core.errors.ChisoError` with a code starting ``expr.``, a 1-based
``position`` and the whole ``text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import Literal, NamedTuple

from chiso.core.errors import ChisoError, gettext_noop, register_messages

__all__ = [
    "BOOLEAN",
    "FUNCTIONS",
    "MAX_DEPTH",
    "NUMBER",
    "Binary",
    "Call",
    "Expr",
    "Number",
    "Ref",
    "Resolver",
    "Unary",
    "evaluate",
    "format_expression",
    "parse",
    "references",
    "result_type",
]

register_messages(
    {
        "expr.empty": gettext_noop("Biểu thức trống"),
        "expr.syntax": gettext_noop("Lỗi cú pháp ở vị trí %(position)s: cần '%(expected)s'"),
        "expr.operand": gettext_noop(
            "Lỗi cú pháp ở vị trí %(position)s: cần một số, một chỉ tiêu #{MÃ}, một chỉ tiêu"
            " kế hoạch T{MÃ}, một hàm hoặc '('"
        ),
        "expr.trailing": gettext_noop(
            "Lỗi cú pháp ở vị trí %(position)s: thừa '%(found)s' (thiếu phép toán hoặc dấu ngoặc?)"
        ),
        "expr.unexpected_char": gettext_noop(
            "Lỗi cú pháp ở vị trí %(position)s: không dùng được ký tự '%(found)s' trong biểu thức"
        ),
        "expr.bad_number": gettext_noop(
            "Số '%(found)s' ở vị trí %(position)s không hợp lệ: trong biểu thức, số viết liền"
            " không phân cách hàng nghìn, dấu '.' là dấu thập phân (ví dụ 1234.5)"
        ),
        "expr.unterminated_ref": gettext_noop(
            "Thiếu '}' đóng '%(opening)s' mở ở vị trí %(position)s"
        ),
        "expr.empty_code": gettext_noop("Thiếu mã trong '%(opening)s}' ở vị trí %(position)s"),
        "expr.bad_code": gettext_noop(
            "Mã '%(found)s' ở vị trí %(position)s không hợp lệ: mã chỉ gồm chữ cái không dấu,"
            " chữ số, '_' và '-'; chỉ tiêu theo một tổ hợp phân tổ viết #{MÃ_CHỈ_TIÊU.MÃ_TỔ_HỢP}"
        ),
        "expr.unknown_name": gettext_noop(
            "'%(name)s' ở vị trí %(position)s không phải hàm hay phép toán; chỉ tiêu viết"
            " #{%(name)s}"
        ),
        "expr.unknown_function": gettext_noop(
            "Không có hàm '%(name)s' (vị trí %(position)s); các hàm: %(functions)s"
        ),
        "expr.arg_count": gettext_noop(
            "Hàm %(name)s ở vị trí %(position)s cần %(expected)s đối số, nhận %(count)s"
        ),
        "expr.round_digits": gettext_noop(
            "Số chữ số của round ở vị trí %(position)s phải là một số nguyên viết sẵn, từ"
            " -%(limit)s đến %(limit)s (ví dụ round(x, 2))"
        ),
        "expr.unknown_method": gettext_noop(
            "Không có '.%(name)s' (vị trí %(position)s): dùng .periodOffset(n) hoặc .yearToDate()"
        ),
        "expr.shift_target": gettext_noop(
            "Lỗi ở vị trí %(position)s: .periodOffset(n) và .yearToDate() chỉ dùng ngay sau"
            " #{…} hoặc T{…}"
        ),
        "expr.offset": gettext_noop(
            "periodOffset ở vị trí %(position)s cần một số nguyên, ví dụ periodOffset(-1)"
        ),
        "expr.duplicate_shift": gettext_noop(".yearToDate() ở vị trí %(position)s bị lặp lại"),
        "expr.chained_comparison": gettext_noop(
            "Lỗi ở vị trí %(position)s: không viết liền hai phép so sánh, hãy nối bằng and"
            " (ví dụ a <= b and b <= c)"
        ),
        "expr.expected_number": gettext_noop(
            "Ở vị trí %(position)s cần một giá trị số, không phải một điều kiện đúng/sai"
        ),
        "expr.expected_boolean": gettext_noop(
            "Ở vị trí %(position)s cần một điều kiện đúng/sai (so sánh, and, or, not, isNull),"
            " không phải một số"
        ),
        "expr.too_deep": gettext_noop(
            "Biểu thức lồng quá sâu ở vị trí %(position)s (tối đa %(limit)s tầng)"
        ),
    }
)

NUMBER: Literal["number"] = "number"
BOOLEAN: Literal["boolean"] = "boolean"
Type = Literal["number", "boolean"]

#: Nesting limit of parentheses and of the AST (keeps every recursion far from Python's limit).
MAX_DEPTH = 150
#: ``round(x, d)``: ``-ROUND_LIMIT <= d <= ROUND_LIMIT``.
ROUND_LIMIT = 30
#: Significant digits of intermediate results (stored values have at most 15).
PRECISION = 50

#: Canonical function name -> (minimum, maximum or None) number of arguments.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "if": (3, 3),
    "isNull": (1, 1),
    "coalesce": (1, None),
    "greatest": (1, None),
    "least": (1, None),
    "round": (1, 2),
}
_FUNCTION_NAMES = {name.lower(): name for name in FUNCTIONS}

_CODE_RE = re.compile(r"[A-Za-z0-9_-]+")
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

# ---------------------------------------------------------------------------------------------
# AST


@dataclass(frozen=True, slots=True)
class Number:
    """A non-negative literal (``-2`` is ``Unary("-", Number(2))``)."""

    value: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal) or not self.value.is_finite():
            raise ValueError(f"Number needs a finite Decimal, not {self.value!r}")
        if self.value.is_signed():
            raise ValueError(f"Number literals are not negative: {self.value!r}")


@dataclass(frozen=True, slots=True)
class Ref:
    """A value (``#{CODE.OPTION}``) or target (``T{…}``), possibly shifted in time.

    ``option`` is ``None`` for the total over the disaggregation; ``offset`` counts periods of the
    evaluated period's type (``-1``: the previous one); ``ytd`` sums from the start of the year.
    """

    kind: Literal["value", "target"]
    code: str
    option: str | None = None
    offset: int = 0
    ytd: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("value", "target"):
            raise ValueError(f"Ref kind must be 'value' or 'target', not {self.kind!r}")
        for code in (self.code, self.option):
            if code is not None and not (isinstance(code, str) and _CODE_RE.fullmatch(code)):
                raise ValueError(f"invalid code {code!r}")
        if type(self.offset) is not int or type(self.ytd) is not bool:
            raise ValueError("Ref offset must be an int and ytd a bool")


@dataclass(frozen=True, slots=True)
class Unary:
    op: Literal["-", "not"]
    operand: Expr

    def __post_init__(self) -> None:
        if self.op not in ("-", "not"):
            raise ValueError(f"unknown unary operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Binary:
    op: Literal["+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"]
    left: Expr
    right: Expr

    def __post_init__(self) -> None:
        if self.op not in _BINARY_PRECEDENCE:
            raise ValueError(f"unknown binary operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Call:
    """A function call; ``name`` is canonical (``isNull``, not ``ISNULL``)."""

    name: str
    args: tuple[Expr, ...]

    def __post_init__(self) -> None:
        if self.name not in FUNCTIONS:
            raise ValueError(f"unknown function {self.name!r}")
        low, high = FUNCTIONS[self.name]
        if len(self.args) < low or (high is not None and len(self.args) > high):
            raise ValueError(f"{self.name} takes {low}..{high} arguments, not {len(self.args)}")


Expr = Number | Ref | Unary | Binary | Call
Resolver = Callable[[Ref], "Decimal | int | None"]

# Binding powers: a higher number binds tighter.
_OR, _AND, _NOT, _COMPARE, _ADD, _MUL, _NEG, _PRIMARY = range(1, 9)
_BINARY_PRECEDENCE = {
    "or": _OR,
    "and": _AND,
    **dict.fromkeys(("==", "!=", "<", "<=", ">", ">="), _COMPARE),
    "+": _ADD,
    "-": _ADD,
    "*": _MUL,
    "/": _MUL,
}
_COMPARISONS = frozenset(("==", "!=", "<", "<=", ">", ">="))
_ORDERINGS = frozenset(("<", "<=", ">", ">="))
_ARITHMETIC = frozenset(("+", "-", "*", "/"))

# ---------------------------------------------------------------------------------------------
# Tokenizer


class _Token(NamedTuple):
    kind: str  # num, ref, name, op, (, ), ",", ".", end
    text: str  # as written
    pos: int  # 0-based index into the text
    value: object = None  # num: Decimal; ref: (kind, code, option); op: canonical operator


_OPERATORS = {
    "==": "==",
    "!=": "!=",
    "<>": "!=",
    "<=": "<=",
    ">=": ">=",
    "&&": "and",
    "||": "or",
    "=": "==",
    "≠": "!=",
    "≤": "<=",
    "≥": ">=",
    "<": "<",
    ">": ">",
    "+": "+",
    "-": "-",
    "\u2212": "-",
    "*": "*",
    "×": "*",
    "/": "/",
    "÷": "/",
    "!": "not",
}
_KEYWORDS = {"and": "and", "or": "or", "not": "not"}
_PUNCTUATION = {"(": "(", ")": ")", ",": ",", ".": "."}
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMBER_RUN_RE = re.compile(r"[0-9][0-9.]*")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DIGITS = frozenset("0123456789")


def _error(code: str, text: str, pos: int, /, **params: object) -> ChisoError:
    return ChisoError(code, position=pos + 1, text=text, **params)


def _tokenize(text: str) -> Iterator[_Token]:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in _DIGITS:
            end = _NUMBER_RE.match(text, i).end()
            # A dot after a number is never grammatical: ``1.234.567`` or ``12.``.
            if text.startswith(".", end) and not _NAME_RE.match(text, end + 1):
                raise _error("expr.bad_number", text, i, found=_NUMBER_RUN_RE.match(text, i)[0])
            yield _Token("num", text[i:end], i, Decimal(text[i:end]))
            i = end
        elif c == "#" or (c == "T" and text.startswith("T{", i)):
            end, value = _scan_ref(text, i)
            yield _Token("ref", text[i:end], i, value)
            i = end
        elif c.isascii() and (c.isalpha() or c == "_"):
            name = _NAME_RE.match(text, i).group()
            keyword = _KEYWORDS.get(name.lower())
            if keyword is not None:
                yield _Token("op", name, i, keyword)
            else:
                yield _Token("name", name, i)
            i += len(name)
        elif text[i : i + 2] in _OPERATORS:
            yield _Token("op", text[i : i + 2], i, _OPERATORS[text[i : i + 2]])
            i += 2
        elif c in _OPERATORS:
            yield _Token("op", c, i, _OPERATORS[c])
            i += 1
        elif c in _PUNCTUATION:
            yield _Token(c, c, i)
            i += 1
        else:
            raise _error("expr.unexpected_char", text, i, found=c)
    yield _Token("end", "", n)


def _scan_ref(text: str, start: int) -> tuple[int, tuple[str, str, str | None]]:
    """Scan ``#{CODE}``, ``#{CODE.OPTION}`` or ``T{…}`` at ``start``; return its end and value."""
    kind = "value" if text[start] == "#" else "target"
    opening = text[start] + "{"
    if not text.startswith(opening, start):
        raise _error(
            "expr.syntax", text, start + 1, expected="{", found=text[start + 1 : start + 2]
        )
    i = start + 2
    while i < len(text) and text[i] not in "}#{":
        i += 1
    if i == len(text) or text[i] != "}":
        raise _error("expr.unterminated_ref", text, start, opening=opening)
    inner_start = start + 2
    content = text[inner_start:i]
    stripped = content.strip()
    if not stripped:
        raise _error("expr.empty_code", text, start, opening=opening)
    offset = inner_start + (len(content) - len(content.lstrip()))
    parts = stripped.split(".")
    if len(parts) > 2:  # the second dot
        bad: int | None = offset + len(parts[0]) + 1 + len(parts[1])
    elif not parts[0]:  # a leading dot
        bad = offset
    elif len(parts) == 2 and not parts[1]:  # a trailing dot
        bad = offset + len(parts[0])
    else:
        bad = next(
            (offset + j for j, ch in enumerate(stripped) if ch not in _CODE_CHARS and ch != "."),
            None,
        )
    if bad is not None:
        raise _error("expr.bad_code", text, bad, found=stripped)
    option = parts[1] if len(parts) == 2 else None
    return i + 1, (kind, parts[0], option)


# ---------------------------------------------------------------------------------------------
# Parser


class _Parsed(NamedTuple):
    node: Expr
    pos: int  # 0-based start, for messages
    type: Type
    depth: int


def parse(text: str, *, expect: Type | None = None) -> Expr:
    """Parse ``text`` into an AST; ``expect`` (``"number"``/``"boolean"``) checks its type.

    Raises ``ChisoError`` (``expr.*``, with ``position`` 1-based and ``text``).
    """
    if not text.strip():
        raise ChisoError("expr.empty", position=1, text=text)
    parsed = _Parser(text).parse()
    if expect is not None and parsed.type != expect:
        raise _type_error(text, parsed.pos, expect)
    return parsed.node


def _type_error(text: str, pos: int, expected: Type) -> ChisoError:
    code = "expr.expected_number" if expected == NUMBER else "expr.expected_boolean"
    return _error(code, text, pos, expected=expected)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_tokenize(text))
        self.index = 0
        self.nesting = 0

    # -- token helpers
    def peek(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def expect(self, kind: str) -> _Token:
        token = self.peek()
        if token.kind != kind:
            raise self.error("expr.syntax", token, expected=kind, found=token.text)
        return self.advance()

    def error(self, code: str, token: _Token, **params: object) -> ChisoError:
        return _error(code, self.text, token.pos, **params)

    def require(self, parsed: _Parsed, expected: Type) -> None:
        if parsed.type != expected:
            raise _type_error(self.text, parsed.pos, expected)

    def make(self, node: Expr, pos: int, type_: Type, *children: _Parsed) -> _Parsed:
        depth = 1 + max((child.depth for child in children), default=0)
        if depth > MAX_DEPTH:
            raise _error("expr.too_deep", self.text, pos, limit=MAX_DEPTH)
        return _Parsed(node, pos, type_, depth)

    # -- grammar
    def parse(self) -> _Parsed:
        parsed = self.expression(0)
        token = self.peek()
        if token.kind != "end":
            before, after = self.tokens[self.index - 1], self.tokens[self.index + 1]
            if token.kind == "," and before.kind == after.kind == "num":
                if before.pos + len(before.text) == token.pos == after.pos - 1:  # 1,5
                    found = self.text[before.pos : after.pos + len(after.text)]
                    raise self.error("expr.bad_number", before, found=found)
            raise self.error("expr.trailing", token, found=token.text)
        return parsed

    def expression(self, min_power: int) -> _Parsed:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.error("expr.too_deep", self.peek(), limit=MAX_DEPTH)
        left = self.prefix()
        comparison_here = False
        while True:
            token = self.peek()
            if token.kind == ".":
                raise self.error("expr.shift_target", token)
            if token.kind != "op" or token.value not in _BINARY_PRECEDENCE:
                break
            op = token.value
            power = _BINARY_PRECEDENCE[op]
            if power <= min_power:
                break
            if op in _COMPARISONS and comparison_here:
                raise self.error("expr.chained_comparison", token)
            self.advance()
            right = self.expression(power)
            left = self.binary(op, left, right)
            comparison_here = op in _COMPARISONS
        self.nesting -= 1
        return left

    def binary(self, op: str, left: _Parsed, right: _Parsed) -> _Parsed:
        if op in _ARITHMETIC or op in _ORDERINGS:
            self.require(left, NUMBER)
            self.require(right, NUMBER)
        elif op in _COMPARISONS:
            self.require(right, left.type)
        else:
            self.require(left, BOOLEAN)
            self.require(right, BOOLEAN)
        type_ = NUMBER if op in _ARITHMETIC else BOOLEAN
        return self.make(Binary(op, left.node, right.node), left.pos, type_, left, right)

    def prefix(self) -> _Parsed:
        token = self.advance()
        if token.kind == "num":
            return self.make(Number(token.value), token.pos, NUMBER)
        if token.kind == "ref":
            return self.reference(token)
        if token.kind == "(":
            inner = self.expression(0)
            self.expect(")")
            return inner._replace(pos=token.pos)
        if token.kind == "op" and token.value == "-":
            operand = self.expression(_NEG)
            self.require(operand, NUMBER)
            return self.make(Unary("-", operand.node), token.pos, NUMBER, operand)
        if token.kind == "op" and token.value == "not":
            operand = self.expression(_NOT)
            self.require(operand, BOOLEAN)
            return self.make(Unary("not", operand.node), token.pos, BOOLEAN, operand)
        if token.kind == "name":
            return self.call(token)
        raise self.error("expr.operand", token, found=token.text)

    def reference(self, token: _Token) -> _Parsed:
        kind, code, option = token.value
        offset, ytd = 0, False
        while self.peek().kind == ".":
            self.advance()
            name = self.peek()
            method = name.text.lower() if name.kind == "name" else None
            if method not in ("periodoffset", "yeartodate"):
                raise self.error("expr.unknown_method", name, name=name.text)
            self.advance()
            self.expect("(")
            if method == "yeartodate":
                if ytd:
                    raise self.error("expr.duplicate_shift", name)
                ytd = True
            else:
                offset += self.offset_argument(name)
            self.expect(")")
        return self.make(Ref(kind, code, option, offset, ytd), token.pos, NUMBER)

    def offset_argument(self, method: _Token) -> int:
        sign = 1
        if self.peek().kind == "op" and self.peek().value in ("-", "+"):
            sign = -1 if self.advance().value == "-" else 1
        number = self.peek()
        if number.kind != "num" or not number.text.isdigit():
            raise self.error("expr.offset", method)
        self.advance()
        return sign * int(number.text)

    def call(self, token: _Token) -> _Parsed:
        name = _FUNCTION_NAMES.get(token.text.lower())
        if self.peek().kind != "(":
            if name is None:
                raise self.error("expr.unknown_name", token, name=token.text)
            raise self.error("expr.syntax", self.peek(), expected="(", found=self.peek().text)
        if name is None:
            raise self.error(
                "expr.unknown_function", token, name=token.text, functions=", ".join(FUNCTIONS)
            )
        low, high = FUNCTIONS[name]
        self.advance()
        args: list[_Parsed] = []
        if self.peek().kind != ")":
            while True:
                args.append(self.expression(0))
                if self.peek().kind != ",":
                    break
                self.advance()
        closing = self.peek()
        if closing.kind != ")":
            expected = "," if len(args) < low else ")"
            raise self.error("expr.syntax", closing, expected=expected, found=closing.text)
        self.advance()
        if len(args) < low or (high is not None and len(args) > high):
            expected = str(low) if low == high else f"{low}–{high}" if high else f"≥ {low}"
            raise self.error("expr.arg_count", token, name=name, expected=expected, count=len(args))
        type_ = self.check_call(name, args)
        node = Call(name, tuple(arg.node for arg in args))
        return self.make(node, token.pos, type_, *args)

    def check_call(self, name: str, args: list[_Parsed]) -> Type:
        if name == "if":
            self.require(args[0], BOOLEAN)
            self.require(args[2], args[1].type)
            return args[1].type
        if name == "isNull":
            return BOOLEAN
        if name == "coalesce":
            for arg in args[1:]:
                self.require(arg, args[0].type)
            return args[0].type
        for arg in args:
            self.require(arg, NUMBER)
        if name == "round" and len(args) == 2 and _round_digits(args[1].node) is None:
            raise _error("expr.round_digits", self.text, args[1].pos, limit=ROUND_LIMIT)
        return NUMBER


def _round_digits(node: Expr) -> int | None:
    """The integer ``node`` spells (``2``, ``-3``), or ``None`` if it is not such a literal."""
    sign = 1
    if isinstance(node, Unary) and node.op == "-":
        sign, node = -1, node.operand
    if not isinstance(node, Number) or node.value != node.value.to_integral_value():
        return None
    digits = sign * int(node.value)
    return digits if -ROUND_LIMIT <= digits <= ROUND_LIMIT else None


def result_type(ast: Expr) -> Type:
    """``"number"`` or ``"boolean"``: what :func:`evaluate` returns (besides ``None``)."""
    match ast:
        case Number() | Ref():
            return NUMBER
        case Unary(op="-"):
            return NUMBER
        case Unary():
            return BOOLEAN
        case Binary(op=op):
            return NUMBER if op in _ARITHMETIC else BOOLEAN
        case Call(name="isNull"):
            return BOOLEAN
        case Call(name="if", args=args):
            return result_type(args[1])
        case Call(name="coalesce", args=args):
            return result_type(args[0])
        case Call():
            return NUMBER
    raise TypeError(f"not an expression: {ast!r}")


# ---------------------------------------------------------------------------------------------
# Canonical text


def format_expression(ast: Expr) -> str:
    """Canonical text of ``ast``: minimal parentheses, ``parse(format_expression(a)) == a``."""
    match ast:
        case Number(value=value):
            return format(value, "f")
        case Ref(kind=kind, code=code, option=option, offset=offset, ytd=ytd):
            text = ("#{" if kind == "value" else "T{") + code
            text += f".{option}}}" if option is not None else "}"
            if offset:
                text += f".periodOffset({offset})"
            if ytd:
                text += ".yearToDate()"
            return text
        case Unary(op="-", operand=operand):
            return "-" + _operand(operand, _NEG + 1)
        case Unary(operand=operand):
            return "not " + _operand(operand, _NOT)
        case Binary(op=op, left=left, right=right):
            power = _BINARY_PRECEDENCE[op]
            left_min = power + 1 if op in _COMPARISONS else power
            return f"{_operand(left, left_min)} {op} {_operand(right, power + 1)}"
        case Call(name=name, args=args):
            return f"{name}({', '.join(format_expression(arg) for arg in args)})"
    raise TypeError(f"not an expression: {ast!r}")


def _precedence(ast: Expr) -> int:
    if isinstance(ast, Binary):
        return _BINARY_PRECEDENCE[ast.op]
    if isinstance(ast, Unary):
        return _NEG if ast.op == "-" else _NOT
    return _PRIMARY


def _operand(ast: Expr, min_precedence: int) -> str:
    text = format_expression(ast)
    return text if _precedence(ast) >= min_precedence else f"({text})"


# ---------------------------------------------------------------------------------------------
# References and evaluation


def references(ast: Expr) -> set[Ref]:
    """Every value and target the expression reads (in all branches of ``if``)."""
    found: set[Ref] = set()
    stack = [ast]
    while stack:
        node = stack.pop()
        match node:
            case Ref():
                found.add(node)
            case Unary(operand=operand):
                stack.append(operand)
            case Binary(left=left, right=right):
                stack.extend((left, right))
            case Call(args=args):
                stack.extend(args)
    return found


Value = Decimal | bool | None


def evaluate(ast: Expr, resolver: Resolver) -> Value:
    """Evaluate ``ast``; ``resolver(ref)`` gives each reference's value (``None``: no value).

    Each distinct reference is resolved at most once, and only if its branch is evaluated.
    Arithmetic is exact up to 50 significant digits.
    """
    cache: dict[Ref, Decimal | None] = {}

    def resolve(ref: Ref) -> Decimal | None:
        if ref not in cache:
            value = resolver(ref)
            if isinstance(value, int) and not isinstance(value, bool):
                value = Decimal(value)
            if value is not None and not isinstance(value, Decimal):
                raise TypeError(f"resolver returned {value!r} for {ref!r}: need Decimal or None")
            cache[ref] = value
        return cache[ref]

    with localcontext() as context:
        context.prec = PRECISION
        context.rounding = ROUND_HALF_EVEN
        return _Evaluator(resolve).value(ast)


def _number(value: Value) -> Decimal | None:
    if value is not None and not isinstance(value, Decimal):
        raise TypeError(f"expected a number, got {value!r}")
    return value


def _boolean(value: Value) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"expected a condition, got {value!r}")
    return value


class _Evaluator:
    def __init__(self, resolve: Callable[[Ref], Decimal | None]) -> None:
        self.resolve = resolve

    def value(self, ast: Expr) -> Value:
        match ast:
            case Number(value=value):
                return value
            case Ref():
                return self.resolve(ast)
            case Unary(op="-", operand=operand):
                number = _number(self.value(operand))
                return None if number is None else -number
            case Unary(operand=operand):
                flag = _boolean(self.value(operand))
                return None if flag is None else not flag
            case Binary(op="and", left=left, right=right):
                first = _boolean(self.value(left))
                if first is False:
                    return False
                second = _boolean(self.value(right))
                return False if second is False else None if first is None else second
            case Binary(op="or", left=left, right=right):
                first = _boolean(self.value(left))
                if first is True:
                    return True
                second = _boolean(self.value(right))
                return True if second is True else None if first is None else second
            case Binary(op=op, left=left, right=right):
                return self.binary(op, self.value(left), self.value(right))
            case Call(name=name, args=args):
                return self.call(name, args)
        raise TypeError(f"not an expression: {ast!r}")

    def binary(self, op: str, left: Value, right: Value) -> Value:
        if op in ("==", "!="):
            if isinstance(left, bool) != isinstance(right, bool) and None not in (left, right):
                raise TypeError(f"cannot compare {left!r} with {right!r}")
            if left is None or right is None:
                return None
            return (left == right) == (op == "==")
        a, b = _number(left), _number(right)
        if a is None or b is None:
            return None
        match op:
            case "+":
                return a + b
            case "-":
                return a - b
            case "*":
                return a * b
            case "/":
                return None if b == 0 else a / b
            case "<":
                return a < b
            case "<=":
                return a <= b
            case ">":
                return a > b
            case ">=":
                return a >= b
        raise TypeError(f"unknown operator {op!r}")

    def call(self, name: str, args: tuple[Expr, ...]) -> Value:
        if name == "if":
            condition = _boolean(self.value(args[0]))
            return None if condition is None else self.value(args[1] if condition else args[2])
        if name == "isNull":
            return self.value(args[0]) is None
        if name == "coalesce":
            for arg in args:
                value = self.value(arg)
                if value is not None:
                    return value
            return None
        if name == "round":
            number = _number(self.value(args[0]))
            digits = 0 if len(args) == 1 else _round_digits(args[1])
            if digits is None:
                raise TypeError(f"round digits must be an integer literal, not {args[1]!r}")
            return None if number is None else _round(number, digits)
        numbers = [_number(self.value(arg)) for arg in args]
        if any(number is None for number in numbers):
            return None
        return max(numbers) if name == "greatest" else min(numbers)


def _round(number: Decimal, digits: int) -> Decimal:
    with localcontext() as context:
        context.prec = max(PRECISION, number.adjusted() + digits + 2)
        rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        return rounded.quantize(Decimal(1)) if digits < 0 else rounded
