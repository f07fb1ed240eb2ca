"""The secure workspace: one DuckDB file holding row-level records, matches and the audit log.

Row-level data lives here and nowhere else; only aggregates leave, through the release
gate. Direct identifiers are pseudonymised before they reach the file. With a key
(GEOLINK_WORKSPACE_KEY, or a key file named by GEOLINK_WORKSPACE_KEY_FILE) the file is
encrypted at rest with DuckDB's database encryption; the key is never stored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from .errors import GeolinkError

if TYPE_CHECKING:
    import pandas as pd

KEY_ENV = "GEOLINK_WORKSPACE_KEY"
KEY_FILE_ENV = "GEOLINK_WORKSPACE_KEY_FILE"
MEMORY_ENV = "GEOLINK_MEMORY_LIMIT"
CATALOG = "workspace"


def workspace_key() -> str | None:
    """The encryption key from the environment (the variable itself, or the file it names), if any."""
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV]
    file = os.environ.get(KEY_FILE_ENV)
    if not file:
        return None
    path = Path(file)
    if not path.is_file():
        raise GeolinkError(f"key file {path} not found")
    key = path.read_text().strip()
    if not key:
        raise GeolinkError(f"key file {path} is empty")
    return key


def connect(path: Path, *, create: bool = False, read_only: bool = False,
            memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the workspace (encrypted when a key is set), with clear messages for every way it can fail.

    The file is attached to an in-memory host as catalog `workspace` and made the default,
    so tables are named plainly and another file (a purge copy) can be attached beside it.
    DuckDB works within `memory_limit` (default: GEOLINK_MEMORY_LIMIT, else half the
    machine's memory), spilling to `<workspace>.tmp` beyond it."""
    path = Path(path)
    if not create and not path.exists():
        raise GeolinkError(f"no workspace at {path}")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"SET temp_directory = {sql_text(str(path) + '.tmp')}")
        limit_memory(con, memory_limit)
        attach(con, path, CATALOG, read_only=read_only)
        con.execute(f"USE {CATALOG}")
    except BaseException:
        con.close()
        raise
    return con


def _half_of_memory() -> str:
    """Half the machine's memory: DuckDB's own default (80%) leaves too little for the
    Python side of a large load (Arrow blocks, pandas frames) in the same process."""
    return f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') // 2 // (1 << 20)}MiB"


def limit_memory(con: duckdb.DuckDBPyConnection, limit: str | None = None) -> None:
    """Cap DuckDB's memory at `limit` (default: GEOLINK_MEMORY_LIMIT, else half the machine's
    memory); beyond it DuckDB spills to its temp directory."""
    limit = limit or os.environ.get(MEMORY_ENV) or _half_of_memory()
    try:
        con.execute(f"SET memory_limit = {sql_text(limit)}")
    except duckdb.Error:
        raise GeolinkError(f"memory limit {limit!r} is not a size such as 8GB or 512MB") from None


def attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, *, read_only: bool = False) -> None:
    """Attach a workspace file under `alias`, encrypted with the environment's key if there is one."""
    key = workspace_key()
    options = ["READ_ONLY"] if read_only else []
    try:
        if key:
            load_crypto(con)
            con.execute("SET temp_file_encryption = true")
            options.append(f"ENCRYPTION_KEY {sql_text(key)}")
        con.execute(f"ATTACH {sql_text(str(path))} AS {alias}" + (f" ({', '.join(options)})" if options else ""))
    except duckdb.Error as exc:
        raise _open_error(Path(path), exc) from None


def _open_error(path: Path, exc: duckdb.Error) -> GeolinkError:
    text = str(exc)
    lowered = text.lower()
    if "lock" in lowered:
        return GeolinkError(f"workspace {path} is in use by another geolink process; wait for it to finish")
    if "without a key" in lowered:
        return GeolinkError(f"workspace {path} is encrypted: give its key with --key-file or {KEY_ENV}")
    if "wrong encryption key" in lowered:
        return GeolinkError(f"wrong key for workspace {path}")
    if "is not encrypted" in lowered:
        return GeolinkError(f"workspace {path} is not encrypted, but a key was given; unset {KEY_ENV} / {KEY_FILE_ENV}")
    if "not a valid duckdb" in lowered or "not a duckdb" in lowered:
        return GeolinkError(f"{path} is not a geolink workspace (not a DuckDB database file)")
    return GeolinkError(f"cannot open workspace {path}: {text}")


def load_crypto(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's httpfs extension from its PyPI wheel: DuckDB writes encrypted files only with it."""
    try:
        import duckdb_extension_httpfs
    except ImportError:
        raise GeolinkError(f"an encrypted workspace needs the package duckdb-extension-httpfs=={duckdb.__version__}") from None
    extension = (Path(duckdb_extension_httpfs.__file__).parent / "extensions" / f"v{duckdb.__version__}"
                 / "httpfs.duckdb_extension")
    if not extension.is_file():
        raise GeolinkError(f"duckdb-extension-httpfs has no build for duckdb {duckdb.__version__}; "
                           f"install duckdb-extension-httpfs=={duckdb.__version__}")
    con.execute(f"LOAD {sql_text(str(extension))}")


def sql_text(value: str) -> str:
    """A SQL string literal of `value` (for statements such as ATTACH that take no parameters)."""
    return "'" + value.replace("'", "''") + "'"


def replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> int:
    """Write `frame` as table `name`, replacing any earlier version; returns the row count."""
    return _from_frame(con, frame, f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')


def append_rows(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> int:
    """Insert `frame`'s rows into table `name`, columns matched by name; returns the row count."""
    return _from_frame(con, frame, f'INSERT INTO "{name}" BY NAME SELECT * FROM _incoming')


def _from_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, sql: str) -> int:
    con.register("_incoming", frame)
    try:
        con.execute(sql)
    finally:
        con.unregister("_incoming")
    return len(frame)


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the workspace holds a table or view called `name`."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = ? AND table_catalog = current_database()", [name]).fetchone()[0])


def require_tables(con: duckdb.DuckDBPyConnection, *names: str, stage: str) -> None:
    """Stop with a message naming the earlier stage to run when an input table is missing."""
    missing = [n for n in names if not table_exists(con, n)]
    if missing:
        tables = "table" if len(missing) == 1 else "tables"
        raise GeolinkError(f"the workspace has no {' or '.join(missing)} {tables}; run {stage} first")


DATASET_COLUMNS = ("name", "id_column", "address_columns", "postcode_column", "x_column", "y_column",
                   "lat_column", "lon_column", "agreement", "ingested", "retention_ends", "rows", "source_sha256", "pseudonymised")


def register_dataset(con: duckdb.DuckDBPyConnection, name: str, spec: dict) -> None:
    """Record an ingested dataset: its id and coordinate columns, agreement, retention and source."""
    con.execute(f"CREATE TABLE IF NOT EXISTS datasets ({', '.join(c + ' VARCHAR' for c in DATASET_COLUMNS)})")
    con.execute("DELETE FROM datasets WHERE name = ?", [name])
    values = [name, *(None if spec.get(c) is None else json.dumps(spec[c]) if isinstance(spec[c], (list, tuple))
                      else str(spec[c]) for c in DATASET_COLUMNS[1:])]
    con.execute(f"INSERT INTO datasets VALUES ({', '.join('?' for _ in DATASET_COLUMNS)})", values)


def datasets(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The registered datasets, each as a dict of DATASET_COLUMNS."""
    if not table_exists(con, "datasets"):
        return []
    rows = con.execute(f"SELECT {', '.join(DATASET_COLUMNS)} FROM datasets ORDER BY name").fetchall()
    found = [dict(zip(DATASET_COLUMNS, row)) for row in rows]
    for spec in found:
        spec["address_columns"] = json.loads(spec["address_columns"] or "[]")
    return found


DATASET_ROW_TABLES = ("match", "review", "record_area")


def delete_dataset_rows(con: duckdb.DuckDBPyConnection, dataset: str) -> dict[str, int]:
    """Delete a dataset's rows from every row-level table that holds several datasets; counts per table."""
    deleted = {}
    for table in DATASET_ROW_TABLES:
        if table_exists(con, table):
            deleted[table] = con.execute(f"DELETE FROM {table} WHERE dataset = ?", [dataset]).fetchone()[0]
    return deleted


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
