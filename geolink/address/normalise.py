"""Address text to normalised tokens: upper-case ASCII, meaningful punctuation only, words expanded.

The steps, in order:

1. characters: fold to upper-case ASCII (é -> E), drop apostrophes (MARY'S -> MARYS), drop
   bracketed comments unless they name a sub-unit ("(FLAT 2)" is kept), "&" -> AND, every other
   mark to a space, except "/" and "-" (kept for 2/14 and 12-14) and commas, semicolons and line
   breaks, which end a segment;
2. tokens: "12 - 14" -> "12-14", "2 / 14" -> "2/14"; "C/O", "O/S", "J/W" stay whole; any other
   slash between words stays as a lone "/" (bilingual names: "HEOL Y NANT / NANT ROAD");
3. deletions and joins: "C/O" and the name after it, "ATTN OCCUPIER", "NO" before a number,
   stray slashes, "14 A" -> "14A", countries and counties at the end; then the postcode, found by
   `locate_postcode`, is taken out (and the same clean-up repeated where it stood);
4. rewrites: abbreviations expanded (RD -> ROAD, GFF -> GROUND FLOOR FLAT, 1ST -> FIRST,
   J/W -> JUNCTION WITH), and ST read as SAINT or STREET from its neighbours.

Everything that removes or joins tokens happens before the rewrites, and nothing a rewrite
produces is removed or joined, which is what makes the whole idempotent: the normalised line
(postcode last) normalises to itself.
"""

import re
from typing import NamedTuple

from geolink.address import vocabulary as vocab
from geolink.address.characters import fold_ascii
from geolink.address.postcode import locate_postcode

_KEPT_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-,()")
#: Upper-case ASCII to what the tokeniser reads: separators to commas, brackets to parentheses,
#: apostrophes deleted (MARY'S -> MARYS), any other mark to a space.
_CHARACTERS = str.maketrans(
    {
        **{chr(c): " " for c in range(128) if chr(c) not in _KEPT_CHARACTERS},
        **dict.fromkeys(";\n\r|", ","),
        "[": "(",
        "{": "(",
        "]": ")",
        "}": ")",
        "'": None,
    }
)
_TOKEN = re.compile(
    r"(?<![A-Z0-9])[0-9]+[A-Z]?\s*[-/]\s*[0-9]+[A-Z]?(?![A-Z0-9/-])"  # 12-14, 2/14, 12 - 14
    r"|[A-Z0-9]+(?:/[A-Z0-9]+)*"  # words, C/O, NANT/HEOL
    r"|[/,]",  # a lone slash; a comma ends a segment
    re.ASCII,
)
_NUMBER_ID = re.compile(r"[0-9]+[A-Z]?", re.ASCII)
_SLASHED = re.compile(r"[0-9]+[A-Z]?/[0-9]+[A-Z]?", re.ASCII)
_NUMBER_SLASH_LETTER = re.compile(r"[0-9]+/[A-Z]", re.ASCII)
_FIRST_WORD = re.compile(r"[A-Z0-9/]+", re.ASCII)

#: Bracketed text is a comment unless it starts with one of these ("(FLAT 2)", "(GFF)").
_KEPT_IN_BRACKETS = frozenset(
    set(vocab.UNIT_WORDS) | set(vocab.UNIT_ABBREVIATIONS) | set(vocab.FLOOR_ABBREVIATIONS) | set(vocab.ORDINALS)
) | vocab.FLOOR_LEVELS
_LONGEST_NOISE = max(len(phrase) for phrase in vocab.TRAILING_NOISE)
_NOISE_ENDINGS = frozenset(phrase[-1] for phrase in vocab.TRAILING_NOISE)
_REWRITTEN = frozenset(vocab.EXPANSIONS) | {"ST"}
_NOISE_FORM = {token: words[0] for token, words in vocab.EXPANSIONS.items() if len(words) == 1}
# What a token reads as where a unit word is looked for: its abbreviation's unit word, or
# the last word of its expansion (FFF is FIRST FLOOR FLAT), so that 'FFF NO' drops its NO
# as 'FLAT NO' does and normalising twice changes nothing.
_UNIT_FORM = {**{token: words[-1] for token, words in vocab.EXPANSIONS.items()}, **vocab.UNIT_ABBREVIATIONS}


class Normalised(NamedTuple):
    """Normalised tokens, the segment (comma-separated part) each came from, and the postcode."""

    tokens: list[str]
    segments: list[int]
    postcode: str | None


def _drop_comments(text: str) -> str:
    """Bracketed comments removed; bracketed sub-units ('(FLAT 2)') kept as their own segment."""
    if "(" not in text and ")" not in text:
        return text
    out: list[str] = []
    opened: list[int] = []
    for ch in text:
        if ch == "(":
            opened.append(len(out))
            out.append(",")
        elif ch == ")":
            if not opened:
                out.append(" ")
                continue
            start = opened.pop()
            inside = "".join(out[start + 1 :])
            del out[start:]
            first = _FIRST_WORD.search(inside)
            out.append(f",{inside}," if first and first.group() in _KEPT_IN_BRACKETS else " ")
        else:
            out.append(ch)
    return "".join(out)


def _tokenise(text: str) -> tuple[list[str], list[int]]:
    """Tokens of an address and the comma-separated segment each comes from."""
    text = fold_ascii(text)
    if "&" in text:
        text = text.replace("&", " AND ")
    text = text.translate(_CHARACTERS)
    if "(" in text or ")" in text:
        text = _drop_comments(text)
    tokens: list[str] = []
    segments: list[int] = []
    if "/" not in text and "-" not in text:  # plain words only: split, much faster than the regex
        for seg, part in enumerate(text.split(",")):
            words = part.split()
            tokens += words
            segments += [seg] * len(words)
        return tokens, segments
    seg = 0
    for token in _TOKEN.findall(text):
        if token == ",":
            seg += 1
            continue
        if " " in token:
            token = token.replace(" ", "")
        if _NUMBER_SLASH_LETTER.fullmatch(token):  # 'FLAT 3/D' is flat 3D
            token = token.replace("/", "")
        if "/" in token and len(token) > 1 and token not in vocab.SLASH_WORDS and not _SLASHED.fullmatch(token):
            parts = token.split("/")
            tokens.append(parts[0])
            segments.append(seg)
            for part in parts[1:]:
                tokens.extend(("/", part))
                segments.extend((seg, seg))
        else:
            tokens.append(token)
            segments.append(seg)
    return tokens, segments


def _drop_care_of(tokens: list[str], segments: list[int]) -> None:
    """Remove 'C/O' and the person's name after it (up to a number or the end of its segment)."""
    while vocab.CARE_OF in tokens:
        i = tokens.index(vocab.CARE_OF)
        seg = segments[i]
        j = i + 1
        while j < len(tokens) and segments[j] == seg and not any(ch.isdigit() for ch in tokens[j]):
            j += 1
        if j < len(tokens) and segments[j] == seg:
            end = j  # stopped at a number: the name ran up to it
        elif j < len(tokens):
            end = j  # the name filled its segment, and the address goes on after it
        else:
            end = i + 1  # the last segment: keep its words, they are the address
        del tokens[i:end]
        del segments[i:end]


def _drop_trailing_noise(tokens: list[str], segments: list[int]) -> None:
    """Remove countries, counties and slashes from the end, always leaving at least one token.

    Tokens are compared in their expanded form ('GT BRITAIN' is 'GREAT BRITAIN'), as they will
    read once rewritten.
    """
    while len(tokens) > 1:
        if tokens[-1] == "/":
            del tokens[-1]
            del segments[-1]
            continue
        if _NOISE_FORM.get(tokens[-1], tokens[-1]) not in _NOISE_ENDINGS:
            return
        for size in range(min(_LONGEST_NOISE, len(tokens) - 1), 0, -1):
            if tuple(_NOISE_FORM.get(t, t) for t in tokens[-size:]) in vocab.TRAILING_NOISE:
                del tokens[-size:]
                del segments[-size:]
                break
        else:
            return


def _join_letters(tokens: list[str], segments: list[int]) -> None:
    """'14 A' -> '14A': a lone letter after a number is its suffix (not the Welsh article Y)."""
    for i in [i for i, token in enumerate(tokens) if len(token) == 1][::-1]:
        token = tokens[i]
        if i and token.isalpha() and token not in vocab.WELSH_ARTICLES and tokens[i - 1].isdigit():
            tokens[i - 1] += token
            del tokens[i]
            del segments[i]


def _drop_addressee(tokens: list[str], segments: list[int]) -> None:
    """Remove words addressed to a person ('ATTN OCCUPIER', 'THE OCCUPIER'), with a THE before them."""
    if vocab.ADDRESSEE_WORDS.isdisjoint(tokens):
        return
    keep = [i for i, token in enumerate(tokens)
            if token not in vocab.ADDRESSEE_WORDS
            and not (token == "THE" and i + 1 < len(tokens) and tokens[i + 1] in vocab.ADDRESSEE_WORDS)]
    tokens[:] = [tokens[i] for i in keep]
    segments[:] = [segments[i] for i in keep]


def _drop_number_words(tokens: list[str], segments: list[int]) -> None:
    """Remove 'NO' / 'NUMBER' in front of a house number ('NO. 14' -> '14') or after a unit
    word ('FLAT NO. E' -> 'FLAT E'), repeated ones included."""
    if vocab.NUMBER_WORDS.isdisjoint(tokens):
        return
    drop = set()
    before_number = False
    for i in range(len(tokens) - 1, -1, -1):
        if before_number and tokens[i] in vocab.NUMBER_WORDS:
            drop.add(i)
        else:
            before_number = _NUMBER_ID.fullmatch(tokens[i]) is not None
    after_unit = False
    for i, token in enumerate(tokens):
        if i in drop:
            continue
        if after_unit and token in vocab.NUMBER_WORDS:
            drop.add(i)
        else:
            after_unit = _UNIT_FORM.get(token, token) in vocab.UNIT_WORDS
    tokens[:] = [t for i, t in enumerate(tokens) if i not in drop]
    segments[:] = [s for i, s in enumerate(segments) if i not in drop]


def _drop_stray_slashes(tokens: list[str], segments: list[int]) -> None:
    """Keep a lone '/' only once, and only between two tokens of the same segment."""
    if "/" not in tokens:
        return
    out: list[str] = []
    segs: list[int] = []
    for token, seg in zip(tokens, segments):
        if token == "/" and out and out[-1] == "/" and segs[-1] == seg:
            continue
        out.append(token)
        segs.append(seg)
    last = len(out) - 1
    keep = [
        i
        for i, token in enumerate(out)
        if token != "/" or (0 < i < last and segs[i - 1] == segs[i] == segs[i + 1])
    ]
    tokens[:] = [out[i] for i in keep]
    segments[:] = [segs[i] for i in keep]


def _join_slashed_numbers(tokens: list[str], segments: list[int]) -> None:
    """'2 / 14' -> '2/14' when junk stood between the numbers and the slash."""
    if "/" not in tokens:
        return
    i = 1
    while i + 1 < len(tokens):
        if tokens[i] == "/" and _NUMBER_ID.fullmatch(tokens[i - 1]) and _NUMBER_ID.fullmatch(tokens[i + 1]):
            tokens[i - 1 : i + 2] = [f"{tokens[i - 1]}/{tokens[i + 1]}"]
            del segments[i : i + 2]
        i += 1


def _read_st(prev: str | None, nxt: str | None) -> str:
    """ST is SAINT before a name ('ST MARYS ROAD'), STREET when it ends the street ('HIGH ST')."""
    if nxt is None:
        return "STREET"
    if nxt in vocab.SAINT_NAMES:
        return "SAINT"
    if prev is None or prev[0].isdigit() or prev in vocab.SAINT_BEFORE:
        return "SAINT"
    return "STREET"


def _rewrite(tokens: list[str], segments: list[int]) -> tuple[list[str], list[int]]:
    """Expand abbreviations and read ST as SAINT or STREET."""
    hits = [i for i, token in enumerate(tokens) if token in _REWRITTEN]
    if not hits:
        return tokens, segments
    out: list[str] = []
    segs: list[int] = []
    start = 0
    for i in hits:
        out += tokens[start:i]
        segs += segments[start:i]
        start = i + 1
        token, seg = tokens[i], segments[i]
        if token == "ST":
            prev = out[-1] if out and segs[-1] == seg else None
            nxt = tokens[i + 1] if i + 1 < len(tokens) and segments[i + 1] == seg else None
            out.append(_read_st(prev, nxt))
            segs.append(seg)
        else:
            expansion = vocab.EXPANSIONS[token]
            out += expansion
            segs += [seg] * len(expansion)
    out += tokens[start:]
    segs += segments[start:]
    return out, segs


def normalise_tokens(text: str) -> Normalised:
    """Normalised tokens of an address, their segments, and the postcode taken out of it."""
    if not isinstance(text, str):
        text = ""
    tokens, segments = _tokenise(text)
    _drop_care_of(tokens, segments)
    _drop_addressee(tokens, segments)
    _drop_number_words(tokens, segments)
    _drop_stray_slashes(tokens, segments)
    _join_letters(tokens, segments)
    _drop_trailing_noise(tokens, segments)
    postcode = None
    found = locate_postcode(tokens)
    if found is not None:
        start, end, postcode = found
        del tokens[start:end]
        del segments[start:end]
        _drop_stray_slashes(tokens, segments)
        _join_letters(tokens, segments)
        _drop_trailing_noise(tokens, segments)
    tokens, segments = _rewrite(tokens, segments)
    _join_slashed_numbers(tokens, segments)
    return Normalised(tokens, segments, postcode)


def normalise_text(text: str) -> str:
    """One normalised line for an address ('14 Mill Rd., ex4 1aa' -> '14 MILL ROAD EX4 1AA')."""
    tokens, _, postcode = normalise_tokens(text)
    return " ".join([*tokens, postcode] if postcode else tokens)


def compact(text: str) -> str:
    """Text without spaces, so that 'ROUND TABLE' and 'ROUNDTABLE' compare equal."""
    return "".join(text.split())
