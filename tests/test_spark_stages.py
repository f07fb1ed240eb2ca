"""The geography and measure stages on Spark give the DuckDB path's tables (Spark in local[2])."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from conftest import run_geolink
from geolink import workspace
from geolink.geography import read_area_layers
from geolink.geography.run import run_geography
from geolink.measures import measures_from_dict
from geolink.measures.run import run_measures
from geolink.spark import spark_session

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (.ci/run installs one)", allow_module_level=True)

TABLES = ("area", "uprn_area", "record_area", "atom", "measure", "measure_atom")


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]", app_name="geolink-tests")
    yield session
    session.stop()


def _stages(demo_dir, copy, engine: str) -> tuple[dict, dict, dict[str, pd.DataFrame]]:
    """Geography then measures on a copy of the demo's workspace: reports and tables."""
    out, _ = demo_dir
    copy.write_bytes((out / "workspace.duckdb").read_bytes())
    measures = measures_from_dict(yaml.safe_load((out / "measures.yaml").read_text()))
    con = workspace.connect(copy)
    try:
        placed = run_geography(con, read_area_layers(out / "input" / "areas.gpkg"), engine=engine)
        counted = run_measures(con, measures, engine=engine)
        tables = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetch_df() for t in TABLES}
    finally:
        con.close()
    return placed, counted, tables


def test_geography_and_measures_on_spark_equal_duckdb(spark, demo_dir, tmp_path, monkeypatch):
    import geolink.spark

    monkeypatch.setattr(geolink.spark, "BATCH_ROWS", 4_000)  # several placement batches
    local = _stages(demo_dir, tmp_path / "duckdb.duckdb", "duckdb")
    on_spark = _stages(demo_dir, tmp_path / "spark.duckdb", "spark")

    placed, counted, tables = local
    assert placed["uprns"] >= 20_000 and sum(d["uprn"] for d in placed["datasets"].values()) > 3_000
    assert len(counted) >= 3 and all(n > 0 for n in counted.values())
    assert on_spark[0] == placed
    assert on_spark[1] == counted
    for table in TABLES:
        pd.testing.assert_frame_equal(on_spark[2][table], tables[table], obj=table)


def test_measures_command_on_spark(workspace_copy, tmp_path):
    """The command line wiring (`geography --engine` goes through the same option)."""
    spec = tmp_path / "one.yaml"
    spec.write_text(yaml.safe_dump({"measures": {"repair_jobs": {"dataset": "housing_repairs", "count": "records"}}}))
    counted = run_geolink("measures", workspace_copy, "--spec", spec, "--engine", "spark", "--spark-master", "local[2]")
    assert "1 measures computed" in counted.stderr
    con = workspace.connect(workspace_copy, read_only=True)
    try:
        assert con.execute("SELECT sum(units) FROM measure_atom WHERE measure = 'repair_jobs'").fetchone()[0] > 1_000
    finally:
        con.close()
