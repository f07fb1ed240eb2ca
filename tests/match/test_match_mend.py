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
