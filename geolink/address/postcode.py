"""UK postcodes: validate and normalise them, repair O/0 and I/1 typing slips, find them in text.

A postcode is an outward code (area of one or two letters, then a district that starts with a
digit: A9, A99, A9A, AA9, AA99, AA9A) and an inward code (a digit and two letters). The shape
says which positions hold letters and which hold digits, so "EX4 IAA" can be read as "EX4 1AA"
and "EX4 1A0" as "EX4 1AO". Only the shape is checked, not whether the postcode exists.
"""

import re
from collections.abc import Sequence
from functools import lru_cache

from geolink.address.characters import fold_ascii

_COMPACT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}", re.ASCII)
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?", re.ASCII)
_INWARD = re.compile(r"[0-9][A-Z]{2}", re.ASCII)
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+", re.ASCII)
_WORD = re.compile(r"[A-Za-z0-9]+", re.ASCII)
_SPACES = re.compile(r"\s+")
_LOOSE_SEPARATORS = re.compile(r"\s*([,;])(?:\s*[,;])*\s*")

#: Outward-code shapes by length ("A" letter, "9" digit), most common first.
_OUTWARD_SHAPES = {2: ("A9",), 3: ("AA9", "A99", "A9A"), 4: ("AA99", "AA9A")}
_TO_DIGIT = {"O": "0", "I": "1", "L": "1", "S": "5"}
_TO_LETTER = {"0": "O", "1": "I", "5": "S"}

#: Inward codes that are also ordinals: "B2 3RD FLOOR" is not a postcode.
_ORDINAL_INWARDS = frozenset({"1ST", "2ND", "3RD", "4TH", "5TH", "6TH", "7TH", "8TH", "9TH"})


def _fit(chars: str, shape: str) -> tuple[str, int] | None:
    """Characters forced into a shape of letters and digits, with the number of repairs made."""
    out = []
    repairs = 0
    for ch, want in zip(chars, shape):
        if want == "A":
            if ch.isalpha():
                out.append(ch)
                continue
            fixed = _TO_LETTER.get(ch)
        else:
            if ch.isdigit():
                out.append(ch)
                continue
            fixed = _TO_DIGIT.get(ch)
        if fixed is None:
            return None
        out.append(fixed)
        repairs += 1
    return "".join(out), repairs


def _repair(compact: str) -> tuple[str, int] | None:
    """Best reading of a compact postcode (no spaces) as 'OUT IN', and how many repairs it took."""
    shapes = _OUTWARD_SHAPES.get(len(compact) - 3)
    if shapes is None:
        return None
    inward = _fit(compact[-3:], "9AA")
    if inward is None:
        return None
    best: tuple[str, int] | None = None
    for shape in shapes:
        outward = _fit(compact[:-3], shape)
        if outward is not None and (best is None or outward[1] < best[1]):
            best = outward
    if best is None:
        return None
    return f"{best[0]} {inward[0]}", best[1] + inward[1]


def normalise_postcode(text: str | None) -> str | None:
    """'ex4  1aa' -> 'EX4 1AA' (repairing O/0, I/1, L/1, S/5 by position), or None if not a postcode."""
    return _normalise_postcode(text) if isinstance(text, str) else None


@lru_cache(maxsize=1 << 16)
def _normalise_postcode(text: str) -> str | None:
    """`normalise_postcode` of a string: a column repeats each postcode many times."""
    compact = _NOT_ALNUM.sub("", fold_ascii(text))
    if not 5 <= len(compact) <= 7:
        return None
    if _COMPACT.fullmatch(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    repaired = _repair(compact)
    return repaired[0] if repaired else None


def _loose(candidate: str) -> str | None:
    """A postcode typed with one slip ('EX4 IAA'), accepted only at the end of an address."""
    if not candidate[0].isalpha() or not any(ch.isdigit() for ch in candidate):
        return None
    repaired = _repair(candidate)
    return repaired[0] if repaired and repaired[1] <= 1 else None


def locate_postcode(tokens: Sequence[str]) -> tuple[int, int, str] | None:
    """Where the last postcode lies in upper-case tokens: (start, end, normalised postcode) or None.

    A well-formed postcode is found anywhere ('EX4 1AA' or 'EX41AA'); one with a typing slip only
    in the last one or two tokens, where a postcode is expected, so that words are not misread.
    """
    n = len(tokens)
    for i in range(n - 1, -1, -1):
        token = tokens[i]
        if i and len(token) == 3 and token[0].isdigit() and _INWARD.fullmatch(token):
            outward = tokens[i - 1]
            if 2 <= len(outward) <= 4 and _OUTWARD.fullmatch(outward):
                followed_by_word = i + 1 < n and not tokens[i + 1][:1].isdigit()
                if not (token in _ORDINAL_INWARDS and followed_by_word):
                    return i - 1, i + 1, f"{outward} {token}"
        if 5 <= len(token) <= 7 and _COMPACT.fullmatch(token):
            return i, i + 1, f"{token[:-3]} {token[-3:]}"
    if n >= 2 and 2 <= len(tokens[-2]) <= 4 and len(tokens[-1]) == 3:
        found = _loose(tokens[-2] + tokens[-1])
        if found:
            return n - 2, n, found
    if n and 5 <= len(tokens[-1]) <= 7:
        found = _loose(tokens[-1])
        if found:
            return n - 1, n, found
    return None


def extract_postcode(text: str) -> tuple[str | None, str]:
    """The postcode found in free text (normalised) and the text without it."""
    if not isinstance(text, str):
        return None, ""
    spans = [m.span() for m in _WORD.finditer(text)]
    found = locate_postcode([text[a:b].upper() for a, b in spans])
    if found is None:
        return None, text
    start, end, postcode = found
    rest = f"{text[: spans[start][0]]} {text[spans[end - 1][1] :]}"
    rest = _LOOSE_SEPARATORS.sub(r"\1 ", _SPACES.sub(" ", rest)).strip(" ,;")
    return postcode, rest


def postcode_district(postcode: str | None) -> str | None:
    """Outward code, e.g. 'EX4' for 'EX4 1AA'."""
    normal = normalise_postcode(postcode)
    return normal.split(" ")[0] if normal else None


def postcode_sector(postcode: str | None) -> str | None:
    """Outward code and the inward digit, e.g. 'EX4 1' for 'EX4 1AA'."""
    normal = normalise_postcode(postcode)
    return normal[:-2] if normal else None


def postcode_area(postcode: str | None) -> str | None:
    """Letters of the outward code, e.g. 'EX' for 'EX4 1AA'."""
    normal = normalise_postcode(postcode)
    if not normal:
        return None
    return normal[:2] if normal[1].isalpha() else normal[:1]
