"""The printed conditions are minimal sums of products (fewest products, then fewest
literals) on the allowed settings, as :mod:`threatmodel.engine.sop` claims up to
``EXACT_LIMIT`` variables: checked against a brute-force minimiser that tries every set of
products, smallest first."""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from threatmodel.engine import sop
from threatmodel.engine.bdd import Bdd, Function

Cube = tuple[tuple[str, bool], ...]


def _minterms(names: list[str]) -> list[dict[str, bool]]:
    return [
        dict(zip(names, bits, strict=True))
        for bits in itertools.product([False, True], repeat=len(names))
    ]


def _holds(cube: Cube, point: dict[str, bool]) -> bool:
    return all(point[name] is value for name, value in cube)


def _all_cubes(names: list[str]) -> list[Cube]:
    choices = [[(), ((name, False),), ((name, True),)] for name in names]
    return [tuple(lit for part in combo for lit in part) for combo in itertools.product(*choices)]


def _brute_force_cost(names: list[str], on: set[int], care: set[int]) -> tuple[int, int]:
    """The smallest (products, literals) of a sum of products that is true on every point
    of ``on`` and false on every cared-for point outside it."""
    points = _minterms(names)
    off = care - on
    implicants = [
        (cube, {i for i in range(len(points)) if _holds(cube, points[i])})
        for cube in _all_cubes(names)
    ]
    implicants = [(cube, covered) for cube, covered in implicants if not covered & off]
    for size in range(1, len(on) + 1):
        best = None
        for chosen in itertools.combinations(implicants, size):
            if on <= set().union(*(covered for _, covered in chosen)):
                literals = sum(len(cube) for cube, _ in chosen)
                best = literals if best is None else min(best, literals)
        if best is not None:
            return size, best
    raise AssertionError("no cover")


def _function(bdd: Bdd, names: list[str], points: set[int]) -> Function:
    minterms = _minterms(names)
    result = bdd.false
    for index in points:
        result |= bdd.cube(minterms[index])
    return result


@settings(max_examples=150, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=4),
    function_bits=st.integers(min_value=0, max_value=2**16 - 1),
    allowed_bits=st.integers(min_value=1, max_value=2**16 - 1),
)
def test_conditions_are_minimal_sums_of_products(
    count: int, function_bits: int, allowed_bits: int
) -> None:
    names = [f"v{i}" for i in range(count)]
    size = 2**count
    care = {i for i in range(size) if allowed_bits >> i & 1}
    on = {i for i in care if function_bits >> i & 1}
    assume(care)
    bdd = Bdd(names)
    function = _function(bdd, names, on)
    allowed = _function(bdd, names, care)
    cover = sop.condition_cover(bdd, function, allowed)
    points = _minterms(names)
    if not on:
        assert cover == []
        return
    if on == care:
        assert cover == [()]
        return
    for index in care:
        assert any(_holds(cube, points[index]) for cube in cover) is (index in on)
    cost = (len(cover), sum(len(cube) for cube in cover))
    assert cost == _brute_force_cost(names, on, care)
