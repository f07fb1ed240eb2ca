"""The command line as users meet it: help, the demo's layout and its stage reports."""

from __future__ import annotations

import duckdb
from conftest import run_geolink


def test_help_lists_the_commands():
    out = run_geolink("--help").stdout
    for command in ("synth", "match", "geography", "measures", "release", "map", "serve", "demo",
                    "agreement", "ingest", "link", "review", "purge", "audit"):
        assert command in out


def test_demo_writes_the_layout(demo_dir):
    out, _ = demo_dir
    for sub in ("input", "release", "maps"):
        assert (out / sub).is_dir(), sub
    assert (out / "input" / "gazetteer.csv").is_file()
    assert (out / "workspace.duckdb").is_file()
    assert (out / "release" / "aggregates.duckdb").is_file() and (out / "release" / "manifest.json").is_file()
    assert (out / "maps" / "cts_households_lsoa.png").read_bytes()[:4] == b"\x89PNG"
    assert "L.geoJSON" in (out / "maps" / "map.html").read_text()


def test_demo_reports_every_stage_in_order(demo_dir):
    _, log = demo_dir
    stages = ["synth", "load", "match", "geography", "measures", "release", "map"]
    positions = [log.find(f" {s} ") for s in stages]
    assert all(p >= 0 for p in positions), log
    assert positions == sorted(positions)


def test_demo_workspace_holds_the_records_with_identifiers_pseudonymised(demo_dir):
    out, _ = demo_dir
    con = duckdb.connect(str(out / "workspace.duckdb"), read_only=True)
    tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"gazetteer_address", "service_council_tax_support", "service_housing_repairs",
            "service_adult_social_care", "service_street_reports", "match", "review", "audit_log",
            "agreement"} <= tables
    for dataset in ("council_tax_support", "adult_social_care"):
        columns = ["full_name", "date_of_birth", "phone", "person_key"] + (["nhs_number"] if dataset == "adult_social_care" else [])
        values = con.execute(f"select {', '.join(columns)} from service_{dataset}").fetchall()
        assert values and all(len(v) == 64 and int(v, 16) >= 0 for row in values for v in row)
    n = con.execute("select count(*) from gazetteer_address where status = 'approved'").fetchone()[0]
    assert n == 20_000


def test_demo_matches_every_record_once_and_keeps_the_review_queue_inside(demo_dir):
    out, _ = demo_dir
    con = duckdb.connect(str(out / "workspace.duckdb"), read_only=True)
    for (dataset,) in con.execute("select name from datasets").fetchall():
        records = con.execute(f"select count(*) from service_{dataset}").fetchone()[0]
        matched, distinct = con.execute("select count(*), count(distinct record_id) from match where dataset = ?",
                                        [dataset]).fetchone()
        assert matched == distinct == records, dataset
    assert con.execute("select count(*) from review").fetchone()[0] > 0
    assert not (out / "matches").exists()
