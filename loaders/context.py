"""The load in progress: where rows go (a DuckDB connection), the report, the progress callback.

Loaders stream blocks through `take` (which sorts rows into loaded and rejected, keeping
the counts reconciled) and `append` (which writes accepted rows to a table, creating it
on first use). Appended rows are buffered and written a few hundred megabytes at a time:
one large insert costs DuckDB half as much as many block-sized ones, and memory stays
bounded however large the input. Staging rows (what a loader combines at its end) stay in
memory when they fit the buffer; beyond it they spill to Parquet files beside the
workspace, outside the load's transaction, whose uncommitted rows DuckDB cannot spill.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .report import LoadReport


@dataclass
class Load:
    """One load into `con`; `on_bytes(n)` is told as each n bytes of input are consumed."""

    con: duckdb.DuckDBPyConnection
    report: LoadReport
    on_bytes: Callable[[int], None] = lambda n: None
    buffer_bytes: int = 256 << 20
    _written: set[str] = field(default_factory=set)
    _pending: dict[tuple[str, bool], list[pa.Table]] = field(default_factory=dict)
    _pending_bytes: int = 0
    _staging: dict[str, list[Path]] = field(default_factory=dict)  # staging table -> its spilled files
    _spill: Path | None = None

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

    def append(self, table: str, rows: pa.Table, *, staging: bool = False) -> None:
        """Add rows to `table`, replacing any table of that name left by an earlier load.

        A staging table lives until `drop_staging`. Rows reach their table at the latest on
        `flush`, which a loader calls before querying its tables."""
        self._pending.setdefault((table, staging), []).append(rows)
        self._pending_bytes += rows.nbytes
        if staging:
            self._staging.setdefault(table, [])
        else:
            self.report.wrote(table, rows.num_rows)
        if self._pending_bytes >= self.buffer_bytes:
            self.flush()

    def flush(self, *, final: bool = False) -> None:
        """Write every buffered row to its table (staging rows: to a spill file).

        At the end of a load (`final`) each staging table becomes queryable: read where its
        rows are, in memory if they never left the buffer, else from its spill files."""
        for (table, staging), parts in self._pending.items():
            rows = pa.concat_tables(parts, promote_options="permissive")
            if staging and final and not self._staging[table]:
                self.con.register(table, rows)
            elif staging:
                self._spill_to_file(table, rows)
            else:
                self._insert(table, rows)
        self._pending.clear()
        self._pending_bytes = 0
        if final:
            for table, files in self._staging.items():
                if files:
                    listed = ", ".join(f"'{f}'" for f in files)
                    self.con.execute(f'CREATE OR REPLACE TEMP VIEW "{table}" AS SELECT * FROM read_parquet([{listed}])')

    def _insert(self, table: str, rows: pa.Table) -> None:
        self.con.register("_rows", rows)
        try:
            if table in self._written:
                self.con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
            else:
                self.con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM _rows')
                self._written.add(table)
        finally:
            self.con.unregister("_rows")

    def _spill_to_file(self, table: str, rows: pa.Table) -> None:
        if self._spill is None:
            where = Path(self.con.execute("SELECT current_setting('temp_directory')").fetchone()[0] or ".")
            where.mkdir(parents=True, exist_ok=True)
            self._spill = Path(tempfile.mkdtemp(prefix="staging-", dir=where))
        path = self._spill / f"{table}-{len(self._staging[table]):05d}.parquet"
        pq.write_table(rows, path)
        self._staging[table].append(path)

    def staged(self, table: str) -> bool:
        """Whether rows were staged under `table` in this load."""
        return table in self._staging

    def drop_staging(self) -> None:
        """Forget every staging table (rows in memory or spilled) and delete the spill files."""
        for table, files in self._staging.items():
            if files:
                self.con.execute(f'DROP VIEW IF EXISTS "{table}"')
            else:
                self.con.unregister(table)
        self._staging.clear()
        if self._spill is not None:
            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None
