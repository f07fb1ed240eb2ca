"""Street and coordinate linkage through `geolink match`, on the synthetic town and on real
Exeter street names (skipped without ../shared/data)."""

from __future__ import annotations

import random

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from conftest import run_geolink
from geolink.streets import combine, match_street_texts, nearest_to_points, street_layer, streets_from_addresses
from geolink.synth import messy


@pytest.fixture(scope="module")
def street_reports(town_dir, tmp_path_factory):
    """The demo town's street reports matched with their points and the street lines."""
    out = tmp_path_factory.mktemp("streets") / "reports.csv"
    run_geolink("match", town_dir / "services" / "street_reports.csv", "--reference", town_dir / "gazetteer.csv",
                "--out", out, "--x-column", "easting", "--y-column", "northing",
                "--streets", town_dir / "streets.gpkg", "--cache", out.parent / "cache")
    result = pd.read_csv(out, dtype=str, keep_default_na=False)
    truth = pd.read_csv(town_dir / "truth.csv", dtype=str, keep_default_na=False)
    return result.merge(truth[["record_id", "usrn"]], on="record_id", suffixes=("", "_truth"))


def test_street_only_text_reaches_the_usrn_targets(street_reports):
    text = street_reports[street_reports["location"] != ""]
    linked = text[text["band"] == "street"]
    precision = (linked["usrn"] == linked["usrn_truth"]).mean()
    recall = (linked["usrn"] == linked["usrn_truth"]).sum() / len(text)
    assert precision >= 0.99 and recall >= 0.95, (precision, recall)
    assert text["uprn"].eq("").all(), "a street report is not linked to a property"


def test_coordinate_only_records_get_their_nearest_street(street_reports):
    points = street_reports[(street_reports["location"] == "") & (street_reports["easting"] != "")]
    assert len(points) > 50
    assert (points["band"] == "street").all() and (points["method"] == "coordinates").all()
    assert (points["usrn"] == points["usrn_truth"]).mean() >= 0.98
    assert pd.to_numeric(points["point_usrn_m"]).max() <= 25


def test_every_row_is_accounted_for(street_reports, town_dir):
    source = pd.read_csv(town_dir / "services" / "street_reports.csv", dtype=str, keep_default_na=False)
    assert len(street_reports) == len(source)
    assert set(street_reports["band"]) <= {"street", "review", "unmatched"}


@pytest.fixture(scope="module")
def gazetteer(town_dir):
    return pd.read_csv(town_dir / "gazetteer.csv", dtype=str, keep_default_na=False)


def test_matches_are_cross_checked_against_their_points(town_dir, gazetteer, tmp_path):
    homes = gazetteer[(gazetteer["status"] == "approved") & (gazetteer["sao_text"] == "")].iloc[[10, 20, 30]]
    x, y = homes["x"].astype(float).to_numpy(), homes["y"].astype(float).to_numpy()
    messy_file = tmp_path / "repairs.csv"
    pd.DataFrame({
        "id": ["near", "far", "point-only", "nothing"],
        "address": [homes["full_address"].iloc[0], homes["full_address"].iloc[1], "", ""],
        "e": [x[0] + 3, x[1] + 300, x[2] + 2, None], "n": [y[0], y[1], y[2], None],
    }).to_csv(messy_file, index=False)
    out = tmp_path / "out.csv"
    run_geolink("match", messy_file, "--reference", town_dir / "gazetteer.csv", "--out", out,
                "--x-column", "e", "--y-column", "n", "--cache", tmp_path / "cache")
    table = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("id")
    assert table.at["near", "band"] in ("exact", "high") and float(table.at["near", "check_distance_m"]) < 5
    assert table.at["near", "usrn"] == homes["usrn"].iloc[0], "a property match carries its street"
    assert table.at["far", "band"] == "review" and float(table.at["far", "check_distance_m"]) > 250
    assert "m away" in table.at["far", "explanation"]
    assert table.at["point-only", "band"] == "street" and table.at["point-only", "method"] == "coordinates"
    assert table.at["point-only", "point_uprn"] == homes["uprn"].iloc[2]
    assert table.at["nothing", "band"] == "rejected"
    assert table.at["nothing", "explanation"] == "blank address and no coordinates"


@pytest.mark.parametrize("args,message", [
    (["--x-column", "e"], "go together"),
    (["--x-column", "e", "--y-column", "n", "--lat-column", "a", "--lon-column", "b"], "not both"),
    (["--lat-column", "lat", "--lon-column", "lon"], "no coordinate column 'lat'"),
])
def test_bad_coordinate_options_get_clear_messages(town_dir, tmp_path, args, message):
    messy_file = tmp_path / "m.csv"
    messy_file.write_text("id,address,e,n\n1,1 High Street,1,2\n")
    result = run_geolink("match", messy_file, "--reference", town_dir / "gazetteer.csv", "--out", tmp_path / "o.csv",
                         *args, check=False)
    assert result.returncode == 2 and message in " ".join(result.stderr.split())


@pytest.fixture(scope="module")
def exeter_streets(request):
    from conftest import SHARED_DATA

    path = SHARED_DATA / "exeter" / "abp_sample_exeter_streets_usrn.csv"
    if not path.exists():
        pytest.skip("../shared/data is not present")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw[raw["RECORD_TYPE"] == "1"]
    lines = [shapely.LineString([(float(a), float(b)), (float(c), float(d))])
             for a, b, c, d in raw[["STREET_START_X", "STREET_START_Y", "STREET_END_X", "STREET_END_Y"]].to_numpy()]
    layer = gpd.GeoDataFrame({"usrn": raw["USRN"].astype(int), "name": raw["STREET_DESCRIPTION"],
                              "locality": raw["LOCALITY"], "town": raw["TOWN_NAME"]}, geometry=lines, crs=27700)
    empty = pd.DataFrame({c: [] for c in ("usrn", "street", "locality", "town", "x", "y")})
    return raw, combine(streets_from_addresses(empty), street_layer(layer))


def test_real_exeter_street_names_resolve_to_their_usrns(exeter_streets):
    raw, index = exeter_streets
    rng = random.Random(5)
    streets = raw.sample(600, random_state=5)
    texts = [messy.street_location(n.title() if rng.random() < 0.5 else n, rng.randrange(1, 40),
                                   rng.choice(raw["STREET_DESCRIPTION"].tolist()), loc, town, rng)
             for n, loc, town in streets[["STREET_DESCRIPTION", "LOCALITY", "TOWN_NAME"]].to_numpy()]
    out = match_street_texts(texts, np.full(len(texts), np.nan), np.full(len(texts), np.nan), index)
    truth = streets["USRN"].astype(int).to_numpy()
    linked = (out["street_band"] == "street").to_numpy()
    right = out["usrn"].to_numpy(dtype=float) == truth
    assert (right & linked).sum() / linked.sum() >= 0.99
    assert (right & linked).sum() / len(texts) >= 0.85  # names held by several USRNs go to review


def test_real_exeter_points_find_their_street(exeter_streets):
    raw, index = exeter_streets
    rng = np.random.default_rng(3)
    lines = index.streets.dropna(subset=["geometry"]).sample(500, random_state=3)
    lengths = shapely.length(lines["geometry"].to_numpy())
    lines = lines[lengths > 40]
    middle = shapely.line_interpolate_point(lines["geometry"].to_numpy(), 0.5, normalized=True)
    x = shapely.get_x(middle) + rng.uniform(-4, 4, len(middle))
    y = shapely.get_y(middle) + rng.uniform(-4, 4, len(middle))
    near = nearest_to_points(x, y, index, np.array([np.nan]), np.array([np.nan]), np.array([0]), np.array([0]))
    assert (near["point_usrn"].to_numpy(dtype=float) == lines["usrn"].to_numpy()).mean() >= 0.95
