"""Words run together are split into the reference's words before parsing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from geolink.match.joined import joined_words, split_joined

VOCABULARY = frozenset({"IDLOES", "HOUSE", "MERTHYR", "TYDFIL", "THE", "STRAND", "ROSE", "ROSES", "SROSE"})


def test_a_word_made_of_two_reference_words_is_split():
    assert split_joined(["Idloeshouse, Upper High St", "2 Thestrand, MerthyrTydfil"], VOCABULARY) == [
        "IDLOES HOUSE, Upper High St", "2 THE STRAND, MERTHYR TYDFIL"]


def test_known_short_and_ambiguous_words_are_left_alone():
    # HOUSE and IDLOES are reference words; THESE is too short; RED of REDROSES is not a
    # reference word.
    assert joined_words({"HOUSE", "IDLOES", "THESE", "REDROSES"}, VOCABULARY) == {}
    # ROSESROSE reads as ROSE+SROSE or ROSES+ROSE: two ways, so neither.
    assert joined_words({"ROSESROSE"}, VOCABULARY) == {}


@given(st.lists(st.text(max_size=40), max_size=5))
def test_splitting_never_fails_and_twice_changes_nothing(texts):
    once = split_joined(texts, VOCABULARY)
    assert len(once) == len(texts)
    assert split_joined(once, VOCABULARY) == once
