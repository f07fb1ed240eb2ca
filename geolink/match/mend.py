"""Words mended before parsing, against the reference's words and places.

- Words run together: 'IDLOESHOUSE, UPPER HIGH STREET' is IDLOES HOUSE and 'MERTHYRTYDFIL'
  is MERTHYR TYDFIL: a word the reference does not hold, made of exactly one pair of words
  it does hold (or of a word and a street type's abbreviation: 'VICARAGEDR'), is that pair.
- A word split in two: 'C HARLES VIEW' and 'ROUND TABLE CLOSE' are CHARLES VIEW and
  ROUNDTABLE CLOSE: two words side by side that together make a reference word, one of them
  neither a reference word nor an abbreviation ('FORE ST' stays FORE STREET), are that word.
- A house number inside its street's name: 'FLAT 3, CHESTNUT 11 ROAD' is 11 CHESTNUT ROAD,
  where one word and a street type ('ROAD', 'RD', 'ST') open a part of the address around
  a number. The word is no unit, floor, descriptor or number word nor a single letter
  ('FLAT 2 PARK ROAD', 'OPPOSITE 3 PARK ROAD' and 'B 9 PARK PLACE' stay), and the type
  ends the street: 'FAIRLAWN 21 CRESCENT STREET' and 'MENAI 1 ST DONATS CLOSE' stay.
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

from geolink.address.vocabulary import (BUILDING_WORDS, DESCRIPTORS, EXPANSIONS, FLAT_POSITIONS, FLOOR_LEVELS,
                                        NUMBER_WORDS, STREET_ABBREVIATIONS, STREET_TYPES, UNIT_ABBREVIATIONS,
                                        UNIT_WORDS)

from . import typos

MIN_WORD = 6   # shorter words are seldom two words run together
MIN_PART = 3   # 'THE', 'MAES'; two-letter parts ('YR') split too much that is one word
MAX_PLACES = 2   # places closing an address: 'CEFN COED, MERTHYR TYDFIL'

_LETTERS = re.compile(r"[A-Za-z]+")
# Each pair of whole words with only spaces between, overlapping ('A B C': A B, B C).
_WORD_PAIRS = re.compile(r"(?=\b([A-Z]+) +([A-Z]+)\b)")
_ABBREVIATIONS = frozenset(EXPANSIONS) | {"ST"}
# One word, a number and a street type opening a part of the address: 'CHESTNUT 11 ROAD'.
_NUMBER_INSIDE = re.compile(r"(^|,)(\s*)([A-Za-z]+) +(\d+[A-Za-z]?) +([A-Za-z]+)\b")
_STREET_TYPE_WORDS = STREET_TYPES | frozenset(STREET_ABBREVIATIONS) | {"ST"}
_NEXT_WORD = re.compile(r" +([A-Za-z]+)")
_NOT_STREET_NAMES = (frozenset(UNIT_WORDS) | frozenset(UNIT_ABBREVIATIONS) | NUMBER_WORDS | FLAT_POSITIONS
                     | FLOOR_LEVELS | {word for phrase in DESCRIPTORS for word in phrase} | {"PLOT", "PHASE"})


def joined_words(words: Iterable[str], vocabulary: frozenset[str]) -> dict[str, str]:
    """Each upper-case word unknown to `vocabulary` that splits one way only into two of
    its words, or into one of its words and a street type's abbreviation, mapped to the two
    words ('IDLOESHOUSE' -> 'IDLOES HOUSE', 'VICARAGEDR' -> 'VICARAGE DR')."""
    out = {}
    for word in words:
        if len(word) < MIN_WORD or word in vocabulary:
            continue
        pairs = [(word[:i], word[i:]) for i in range(MIN_PART, len(word) - 1)
                 if word[:i] in vocabulary and (word[i:] in STREET_ABBREVIATIONS
                                                or (word[i:] in vocabulary and len(word) - i >= MIN_PART))]
        if len(pairs) == 1:
            out[word] = " ".join(pairs[0])
    return out


def split_words(pairs: Iterable[tuple[str, str]], vocabulary: frozenset[str]) -> dict[tuple[str, str], str]:
    """Each pair of upper-case words that together make a word of `vocabulary`, one of them
    neither its word nor an abbreviation, mapped to that word (('C', 'HARLES') -> 'CHARLES')."""
    known = vocabulary | _ABBREVIATIONS
    return {(a, b): a + b for a, b in pairs
            if (a not in known or b not in known) and a + b in vocabulary}


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
    """Texts with run-together words split, split words joined, house numbers taken out of
    their street's name and a misspelt closing place corrected (see the module docstring);
    others unchanged."""
    texts = [_NUMBER_INSIDE.sub(_number_first, text) for text in texts]
    batch = "\n".join(texts).upper()
    words = set(_LETTERS.findall(batch))
    split = joined_words(words, vocabulary)
    rejoined = split_words(set(_WORD_PAIRS.findall(batch)), vocabulary)
    places = frozenset(p for p in places if not _names_building(p))
    misspelt = typos.corrections((w for w in words if w not in split),
                                 frozenset(w for p in places for w in p.split()), known=vocabulary)
    if not split and not rejoined and not misspelt:
        return list(texts)
    mendable = split.keys() | misspelt.keys() | {w for pair in rejoined for w in pair if w not in vocabulary}
    longest = max((p.count(" ") + 1 for p in places), default=0)
    return [_mend_one(text, split, rejoined, misspelt, places, longest)
            if not mendable.isdisjoint(_LETTERS.findall(text.upper())) else text for text in texts]


def _number_first(found: re.Match) -> str:
    """'CHESTNUT 11 ROAD' as 11 CHESTNUT ROAD, where the words can be a street's (see the
    module docstring)."""
    start, space, word, number, kind = found.groups()
    name, street_type = word.upper(), kind.upper()
    following = _NEXT_WORD.match(found.string, found.end())
    ends_street = following is None or (street_type != "ST" and following.group(1).upper() not in _STREET_TYPE_WORDS)
    if len(name) < 2 or name in _NOT_STREET_NAMES or street_type not in _STREET_TYPE_WORDS or not ends_street:
        return found.group()
    return f"{start}{space}{number} {word} {kind}"


def _names_building(place: str) -> bool:
    """A 'place' ending in a building word, or its plural ('VILLAS'): a building name the
    reference holds where a locality goes, never a correction's target."""
    last = place.rsplit(" ", 1)[-1]
    return last in BUILDING_WORDS or last[:-1] in BUILDING_WORDS


def _mend_one(text: str, split: dict[str, str], rejoined: dict[tuple[str, str], str], misspelt: dict[str, str],
              places: frozenset[str], longest: int) -> str:
    found = list(_LETTERS.finditer(text))
    upper = [m.group().upper() for m in found]
    spans = {}   # first word's index -> (last word's index, replacement)
    i = 0
    while i < len(found) - 1:
        if (upper[i], upper[i + 1]) in rejoined and _side_by_side(text, found[i], found[i + 1]):
            spans[i] = (i + 1, rejoined[upper[i], upper[i + 1]])
            i += 1
        i += 1
    joined = {j for first, (last, _) in spans.items() for j in (first, last)}
    fixes = {i: split[w] for i, w in enumerate(upper) if w in split}
    if misspelt:
        fixes |= place_fixes(upper, misspelt, places, longest)
    spans |= {i: (i, fix) for i, fix in fixes.items() if i not in joined}
    for first in sorted(spans, reverse=True):
        last, replacement = spans[first]
        text = text[:found[first].start()] + replacement + text[found[last].end():]
    return text


def _side_by_side(text: str, first: re.Match, second: re.Match) -> bool:
    """Two words of `text` that are whole words with only spaces between them."""
    before, after = first.start() - 1, second.end()
    return ((before < 0 or not text[before].isalnum()) and (after == len(text) or not text[after].isalnum())
            and text[first.end():second.start()].strip(" ") == "")
