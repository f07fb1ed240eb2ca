"""Correct misspelt words against the reference vocabulary, for blocking only.

'PLPLAR CLOSE' finds POPLAR CLOSE's rows although no key of the record is spelt right.
Scores come from rapidfuzz's vectorised `cdist`, in chunks to bound memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

MIN_LENGTH = 4
MIN_SCORE = 80


def corrections(words: Iterable[str], vocabulary: frozenset[str], chunk: int = 2_000,
                known: frozenset[str] | None = None) -> dict[str, str]:
    """Map each unknown alphabetic word to its single best word of `vocabulary` (ratio >= 80).
    A word is unknown when `known` (by default the vocabulary itself) lacks it."""
    vocab = _targets(vocabulary)
    unknown = sorted(w for w in set(words) - (vocabulary if known is None else known)
                     if w.isalpha() and len(w) >= MIN_LENGTH)
    if not unknown or not vocab:
        return {}
    out: dict[str, str] = {}
    for start in range(0, len(unknown), chunk):
        batch = unknown[start:start + chunk]
        scores = process.cdist(batch, vocab, scorer=fuzz.ratio, score_cutoff=MIN_SCORE,
                               dtype=np.uint8, workers=-1)
        best = scores.argmax(axis=1)
        top = scores[np.arange(len(batch)), best]
        # A tie between two different words is no correction at all.
        ties = (scores == top[:, None]).sum(axis=1) > 1
        for word, j, score, tie in zip(batch, best, top, ties):
            if score and not tie:
                out[word] = vocab[j]
    return out


def apply(texts: Iterable[str], fixes: dict[str, str]) -> list[str]:
    """Texts (single-spaced words) with misspelt words replaced."""
    if not fixes:
        return list(texts)
    return [t if fixes.keys().isdisjoint(words := t.split()) else " ".join(fixes.get(w, w) for w in words)
            for t in texts]


@lru_cache(maxsize=4)
def _targets(vocabulary: frozenset[str]) -> list[str]:
    """The words a misspelling may be corrected to, sorted; once per reference, not per batch."""
    return sorted(v for v in vocabulary if v.isalpha() and len(v) >= MIN_LENGTH - 1)
