"""Boolean functions as short, readable sums of products in the model's own syntax.

A condition only matters on the allowed settings, so settings excluded by the constraints
are don't-cares: the printed formula ``F`` satisfies ``L ≤ F ≤ U`` with ``L`` the function
and ``U = L or not allowed``.

* Up to :data:`EXACT_LIMIT` relevant variables the cover is **minimal** (fewest products,
  then fewest literals): prime implicants from a truth table kept as an integer bitmask,
  then an exact branch-and-bound set cover.
* Beyond that, Minato-Morreale's irredundant sum of products on the BDD, with every product
  expanded to a prime and redundant products removed: **near-minimal**.

Ties are broken by the sorted literal lists, so the text is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations, product

from threatmodel.bdd import Bdd, Function

EXACT_LIMIT = 8
"""Most variables for which the exact minimisation is used."""

Literal = tuple[str, bool]
Cube = tuple[Literal, ...]

ALWAYS = "always"
NEVER = "never"


def condition_text(bdd: Bdd, function: Function, allowed: Function) -> str:
    """The function as text: ``always``, ``never`` or a sum of products."""
    lower = function & allowed
    if lower == bdd.false:
        return NEVER
    if (allowed & ~lower) == bdd.false:
        return ALWAYS
    return format_cover(condition_cover(bdd, function, allowed))


def condition_cover(bdd: Bdd, function: Function, allowed: Function) -> list[Cube]:
    """Products whose disjunction equals ``function`` on the allowed settings.

    ``[]`` when it never holds, ``[()]`` (one empty product) when it always does.
    """
    lower = function & allowed
    if lower == bdd.false:
        return []
    if (allowed & ~lower) == bdd.false:
        return [()]
    return minimal_cover(bdd, lower, lower | ~allowed)


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


def minimal_cover(bdd: Bdd, lower: Function, upper: Function) -> list[Cube]:
    """A sum of products F with ``lower <= F <= upper``; minimal when small enough."""
    cache = _Cache(bdd)
    variables = sorted(cache.support(lower) | cache.support(upper))
    if len(variables) <= EXACT_LIMIT:
        return _exact_cover(bdd, lower, upper, variables)
    cover = _isop(cache, lower, upper)[0]
    outside = ~upper
    expanded = [_expand(cache, cube, outside) for cube in cover]
    return _make_irredundant(cache, expanded, lower)


# ------------------------------------------------------------------------ exact


def _truth_mask(bdd: Bdd, function: Function, variables: list[str]) -> int:
    """Bit i is set when the assignment numbered i (first variable = highest bit) holds."""
    mask = 0
    width = len(variables)
    for assignment in bdd.assignments(function, variables):
        index = 0
        for position, name in enumerate(variables):
            if assignment[name]:
                index |= 1 << (width - 1 - position)
        mask |= 1 << index
    return mask


def _variable_masks(variables: list[str]) -> dict[str, int]:
    """For each variable, the assignments (as bits) in which it is true."""
    width = len(variables)
    return {
        name: sum(1 << index for index in range(1 << width) if index >> (width - 1 - position) & 1)
        for position, name in enumerate(variables)
    }


def _exact_cover(bdd: Bdd, lower: Function, upper: Function, variables: list[str]) -> list[Cube]:
    on = _truth_mask(bdd, lower, variables)
    allowed_upper = _truth_mask(bdd, upper, variables)
    primes = _primes(allowed_upper, on, variables)
    return _best_cover(primes, on)


def _primes(upper: int, on: int, variables: list[str]) -> list[tuple[Cube, int]]:
    """Prime implicants of ``upper`` that cover part of ``on``, with their masks."""
    full = (1 << (1 << len(variables))) - 1
    positive = _variable_masks(variables)
    negative = {name: full & ~mask for name, mask in positive.items()}
    implicants: dict[Cube, int] = {}
    for size in range(len(variables) + 1):
        for names in combinations(variables, size):
            for values in product((False, True), repeat=size):
                cube: Cube = tuple(zip(names, values, strict=True))
                mask = full
                for name, value in cube:
                    mask &= positive[name] if value else negative[name]
                if mask & ~upper == 0:
                    implicants[cube] = mask
    primes = []
    for cube, mask in implicants.items():
        if mask & on == 0:
            continue
        larger = (cube[:i] + cube[i + 1 :] for i in range(len(cube)))
        if not any(candidate in implicants for candidate in larger):
            primes.append((cube, mask))
    primes.sort(key=lambda item: (len(item[0]), item[0]))
    return primes


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
    """BDD operations memoised for one cover computation: literals, supports, cofactors
    and the sub-covers of Minato-Morreale's recursion."""

    def __init__(self, bdd: Bdd) -> None:
        self.bdd = bdd
        self.literals: dict[Literal, Function] = {}
        self.supports: dict[Function, frozenset[str]] = {}
        self.cofactors: dict[tuple[Function, str], tuple[Function, Function]] = {}
        self.covers: dict[tuple[Function, Function], tuple[list[Cube], Function]] = {}

    def literal(self, name: str, value: bool) -> Function:
        function = self.literals.get((name, value))
        if function is None:
            function = self.bdd.literal(name, value)
            self.literals[(name, value)] = function
        return function

    def cube(self, cube: Cube) -> Function:
        result = self.bdd.true
        for name, value in cube:
            result &= self.literal(name, value)
        return result

    def support(self, function: Function) -> frozenset[str]:
        names = self.supports.get(function)
        if names is None:
            names = frozenset(self.bdd.support(function))
            self.supports[function] = names
        return names

    def cofactors_of(self, function: Function, name: str) -> tuple[Function, Function]:
        """``function`` with ``name`` false, and with it true."""
        if name not in self.support(function):
            return function, function
        pair = self.cofactors.get((function, name))
        if pair is None:
            pair = (
                self.bdd.restrict(function, {name: False}),
                self.bdd.restrict(function, {name: True}),
            )
            self.cofactors[(function, name)] = pair
        return pair


def _isop(cache: _Cache, lower: Function, upper: Function) -> tuple[list[Cube], Function]:
    """Minato-Morreale: an irredundant cover F with ``lower <= F <= upper``.

    Splits on the first variable by name that either bound depends on (not in the BDD's
    order, which CUDD changes as it reorders), so the cover is the same whatever the
    backend.
    """
    bdd = cache.bdd
    if lower == bdd.false:
        return [], bdd.false
    if upper == bdd.true:
        return [()], bdd.true
    cached = cache.covers.get((lower, upper))
    if cached is not None:
        return cached
    name = min(cache.support(lower) | cache.support(upper))
    lower0, lower1 = cache.cofactors_of(lower, name)
    upper0, upper1 = cache.cofactors_of(upper, name)
    cover0, function0 = _isop(cache, lower0 & ~upper1, upper0)
    cover1, function1 = _isop(cache, lower1 & ~upper0, upper1)
    rest_lower = (lower0 & ~function0) | (lower1 & ~function1)
    cover_rest, function_rest = _isop(cache, rest_lower, upper0 & upper1)
    variable = cache.literal(name, True)
    function = (~variable & function0) | (variable & function1) | function_rest
    cover = (
        [((name, False), *cube) for cube in cover0]
        + [((name, True), *cube) for cube in cover1]
        + cover_rest
    )
    cache.covers[(lower, upper)] = (cover, function)
    return cover, function


def _expand(cache: _Cache, cube: Cube, outside: Function) -> Cube:
    """Drop literals, in sorted order, while the product stays clear of ``outside`` (the
    complement of the upper bound): makes it prime.

    Trying literal i, the product is the literals kept before i and all those after it, so
    conjunctions of suffixes are computed once and the kept prefix grows as we go.
    """
    bdd = cache.bdd
    literals = sorted(cube)
    functions = [cache.literal(name, value) for name, value in literals]
    suffixes = [bdd.true] * (len(literals) + 1)
    for index in range(len(literals) - 1, -1, -1):
        suffixes[index] = functions[index] & suffixes[index + 1]
    kept: list[Literal] = []
    prefix = bdd.true
    for index, literal in enumerate(literals):
        if (prefix & suffixes[index + 1] & outside) == bdd.false:
            continue
        kept.append(literal)
        prefix &= functions[index]
    return tuple(kept)


def _make_irredundant(cache: _Cache, cover: list[Cube], lower: Function) -> list[Cube]:
    """Remove products, longest first, whose on-set the remaining others already cover.

    Trying product i, the others are the products kept before i and all those after it:
    disjunctions of suffixes are computed once and the kept prefix grows as we go.
    """
    bdd = cache.bdd
    ordered = sorted(set(cover), key=lambda c: (-len(c), c))
    functions = [cache.cube(cube) for cube in ordered]
    suffixes = [bdd.false] * (len(ordered) + 1)
    for index in range(len(ordered) - 1, -1, -1):
        suffixes[index] = functions[index] | suffixes[index + 1]
    kept: list[Cube] = []
    prefix = bdd.false
    for index, cube in enumerate(ordered):
        if (lower & ~(prefix | suffixes[index + 1])) == bdd.false:
            continue
        kept.append(cube)
        prefix |= functions[index]
    return kept
