"""`geolink load` end to end: a real workspace, the real command line, the stages using what was loaded."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from geolink.synth import make_town, write_town
from geolink.synth.addressbase import write_addressbase_premium
from conftest import run_geolink

AGREEMENT = Path(__file__).resolve().parents[2] / "geolink" / "synth" / "agreement.yaml"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A small town: AddressBase Premium and a service dataset loaded, then linked with no --reference."""
    out = tmp_path_factory.mktemp("load")
    town = make_town(800, 11)
    write_town(town, out / "town")
    write_addressbase_premium(town, out / "abp" / "tile_1.csv")
    ws = out / "ws.duckdb"
    premium = run_geolink("load", "addressbase-premium", out / "abp", "--workspace", ws, "--json")
    run_geolink("agreement", "add", ws, AGREEMENT)
    service = run_geolink("load", "service", out / "town" / "services" / "council_tax_support.csv", "-w", ws,
                          "--dataset", "council_tax_support", "--agreement", "synthtown-services-2026",
                          "--mapping", out / "town" / "services" / "mapping.yaml", "--json")
    link = run_geolink("link", ws, "--cache", out / "cache")
    return {"town": town, "ws": ws, "out": out, "premium": json.loads(premium.stdout),
            "service": json.loads(service.stdout), "link": link}


def test_the_summary_reconciles_and_names_the_tables(loaded):
    premium = loaded["premium"]
    assert premium["kind"] == "addressbase-premium"
    assert premium["rows_read"] == premium["rows_loaded"] + premium["rows_rejected"]
    assert premium["rows_rejected"] == 0 and premium["tables"]["gazetteer_address"] == len(loaded["town"].gazetteer)
    service = loaded["service"]
    assert service["rows_loaded"] == len(loaded["town"].services["council_tax_support"])
    assert "pseudonymised" in service["notes"][0]


def test_link_matches_against_the_loaded_gazetteer(loaded):
    con = duckdb.connect(str(loaded["ws"]), read_only=True)
    matched = con.execute("SELECT record_id, uprn, band FROM match WHERE dataset = 'council_tax_support'").df()
    entries = [r[0] for r in con.execute("SELECT operation FROM audit_log ORDER BY seq").fetchall()]
    con.close()
    truth = loaded["town"].truth.query("dataset == 'council_tax_support' and uprn.notna()")
    both = truth.merge(matched, on="record_id", suffixes=("_true", ""))
    linked = both[both["band"].isin(["exact", "high"])]
    assert len(linked) / len(truth) > 0.85
    assert (linked["uprn"].astype("int64") == linked["uprn_true"].astype("int64")).mean() > 0.99
    assert entries[:1] == ["load"] and "ingest" in entries and "match" in entries


def test_partly_bad_service_file_loads_its_good_rows(loaded, tmp_path):
    frame = loaded["town"].services["council_tax_support"].head(20).copy()
    frame.loc[3, "record_id"] = ""                       # blank id
    frame.loc[5, "record_id"] = frame.loc[4, "record_id"]  # repeated id
    text = frame.to_csv(index=False, sep=";").splitlines()
    text[9] += ";extra"                                   # a field too many (row 10)
    path = tmp_path / "cts.csv"
    path.write_bytes(("\n".join(text) + "\n").encode("cp1252"))
    ws = tmp_path / "ws.duckdb"
    run_geolink("agreement", "add", ws, AGREEMENT)
    result = run_geolink("load", "service", path, "-w", ws, "--dataset", "council_tax_support",
                         "--agreement", "synthtown-services-2026", "--id-column", "record_id", "--json",
                         "--rejects", tmp_path / "rejects.csv")
    summary = json.loads(result.stdout)
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (20, 17, 3)
    rejects = pd.read_csv(tmp_path / "rejects.csv", dtype=str)
    assert dict(zip(rejects["row"], rejects["reason"])) == {
        "5": "blank record id", "7": f"record id '{frame.loc[4, 'record_id']}' repeats row 6",
        "10": f"expected {len(frame.columns)} fields, found {len(frame.columns) + 1}"}
    con = duckdb.connect(str(ws), read_only=True)
    assert con.execute("SELECT count(*) FROM service_council_tax_support").fetchone()[0] == 17
    con.close()


def test_epc_register_loads_with_its_preset_columns(shared_data, tmp_path):
    ws = tmp_path / "ws.duckdb"
    agreement = tmp_path / "epc.yaml"
    agreement.write_text("id: epc-2026\nparties: [Exeter City Council]\npurpose: energy efficiency by area\n"
                         "lawful_basis: public task\ndatasets: [epc]\nretention_days: 30\n")
    run_geolink("agreement", "add", ws, agreement)
    result = run_geolink("load", "epc", shared_data / "exeter" / "epc_exeter_api_full_4k.csv", "-w", ws,
                         "--agreement", "epc-2026", "--json")
    summary = json.loads(result.stdout)
    assert summary["rows_read"] == 4092 and summary["rows_read"] == summary["rows_loaded"] + summary["rows_rejected"]
    con = duckdb.connect(str(ws), read_only=True)
    spec = con.execute("SELECT id_column, address_columns, postcode_column FROM datasets WHERE name = 'epc'").fetchone()
    con.close()
    assert spec[0] == "lmk-key" and "address1" in spec[1] and spec[2] == "postcode"


@pytest.mark.parametrize("args, message", [
    (["load", "gazetteer", "x.csv", "-w", "{ws}"], "unknown kind 'gazetteer'"),
    (["load", "onsud", "missing.csv", "-w", "{ws}"], "missing.csv: no such file"),
    (["load", "service", "{csv}", "-w", "{ws}"], "needs --dataset NAME and --agreement ID"),
])
def test_bad_commands_get_one_clear_line(tmp_path, args, message):
    csv = tmp_path / "s.csv"
    csv.write_text("id,address\n1,1 High St\n")
    result = run_geolink(*[a.format(ws=tmp_path / "ws.duckdb", csv=csv) for a in args], check=False, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_memory_limit_is_given_or_refused_clearly(loaded, tmp_path):
    """--memory-limit bounds DuckDB for one load; a value that is not a size gets one clear line."""
    path = loaded["out"] / "abp"
    ws = tmp_path / "ws.duckdb"
    result = run_geolink("load", "addressbase-premium", path, "-w", ws, "--memory-limit", "256MB", "--json")
    assert json.loads(result.stdout)["rows_rejected"] == 0
    refused = run_geolink("load", "addressbase-premium", path, "-w", ws, "--memory-limit", "lots", check=False)
    assert refused.returncode != 0 and "memory limit 'lots' is not a size" in refused.stderr
    assert "Traceback" not in refused.stderr
    env_refused = run_geolink("load", "addressbase-premium", path, "-w", ws, check=False,
                              env={**os.environ, "GEOLINK_MEMORY_LIMIT": "half"})
    assert env_refused.returncode != 0 and "memory limit 'half' is not a size" in env_refused.stderr
