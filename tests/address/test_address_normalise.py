"""normalise_text: characters, tokens, expansions, ST, noise; and the vocabulary invariants behind it."""

import pytest

from geolink.address import compact, normalise_text
from geolink.address import vocabulary as vocab


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # case, punctuation, whitespace
        ("14 mill lane", "14 MILL LANE"),
        ("  14,   Mill  Lane.  ", "14 MILL LANE"),
        ("14\tMill\nLane;Exbridge|Devon", "14 MILL LANE EXBRIDGE"),
        ("St. Mary's Rd.", "SAINT MARYS ROAD"),
        ("St Mary\u2019s Road", "SAINT MARYS ROAD"),
        # unicode to ASCII
        ("Caf\u00e9 Rouge, 3 R\u00fce Lane", "CAFE ROUGE 3 RUE LANE"),
        ("L\u00f4n Las", "LON LAS"),
        ("Stra\u00dfe House", "STRASSE HOUSE"),
        ("12\u201314 Mill Lane", "12-14 MILL LANE"),
        # meaningful punctuation is kept
        ("2/14 Mill Lane", "2/14 MILL LANE"),
        ("2 / 14 Mill Lane", "2/14 MILL LANE"),
        ("12-14 Mill Lane", "12-14 MILL LANE"),
        ("12 - 14 Mill Lane", "12-14 MILL LANE"),
        ("14a-14c Mill Lane", "14A-14C MILL LANE"),
        ("Stoke-on-Trent", "STOKE ON TRENT"),
        ("Heol y Nant/Nant Road", "HEOL Y NANT / NANT ROAD"),
        ("Heol y Nant / Nant Road", "HEOL Y NANT / NANT ROAD"),
        ("Mill Lane /", "MILL LANE"),
        # house numbers
        ("No. 14 Mill Lane", "14 MILL LANE"),
        ("Number 14 Mill Lane", "14 MILL LANE"),
        ("14 a Mill Lane", "14A MILL LANE"),
        ("2 Y Felin", "2 Y FELIN"),
        # abbreviations
        ("14 Mill Ln", "14 MILL LANE"),
        ("3 Albion Ct, Church Rd", "3 ALBION COURT CHURCH ROAD"),
        ("Flt 2 14 Mill Ave", "FLAT 2 14 MILL AVENUE"),
        ("Apt 4, Rose Hse", "APARTMENT 4 ROSE HOUSE"),
        ("GFF 14 Mill Lane", "GROUND FLOOR FLAT 14 MILL LANE"),
        ("1st Flr Flat", "FIRST FLOOR FLAT"),
        ("2nd Avenue", "SECOND AVENUE"),
        ("Mill Ln J/W Church Rd", "MILL LANE JUNCTION WITH CHURCH ROAD"),
        ("O/S 14 Mill Lane", "OUTSIDE 14 MILL LANE"),
        ("R/O 14 Mill Lane", "REAR OF 14 MILL LANE"),
        ("Opp 14 Mill Lane", "OPPOSITE 14 MILL LANE"),
        ("Nth Sq", "NORTH SQUARE"),
        ("Mill Lane Ind Est", "MILL LANE INDUSTRIAL ESTATE"),
        ("Cl", "CLOSE"),
        # "&"
        ("1 & 2 Clark's Cottages", "1 AND 2 CLARKS COTTAGES"),
        # ST: saint before a name, street where it ends the street
        ("St Marys Road", "SAINT MARYS ROAD"),
        ("14 St Johns St", "14 SAINT JOHNS STREET"),
        ("High St", "HIGH STREET"),
        ("High St, Exbridge", "HIGH STREET EXBRIDGE"),
        ("High St Exbridge", "HIGH STREET EXBRIDGE"),
        ("Park St Exbridge", "PARK STREET EXBRIDGE"),
        ("Mill Lane, St Ives", "MILL LANE SAINT IVES"),
        ("14 High St St Ives", "14 HIGH STREET SAINT IVES"),
        ("Rose Cottage, St Aldates", "ROSE COTTAGE SAINT ALDATES"),
        ("Rose Cottage St Aldates", "ROSE COTTAGE SAINT ALDATES"),
        ("Church of St Mary", "CHURCH OF SAINT MARY"),
        ("Flat 2 St Annes Court", "FLAT 2 SAINT ANNES COURT"),
        # noise: care of, countries and counties at the end, bracketed comments
        ("c/o Mrs J Smith, 14 Mill Lane", "14 MILL LANE"),
        ("C/O J SMITH 14 MILL LANE", "14 MILL LANE"),
        ("14 Mill Lane, c/o Smith", "14 MILL LANE SMITH"),
        ("14 Mill Lane, Exbridge, UK", "14 MILL LANE EXBRIDGE"),
        ("14 Mill Lane, Exbridge, United Kingdom", "14 MILL LANE EXBRIDGE"),
        ("14 Mill Lane, Exbridge, Devon, England", "14 MILL LANE EXBRIDGE"),
        ("14 Heol y Nant, Merthyr Tydfil, Mid Glamorgan, Wales", "14 HEOL Y NANT MERTHYR TYDFIL"),
        ("14 Prince of Wales Road", "14 PRINCE OF WALES ROAD"),
        ("14 New England Road", "14 NEW ENGLAND ROAD"),
        ("14 Kent Road", "14 KENT ROAD"),
        ("Essex", "ESSEX"),
        ("14 Mill Lane, Gt Britain", "14 MILL LANE"),
        ("14 Mill Lane (rear entrance)", "14 MILL LANE"),
        ("14 Mill Lane [key safe 1234]", "14 MILL LANE"),
        ("14 Mill Lane (Flat 2)", "14 MILL LANE FLAT 2"),
        ("(GFF) 14 Mill Lane", "GROUND FLOOR FLAT 14 MILL LANE"),
        ("14 Mill Lane (deceased", "14 MILL LANE DECEASED"),
        # the postcode is normalised and moved to the end
        ("14 mill lane ex4 1aa exeter", "14 MILL LANE EXETER EX4 1AA"),
        ("14 Mill Lane, Exbridge, YX12AB", "14 MILL LANE EXBRIDGE YX1 2AB"),
        ("14 Mill Lane, Exbridge, YX1 2AB, UK", "14 MILL LANE EXBRIDGE YX1 2AB"),
        ("14 Mill Lane, Exbridge YX1 IAB", "14 MILL LANE EXBRIDGE YX1 1AB"),
        # degenerate input
        ("", ""),
        ("   ", ""),
        (",,,;;", ""),
        ("\U0001f3e0\U0001f600", ""),
        ("()", ""),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_normalise_text_takes_non_strings_as_empty() -> None:
    assert normalise_text(None) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [("ROUNDTABLE", "ROUND TABLE"), ("CORNMILL", "CORN MILL"), ("THE OLD  MILL", "THEOLDMILL")],
)
def test_compact_makes_joined_and_split_words_equal(a: str, b: str) -> None:
    assert compact(a) == compact(b)


def test_no_expansion_is_expanded_again() -> None:
    for source, replacement in vocab.EXPANSIONS.items():
        for token in replacement:
            assert vocab.EXPANSIONS.get(token, (token,)) == (token,), (source, token)
            assert token != "ST"


def test_expansions_never_produce_words_that_are_dropped() -> None:
    produced = {token for replacement in vocab.EXPANSIONS.values() for token in replacement}
    assert not produced & {phrase[-1] for phrase in vocab.TRAILING_NOISE}
    assert not produced & vocab.NUMBER_WORDS
    assert vocab.CARE_OF not in produced


def test_tables_are_upper_case_ascii() -> None:
    words = (
        set(vocab.STREET_TYPES)
        | vocab.BUILDING_WORDS
        | set(vocab.EXPANSIONS)
        | set(vocab.UNIT_WORDS)
        | vocab.FLOOR_LEVELS
        | vocab.SAINT_NAMES
        | vocab.WELSH_STREET_WORDS
    )
    for word in words:
        assert word == word.upper() and word.isascii() and " " not in word, word
