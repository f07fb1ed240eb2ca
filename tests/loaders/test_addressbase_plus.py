"""AddressBase Plus (headerless, or with its header) and AddressBase Core (with a header) into
the canonical gazetteer: the same tables as Premium, bad rows listed, and usable for matching."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from geolink.errors import GeolinkError
from geolink.gazetteer.prepare import prepare_reference
from geolink.gazetteer.reference import read_reference
from geolink.match.pipeline import match_table
from geolink.synth import make_town
from loaders import addressbase_plus, addressbase_premium
from loaders.addressbase_plus import PLUS_FIELDS
from loaders.context import Load
from loaders.report import LoadReport

CORE_FIELDS = ("UPRN", "PARENT_UPRN", "UDPRN", "USRN", "TOID", "CLASSIFICATION_CODE", "EASTING", "NORTHING",
               "LATITUDE", "LONGITUDE", "RPC", "LAST_UPDATE_DATE", "SINGLE_LINE_ADDRESS", "PO_BOX", "ORGANISATION",
               "SUB_BUILDING", "BUILDING_NAME", "BUILDING_NUMBER", "STREET_NAME", "LOCALITY", "TOWN_NAME",
               "POST_TOWN", "ISLAND", "POSTCODE", "DELIVERY_POINT_SUFFIX", "GSS_CODE", "CHANGE_CODE")
CANONICAL = [("uprn", "BIGINT"), ("parent_uprn", "BIGINT"), ("usrn", "BIGINT"), ("sao_text", "VARCHAR"),
             ("sao_start_number", "INTEGER"), ("sao_start_suffix", "VARCHAR"), ("sao_end_number", "INTEGER"),
             ("pao_text", "VARCHAR"), ("pao_start_number", "INTEGER"), ("pao_start_suffix", "VARCHAR"),
             ("pao_end_number", "INTEGER"), ("street", "VARCHAR"), ("locality", "VARCHAR"), ("town", "VARCHAR"),
             ("postcode", "VARCHAR"), ("full_address", "VARCHAR"), ("x", "DOUBLE"), ("y", "DOUBLE"),
             ("classification", "VARCHAR"), ("status", "VARCHAR"), ("source", "VARCHAR"), ("variant", "VARCHAR"),
             ("language", "VARCHAR")]
STREET = [("usrn", "BIGINT"), ("name", "VARCHAR"), ("locality", "VARCHAR"), ("town", "VARCHAR"),
          ("classification", "VARCHAR"), ("record_type", "VARCHAR"), ("state", "VARCHAR"), ("start_x", "DOUBLE"),
          ("start_y", "DOUBLE"), ("end_x", "DOUBLE"), ("end_y", "DOUBLE"), ("source", "VARCHAR")]

EXETER = {"X_COORDINATE": "292500.00", "Y_COORDINATE": "92600.00", "CLASS": "RD06", "USRN": "14200025",
          "STREET_DESCRIPTION": "HIGH STREET", "TOWN_NAME": "EXETER", "ADMINISTRATIVE_AREA": "DEVON",
          "POSTCODE_LOCATOR": "EX1 1AA", "CHANGE_TYPE": "I"}
POSTAL = {"THOROUGHFARE": "HIGH STREET", "POST_TOWN": "EXETER", "POSTCODE": "EX1 1AA"}
PROPERTIES = [  # line 1 .. 7 of the headerless Plus file
    {**EXETER, **POSTAL, "UPRN": "100", "UDPRN": "111", "PAO_START_NUMBER": "12", "BUILDING_NUMBER": "12",
     "CLASS": "RD02"},
    {**EXETER, **POSTAL, "UPRN": "101", "UDPRN": "112", "PARENT_UPRN": "100", "SAO_TEXT": "FLAT 1",
     "PAO_START_NUMBER": "12", "SUB_BUILDING_NAME": "FLAT 1", "BUILDING_NUMBER": "12"},
    {**EXETER, "UPRN": "102", "X_COORDINATE": "318000.00", "Y_COORDINATE": "176000.00", "USRN": "22000001",
     "PAO_TEXT": "THE OLD CHAPEL", "ALT_LANGUAGE_PAO_TEXT": "YR HEN GAPEL", "STREET_DESCRIPTION": "CHURCH STREET",
     "ALT_LANGUAGE_STREET_DESCRIPTION": "STRYD YR EGLWYS", "TOWN_NAME": "CARDIFF", "POSTCODE_LOCATOR": "CF10 1AA",
     "ALT_LANGUAGE": "CYM", "LA_ORGANISATION": "CHAPEL TRUST", "CLASS": "ZW99"},
    {**EXETER, **POSTAL, "UPRN": "103", "UDPRN": "113", "PAO_START_NUMBER": "14", "PAO_START_SUFFIX": "A",
     "RM_ORGANISATION_NAME": "ACME LTD", "BUILDING_NAME": "14A", "POSTCODE": "EX1 1AB", "POSTCODE_LOCATOR": "EX1 1AB",
     "CLASS": "CO01"},
    {**EXETER, "UPRN": "1O4", "PAO_START_NUMBER": "16"},                      # letter O for a zero
    {**EXETER, "UPRN": "105", "PAO_START_NUMBER": "18", "X_COORDINATE": "950000.00"},
    {**EXETER, "UPRN": "106", "PAO_START_NUMBER": "20"},                       # the line is cut short below
]


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def plus_rows(properties: list[dict]) -> list[list[str]]:
    return [[p.get(field, "") for field in PLUS_FIELDS] for p in properties]


def load(*paths: Path, kind: str = "addressbase-plus") -> tuple[duckdb.DuckDBPyConnection, LoadReport]:
    con = duckdb.connect()
    run = Load(con, LoadReport(kind))
    addressbase_plus.load(list(paths), run, kind)
    assert run.report.reconciles()
    return con, run.report


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()]


def rows_of(con: duckdb.DuckDBPyConnection, columns: str, where: str = "true") -> list[tuple]:
    return con.execute(f"SELECT {columns} FROM gazetteer_address WHERE {where} "
                       "ORDER BY uprn, variant DESC, language").fetchall()


@pytest.fixture
def plus_file(tmp_path) -> Path:
    text = csv_text(plus_rows(PROPERTIES))
    path = tmp_path / "AddressBasePlus_FULL_2024-01-01_001.csv"
    path.write_text(text[:text.rindex("EX1 1AA")])                             # truncated last line, no line end
    return path


def test_plus_fields_follow_the_specification():
    assert len(PLUS_FIELDS) == len(set(PLUS_FIELDS)) == 77
    positions = {"UPRN": 0, "CLASS": 5, "PARENT_UPRN": 6, "X_COORDINATE": 7, "Y_COORDINATE": 8, "LA_ORGANISATION": 18,
                 "SAO_START_NUMBER": 24, "SAO_TEXT": 28, "PAO_START_NUMBER": 30, "PAO_TEXT": 34, "USRN": 36,
                 "STREET_DESCRIPTION": 49, "LOCALITY": 57, "TOWN_NAME": 60, "POST_TOWN": 62, "POSTCODE": 64,
                 "POSTCODE_LOCATOR": 65, "ALT_LANGUAGE": 76}
    assert {name: PLUS_FIELDS.index(name) for name in positions} == positions


def test_headerless_plus_loads_good_rows_and_lists_bad_ones(plus_file):
    con, report = load(plus_file)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (7, 4, 3)
    assert {r.row: r.reason for r in report.rejected} == {
        5: "UPRN '1O4' is not a whole number",
        6: "easting/northing (950000, 92600) are outside Great Britain",
        7: "expected 77 fields, found 66 (the row is cut short)",
    }
    assert table_schema(con, "gazetteer_address") == CANONICAL
    assert table_schema(con, "street") == STREET
    assert report.tables == {"gazetteer_address": 8, "street": 2}
    assert "77 fields, no header row" in report.notes[0]


def test_plus_gives_each_uprn_its_geographic_and_postal_forms(plus_file):
    con, _ = load(plus_file)
    assert rows_of(con, "uprn, parent_uprn, usrn, variant, status, language, full_address") == [
        (100, 0, 14200025, "lpi", "approved", "ENG", "12, HIGH STREET, EXETER, EX1 1AA"),
        (100, 0, 14200025, "dpa", "postal", "ENG", "12, HIGH STREET, EXETER, EX1 1AA"),
        (101, 100, 14200025, "lpi", "approved", "ENG", "FLAT 1 12, HIGH STREET, EXETER, EX1 1AA"),
        (101, 100, 14200025, "dpa", "postal", "ENG", "FLAT 1 12, HIGH STREET, EXETER, EX1 1AA"),
        (102, 0, 22000001, "lpi", "approved", "CYM", "CHAPEL TRUST, YR HEN GAPEL, STRYD YR EGLWYS, CARDIFF, CF10 1AA"),
        (102, 0, 22000001, "lpi", "approved", "ENG", "CHAPEL TRUST, THE OLD CHAPEL, CHURCH STREET, CARDIFF, CF10 1AA"),
        (103, 0, 14200025, "lpi", "approved", "ENG", "14A, HIGH STREET, EXETER, EX1 1AB"),
        (103, 0, 14200025, "dpa", "postal", "ENG", "ACME LTD, 14A, HIGH STREET, EXETER, EX1 1AB"),
    ]
    flat = rows_of(con, "sao_text, pao_start_number, street, town, postcode, classification, x, y, source",
                   "uprn = 101 AND variant = 'lpi'")
    assert flat == [("FLAT 1", 12, "HIGH STREET", "EXETER", "EX1 1AA", "RD06", 292500.0, 92600.0, "addressbase-plus")]
    assert con.execute("SELECT usrn, name, town, classification, start_x FROM street ORDER BY usrn").fetchall() == [
        (14200025, "HIGH STREET", "EXETER", None, None), (22000001, "CHURCH STREET", "CARDIFF", None, None)]


def test_plus_with_its_header_row_loads_alike(plus_file, tmp_path):
    headed = tmp_path / "headed.csv"
    headed.write_text(csv_text([list(PLUS_FIELDS)]) + plus_file.read_text())
    con, report = load(headed)
    _, bare = load(plus_file)
    assert report.tables == bare.tables and report.rows_loaded == bare.rows_loaded
    assert sorted(r.row for r in report.rejected) == [6, 7, 8]                  # the header is line 1
    assert "with a header row" in report.notes[0]


def test_plus_and_premium_write_the_same_tables(plus_file, shared_data):
    plus, _ = load(plus_file)
    premium = duckdb.connect()
    addressbase_premium.load([shared_data / "exeter/abp_premium_sample_SX9090_first3600_raw.csv"],
                             Load(premium, LoadReport("addressbase-premium")))
    for table in ("gazetteer_address", "street"):
        assert table_schema(plus, table) == table_schema(premium, table)


def core_file(path: Path) -> Path:
    base = {"USRN": "14200025", "CLASSIFICATION_CODE": "RD06", "EASTING": "292500.00", "NORTHING": "92600.00",
            "STREET_NAME": "HIGH STREET", "TOWN_NAME": "EXETER", "POST_TOWN": "EXETER", "POSTCODE": "EX1 1AA"}
    properties = [                                                             # lines 2 .. 8
        {**base, "UPRN": "200", "UDPRN": "211", "BUILDING_NUMBER": "12", "CLASSIFICATION_CODE": "RD02"},
        {**base, "UPRN": "201", "UDPRN": "212", "PARENT_UPRN": "200", "SUB_BUILDING": "FLAT 1",
         "BUILDING_NUMBER": "12"},
        {**base, "UPRN": "202", "USRN": "", "BUILDING_NAME": "ROSE COTTAGE", "ORGANISATION": "ROSE TRUST",
         "STREET_NAME": "", "LOCALITY": "TOPSHAM", "POST_TOWN": "", "POSTCODE": "EX3 0AA"},
        {**base, "UPRN": "203", "USRN": "14-2", "BUILDING_NUMBER": "14"},
        {**base, "UPRN": "", "BUILDING_NUMBER": "16"},
        {**base, "UPRN": "205", "BUILDING_NUMBER": "18", "EASTING": "", "NORTHING": ""},
        {**base, "UPRN": "206", "BUILDING_NUMBER": "20"},
    ]
    text = csv_text([list(CORE_FIELDS)] + [[p.get(f, "") for f in CORE_FIELDS] for p in properties])
    path.write_text(text[:text.rindex("HIGH STREET")])
    return path


def test_core_loads_one_approved_address_per_uprn(tmp_path):
    con, report = load(core_file(tmp_path / "core.csv"), kind="addressbase-core")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (7, 3, 4)
    assert {r.row: r.reason for r in report.rejected} == {
        5: "USRN '14-2' is not a whole number", 6: "missing UPRN", 7: "missing easting/northing",
        8: "expected 27 fields, found 19 (the row is cut short)"}
    assert table_schema(con, "gazetteer_address") == CANONICAL
    assert table_schema(con, "street") == STREET
    assert rows_of(con, "uprn, parent_uprn, usrn, sao_text, pao_text, pao_start_number, variant, status, source, "
                        "full_address") == [
        (200, 0, 14200025, "", "", 12, "dpa", "approved", "addressbase-core", "12, HIGH STREET, EXETER, EX1 1AA"),
        (201, 200, 14200025, "FLAT 1", "", 12, "dpa", "approved", "addressbase-core",
         "FLAT 1 12, HIGH STREET, EXETER, EX1 1AA"),
        (202, 0, 0, "", "ROSE COTTAGE", None, "lpi", "approved", "addressbase-core",
         "ROSE TRUST, ROSE COTTAGE, TOPSHAM, EXETER, EX3 0AA"),
    ]
    assert con.execute("SELECT usrn, name, town FROM street").fetchall() == [(14200025, "HIGH STREET", "EXETER")]
    assert report.tables == {"gazetteer_address": 3, "street": 1}


@pytest.mark.parametrize("files, message", [
    ({"a.csv": "1,2,3\r\n"}, "has 3 fields, which is no known AddressBase Plus edition"),
    ({"a.csv": "UPRN,ADDRESS\r\n1,x\r\n"}, "neither the AddressBase Plus columns"),
    ({"plus.csv": csv_text(plus_rows(PROPERTIES[:1])), "core.csv": csv_text([list(CORE_FIELDS), ["1"] * 27])},
     "mix AddressBase Plus and AddressBase Core"),
])
def test_files_that_are_not_addressbase_plus_or_core_are_named(tmp_path, files, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(GeolinkError, match=message):
        load(tmp_path)


@pytest.fixture(scope="module")
def town():
    return make_town(300, 5)


def optional(numbers: pd.Series) -> pd.Series:
    """Synthetic numbers (0 for none) as Plus writes them (blank for none)."""
    return numbers.where(numbers > 0).astype("Int64").astype(str).replace("<NA>", "")


def town_as_plus(town, path: Path) -> Path:
    """The synthetic town's approved addresses written as a headerless AddressBase Plus file."""
    g = town.gazetteer[town.gazetteer["status"] == "approved"]
    number = {c: optional(g[c]) for c in ("parent_uprn", "sao_start_number", "pao_start_number", "pao_end_number")}
    fields = {"UPRN": g["uprn"].astype(str), "PARENT_UPRN": number["parent_uprn"], "USRN": g["usrn"].astype(str),
              "X_COORDINATE": g["x"].map("{:.2f}".format), "Y_COORDINATE": g["y"].map("{:.2f}".format),
              "CLASS": g["classification"], "SAO_TEXT": g["sao_text"], "SAO_START_NUMBER": number["sao_start_number"],
              "SAO_START_SUFFIX": g["sao_start_suffix"], "PAO_TEXT": g["pao_text"],
              "PAO_START_NUMBER": number["pao_start_number"], "PAO_START_SUFFIX": g["pao_start_suffix"],
              "PAO_END_NUMBER": number["pao_end_number"], "STREET_DESCRIPTION": g["street"],
              "LOCALITY": g["locality"], "TOWN_NAME": g["town"], "POSTCODE_LOCATOR": g["postcode"]}
    frame = pd.DataFrame({f: fields.get(f, "") for f in PLUS_FIELDS})
    frame.to_csv(path, header=False, index=False, lineterminator="\r\n")
    return path


def test_loaded_plus_is_a_reference_the_matcher_prepares_and_matches(town, tmp_path):
    con, report = load(town_as_plus(town, tmp_path / "plus.csv"))
    assert report.rows_rejected == 0
    truth = town.gazetteer[town.gazetteer["status"] == "approved"].set_index("uprn")
    loaded = con.execute("SELECT * FROM gazetteer_address").df().set_index("uprn")
    assert sorted(loaded.index) == sorted(truth.index)
    for column in ("parent_uprn", "usrn", "sao_text", "pao_text", "street", "town", "postcode", "classification"):
        assert (loaded[column] == truth.loc[loaded.index, column]).all(), column
    gazetteer = tmp_path / "gazetteer.csv"
    con.execute(f"COPY gazetteer_address TO '{gazetteer}' (HEADER)")
    reference = read_reference(gazetteer)
    assert len(reference.rows) == len(truth) and reference.rejected.empty
    ref = prepare_reference(gazetteer, cache=tmp_path / "cache")
    try:
        sample = truth.sample(40, random_state=1)
        records = pd.DataFrame({"record_id": sample.index.astype(str),
                                "address": sample["full_address"].str.rsplit(", ", n=1).str[0].str.title(),
                                "postcode": sample["postcode"]})
        result = match_table(records, ref, id_column="record_id", address_columns=["address"],
                             postcode_column="postcode")
    finally:
        ref.close()
    out = result.output.set_index("record_id")
    linked = out["band"].isin(["exact", "high"])
    assert linked.mean() >= 0.9
    assert (out.loc[linked, "uprn"].astype("int64") == out.index[linked].astype("int64")).all()
