"""Values made when first asked for: a sequence whose items are made each time they are
read, and a value made once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar, cast, overload

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


class Later(Generic[T]):
    """A value made by ``make`` when first asked for, then kept (and ``make`` dropped).

    ``make`` must not refer to what holds this object: a reference cycle through BDD nodes
    can make CUDD abort (``docs/architecture.md``, "Rules the engine relies on").
    """

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._value: T | None = None

    def get(self) -> T:
        """The value, made now if it was not yet."""
        if self._make is not None:
            self._value = self._make()
            self._make = None
        return cast("T", self._value)
