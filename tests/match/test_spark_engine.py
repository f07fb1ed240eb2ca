"""The Spark engine gives the DuckDB engine's results row for row (Spark in local[2] mode)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from geolink.gazetteer.prepare import prepare_reference
from geolink.match.pipeline import match_table
from geolink.geography import frame_points
from geolink.match.spark import batch_parts, batch_result
from geolink.spark import spark_session
from geolink.synth import write_town
from geolink.synth.services import MAPPING

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (.ci/run installs one)", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]", app_name="geolink-tests")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def borough_dir(borough, tmp_path_factory):
    out = tmp_path_factory.mktemp("spark-borough")
    write_town(borough, out)
    return out


@pytest.fixture(scope="module")
def records_and_reference(borough_dir):
    """Every property-service record of the small borough as one table, and its prepared gazetteer."""
    out = borough_dir
    frames = []
    for name in ("council_tax_support", "housing_repairs", "adult_social_care"):
        spec = MAPPING[name]
        data = pd.read_csv(out / "services" / f"{name}.csv", dtype=str, keep_default_na=False)
        address = data[spec["address_columns"]].apply(lambda row: ", ".join(v for v in row if v), axis=1)
        postcode = data[spec["postcode_column"]] if spec.get("postcode_column") else ""
        frames.append(pd.DataFrame({"record_id": data["record_id"], "address": address, "postcode": postcode}))
    ref = prepare_reference(out / "gazetteer.csv", cache=out / "cache")
    yield pd.concat(frames, ignore_index=True), ref
    ref.close()


def test_spark_matches_row_for_row_like_duckdb(spark, records_and_reference):
    records, ref = records_and_reference
    # Small batches, so that several Spark groups (and both local cores) take part.
    options = dict(id_column="record_id", address_columns=["address"], postcode_column="postcode", batch_size=300)
    local = match_table(records, ref, **options)
    on_spark = match_table(records, ref, engine="spark", **options)

    assert len(on_spark.output) == len(records)
    assert on_spark.output["band"].isin(["exact", "high"]).sum() > len(records) / 2
    pd.testing.assert_frame_equal(on_spark.output, local.output)
    pd.testing.assert_frame_equal(on_spark.review, local.review)
    drop_timing = lambda report: {k: v for k, v in report.items() if k not in ("seconds", "records_per_second")}  # noqa: E731
    assert drop_timing(on_spark.report) == drop_timing(local.report)


@pytest.mark.parametrize("dataset", ["street_reports", "housing_repairs"])
def test_street_and_point_linkage_on_spark_is_row_for_row(spark, borough_dir, records_and_reference, monkeypatch,
                                                          dataset):
    """Records with coordinates (street reports in eastings and northings, repairs in
    latitude and longitude): street-only texts, nearest addresses and streets, and the
    distance check, all linked in batches on the executors."""
    import geolink.spark

    _, ref = records_and_reference
    monkeypatch.setattr(geolink.spark, "BATCH_ROWS", 7)  # several linkage batches
    spec = MAPPING[dataset]
    records = pd.read_csv(borough_dir / "services" / f"{dataset}.csv", dtype=str, keep_default_na=False)
    coordinates = {k: spec[k] for k in ("x_column", "y_column", "lat_column", "lon_column") if k in spec}
    options = dict(id_column="record_id", address_columns=spec["address_columns"], batch_size=150,
                   points=frame_points(records, **coordinates))
    local = match_table(records, ref, **options)
    on_spark = match_table(records, ref, engine="spark", **options)

    assert len(records) >= 20 and local.output["point_usrn"].notna().sum() >= 5
    assert local.output["band"].isin(["street", "exact", "high"]).sum() >= len(records) / 2
    pd.testing.assert_frame_equal(on_spark.output, local.output)
    pd.testing.assert_frame_equal(on_spark.review, local.review)


def test_batch_results_survive_the_trip_through_one_table(records_and_reference):
    """What an executor returns, the driver reads back unchanged (no Spark needed)."""
    from geolink.match.model import load_model
    from geolink.match.pipeline import match_batch

    records, ref = records_and_reference
    texts, postcodes = records["address"].tolist()[:200], records["postcode"].tolist()[:200]
    decided, top, about_street = match_batch(texts, postcodes, ref, load_model())
    back = batch_parts(batch_result(3, decided, top, about_street), len(texts))
    pd.testing.assert_frame_equal(back[0], decided, check_dtype=False)
    pd.testing.assert_frame_equal(back[1], top.reset_index(drop=True)[back[1].columns], check_dtype=False)
    assert (back[2] == about_street).all()


def test_an_unknown_engine_is_refused(records_and_reference):
    records, ref = records_and_reference
    with pytest.raises(ValueError, match="engine"):
        match_table(records.head(5), ref, id_column="record_id", address_columns=["address"], engine="hadoop")


def test_geolink_match_engine_spark_writes_the_same_file(tmp_path):
    """The command line, as a national user runs it: --engine spark gives the same output file."""
    from conftest import run_geolink

    reference = tmp_path / "reference.csv"
    reference.write_text('uprn,address,postcode\n100,"14 MILL LANE, EXBRIDGE",YX1 1AA\n'
                         '101,"16 MILL LANE, EXBRIDGE",YX1 1AA\n102,"ROSE COTTAGE, MILL LANE, EXBRIDGE",YX1 1AB\n')
    messy = tmp_path / "messy.csv"
    messy.write_text("id,address,postcode\n1,16 Mill Ln,YX1 1AA\n2,Rose Cottage Mill Lane,\n3,,\n")
    outputs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        run_geolink("match", messy, "--reference", reference, "--out", out, "--cache", tmp_path / "cache",
                    "--engine", engine, *(["--spark-master", "local[2]"] if engine == "spark" else []))
        outputs[engine] = out.read_text()
    assert outputs["spark"] == outputs["duckdb"]
    assert "101" in outputs["spark"]


def test_a_wrong_engine_is_a_clear_message(tmp_path):
    from conftest import run_geolink

    result = run_geolink("match", tmp_path / "m.csv", "--reference", tmp_path / "r.csv", "--out", tmp_path / "o.csv",
                         "--engine", "hadoop", check=False)
    assert result.returncode != 0
    assert "--engine must be duckdb or spark" in result.stderr and "Traceback" not in result.stderr
