"""The synthetic town is structurally like real council data: areas, gazetteer, services, truth."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geolink.synth import make_town, messy

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
SIZE_RULES = {"oa": (40, 250), "lsoa": (400, 1_200), "msoa": (2_000, 6_000)}
PARENT = {"oa": "lsoa", "lsoa": "msoa"}


def _households(town) -> gpd.GeoDataFrame:
    g = town.gazetteer
    homes = g[(g["status"] == "approved") & g["classification"].str.startswith("RD")]
    return gpd.GeoDataFrame(homes, geometry=gpd.points_from_xy(homes["x"], homes["y"]), crs="EPSG:27700")


@pytest.mark.parametrize("level", ["oa", "lsoa", "msoa"])
def test_area_sizes_follow_ons_rules(town, level):
    low, high = SIZE_RULES[level]
    households = town.areas[level]["households"]
    assert households.between(low, high).all(), households.describe()


@pytest.mark.parametrize("level", ["oa", "lsoa", "msoa", "ward"])
def test_areas_tile_the_town_without_gaps_or_overlaps(town, level):
    layer = town.areas[level]
    lad = town.areas["lad"].geometry.iloc[0]
    union = shapely.union_all(layer.geometry.values)
    assert union.symmetric_difference(lad).area < 1e-6 * lad.area
    assert layer.geometry.area.sum() == pytest.approx(lad.area, rel=1e-9)


@pytest.mark.parametrize("child", ["oa", "lsoa"])
def test_areas_nest_in_their_parent(town, child):
    parent = PARENT[child]
    parents = town.areas[parent].set_index("code").geometry
    children = town.areas[child]
    for code, geometry in zip(children[f"{parent}_code"], children.geometry):
        assert parents[code].buffer(1e-6).contains(geometry), (child, code)


def test_wards_do_not_nest_in_lsoas(town):
    lsoa, ward = town.areas["lsoa"], town.areas["ward"]
    pieces = gpd.overlay(lsoa[["code", "geometry"]], ward[["code", "geometry"]].rename(columns={"code": "ward"}),
                         keep_geom_type=True)
    pieces = pieces[pieces.area > 1.0]
    split = pieces.groupby("code")["ward"].nunique()
    assert (split > 1).any(), "every LSOA lies inside one ward: wards nest"


@pytest.mark.parametrize("level", ["oa", "lsoa", "msoa", "ward"])
def test_households_column_counts_homes_inside_each_area(town, level):
    homes = _households(town)
    joined = gpd.sjoin(homes[["geometry"]], town.areas[level][["code", "geometry"]], predicate="within")
    counted = joined.groupby("code").size()
    expected = town.areas[level].set_index("code")["households"]
    assert len(joined) == len(homes), "a household fell outside every area or on a boundary"
    pd.testing.assert_series_equal(counted.reindex(expected.index, fill_value=0), expected,
                                   check_names=False, check_dtype=False)


def test_gazetteer_has_exactly_the_requested_addresses(town):
    approved = town.gazetteer[town.gazetteer["status"] == "approved"]
    assert len(approved) == 20_000
    assert approved["uprn"].is_unique


def test_gazetteer_has_alternative_and_historic_records_of_real_uprns(town):
    g = town.gazetteer
    approved = set(g.loc[g["status"] == "approved", "uprn"])
    for status in ("alternative", "historic"):
        rows = g[g["status"] == status]
        assert len(rows) > 50, status
        assert set(rows["uprn"]) <= approved


def test_children_point_at_parent_shells_and_share_their_point(town):
    g = town.gazetteer[town.gazetteer["status"] == "approved"].set_index("uprn")
    children = g[g["parent_uprn"] > 0]
    assert len(children) > 500
    parents = g.loc[children["parent_uprn"]]
    assert (parents["classification"] == "PP").all()
    assert np.allclose(parents["x"].to_numpy(), children["x"].to_numpy())
    assert np.allclose(parents["y"].to_numpy(), children["y"].to_numpy())
    assert set(children["sao_text"]) >= {"FLAT", "APARTMENT", "UNIT", "GROUND FLOOR FLAT"}


def test_gazetteer_mixes_residential_commercial_and_other_classes(town):
    classes = town.gazetteer["classification"]
    assert classes.str.startswith("RD").mean() > 0.7
    assert classes.str.startswith("C").any() and classes.str.startswith("Z").any()


def test_addresses_lie_along_their_street(town):
    approved = town.gazetteer[town.gazetteer["status"] == "approved"]
    streets = town.streets.set_index("usrn").geometry
    points = shapely.points(approved["x"].to_numpy(), approved["y"].to_numpy())
    lines = streets.loc[approved["usrn"]].values
    assert shapely.distance(points, lines).max() < 20.0


def test_street_names_repeat_across_localities_but_not_within_one(town):
    s = town.streets.assign(place=town.streets["locality"] + "|" + town.streets["town"])
    assert not s.duplicated(["name", "place"]).any()
    assert (s.groupby("name")["place"].nunique() > 1).any()


def test_some_places_are_post_towns_of_their_own(town):
    towns = set(town.gazetteer["town"])
    assert len(towns) > 1 and town.name in towns


def test_postcode_units_hold_about_fifteen_addresses(town):
    pc = town.postcodes
    assert pc["postcode"].str.match(POSTCODE).all()
    assert pc["postcode"].is_unique
    assert 10 <= pc["addresses"].mean() <= 20
    assert set(town.gazetteer["postcode"]) <= set(pc["postcode"])
    assert (pc["sector"] + pc["postcode"].str[-2:] == pc["postcode"]).all()


def test_every_service_record_has_one_truth_row(town):
    truth = town.truth
    assert not truth.duplicated(["dataset", "record_id"]).any()
    for name, frame in town.services.items():
        ids = set(truth.loc[truth["dataset"] == name, "record_id"])
        assert ids == set(frame["record_id"]), name


def test_truth_labels_point_at_real_gazetteer_rows(town):
    truth = town.truth
    g = town.gazetteer[town.gazetteer["status"] == "approved"].set_index("uprn")
    linked = truth.dropna(subset=["uprn"])
    assert set(linked["uprn"].astype("int64")) <= set(g.index)
    assert (g.loc[linked["uprn"].astype("int64"), "usrn"].to_numpy() == linked["usrn"].astype("int64").to_numpy()).all()
    assert set(truth["usrn"].dropna().astype("int64")) <= set(town.streets["usrn"])


def test_truth_has_unmatchable_street_only_and_point_only_records(town):
    truth = town.truth
    no_uprn = truth[truth["uprn"].isna()]
    assert (no_uprn["usrn"].isna()).sum() > 5, "some addresses are on streets that do not exist"
    assert (no_uprn["usrn"].notna()).sum() > 50, "street-only records carry a USRN"
    repairs = town.services["housing_repairs"]
    point_only = repairs[(repairs["property_address"] == "") & repairs["latitude"].notna()]
    assert len(point_only) > 20
    reports = town.services["street_reports"]
    assert ((reports["location"] == "") & reports["easting"].notna()).sum() > 20


def test_truth_says_what_a_record_lost_for_good(town):
    truth = town.truth.set_index(["dataset", "record_id"])
    assert set(truth["lost"]) == {"", "flat", "street", "address"}
    repairs = town.services["housing_repairs"].set_index("record_id")
    lost = truth.loc["housing_repairs", "lost"].reindex(repairs.index)
    assert (repairs.loc[lost == "address", "property_address"] == "").all()
    assert (repairs.loc[lost != "address", "property_address"] != "").all()
    g = town.gazetteer[town.gazetteer["status"] == "approved"].set_index("uprn")
    flats = truth[truth["lost"] == "flat"]["uprn"].astype("int64")
    assert (g.loc[flats, "parent_uprn"].notna()).all(), "a flat can only be left off a flat's address"
    assert (truth.loc[truth["uprn"].isna(), "lost"] == "").all()
    assert 0.005 < (truth["lost"] == "flat").mean() < 0.03


def test_a_record_left_with_only_a_number_is_lost_unless_its_postcode_is_kept(town):
    # '33', '2/7' or '46, OAKMINSTER' name no street and no house: only a kept postcode finds them.
    records = pd.concat([town.services["adult_social_care"][["record_id", "address", "postcode"]],
                         town.services["housing_repairs"].rename(columns={"property_address": "address"})
                         [["record_id", "address", "postcode"]]]).set_index("record_id")
    truth = town.truth.set_index("record_id").reindex(records.index)
    records, truth = records[truth["uprn"].notna()], truth[truth["uprn"].notna()]
    places = set(town.gazetteer["town"]) | set(town.gazetteer["locality"])
    bare = records["address"].str.upper().str.split(r"[,\s]+").map(
        lambda words: any(words) and all(w.isdigit() or "/" in w or w in places for w in words if w))
    assert bare.sum() > 5
    true_postcode = truth["uprn"].map(town.gazetteer.drop_duplicates("uprn").set_index("uprn")["postcode"])
    kept = [messy.postcode_kept(k, t) for k, t in zip(records["postcode"], true_postcode)]
    bare &= truth["lost"] != "flat"  # a flat left off is lost whatever the postcode
    assert (truth["lost"][bare] == np.where(np.array(kept)[bare.to_numpy()], "", "street")).all()


def test_postcode_kept_sets_aside_spacing_case_and_letter_digit_slips():
    assert messy.postcode_kept("yx15ew", "YX1 5EW") and messy.postcode_kept("YXI 5EW", "YX1 5EW")
    assert not messy.postcode_kept("", "YX1 5EW") and not messy.postcode_kept("YX1 5EU", "YX1 5EW")


def test_service_records_are_messy_like_real_ones(town):
    text = pd.concat([town.services["adult_social_care"]["address"],
                      town.services["housing_repairs"]["property_address"]])
    cts = town.services["council_tax_support"]
    assert text.str.contains(r"\d+/\d+").any(), "flat/number written with a slash"
    assert text.str.contains(r"(?i)\bGFF\b|ground floor").any()
    assert text.str.contains(r"(?i)\b(?:rd|st|ave|cl|gdns)\b").any(), "abbreviations"
    assert text.str.contains(r"[a-z]").any() and text.str.contains(r"^[A-Z0-9 ,/-]+$").any(), "mixed case"
    assert text.str.contains(r"\b\d+-\d+\b").any(), "number ranges"
    assert (cts["postcode"] == "").mean() > 0.05, "missing postcodes"
    assert cts["postcode"].str.match(r"^[A-Z]{2}\d+[0-9][A-Z]{2}$").any(), "postcodes without a space"
    assert (cts["address_line_4"] == "").mean() > 0.3


def test_person_fields_are_present_for_pseudonymisation(town):
    for frame in town.services.values():
        assert {"full_name", "date_of_birth", "phone"} <= set(frame.columns)
    nhs = town.services["adult_social_care"]["nhs_number"].str.replace(" ", "")
    digits = np.array([[int(c) for c in n] for n in nhs])
    check = (11 - (digits[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11) % 11
    assert (check == digits[:, 9]).all(), "NHS numbers carry valid check digits"
    assert nhs.str.startswith("999").all(), "test range only"


@pytest.mark.parametrize("n", [200, 1_000])
def test_small_towns_work(n):
    t = make_town(n, 1)
    assert (t.gazetteer["status"] == "approved").sum() == n
    assert len(t.truth) == sum(len(f) for f in t.services.values())


def test_the_small_borough_fixture_is_small(borough):
    assert len(borough.gazetteer) < 1_000
