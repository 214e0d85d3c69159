"""The expression language of ``when``, ``require`` and ``retains``.

Grammar (``not`` binds tighter than ``and``, which binds tighter than ``or``)::

    expr  := conj ("or" conj)*
    conj  := unary ("and" unary)*
    unary := "not" unary | "(" expr ")" | "true" | "false" | NAME

Expressions are parsed once into a small immutable tree and never evaluated as code.
Chains of ``and``/``or`` become one n-ary node, so long flat expressions stay shallow;
nesting (parentheses and ``not``) is limited to :data:`MAX_NESTING` levels and the text to
:data:`MAX_LENGTH` characters, so no input can exhaust the stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

MAX_LENGTH = 10_000
"""Longest expression accepted, in characters."""
MAX_NESTING = 64
"""Deepest nesting of parentheses and ``not`` accepted."""

KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
"""The words of the language."""
PRINTED = {"always": "true", "never": "false"}
"""The words reports print for conditions that hold in every or in no allowed setting, and
the constant an expression writes instead."""
RESERVED = KEYWORDS | frozenset(PRINTED)
"""Words that cannot be ids: a toggle called ``never`` would make ``never`` mean two things
in every printed condition."""

_TOKEN = re.compile(
    r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<paren>[()])|(?P<other>[&|!~=]+|\S))"
)
_FOREIGN_OPERATORS = {
    "&&": "and",
    "&": "and",
    "||": "or",
    "|": "or",
    "!": "not",
    "~": "not",
}


class ExpressionError(ValueError):
    """A syntax error at character ``offset`` of the expression text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Const:
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True)
class Name:
    """A toggle or assumption, with its offset in the expression text."""

    name: str
    offset: int


@dataclass(frozen=True)
class Not:
    """Negation."""

    operand: Node


@dataclass(frozen=True)
class And:
    """Conjunction of two or more operands."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Disjunction of two or more operands."""

    operands: tuple[Node, ...]


Node = Const | Name | Not | And | Or


@dataclass(frozen=True)
class Expression:
    """A parsed expression and the text it came from."""

    text: str
    root: Node

    def names(self) -> Iterator[Name]:
        """Every name occurrence, in text order."""
        return iter_names(self.root)

    def evaluate(self, values: Mapping[str, bool]) -> bool:
        """Truth value under ``values``, which must give every name."""
        return evaluate(self.root, values)

    @property
    def is_true(self) -> bool:
        """Whether this is the constant ``true`` (the default of ``when``)."""
        return isinstance(self.root, Const) and self.root.value


TRUE = Expression("true", Const(True))
FALSE = Expression("false", Const(False))


def iter_names(node: Node) -> Iterator[Name]:
    """Every :class:`Name` below ``node``, in text order."""
    if isinstance(node, Name):
        yield node
    elif isinstance(node, Not):
        yield from iter_names(node.operand)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            yield from iter_names(operand)


def evaluate(node: Node, values: Mapping[str, bool]) -> bool:
    """Truth value of ``node`` under ``values``."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Name):
        return values[node.name]
    if isinstance(node, Not):
        return not evaluate(node.operand, values)
    if isinstance(node, And):
        return all(evaluate(operand, values) for operand in node.operands)
    return any(evaluate(operand, values) for operand in node.operands)


def parse(text: str) -> Expression:
    """Parse expression text.

    >>> parse("not (e2ee and ai_chat)").root
    Not(operand=And(operands=(Name(name='e2ee', offset=5), Name(name='ai_chat', offset=14))))
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(text):,} characters long; the limit is {MAX_LENGTH:,}", 0
        )
    parser = _Parser(text)
    root = parser.expression(0)
    parser.expect_end()
    return Expression(text, root)


def to_text(node: Node) -> str:
    """Canonical text of ``node`` in the model's own syntax.

    Examples
    --------
    >>> to_text(parse("(not (a)) and ((b or c))").root)
    'not a and (b or c)'
    """
    return _to_text(node, 0)


def _to_text(node: Node, parent: int) -> str:
    """Render with the fewest parentheses; ``parent`` is the enclosing binding power."""
    if isinstance(node, Const):
        return "true" if node.value else "false"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Not):
        return "not " + _to_text(node.operand, 3)
    power, word = (2, " and ") if isinstance(node, And) else (1, " or ")
    text = word.join(_to_text(operand, power) for operand in node.operands)
    return f"({text})" if parent > power else text


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        position = 0
        while True:
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                break
            kind = match.lastgroup or "other"
            self.tokens.append((kind, match.group(kind), match.start(kind)))
            position = match.end()
        self.index = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def advance(self) -> tuple[str, str, int]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expression(self, depth: int) -> Node:
        operands = [self.conjunction(depth)]
        while self.is_word("or"):
            self.advance()
            operands.append(self.conjunction(depth))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def conjunction(self, depth: int) -> Node:
        operands = [self.unary(depth)]
        while self.is_word("and"):
            self.advance()
            operands.append(self.unary(depth))
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def unary(self, depth: int) -> Node:
        token = self.peek()
        if token is None:
            offset = len(self.text.rstrip())
            if not self.text.strip():
                raise ExpressionError("empty expression; write true, false or a condition", 0)
            raise ExpressionError(
                "expression ends too early; expected a name, true, false, 'not' or '('", offset
            )
        kind, value, offset = token
        if depth >= MAX_NESTING:
            raise ExpressionError(f"expression nests deeper than {MAX_NESTING} levels", offset)
        if kind == "paren" and value == "(":
            self.advance()
            inner = self.expression(depth + 1)
            closing = self.peek()
            if closing is None or closing[1] != ")":
                raise ExpressionError("'(' is never closed; add ')'", offset)
            self.advance()
            return inner
        if kind == "name":
            self.advance()
            if value == "not":
                return Not(self.unary(depth + 1))
            if value in ("true", "false"):
                return Const(value == "true")
            if value in KEYWORDS:
                raise ExpressionError(
                    f"'{value}' needs something on its left; expected a name, true, false, "
                    "'not' or '('",
                    offset,
                )
            if value in PRINTED:
                raise ExpressionError(
                    f"'{value}' is how reports print a condition; in an expression write "
                    f"'{PRINTED[value]}'",
                    offset,
                )
            if value.lower() in ("true", "false"):
                raise ExpressionError(f"write '{value.lower()}', in lower case", offset)
            return Name(value, offset)
        raise self.unexpected(token, "a name, true, false, 'not' or '('")

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "name" and token[1] == word

    def expect_end(self) -> None:
        token = self.peek()
        if token is not None:
            raise self.unexpected(token, "'and', 'or' or the end")

    def unexpected(self, token: tuple[str, str, int], expected: str) -> ExpressionError:
        _, value, offset = token
        for foreign, word in _FOREIGN_OPERATORS.items():
            if value.startswith(foreign):
                return ExpressionError(
                    f"'{foreign}' is not an operator here; write '{word}'", offset
                )
        if value == ")":
            return ExpressionError("')' has no matching '('", offset)
        return ExpressionError(f"unexpected '{value}'; expected {expected}", offset)
