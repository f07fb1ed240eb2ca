"""The command line as users meet it: help, the demo's layout and its stage reports."""

from __future__ import annotations

import duckdb
from conftest import run_geolink


def test_help_lists_the_commands():
    out = run_geolink("--help").stdout
    for command in ("synth", "match", "geography", "measures", "release", "map", "serve", "demo"):
        assert command in out


def test_demo_writes_the_layout(demo_dir):
    out, _ = demo_dir
    for sub in ("input", "matches", "release", "maps"):
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


def test_demo_workspace_holds_the_records_without_identifiers(demo_dir):
    out, _ = demo_dir
    con = duckdb.connect(str(out / "workspace.duckdb"), read_only=True)
    tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"gazetteer_address", "service_council_tax_support", "service_housing_repairs",
            "service_adult_social_care", "service_street_reports"} <= tables
    columns = {c for (c,) in con.execute("select distinct column_name from information_schema.columns").fetchall()}
    assert not columns & {"full_name", "date_of_birth", "phone", "nhs_number"}
    n = con.execute("select count(*) from gazetteer_address where status = 'approved'").fetchone()[0]
    assert n == 20_000
