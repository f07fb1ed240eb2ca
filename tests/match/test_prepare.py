"""Preparing a reference a chunk at a time, in bounded memory, gives the same prepared file."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from conftest import run_geolink
from geolink.address.vocabulary import BUILDING_WORDS, STRONG_STREET_TYPES
from geolink.gazetteer.prepare import MIN_PLACE_ROWS, places_sql, prepare_reference, write_prepared
from geolink.gazetteer.reference import read_reference_chunks
from geolink.synth import write_town

TABLES = {"ref_address": "row_id", "ref_token": "token", "ref_key": "row_id, key", "ref_form": "row_id, omits",
          "ref_place": "place", "ref_building": "building", "ref_meta": "rows"}


def _tables(path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY {order}").fetch_df() for t, order in TABLES.items()}


@pytest.fixture(scope="module")
def borough_files(borough, tmp_path_factory):
    out = tmp_path_factory.mktemp("prepare")
    write_town(borough, out)
    gazetteer = pd.read_csv(out / "gazetteer.csv", dtype=str, keep_default_na=False)
    # The same addresses as free text, with no parents given: parents are then inferred.
    gazetteer[["uprn", "full_address", "postcode"]].rename(columns={"full_address": "address"}).to_csv(
        out / "free_text.csv", index=False)
    return out


@pytest.mark.parametrize("name", ["gazetteer.csv", "free_text.csv"])
def test_chunked_preparation_equals_whole(borough_files, tmp_path, name):
    source = borough_files / name
    write_prepared(read_reference_chunks(source, rows=10**9), tmp_path / "whole.duckdb")
    write_prepared(read_reference_chunks(source, rows=97), tmp_path / "chunked.duckdb", chunk_rows=61,
                   memory_limit="256MB")
    whole, chunked = _tables(tmp_path / "whole.duckdb"), _tables(tmp_path / "chunked.duckdb")
    assert len(whole["ref_address"]) > 500 and len(whole["ref_key"]) > 2_000
    for table in TABLES:
        pd.testing.assert_frame_equal(chunked[table], whole[table], obj=table)


def test_parents_are_inferred_across_chunks(tmp_path):
    reference = tmp_path / "ref.csv"
    reference.write_text(
        "uprn,address,postcode\n"
        "10,\"14 MILL LANE, EXBRIDGE\",YX1 1AA\n"
        "11,\"FLAT 1, 14 MILL LANE, EXBRIDGE\",YX1 1AA\n"
        "12,\"FLAT 2, 14 MILL LANE, EXBRIDGE\",YX1 1AA\n"
        "20,\"16 MILL LANE, EXBRIDGE\",YX1 1AA\n"
        "21,\"16 MILL LANE, EXBRIDGE\",YX1 1AA\n"
        "22,\"FLAT 1, 16 MILL LANE, EXBRIDGE\",YX1 1AA\n"
    )
    write_prepared(read_reference_chunks(reference, rows=2), tmp_path / "p.duckdb", chunk_rows=2)
    address = _tables(tmp_path / "p.duckdb")["ref_address"].set_index("uprn")
    assert address["parent_uprn"].to_dict() == {10: 0, 11: 10, 12: 10, 20: 0, 21: 0, 22: 0}, \
        "a building with two unflatted addresses has no certain parent"
    assert address.loc[address["is_parent"]].index.tolist() == [10]


def test_rejected_rows_keep_their_file_row_numbers(tmp_path):
    reference = tmp_path / "ref.csv"
    reference.write_text("uprn,address\n1,1 HIGH ST\n2,2 HIGH ST\nx,3 HIGH ST\n4,4 HIGH ST\n,5 HIGH ST\n")
    ref = prepare_reference(reference, cache=tmp_path / "cache")
    try:
        assert ref.rows == 3
        assert ref.rejected.to_dict("records") == [
            {"row": 4, "reason": "UPRN is not a positive whole number"}, {"row": 6, "reason": "missing UPRN"}]
    finally:
        ref.close()


def _match(tmp_path, reference_text: str, *options: str):
    """`geolink match` of one messy record against a reference written from `reference_text`."""
    reference = tmp_path / "ref.csv"
    reference.write_text(reference_text)
    messy = tmp_path / "m.csv"
    messy.write_text("id,address\n1,1 High St\n")
    return run_geolink("match", messy, "--reference", reference, "--out", tmp_path / "o.csv",
                       "--cache", tmp_path / "cache", *options, check=False)


def test_a_reference_with_no_usable_rows_is_refused_and_leaves_nothing(tmp_path):
    result = _match(tmp_path, "uprn,address\nx,1 HIGH ST\n,2 HIGH ST\n")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no usable rows" in result.stderr and "missing UPRN: 1" in result.stderr
    assert list((tmp_path / "cache").iterdir()) == [], "no half-prepared file is left behind"


def test_a_bad_memory_limit_gets_a_clear_message(tmp_path):
    result = _match(tmp_path, "uprn,address\n1,1 HIGH ST\n", "--memory-limit", "lots")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "memory limit 'lots' is not a size" in result.stderr


def test_a_place_is_named_often_and_is_neither_a_street_nor_a_building_word():
    # A free-text reference's '1 NORTH GATE HOUSE, NORTHERNHAY GATE' leaves HOUSE where a
    # locality goes; as a place, it would make FERRY HOUSE's HOUSE a town.
    named = ["TOPSHAM", "HAMPTON COURT", "HOUSE", "VILLAS", "COURT", "GLASSHOUSE LANE"]
    rows = [(p, "EXBRIDGE") for p in named for _ in range(MIN_PLACE_ROWS)] + [("PINHOE", "EXBRIDGE")]
    with duckdb.connect() as con:
        con.execute("CREATE TABLE ref_address (locality VARCHAR, town VARCHAR)")
        con.executemany("INSERT INTO ref_address VALUES (?, ?)", rows)
        places = [p for (p,) in con.execute(places_sql(), [sorted(STRONG_STREET_TYPES), sorted(BUILDING_WORDS)]
                                             ).fetchall()]
    assert places == ["EXBRIDGE", "HAMPTON COURT", "TOPSHAM"]
