"""The workspace's register of data sharing agreements (table `agreement`)."""

from __future__ import annotations

import json
from collections.abc import Iterable

import duckdb

from geolink import workspace
from geolink.errors import GeolinkError
from .agreement import Agreement, agreement_from_dict
from .audit import operation

TABLE = "agreement"


def add_agreement(con: duckdb.DuckDBPyConnection, agreement: Agreement) -> str:
    """Store (or amend) an agreement and audit the change; returns 'added' or 'amended'."""
    with operation(con, "agreement", {"id": agreement.id, "agreement": agreement.as_dict()}) as outputs:
        con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id VARCHAR PRIMARY KEY, spec VARCHAR)")
        existed = con.execute(f"SELECT count(*) FROM {TABLE} WHERE id = ?", [agreement.id]).fetchone()[0]
        con.execute(f"DELETE FROM {TABLE} WHERE id = ?", [agreement.id])
        con.execute(f"INSERT INTO {TABLE} VALUES (?, ?)", [agreement.id, json.dumps(agreement.as_dict())])
        outputs["change"] = "amended" if existed else "added"
    return outputs["change"]


def agreements(con: duckdb.DuckDBPyConnection) -> list[Agreement]:
    """Every agreement in the workspace, by id."""
    if not workspace.table_exists(con, TABLE):
        return []
    return [agreement_from_dict(json.loads(spec)) for (spec,) in
            con.execute(f"SELECT spec FROM {TABLE} ORDER BY id").fetchall()]


def agreement(con: duckdb.DuckDBPyConnection, agreement_id: str) -> Agreement:
    """One agreement by id, or a message listing the ones there are."""
    known = {a.id: a for a in agreements(con)}
    if agreement_id not in known:
        listed = ", ".join(known) or "none yet"
        raise GeolinkError(f"no agreement {agreement_id!r} in the workspace (agreements: {listed}); "
                           f"add it with `geolink agreement add WORKSPACE FILE.yaml`")
    return known[agreement_id]


def agreements_of(con: duckdb.DuckDBPyConnection, dataset_names: Iterable[str]) -> list[Agreement]:
    """The agreements the named datasets were ingested under."""
    wanted = set(dataset_names)
    ids = sorted({d["agreement"] for d in workspace.datasets(con) if d["name"] in wanted and d["agreement"]})
    return [agreement(con, i) for i in ids]
