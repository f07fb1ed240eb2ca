"""parse_address: every flat, number, building, descriptor and place form the matcher meets."""

import dataclasses

import pytest

from geolink.address import ParsedAddress, normalise_places, parse_address, parse_addresses

ELEMENTS = [f.name for f in dataclasses.fields(ParsedAddress) if f.name not in ("tokens", "normalised")]
KNOWN = normalise_places(
    ["Exbridge", "Heavitree", "Merthyr Tydfil", "Dowlais", "Merthyr Vale", "West Bromwich", "Caeharris", "St Ives"]
)


def elements(parsed: ParsedAddress) -> dict[str, object]:
    """The address elements that were found (tokens and the normalised line left out)."""
    return {name: getattr(parsed, name) for name in ELEMENTS if getattr(parsed, name) is not None}


MILL_14 = {"pao_number": 14, "street": "MILL LANE"}

CASES = [
    # flats at number 14 Mill Lane, written every way
    ("FLAT 2, 14 MILL LANE", {"sao_text": "FLAT", "sao_number": 2, **MILL_14}),
    ("Flat 2 14 Mill Lane", {"sao_text": "FLAT", "sao_number": 2, **MILL_14}),
    ("flt 2, 14 mill ln", {"sao_text": "FLAT", "sao_number": 2, **MILL_14}),
    ("14 MILL LANE FLAT 2", {"sao_text": "FLAT", "sao_number": 2, **MILL_14}),
    ("14 Mill Lane (Flat 2)", {"sao_text": "FLAT", "sao_number": 2, **MILL_14}),
    ("2, 14 MILL LANE", {"sao_number": 2, **MILL_14}),
    ("2 14 MILL LANE", {"sao_number": 2, **MILL_14}),
    ("2/14 MILL LANE", {"sao_number": 2, **MILL_14}),
    ("2 / 14 Mill Lane", {"sao_number": 2, **MILL_14}),
    ("FLAT 2/14 MILL LANE", {"sao_text": "FLAT", "sao_number": 2, **MILL_14}),
    ("14/2 MILL LANE", {"sao_number": 14, "pao_number": 2, "street": "MILL LANE"}),
    ("2F1 14 MILL LANE", {"sao_text": "2F1", **MILL_14}),
    ("FLAT 2F1, 14 MILL LANE", {"sao_text": "2F1", **MILL_14}),
    ("PF1 14 MILL LANE", {"sao_text": "PF1", **MILL_14}),
    ("FLAT 2/1, 14 MILL STREET", {"sao_text": "2/1", "pao_number": 14, "street": "MILL STREET"}),
    ("2/1 14 MILL STREET", {"sao_text": "2/1", "pao_number": 14, "street": "MILL STREET"}),
    ("GROUND FLOOR FLAT, 14 MILL LANE", {"sao_text": "GROUND FLOOR FLAT", **MILL_14}),
    ("GFF 14 MILL LANE", {"sao_text": "GROUND FLOOR FLAT", **MILL_14}),
    ("FFF, 14 MILL LANE", {"sao_text": "FIRST FLOOR FLAT", **MILL_14}),
    ("1ST FLOOR FLAT 14 MILL LANE", {"sao_text": "FIRST FLOOR FLAT", **MILL_14}),
    ("FIRST FLOOR 14 MILL LANE", {"sao_text": "FIRST FLOOR", **MILL_14}),
    ("TOP FLOOR FLAT 14 MILL LANE", {"sao_text": "TOP FLOOR FLAT", **MILL_14}),
    ("TOP FLAT 14 MILL LANE", {"sao_text": "TOP FLAT", **MILL_14}),
    ("BASEMENT FLAT 14 MILL LANE", {"sao_text": "BASEMENT FLAT", **MILL_14}),
    ("BASEMENT, 14 MILL LANE", {"sao_text": "BASEMENT", **MILL_14}),
    ("LOWER GROUND FLOOR FLAT 14 MILL LANE", {"sao_text": "LOWER GROUND FLOOR FLAT", **MILL_14}),
    ("GARDEN FLAT, 14 MILL LANE", {"sao_text": "GARDEN FLAT", **MILL_14}),
    ("14 MILL LANE, GROUND FLOOR", {"sao_text": "GROUND FLOOR", **MILL_14}),
    ("FLAT 2 FIRST FLOOR 14 MILL LANE", {"sao_text": "FIRST FLOOR FLAT", "sao_number": 2, **MILL_14}),
    ("FIRST FLOOR, FLAT 2, 14 MILL LANE", {"sao_text": "FIRST FLOOR FLAT", "sao_number": 2, **MILL_14}),
    ("GROUND FLOOR FLAT 2 14 MILL LANE", {"sao_text": "GROUND FLOOR FLAT", "sao_number": 2, **MILL_14}),
    ("GROUND FLOOR FLAT A, 14 MILL LANE", {"sao_text": "GROUND FLOOR FLAT", "sao_suffix": "A", **MILL_14}),
    ("ROOM 3, 14 MILL LANE", {"sao_text": "ROOM", "sao_number": 3, **MILL_14}),
    ("STUDIO 5 14 MILL LANE", {"sao_text": "STUDIO", "sao_number": 5, **MILL_14}),
    ("MAISONETTE 1, 14 MILL LANE", {"sao_text": "MAISONETTE", "sao_number": 1, **MILL_14}),
    ("SUITE 4, 14 MILL LANE", {"sao_text": "SUITE", "sao_number": 4, **MILL_14}),
    ("APT 7 14 MILL LANE", {"sao_text": "APARTMENT", "sao_number": 7, **MILL_14}),
    # letters: on the building, on the flat, or both
    ("14A MILL LANE", {"pao_number": 14, "pao_suffix": "A", "street": "MILL LANE"}),
    ("14 A MILL LANE", {"pao_number": 14, "pao_suffix": "A", "street": "MILL LANE"}),
    ("FLAT A, 14 MILL LANE", {"sao_text": "FLAT", "sao_suffix": "A", **MILL_14}),
    ("14 MILL LANE FLAT A", {"sao_text": "FLAT", "sao_suffix": "A", **MILL_14}),
    ("FLAT 14A", {"sao_text": "FLAT", "sao_number": 14, "sao_suffix": "A"}),
    ("FLAT 2A, 14B MILL LANE", {"sao_text": "FLAT", "sao_number": 2, "sao_suffix": "A", "pao_number": 14, "pao_suffix": "B", "street": "MILL LANE"}),
    # a unit word names a flat with no building number
    ("FLAT 14 MILL LANE", {"sao_text": "FLAT", "sao_number": 14, "street": "MILL LANE"}),
    ("FLAT, 14 MILL LANE", {"sao_text": "FLAT", **MILL_14}),
    ("THE FLAT, ROSE COTTAGE, MILL LANE", {"sao_text": "THE FLAT", "pao_text": "ROSE COTTAGE", "street": "MILL LANE"}),
    # ranges
    ("12-14 MILL LANE", {"pao_number": 12, "pao_end_number": 14, "street": "MILL LANE"}),
    ("12 - 14 MILL LANE", {"pao_number": 12, "pao_end_number": 14, "street": "MILL LANE"}),
    ("12A-12C MILL LANE", {"pao_number": 12, "pao_suffix": "A", "pao_end_number": 12, "street": "MILL LANE"}),
    ("14 & 16 MILL LANE", {"pao_number": 14, "pao_end_number": 16, "street": "MILL LANE"}),
    ("UNITS 1-3, MILL LANE", {"sao_text": "UNIT", "sao_number": 1, "sao_end_number": 3, "street": "MILL LANE"}),
    # units and apartments in named buildings
    ("UNIT 4, MILL LANE INDUSTRIAL ESTATE", {"sao_text": "UNIT", "sao_number": 4, "street": "MILL LANE INDUSTRIAL ESTATE"}),
    ("Unit 4 Mill Lane Ind Est", {"sao_text": "UNIT", "sao_number": 4, "street": "MILL LANE INDUSTRIAL ESTATE"}),
    ("UNIT B12, MILL LANE TRADING ESTATE", {"sao_text": "UNIT B12", "street": "MILL LANE TRADING ESTATE"}),
    ("APARTMENT 12, ALBION COURT, MILL LANE", {"sao_text": "APARTMENT", "sao_number": 12, "pao_text": "ALBION COURT", "street": "MILL LANE"}),
    ("APARTMENT 12 ALBION COURT MILL LANE", {"sao_text": "APARTMENT", "sao_number": 12, "pao_text": "ALBION COURT", "street": "MILL LANE"}),
    ("BLOCK B FLAT 3 ALBION COURT MILL LANE", {"sao_text": "FLAT", "sao_number": 3, "pao_text": "BLOCK B ALBION COURT", "street": "MILL LANE"}),
    ("3 ALBION COURT, MILL LANE", {"sao_number": 3, "pao_text": "ALBION COURT", "street": "MILL LANE"}),
    ("FLAT 3, 14 ALBION COURT, MILL LANE", {"sao_text": "FLAT", "sao_number": 3, "pao_text": "ALBION COURT", **MILL_14}),
    ("1 & 2 Clark's Cottages, School Road", {"sao_number": 1, "sao_end_number": 2, "pao_text": "CLARKS COTTAGES", "street": "SCHOOL ROAD"}),
    ("3 HIGH STREET, MILL LANE", {"pao_number": 3, "street": "HIGH STREET", "locality": "MILL LANE"}),
    # building names, with and without numbers
    ("ROSE COTTAGE, MILL LANE", {"pao_text": "ROSE COTTAGE", "street": "MILL LANE"}),
    ("ROSE COTTAGE MILL LANE", {"pao_text": "ROSE COTTAGE", "street": "MILL LANE"}),
    ("ROSE COTTAGE, 14 MILL LANE", {"pao_text": "ROSE COTTAGE", **MILL_14}),
    ("ROSE COTTAGE 14 MILL LANE", {"pao_text": "ROSE COTTAGE", **MILL_14}),
    ("ALBION COURT 3-5 MILL LANE", {"pao_text": "ALBION COURT", "pao_number": 3, "pao_end_number": 5, "street": "MILL LANE"}),
    ("ALBION COURT, MILL LANE", {"pao_text": "ALBION COURT", "street": "MILL LANE"}),
    ("THE OLD RECTORY, CHURCH LANE, LITTLE MARSH, EXBRIDGE", {"pao_text": "THE OLD RECTORY", "street": "CHURCH LANE", "locality": "LITTLE MARSH", "town": "EXBRIDGE"}),
    ("OLD SCHOOL LANE, EXBRIDGE", {"street": "OLD SCHOOL LANE", "town": "EXBRIDGE"}),
    ("ROSE COTTAGE, EXBRIDGE", {"pao_text": "ROSE COTTAGE", "town": "EXBRIDGE"}),
    ("ROSE COTTAGE, CAEHARRIS, DOWLAIS", {"pao_text": "ROSE COTTAGE", "street": "CAEHARRIS", "town": "DOWLAIS"}),
    ("THE MILLS, LITTLE MARSH, EXBRIDGE", {"pao_text": "THE MILLS", "street": "LITTLE MARSH", "town": "EXBRIDGE"}),
    ("MILL LANE 14", MILL_14),
    # descriptors
    ("REAR OF 14 MILL LANE", {"descriptor": "REAR OF", **MILL_14}),
    ("R/O 14 MILL LANE", {"descriptor": "REAR OF", **MILL_14}),
    ("REAR 14 MILL LANE", {"descriptor": "REAR OF", **MILL_14}),
    ("LAND AT MILL LANE", {"descriptor": "LAND AT", "street": "MILL LANE"}),
    ("LAND ADJ TO 14 MILL LANE", {"descriptor": "LAND ADJACENT TO", **MILL_14}),
    ("LAND TO THE REAR OF 14 MILL LANE", {"descriptor": "LAND TO THE REAR OF", **MILL_14}),
    ("O/S 14 MILL LANE", {"descriptor": "OUTSIDE", **MILL_14}),
    ("OPP 14 MILL LANE, EXBRIDGE", {"descriptor": "OPPOSITE", **MILL_14, "town": "EXBRIDGE"}),
    ("NR 14 MILL LANE", {"descriptor": "NEAR", **MILL_14}),
    ("MILL LN J/W CHURCH RD", {"street": "MILL LANE", "descriptor": "JUNCTION WITH", "second_street": "CHURCH ROAD"}),
    ("Mill Lane junction with Church Road, Exbridge", {"street": "MILL LANE", "descriptor": "JUNCTION WITH", "second_street": "CHURCH ROAD", "town": "EXBRIDGE"}),
    ("JUNCTION OF MILL LANE AND CHURCH ROAD", {"street": "MILL LANE", "descriptor": "JUNCTION WITH", "second_street": "CHURCH ROAD"}),
    ("CORNER OF MILL LANE AND CHURCH ROAD", {"street": "MILL LANE", "descriptor": "CORNER OF", "second_street": "CHURCH ROAD"}),
    # places and postcodes
    ("14 Mill Lane, Exbridge", {**MILL_14, "town": "EXBRIDGE"}),
    ("14 Mill Lane Exbridge", {**MILL_14, "town": "EXBRIDGE"}),
    ("14 Mill Lane, Heavitree, Exbridge", {**MILL_14, "locality": "HEAVITREE", "town": "EXBRIDGE"}),
    ("14 mill lane ex4 1aa exeter", {**MILL_14, "town": "EXETER", "postcode": "EX4 1AA"}),
    ("14 Mill Lane, Exbridge, YX1 2AB", {**MILL_14, "town": "EXBRIDGE", "postcode": "YX1 2AB"}),
    ("14 Mill Lane, Exbridge, Devon, YX12AB, UK", {**MILL_14, "town": "EXBRIDGE", "postcode": "YX1 2AB"}),
    ("14 Mill Lane Exbridge YX1 IAB", {**MILL_14, "town": "EXBRIDGE", "postcode": "YX1 1AB"}),
    ("14 HIGH ST, EXBRIDGE", {"pao_number": 14, "street": "HIGH STREET", "town": "EXBRIDGE"}),
    ("14 HIGH ST EXBRIDGE", {"pao_number": 14, "street": "HIGH STREET", "town": "EXBRIDGE"}),
    ("14 ST MARYS RD EXBRIDGE", {"pao_number": 14, "street": "SAINT MARYS ROAD", "town": "EXBRIDGE"}),
    ("14 High St St Ives", {"pao_number": 14, "street": "HIGH STREET", "town": "SAINT IVES"}),
    ("PARK ROAD NORTH, EXBRIDGE", {"street": "PARK ROAD NORTH", "town": "EXBRIDGE"}),
    ("14 THE AVENUE, EXBRIDGE", {"pao_number": 14, "street": "THE AVENUE", "town": "EXBRIDGE"}),
    ("14 MILL COURT ROAD EXBRIDGE", {"pao_number": 14, "street": "MILL COURT ROAD", "town": "EXBRIDGE"}),
    ("89B, CAEHARRIS, DOWLAIS, MERTHYR TYDFIL, CF48 3HB", {"pao_number": 89, "pao_suffix": "B", "street": "CAEHARRIS", "locality": "DOWLAIS", "town": "MERTHYR TYDFIL", "postcode": "CF48 3HB"}),
    # Welsh street names are kept as written
    ("12 Heol y Nant, Exbridge", {"pao_number": 12, "street": "HEOL Y NANT", "town": "EXBRIDGE"}),
    ("12 HEOL Y NANT EXBRIDGE", {"pao_number": 12, "street": "HEOL Y NANT", "town": "EXBRIDGE"}),
    ("12 Heol y Nant / Nant Road, Exbridge", {"pao_number": 12, "street": "HEOL Y NANT", "town": "EXBRIDGE"}),
    ("12 Nant Road / Heol y Nant, Exbridge", {"pao_number": 12, "street": "NANT ROAD", "town": "EXBRIDGE"}),
    ("1 CLOS YR YSGOL, TWYNYRODYN, MERTHYR TYDFIL", {"pao_number": 1, "street": "CLOS YR YSGOL", "locality": "TWYNYRODYN", "town": "MERTHYR TYDFIL"}),
    ("Bryn Awel, Ffordd y Capel, Exbridge", {"pao_text": "BRYN AWEL", "street": "FFORDD Y CAPEL", "town": "EXBRIDGE"}),
    ("3 Lôn Las, Exbridge", {"pao_number": 3, "street": "LON LAS", "town": "EXBRIDGE"}),
    ("Tŷ Gwyn, 4 Stryd Fawr, Exbridge", {"pao_text": "TY GWYN", "pao_number": 4, "street": "STRYD FAWR", "town": "EXBRIDGE"}),
    # abbreviations and habits of service data
    ("APPT 4, Elm Hse, Vicarage Dr", {"sao_text": "APARTMENT", "sao_number": 4, "pao_text": "ELM HOUSE", "street": "VICARAGE DRIVE"}),
    ("G/F Flat, 8 Vicarage Drive", {"sao_text": "GROUND FLOOR FLAT", "pao_number": 8, "street": "VICARAGE DRIVE"}),
    ("GRD FLR FLAT, 1 Ivy Gardens", {"sao_text": "GROUND FLOOR FLAT", "pao_number": 1, "street": "IVY GARDENS"}),
    ("B, 23 Bell Ln", {"sao_suffix": "B", "pao_number": 23, "street": "BELL LANE"}),
    ("Flat No. E, Park Mans, George Rd", {"sao_text": "FLAT", "sao_suffix": "E", "pao_text": "PARK MANSIONS", "street": "GEORGE ROAD"}),
    ("8, Albert Point, Union Road", {"sao_number": 8, "pao_text": "ALBERT POINT", "street": "UNION ROAD"}),
    ("ATTN OCCUPIER, 14 Mill Lane", MILL_14),
    # garbage in: whatever can be found
    ("", {}),
    ("!!!", {}),
    ("\U0001f3e0 14 Mill Lane \U0001f600", MILL_14),
    ("14", {"pao_number": 14}),
    ("FLAT", {"sao_text": "FLAT"}),
    ("YX1 2AB", {"postcode": "YX1 2AB"}),
    ("99999999999 MILL LANE", {"street": "99999999999 MILL LANE"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_parse_address(text: str, expected: dict[str, object]) -> None:
    assert elements(parse_address(text)) == expected


KNOWN_CASES = [
    ("14 Mill Lane Heavitree Exbridge", {**MILL_14, "locality": "HEAVITREE", "town": "EXBRIDGE"}),
    ("14 Caeharris Dowlais Merthyr Tydfil", {"pao_number": 14, "street": "CAEHARRIS", "locality": "DOWLAIS", "town": "MERTHYR TYDFIL"}),
    # A known place after the number is read as the place, not the street ('50, OAKMINSTER'
    # gives no street); the matcher still finds a street of that name in the text.
    ("87 Caeharris", {"pao_number": 87, "town": "CAEHARRIS"}),
    ("12 Darren Las Merthyr Vale Merthyr Tydfil", {"pao_number": 12, "street": "DARREN LAS", "locality": "MERTHYR VALE", "town": "MERTHYR TYDFIL"}),
    ("14 High Street West Bromwich", {"pao_number": 14, "street": "HIGH STREET", "town": "WEST BROMWICH"}),
    ("14 Bridge End Exbridge", {"pao_number": 14, "street": "BRIDGE END", "town": "EXBRIDGE"}),
    ("Rose Cottage Heavitree Exbridge", {"pao_text": "ROSE COTTAGE", "locality": "HEAVITREE", "town": "EXBRIDGE"}),
    ("Heol y Felin Fach Exbridge", {"street": "HEOL Y FELIN FACH", "town": "EXBRIDGE"}),
    # The one name beside known places is a house name, not a locality nobody knows.
    ("Lynwood, Exbridge", {"pao_text": "LYNWOOD", "town": "EXBRIDGE"}),
    ("Lynwood Heavitree Exbridge", {"pao_text": "LYNWOOD", "locality": "HEAVITREE", "town": "EXBRIDGE"}),
    ("Exbridge", {"town": "EXBRIDGE"}),
]


@pytest.mark.parametrize(("text", "expected"), KNOWN_CASES, ids=[c[0] for c in KNOWN_CASES])
def test_parse_address_with_known_places(text: str, expected: dict[str, object]) -> None:
    assert elements(parse_address(text, known_places=KNOWN)) == expected


def test_known_places_are_needed_to_split_places_without_commas() -> None:
    assert elements(parse_address("14 Mill Lane Heavitree Exbridge")) == {**MILL_14, "town": "HEAVITREE EXBRIDGE"}


@pytest.mark.parametrize(
    ("text", "postcode", "expected"),
    [
        ("14 Mill Lane", "yx1 2ab", "YX1 2AB"),
        ("14 Mill Lane, YX9 9ZZ", "YX1 2AB", "YX1 2AB"),  # the postcode column wins
        ("14 Mill Lane, YX9 9ZZ", "not a postcode", "YX9 9ZZ"),
        ("14 Mill Lane", "", None),
        ("14 Mill Lane", None, None),
    ],
)
def test_postcode_column(text: str, postcode: str | None, expected: str | None) -> None:
    parsed = parse_address(text, postcode)
    assert parsed.postcode == expected
    assert parsed.street == "MILL LANE"


def test_tokens_and_normalised_line() -> None:
    parsed = parse_address("Flat 2, 14 Mill Ln, Heol y Nant / Nant Rd, Exbridge, ex4 1aa")
    assert parsed.tokens == ("FLAT", "2", "14", "MILL", "LANE", "HEOL", "Y", "NANT", "NANT", "ROAD", "EXBRIDGE")
    assert parsed.normalised == "FLAT 2 14 MILL LANE HEOL Y NANT / NANT ROAD EXBRIDGE EX4 1AA"


def test_parsed_address_is_frozen_and_slotted() -> None:
    parsed = parse_address("14 Mill Lane")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.street = "CHURCH ROAD"  # type: ignore[misc]
    assert not hasattr(parsed, "__dict__")


def test_parse_addresses_matches_one_by_one() -> None:
    texts = ["Flat 2, 14 Mill Lane", "14 Mill Lane", "Flat 2, 14 Mill Lane", "", "Rose Cottage, Mill Lane"]
    postcodes = ["YX1 2AB", None, "YX1 2AB", None, "yx1 2ab"]
    assert parse_addresses(texts, postcodes) == [parse_address(t, p) for t, p in zip(texts, postcodes)]
    assert parse_addresses(texts) == [parse_address(t) for t in texts]
    assert parse_addresses([], []) == []


def test_parse_addresses_checks_lengths() -> None:
    with pytest.raises(ValueError, match="postcodes"):
        parse_addresses(["14 Mill Lane"], [])


@pytest.mark.parametrize("text", ["x" * 10_000, "14 " * 5_000, "(" * 5_000 + ")" * 4_000, "9" * 10_000, "/-" * 5_000, ", " * 5_000])
def test_long_input_does_not_raise(text: str) -> None:
    assert isinstance(parse_address(text), ParsedAddress)


def test_non_string_input_is_empty() -> None:
    assert parse_address(None) == parse_address("")  # type: ignore[arg-type]
    assert parse_address(float("nan")) == parse_address("")  # type: ignore[arg-type]


@pytest.mark.parametrize("text, flat, building, number, street", [
    ("19, BURNT HEIGHTS, 38-40 TRAFALGAR DRIVE, MILLHAVEN", 19, "BURNT HEIGHTS", 38, "TRAFALGAR DRIVE"),
    ("17, Blackberry Point, 5 Springfield Rd", 17, "BLACKBERRY POINT", 5, "SPRINGFIELD ROAD"),
])
def test_number_before_a_building_at_a_numbered_street_is_the_flat(text, flat, building, number, street):
    p = parse_address(text)
    assert (p.sao_number, p.pao_text, p.pao_number, p.street) == (flat, building, number, street)
