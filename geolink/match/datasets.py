"""Match the workspace's ingested datasets: results go to its `match` and `review` tables.

Each dataset is matched in memory and then written, with its audit entry, in one
transaction that first removes that dataset's earlier results. A run killed part-way
leaves every dataset either wholly matched or as it was; running again finishes the job
with no row twice and none missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb

from geolink import workspace
from geolink.errors import GeolinkError
from geolink.gazetteer.prepare import PreparedReference
from geolink.coordinates import COORDINATE_COLUMNS, frame_points
from geolink.governance.audit import operation, table_digest
from geolink.governance.ingest import records_table
from geolink.streets import DEFAULT_TOLERANCE_M, StreetIndex
from .pipeline import OUTPUT_COLUMNS, match_table

MATCH_DDL = ("CREATE TABLE IF NOT EXISTS match (dataset VARCHAR, record_id VARCHAR, uprn BIGINT, usrn BIGINT, "
             "score DOUBLE, band VARCHAR, runner_up_uprn BIGINT, margin DOUBLE, method VARCHAR, explanation VARCHAR, "
             "usrn_secondary BIGINT)")
REVIEW_DDL = ("CREATE TABLE IF NOT EXISTS review (dataset VARCHAR, record_id VARCHAR, address VARCHAR, band VARCHAR, "
              "record_score DOUBLE, margin DOUBLE, rank INTEGER, candidate_uprn BIGINT, candidate_address VARCHAR, "
              "candidate_score DOUBLE, explanation VARCHAR)")


def match_datasets(con: duckdb.DuckDBPyConnection, ref: PreparedReference, *, streets: StreetIndex | None = None,
                   names: Sequence[str] = (), workers: int = 1, tolerance: float = DEFAULT_TOLERANCE_M,
                   reference_label: str = "", progress: Callable[[int], None] | None = None,
                   on_dataset: Callable[[str, dict], None] | None = None) -> dict[str, dict]:
    """Match the named datasets (default: all ingested); returns each one's run report."""
    registered = {d["name"]: d for d in workspace.datasets(con)}
    unknown = [n for n in names if n not in registered]
    if unknown:
        raise GeolinkError(f"no dataset {', '.join(unknown)} in the workspace "
                           f"(ingested: {', '.join(registered) or 'none; run geolink ingest first'})")
    reports = {}
    for name in names or list(registered):
        reports[name] = _match_one(con, registered[name], ref, streets, workers, tolerance, reference_label, progress)
        if on_dataset:
            on_dataset(name, reports[name])
    return reports


def _match_one(con, spec: dict, ref: PreparedReference, streets, workers: int, tolerance: float,
               reference_label: str, progress) -> dict:
    name, table = spec["name"], records_table(spec["name"])
    frame = con.execute(f'SELECT * FROM "{table}"').df()
    points = frame_points(frame, **{k: spec.get(k) for k in COORDINATE_COLUMNS})
    result = match_table(frame, ref, id_column=spec["id_column"], address_columns=spec["address_columns"],
                         postcode_column=spec.get("postcode_column"), points=points, streets=streets,
                         workers=workers, tolerance=tolerance, progress=progress)
    matched = (result.output[[spec["id_column"], *OUTPUT_COLUMNS, "usrn_secondary"]]
               .rename(columns={spec["id_column"]: "record_id"}).assign(dataset=name))
    parameters = {"dataset": name, "reference": reference_label, "tolerance_m": tolerance,
                  "streets": streets is not None}
    with operation(con, "match", parameters, {table: table_digest(con, table)}) as outputs:
        con.execute(MATCH_DDL)
        con.execute(REVIEW_DDL)
        con.execute("DELETE FROM match WHERE dataset = ?", [name])
        con.execute("DELETE FROM review WHERE dataset = ?", [name])
        workspace.append_rows(con, "match", matched)
        workspace.append_rows(con, "review", result.review.rename(columns={spec["id_column"]: "record_id"}).assign(dataset=name))
        outputs.update(rows=len(matched), bands=result.report["bands"],
                       review_records=int(result.review[spec["id_column"]].nunique()))
    return result.report

