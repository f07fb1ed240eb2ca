"""Running geolink's stages on Apache Spark with the same pure functions as on one machine.

Every row-wise stage (street and point linkage, placing points in areas) is a pure
function of a batch of rows. `map_row_batches` cuts a table into batches, runs the
function on each inside Spark's executors (`groupBy(batch).applyInPandas`) and gives
the rows back in their order, typed as the function gave them: so the result is the
one-machine result, row for row. Install with `pip install geolink[spark]`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from geolink.errors import GeolinkError

ENGINES = ("duckdb", "spark")
BATCH_ROWS = 25_000
# Spark types of a batch function's output columns, and the pandas types they come back as.
PANDAS_TYPES = {"long": "Int64", "double": "float64", "string": "object", "boolean": "bool"}


def check_engine(engine: str) -> str:
    """`engine`, if it is one of ENGINES."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    return engine


def spark_session(master: str | None = None, app_name: str = "geolink"):
    """The active Spark session, or a new one on `master` (default: the SPARK_MASTER
    environment variable, else local with every core). Executors in local mode run
    this interpreter, so they see the same packages."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise GeolinkError("the Spark engine needs PySpark: pip install 'geolink[spark]'") from exc
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    master = master or os.environ.get("SPARK_MASTER", "local[*]")
    builder = (SparkSession.builder.appName(app_name).master(master)
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    if master.startswith("local"):  # 200 shuffle partitions is a cluster's default; on one machine, its cores
        builder = builder.config("spark.sql.shuffle.partitions", str(os.cpu_count() or 1))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def map_row_batches(frame: pd.DataFrame, function: Callable[[pd.DataFrame, Any], pd.DataFrame],
                    columns: dict[str, str], shared: Any = None, *, engine: str = "duckdb",
                    batch_rows: int | None = None) -> pd.DataFrame:
    """`function(rows, shared)`, which gives one row per row of `rows` with `columns`
    ({name: Spark type: long, double, string or boolean}), over the whole of `frame` in
    this process ("duckdb"), or over consecutive batches of it on the active Spark
    session's executors ("spark"), `shared` (a street index, area layers...) broadcast
    to them once; batches of `batch_rows` (default BATCH_ROWS). Either way the rows come
    back in `frame`'s order and index, typed alike."""
    if engine != "spark" or frame.empty:
        return _typed(function(frame.reset_index(drop=True), shared), columns).set_axis(frame.index)
    spark = spark_session()
    order = np.arange(len(frame), dtype=np.int64)
    data = frame.reset_index(drop=True).assign(_row=order, _batch=order // (batch_rows or BATCH_ROWS))
    context = spark.sparkContext.broadcast(shared)
    names = list(columns)

    def apply(batch: pd.DataFrame) -> pd.DataFrame:
        batch = batch.sort_values("_row")
        out = function(batch.drop(columns=["_row", "_batch"]).reset_index(drop=True), context.value)
        return out[names].assign(_row=batch["_row"].to_numpy())

    schema = ", ".join(f"`{name}` {kind}" for name, kind in [*columns.items(), ("_row", "long")])
    batches = int(data["_batch"].iloc[-1]) + 1
    result = (spark.createDataFrame(data).repartition(batches, "_batch")
              .groupBy("_batch").applyInPandas(apply, schema).toPandas())
    context.unpersist()
    return _typed(result.sort_values("_row").reset_index(drop=True), columns).set_axis(frame.index)


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """`frame`'s `columns` in the pandas types the one-machine code gives them."""
    out = pd.DataFrame(index=frame.index)
    for name, kind in columns.items():
        values = frame[name]
        if kind == "string":
            values = values.astype(object).where(values.notna(), None)
        out[name] = values.astype(PANDAS_TYPES[kind])
    return out
