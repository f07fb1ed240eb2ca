"""Street-only text: recognising it, finding street names in it, matching them to USRNs."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from geolink.address import normalise_text, parse_address
from geolink.streets import combine, is_street_only, match_street_texts, street_layer, streets_from_addresses
from geolink.streets.text import street_like_phrases, street_spans


@pytest.mark.parametrize("text,street_only", [
    ("outside 12 High St", True),
    ("Mill Ln j/w Church Rd", True),
    ("rear of shops, Station Road, Topsham", True),
    ("HIGH STREET (NR BUS STOP)", True),
    ("verge, field cl", True),
    ("Hamilton Way, Pinford", True),
    ("12 High Street", False),
    ("Flat 2, 14 Mill Lane", False),
    ("Rose Cottage, Mill Lane", False),
    ("Old Mill Ave Jct Chalk St., Caldcott", True),
    ("ALEXANDRA ROAD - LAMP POST 7, CALDERBY", True),
    ("12 Junction Road", False),
    ("Flat above shops, 12 High St", False),
])
def test_street_only_records_are_recognised(text, street_only):
    assert is_street_only(parse_address(text)) is street_only


NAMES = {"HIGH STREET": 1, "MILL LANE": 1, "CHURCH ROAD": 1, "STATION ROAD": 1}


def test_street_names_are_found_longest_first_in_reading_order():
    tokens = normalise_text("Mill Ln j/w Church Rd").split()
    assert [name for _, _, name in street_spans(tokens, NAMES, 2)] == ["MILL LANE", "CHURCH ROAD"]


@given(st.text(max_size=80))
def test_finding_names_never_crashes_and_spans_never_overlap(text):
    tokens = normalise_text(text).split()
    spans = street_spans(tokens, NAMES, 2)
    covered = [t for s, e, _ in spans for t in range(s, e)]
    assert len(covered) == len(set(covered))
    assert all(" ".join(tokens[s:e]) == name for s, e, name in spans)
    for start, end, phrase in street_like_phrases(tokens):
        assert " ".join(tokens[start:end]) == phrase


@pytest.fixture(scope="module")
def index():
    """Two HIGH STREETs (Topsham and Exton, 2 km apart), a junction, a lone STATION ROAD."""
    lines = gpd.GeoDataFrame({
        "usrn": [1, 2, 3, 4, 5],
        "name": ["High St", "High Street", "Mill Lane", "Church Road", "Station Road"],
        "locality": ["Topsham", "Exton", "Topsham", "Topsham", "Topsham"],
        "town": ["Exeter"] * 5,
    }, geometry=[shapely.LineString([(0, 0), (200, 0)]), shapely.LineString([(2000, 0), (2200, 0)]),
                 shapely.LineString([(0, 100), (200, 100)]), shapely.LineString([(200, 100), (200, 300)]),
                 shapely.LineString([(0, 500), (300, 500)])], crs=27700)
    no_addresses = pd.DataFrame({c: [] for c in ("usrn", "street", "locality", "town", "x", "y")})
    return combine(streets_from_addresses(no_addresses), street_layer(lines))


def match(index, *texts, points=None):
    x, y = (np.array(p, float) for p in zip(*points)) if points else (np.full(len(texts), np.nan),) * 2
    return match_street_texts(list(texts), x, y, index)


def test_a_unique_street_matches_with_its_usrn(index):
    out = match(index, "rear of shops, Station Road, Topsham", "STATION RD (NR BUS STOP)")
    assert out["usrn"].tolist() == [5, 5] and (out["street_band"] == "street").all()


def test_a_junction_gives_both_usrns(index):
    out = match(index, "Mill Ln j/w Church Rd")
    assert out.loc[0, "usrn"] == 3 and out.loc[0, "usrn_secondary"] == 4


def test_a_name_in_two_localities_is_settled_by_the_place_or_the_point_else_reviewed(index):
    out = match(index, "outside 12 High St, Exton", "High Street", "HIGH ST", "High St, Nowhere",
                points=[(np.nan, np.nan), (2100, 8), (np.nan, np.nan), (np.nan, np.nan)])
    assert out.loc[0, "usrn"] == 2 and out.loc[1, "usrn"] == 2
    assert out.loc[2, "street_band"] == "review" and pd.isna(out.loc[2, "usrn"])
    assert "several USRNs" in out.loc[2, "street_explanation"]
    assert out.loc[3, "street_band"] == "review", "a wrong town does not pick a street"


def test_a_misspelt_street_is_read_by_similarity(index):
    out = match(index, "Statoin Road, Topsham")
    assert out.loc[0, "usrn"] == 5 and out.loc[0, "street_score"] < 0.99


def test_text_with_no_street_is_unmatched(index):
    assert match(index, "the big tree by the park").loc[0, "street_band"] == "unmatched"


def test_a_postcode_settles_a_shared_name():
    lines = gpd.GeoDataFrame({"usrn": [1, 2], "name": ["High Street", "High Street"]},
                             geometry=[shapely.LineString([(0, 0), (200, 0)]),
                                       shapely.LineString([(2000, 0), (2200, 0)])], crs=27700)
    addresses = pd.DataFrame({"usrn": [1, 2], "street": ["HIGH STREET"] * 2, "locality": [None, None],
                              "town": ["EXETER"] * 2, "postcode": ["EX3 0AA", "EX4 1BB"], "x": [50.0, 2050.0],
                              "y": [5.0, 5.0]})
    index = combine(streets_from_addresses(addresses), street_layer(lines))
    nan = np.full(2, np.nan)
    out = match_street_texts(["High St", "High St"], nan, nan, index, postcodes=["EX4 1BB", None])
    assert out.loc[0, "usrn"] == 2 and "postcode EX4 1BB" in out.loc[0, "street_explanation"]
    assert out.loc[1, "street_band"] == "review"
