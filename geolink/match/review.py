"""Clerical review: export the queue for a reviewer, apply their decisions.

A decision names a dataset, a record and the UPRN chosen (blank: no match). Accepted
records get band `high` and method `review`; rejected ones `unmatched`. Each batch of
decisions is one audited transaction.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from geolink import workspace
from geolink.errors import GeolinkError
from geolink.governance.audit import file_digest, operation

DECISION_COLUMNS = ("dataset", "record_id", "uprn")


def review_queue(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every record waiting for review with its candidates, best first."""
    workspace.require_tables(con, "review", stage="geolink link")
    return con.execute("SELECT * FROM review ORDER BY dataset, record_id, rank").df()


def export_queue(con: duckdb.DuckDBPyConnection, path: Path) -> pd.DataFrame:
    """Write the queue to a CSV for a reviewer, auditing the row-level data leaving the file; returns the queue."""
    queue = review_queue(con)
    with operation(con, "review export", {"file": str(path)}) as outputs:
        queue.to_csv(path, index=False)
        outputs.update(rows=len(queue), records=int(queue["record_id"].nunique()), file=file_digest(path))
    return queue


def apply_decisions(con: duckdb.DuckDBPyConnection, decisions: pd.DataFrame, source: dict | None = None) -> dict:
    """Write the decisions into `match` and take the records off the queue; returns counts."""
    workspace.require_tables(con, "match", "review", stage="geolink link")
    missing = [c for c in DECISION_COLUMNS if c not in decisions.columns]
    if missing:
        raise GeolinkError(f"decisions need columns {', '.join(DECISION_COLUMNS)}; missing {', '.join(missing)}")
    chosen = decisions[list(DECISION_COLUMNS)].astype(str).apply(lambda c: c.str.strip())
    chosen["uprn"] = pd.to_numeric(chosen["uprn"].replace("", None), errors="coerce").astype("Int64")
    bad_uprn = decisions["uprn"].astype(str).str.strip().ne("") & chosen["uprn"].isna()
    if bad_uprn.any():
        raise GeolinkError(f"{int(bad_uprn.sum())} decision(s) have a UPRN that is not a number")
    con.register("_decisions", chosen)
    try:
        unknown = con.execute("SELECT count(*) FROM _decisions d ANTI JOIN match m USING (dataset, record_id)").fetchone()[0]
        if unknown:
            raise GeolinkError(f"{unknown} decision(s) name a dataset and record_id that were never matched")
        if workspace.table_exists(con, "gazetteer_address"):
            stray = con.execute("SELECT count(*) FROM _decisions d WHERE uprn IS NOT NULL AND uprn NOT IN "
                                "(SELECT TRY_CAST(uprn AS BIGINT) FROM gazetteer_address)").fetchone()[0]
            if stray:
                raise GeolinkError(f"{stray} decision(s) choose a UPRN that is not in the gazetteer")
        accepted = int(chosen["uprn"].notna().sum())
        with operation(con, "review", {"decisions": len(chosen), "accepted": accepted,
                                       "rejected": len(chosen) - accepted}, source or {}) as outputs:
            con.execute("""
                UPDATE match SET uprn = d.uprn, band = CASE WHEN d.uprn IS NULL THEN 'unmatched' ELSE 'high' END,
                       method = 'review', runner_up_uprn = NULL, margin = NULL,
                       explanation = CASE WHEN d.uprn IS NULL THEN 'rejected in review' ELSE 'chosen in review' END
                FROM _decisions d WHERE match.dataset = d.dataset AND match.record_id = d.record_id""")
            outputs["taken_off_queue"] = con.execute(
                "DELETE FROM review USING _decisions d WHERE review.dataset = d.dataset AND review.record_id = d.record_id"
            ).fetchone()[0]
    finally:
        con.unregister("_decisions")
    return {"decisions": len(chosen), "accepted": accepted, "rejected": len(chosen) - accepted,
            "taken_off_queue": outputs["taken_off_queue"]}
