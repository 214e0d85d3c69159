"""Binary decision diagrams over a model's free variables, from the ``dd`` package.

``dd.cudd`` (CUDD, compiled, in ``dd``'s wheels) is used when it imports; otherwise the
pure-Python ``dd.autoref``.  Both have the same API.  ``THREATMODEL_BDD=autoref`` forces the
pure-Python backend (tests use it to check that both agree).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from threatmodel.load import expr


class Function(Protocol):
    """A BDD node of the chosen backend: what this package uses of ``dd``'s (untyped)
    ``Function`` of either backend.  Nodes are hashable, and equal exactly when they stand
    for the same boolean function."""

    @property
    def var(self) -> str | None:
        """The variable at the root (``None`` for a constant)."""

    @property
    def level(self) -> int:
        """The root variable's position in the current order."""

    @property
    def low(self) -> Function:
        """The child where the root variable is false (before :attr:`negated`)."""

    @property
    def high(self) -> Function:
        """The child where the root variable is true (before :attr:`negated`)."""

    @property
    def negated(self) -> bool:
        """Whether the edge to this node is complemented."""

    @property
    def dag_size(self) -> int:
        """The number of nodes of the function's diagram."""

    def __and__(self, other: Function, /) -> Function: ...

    def __or__(self, other: Function, /) -> Function: ...

    def __invert__(self) -> Function: ...

    def __hash__(self) -> int: ...

    def __eq__(self, other: object, /) -> bool: ...


MAX_FUNCTION_NODES = 100_000
"""Most nodes one exposure condition's BDD may have (``THREATMODEL_MAX_CONDITION_NODES``
changes it).

A condition's BDD can be exponential in the number of free variables (random guards over
many toggles, read through keys that are themselves passed around), and so can the time
spent building it.  Past this size the analysis stops with :class:`TooLarge` instead: a
condition that large could not be read anyway, and the variables can be pinned with
``--set``.  Counted per function, it does not depend on the backend or on when garbage is
collected, so whether a model is analysed is the same on every machine."""

INITIAL_CACHE_SLOTS = 1 << 12
"""Entries of CUDD's computed table in a new manager.

CUDD's default (262,144 entries, 8 MB) is written in full when a manager is created: 10 ms
per manager on a quiet machine, several times that on a busy one, while the analysis of an
ordinary model fills a fraction of it.  CUDD doubles the table itself while its hit rate is
high, so large problems still get a large one."""

MEMORY_ESTIMATE = 256 << 20
"""The memory CUDD is told to plan for, in bytes (``dd``'s default: 1 GiB).

CUDD sets a stash aside in proportion to it when a manager is created: 5 ms per manager
with the default, 0.5 ms with this, and ``analyze`` makes three.  It is no cap: past it
CUDD collects garbage before it grows its tables (75 toggles on 4,000 flows, the largest
generated model answered: 32 s and 490 MB, against 31 s and 770 MB)."""

LIMIT_VARIABLE = "THREATMODEL_MAX_CONDITION_NODES"


class TooLarge(Exception):
    """A BDD passed :attr:`Bdd.max_function_nodes`, or that limit is set to no number."""


def function_node_limit() -> int:
    """:data:`MAX_FUNCTION_NODES`, or the positive number in :data:`LIMIT_VARIABLE`."""
    return limit_from_environment(LIMIT_VARIABLE, MAX_FUNCTION_NODES, "nodes")


def limit_from_environment(variable: str, default: int, unit: str) -> int:
    """The positive number of ``unit`` in the environment variable ``variable`` (``_``
    allowed between digits), or ``default`` when it is unset or empty; :class:`TooLarge`
    for anything else."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        limit = int(text.replace("_", ""))
    except ValueError:
        limit = 0
    if limit <= 0:
        raise TooLarge(f"{variable} must be a positive number of {unit}, not '{text}'")
    return limit


def _backend_module(name: str) -> Any:
    if name in ("auto", "cudd"):
        try:
            return _import_without_networkx("dd.cudd")
        except ImportError:
            if name == "cudd":
                raise
    return _import_without_networkx("dd.autoref")


def _import_without_networkx(module: str) -> Any:
    """Import a ``dd`` module without letting ``dd`` import networkx.

    ``dd`` imports networkx when it starts, for the graph exports this package never calls,
    and that import is about 80 ms, a quarter of what ``analyze`` of a shipped model is
    allowed.  A ``None`` in :data:`sys.modules` makes that one import fail, which ``dd``
    expects; the entry is taken out afterwards, so networkx can still be imported later.
    """
    if "networkx" in sys.modules or module in sys.modules:
        return importlib.import_module(module)
    sys.modules["networkx"] = None  # type: ignore[assignment]
    try:
        return importlib.import_module(module)
    finally:
        del sys.modules["networkx"]
        _drop_kept_traceback()


def _drop_kept_traceback() -> None:
    """``dd`` keeps the ImportError it met, to raise it if a graph export is asked for.
    Its traceback holds the frames of whoever imported ``dd`` first, and through them
    their locals (a model, a BDD manager) until exit: drop it."""
    error = getattr(sys.modules.get("dd._utils"), "_nx_error", None)
    if isinstance(error, BaseException):
        error.__traceback__ = None
        error.__context__ = None


def _is_release_noise(unraisable: Any) -> bool:
    """Whether an unraisable exception is ``dd`` complaining, while a manager is freed,
    that BDD nodes it owned were still referenced (they are freed right after)."""
    where = repr(getattr(unraisable, "object", ""))
    return "dd." in where and ("__dealloc__" in where or "__del__" in where)


def quiet_release_noise() -> None:
    """Stop ``dd``'s manager teardown messages from reaching standard error.

    Managers and their nodes are freed together at exit or by the garbage collector, in an
    order Python does not guarantee; ``dd`` then reports a harmless assertion that would
    look like a crash to users.
    """
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not _is_release_noise(unraisable):
            previous(unraisable)

    sys.unraisablehook = hook


class Bdd:
    """A BDD manager with the variables declared in a fixed order.

    The order is never changed: CUDD's automatic reordering is off, because sifting took
    most of the analysis on models with dozens of toggles (60 toggles, 4,000 flows: 11.7 s
    with it, 3.9 s without) and, past a million nodes, minutes while saving half the nodes
    at best.  :func:`threatmodel.engine.ordering.bdd_order` chooses the order instead, and
    :data:`MAX_FUNCTION_NODES` bounds what an unlucky one can cost.
    """

    def __init__(self, variables: Iterable[str], backend: str | None = None) -> None:
        chosen = backend or os.environ.get("THREATMODEL_BDD", "auto")
        module = _backend_module(chosen)
        self.backend: str = module.__name__.rsplit(".", 1)[-1]
        if self.backend == "cudd":
            self.manager: Any = module.BDD(
                initial_cache_size=INITIAL_CACHE_SLOTS, memory_estimate=MEMORY_ESTIMATE
            )
            self.manager.configure(reordering=False)
        else:
            self.manager = module.BDD()
        self.max_function_nodes = function_node_limit()
        """Most nodes a condition may have (see :data:`MAX_FUNCTION_NODES`)."""
        self.variables: tuple[str, ...] = ()
        self.declare(variables)
        self.true: Function = self.manager.true
        self.false: Function = self.manager.false

    def declare(self, variables: Iterable[str]) -> None:
        """Add variables (those already declared are ignored)."""
        new = [name for name in variables if name not in self.variables]
        if new:
            self.manager.declare(*new)
            self.variables = (*self.variables, *new)

    def branch(self, function: Function) -> tuple[str, Function, Function]:
        """The variable at the root of a function that is not constant, and the function
        with that variable false and true (the root's children)."""
        low, high = function.low, function.high
        if function.negated:
            low, high = ~low, ~high
        return str(function.var), low, high

    def var(self, name: str) -> Function:
        """The function that is true exactly when ``name`` is."""
        node: Function = self.manager.var(name)
        return node

    def literal(self, name: str, value: bool) -> Function:
        """``name`` when ``value``, else ``not name``."""
        node = self.var(name)
        return node if value else ~node

    def cube(self, values: Mapping[str, bool]) -> Function:
        """Conjunction of literals fixing ``values``."""
        result = self.true
        for name in sorted(values):
            result &= self.literal(name, values[name])
        return result

    def compile(self, node: expr.Node, constants: Mapping[str, bool]) -> Function:
        """The function of an expression; names in ``constants`` are replaced by their value."""
        if isinstance(node, expr.Const):
            return self.true if node.value else self.false
        if isinstance(node, expr.Name):
            if node.name in constants:
                return self.true if constants[node.name] else self.false
            return self.var(node.name)
        if isinstance(node, expr.Not):
            return ~self.compile(node.operand, constants)
        if isinstance(node, expr.And):
            result = self.true
            for operand in node.operands:
                result &= self.compile(operand, constants)
                if result == self.false:
                    break
            return result
        result = self.false
        for operand in node.operands:
            result |= self.compile(operand, constants)
            if result == self.true:
                break
        return result

    def restrict(self, function: Function, values: Mapping[str, bool]) -> Function:
        """Cofactor: ``function`` with the variables of ``values`` fixed."""
        if not values:
            return function
        restricted: Function = self.manager.let(dict(values), function)
        return restricted

    def count(self, function: Function, variables: Iterable[str]) -> int:
        """Number of assignments to ``variables`` that satisfy ``function``."""
        names = list(variables)
        if function == self.false:
            return 0
        if not names:
            return 1
        return int(self.manager.count(function, nvars=len(names)))

    def assignments(
        self, function: Function, variables: Iterable[str]
    ) -> Iterator[dict[str, bool]]:
        """Every satisfying assignment to ``variables`` (unordered)."""
        names = list(variables)
        if function == self.false:
            return
        if not names:
            yield {}
            return
        yield from self.manager.pick_iter(function, care_vars=names)

    def support(self, function: Function) -> set[str]:
        """Variables ``function`` depends on."""
        return set(self.manager.support(function))

    def evaluate(self, function: Function, values: Mapping[str, bool]) -> bool:
        """Truth value of ``function`` under ``values``, which gives every support variable."""
        needed = {name: values[name] for name in self.support(function)}
        result = self.manager.let(needed, function) if needed else function
        return bool(result == self.true)
