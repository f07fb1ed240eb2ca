"""Postcodes: normalising, repairing typing slips, finding them in text, and their parts."""

import pytest

from geolink.address import (
    extract_postcode,
    normalise_postcode,
    postcode_area,
    postcode_district,
    postcode_sector,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("EX4 1AA", "EX4 1AA"),
        ("ex4 1aa", "EX4 1AA"),
        ("EX41AA", "EX4 1AA"),
        (" ex4  1aa ", "EX4 1AA"),
        ("ex4-1aa", "EX4 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("YX1 2AB", "YX1 2AB"),
        ("CF47 0JA", "CF47 0JA"),
        # inward code is digit + two letters: repair by position
        ("EX4 IAA", "EX4 1AA"),
        ("EX4 1A0", "EX4 1AO"),
        ("EX4 LAA", "EX4 1AA"),
        ("EX4 5A0", "EX4 5AO"),
        # outward code: area letters, district starts with a digit
        ("0X4 1AA", "OX4 1AA"),
        ("EXI 1AA", "EX1 1AA"),
        ("CF47 OJA", "CF47 0JA"),
        ("5W1A 1AA", "SW1A 1AA"),
        ("ÉX4 1AA", "EX4 1AA"),
    ],
)
def test_normalise_postcode(raw: str, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "EX4", "1AA", "EX4 1A", "EX4 1AAA", "14 MILL LANE", "EXETER", "12345", "EXA 1AA", None],
)
def test_normalise_postcode_rejects_other_shapes(raw: str | None) -> None:
    assert normalise_postcode(raw) is None


@pytest.mark.parametrize(
    ("text", "postcode", "rest"),
    [
        ("14 mill lane ex4 1aa exeter", "EX4 1AA", "14 mill lane exeter"),
        ("14 Mill Lane, Exeter, EX4 1AA", "EX4 1AA", "14 Mill Lane, Exeter"),
        ("14 Mill Lane, EX4 1AA, Exeter", "EX4 1AA", "14 Mill Lane, Exeter"),
        ("14 MILL LANE EXETER EX41AA", "EX4 1AA", "14 MILL LANE EXETER"),
        ("14 MILL LANE EXETER EX4 IAA", "EX4 1AA", "14 MILL LANE EXETER"),
        ("14 MILL LANE EXETER EX4IAA", "EX4 1AA", "14 MILL LANE EXETER"),
        ("14 Mill Lane", None, "14 Mill Lane"),
        ("", None, ""),
    ],
)
def test_extract_postcode(text: str, postcode: str | None, rest: str) -> None:
    assert extract_postcode(text) == (postcode, rest)


@pytest.mark.parametrize(
    "text",
    [
        "UNIT B2 3RD FLOOR, MILL LANE",  # an ordinal floor, not inward code 3RD
        "FLAT 10 LEA ROAD",  # a slip is only repaired at the end of the text
        "ROSE LEA",
        "FLAT 10 LEA",  # needs a real letter first
        "UNIT A1 OLD MILL, EXBRIDGE",
    ],
)
def test_extract_postcode_leaves_lookalikes(text: str) -> None:
    assert extract_postcode(text) == (None, text)


def test_extract_postcode_prefers_the_last_postcode() -> None:
    assert extract_postcode("EX1 1AA to EX4 1AA") == ("EX4 1AA", "EX1 1AA to")


@pytest.mark.parametrize(
    ("postcode", "area", "district", "sector"),
    [
        ("EX4 1AA", "EX", "EX4", "EX4 1"),
        ("m1 1ae", "M", "M1", "M1 1"),
        ("EC1A1BB", "EC", "EC1A", "EC1A 1"),
        ("W1A 0AX", "W", "W1A", "W1A 0"),
        ("not a postcode", None, None, None),
        (None, None, None, None),
    ],
)
def test_postcode_parts(postcode: str | None, area: str | None, district: str | None, sector: str | None) -> None:
    assert postcode_area(postcode) == area
    assert postcode_district(postcode) == district
    assert postcode_sector(postcode) == sector
