"""House numbers (14, 14A, 12-14, 2/14, 2F1) and sub-unit phrases (FLAT 2, GROUND FLOOR FLAT)."""

import re
from dataclasses import dataclass
from functools import lru_cache

from geolink.address import vocabulary as vocab

_NUMBER = re.compile(r"([0-9]{1,6})([A-Z]?)", re.ASCII)
_RANGE = re.compile(r"([0-9]{1,6})([A-Z]?)-([0-9]{1,6})([A-Z]?)", re.ASCII)
_SLASH = re.compile(r"([0-9]{1,6})([A-Z]?)/([0-9]{1,6})([A-Z]?)", re.ASCII)
#: Edinburgh floor/flat codes: 2F1 is the second floor, flat 1; PF1 principal floor, BF1 basement.
_FLOOR_CODE = re.compile(r"[0-9]{1,2}F[0-9]{1,3}|[BGMP]F[0-9]{1,3}", re.ASCII)
_UNIT_ID = re.compile(r"[A-Z]{1,2}[0-9]{1,4}[A-Z]?", re.ASCII)
#: 'THE FLAT, ROSE COTTAGE': a sub-unit with no number.
_THE_UNITS = frozenset({"FLAT", "MAISONETTE", "ANNEXE"})
_PHRASE_STARTS = frozenset(vocab.UNIT_WORDS) | vocab.FLOOR_LEVELS | vocab.FLAT_POSITIONS | {"THE"}


@dataclass(frozen=True, slots=True)
class HouseNumber:
    """A numeric token: 'number' (14A), 'range' (12-14), 'slash' (2/14) or 'code' (2F1)."""

    kind: str
    text: str
    number: int | None = None
    suffix: str | None = None
    end: int | None = None
    end_suffix: str | None = None


@dataclass(frozen=True, slots=True)
class SubUnit:
    """The secondary addressable object: sub-unit words, number, letter suffix, range end."""

    text: str | None = None
    number: int | None = None
    suffix: str | None = None
    end_number: int | None = None


@lru_cache(maxsize=8192)
def house_number(token: str) -> HouseNumber | None:
    """The token read as a house number, or None when it is a word."""
    if not token or len(token) > 16:
        return None
    if token[0].isdigit():
        if m := _NUMBER.fullmatch(token):
            return HouseNumber("number", token, int(m[1]), m[2] or None)
        if m := _RANGE.fullmatch(token):
            return HouseNumber("range", token, int(m[1]), m[2] or None, int(m[3]), m[4] or None)
        if m := _SLASH.fullmatch(token):
            return HouseNumber("slash", token, int(m[1]), m[2] or None, int(m[3]), m[4] or None)
    if "F" in token[1:3] and _FLOOR_CODE.fullmatch(token):
        return HouseNumber("code", token)
    return None


def sub_unit_from(word: str | None, number: HouseNumber) -> SubUnit:
    """Sub-unit made of a unit word and the number that follows it."""
    if number.kind == "range":
        return SubUnit(word, number.number, number.suffix, number.end)
    if number.kind == "number":
        return SubUnit(word, number.number, number.suffix)
    return SubUnit(number.text)  # a floor/flat code ('2F1', '2/1') names the unit by itself


def _number_follows(runs: list[list[str]], r: int, i: int) -> bool:
    """Whether a house number stands at runs[r][i] (or at the start of the next run)."""
    run = runs[r]
    if i < len(run):
        return house_number(run[i]) is not None
    return r + 1 < len(runs) and bool(runs[r + 1]) and house_number(runs[r + 1][0]) is not None


#: A phrase found in the runs: the sub-unit, where its tokens end, and a token left in their place.
_Phrase = tuple[SubUnit, int, str | None]


def _unit_phrase(runs: list[list[str]], r: int, i: int) -> _Phrase | None:
    """'FLAT 2', 'UNIT B12', 'FLAT A', 'FLAT 2/1 14', 'THE FLAT' at runs[r][i].

    'FLAT 2/14 MILL LANE' is flat 2 at number 14: '14' is left behind as the house number.
    """
    run = runs[r]
    if run[i] == "THE":
        if i == 0 and len(run) > 1 and run[1] in _THE_UNITS:
            return SubUnit(f"THE {run[1]}"), 2, None
        return None
    word = vocab.UNIT_WORDS.get(run[i])
    if word is None:
        return None
    ident = run[i + 1] if i + 1 < len(run) else None
    if ident is not None:
        number = house_number(ident)
        if number is not None:
            if number.kind == "slash" and not _number_follows(runs, r, i + 2):
                left = f"{number.end}{number.end_suffix or ''}"
                return SubUnit(word, number.number, number.suffix), i + 2, left
            return sub_unit_from(word, number), i + 2, None
        if len(ident) == 1 and ident.isalpha():
            return SubUnit(word, None, ident), i + 2, None
        if _UNIT_ID.fullmatch(ident):
            return SubUnit(f"{word} {ident}"), i + 2, None
    if i == 0:
        return SubUnit(word), i + 1, None
    return None


def _floor_phrase(runs: list[list[str]], r: int, i: int) -> _Phrase | None:
    """'GROUND FLOOR', 'FIRST FLOOR FLAT', 'BASEMENT FLAT', 'TOP FLAT', 'GARDEN FLAT' at runs[r][i]."""
    run = runs[r]
    n = len(run)
    word = run[i]
    if word in ("LOWER", "UPPER") and i + 1 < n and run[i + 1] == "GROUND":
        words, j = [word, "GROUND"], i + 2
    elif word in vocab.FLOOR_LEVELS or word in vocab.FLAT_POSITIONS:
        words, j = [word], i + 1
    else:
        return None
    has_floor = word == "BASEMENT"
    if j < n and run[j] == "FLOOR" and word not in vocab.FLAT_POSITIONS:
        words.append("FLOOR")
        j += 1
        has_floor = True
    if j < n and run[j] in vocab.DWELLING_WORDS:
        words.append(vocab.UNIT_WORDS[run[j]])
        j += 1
    elif not has_floor:
        return None
    text = " ".join(words)
    if j < n and words[-1] in vocab.DWELLING_WORDS:
        ident = run[j]
        if len(ident) == 1 and ident.isalpha():
            return SubUnit(text, None, ident), j + 1, None
        number = house_number(ident)
        if number is not None and number.kind != "slash" and _number_follows(runs, r, j + 1):
            return sub_unit_from(text, number), j + 1, None
    return SubUnit(text), j, None


def _phrase_at(runs: list[list[str]], r: int, i: int) -> _Phrase | None:
    """A floor or unit phrase starting at runs[r][i]."""
    return _floor_phrase(runs, r, i) or _unit_phrase(runs, r, i)


def _is_unit_word(unit: SubUnit) -> bool:
    """Whether the sub-unit is a bare unit word ('FLAT 2'), not a floor ('FIRST FLOOR')."""
    return unit.text in vocab.UNIT_WORDS


def _merge(first: SubUnit, second: SubUnit) -> SubUnit:
    """'FLAT 2' + 'FIRST FLOOR' -> 'FIRST FLOOR FLAT' 2 (the floor first, then the unit word)."""
    floor, unit = (second, first) if _is_unit_word(first) else (first, second)
    text = floor.text or ""
    if unit.text and not text.endswith(unit.text):
        text = f"{text} {unit.text}"
    return SubUnit(text, unit.number, unit.suffix, unit.end_number)


def _first_phrase(runs: list[list[str]]) -> tuple[int, int, _Phrase] | None:
    """The first sub-unit phrase, passing over a 'BLOCK B' when a flat or unit follows it."""
    block = None
    for r, run in enumerate(runs):
        i = 0
        while i < len(run):
            hit = _phrase_at(runs, r, i) if run[i] in _PHRASE_STARTS else None
            if hit is None:
                i += 1
                continue
            if not (hit[0].text or "").startswith("BLOCK"):
                return r, i, hit
            block = block or (r, i, hit)
            i = hit[1]
    return block


def _lone_letter(runs: list[list[str]]) -> SubUnit | None:
    """'B, 23 BELL LANE': a letter standing alone before the rest of the address names the flat."""
    first = runs[0] if runs else []
    if len(runs) > 1 and len(first) == 1 and len(first[0]) == 1 and first[0].isalpha() \
            and first[0] not in vocab.WELSH_ARTICLES:
        return SubUnit(None, None, first.pop())
    return None


def take_sub_unit(runs: list[list[str]]) -> SubUnit | None:
    """Find the sub-unit phrase in runs of tokens, remove its tokens, and return it.

    A phrase may stand anywhere ('FLAT 2, 14 MILL LANE', '14 MILL LANE FLAT 2'); a floor phrase
    next to a unit phrase is merged with it ('FLAT 2, FIRST FLOOR'). 'BLOCK B' gives way to a
    flat or unit named after it ('BLOCK B FLAT 3'), and then stays in the building name.
    """
    found = None if all(_PHRASE_STARTS.isdisjoint(run) for run in runs) else _first_phrase(runs)
    if found is None:
        return _lone_letter(runs)
    r, i, (unit, j, left) = found
    runs[r][i:j] = [left] if left else []
    nxt_r, nxt_i = (r, i) if i < len(runs[r]) else (r + 1, 0)
    if nxt_r < len(runs) and nxt_i < len(runs[nxt_r]) and not left:
        hit = _phrase_at(runs, nxt_r, nxt_i)
        if hit is not None and not hit[2] and _is_unit_word(hit[0]) != _is_unit_word(unit):
            del runs[nxt_r][nxt_i : hit[1]]
            unit = _merge(unit, hit[0])
    return unit
