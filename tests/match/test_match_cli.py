"""`geolink match` as a GIS officer runs it: files in, files out, clear messages for bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import run_geolink

REFERENCE = """uprn,address,postcode
100,"14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
101,"FLAT 1, 14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
102,"FLAT 2, 14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
103,"16 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
104,"ROSE COTTAGE, MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AB
105,"3 CHURCH ROAD, TOPSHAM, EXBRIDGE",YX1 1AD
106,"3 CHURCH ROAD, HEAVITREE, EXBRIDGE",YX2 2AA
"""


@pytest.fixture
def reference(tmp_path):
    path = tmp_path / "reference.csv"
    path.write_text(REFERENCE)
    return path


def _match(tmp_path, reference, messy_text: str, *extra: str, name="messy.csv", encoding="utf-8", check=True):
    messy = tmp_path / name
    messy.write_bytes(messy_text.encode(encoding))
    out = tmp_path / "out.csv"
    result = run_geolink("match", messy, "--reference", reference, "--out", out,
                         "--cache", tmp_path / "cache", *extra, check=check)
    return result, out


def test_output_has_one_row_per_input_row_with_the_match_columns(tmp_path, reference):
    result, out = _match(tmp_path, reference,
                         "id,address,postcode\n1,16 Mill Ln Topsham,YX1 1AA\n2,Rose Cottage Mill Lane,\n"
                         "3,99 Nowhere Street,\n4,,\n")
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(table.columns[-9:]) == ["uprn", "usrn", "score", "band", "runner_up_uprn", "margin",
                                        "method", "explanation", "usrn_secondary"]
    assert table["id"].tolist() == ["1", "2", "3", "4"]
    assert table.loc[0, "uprn"] == "103" and table.loc[0, "band"] in ("exact", "high")
    assert table.loc[1, "uprn"] == "104"
    assert table.loc[2, "band"] == "unmatched" and table.loc[2, "uprn"] == ""
    assert table.loc[3, "band"] == "rejected" and table.loc[3, "explanation"] == "blank address"
    report = json.loads((tmp_path / "out_report.json").read_text())
    assert report["rows_in"] == report["rows_out"] == 4 and report["reconciled"]
    assert report["rejected_reasons"] == {"blank address": 1}
    assert "records/s" in result.stderr


def test_a_flat_is_never_matched_to_its_sibling(tmp_path, reference):
    _, out = _match(tmp_path, reference,
                    "id,address\n1,\"14 Mill Lane, Topsham\"\n2,\"Flat 3, 14 Mill Lane, Topsham\"\n"
                    "3,\"Flat 2, 14 Mill Lane, Topsham\"\n")
    table = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("id")
    assert table.loc["1", "band"] == "parent" and table.loc["1", "uprn"] == "100"
    assert table.loc["2", "uprn"] not in ("101", "102")
    assert table.loc["3", "uprn"] == "102"


def test_a_street_name_in_two_places_is_not_guessed(tmp_path, reference):
    _, out = _match(tmp_path, reference, "id,address\n1,3 Church Road\n2,\"3 Church Road, Heavitree\"\n")
    table = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("id")
    assert table.loc["1", "band"] not in ("exact", "high")
    assert table.loc["2", "uprn"] == "106"


def test_several_address_columns_are_joined(tmp_path, reference):
    _, out = _match(tmp_path, reference, "ref,line1,line2,pc\nA,16 Mill Lane,Topsham,YX1 1AA\n",
                    "--id-column", "ref", "--address-column", "line1", "--address-column", "line2",
                    "--postcode-column", "pc")
    assert pd.read_csv(out, dtype=str).loc[0, "uprn"] == "103"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_common_encodings_are_read(tmp_path, reference, encoding):
    _, out = _match(tmp_path, reference, "id,address\n1,\"16 Mill Lane, Topsham – café\"\n", encoding=encoding)
    table = pd.read_csv(out, dtype=str)
    assert table.columns[0] == "id" and table.loc[0, "uprn"] == "103"


def test_duplicate_ids_and_overlong_addresses_are_rejected_with_reasons(tmp_path, reference):
    long = "16 MILL LANE " * 800
    _, out = _match(tmp_path, reference, f"id,address\n1,16 Mill Lane\n1,14 Mill Lane\n2,{long}\n")
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(table) == 3
    assert table.loc[1, "band"] == "rejected" and "duplicate id" in table.loc[1, "explanation"]
    assert table.loc[2, "band"] == "rejected" and "longer than" in table.loc[2, "explanation"]


@pytest.mark.parametrize("content, message", [
    ("", "the file is empty"),
    ("id,address\n", "header but no rows"),
    ("id,text\n1,16 Mill Lane\n", "cannot tell which columns hold the address"),
])
def test_bad_files_get_a_clear_message(tmp_path, reference, content, message):
    result, _ = _match(tmp_path, reference, content, check=False)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_named_column_is_reported(tmp_path, reference):
    result, _ = _match(tmp_path, reference, "id,address\n1,x\n", "--postcode-column", "pcode", check=False)
    assert result.returncode == 2 and "no postcode column 'pcode'" in result.stderr


def test_a_reference_without_postcodes_still_matches(tmp_path):
    ref = tmp_path / "ref.csv"
    ref.write_text("uprn,address\n1,\"12 HIGH STREET, EXBRIDGE\"\n2,\"14 HIGH STREET, EXBRIDGE\"\n")
    _, out = _match(tmp_path, ref, "id,address\n1,14 High St Exbridge\n")
    assert pd.read_csv(out, dtype=str).loc[0, "uprn"] == "2"


def test_a_bad_reference_names_its_problem(tmp_path):
    ref = tmp_path / "ref.csv"
    ref.write_text("id,text\n1,x\n")
    result, _ = _match(tmp_path, ref, "id,address\n1,x\n", check=False)
    assert result.returncode == 2 and "needs columns 'uprn' and 'address'" in result.stderr


def test_output_as_parquet(tmp_path, reference):
    messy = tmp_path / "m.csv"
    messy.write_text("id,address\n1,16 Mill Lane Topsham\n")
    out = tmp_path / "out.parquet"
    run_geolink("match", messy, "--reference", reference, "--out", out, "--cache", tmp_path / "c")
    assert pd.read_parquet(out)["uprn"].tolist() == [103]
