"""The confusable skeleton of display names (Unicode UTS #39, section 4), behind
``domain.members.model.NameSkeleton``.

The data is Unicode's ``confusables.txt`` as shipped by ``confusable-homoglyphs``
(which exposes it only as "character -> its confusables" in both directions). Each
group of confusable characters is one star around its prototype (UTS #39 maps every
source to a prototype, and prototypes to themselves), so the prototype is the
member of the group with the most neighbours; for a pair the longer string, then the
smaller, stands for both. Which one stands for a group does not matter: two names
are confusable exactly when their skeletons are equal.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from functools import cache

from confusable_homoglyphs import confusables as _homoglyphs

_MARKS = "\u200e\u200f"  # direction marks around right-to-left characters in the data


def _build() -> dict[str, str]:
    neighbours: defaultdict[str, set[str]] = defaultdict(set)
    for key, entries in _homoglyphs.confusables_data.items():
        source = key.strip(_MARKS)
        for entry in entries:
            target = entry["c"].strip(_MARKS)
            if source and target and source != target:
                neighbours[source].add(target)
                neighbours[target].add(source)
    prototype: dict[str, str] = {}
    seen: set[str] = set()
    for start in neighbours:
        if start in seen:
            continue
        group, queue = {start}, [start]
        while queue:
            for other in neighbours[queue.pop()]:
                if other not in group:
                    group.add(other)
                    queue.append(other)
        seen |= group
        centre = max(group, key=lambda s: (len(neighbours[s]), len(s), [-ord(c) for c in s]))
        for member in group:
            if len(member) == 1:
                prototype[member] = centre
    return prototype


_PROTOTYPE = _build()


@cache
def _mapped(ch: str) -> str:
    return _PROTOTYPE.get(ch, ch)


def skeleton(text: str) -> str:
    """UTS #39 ``skeleton``: NFD, each character to its prototype, NFD again (until it
    stops changing). Invisible format characters (zero-width joiners, direction
    marks) are dropped first."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    for _ in range(4):
        mapped = unicodedata.normalize(
            "NFD", "".join(_mapped(ch) for ch in unicodedata.normalize("NFD", text))
        )
        if mapped == text:
            break
        text = mapped
    return text


class ConfusableSkeleton:
    """Implements ``NameSkeleton``: the key under which display names must be unique
    so that no two look alike. Case does not matter either: the skeleton is taken,
    case-folded, and taken again (so "Ilya" with a capital I and "llya" meet, and so
    do "Lokan" and "lokan" with U+043E, a Cyrillic o)."""

    def __call__(self, name: str) -> str:
        folded = skeleton(unicodedata.normalize("NFKC", name)).casefold()
        return skeleton(folded)
