"""Records written word for word as one gazetteer row are linked by a join, without parsing."""

from __future__ import annotations

import pandas as pd
import pytest

from geolink.address.normalise import normalise_tokens
from geolink.match.exact import exact_pairs
from geolink.match.forms import OMITS_LOCALITY, OMITS_TOWN
from geolink.match.pipeline import match_table



def found(texts: list[str], postcodes: list[str], ref) -> dict[int, int]:
    pairs, _ = exact_pairs([normalise_tokens(t) for t in texts], postcodes, ref)
    return dict(zip(pairs["pos"], pairs["uprn"]))


def test_a_row_s_own_words_find_it_whatever_the_case_and_commas(mill_lane):
    assert found(["flat 1 14 Mill Lane Topsham Exbridge", "16, MILL LANE, TOPSHAM, EXBRIDGE, YX1 1AA"],
                 ["YX1 1AA", ""], mill_lane) == {0: 101, 1: 103}


def test_words_several_rows_hold_a_building_of_flats_or_another_postcode_find_nothing(mill_lane):
    # 3 CHURCH ROAD stands in two postcodes: without one, it is two rows; 14 MILL LANE has
    # flats (answered as the parent by the whole matcher), even without its places; 16 MILL
    # LANE is in YX1 1AA.
    assert found(["3 Church Road, Exbridge", "14 Mill Lane, Topsham, Exbridge", "16 Mill Lane, Topsham, Exbridge",
                  "", "14 Mill Lane"], ["", "YX1 1AA", "YX9 9ZZ", "", ""], mill_lane) == {}


def test_the_join_decides_with_the_whole_matcher_s_bands_and_leaves_the_rest_to_it(mill_lane):
    records = pd.DataFrame({
        "id": ["a", "b", "c", "d"],
        "address": ["3 Church Road, Exbridge", "3 Church Road, Exbridge", "14 Mill Lane, Topsham, Exbridge",
                    "Flat 2 14 Mill Ln Topsham"],
        "postcode": ["YX2 2AA", "", "YX1 1AA", "YX1 1AA"]})
    out = match_table(records, mill_lane, id_column="id", address_columns=["address"],
                      postcode_column="postcode").output.set_index("id")
    # a: word for word, one row: linked with every element agreeing, and no runner-up.
    assert (out.loc["a", "band"], out.loc["a", "uprn"]) == ("exact", 106)
    assert pd.isna(out.loc["a", "runner_up_uprn"]) and "street exact" in out.loc["a", "explanation"]
    # b: two rows hold its words: the whole matcher sees both and cannot choose.
    assert out.loc["b", "band"] not in ("exact", "high")
    # c: a building of flats; d: not the gazetteer's words. Both take the whole path.
    assert (out.loc["c", "band"], out.loc["c", "uprn"]) == ("parent", 100)
    assert (out.loc["d", "band"], out.loc["d", "uprn"]) == ("exact", 102)


PLACES = """uprn,address,postcode
200,"5 KING STREET, DUNFIELD, OAKMINSTER",YX1 1AA
201,"7 KING STREET, DUNFIELD, OAKMINSTER",YX1 1AA
202,"2 SPRING WAY, OAKMINSTER",YX2 2AA
203,"2 SPRING WAY, DARTBURY, OAKMINSTER",YX3 3AA
204,"26 JASMINE AVENUE, OAKMINSTER",YX2 2AB
205,"26 JASMINE AVENUE, DUNFIELD, OAKMINSTER",YX1 1AB
"""


@pytest.fixture
def places_ref(prepared):
    return prepared(PLACES)


def test_the_forms_of_a_row_leave_out_its_town_its_locality_or_both(places_ref):
    forms = places_ref.con.execute("SELECT form, omits FROM ref_form f JOIN ref_address USING (row_id) "
                                   "WHERE uprn = 200 ORDER BY omits").fetchall()
    assert forms == [("5 KING STREET DUNFIELD OAKMINSTER", 0), ("5 KING STREET DUNFIELD", OMITS_TOWN),
                     ("5 KING STREET OAKMINSTER", OMITS_LOCALITY), ("5 KING STREET", OMITS_TOWN | OMITS_LOCALITY)]
    # A row without a locality has no form leaving one out.
    assert places_ref.con.execute("SELECT list(form ORDER BY omits) FROM ref_form f JOIN ref_address USING (row_id) "
                                  "WHERE uprn = 202").fetchone()[0] == ["2 SPRING WAY OAKMINSTER", "2 SPRING WAY"]


def test_a_record_leaving_out_its_places_is_found_when_one_row_s_form_holds_its_words(places_ref):
    texts = ["5 King St, Dunfield", "5 KING STREET, OAKMINSTER", "5 King Street", "7 King Street", "5 King Street"]
    assert found(texts, ["", "", "YX1 1AA", "", "YX9 9ZZ"], places_ref) == {0: 200, 1: 200, 2: 200, 3: 201}


def test_a_row_s_whole_text_comes_before_another_row_without_its_locality(places_ref):
    # '2 SPRING WAY, OAKMINSTER' is 202 written whole, and 203 without DARTBURY: the whole
    # text wins. '26 JASMINE AVENUE' is 204 without its town and 205 without both places:
    # neither comes first, so the whole matcher decides.
    assert found(["2 Spring Way, Oakminster", "26 Jasmine Avenue", "2 Spring Way, Dartbury"], ["", "", ""],
                 places_ref) == {0: 202, 2: 203}


def test_the_places_a_record_leaves_out_are_left_out_of_its_comparison(places_ref):
    pairs, records = exact_pairs([normalise_tokens(t) for t in ["5 King Street, Dunfield", "5 King Street"]],
                                 ["", "YX1 1AA"], places_ref)
    assert list(pairs["uprn"]) == [200, 200]
    assert list(records["locality"]) == ["DUNFIELD", ""] and list(records["town"]) == ["", ""]
    assert list(records["text"]) == ["5 KING STREET DUNFIELD", "5 KING STREET"]
    assert list(records["postcode"]) == ["", "YX1 1AA"]


def test_a_row_without_a_postcode_is_found_by_a_record_with_one(prepared):
    no_postcodes = prepared('uprn,address,postcode\n300,"9 QUAY HILL, EXBRIDGE",\n301,"11 QUAY HILL, EXBRIDGE",\n')
    assert found(["9 Quay Hill, Exbridge", "11 Quay Hill"], ["YX1 2QH", "YX9 9ZZ"], no_postcodes) == {0: 300, 1: 301}
