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
    variables = sorted(bdd.support(lower) | bdd.support(upper))
    if len(variables) <= EXACT_LIMIT:
        return _exact_cover(bdd, lower, upper, variables)
    cover = _isop(bdd, lower, upper, {})[0]
    return _make_irredundant(bdd, [_expand(bdd, cube, upper) for cube in cover], lower)


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


def _isop(
    bdd: Bdd,
    lower: Function,
    upper: Function,
    memo: dict[tuple[Function, Function], tuple[list[Cube], Function]],
) -> tuple[list[Cube], Function]:
    """Minato-Morreale: an irredundant cover F with ``lower <= F <= upper``."""
    if lower == bdd.false:
        return [], bdd.false
    if upper == bdd.true:
        return [()], bdd.true
    cached = memo.get((lower, upper))
    if cached is not None:
        return cached
    name = _top_variable(bdd, lower, upper)
    lower0, lower1 = bdd.restrict(lower, {name: False}), bdd.restrict(lower, {name: True})
    upper0, upper1 = bdd.restrict(upper, {name: False}), bdd.restrict(upper, {name: True})
    cover0, function0 = _isop(bdd, lower0 & ~upper1, upper0, memo)
    cover1, function1 = _isop(bdd, lower1 & ~upper0, upper1, memo)
    rest_lower = (lower0 & ~function0) | (lower1 & ~function1)
    cover_rest, function_rest = _isop(bdd, rest_lower, upper0 & upper1, memo)
    variable = bdd.var(name)
    function = (~variable & function0) | (variable & function1) | function_rest
    cover = (
        [((name, False), *cube) for cube in cover0]
        + [((name, True), *cube) for cube in cover1]
        + cover_rest
    )
    memo[(lower, upper)] = (cover, function)
    return cover, function


def _top_variable(bdd: Bdd, *functions: Function) -> str:
    """The first variable by name that the functions depend on.

    Splitting in name order (not the BDD's, which CUDD reorders) keeps the cover the same
    whatever the backend.
    """
    names: set[str] = set()
    for function in functions:
        names |= bdd.support(function)
    return min(names)


def _cube_function(bdd: Bdd, cube: Cube) -> Function:
    return bdd.cube(dict(cube))


def _expand(bdd: Bdd, cube: Cube, upper: Function) -> Cube:
    """Drop literals while the product stays within ``upper`` (makes it prime)."""
    literals = sorted(cube)
    for literal in list(literals):
        trial = [item for item in literals if item != literal]
        if (_cube_function(bdd, tuple(trial)) & ~upper) == bdd.false:
            literals = trial
    return tuple(literals)


def _make_irredundant(bdd: Bdd, cover: list[Cube], lower: Function) -> list[Cube]:
    """Remove products whose on-set the others already cover."""
    kept = sorted(set(cover), key=lambda c: (-len(c), c))
    for cube in list(kept):
        others = bdd.false
        for other in kept:
            if other != cube:
                others |= _cube_function(bdd, other)
        if (lower & ~others) == bdd.false:
            kept.remove(cube)
    return kept
