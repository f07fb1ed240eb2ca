"""The release made by `geolink demo`, checked as the issue asks, and the gate refusing leaks."""

from __future__ import annotations

import json

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from conftest import run_geolink
from geolink.disclosure import CellSpace

IDENTIFYING = ("uprn", "usrn", "record", "person", "nhs", "birth", "phone")


@pytest.fixture(scope="module")
def release(demo_dir):
    out, _ = demo_dir
    return out, pd.read_csv(out / "release" / "aggregates.csv")


def test_every_published_count_is_at_least_k_and_on_the_rounding_base(release):
    _, table = release
    values = table["value"].dropna()
    assert len(values) > 200
    assert (values == 0).sum() + (values >= 10).sum() == len(values)
    assert (values % 5 == 0).all()
    assert table.loc[table["value"].isna(), ["rate", "rate_low", "rate_high", "comparison"]].isna().all().all()


def test_no_column_names_a_uprn_record_or_person(release):
    out, table = release
    columns = list(table.columns)
    columns += [c for layer, _ in pyogrio.list_layers(out / "release" / "aggregates.gpkg")
                for c in gpd.read_file(out / "release" / "aggregates.gpkg", layer=layer).columns]
    assert not [c for c in columns if any(word in c.lower() for word in IDENTIFYING)]


def test_hidden_children_cannot_be_solved_from_published_parents_and_siblings(release):
    out, table = release
    con = duckdb.connect(str(out / "workspace.duckdb"), read_only=True)
    areas = con.execute("SELECT level, code FROM area").df()
    atoms = con.execute("SELECT * FROM atom ORDER BY atom").df()
    space = CellSpace.build(atoms.drop(columns="atom"), areas)
    keys = pd.MultiIndex.from_frame(space.cells[["level", "code"]])
    for measure, rows in table.groupby("measure"):
        per_atom = con.execute("SELECT atom, units FROM measure_atom WHERE measure = ?", [measure]).df()
        counts = np.zeros(len(atoms))
        counts[per_atom["atom"]] = per_atom["units"]
        true = space.totals(counts)
        published = rows.set_index(["level", "area_code"])["value"].reindex(keys).notna().to_numpy()
        published_rows = space.membership[np.flatnonzero(published)].toarray()
        rank = np.linalg.matrix_rank(published_rows)
        for i in np.flatnonzero(~published & (true > 0) & (true < 10)):
            stacked = np.vstack([published_rows, space.membership[i].toarray()])
            assert np.linalg.matrix_rank(stacked) > rank, (measure, space.cells.iloc[i].to_dict())
        parent_of = {"oa": "lsoa", "lsoa": "msoa", "msoa": "lad"}
        hidden = dict(zip(zip(space.cells["level"], space.cells["code"]), ~published))
        truth = dict(zip(zip(space.cells["level"], space.cells["code"]), true))
        for child, parent in parent_of.items():
            for p, group in atoms[[child, parent]].drop_duplicates().groupby(parent):
                if not hidden[(parent, p)]:
                    total = sum(truth[(child, c)] for c in group[child] if hidden[(child, c)])
                    assert total == 0 or total >= 10, (measure, parent, p, total)


def test_the_duckdb_release_opens_read_only_and_holds_only_aggregates(release):
    out, table = release
    con = duckdb.connect(str(out / "release" / "aggregates.duckdb"), read_only=True)
    tables = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
    assert {t for t, kind in tables.items() if kind == "BASE TABLE"} == {"aggregates", "measures", "areas"}
    area_columns = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_name = 'areas'").fetchall()]
    assert area_columns == ["level", "code", "name", "parent_code"]
    assert {"oa", "lsoa", "msoa", "ward", "lad"} <= {t for t, kind in tables.items() if kind == "VIEW"}
    assert con.execute("SELECT count(*) FROM aggregates").fetchone()[0] == len(table)
    columns = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_name = 'aggregates'").fetchall()]
    assert columns == ["level", "area_code", "area_name", "measure", "value", "flag", "denominator",
                       "rate", "rate_low", "rate_high", "comparison"]
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE x (a INT)")


def test_the_geopackage_has_a_layer_per_level_and_the_parquet_is_geoparquet(release):
    out, table = release
    layers = {name for name, _ in pyogrio.list_layers(out / "release" / "aggregates.gpkg")}
    assert layers == set(table["level"])
    lsoa = gpd.read_file(out / "release" / "aggregates.gpkg", layer="lsoa")
    assert lsoa.crs.to_epsg() == 27700 and len(lsoa) == (table["level"] == "lsoa").sum() / table["measure"].nunique()
    geo = gpd.read_parquet(out / "release" / "aggregates.parquet")
    assert geo.crs.to_epsg() == 27700 and len(geo) == len(table) and geo.geometry.notna().all()


def test_the_manifest_records_the_policy_inputs_and_counts(release):
    out, table = release
    manifest = json.loads((out / "release" / "manifest.json").read_text())
    assert manifest["policy"]["k"] == 10 and manifest["policy"]["rounding_base"] == 5
    assert manifest["released"] + sum(manifest["suppressed"].values()) == len(table)
    assert manifest["released"] == table["value"].notna().sum()
    assert set(manifest["input_hashes"]) == {"area", "atom", "measure", "measure_atom"}
    assert set(manifest["measures"]) == set(table["measure"])


def test_a_weakened_policy_is_refused_and_nothing_is_written(workspace_copy, tmp_path):
    policy = tmp_path / "weak.yaml"
    policy.write_text("name: no-secondary\nsecondary_suppression: false\n")
    result = run_geolink("release", workspace_copy, "--out", tmp_path / "r", "--policy", policy, check=False)
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "release refused" in message and "recomputation" in message
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_a_bad_policy_file_gets_a_clear_message(workspace_copy, tmp_path):
    policy = tmp_path / "bad.yaml"
    policy.write_text("k: 10\nthreshold: 3\n")
    result = run_geolink("release", workspace_copy, "--out", tmp_path / "r", "--policy", policy, check=False)
    assert result.returncode == 2 and "unknown setting(s) threshold" in " ".join(result.stderr.split())


def test_a_second_release_cannot_be_differenced_against_the_first(workspace_copy, tmp_path):
    run_geolink("release", workspace_copy, "--out", tmp_path / "first")
    con = duckdb.connect(str(workspace_copy))
    # three more council tax support households appear in one LSOA published the first time
    lsoa = con.execute("""SELECT area_code FROM release_cell WHERE measure = 'cts_households' AND level = 'lsoa'
                          AND published ORDER BY area_code LIMIT 1""").fetchone()[0]
    extra = con.execute(f"""SELECT u.atom FROM uprn_area u JOIN atom a USING (atom) WHERE a.lsoa = '{lsoa}'
                            AND u.household AND u.uprn NOT IN (SELECT uprn FROM linked_council_tax_support
                            WHERE uprn IS NOT NULL) LIMIT 3""").df()
    con.execute("UPDATE measure_atom SET units = units + 1 WHERE measure = 'cts_households' AND atom = ?",
                [int(extra["atom"].iloc[0])])
    con.execute("UPDATE measure_atom SET units = units + 2 WHERE measure = 'cts_households' AND atom = ?",
                [int(extra["atom"].iloc[1])])
    con.close()
    run_geolink("release", workspace_copy, "--out", tmp_path / "second")
    first = pd.read_csv(tmp_path / "first" / "aggregates.csv").set_index(["measure", "level", "area_code"])
    second = pd.read_csv(tmp_path / "second" / "aggregates.csv").set_index(["measure", "level", "area_code"])
    con = duckdb.connect(str(workspace_copy), read_only=True)
    truth = con.execute("SELECT release_id, measure, level, area_code, true_value FROM release_cell").df()
    before = truth[truth.release_id == 1].set_index(["measure", "level", "area_code"])["true_value"]
    after = truth[truth.release_id == 2].set_index(["measure", "level", "area_code"])["true_value"]
    both = first["value"].notna() & second["value"].notna()
    change = (after - before)[both[both].index]
    assert ((change == 0) | (change.abs() >= 10)).all()
    assert (second["flag"] == "over-time").any()


def test_cell_key_perturbation_is_the_same_on_every_rerun(workspace_copy, tmp_path):
    policy = tmp_path / "ckey.yaml"
    policy.write_text("name: ons-cell-key\nmethod: cell_key\nmax_perturbation: 2\n")
    for run in ("a", "b"):
        run_geolink("release", workspace_copy, "--out", tmp_path / run, "--policy", policy)
    a = pd.read_csv(tmp_path / "a" / "aggregates.csv")
    b = pd.read_csv(tmp_path / "b" / "aggregates.csv")
    pd.testing.assert_frame_equal(a, b)
    values = a["value"].dropna()
    assert not values.between(1, 9).any()
    assert (values % 5 != 0).any(), "perturbed, not rounded"


def test_differential_privacy_noise_is_recorded_with_its_epsilon(workspace_copy, tmp_path):
    policy = tmp_path / "dp.yaml"
    policy.write_text("name: dp\ndp_epsilon: 1.0\nmethod: none\n")
    run_geolink("release", workspace_copy, "--out", tmp_path / "dp", "--policy", policy)
    manifest = json.loads((tmp_path / "dp" / "manifest.json").read_text())
    assert manifest["dp"] == {"mechanism": "two-sided geometric", "epsilon": 1.0}
    values = pd.read_csv(tmp_path / "dp" / "aggregates.csv")["value"].dropna()
    assert not values.between(1, 9).any()


def test_custom_areas_and_sql_measures_flow_into_a_protected_release(demo_dir, workspace_copy, tmp_path):
    import shapely

    out, _ = demo_dir
    lad = gpd.read_file(out / "input" / "areas.gpkg", layer="lad")
    x0, y0, x1, y1 = lad.total_bounds
    middle = (x0 + x1) / 2
    halves = gpd.GeoDataFrame({"code": ["WEST", "EAST"], "name": ["West side", "East side"]},
                              geometry=[shapely.box(x0, y0, middle, y1), shapely.box(middle, y0, x1, y1)],
                              crs=27700).to_crs(4326)  # any CRS: reprojected on the way in
    halves.to_file(tmp_path / "halves.geojson")
    run_geolink("geography", workspace_copy, "--areas", out / "input" / "areas.gpkg",
                "--custom", f"halves={tmp_path / 'halves.geojson'}")
    spec = tmp_path / "measures.yaml"
    spec.write_text(
        "measures:\n"
        "  urgent_repair_households:\n"
        "    count: households\n"
        "    sql: SELECT uprn FROM linked_housing_repairs WHERE priority IN ('urgent', 'emergency')\n"
        "  cts_households:\n"
        "    dataset: council_tax_support\n")
    run_geolink("measures", workspace_copy, "--spec", spec)
    refused = run_geolink("release", workspace_copy, "--out", tmp_path / "r", check=False)
    assert refused.returncode == 1 and "does not allow level(s) halves" in " ".join(refused.stderr.split())
    assert not (tmp_path / "r" / "aggregates.csv").exists()
    amended = tmp_path / "agreement.yaml"  # the agreement is amended to allow the new level
    amended.write_text((out / "agreement.yaml").read_text().replace("lad]", "lad, halves]"))
    run_geolink("agreement", "add", workspace_copy, amended)
    run_geolink("release", workspace_copy, "--out", tmp_path / "r")
    table = pd.read_csv(tmp_path / "r" / "aggregates.csv")
    assert set(table["measure"]) == {"urgent_repair_households", "cts_households"}
    halves_rows = table[table["level"] == "halves"]
    assert set(halves_rows["area_name"]) == {"West side", "East side"}
    whole = table[(table["level"] == "lad") & (table["measure"] == "cts_households")]["value"].iloc[0]
    assert halves_rows[halves_rows["measure"] == "cts_households"]["value"].sum() == pytest.approx(whole, abs=10)
    assert not table["value"].dropna().between(1, 9).any()


def test_geography_without_a_workspace_or_areas_says_what_is_missing(tmp_path):
    result = run_geolink("geography", tmp_path / "none.duckdb", "--areas", tmp_path / "none.gpkg", check=False)
    assert result.returncode == 2 and "no area file" in " ".join(result.stderr.split())


def test_stages_run_out_of_order_name_the_stage_to_run_first(tmp_path):
    import duckdb as db

    empty = tmp_path / "empty.duckdb"
    db.connect(str(empty)).close()
    result = run_geolink("release", empty, "--out", tmp_path / "r", check=False)
    assert result.returncode == 2 and "run the geography stage first" in " ".join(result.stderr.split())
    spec = tmp_path / "m.yaml"
    spec.write_text("measures:\n  m:\n    dataset: council_tax_support\n")
    result = run_geolink("measures", empty, "--spec", spec, check=False)
    assert result.returncode == 2 and "run the geography stage first" in " ".join(result.stderr.split())


def test_a_measure_with_broken_sql_or_an_unknown_dataset_is_named(workspace_copy, tmp_path):
    spec = tmp_path / "m.yaml"
    spec.write_text("measures:\n  broken:\n    count: households\n    sql: SELECT uprn FROM no_such_table\n")
    result = run_geolink("measures", workspace_copy, "--spec", spec, check=False)
    assert result.returncode == 2 and "measure 'broken': its SQL failed" in " ".join(result.stderr.split())
    spec.write_text("measures:\n  m:\n    dataset: parking_permits\n")
    result = run_geolink("measures", workspace_copy, "--spec", spec, check=False)
    assert result.returncode == 2 and "no dataset parking_permits" in " ".join(result.stderr.split())
