"""A condition as a factored formula read off its BDD, for conditions whose smallest sum of
products is too long to print (the exclusive or of n variables has 2^(n-1) products; its
BDD has 2n nodes).

Each BDD node ``if x then H else L`` is printed in the shortest of these shapes:
``x and H`` (L false), ``not x and L`` (H false), ``not x or H`` (L true), ``x or L``
(H true), ``x xor L`` (H is the negation of L), else ``(if x then H else L)``.  Runs of the
same operator are written flat (``a xor b xor c``).  A node reached along several paths is
printed once and named (``C1``, ``C2``, ... in order of first use, defined after ``where``)
when printing it in place would repeat it, so the text grows with the BDD, never with the
number of its paths.  ``xor`` and ``if``-``then``-``else`` are not part of the model's
expression language; the text says it is a factored form.
"""

from __future__ import annotations

from dataclasses import dataclass

from threatmodel.engine.bdd import Bdd, Function

INLINE_LIMIT = 400
"""Most operators printed without naming shared sub-conditions."""


@dataclass(frozen=True, slots=True)
class _Shape:
    operator: str
    """``and``, ``or``, ``xor`` or ``if``."""
    literal: tuple[str, bool]
    operands: tuple[Function, ...]
    """The sub-conditions: one, or for ``if`` the ``then`` and ``else`` branches."""


def _shape(bdd: Bdd, function: Function) -> _Shape:
    name, low, high = bdd.branch(function)
    if low == bdd.false:
        return _Shape("and", (name, True), (high,))
    if high == bdd.false:
        return _Shape("and", (name, False), (low,))
    if low == bdd.true:
        return _Shape("or", (name, False), (high,))
    if high == bdd.true:
        return _Shape("or", (name, True), (low,))
    if high == ~low:
        return _Shape("xor", (name, True), (low,))
    return _Shape("if", (name, True), (high, low))


def _literal(literal: tuple[str, bool]) -> str:
    name, value = literal
    return name if value else f"not {name}"


class _Printer:
    def __init__(self, bdd: Bdd, root: Function) -> None:
        self.bdd = bdd
        self.shapes: dict[Function, _Shape] = {}
        self.uses: dict[Function, int] = {}
        self.size: dict[Function, int] = {}
        self.names: dict[Function, str] = {}
        self.definitions: list[tuple[str, Function]] = []
        self._walk(root)

    def _constant(self, function: Function) -> bool:
        return bool(function == self.bdd.true or function == self.bdd.false)

    def _walk(self, root: Function) -> None:
        """Shapes of every node, how often each is used, and the size of each printed in
        place, in post-order without recursion (a BDD is as deep as its variables)."""
        stack: list[tuple[Function, bool]] = [(root, False)]
        self.uses[root] = 1
        while stack:
            function, expanded = stack.pop()
            if self._constant(function):
                self.size[function] = 1
                continue
            shape = self.shapes.get(function)
            if expanded:
                assert shape is not None
                self.size[function] = 1 + sum(self.size[o] for o in shape.operands)
                continue
            if shape is not None:
                continue
            shape = _shape(self.bdd, function)
            self.shapes[function] = shape
            stack.append((function, True))
            for operand in shape.operands:
                self.uses[operand] = self.uses.get(operand, 0) + 1
                if operand not in self.shapes:
                    stack.append((operand, False))

    def text(self, root: Function) -> str:
        shared = self.size[root] > INLINE_LIMIT
        body = self._text(root, shared)
        texts: list[str] = []
        index = 0
        while index < len(self.definitions):  # writing a definition may add others
            name, function = self.definitions[index]
            texts.append(f"{name} = {self._text(function, shared, top=True)}")
            index += 1
        if not texts:
            return body
        return f"{body} where " + "; ".join(texts)

    def _operand(self, function: Function, shared: bool) -> str:
        if function == self.bdd.true:
            return "true"
        if function == self.bdd.false:
            return "false"
        if shared and self.uses.get(function, 0) > 1 and self.size[function] > 2:
            name = self.names.get(function)
            if name is None:
                name = f"C{len(self.names) + 1}"
                self.names[function] = name
                self.definitions.append((name, function))
            return name
        text = self._text(function, shared)
        atomic = " " not in text.removeprefix("not ")
        return text if atomic else f"({text})"

    def _text(self, function: Function, shared: bool, top: bool = False) -> str:
        """``function`` printed in place, runs of one operator flattened."""
        shape = self.shapes[function]
        if shape.operator == "if":
            then, otherwise = (self._operand(o, shared) for o in shape.operands)
            return f"if {_literal(shape.literal)} then {then} else {otherwise}"
        terms = [_literal(shape.literal)]
        current = shape.operands[0]
        while not self._constant(current):
            following = self.shapes[current]
            named = shared and self.uses.get(current, 0) > 1 and self.size[current] > 2
            if following.operator != shape.operator or named:
                break
            terms.append(_literal(following.literal))
            current = following.operands[0]
        if not self._constant(current):  # a constant left is true after and, false after or
            terms.append(self._operand(current, shared))
        return f" {shape.operator} ".join(terms)


def condition_text(function: tuple[Bdd, Function], products: int | None = None) -> str:
    """A function that is neither constant as a factored formula, marked as one."""
    bdd, root = function
    printer = _Printer(bdd, root)
    text = printer.text(root)
    size = f"; its sum of products has {products:,} products" if products is not None else ""
    return f"{text} [factored form{size}]"
