"""Placing points in areas: boundaries, nesting, households, and the synthetic town's layers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from hypothesis import given
from hypothesis import strategies as st

from geolink.geography import AreaLayers, household_mask, locate, place_points, place_uprns, to_bng
from geolink.geography.areas import canonical_layer

import geopandas as gpd

SQUARES = np.array([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)])
CODES = np.array(["B2", "A1"])


def test_a_point_on_a_shared_boundary_goes_to_exactly_one_area():
    placed = locate(np.array([10.0, 10.0, 5.0, 15.0]), np.array([5.0, 10.0, 5.0, 5.0]), CODES, SQUARES)
    assert placed.tolist() == ["A1", "A1", "B2", "A1"]  # on the edge: the smaller code, every time


@given(st.floats(-5, 25), st.floats(-5, 15))
def test_every_point_is_in_at_most_one_area_and_inside_points_in_one(x, y):
    placed = locate(np.array([x]), np.array([y]), CODES, SQUARES, snap=0)
    inside = 0 <= x <= 20 and 0 <= y <= 10
    assert (placed[0] is not None) == inside


def test_points_just_outside_snap_in_and_far_or_missing_points_stay_out():
    placed = locate(np.array([20.5, 30.0, np.nan]), np.array([5.0, 5.0, 1.0]), CODES, SQUARES)
    assert placed.tolist() == ["A1", None, None]


def test_wgs84_points_convert_to_british_national_grid():
    # Exeter Cathedral: about 292,100 E, 92,500 N
    x, y = to_bng(np.array([-3.5300]), np.array([50.7224]))
    assert abs(x[0] - 292_100) < 300 and abs(y[0] - 92_500) < 300


def test_households_are_dwellings_or_hmos_and_parents_are_not_homes():
    cls = pd.Series(["RD04", "RH01", "CR01", "PP", "RI01", None])
    assert household_mask(cls, pd.Series(range(6)), pd.Series([None] * 6)).tolist() == [
        True, True, False, False, False, False]
    unclassified = household_mask(pd.Series([""] * 3), pd.Series([1, 2, 3]), pd.Series([None, 1, 1]))
    assert unclassified.tolist() == [False, True, True]


def nested_layers() -> AreaLayers:
    oa = gpd.GeoDataFrame({"code": ["O1", "O2"], "lsoa_code": ["L1", "L1"]}, geometry=list(SQUARES), crs=27700)
    lsoa = gpd.GeoDataFrame({"code": ["L1"]}, geometry=[shapely.box(0, 0, 20, 10)], crs=27700)
    ward = gpd.GeoDataFrame({"code": ["W1", "W2"]}, geometry=[shapely.box(0, 0, 12, 10), shapely.box(12, 0, 20, 10)],
                            crs=27700)
    return AreaLayers(gpd.GeoDataFrame(pd.concat([canonical_layer(oa, "oa"), canonical_layer(lsoa, "lsoa"),
                                                  canonical_layer(ward, "ward")]), crs=27700))


def test_coarser_nested_levels_come_from_the_parent_codes_and_wards_from_their_polygons():
    placed = place_points(np.array([5.0, 11.0, 15.0, 99.0]), np.array([5.0] * 4), nested_layers())
    assert placed["oa"].tolist() == ["O1", "O2", "O2", None]
    assert placed["lsoa"].tolist() == ["L1", "L1", "L1", None]
    assert placed["ward"].tolist() == ["W1", "W1", "W2", None]


def test_a_lookup_such_as_onsud_wins_over_coordinates():
    addresses = pd.DataFrame({"uprn": [1, 2], "x": [5.0, 15.0], "y": [5.0, 5.0], "classification": ["RD04", "RD04"]})
    lookup = pd.DataFrame({"uprn": [2], "oa": ["O1"], "lsoa": ["L1"], "ward": ["W1"]})
    placed = place_uprns(addresses, nested_layers(), lookup)
    assert placed.set_index("uprn")["oa"].to_dict() == {1: "O1", 2: "O1"}
    assert placed.set_index("uprn")["placed_by"].to_dict() == {1: "point", 2: "lookup"}


def test_the_synthetic_towns_uprns_land_in_the_areas_that_made_them(borough):
    areas = pd.concat([canonical_layer(layer, level) for level, layer in borough.areas.items()])
    layers = AreaLayers(gpd.GeoDataFrame(areas, crs=27700))
    approved = borough.gazetteer[borough.gazetteer["status"] == "approved"]
    placed = place_uprns(approved, layers)
    assert placed["oa"].notna().all() and placed["ward"].notna().all()
    homes = placed[placed["household"]]
    for level, layer in borough.areas.items():
        counted = homes[level].value_counts()
        expected = layer.set_index("code")["households"]
        assert counted.reindex(expected.index, fill_value=0).to_dict() == expected.to_dict(), level
