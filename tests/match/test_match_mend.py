"""Words are mended before parsing: run-together words split, a misspelt closing place corrected."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from geolink.match.mend import joined_words, mend

VOCABULARY = frozenset({"IDLOES", "HOUSE", "MERTHYR", "TYDFIL", "THE", "STRAND", "ROSE", "ROSES", "SROSE",
                        "ABERCANAID", "CASTLE", "SQUARE", "PARK", "VILLAS", "VALE"})
PLACES = frozenset({"MERTHYR TYDFIL", "MERTHYR VALE", "ABERCANAID", "CASTLE PARK", "VILLAS"})


def test_a_word_made_of_two_reference_words_is_split():
    assert mend(["Idloeshouse, Upper High St", "2 Thestrand, MerthyrTydfil"], VOCABULARY, PLACES) == [
        "IDLOES HOUSE, Upper High St", "2 THE STRAND, MERTHYR TYDFIL"]


def test_known_short_and_ambiguous_words_are_left_alone():
    # HOUSE and IDLOES are reference words; THESE is too short; RED of REDROSES is not a
    # reference word.
    assert joined_words({"HOUSE", "IDLOES", "THESE", "REDROSES"}, VOCABULARY) == {}
    # ROSESROSE reads as ROSE+SROSE or ROSES+ROSE: two ways, so neither.
    assert joined_words({"ROSESROSE"}, VOCABULARY) == {}


def test_misspelt_places_closing_the_address_are_corrected():
    assert mend(["PENYBRYN BUNGALOW ABERCANAID MSRTHYR TYDFIL", "9 Oaklands, Mrethyr Vale, Merthyr Tydfil",
                 "Ty Gwyn, Abercanaidd, MERTHYR TYDFIL"], VOCABULARY, PLACES) == [
        "PENYBRYN BUNGALOW ABERCANAID MERTHYR TYDFIL", "9 Oaklands, MERTHYR Vale, Merthyr Tydfil",
        "Ty Gwyn, ABERCANAID, MERTHYR TYDFIL"]


def test_words_not_closing_the_address_or_spelling_no_place_are_left_alone():
    # CASTTLE is a street word here, not a place closing the address; MSRTHYR without
    # TYDFIL spells no place; VILLAS is a building word the reference holds as a locality.
    texts = ["19 CASTTLE SQUARE, MERTHYR TYDFIL", "4 HIGH STREET MSRTHYR", "Park Villla, Merthyr Tydfil"]
    assert mend(texts, VOCABULARY, PLACES) == texts


@given(st.lists(st.text(max_size=40), max_size=5))
def test_mending_never_fails_and_twice_changes_nothing(texts):
    once = mend(texts, VOCABULARY, PLACES)
    assert len(once) == len(texts)
    assert mend(once, VOCABULARY, PLACES) == once


def test_a_word_and_a_street_type_run_together_are_split():
    assert mend(["3 Vicaragedr, Merthyr Tydfil", "6 Idloesrd"], VOCABULARY | {"VICARAGE"}, PLACES) == [
        "3 VICARAGE DR, Merthyr Tydfil", "6 IDLOES RD"]


def test_a_word_split_in_two_is_joined():
    vocabulary = VOCABULARY | {"CHARLES", "VIEW", "ROUNDTABLE", "CLOSE", "ROUND", "FOREST", "FORE"}
    assert mend(["33 C HARLES VIEW", "28 Round Table Cl, MERTHYR TYDFIL", "4 Castle S Quare"], vocabulary, PLACES) == [
        "33 CHARLES VIEW", "28 ROUNDTABLE Cl, MERTHYR TYDFIL", "4 Castle SQUARE"]


def test_known_words_abbreviations_and_parts_of_words_are_not_joined():
    # FORE ST is FORE STREET, not FOREST; ROSES and ROSE are both reference words; the C
    # of 33C is a suffix, not the start of a word; a comma parts C and HARLES.
    vocabulary = VOCABULARY | {"CHARLES", "FOREST", "FORE", "ROSESROSE"}
    texts = ["12 FORE ST", "ROSES ROSE", "33C HARLES VIEW", "33 C, HARLES VIEW"]
    assert mend(texts, vocabulary, PLACES) == texts


def test_a_house_number_inside_its_street_s_name_is_put_before_it():
    assert mend(["FLAT 3, Chestnut 11 Road, Merthyr Tydfil", "WINTER 1 ST", "Bell 28 Gr Abercanaid"],
                VOCABULARY, PLACES) == ["FLAT 3, 11 Chestnut Road, Merthyr Tydfil", "1 WINTER ST", "28 Bell Gr Abercanaid"]


def test_units_descriptors_letters_and_longer_streets_keep_their_numbers():
    texts = ["Flat 2 Park Road", "OPPOSITE 3 PARK ROAD", "B 9 PARK PLACE", "FAIRLAWN 21 CRESCENT STREET",
             "MENAI 1 ST DONATS CLOSE", "Rose Cottage, 2 Park Road"]
    assert mend(texts, VOCABULARY, PLACES) == texts
