"""Words run together split into the reference's words, before parsing.

'IDLOESHOUSE, UPPER HIGH STREET' is IDLOES HOUSE and 'MERTHYRTYDFIL' is MERTHYR TYDFIL:
a word the reference does not hold, made of exactly one pair of words it does hold,
is that pair. Split before parsing, the house name, street and town are then read as
such (the town peeled off, the name compared as a name) and the record's keys meet the
reference's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

MIN_WORD = 6   # shorter words are seldom two words run together
MIN_PART = 3   # 'THE', 'MAES'; two-letter parts ('YR') split too much that is one word

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


def split_joined(texts: Sequence[str], vocabulary: frozenset[str]) -> list[str]:
    """Texts with their run-together words split (see `joined_words`); others unchanged."""
    fixes = joined_words(set(_LETTERS.findall("\n".join(texts).upper())), vocabulary)
    if not fixes:
        return list(texts)

    def split(word: re.Match) -> str:
        return fixes.get(word.group().upper(), word.group())

    return [_LETTERS.sub(split, text) for text in texts]
