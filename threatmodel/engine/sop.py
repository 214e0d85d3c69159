"""Boolean functions as short, readable sums of products in the model's own syntax.

A condition only matters on the allowed settings, so settings excluded by the constraints
are don't-cares: the printed formula ``F`` satisfies ``L ≤ F ≤ U`` with ``L`` the function
and ``U = L or not allowed``.

* Up to :data:`EXACT_LIMIT` relevant variables the cover is **minimal** (fewest products,
  then fewest literals): prime implicants from a truth table kept as an integer bitmask,
  then an exact branch-and-bound set cover.
* Beyond that, Minato-Morreale's irredundant sum of products on the BDD: **near-minimal**.
  Its products are already prime implicants of ``U`` and none is redundant (see
  :func:`_plan`), so no expansion or removal pass follows.

Ties are broken by the sorted literal lists, so the text is deterministic.

Some functions have no short sum of products at all: the exclusive or of n variables needs
2^(n-1) products.  The size of the cover is counted as it is built, and products are listed
only while there are at most :data:`MAX_PRODUCTS` of them; beyond, when the BDD has fewer
nodes than the cover has literals, the condition is printed as a **factored form** read off
the BDD instead (:mod:`threatmodel.engine.factored`): exact, as long as the BDD, and marked
as such.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from threatmodel.engine import factored
from threatmodel.engine.bdd import Bdd, Function

EXACT_LIMIT = 8
"""Most variables for which the exact minimisation is used."""
MAX_PRODUCTS = 256
"""Most products of a condition surely printed as a sum of products."""

Literal = tuple[str, bool]
Cube = tuple[Literal, ...]

ALWAYS = "always"
NEVER = "never"


def condition_text(bdd: Bdd, function: Function, allowed: Function) -> str:
    """The function as text: ``always``, ``never``, a sum of products, or a factored form
    when the sum of products would be too long.

    Examples
    --------
    >>> bdd = Bdd(["a", "b", "c"])
    >>> a, b, c = bdd.var("a"), bdd.var("b"), bdd.var("c")
    >>> condition_text(bdd, (a & b) | (a & ~b) | (c & ~a), bdd.true)
    'a or c'
    >>> condition_text(bdd, a & b, ~(a & ~b))  # a and not b never happens
    'a'
    """
    lower = function & allowed
    if lower == bdd.false:
        return NEVER
    if (allowed & ~lower) == bdd.false:
        return ALWAYS
    home, copied, cover = minimal_cover(bdd, lower, allowed)
    if isinstance(cover, int):
        return factored.condition_text((home, copied), cover)
    return format_cover(cover)


def condition_cover(bdd: Bdd, function: Function, allowed: Function) -> list[Cube] | None:
    """Products whose disjunction equals ``function`` on the allowed settings; ``None``
    when it is printed as a factored form (see :func:`minimal_cover`).

    ``[]`` when it never holds, ``[()]`` (one empty product) when it always does.
    """
    lower = function & allowed
    if lower == bdd.false:
        return []
    if (allowed & ~lower) == bdd.false:
        return [()]
    cover = minimal_cover(bdd, lower, allowed)[2]
    return None if isinstance(cover, int) else cover


def format_cover(cover: Iterable[Cube]) -> str:
    """``a and not b or c``, with parentheses around products when there are several."""
    products = sorted((sorted(cube) for cube in cover), key=lambda c: (len(c), c))
    texts = [
        " and ".join(name if value else f"not {name}" for name, value in cube) for cube in products
    ]
    if len(texts) == 1:
        return texts[0]
    return " or ".join(
        f"({text})" if len(cube) > 1 else text for text, cube in zip(texts, products, strict=True)
    )


def minimal_cover(
    bdd: Bdd, lower: Function, allowed: Function
) -> tuple[Bdd, Function, list[Cube] | int]:
    """A sum of products F with ``lower <= F <= lower or not allowed``, minimal when small
    enough, and the manager it was computed in with ``lower`` there.  When F has more than
    :data:`MAX_PRODUCTS` products and more literals than ``lower``'s BDD has nodes, the
    number of its products instead of them (the condition is then printed factored, from
    the BDD returned)."""
    if bdd.backend == "cudd":
        apart = _cover_manager(bdd)
        lower = bdd.manager.copy(lower, apart.bdd.manager)
        allowed = apart.constraints(bdd, allowed)
        return apart.bdd, lower, _cover(apart.bdd, lower, lower | ~allowed)
    cover = _cover(bdd, lower, lower | ~allowed)
    _collect_garbage(bdd)
    return bdd, lower, cover


@dataclass
class _Apart:
    """A CUDD manager of its own, with the analysis' variables in the same order, in which
    covers are computed.

    A cover makes many short-lived nodes.  Beside the analysis' hundreds of thousands of
    live ones, CUDD grows its tables rather than collecting them; in a manager holding only
    the function covered they are collected as they die (75 toggles on 4,000 flows: 27 s
    and 590 MB this way, 37 s and 1.3 GB in the analysis' manager), which pays for copying
    each function over (a C-level transfer).  The constraints' function, the same for every
    condition, is copied once.
    """

    bdd: Bdd
    copied: tuple[Function, Function] | None = None
    """The last constraints' function copied: as given, and here."""

    def constraints(self, source: Bdd, allowed: Function) -> Function:
        """``allowed`` (a function of ``source``) in this manager."""
        if self.copied is None or self.copied[0] != allowed:
            self.copied = (allowed, source.manager.copy(allowed, self.bdd.manager))
        return self.copied[1]


_APART: weakref.WeakKeyDictionary[Bdd, _Apart] = weakref.WeakKeyDictionary()


def _cover_manager(bdd: Bdd) -> _Apart:
    """The manager covers of ``bdd``'s functions are computed in (see :class:`_Apart`)."""
    apart = _APART.get(bdd)
    if apart is None or apart.bdd.variables != bdd.variables:
        apart = _Apart(Bdd(bdd.variables, "cudd"))
        _APART[bdd] = apart
    return apart


def _cover(bdd: Bdd, lower: Function, upper: Function) -> list[Cube] | int:
    cache = _Cache(bdd)
    support = bdd.support(lower) | bdd.support(upper)
    if len(support) <= EXACT_LIMIT:
        return _exact_cover(bdd, lower, upper, sorted(support))
    plan = _plan(cache, lower, upper)
    if plan.products > MAX_PRODUCTS and plan.literals > lower.dag_size:
        return plan.products
    cover = _build(cache, lower, upper)
    return sorted({tuple(sorted(cube)) for cube in cover}, key=lambda c: (-len(c), c))


_GARBAGE_FLOOR = 200_000
"""Nodes below which the pure-Python manager is never swept."""
_sweep_at: weakref.WeakKeyDictionary[Bdd, int] = weakref.WeakKeyDictionary()


def _collect_garbage(bdd: Bdd) -> None:
    """Free unreferenced nodes of a manager that does not do so by itself.

    ``dd.autoref`` keeps every node ever made until asked to collect, and covers make many
    short-lived ones: sweep whenever the node count has doubled since the last sweep (CUDD
    collects on its own and has no such method).
    """
    collect = getattr(bdd.manager, "collect_garbage", None)
    if collect is None:
        return
    if len(bdd.manager) > _sweep_at.get(bdd, _GARBAGE_FLOOR):
        collect()
        _sweep_at[bdd] = max(_GARBAGE_FLOOR, 2 * len(bdd.manager))


# ------------------------------------------------------------------------ exact


def _truth_mask(bdd: Bdd, function: Function, variables: list[str]) -> int:
    """Bit i is set when the assignment numbered i (first variable = highest bit) holds.

    Read off the BDD bottom-up: a node's mask is its low child's where its variable is
    false, its high child's where it is true (one ``&`` and ``|`` per node)."""
    width = len(variables)
    full = (1 << (1 << width)) - 1
    bit_of = {name: width - 1 - position for position, name in enumerate(variables)}
    masks: dict[Function, int] = {bdd.true: full, bdd.false: 0}
    stack = [function]
    while stack:  # children before parents, without recursion
        node = stack[-1]
        if node in masks:
            stack.pop()
            continue
        name, low, high = bdd.branch(node)
        missing = [child for child in (low, high) if child not in masks]
        if missing:
            stack.extend(missing)
            continue
        stack.pop()
        zero = _zero_bit_mask(bit_of[name], width)
        masks[node] = (masks[low] & zero) | (masks[high] & ~zero & full)
    return masks[function]


def _exact_cover(bdd: Bdd, lower: Function, upper: Function, variables: list[str]) -> list[Cube]:
    on = _truth_mask(bdd, lower, variables)
    allowed_upper = _truth_mask(bdd, upper, variables)
    primes = _primes(allowed_upper, on, variables)
    return _best_cover(primes, on)


def _primes(upper: int, on: int, variables: list[str]) -> list[tuple[Cube, int]]:
    """Prime implicants of ``upper`` that cover part of ``on``, with their masks.

    A cube is a set ``D`` of variables left out and an assignment ``m`` to the others
    (``m``'s bits in ``D`` zero).  For every ``D``, one integer holds, as bits ``m``, the
    cubes inside ``upper`` (``inside[D]``) and those meeting ``on`` (``meets[D]``), each
    from ``D`` less one variable with a shift and an ``&`` (or ``|``): a cube leaving out
    ``x`` is inside when both its halves are, meets when either does.  A cube is prime when
    no cube leaving out one more variable contains it.  That is 2^n words of 2^n bits, in
    place of a search over the 3^n cubes.
    """
    width = len(variables)
    size = 1 << width
    full = (1 << size) - 1
    zero = [_zero_bit_mask(bit, width) for bit in range(width)]
    inside = [0] * size
    meets = [0] * size
    inside[0], meets[0] = upper, on
    for left_out in range(1, size):
        bit = (left_out & -left_out).bit_length() - 1
        fewer = left_out & ~(1 << bit)
        step = 1 << bit
        inside[left_out] = inside[fewer] & (inside[fewer] >> step) & zero[bit]
        meets[left_out] = (meets[fewer] | (meets[fewer] >> step)) & zero[bit]
    primes = []
    for left_out in range(size):
        candidates = inside[left_out] & meets[left_out]
        for bit in range(width):
            if not left_out >> bit & 1 and candidates:
                larger = inside[left_out | 1 << bit]
                candidates &= ~(larger | larger << (1 << bit))
        while candidates:
            assignment = (candidates & -candidates).bit_length() - 1
            candidates &= candidates - 1
            cube: Cube = ()
            mask = full
            for position, name in enumerate(variables):
                bit = width - 1 - position
                if not left_out >> bit & 1:
                    value = bool(assignment >> bit & 1)
                    cube += ((name, value),)
                    mask &= full & ~zero[bit] if value else zero[bit]
            primes.append((cube, mask))
    primes.sort(key=lambda item: (len(item[0]), item[0]))
    return primes


@functools.cache
def _zero_bit_mask(bit: int, width: int) -> int:
    """The assignments (as bits) of ``width`` variables in which bit ``bit`` is 0."""
    return sum(1 << index for index in range(1 << width) if not index >> bit & 1)


def _best_cover(primes: list[tuple[Cube, int]], on: int) -> list[Cube]:
    """Fewest primes covering ``on``, then fewest literals; branch and bound."""
    best: list[list[Cube]] = [[cube for cube, _ in primes]]
    best_cost = [(len(primes) + 1, 0)]

    def cost(chosen: list[Cube]) -> tuple[int, int]:
        return (len(chosen), sum(len(c) for c in chosen))

    def search(uncovered: int, chosen: list[Cube]) -> None:
        if uncovered == 0:
            if cost(chosen) < best_cost[0]:
                best_cost[0] = cost(chosen)
                best[0] = list(chosen)
            return
        if len(chosen) + 1 > best_cost[0][0]:
            return
        lowest = uncovered & -uncovered
        for cube, mask in primes:
            if mask & lowest:
                chosen.append(cube)
                search(uncovered & ~mask, chosen)
                chosen.pop()

    search(on, [])
    return best[0]


# ------------------------------------------------------------------------ large


class _Cache:
    """What one cover computation remembers: literals and the sub-covers of
    Minato-Morreale's recursion."""

    def __init__(self, bdd: Bdd) -> None:
        self.bdd = bdd
        self.literals: dict[Literal, Function] = {}
        self.plans: dict[tuple[Function, Function], _Plan] = {}
        self.never = _Plan(0, 0, bdd.false)
        self.always = _Plan(1, 0, bdd.true)

    def literal(self, name: str, value: bool) -> Function:
        function = self.literals.get((name, value))
        if function is None:
            function = self.bdd.literal(name, value)
            self.literals[(name, value)] = function
        return function

    def but_not(self, kept: Function, removed: Function) -> Function:
        """``kept and not removed``, without a BDD operation when either is constant."""
        bdd = self.bdd
        if kept == bdd.false or removed == bdd.true:
            return bdd.false
        if removed == bdd.false:
            return kept
        return kept & ~removed

    def either(self, one: Function, other: Function) -> Function:
        """``one or other``, without a BDD operation when either is false."""
        if one == self.bdd.false:
            return other
        if other == self.bdd.false:
            return one
        return one | other

    def top(self, lower: Function, upper: Function) -> str:
        """The first declared variable that ``lower`` or ``upper`` depends on: the root of
        one of them, since the BDD's order is the declared one (:class:`Bdd`)."""
        if lower.var is None:
            return str(upper.var)
        if upper.var is None or lower.level <= upper.level:
            return str(lower.var)
        return str(upper.var)

    def cofactors_of(self, function: Function, name: str) -> tuple[Function, Function]:
        """``function`` with ``name`` false, and with it true.

        ``name`` comes first in the order (:meth:`top`): at the root of the BDD, the
        cofactors are its children (negated when the edge to the root is); elsewhere the
        function does not depend on it.
        """
        if function.var == name:
            low, high = function.low, function.high
            return (~low, ~high) if function.negated else (low, high)
        return function, function


@dataclass(slots=True)
class _Plan:
    """One call of Minato-Morreale's recursion: how many products and literals its cover
    has, the function of that cover, and the calls it makes (not frozen: a frozen dataclass
    is slower to create, and there is one per call).  The products themselves are listed
    by :func:`_build`, once, for the covers printed."""

    products: int
    literals: int
    function: Function
    name: str = ""
    calls: tuple[tuple[Function, Function], ...] = ()
    """The (lower, upper) bounds of the three sub-covers: ``not name``, ``name``, neither;
    none for the constant covers."""


def _plan(cache: _Cache, lower: Function, upper: Function) -> _Plan:
    """Minato-Morreale: an irredundant cover F with ``lower <= F <= upper``, planned.

    Splits on the first variable, in the order they were declared in (see
    :func:`threatmodel.engine.ordering.bdd_order`), that either bound depends on, which is
    also the BDD's order: the cover is the same whatever the backend.

    Every product is a prime implicant of ``upper``, by induction on the recursion: each
    product meets its call's ``lower``; a product ``not x and c`` of the first branch has
    ``c`` prime in ``upper0`` (so no literal of ``c`` can go) and meets ``lower0 and not
    upper1`` (so ``not x`` cannot go); a product of the third branch is prime in ``upper0
    and upper1`` and does not mention ``x``, hence prime in ``upper``.  Each product also
    covers some point of ``lower`` that the others miss, which is what makes the cover
    irredundant.

    The plan counts products and literals without listing them, so that the size of a cover
    is known in time proportional to the calls (polynomial in the BDDs of the functions
    met, where the cover itself can be exponential); :func:`_build` lists the products of
    the covers that are printed.
    """
    bdd = cache.bdd
    if lower == bdd.false:
        return cache.never
    if upper == bdd.true:
        return cache.always
    cached = cache.plans.get((lower, upper))
    if cached is not None:
        return cached
    name = cache.top(lower, upper)
    lower0, lower1 = cache.cofactors_of(lower, name)
    upper0, upper1 = cache.cofactors_of(upper, name)
    call0 = (cache.but_not(lower0, upper1), upper0)
    call1 = (cache.but_not(lower1, upper0), upper1)
    plan0 = _plan(cache, *call0)
    plan1 = _plan(cache, *call1)
    rest_lower = cache.either(
        cache.but_not(lower0, plan0.function), cache.but_not(lower1, plan1.function)
    )
    if rest_lower == bdd.false:  # the two branches cover everything: no third call
        call_rest, plan_rest = (rest_lower, bdd.true), cache.never
    else:
        call_rest = (rest_lower, upper0 if upper0 == upper1 else upper0 & upper1)
        plan_rest = _plan(cache, *call_rest)
    branches = bdd.manager.ite(cache.literal(name, True), plan1.function, plan0.function)
    products = plan0.products + plan1.products + plan_rest.products
    literals = plan0.literals + plan0.products + plan1.literals + plan1.products
    function = cache.either(branches, plan_rest.function)
    plan = _Plan(products, literals + plan_rest.literals, function, name, (call0, call1, call_rest))
    cache.plans[(lower, upper)] = plan
    return plan


def _build(cache: _Cache, lower: Function, upper: Function) -> list[Cube]:
    """The products of the cover planned by :func:`_plan`, each made once from the
    literals on its way down, in the order of the recursion.

    A loop over a stack, not a nested recursive function: such a function refers to itself,
    and the cycle would keep ``cache``'s BDD nodes until the cyclic garbage collector frees
    them, which it may do between a ``dd`` operation and its taking a reference to its
    result; CUDD then finds its count of dead nodes wrong and aborts.
    """
    _plan(cache, lower, upper)
    false, true = cache.bdd.false, cache.bdd.true
    cover: list[Cube] = []
    stack: list[tuple[Function, Function, Cube]] = [(lower, upper, ())]
    while stack:
        lower, upper, prefix = stack.pop()
        if lower == false:
            continue
        if upper == true:
            cover.append(prefix)
            continue
        plan = cache.plans[(lower, upper)]
        (lower0, upper0), (lower1, upper1), (rest_lower, rest_upper) = plan.calls
        stack.append((rest_lower, rest_upper, prefix))
        stack.append((lower1, upper1, (*prefix, (plan.name, True))))
        stack.append((lower0, upper0, (*prefix, (plan.name, False))))
    return cover
