"""A read-only SQL sandbox over a release's aggregates.duckdb.

The connection is read-only, cannot reach files or the network, cannot load extensions
and has its configuration locked; a request is one SELECT-like statement, interrupted
after a time limit, and its answer is capped at a number of rows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

TIME_LIMIT_S = 5.0
ROW_CAP = 5_000
ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
REFUSED_BY_TYPE = {
    duckdb.StatementType.ATTACH: "ATTACH is not allowed: the console reads this release only",
    duckdb.StatementType.DETACH: "DETACH is not allowed",
    duckdb.StatementType.COPY: "COPY is not allowed: download results from the table page instead",
    duckdb.StatementType.EXPORT: "EXPORT is not allowed",
    duckdb.StatementType.LOAD: "installing or loading extensions is not allowed",
    duckdb.StatementType.SET: "SET is not allowed: the configuration is locked",
    duckdb.StatementType.VARIABLE_SET: "SET is not allowed: the configuration is locked",
    duckdb.StatementType.PRAGMA: "PRAGMA is not allowed",
}


class QueryRefused(Exception):
    """A query the console will not run, with the reason to show the user."""


@dataclass
class Answer:
    columns: list[str]
    rows: list[list]
    truncated: bool


def sandbox_connection(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that cannot touch files, the network or extensions."""
    con = duckdb.connect(str(path), read_only=True, config={
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "threads": 1,
        "memory_limit": "512MB",
    })
    con.execute("SET lock_configuration = true")
    return con


def check_statement(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but one read-only statement, naming the reason."""
    if not sql or not sql.strip():
        raise QueryRefused("the query is empty")
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"the query does not parse: {_first_line(exc)}") from exc
    if len(statements) != 1:
        raise QueryRefused(f"one statement at a time, please (got {len(statements)})")
    kind = statements[0].type
    if kind in REFUSED_BY_TYPE:
        raise QueryRefused(REFUSED_BY_TYPE[kind])
    if kind not in ALLOWED:
        raise QueryRefused(f"only SELECT queries are allowed (this is {kind.name})")


def run_query(path: Path, sql: str, time_limit: float = TIME_LIMIT_S, row_cap: int = ROW_CAP) -> Answer:
    """Run one query in a fresh sandboxed connection; errors become QueryRefused."""
    con = sandbox_connection(path)
    timer = threading.Timer(time_limit, con.interrupt)
    try:
        check_statement(con, sql)
        timer.start()
        try:
            cursor = con.execute(sql)
            rows = cursor.fetchmany(row_cap + 1)
        except duckdb.InterruptException as exc:
            raise QueryRefused(f"the query ran longer than the {time_limit:g} s limit and was stopped") from exc
        except duckdb.PermissionException as exc:
            raise QueryRefused(f"not allowed: reading or writing files and other outside access is disabled "
                               f"({_first_line(exc)})") from exc
        except duckdb.Error as exc:
            raise QueryRefused(_first_line(exc)) from exc
        columns = [d[0] for d in cursor.description or []]
        return Answer(columns, [[_plain(v) for v in row] for row in rows[:row_cap]], len(rows) > row_cap)
    finally:
        timer.cancel()
        con.close()


def _plain(value):
    """JSON-friendly values: numbers, text and None."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
