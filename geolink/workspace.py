"""The secure workspace: one DuckDB file holding row-level records and the reference.

Row-level data lives here and nowhere else; only aggregates leave, through the release
gate. Direct identifiers (names, dates of birth, phones, NHS numbers) are never loaded
in raw form.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from .errors import GeolinkError


def connect(path: Path, *, create: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the workspace file; a second writer gets a clear message instead of a lock error."""
    path = Path(path)
    if not create and not path.exists():
        raise GeolinkError(f"no workspace at {path}")
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise GeolinkError(f"workspace {path} is in use by another geolink process") from exc
        raise GeolinkError(f"cannot open workspace {path}: {exc}") from exc


def replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> int:
    """Write `frame` as table `name`, replacing any earlier version; returns the row count."""
    con.register("_incoming", frame)
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
    finally:
        con.unregister("_incoming")
    return len(frame)


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the workspace holds a table or view called `name`."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def require_tables(con: duckdb.DuckDBPyConnection, *names: str, stage: str) -> None:
    """Stop with a message naming the earlier stage to run when an input table is missing."""
    missing = [n for n in names if not table_exists(con, n)]
    if missing:
        tables = "table" if len(missing) == 1 else "tables"
        raise GeolinkError(f"the workspace has no {' or '.join(missing)} {tables}; run {stage} first")


DATASET_COLUMNS = ("name", "id_column", "x_column", "y_column", "lat_column", "lon_column")


def register_dataset(con: duckdb.DuckDBPyConnection, name: str, spec: dict) -> None:
    """Record a loaded dataset and which of its columns hold its id and coordinates."""
    con.execute(f"CREATE TABLE IF NOT EXISTS datasets ({', '.join(c + ' VARCHAR' for c in DATASET_COLUMNS)})")
    con.execute("DELETE FROM datasets WHERE name = ?", [name])
    con.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?)",
                [name, *(spec.get(c) for c in DATASET_COLUMNS[1:])])


def datasets(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The registered datasets, each as a dict of DATASET_COLUMNS."""
    if not table_exists(con, "datasets"):
        return []
    rows = con.execute(f"SELECT {', '.join(DATASET_COLUMNS)} FROM datasets ORDER BY name").fetchall()
    return [dict(zip(DATASET_COLUMNS, row)) for row in rows]


def secret(con: duckdb.DuckDBPyConnection) -> bytes:
    """The workspace's own random key (made on first use); it never leaves the workspace.

    Record keys for cell-key perturbation are derived from it, so they are the same in
    every table and rerun of this workspace and unguessable from outside."""
    con.execute("CREATE TABLE IF NOT EXISTS workspace_secret (secret BLOB)")
    row = con.execute("SELECT secret FROM workspace_secret").fetchone()
    if row is None:
        value = os.urandom(32)
        con.execute("INSERT INTO workspace_secret VALUES (?)", [value])
        return value
    return bytes(row[0])
