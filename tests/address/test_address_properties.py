"""Hypothesis properties: never raise, normalising twice changes nothing, commas are optional."""

import dataclasses

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geolink.address import ParsedAddress, normalise_postcode, normalise_text, parse_address
from geolink.address.postcode import _COMPACT

# Pieces of real addresses, punctuation and lookalikes, so that generated text reaches the rules.
PIECES = st.sampled_from(
    """
    FLAT Flat flt APT UNIT GFF TOP FLOOR BASEMENT 1ST 2nd 3RD ST St. st SAINT MARYS HIGH ROAD RD
    LANE ln MILL COURT HOUSE COTTAGE HEOL Y YR NANT CLOS C/O c/o O/S J/W R/O REAR OF LAND AT NO
    NUMBER UK ENGLAND Wales DEVON ESSEX GREAT BRITAIN EX4 1AA IAA 1A0 YX1 2AB YX12AB B2 14 14A
    2/14 12-14 12 - 14 2F1 2/1 A B & / - , ; ( ) [ ] ' . é Ł ß ½ 0 O I 1 L 5 S AND THE
    """.split()
)
ADDRESS_LIKE = st.lists(PIECES | st.text(max_size=3), max_size=16).flatmap(
    lambda pieces: st.sampled_from([" ", "", ",", " , "]).map(lambda sep: sep.join(pieces))
)
ANY_TEXT = st.one_of(st.text(), ADDRESS_LIKE, st.text(min_size=500, max_size=3000))
ELEMENTS = [f.name for f in dataclasses.fields(ParsedAddress) if f.name not in ("tokens", "normalised")]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ANY_TEXT, st.one_of(st.none(), st.text(max_size=10)))
def test_parse_address_never_raises(text: str, postcode: str | None) -> None:
    parsed = parse_address(text, postcode)
    assert isinstance(parsed, ParsedAddress)
    assert "/" not in parsed.tokens
    assert parsed.postcode is None or _COMPACT.fullmatch(parsed.postcode.replace(" ", ""))


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ANY_TEXT)
@example("FFF%NO")  # an abbreviation that expands to a unit word, before NO
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.from_regex(r"[A-Za-z0-9OIlS]{1,2}[0-9OIlS][A-Za-z0-9]? ?[0-9OIlS][A-Za-z0-9]{2}", fullmatch=True)))
def test_normalise_postcode_gives_a_valid_shape_or_none(text: str) -> None:
    postcode = normalise_postcode(text)
    if postcode is not None:
        assert _COMPACT.fullmatch(postcode.replace(" ", ""))
        assert postcode.count(" ") == 1 and len(postcode.split(" ")[1]) == 3
        assert normalise_postcode(postcode) == postcode


# --- well-formed addresses, composed from their elements ---------------------------------------

NAMES = st.sampled_from(
    [("MILL", "MILL"), ("CHURCH", "CHURCH"), ("QUEENS", "QUEENS"), ("OAKFIELD", "OAKFIELD"),
     ("ST MARYS", "SAINT MARYS"), ("St. John's", "SAINT JOHNS"), ("BRIDGE", "BRIDGE"), ("WILLOW", "WILLOW")]
)
TYPES = st.sampled_from(
    [("ROAD", "ROAD"), ("RD", "ROAD"), ("STREET", "STREET"), ("ST", "STREET"), ("LANE", "LANE"), ("LN", "LANE"),
     ("AVENUE", "AVENUE"), ("AVE", "AVENUE"), ("CLOSE", "CLOSE"), ("CRES", "CRESCENT"), ("DRIVE", "DRIVE"),
     ("WAY", "WAY"), ("TCE", "TERRACE"), ("GROVE", "GROVE")]
)
TOWNS = st.sampled_from(["EXBRIDGE", "NEWTON ABBOT", "MERTHYR TYDFIL", "KINGSBRIDGE", "LLANDOVERY"])
BUILDINGS = st.builds(
    "{} {}".format,
    st.sampled_from(["ROSE", "IVY", "ALBION", "VICTORIA", "THE OLD"]),
    st.sampled_from(["COTTAGE", "HOUSE", "LODGE", "FARM"]),
)
FLATS = st.one_of(
    st.integers(1, 60).map(lambda n: (f"FLAT {n}", {"sao_text": "FLAT", "sao_number": n})),
    st.sampled_from("ABCD").map(lambda c: (f"FLAT {c}", {"sao_text": "FLAT", "sao_suffix": c})),
    st.integers(1, 60).map(lambda n: (f"APARTMENT {n}", {"sao_text": "APARTMENT", "sao_number": n})),
    st.sampled_from(["GROUND FLOOR FLAT", "FIRST FLOOR FLAT", "BASEMENT FLAT"]).map(lambda t: (t, {"sao_text": t})),
    st.just(("GFF", {"sao_text": "GROUND FLOOR FLAT"})),
)
NUMBERS = st.one_of(
    st.integers(1, 400).map(lambda n: (str(n), {"pao_number": n})),
    st.builds(lambda n, c: (f"{n}{c}", {"pao_number": n, "pao_suffix": c}), st.integers(1, 400), st.sampled_from("ABC")),
    st.integers(1, 200).map(lambda n: (f"{n}-{n + 2}", {"pao_number": n, "pao_end_number": n + 2})),
)
POSTCODES = st.from_regex(r"YX[1-9] [0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True)


@st.composite
def well_formed(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """A well-formed address, [flat] [building] [number] street [town] [postcode], and its elements."""
    flat = draw(st.none() | FLATS)
    building = draw(st.none() | BUILDINGS)
    number = draw(st.none() | NUMBERS)
    if flat is not None and "sao_number" in flat[1] and building is None and number is None:
        number = draw(NUMBERS)  # else 'FLAT 2, MILL LANE' reads as 'FLAT 2 MILL LANE', the same
    (name, name_out), (kind, kind_out) = draw(NAMES), draw(TYPES)
    town, postcode = draw(st.none() | TOWNS), draw(st.none() | POSTCODES)
    expected: dict[str, object] = {"street": f"{name_out} {kind_out}"}
    for element in (flat, number):
        if element is not None:
            expected.update(element[1])
    if building:
        expected["pao_text"] = building
    if town:
        expected["town"] = town
    if postcode:
        expected["postcode"] = postcode
    first = " ".join(filter(None, [number and number[0], f"{name} {kind}"]))
    pieces = [flat and flat[0], building, first, town, postcode]
    separator = draw(st.sampled_from([", ", " ", ","]))
    text = separator.join(piece for piece in pieces if piece)
    return draw(st.sampled_from([text, text.lower(), text.title()])), expected


@settings(max_examples=400, deadline=None)
@given(well_formed())
def test_well_formed_addresses_parse_into_their_elements(case: tuple[str, dict[str, object]]) -> None:
    text, expected = case
    parsed = parse_address(text)
    found = {name: getattr(parsed, name) for name in ELEMENTS if getattr(parsed, name) is not None}
    assert found == expected


@settings(max_examples=400, deadline=None)
@given(well_formed())
def test_parsing_the_normalised_line_gives_the_same_elements(case: tuple[str, dict[str, object]]) -> None:
    text, _ = case
    assert parse_address(normalise_text(text)) == parse_address(text)
