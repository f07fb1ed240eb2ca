"""AddressBase Premium: the real sample, a synthetic town round trip, and broken files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from geolink.errors import GeolinkError
from geolink.synth import make_town
from geolink.synth.addressbase import write_addressbase_premium
from loaders import addressbase_premium
from loaders.context import Load
from loaders.report import LoadReport

SAMPLE = "exeter/abp_premium_sample_SX9090_first3600_raw.csv"


def load(*paths: Path) -> tuple[duckdb.DuckDBPyConnection, LoadReport]:
    con = duckdb.connect()
    run = Load(con, LoadReport("addressbase-premium"))
    addressbase_premium.load(list(paths), run)
    assert run.report.reconciles()
    return con, run.report


@pytest.fixture(scope="module")
def town():
    return make_town(600, 5)


@pytest.fixture
def synthetic(town, tmp_path) -> Path:
    path = tmp_path / "abp.csv"
    write_addressbase_premium(town, path)
    return path


def test_real_sample_loads_every_record_with_its_older_layout(shared_data):
    con, report = load(shared_data / SAMPLE)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3600, 3600, 0)
    counts = dict(con.execute("SELECT variant, count(*) FROM gazetteer_address GROUP BY 1").fetchall())
    assert counts == {"lpi": 32, "dpa": 25}  # every LPI and delivery point of the sample's 33 BLPUs
    assert report.tables == {"gazetteer_address": 57, "street": 1683}
    flat = con.execute("SELECT parent_uprn, usrn, sao_text, postcode, classification, x, y FROM gazetteer_address "
                       "WHERE uprn = 10023116987 AND variant = 'lpi'").fetchone()
    assert flat == (100041123959, 14200025, "FLAT 3", "EX1 1SA", "RD06", pytest.approx(flat[5]), pytest.approx(flat[6]))
    assert 280_000 < flat[5] < 300_000 and 80_000 < flat[6] < 100_000
    street = con.execute("SELECT name, town, start_x FROM street WHERE usrn = 14200759").fetchone()
    assert street == ("SILVER LANE", "EXETER", 292906.0)


def test_synthetic_town_round_trips_into_the_canonical_gazetteer(town, synthetic):
    con, report = load(synthetic)
    assert report.rows_rejected == 0
    loaded = con.execute("SELECT * FROM gazetteer_address ORDER BY uprn, status").df()
    truth = town.gazetteer.sort_values(["uprn", "status"]).reset_index(drop=True)
    assert len(loaded) == len(truth)
    for column in ("uprn", "parent_uprn", "usrn", "sao_text", "pao_text", "street", "town", "postcode", "status"):
        assert loaded[column].fillna("").astype(str).tolist() == truth[column].astype(str).tolist(), column
    assert (loaded["pao_start_number"].fillna(0).astype(int) == truth["pao_start_number"]).all()


def test_a_folder_of_tiles_loads_as_one_gazetteer(synthetic, tmp_path):
    lines = synthetic.read_bytes().splitlines(keepends=True)
    tiles = tmp_path / "tiles"
    tiles.mkdir()
    half = len(lines) // 2
    (tiles / "a.csv").write_bytes(b"".join(lines[:half]))
    (tiles / "b.csv").write_bytes(b"".join(lines[half:]))
    _, whole = load(synthetic)
    _, tiled = load(tiles)
    assert tiled.rows_read == whole.rows_read and tiled.tables == whole.tables


def test_bad_rows_are_listed_and_the_good_ones_still_load(synthetic, tmp_path):
    lines = synthetic.read_text().splitlines()
    blpu = next(i for i, line in enumerate(lines) if line.startswith("21,"))
    lpi = next(i for i, line in enumerate(lines) if line.startswith("24,"))
    uprn = lines[blpu].split(",")[3]
    lines[blpu] = lines[blpu].replace(",290", ",990", 1)            # easting 990,xxx: outside Great Britain
    lines[lpi + 1] = lines[lpi + 1].replace(",\"I\",", ",\"I\",x", 1).replace(lines[lpi + 1].split(",")[3], "12AB", 1)
    lines.insert(lpi + 2, "24,\"I\",1,123")                         # cut short
    lines.insert(lpi + 3, "77,something")                           # not a record type of the format
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:5])   # and a truncated last line
    _, report = load(bad)
    reasons = {r.row: r.reason for r in report.rejected}
    assert reasons[blpu + 1].startswith("easting/northing") and "outside Great Britain" in reasons[blpu + 1]
    assert reasons[lpi + 2] == "UPRN '12AB' is not a whole number"
    assert reasons[lpi + 3] == "record type 24: expected 26 fields, found 4 (the row is cut short)"
    assert reasons[lpi + 4] == "unknown record type '77'"
    assert reasons[len(lines)].startswith("record type 99: expected 5 fields")
    orphans = [r for r in report.rejected if "has no BLPU record" in r.reason]
    assert orphans and all(f"UPRN {uprn} " in r.reason for r in orphans)  # the outside-GB property's LPIs
    assert report.rows_loaded > 0 and report.reconciles()


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"PK\x03\x04rest", "is a ZIP archive"),
    (b"\xff\xfe1\x000\x00", "not a text file"),
])
def test_unreadable_files_fail_with_one_clear_message(tmp_path, content, message):
    path = tmp_path / "abp.csv"
    path.write_bytes(content)
    with pytest.raises(GeolinkError, match=message):
        load(path)


def test_an_empty_folder_is_named(tmp_path):
    with pytest.raises(GeolinkError, match="holds no .csv files"):
        load(tmp_path)


def test_a_load_larger_than_the_write_buffer_gives_the_same_gazetteer(synthetic, tmp_path):
    """Past `buffer_bytes` staged rows spill to Parquet files; below it they are read in place."""
    in_memory, _ = load(synthetic)
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{tmp_path / 'spill'}'")
    run = Load(con, LoadReport("addressbase-premium"), buffer_bytes=1)  # every block spilled at once
    addressbase_premium.load([synthetic], run)
    assert run.report.reconciles() and run.report.rows_rejected == 0
    for table in ("gazetteer_address", "street"):
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert con.execute(query).fetchall() == in_memory.execute(query).fetchall()
    assert not con.execute("SELECT view_name FROM duckdb_views() WHERE view_name LIKE '_stage%'").fetchall()
    assert not list((tmp_path / "spill").iterdir())  # the spill files are gone with the load
