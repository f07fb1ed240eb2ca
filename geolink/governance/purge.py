"""Retention: destroy the row-level data whose agreed retention has ended, then rewrite the file.

Deleting rows in DuckDB frees their pages but does not wipe them, so the purge copies
every remaining table into a fresh file and puts it in place of the old one: destroyed
values are gone from the bytes on disk, not just from the tables. The audit log keeps
what was destroyed (dataset, row counts, hashes), never the content.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb

from geolink import workspace
from .audit import operation, table_digest
from .ingest import records_table


def due_for_purge(datasets: list[dict], as_of: date) -> list[str]:
    """Names of the datasets whose last day of retention is before `as_of`."""
    return [d["name"] for d in datasets
            if d.get("retention_ends") and date.fromisoformat(d["retention_ends"]) < as_of]


def purge(path: Path, as_of: date) -> dict:
    """Destroy every dataset past its retention as of `as_of` and rewrite the workspace file."""
    con = workspace.connect(path)
    try:
        due = due_for_purge(workspace.datasets(con), as_of)
        destroyed = {}
        with operation(con, "purge", {"as_of": as_of.isoformat(), "datasets": due}) as outputs:
            for name in due:
                destroyed[name] = _destroy(con, name)
            outputs["destroyed"] = destroyed
    finally:
        con.close()
    rewrite(Path(path))
    return {"as_of": as_of.isoformat(), "destroyed": destroyed}


def _destroy(con: duckdb.DuckDBPyConnection, name: str) -> dict:
    """Drop a dataset's records and every row derived from them; returns counts and hashes."""
    table = records_table(name)
    record = table_digest(con, table) if workspace.table_exists(con, table) else {"rows": 0}
    con.execute(f'DROP VIEW IF EXISTS "linked_{name}"')
    con.execute(f'DROP TABLE IF EXISTS "{table}"')
    rows = workspace.delete_dataset_rows(con, name)
    measures = []
    if workspace.table_exists(con, "measure"):
        measures = [m for (m,) in con.execute("SELECT name FROM measure WHERE list_contains(string_split(datasets, ','), ?)",
                                               [name]).fetchall()]
        con.execute("DELETE FROM measure_atom WHERE list_contains(?, measure)", [measures])
        con.execute("DELETE FROM measure WHERE list_contains(?, name)", [measures])
    con.execute("DELETE FROM datasets WHERE name = ?", [name])
    return {"records": record, **rows, "measures": measures}


def rewrite(path: Path) -> None:
    """Copy the workspace into a fresh file and swap it in, then overwrite the old file with
    zeros before deleting it, so neither freed pages nor the old file keep destroyed values."""
    fresh, old = path.with_name(path.name + ".rewrite"), path.with_name(path.name + ".old")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    _shred(old)  # left by a purge that was stopped before it finished
    con = workspace.connect(path)
    try:
        workspace.attach(con, fresh, "fresh")
        con.execute(f"COPY FROM DATABASE {workspace.CATALOG} TO fresh")
        con.execute("DETACH fresh")
    finally:
        con.close()
    os.replace(path, old)
    os.replace(fresh, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    _shred(old)


def _shred(path: Path) -> None:
    """Overwrite a file with zeros, flush it to disk, and delete it."""
    if not path.exists():
        return
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        for start in range(0, size, 1 << 20):
            handle.write(bytes(min(1 << 20, size - start)))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
