"""The load in progress: where rows go (a DuckDB connection), the report, the progress callback.

Loaders stream blocks through `take` (which sorts rows into loaded and rejected, keeping
the counts reconciled) and `append` (which writes accepted rows to a table, creating it
on first use).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .report import LoadReport


@dataclass
class Load:
    """One load into `con`; `on_bytes(n)` is told as each n bytes of input are consumed."""

    con: duckdb.DuckDBPyConnection
    report: LoadReport
    on_bytes: Callable[[int], None] = lambda n: None
    _written: set[str] = field(default_factory=set)

    def bad_row(self, file: Path | str) -> Callable[[int, str], None]:
        """A callback recording rows the reader could not split into fields."""
        def record(line: int, reason: str) -> None:
            self.report.rows_read += 1
            self.report.reject(file, line, reason)
        return record

    def take(self, file: Path | str, lines: np.ndarray, reasons: np.ndarray) -> np.ndarray:
        """Count a block's rows, reject those with a reason; returns the mask of rows to keep."""
        keep = reasons == ""
        self.report.rows_read += len(lines)
        self.report.rows_loaded += int(keep.sum())
        if not keep.all():
            self.report.reject_many(file, lines[~keep], reasons[~keep])
        return keep

    def append(self, table: str, rows: pa.Table | pd.DataFrame, *, staging: bool = False) -> None:
        """Add rows to `table`, replacing any table of that name left by an earlier load.

        A staging table is temporary: it lives only as long as this connection."""
        self.con.register("_rows", rows)
        try:
            if table in self._written:
                self.con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
            else:
                kind = "TEMP TABLE" if staging else "TABLE"
                self.con.execute(f'CREATE OR REPLACE {kind} "{table}" AS SELECT * FROM _rows')
                self._written.add(table)
        finally:
            self.con.unregister("_rows")
        if not staging:
            self.report.wrote(table, len(rows))
