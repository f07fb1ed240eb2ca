"""Matching batches on Apache Spark: the same `match_batch`, one batch per `applyInPandas` group.

The driver cuts the records into the same batches as the local engines; Spark runs
`match_batch` on each inside its executors, every executor opening the prepared
reference (shipped with `SparkContext.addFile`) read-only, once per Python worker. The
batch results come back in batch order; street links then run on Spark too
(`geolink.spark.map_row_batches`), and the review file and report are the local code
unchanged, so the output is the same row for row. Install with `pip install geolink[spark]`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from geolink.spark import spark_session
from .model import Model
from .pipeline import CANDIDATE_FIELDS, DECISION_COLUMNS, match_batch, worker_reference

# One table carries the three results of a batch, told apart by `kind`: a record's
# decision, one of its top candidates, and whether the record is about a street.
RESULT_SCHEMA = ("kind string, batch long, pos long, uprn long, usrn long, score double, band string, "
                 "runner_up_uprn long, margin double, best_row long, explanation string, "
                 "full_address string, about_street boolean")


def run_batches(jobs: Sequence[tuple[list[str], list[str]]], reference: Path, model: Model,
                spark=None) -> Iterator[tuple[pd.DataFrame, pd.DataFrame, np.ndarray]]:
    """`match_batch` results of every job (texts, postcodes), in order, computed on Spark."""
    spark = spark or spark_session()
    records = pd.DataFrame({
        "batch": np.repeat(np.arange(len(jobs), dtype=np.int64), [len(texts) for texts, _ in jobs]),
        "pos": np.concatenate([np.arange(len(texts), dtype=np.int64) for texts, _ in jobs]) if jobs else [],
        "text": [t for texts, _ in jobs for t in texts],
        "postcode": [p for _, postcodes in jobs for p in postcodes],
    })
    spark.sparkContext.addFile(str(reference))
    name = Path(reference).name

    def match_group(group: pd.DataFrame) -> pd.DataFrame:
        from pyspark import SparkFiles
        group = group.sort_values("pos")
        ref = worker_reference(SparkFiles.get(name), threads=1)  # Spark gives each task its own core
        results = match_batch(group["text"].tolist(), group["postcode"].tolist(), ref, model)
        return batch_result(int(group["batch"].iloc[0]), *results)

    frame = spark.createDataFrame(records, "batch long, pos long, text string, postcode string")
    results = (frame.repartition(max(1, len(jobs)), "batch")
               .groupBy("batch").applyInPandas(match_group, RESULT_SCHEMA).toPandas())
    by_batch = dict(tuple(results.groupby("batch")))
    for batch, (texts, _) in enumerate(jobs):
        yield batch_parts(by_batch.get(batch, results.iloc[:0]), len(texts))


def batch_result(batch: int, decided: pd.DataFrame, top: pd.DataFrame, about_street: np.ndarray) -> pd.DataFrame:
    """A batch's decisions, top candidates and street flags as one table of RESULT_SCHEMA."""
    decisions = decided[list(DECISION_COLUMNS)].assign(kind="decision", pos=decided.index.to_numpy())
    candidates = top[list(CANDIDATE_FIELDS)].assign(kind="candidate")
    flags = pd.DataFrame({"kind": "record", "pos": np.arange(len(about_street)), "about_street": about_street})
    table = pd.concat([decisions, candidates, flags], ignore_index=True).assign(batch=batch)
    columns = [c.split()[0] for c in RESULT_SCHEMA.split(", ")]
    return table.reindex(columns=columns)


def batch_parts(table: pd.DataFrame, size: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The (decisions, top candidates, street flags) of one batch back from its RESULT_SCHEMA table."""
    decisions = table[table["kind"] == "decision"].set_index("pos")[list(DECISION_COLUMNS)]
    decisions.index = decisions.index.astype(np.int64)
    for column in ("uprn", "usrn", "runner_up_uprn"):
        decisions[column] = decisions[column].astype("Int64")
    candidates = table[table["kind"] == "candidate"][list(CANDIDATE_FIELDS)].reset_index(drop=True)
    candidates = candidates.astype(CANDIDATE_FIELDS)
    flags = table[table["kind"] == "record"]
    about_street = np.zeros(size, dtype=bool)
    about_street[flags["pos"].to_numpy(dtype=np.int64)] = flags["about_street"].to_numpy(dtype=bool)
    return decisions, candidates, about_street
