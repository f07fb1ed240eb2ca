"""Records written word for word as one gazetteer row are linked by a join, without parsing."""

from __future__ import annotations

import pandas as pd
import pytest

from geolink.address.normalise import normalise_tokens
from geolink.gazetteer.prepare import prepare_reference
from geolink.match.exact import exact_pairs
from geolink.match.pipeline import match_table

REFERENCE = """uprn,address,postcode
100,"14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
101,"FLAT 1, 14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
102,"FLAT 2, 14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
103,"16 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
105,"3 CHURCH ROAD, EXBRIDGE",YX1 1AD
106,"3 CHURCH ROAD, EXBRIDGE",YX2 2AA
"""


@pytest.fixture
def ref(tmp_path):
    path = tmp_path / "reference.csv"
    path.write_text(REFERENCE)
    prepared = prepare_reference(path, cache=tmp_path / "cache")
    yield prepared
    prepared.close()


def found(texts: list[str], postcodes: list[str], ref) -> dict[int, int]:
    pairs, _ = exact_pairs([normalise_tokens(t) for t in texts], postcodes, ref)
    return dict(zip(pairs["pos"], pairs["uprn"]))


def test_a_row_s_own_words_find_it_whatever_the_case_and_commas(ref):
    assert found(["flat 1 14 Mill Lane Topsham Exbridge", "16, MILL LANE, TOPSHAM, EXBRIDGE, YX1 1AA"],
                 ["YX1 1AA", ""], ref) == {0: 101, 1: 103}


def test_words_several_rows_hold_a_building_of_flats_or_another_postcode_find_nothing(ref):
    # 3 CHURCH ROAD stands in two postcodes: without one, it is two rows; 14 MILL LANE has
    # flats (answered as the parent by the whole matcher); 16 MILL LANE is in YX1 1AA.
    assert found(["3 Church Road, Exbridge", "14 Mill Lane, Topsham, Exbridge", "16 Mill Lane, Topsham, Exbridge",
                  "", "16 Mill Lane"], ["", "YX1 1AA", "YX9 9ZZ", "", ""], ref) == {}


def test_the_join_decides_with_the_whole_matcher_s_bands_and_leaves_the_rest_to_it(ref):
    records = pd.DataFrame({
        "id": ["a", "b", "c", "d"],
        "address": ["3 Church Road, Exbridge", "3 Church Road, Exbridge", "14 Mill Lane, Topsham, Exbridge",
                    "Flat 2 14 Mill Ln Topsham"],
        "postcode": ["YX2 2AA", "", "YX1 1AA", "YX1 1AA"]})
    out = match_table(records, ref, id_column="id", address_columns=["address"],
                      postcode_column="postcode").output.set_index("id")
    # a: word for word, one row: linked with every element agreeing, and no runner-up.
    assert (out.loc["a", "band"], out.loc["a", "uprn"]) == ("exact", 106)
    assert pd.isna(out.loc["a", "runner_up_uprn"]) and "street exact" in out.loc["a", "explanation"]
    # b: two rows hold its words: the whole matcher sees both and cannot choose.
    assert out.loc["b", "band"] not in ("exact", "high")
    # c: a building of flats; d: not the gazetteer's words. Both take the whole path.
    assert (out.loc["c", "band"], out.loc["c", "uprn"]) == ("parent", 100)
    assert (out.loc["d", "band"], out.loc["d", "uprn"]) == ("exact", 102)
