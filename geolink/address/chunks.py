"""Cut runs of address tokens into parts: house numbers, descriptors, and names of one kind each.

A run is the tokens between two commas. Within a run, a name ends after a street type
('MILL LANE | EXBRIDGE'), after a building word when a street follows ('ROSE COTTAGE | MILL
LANE'), or after the first word of a Welsh street ('HEOL Y NANT | EXBRIDGE') when no comma says
where it ends. Known place names, when given, are peeled off the end of each run first.
"""

from dataclasses import dataclass
from functools import lru_cache

from geolink.address import vocabulary as vocab
from geolink.address.units import HouseNumber, house_number

_DESCRIPTOR_STARTS: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _canonical in sorted(vocab.DESCRIPTORS.items(), key=lambda item: -len(item[0])):
    _DESCRIPTOR_STARTS.setdefault(_phrase[0], []).append((_phrase, _canonical))
_LONGEST_PLACE = 4

# What a token can do in a name, looked up once per token: bit flags.
_STREET_TYPE, _BUILDING, _WELSH_PREFIX, _DESCRIPTOR, _OTHER = 1, 2, 4, 8, 16
_ROLES: dict[str, int] = {}
for _words, _role in (
    (vocab.STREET_TYPES, _STREET_TYPE),
    (vocab.BUILDING_WORDS, _BUILDING),
    (vocab.WELSH_STREET_PREFIXES, _WELSH_PREFIX),
    ({*_DESCRIPTOR_STARTS, "REAR"}, _DESCRIPTOR),
    ({"AND", "/"}, _OTHER),
):
    for _word in _words:
        _ROLES[_word] = _ROLES.get(_word, 0) | _role


@dataclass(slots=True)
class Part:
    """A piece of an address: kind is 'number', 'descriptor' or 'name'."""

    kind: str
    tokens: list[str]
    number: HouseNumber | None = None
    descriptor: str | None = None
    streetlike: bool = False
    building: bool = False
    place: bool = False
    alternative: bool = False

    @property
    def text(self) -> str:
        """The part's tokens as one string."""
        return " ".join(self.tokens)


def _pair(part: Part, token: str) -> Part | None:
    """'14 AND 16' read as the range 14-16, when part is the number 14 and token the number 16."""
    second = house_number(token)
    first = part.number
    if first is None or second is None or first.kind != "number" or second.kind != "number":
        return None
    joined = HouseNumber("range", f"{first.text}-{token}", first.number, first.suffix, second.number, second.suffix)
    return Part("number", [*part.tokens, "AND", token], number=joined)


def _descriptor_at(run: list[str], i: int) -> tuple[str, int] | None:
    """A descriptor phrase ('REAR OF', 'J/W' -> 'JUNCTION WITH') at run[i], and where it ends."""
    for phrase, canonical in _DESCRIPTOR_STARTS.get(run[i], ()):
        if tuple(run[i : i + len(phrase)]) == phrase:
            return canonical, i + len(phrase)
    if run[i] == "REAR" and i + 1 < len(run) and house_number(run[i + 1]) is not None:
        return vocab.REAR_ALONE, i + 1
    return None


def _peel_places(run: list[str], known: frozenset[str]) -> tuple[list[str], list[list[str]]]:
    """Split known place names (longest first, at most two) off the end of a run."""
    end = len(run)
    places: list[list[str]] = []
    last_words = _last_words(known)
    while len(places) < 2 and end and run[end - 1] in last_words:
        for size in range(min(_LONGEST_PLACE, end), 0, -1):
            if " ".join(run[end - size : end]) in known:
                places.insert(0, run[end - size : end])
                end -= size
                break
        else:
            break
    return run[:end], places


@lru_cache(maxsize=4)
def _last_words(known: frozenset[str]) -> frozenset[str]:
    """The word each known place ends with: a run ending otherwise has no place to peel."""
    return frozenset(place.rsplit(" ", 1)[-1] for place in known)


def _street_ahead(run: list[str], k: int) -> bool:
    """Whether a street name starts at run[k]: a Welsh prefix, or a street type after a word."""
    if k < len(run) and run[k] in vocab.WELSH_STREET_PREFIXES:
        return True
    for j in range(k, len(run)):
        if house_number(run[j]) is not None or run[j] == "/":
            return False
        if j > k and run[j] in vocab.STREET_TYPES:
            return True
    return False


def _street_end(run: list[str], i: int) -> int:
    """Index after a street whose type word is run[i], taking 'COURT ROAD', 'ROAD NORTH' along."""
    n = len(run)
    j = i + 1
    while j < n and run[j] in vocab.STREET_TYPES:
        j += 1
    if j + 1 < n and (run[j], run[j + 1]) in vocab.COMPOUND_SUFFIXES:
        j += 2
    if j == n - 1 and run[j] in vocab.DIRECTIONS:
        j += 1
    return j


def _welsh_end(run: list[str], i: int) -> int:
    """Index after a Welsh street starting at run[i]: prefix, article, one name word."""
    j = i + 1
    if j < len(run) and run[j] in vocab.WELSH_ARTICLES:
        j += 1
    if j < len(run) and house_number(run[j]) is None and run[j] != "/":
        j += 1
    return j


class _Parts:
    """Collects parts, marking a street named after a lone '/' as an alternative name."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.after_slash = False

    def name(self, tokens: list[str], streetlike: bool = False, place: bool = False) -> None:
        """Add a name part, unless it is empty."""
        if not tokens:
            return
        last = _ROLES.get(tokens[-1], 0)
        streetlike = (
            streetlike or tokens[0] in vocab.WELSH_STREET_WORDS or (len(tokens) > 1 and bool(last & _STREET_TYPE))
        )
        previous = self.parts[-1] if self.parts else None
        alternative = self.after_slash and streetlike and previous is not None and previous.streetlike
        self.after_slash = False
        self.parts.append(Part("name", tokens, None, None, streetlike, bool(last & _BUILDING), place, alternative))

    def other(self, part: Part) -> None:
        """Add a number or descriptor part."""
        self.after_slash = False
        self.parts.append(part)


def chunk(runs: list[list[str]], known_places: frozenset[str] | None = None) -> list[Part]:
    """Cut runs of tokens into parts (see the module docstring)."""
    out = _Parts()
    last = len(runs) - 1
    for r, whole in enumerate(runs):
        run, places = _peel_places(whole, known_places) if known_places else (whole, [])
        words: list[str] = []
        i, n = 0, len(run)
        while i < n:
            token = run[i]
            role = _ROLES.get(token, 0)
            if not role and not token[0].isdigit() and token[1:2] != "F":  # a plain word, the common case
                words.append(token)
                i += 1
                continue
            number = None if role else house_number(token)
            if number is not None:
                out.name(words)
                words = []
                out.other(Part("number", [token], number))
                i += 1
                continue
            if token == "AND" and not words and out.parts and i + 1 < n:
                pair = _pair(out.parts[-1], run[i + 1])
                if pair is not None:
                    out.parts[-1] = pair
                    i += 2
                    continue
            if token == "/":
                out.name(words)
                words = []
                out.after_slash = True
                i += 1
                continue
            descriptor = _descriptor_at(run, i) if role & _DESCRIPTOR else None
            if descriptor is not None:
                out.name(words)
                words = []
                out.other(Part("descriptor", run[i : descriptor[1]], None, descriptor[0]))
                i = descriptor[1]
                continue
            if role & _WELSH_PREFIX and not words and r == last and not places:
                end = _welsh_end(run, i)
                out.name(run[i:end], True)
                i = end
                continue
            words.append(token)
            i += 1
            if len(words) > 1 and role & _STREET_TYPE:
                end = _street_end(run, i - 1)
                words.extend(run[i:end])
                out.name(words, True)
                words = []
                i = end
            elif len(words) > 1 and role & _BUILDING and _street_ahead(run, i):
                out.name(words)
                words = []
        out.name(words)
        for place in places:
            out.name(place, place=True)
    return out.parts
