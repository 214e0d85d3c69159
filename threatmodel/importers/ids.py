"""Ids for imported elements: derived from the other tool's ids and names, unique in the file.

Our ids match ``^[a-z][a-z0-9_]*$`` and are unique across every section.  A foreign id or
name becomes one by:

1. decomposing accents (``Café`` → ``Cafe``) and lowercasing;
2. turning every run of other characters into one ``_`` and trimming ``_`` at both ends;
3. cutting it to :data:`MAX_LENGTH` characters;
4. prefixing the section's word (``party_``, ``datum_``...) when it does not start with a
   letter or is a word that ids cannot be (``never``, ``and``, ``default``...), or using that
   word alone when nothing is left (a name in another script);
5. adding ``_2``, ``_3``... when the id is taken.

Converters allocate ids in a fixed order (section by section, elements sorted by their
foreign id), so the same input always gets the same ids.
"""

from __future__ import annotations

import re
import unicodedata

from threatmodel.load.expr import RESERVED
from threatmodel.load.loader import RESERVED_SCENARIO

MAX_LENGTH = 48
"""Longest id made from a name, before any de-duplicating suffix."""

_OTHER = re.compile(r"[^a-z0-9]+")


def slug(text: str, word: str) -> str:
    """``text`` as an id; ``word`` (a letter-initial id) prefixes or replaces it if needed."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    base = _OTHER.sub("_", ascii_text).strip("_")[:MAX_LENGTH].rstrip("_")
    if not base:
        return word
    if not base[0].isalpha() or base in RESERVED or base == RESERVED_SCENARIO:
        return f"{word}_{base}"
    return base


class IdAllocator:
    """Hands out ids unique across the whole file."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}
        """The next suffix to try per base, so that many equal names stay linear."""

    def allocate(self, text: str, word: str) -> str:
        """A fresh id made from ``text`` (see :func:`slug`)."""
        return self.claim(slug(text, word))

    def claim(self, base: str) -> str:
        """``base`` itself when free, else ``base_2``, ``base_3``..."""
        candidate = base
        number = self._next.get(base, 2)
        while candidate in self._taken:
            candidate = f"{base}_{number}"
            number += 1
        self._next[base] = number
        self._taken.add(candidate)
        return candidate
