"""Parse a UK address line into SAO / PAO / street / locality / town / postcode, without a gazetteer.

Segmentation uses commas when the source has them, street types ('... LANE'), building words
('... COTTAGE'), sub-unit words ('FLAT 2') and position; it reads the same address the same way
with or without commas whenever those signals suffice. Known place names, when given, tell a
locality or town from a street that has no street type.

Readings chosen where UK addresses are ambiguous:

- '2/14 MILL LANE' is flat 2 at number 14 (the English habit: flat before building), and so is
  '14/2' flat 14 at number 2. Both sao_number and pao_number are set, so a matcher that finds
  no such flat can try the two numbers the other way round (the Edinburgh habit, '14/2' = no. 14
  flat 2). '2/1' followed by another number ('2/1, 14 MILL STREET', Glasgow floor/flat) is the
  sub-unit's name, like the Edinburgh '2F1': sao_text holds the code as written.
- 'FLAT 14 MILL LANE' is flat 14 with no building number; 'GFF 14 MILL LANE' is the ground floor
  flat of number 14 (a floor names a flat without a number, a unit word needs one).
- '3 ALBION COURT, MILL LANE': a number before a building name (ending in a word such as COURT,
  HOUSE, COTTAGES) that is followed by a street is the flat in that building (sao 3, pao_text
  ALBION COURT), or the building's own number when a flat was named already ('FLAT 1, 3 ALBION
  COURT, MILL LANE'). Before a plain street ('3 HIGH STREET, MILL LANE') it is the house number,
  and the second street becomes the locality.
- Two street-like names in a row with no number ('ALBION COURT, MILL LANE'): the first is the
  building, the second the street.
- Of the names after the street the last is the town and the one before it the locality; with
  no comma and no known places, everything after the street is the town.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from geolink.address import vocabulary as vocab
from geolink.address.chunks import Part, chunk
from geolink.address.normalise import Normalised, normalise_text, normalise_tokens
from geolink.address.postcode import normalise_postcode
from geolink.address.units import HouseNumber, SubUnit, sub_unit_from, take_sub_unit


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """An address split into BS 7666 elements, with its normalised tokens for token scoring."""

    sao_text: str | None = None
    sao_number: int | None = None
    sao_suffix: str | None = None
    sao_end_number: int | None = None
    pao_text: str | None = None
    pao_number: int | None = None
    pao_suffix: str | None = None
    pao_end_number: int | None = None
    street: str | None = None
    locality: str | None = None
    town: str | None = None
    postcode: str | None = None
    descriptor: str | None = None
    second_street: str | None = None
    tokens: tuple[str, ...] = ()
    normalised: str = ""


@dataclass(slots=True)
class _Draft:
    """The elements found so far, as parts."""

    sub_unit: SubUnit | None
    building: list[Part] = field(default_factory=list)
    pao: HouseNumber | None = None
    street: Part | None = None
    descriptor: str | None = None
    second_street: Part | None = None
    places: list[Part] = field(default_factory=list)

    def note(self, part: Part) -> None:
        """Keep the first descriptor met."""
        self.descriptor = self.descriptor or part.descriptor


def _is_name(part: Part) -> bool:
    """Whether the part is a name that counts (not an alternative name after a '/')."""
    return part.kind == "name" and not part.alternative


def _with_flat_number(sub_unit: SubUnit | None, number: HouseNumber) -> SubUnit:
    """The sub-unit given a number that stood in front of the house number ('2 14 MILL LANE')."""
    if sub_unit is None or (sub_unit.number is None and sub_unit.suffix is None):
        return sub_unit_from(sub_unit.text if sub_unit else None, number)
    return sub_unit


def _head(parts: Sequence[Part], draft: _Draft) -> None:
    """Parts before the house number or street: descriptors, building names, stray places."""
    for part in parts:
        if part.kind == "descriptor":
            draft.note(part)
        elif _is_name(part):
            (draft.places if part.place else draft.building).append(part)


def _numbered(parts: list[Part], first: int, draft: _Draft) -> list[Part]:
    """Elements of an address with a house number at parts[first]; returns the parts after the street."""
    _head(parts[:first], draft)
    pao: HouseNumber | None = None
    j = first
    while j < len(parts) and (number := parts[j].number) is not None:
        j += 1
        if number.kind == "code":
            draft.sub_unit = _with_flat_number(draft.sub_unit, number)
            continue
        if pao is not None:
            draft.sub_unit = _with_flat_number(draft.sub_unit, pao)
        pao = number
    if pao is not None and pao.kind == "slash":
        flat = HouseNumber("number", pao.text, pao.number, pao.suffix)
        draft.sub_unit = _with_flat_number(draft.sub_unit, flat)
        pao = HouseNumber("number", pao.text, pao.end, pao.end_suffix)
    rest = parts[j:]
    # A number then a building name may be a flat in that building, not a house number.
    flat_then_building = (
        pao is not None
        and pao.kind in ("number", "range")
        and not draft.building
        and len(rest) > 1
        and _is_name(rest[0])
        and not rest[0].place
    )
    if flat_then_building and rest[0].building and _is_name(rest[1]) and rest[1].streetlike:
        if draft.sub_unit is None:
            draft.sub_unit = sub_unit_from(None, pao)
            pao = None
        draft.building.append(rest[0])
        rest = rest[1:]
    elif (
        flat_then_building
        and len(rest) > 2
        and rest[1].number is not None
        and rest[1].number.kind in ("number", "range")
        and _is_name(rest[2])
    ):  # '19, BURNT HEIGHTS, 38-40 TRAFALGAR DRIVE': flat 19 of the building at 38-40
        if draft.sub_unit is None:
            draft.sub_unit = sub_unit_from(None, pao)
        draft.building.append(rest[0])
        pao = rest[1].number
        rest = rest[2:]
    draft.pao = pao
    if rest and _is_name(rest[0]) and not rest[0].place:  # '50, OAKMINSTER': no street given
        draft.street = rest[0]
        return rest[1:]
    if draft.building and draft.building[-1].streetlike and not any(map(_is_name, rest)):
        draft.street = draft.building.pop()
    return rest


def _untyped(parts: list[Part], own: list[int]) -> tuple[int | None, int | None]:
    """Building and street positions when no name has a street type.

    The first name is a building when it ends with a building word, when three names stand in
    a row ('THE MILLS, LITTLE MARSH, EXBRIDGE'), or when the address names a known place
    ('LYNWOOD, MERTHYR TYDFIL': a house name, not a locality nobody knows); the next name is
    the street when another one follows it (the town), or when it is the only name.
    """
    if not own:
        return None, None
    names_a_place = any(p.place for p in parts)
    building = own[0] if parts[own[0]].building or len(own) > 2 or names_a_place else None
    left = own[1:] if building is not None else own
    alone = building is None and sum(map(_is_name, parts)) == 1
    return building, left[0] if len(left) > 1 or (left and alone) else None


def _unnumbered(parts: list[Part], draft: _Draft) -> list[Part]:
    """Elements of an address with no house number; returns the parts after the street."""
    own = [k for k, p in enumerate(parts) if _is_name(p) and not p.place]
    street = next((k for k in own if parts[k].streetlike), None)
    if street is None:
        building, street = _untyped(parts, own)
        if street is None:
            cut = 0 if building is None else building + 1
            _head(parts[:cut], draft)
            return parts[cut:]
    after = street + 1
    if (
        after < len(parts)
        and _is_name(parts[after])
        and parts[after].streetlike
        and not parts[after].place
        and parts[after].tokens[0] != "AND"
    ):
        street = after
    _head(parts[:street], draft)
    draft.street = parts[street]
    return parts[street + 1 :]


def _tail(parts: list[Part], draft: _Draft) -> None:
    """Descriptors, a second street after 'JUNCTION WITH', and the places after the street."""
    i = 0
    while i < len(parts):
        part = parts[i]
        if part.kind == "descriptor":
            draft.note(part)
            junction = part.descriptor in vocab.JUNCTION_DESCRIPTORS
            if junction and draft.second_street is None and i + 1 < len(parts) and _is_name(parts[i + 1]):
                draft.second_street = parts[i + 1]
                i += 1
        elif _is_name(part):
            if (
                draft.descriptor in vocab.JUNCTION_DESCRIPTORS
                and draft.second_street is None
                and part.tokens[0] == "AND"
                and len(part.tokens) > 1
            ):
                draft.second_street = Part("name", part.tokens[1:])
            else:
                draft.places.append(part)
        i += 1


def _places(places: list[Part]) -> tuple[str | None, str | None]:
    """Locality and town: the last two names after the street.

    A last name ending like a street ('MILL LANE') is not a town but a dependent street, and is
    given as the locality.
    """
    if not places:
        return None, None
    last = places[-1]
    if not last.place and len(last.tokens) > 1 and last.tokens[-1] in vocab.STRONG_STREET_TYPES:
        return last.text, None
    return (places[-2].text if len(places) > 1 else None), last.text


def _runs(tokens: list[str], segments: list[int]) -> list[list[str]]:
    """Tokens grouped by the comma-separated segment they came from."""
    cuts = [i for i in range(1, len(segments)) if segments[i] != segments[i - 1]]
    return [tokens[a:b] for a, b in zip([0, *cuts], [*cuts, len(tokens)]) if a < b]


def _text(parts: Sequence[Part]) -> str | None:
    """The parts' words as one string, or None when there are none."""
    return " ".join(p.text for p in parts) or None


def parse_address(
    text: str,
    postcode: str | None = None,
    known_places: frozenset[str] | None = None,
    normalised: Normalised | None = None,
) -> ParsedAddress:
    """Parse one address line; a postcode given apart wins over one found in the text.

    Args:
        text: the address as the source wrote it (any string; never raises).
        postcode: the postcode column, if the source has one.
        known_places: normalised town and locality names from the reference (see
            `normalise_places`), to tell them from streets that have no street type.
        normalised: `normalise_tokens(text)`, when the caller has it already.
    """
    tokens, segments, found = normalised or normalise_tokens(text)
    postcode = normalise_postcode(postcode) or found
    runs = _runs(tokens, segments)
    draft = _Draft(take_sub_unit(runs))
    parts = chunk([run for run in runs if run], known_places)
    first = next((k for k, p in enumerate(parts) if p.kind == "number"), None)
    rest = _unnumbered(parts, draft) if first is None else _numbered(parts, first, draft)
    _tail(rest, draft)
    sub_unit = draft.sub_unit or SubUnit()
    pao = draft.pao
    locality, town = _places(draft.places)
    return ParsedAddress(
        sao_text=sub_unit.text,
        sao_number=sub_unit.number,
        sao_suffix=sub_unit.suffix,
        sao_end_number=sub_unit.end_number,
        pao_text=_text(draft.building),
        pao_number=pao.number if pao else None,
        pao_suffix=pao.suffix if pao else None,
        pao_end_number=pao.end if pao and pao.kind == "range" else None,
        street=draft.street.text if draft.street else None,
        locality=locality,
        town=town,
        postcode=postcode,
        descriptor=draft.descriptor,
        second_street=draft.second_street.text if draft.second_street else None,
        tokens=tuple(t for t in tokens if t != "/") if "/" in tokens else tuple(tokens),
        normalised=" ".join([*tokens, postcode] if postcode else tokens),
    )


def parse_addresses(
    texts: Sequence[str],
    postcodes: Sequence[str | None] | None = None,
    known_places: frozenset[str] | None = None,
    normalised: Sequence[Normalised | None] | None = None,
) -> list[ParsedAddress]:
    """Parse a batch (one partition of a dataset); repeated addresses are parsed once.
    `normalised` holds each text's `normalise_tokens`, where the caller has it already."""
    if postcodes is not None and len(postcodes) != len(texts):
        raise ValueError(f"{len(texts)} addresses but {len(postcodes)} postcodes")
    seen: dict[tuple[str, str | None], ParsedAddress] = {}
    out: list[ParsedAddress] = []
    for i, text in enumerate(texts):
        key = (text, postcodes[i] if postcodes is not None else None)
        parsed = seen.get(key)
        if parsed is None:
            parsed = seen[key] = parse_address(*key, known_places=known_places,
                                               normalised=normalised[i] if normalised is not None else None)
        out.append(parsed)
    return out


def normalise_places(names: Iterable[str]) -> frozenset[str]:
    """Town and locality names from the reference, normalised for `known_places`."""
    return frozenset(filter(None, map(normalise_text, names)))
