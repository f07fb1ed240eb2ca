"""The workspace's audit log: every operation appends one hash-chained entry, in the same
transaction as the changes it describes, so the log and the data never disagree.

Entries hold parameters, counts and hashes, never row-level values.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from geolink import workspace
from geolink.hashing import file_sha256
from .chain import AuditEntry, canonical, chained

TABLE = "audit_log"
ACTOR_ENV = "GEOLINK_ACTOR"


def actor() -> str:
    """Who is acting: GEOLINK_ACTOR if set, else user@host."""
    return os.environ.get(ACTOR_ENV) or f"{getpass.getuser()}@{socket.gethostname()}"


def entries(con: duckdb.DuckDBPyConnection, *, last_only: bool = False) -> list[AuditEntry]:
    """The log in sequence order (empty when nothing was logged yet), or just its last entry."""
    if not workspace.table_exists(con, TABLE):
        return []
    order = "ORDER BY seq DESC LIMIT 1" if last_only else "ORDER BY seq"
    rows = con.execute(f"SELECT seq, \"at\", actor, operation, parameters, inputs, outputs, prev_hash, hash "
                       f"FROM {TABLE} {order}").fetchall()
    return [AuditEntry(seq, at, who, op, json.loads(params), json.loads(ins), json.loads(outs), prev, digest)
            for seq, at, who, op, params, ins, outs, prev, digest in rows]


def read_log(path: Path) -> list[AuditEntry]:
    """The log of the workspace at `path`, opened read-only."""
    con = workspace.connect(path, read_only=True)
    try:
        return entries(con)
    finally:
        con.close()


def append(con: duckdb.DuckDBPyConnection, operation: str, parameters: dict,
           inputs: dict | None = None, outputs: dict | None = None) -> AuditEntry:
    """Add the next entry to the chain; the caller owns the transaction."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (seq BIGINT PRIMARY KEY, \"at\" VARCHAR, actor VARCHAR, "
                "operation VARCHAR, parameters VARCHAR, inputs VARCHAR, outputs VARCHAR, prev_hash VARCHAR, hash VARCHAR)")
    previous = next(iter(entries(con, last_only=True)), None)
    # JSON round trip so the stored text hashes exactly as it will be read back
    entry = chained(previous, at=datetime.now(timezone.utc).isoformat(timespec="microseconds"), actor=actor(),
                    operation=operation, parameters=json.loads(canonical(parameters)),
                    inputs=json.loads(canonical(inputs or {})), outputs=json.loads(canonical(outputs or {})))
    con.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [entry.seq, entry.at, entry.actor, entry.operation, canonical(entry.parameters),
                 canonical(entry.inputs), canonical(entry.outputs), entry.prev_hash, entry.hash])
    return entry


def last_change(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """The hash of the latest audited operation that wrote `table`: a cheap version stamp for it."""
    if not workspace.table_exists(con, TABLE):
        return None
    row = con.execute(f"SELECT hash FROM {TABLE} WHERE json_extract(outputs, ?) IS NOT NULL ORDER BY seq DESC LIMIT 1",
                      [f'$."{table}"']).fetchone()
    return row[0] if row else None


def head(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The last entry's sequence number and hash: an anchor to keep outside the workspace."""
    last = entries(con, last_only=True)
    return {"seq": last[0].seq, "hash": last[0].hash} if last else None


@contextmanager
def operation(con: duckdb.DuckDBPyConnection, name: str, parameters: dict,
              inputs: dict | None = None) -> Iterator[dict]:
    """Run the body as one transaction that ends by appending its audit entry.

    The body fills the yielded dict with its outputs (counts, table digests). A failure or
    a kill before COMMIT leaves neither the changes nor the entry behind."""
    con.execute("BEGIN TRANSACTION")
    outputs: dict = {}
    try:
        yield outputs
        append(con, name, parameters, inputs, outputs)
        con.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def table_digest(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    """Row count and SHA-256 of a table's rows in a canonical order: a fingerprint, not the content."""
    rows, digest = con.execute(
        f'SELECT count(*), sha256(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), \'\')) '
        f'FROM "{table}" t').fetchone()
    return {"rows": rows, "sha256": digest}


def file_digest(path: Path) -> dict:
    """Size and SHA-256 of an input file."""
    return {"file": Path(path).name, "bytes": Path(path).stat().st_size, "sha256": file_sha256(path)}
