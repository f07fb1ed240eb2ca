"""Street-only text: is a record about a street, and which street names does it contain?

Pure functions over normalised tokens ("OUTSIDE 12 HIGH STREET", "MILL LANE JUNCTION WITH
CHURCH ROAD"): a record is street-only when it names no property (no number, flat or
building name) or places itself by a street (outside, opposite, near, at a junction).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from geolink.address.parse import ParsedAddress
from geolink.address.vocabulary import STREET_TYPES

LOCATING_DESCRIPTORS = frozenset({"OUTSIDE", "OPPOSITE", "NEAR", "JUNCTION WITH", "CORNER OF"})
#: Street furniture and verges: a record naming one is about the street, even with a number.
STREET_FEATURES = ("LAMP POST", "LAMPPOST", "BUS STOP", "POST BOX", "VERGE", "ALLEY", "ALLEYWAY", "FOOTPATH",
                   "PAVEMENT", "LAYBY", "KERB", "GULLY", "BOLLARD", "SUBWAY", "UNDERPASS", "REAR OF SHOPS")
_FEATURE = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, STREET_FEATURES)) + r")(?!\S)")


def is_street_report(parsed: ParsedAddress) -> bool:
    """True when the record places itself on a street, whatever else it names: a junction,
    a locating descriptor (OUTSIDE, OPPOSITE) or street furniture ('PINE RD - LAMP POST 7')."""
    if parsed.second_street or parsed.descriptor in LOCATING_DESCRIPTORS or _junction(parsed.tokens):
        return True
    return _FEATURE.search(" ".join(parsed.tokens)) is not None


def names_street_alone(parsed: ParsedAddress) -> bool:
    """True when the record names a street and no number, flat or building."""
    if parsed.sao_text or parsed.sao_number is not None or parsed.pao_number is not None:
        return False
    return not parsed.pao_text and bool(parsed.street)


def is_street_only(parsed: ParsedAddress) -> bool:
    """True when the record is about a street rather than a property: a street report, or
    a street named alone."""
    return is_street_report(parsed) or names_street_alone(parsed)


def _junction(tokens: tuple[str, ...]) -> bool:
    """'MILL LANE JUNCTION CHURCH ROAD', but not a street called JUNCTION ROAD."""
    return any(t == "JUNCTION" and (k + 1 == len(tokens) or tokens[k + 1] not in STREET_TYPES)
               for k, t in enumerate(tokens))


def street_spans(tokens: list[str], names: Mapping[str, object], longest: int) -> list[tuple[int, int, str]]:
    """Known street names found in the tokens: (start, end, name), longest first, not overlapping."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(tokens)
    for size in range(min(longest, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            end = start + size
            if any(taken[start:end]):
                continue
            phrase = " ".join(tokens[start:end])
            if phrase in names:
                found.append((start, end, phrase))
                taken[start:end] = [True] * size
    return sorted(found)


_NOT_IN_NAMES = frozenset({"JUNCTION", "WITH", "OUTSIDE", "OPPOSITE", "NEAR", "REAR", "LAND", "AT", "CORNER"})


def street_like_phrases(tokens: list[str], longest: int = 4) -> list[tuple[int, int, str]]:
    """Phrases that end in a street type ('UAION DRIVE'), longest first at each end, for
    fuzzy lookup of names that did not match exactly: (start, end, phrase)."""
    out = []
    for end, token in enumerate(tokens, start=1):
        if token.rstrip("S") in STREET_TYPES or token in STREET_TYPES:
            for size in range(min(longest, end), 1, -1):
                phrase = tokens[end - size:end]
                if all(t.isalpha() for t in phrase) and not set(phrase) & _NOT_IN_NAMES:
                    out.append((end - size, end, " ".join(phrase)))
    return out
