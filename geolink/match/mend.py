"""Words mended before parsing, against the reference's words and places.

- Words run together: 'IDLOESHOUSE, UPPER HIGH STREET' is IDLOES HOUSE and 'MERTHYRTYDFIL'
  is MERTHYR TYDFIL: a word the reference does not hold, made of exactly one pair of words
  it does hold, is that pair.
- A misspelt place closing the address: 'ABERCANAID MSRTHYR TYDFIL' ends with MERTHYR
  TYDFIL, when correcting unknown words there spells a reference place.

Mended before parsing, the house name, street and town are then read as such (the town
peeled off, the name compared as a name) and the record's keys meet the reference's.
Places are corrected only where they close the address, so a misspelt street word is left
for the comparison to judge as a typo.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from geolink.address.vocabulary import BUILDING_WORDS

from . import typos

MIN_WORD = 6   # shorter words are seldom two words run together
MIN_PART = 3   # 'THE', 'MAES'; two-letter parts ('YR') split too much that is one word
MAX_PLACES = 2   # places closing an address: 'CEFN COED, MERTHYR TYDFIL'

_LETTERS = re.compile(r"[A-Za-z]+")


def joined_words(words: Iterable[str], vocabulary: frozenset[str]) -> dict[str, str]:
    """Each upper-case word unknown to `vocabulary` that splits one way only into two of
    its words, mapped to the two words ('IDLOESHOUSE' -> 'IDLOES HOUSE')."""
    out = {}
    for word in words:
        if len(word) < MIN_WORD or word in vocabulary:
            continue
        pairs = [(word[:i], word[i:]) for i in range(MIN_PART, len(word) - MIN_PART + 1)
                 if word[:i] in vocabulary and word[i:] in vocabulary]
        if len(pairs) == 1:
            out[word] = " ".join(pairs[0])
    return out


def place_fixes(words: Sequence[str], fixes: dict[str, str], places: frozenset[str], longest: int) -> dict[int, str]:
    """Positions in `words` (upper case, in order) whose fix spells a place closing them:
    at most MAX_PLACES places of up to `longest` words, longest first, each with at least
    one word fixed."""
    out: dict[int, str] = {}
    end = len(words)
    for _ in range(MAX_PLACES):
        for size in range(min(longest, end), 0, -1):
            tail = range(end - size, end)
            fixed = [fixes.get(words[i], words[i]) for i in tail]
            if " ".join(fixed) in places:
                out.update((i, f) for i, f in zip(tail, fixed) if f != words[i])
                end -= size
                break
        else:
            break
    return out


def mend(texts: Sequence[str], vocabulary: frozenset[str], places: frozenset[str]) -> list[str]:
    """Texts with run-together words split and a misspelt closing place corrected (see the
    module docstring); others unchanged."""
    words = set(_LETTERS.findall("\n".join(texts).upper()))
    split = joined_words(words, vocabulary)
    places = frozenset(p for p in places if not _names_building(p))
    misspelt = typos.corrections((w for w in words if w not in split),
                                 frozenset(w for p in places for w in p.split()), known=vocabulary)
    if not split and not misspelt:
        return list(texts)
    mendable = split.keys() | misspelt.keys()
    longest = max((p.count(" ") + 1 for p in places), default=0)
    return [_mend_one(text, split, misspelt, places, longest)
            if not mendable.isdisjoint(_LETTERS.findall(text.upper())) else text for text in texts]


def _names_building(place: str) -> bool:
    """A 'place' ending in a building word, or its plural ('VILLAS'): a building name the
    reference holds where a locality goes, never a correction's target."""
    last = place.rsplit(" ", 1)[-1]
    return last in BUILDING_WORDS or last[:-1] in BUILDING_WORDS


def _mend_one(text: str, split: dict[str, str], misspelt: dict[str, str], places: frozenset[str],
              longest: int) -> str:
    found = list(_LETTERS.finditer(text))
    upper = [m.group().upper() for m in found]
    fixes = {i: split[w] for i, w in enumerate(upper) if w in split}
    if misspelt:
        fixes |= place_fixes(upper, misspelt, places, longest)
    for i in sorted(fixes, reverse=True):
        text = text[:found[i].start()] + fixes[i] + text[found[i].end():]
    return text
