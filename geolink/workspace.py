"""The secure workspace: one DuckDB file holding row-level records and the reference.

Row-level data lives here and nowhere else; only aggregates leave, through the release
gate. Direct identifiers (names, dates of birth, phones, NHS numbers) are never loaded
in raw form.
"""

from __future__ import annotations

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
