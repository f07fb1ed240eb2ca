"""`geolink synth`: fixed file layout, byte-for-byte determinism, readable formats."""

from __future__ import annotations

import filecmp
import json

import pandas as pd
import pyogrio
import pytest

from conftest import run_geolink

EXPECTED_FILES = {
    "gazetteer.csv", "gazetteer.gpkg", "streets.gpkg", "areas.gpkg", "postcodes.csv",
    "truth.csv", "manifest.json", "services/council_tax_support.csv",
    "services/housing_repairs.csv", "services/adult_social_care.csv",
    "services/adult_social_care.xlsx", "services/street_reports.csv", "services/mapping.yaml",
}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("determinism")
    for name in ("A", "B"):
        run_geolink("synth", "--addresses", "20000", "--seed", "7", "--out", base / name)
    run_geolink("synth", "--addresses", "20000", "--seed", "8", "--out", base / "C")
    return base


def _files(root):
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_synth_writes_the_fixed_layout(two_runs):
    assert _files(two_runs / "A") == EXPECTED_FILES


def test_same_seed_gives_identical_bytes_except_geopackages(two_runs):
    for name in sorted(EXPECTED_FILES):
        if name.endswith(".gpkg"):
            continue
        assert filecmp.cmp(two_runs / "A" / name, two_runs / "B" / name, shallow=False), name


def test_same_seed_gives_identical_geopackage_content(two_runs):
    for name, layers in (("areas.gpkg", ("oa", "lsoa", "msoa", "ward", "lad")), ("streets.gpkg", ("streets",))):
        for layer in layers:
            a = pyogrio.read_dataframe(two_runs / "A" / name, layer=layer)
            b = pyogrio.read_dataframe(two_runs / "B" / name, layer=layer)
            pd.testing.assert_frame_equal(a, b)


def test_another_seed_gives_another_town(two_runs):
    assert not filecmp.cmp(two_runs / "A" / "truth.csv", two_runs / "C" / "truth.csv", shallow=False)
    assert not filecmp.cmp(two_runs / "A" / "gazetteer.csv", two_runs / "C" / "gazetteer.csv", shallow=False)


def test_manifest_counts_match_files(two_runs):
    manifest = json.loads((two_runs / "A" / "manifest.json").read_text())
    assert manifest["addresses"] == 20_000
    for name, rows in manifest["files"].items():
        assert len(pd.read_csv(two_runs / "A" / name, dtype=str)) == rows, name


def test_geopackages_have_a_layer_per_level_in_british_national_grid(two_runs):
    layers = {name for name, _ in pyogrio.list_layers(two_runs / "A" / "areas.gpkg")}
    assert layers == {"oa", "lsoa", "msoa", "ward", "lad"}
    info = pyogrio.read_info(two_runs / "A" / "gazetteer.gpkg", layer="addresses")
    assert info["crs"] == "EPSG:27700"
    assert info["features"] == len(pd.read_csv(two_runs / "A" / "gazetteer.csv", usecols=["uprn"]))


def test_xlsx_holds_the_same_records_as_its_csv(two_runs):
    services = two_runs / "A" / "services"
    csv = pd.read_csv(services / "adult_social_care.csv", dtype=str, keep_default_na=False)
    xlsx = pd.read_excel(services / "adult_social_care.xlsx", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(csv, xlsx)


def test_bad_sizes_get_a_clear_message_not_a_traceback(tmp_path):
    result = run_geolink("synth", "--addresses", "5", "--out", tmp_path / "x", check=False)
    assert result.returncode == 2
    assert "between 200 and 5,000,000" in result.stderr
    assert "Traceback" not in result.stderr
