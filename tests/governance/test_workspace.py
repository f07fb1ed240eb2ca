"""The secure workspace as its promises are checked: the bytes on disk, the audit log, purge,
encryption, agreements, a second writer, and a match killed with SIGKILL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from conftest import run_geolink

PERSON_COLUMNS = ("full_name", "date_of_birth", "phone", "nhs_number")
SERVICES = ("council_tax_support", "housing_repairs", "adult_social_care", "street_reports")


def said(result: subprocess.CompletedProcess) -> str:
    """What a command printed to stderr, with the terminal's line wrapping undone."""
    return " ".join(result.stderr.split())


def service_frames(out: Path) -> dict[str, pd.DataFrame]:
    mapping = yaml.safe_load((out / "input" / "services" / "mapping.yaml").read_text())
    return {name: pd.read_csv(out / "input" / "services" / spec["file"], dtype=str, keep_default_na=False)
            for name, spec in mapping.items()}


def person_values(out: Path) -> set[str]:
    """Every synthetic name, date of birth, phone and NHS number, as the source files hold them."""
    return {v for frame in service_frames(out).values() for c in PERSON_COLUMNS if c in frame for v in frame[c] if v}


def service_addresses(out: Path) -> set[str]:
    """The service records' address texts that are not also reference text (a gazetteer address
    or place name, in any case), which the workspace keeps."""
    mapping = yaml.safe_load((out / "input" / "services" / "mapping.yaml").read_text())
    gazetteer = (out / "input" / "gazetteer.csv").read_text().casefold()
    places = set(pd.read_csv(out / "input" / "gazetteer.csv", dtype=str, usecols=["locality", "town"],
                             keep_default_na=False).stack().str.casefold())
    values = {v for name, frame in service_frames(out).items() for c in mapping[name]["address_columns"]
              for v in frame[c] if len(v) >= 8}
    only_places = {v for v in values if all(part.strip().casefold() in places for part in v.split(","))}
    return {v for v in values if v.casefold() not in gazetteer} - only_places


def found_in(path: Path, values: set[str]) -> set[str]:
    raw = path.read_bytes()
    return {v for v in values if v.encode("utf-8") in raw}


def test_the_demo_workspace_bytes_hold_no_person_names_dates_of_birth_or_numbers(demo_dir, tmp_path):
    out, _ = demo_dir
    people = person_values(out)
    assert len(people) > 3_000
    assert found_in(out / "workspace.duckdb", people) == set()
    # the search is able to see such values in this file format: a copy with the names in it shows them
    control = tmp_path / "control.duckdb"
    control.write_bytes((out / "workspace.duckdb").read_bytes())
    names = sorted(v for v in people if "," in v)[:200]
    with duckdb.connect(str(control)) as con:
        con.execute("CREATE TABLE leaked AS SELECT unnest(?) AS name", [names])
    assert len(found_in(control, set(names))) >= 0.9 * len(names)


def test_the_audit_log_verifies_and_names_an_entry_altered_with_plain_sql(workspace_copy):
    result = run_geolink("audit", "verify", workspace_copy)
    assert "audit log verified" in said(result)
    with duckdb.connect(str(workspace_copy)) as con:
        operations = [op for (op,) in con.execute("SELECT operation FROM audit_log ORDER BY seq").fetchall()]
        con.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 3")
    assert set(operations) == {"agreement", "load", "ingest", "match", "geography", "measures", "release"}
    result = run_geolink("audit", "verify", workspace_copy, check=False)
    assert result.returncode == 1 and "broken at entry 3" in said(result)


@pytest.mark.parametrize("tamper, first_bad", [
    ("DELETE FROM audit_log WHERE seq = 4", 5),
    ("UPDATE audit_log SET seq = CASE seq WHEN 5 THEN 6 WHEN 6 THEN 5 END WHERE seq IN (5, 6)", 5),
    ("UPDATE audit_log SET outputs = '{}' WHERE seq = 7", 7),
])
def test_removed_reordered_or_rewritten_entries_are_named(workspace_copy, tamper, first_bad):
    with duckdb.connect(str(workspace_copy)) as con:
        con.execute(tamper)
    result = run_geolink("audit", "verify", workspace_copy, check=False)
    assert result.returncode == 1 and f"broken at entry {first_bad}" in said(result)


def test_entries_cut_from_the_end_are_caught_against_a_release_manifests_anchor(workspace_copy, demo_dir):
    out, _ = demo_dir
    anchor = json.loads((out / "release" / "manifest.json").read_text())["audit_head"]["hash"]
    assert "anchor found" in said(run_geolink("audit", "verify", workspace_copy, "--anchor", anchor))
    with duckdb.connect(str(workspace_copy)) as con:
        con.execute("DELETE FROM audit_log WHERE seq >= (SELECT max(seq) - 1 FROM audit_log)")
    assert "audit log verified" in said(run_geolink("audit", "verify", workspace_copy))  # the chain alone cannot tell
    cut = run_geolink("audit", "verify", workspace_copy, "--anchor", anchor, check=False)
    assert cut.returncode == 1 and "entries were cut from the end" in said(cut)


def test_audit_show_lists_every_operation_with_hashes_but_no_values(workspace_copy, demo_dir):
    out, _ = demo_dir
    lines = run_geolink("audit", "show", workspace_copy, "--json").stdout.splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    ingest = [e for e in entries if e["operation"] == "ingest"]
    assert {e["parameters"]["dataset"] for e in ingest} == set(SERVICES)
    assert all(len(e["inputs"]["source"]["sha256"]) == 64 for e in ingest)
    assert all(e["parameters"]["pseudonymised"]["full_name"] == "name" for e in ingest)
    text = "\n".join(lines)
    assert not any(v in text for v in sorted(person_values(out))[:500])
    release = next(e for e in entries if e["operation"] == "release")
    assert release["outputs"]["released"] > 0 and "aggregates.csv" in release["outputs"]["files"]
    manifest = json.loads((out / "release" / "manifest.json").read_text())
    assert manifest["agreements"] == ["synthtown-services-2026"]
    assert manifest["audit_head"]["seq"] == release["seq"] - 1  # the head when the release was made


def test_purge_destroys_the_records_in_the_file_bytes_and_the_log_still_verifies(workspace_copy, demo_dir):
    out, _ = demo_dir
    addresses = service_addresses(out)
    before = found_in(workspace_copy, addresses)
    assert len(addresses) > 1_000 and len(before) >= 0.9 * len(addresses)  # visible before: the check can see them
    result = run_geolink("purge", workspace_copy, "--as-of", "2026-01-01")
    assert "nothing is past its retention" in said(result)
    run_geolink("purge", workspace_copy, "--as-of", "2999-01-01")
    assert found_in(workspace_copy, addresses) == set()
    assert not Path(str(workspace_copy) + ".wal").exists() and not Path(str(workspace_copy) + ".old").exists()
    assert "audit log verified" in said(run_geolink("audit", "verify", workspace_copy))
    with duckdb.connect(str(workspace_copy), read_only=True) as con:
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert not any(t.startswith("service_") or t.startswith("linked_") for t in tables)
        for table in ("match", "review", "record_area", "datasets", "measure_atom"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        last = json.loads(con.execute("SELECT outputs FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0])
    frames = service_frames(out)
    for name in SERVICES:
        destroyed = last["destroyed"][name]
        assert destroyed["records"]["rows"] == len(frames[name]) == destroyed["match"]
        assert len(destroyed["records"]["sha256"]) == 64


@pytest.fixture
def one_dataset(demo_dir, tmp_path):
    """A fresh workspace (path) with the demo's agreement, and the adult social care file to ingest."""
    out, _ = demo_dir
    ws = tmp_path / "ws.duckdb"
    run_geolink("agreement", "add", ws, out / "agreement.yaml")
    return ws, out / "input" / "services" / "adult_social_care.xlsx", out / "input" / "services" / "mapping.yaml"


def test_ingest_refuses_without_a_covering_agreement(one_dataset, tmp_path):
    ws, source, mapping = one_dataset
    missing = run_geolink("ingest", ws, source, "--dataset", "adult_social_care", "--mapping", mapping, check=False)
    assert missing.returncode == 2 and "--agreement" in said(missing)
    unknown = run_geolink("ingest", ws, source, "--dataset", "adult_social_care", "--agreement", "nope",
                          "--mapping", mapping, check=False)
    assert unknown.returncode == 2 and "no agreement 'nope'" in said(unknown)
    other = tmp_path / "other.yaml"
    other.write_text("id: other\nparties: [A]\npurpose: p\nlawful_basis: b\ndatasets: [housing_repairs]\n"
                     "retention_days: 10\nvalid_until: 2020-01-01\n")
    run_geolink("agreement", "add", ws, other)
    result = run_geolink("ingest", ws, source, "--dataset", "adult_social_care", "--agreement", "other",
                         "--mapping", mapping, check=False)
    assert result.returncode == 2 and "does not cover dataset 'adult_social_care'" in said(result)
    with duckdb.connect(str(ws), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'service_%'").fetchone()[0] == 0


def test_identifier_columns_are_caught_by_name_without_a_mapping_or_a_list_in_the_agreement(one_dataset, demo_dir,
                                                                                           tmp_path):
    ws, source, _ = one_dataset
    out, _ = demo_dir
    spec = yaml.safe_load((out / "agreement.yaml").read_text())
    del spec["identifiers"]
    spec["id"] = "no-identifier-list"
    (tmp_path / "bare.yaml").write_text(yaml.safe_dump(spec))
    run_geolink("agreement", "add", ws, tmp_path / "bare.yaml")
    result = run_geolink("ingest", ws, source, "--dataset", "adult_social_care", "--agreement", "no-identifier-list",
                         "--id-column", "record_id", "--address-column", "address")
    for column, kind in (("full_name", "name"), ("date_of_birth", "date_of_birth"), ("nhs_number", "nhs_number"),
                         ("phone", "phone")):
        assert f"{column} ({kind})" in said(result)
    frame = pd.read_excel(source, dtype=str).fillna("")
    assert found_in(ws, {v for c in PERSON_COLUMNS for v in frame[c] if v}) == set()


def test_an_encrypted_workspace_opens_only_with_its_key(one_dataset, tmp_path):
    _, source, mapping = one_dataset
    key, wrong = tmp_path / "key", tmp_path / "wrong"
    key.write_text("correct horse battery staple\n")
    wrong.write_text("not the key\n")
    ws = tmp_path / "secret.duckdb"
    out = source.parents[2]
    run_geolink("--key-file", key, "agreement", "add", ws, out / "agreement.yaml")
    run_geolink("--key-file", key, "ingest", ws, source, "--dataset", "adult_social_care",
                "--agreement", "synthtown-services-2026", "--mapping", mapping)
    frame = pd.read_excel(source, dtype=str).fillna("")
    assert found_in(ws, {v for v in frame["address"] if len(v) >= 8}) == set()
    assert b"adult_social_care" not in ws.read_bytes()
    without = run_geolink("audit", "verify", ws, check=False)
    assert without.returncode == 2 and "is encrypted" in said(without)
    wrong_key = run_geolink("--key-file", wrong, "audit", "verify", ws, check=False)
    assert wrong_key.returncode == 2 and "wrong key" in said(wrong_key)
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(ws), read_only=True)
    assert "2 entries" in said(run_geolink("--key-file", key, "audit", "verify", ws))
    log = run_geolink("--key-file", key, "audit", "show", ws, "--json").stdout
    assert "horse" not in log and b"horse" not in ws.read_bytes()  # the key is never stored
    run_geolink("--key-file", key, "purge", ws, "--as-of", "2999-01-01")
    assert "3 entries" in said(run_geolink("--key-file", key, "audit", "verify", ws))
    assert run_geolink("audit", "verify", ws, check=False).returncode == 2  # still encrypted after the rewrite


def test_a_second_writer_is_told_the_workspace_is_in_use(workspace_copy):
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(workspace_copy)!r}); "
                               "print('open', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        result = run_geolink("purge", workspace_copy, check=False)
        assert result.returncode == 2 and "is in use by another geolink process" in said(result)
    finally:
        holder.kill()
        holder.wait()


def test_review_decisions_update_the_matches_and_are_audited(workspace_copy, tmp_path):
    queue = tmp_path / "queue.csv"
    run_geolink("review", workspace_copy, "--export", queue)
    first = pd.read_csv(queue, dtype=str).groupby(["dataset", "record_id"]).head(1).head(3)
    decisions = first[["dataset", "record_id"]].assign(uprn=[first["candidate_uprn"].iloc[0], "", first["candidate_uprn"].iloc[2]])
    decisions.to_csv(tmp_path / "decisions.csv", index=False)
    result = run_geolink("review", workspace_copy, "--decisions", tmp_path / "decisions.csv")
    assert "3 decisions applied: 2 accepted, 1 rejected" in said(result)
    with duckdb.connect(str(workspace_copy), read_only=True) as con:
        rows = con.execute("SELECT record_id, uprn, band, method FROM match WHERE method = 'review' ORDER BY record_id").df()
        left = con.execute("SELECT count(*) FROM review WHERE record_id IN (SELECT unnest(?))",
                           [list(decisions["record_id"])]).fetchone()[0]
        last_two = con.execute("SELECT operation, outputs, parameters FROM audit_log ORDER BY seq DESC LIMIT 2").fetchall()
    assert len(rows) == 3 and sorted(rows["band"]) == ["high", "high", "unmatched"] and left == 0
    (review, _, decided), (export, exported, _) = last_two
    assert review == "review" and json.loads(decided)["accepted"] == 2
    assert export == "review export" and json.loads(exported)["rows"] == len(pd.read_csv(queue))


def test_an_agreement_with_a_larger_minimum_cell_size_raises_the_threshold(workspace_copy, demo_dir, tmp_path):
    out, _ = demo_dir
    stricter = tmp_path / "agreement.yaml"
    stricter.write_text((out / "agreement.yaml").read_text().replace("min_cell_size: 10", "min_cell_size: 20"))
    run_geolink("agreement", "add", workspace_copy, stricter)
    run_geolink("release", workspace_copy, "--out", tmp_path / "r", "--levels", "lsoa,msoa,lad")
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    table = pd.read_csv(tmp_path / "r" / "aggregates.csv")
    assert manifest["policy"]["k"] == 20 and set(table["level"]) == {"lsoa", "msoa", "lad"}
    assert not table["value"].dropna().between(1, 19).any()
    refused = run_geolink("release", workspace_copy, "--out", tmp_path / "r2", "--formats", "csv",
                          check=False)
    assert refused.returncode == 0  # csv is allowed
    narrow = tmp_path / "narrow.yaml"
    narrow.write_text((out / "agreement.yaml").read_text().replace("outputs: [duckdb, csv, gpkg, parquet]", "outputs: [csv]"))
    run_geolink("agreement", "add", workspace_copy, narrow)
    refused = run_geolink("release", workspace_copy, "--out", tmp_path / "r3", check=False)
    assert refused.returncode == 1 and "does not allow output(s) duckdb, gpkg, parquet" in said(refused)
    assert not (tmp_path / "r3" / "manifest.json").exists()


def test_a_match_killed_with_sigkill_leaves_the_workspace_consistent_and_a_rerun_completes(demo_dir, tmp_path):
    out, _ = demo_dir
    ws = tmp_path / "ws.duckdb"
    run_geolink("agreement", "add", ws, out / "agreement.yaml")
    frames = service_frames(out)
    mapping = out / "input" / "services" / "mapping.yaml"
    for name in SERVICES:
        run_geolink("ingest", ws, out / "input" / "services" / f"{name}.csv", "--dataset", name,
                    "--agreement", "synthtown-services-2026", "--mapping", mapping)
    link = [sys.executable, "-m", "geolink", "link", str(ws), "--reference", str(out / "input" / "gazetteer.csv"),
            "--cache", str(out / "cache"), "--workers", "1"]
    process = subprocess.Popen(link, stderr=subprocess.PIPE, text=True)
    first = process.stderr.readline()  # the first dataset is committed; the second is being matched
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert "records matched" in first and process.returncode == -signal.SIGKILL

    with duckdb.connect(str(ws), read_only=True) as con:
        counts = dict(con.execute("SELECT dataset, count(*) FROM match GROUP BY dataset").fetchall())
        matched_entries = con.execute("SELECT count(*) FROM audit_log WHERE operation = 'match'").fetchone()[0]
    assert 1 <= len(counts) < len(SERVICES) and matched_entries == len(counts)
    assert all(counts[name] == len(frames[name]) for name in counts)  # each dataset wholly matched or not at all
    assert "audit log verified" in said(run_geolink("audit", "verify", ws))

    subprocess.run(link, check=True, capture_output=True)
    with duckdb.connect(str(ws), read_only=True) as con:
        rows = con.execute("SELECT dataset, count(*), count(DISTINCT record_id) FROM match GROUP BY dataset").fetchall()
    assert {name: (n, distinct) for name, n, distinct in rows} == {name: (len(f), len(f)) for name, f in frames.items()}
    assert "audit log verified" in said(run_geolink("audit", "verify", ws))


def test_without_the_httpfs_wheel_plain_workspaces_work_and_encryption_says_what_to_install(tmp_path, monkeypatch):
    from geolink import workspace
    from geolink.errors import GeolinkError

    monkeypatch.setitem(sys.modules, "duckdb_extension_httpfs", None)  # as if the package were not installed
    monkeypatch.delenv(workspace.KEY_ENV, raising=False)
    monkeypatch.delenv(workspace.KEY_FILE_ENV, raising=False)
    con = workspace.connect(tmp_path / "plain.duckdb", create=True)
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    monkeypatch.setenv(workspace.KEY_ENV, "a key")
    with pytest.raises(GeolinkError, match="needs the package duckdb-extension-httpfs=="):
        workspace.connect(tmp_path / "secret.duckdb", create=True)
