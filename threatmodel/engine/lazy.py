"""A sequence whose items are made when read and not kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, overload

S = TypeVar("S")
T = TypeVar("T")


class Mapped(Sequence[T], Generic[S, T]):
    """``make`` of each item of ``source``, made each time it is read.

    For long listings whose items are large (a setting's closure) or many (a million
    settings): reading them one after the other holds one at a time.
    """

    def __init__(self, make: Callable[[S], T], source: Sequence[S]) -> None:
        self.make = make
        self.source = source

    def __len__(self) -> int:
        return len(self.source)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self.make(item) for item in self.source[index]]
        return self.make(self.source[index])
