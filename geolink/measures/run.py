"""The measures stage over a workspace: count each measure's units per atom.

Writes `measure` (name, count, datasets, description, sql) and `measure_atom`
(measure, atom, units, key_sum). True counts stay in the workspace; only the release
gate turns them into published values.
"""

from __future__ import annotations

import functools

import duckdb
import pandas as pd

from geolink import workspace
from geolink.governance.audit import operation, table_digest
from geolink.disclosure.perturb import record_keys
from geolink.errors import GeolinkError
from geolink.spark import check_engine, spark_session
from .spec import Measure, unit_sql


def run_measures(con: duckdb.DuckDBPyConnection, measures: list[Measure], engine: str = "duckdb") -> dict[str, int]:
    """Compute every measure; returns its number of units (households or records). With
    `engine` "spark", the measures' SQL runs in Spark SQL over the workspace's placed
    tables and the units are counted per atom on the executors, by the same code."""
    check_engine(engine)
    workspace.require_tables(con, "uprn_area", "record_area", "atom", stage="the geography stage")
    known = {d["name"] for d in workspace.datasets(con)}
    for measure in measures:
        missing = [d for d in measure.datasets if d not in known]
        if missing:
            raise GeolinkError(f"measure {measure.name!r}: no dataset {', '.join(missing)} in the workspace "
                               f"(loaded: {', '.join(sorted(known)) or 'none'})")
    key = workspace.secret(con)
    counted = _on_spark(con, measures, key) if engine == "spark" else _in_duckdb(con, measures, key)
    counts = {m.name: counted[m.name][1] for m in measures}
    definitions = pd.DataFrame([{
        "name": m.name, "count": m.count, "datasets": ",".join(m.datasets), "description": m.description,
        "sql": unit_sql(m)} for m in measures])
    per_atom = pd.concat([counted[m.name][0].assign(measure=m.name) for m in measures], ignore_index=True)
    inputs = {t: table_digest(con, t) for t in ("record_area", "uprn_area")}
    with operation(con, "measures", {"measures": definitions.to_dict("records")}, inputs) as outputs:
        workspace.replace_table(con, "measure", definitions)
        workspace.replace_table(con, "measure_atom", per_atom[["measure", "atom", "units", "key_sum"]])
        outputs["units"] = counts
    return counts


def atom_counts(units: pd.DataFrame, secret: bytes) -> pd.DataFrame:
    """Units (`unit`, `atom`) counted per atom, with the sum of their record keys (what the
    cell-key method perturbs by); units with no atom, outside every area, are left out."""
    keyed = units.assign(key=record_keys(units["unit"], secret))
    counted = keyed.groupby("atom").agg(units=("unit", "size"), key_sum=("key", "sum")).reset_index()
    return counted.astype({"atom": "int64", "units": "int64", "key_sum": "int64"})


ATOM_BUCKETS = 16
Counted = dict[str, tuple[pd.DataFrame, int]]  # measure -> (atom_counts, number of units)


def _in_duckdb(con: duckdb.DuckDBPyConnection, measures: list[Measure], secret: bytes) -> Counted:
    counted = {}
    for measure in measures:
        try:
            units = con.execute(unit_sql(measure)).df()
        except duckdb.Error as exc:
            raise GeolinkError(f"measure {measure.name!r}: its SQL failed: {exc}") from exc
        counted[measure.name] = (atom_counts(units, secret), len(units))
    return counted


def _on_spark(con: duckdb.DuckDBPyConnection, measures: list[Measure], secret: bytes) -> Counted:
    """Every measure's SQL in Spark SQL over the tables measures read (the placed UPRNs and
    records, each dataset's linked view, sent as temporary views of the same names), then
    one pass counting the units of every (measure, atom) group with `atom_counts`."""
    from pyspark.errors import PySparkException
    from pyspark.sql import functions as F

    spark = spark_session()
    for table in ("uprn_area", "record_area", *(f"linked_{d['name']}" for d in workspace.datasets(con))):
        spark.createDataFrame(con.execute(f"SELECT * FROM {table}").to_arrow_table()).createOrReplaceTempView(table)
    parts = []
    for measure in measures:
        try:
            parts.append(spark.sql(unit_sql(measure)).select("unit", "atom", F.lit(measure.name).alias("measure")))
        except PySparkException as exc:
            raise GeolinkError(f"measure {measure.name!r}: its SQL failed on Spark: {exc}") from exc
    units = functools.reduce(lambda a, b: a.unionByName(b), parts).cache()

    def count(group: pd.DataFrame) -> pd.DataFrame:
        return atom_counts(group, secret).assign(measure=group["measure"].iloc[0])

    # Groups of many atoms (an atom's units are never split), not one group per atom: each
    # group is a pandas call, and a town has thousands of atoms.
    buckets = units.withColumn("bucket", F.pmod("atom", F.lit(ATOM_BUCKETS)))
    per_atom = (buckets.groupBy("measure", "bucket")
                .applyInPandas(count, "atom long, units long, key_sum long, measure string").toPandas())
    totals = dict(units.groupBy("measure").count().collect())
    units.unpersist()
    return {m.name: (per_atom[per_atom["measure"] == m.name].drop(columns="measure")
                     .sort_values("atom", ignore_index=True), int(totals.get(m.name, 0)))
            for m in measures}
