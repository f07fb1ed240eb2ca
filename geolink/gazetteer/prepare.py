"""Prepare a reference once into a DuckDB file: elements, blocking keys, word frequencies.

Matching many datasets against one gazetteer reuses the prepared file; it is keyed by
a hash of the reference file's bytes, so a changed gazetteer is prepared again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from geolink.address.vocabulary import BUILDING_WORDS, STRONG_STREET_TYPES
from geolink.errors import GeolinkError
from geolink.hashing import file_sha256
from geolink.match import elements, forms, keys
from .reference import CHUNK_ROWS, Reference, read_reference_chunks, reference_from_table

FORMAT_VERSION = "12"


@dataclass(frozen=True)
class PreparedReference:
    """An open prepared reference: the connection and the key vocabularies."""

    path: Path
    con: duckdb.DuckDBPyConnection
    usable_tokens: frozenset[str]
    rare_tokens: frozenset[str]
    vocabulary: frozenset[str]
    places: frozenset[str]
    buildings: frozenset[str]
    rows: int
    rejected: pd.DataFrame

    def close(self) -> None:
        self.con.close()


def default_cache() -> Path:
    return Path(os.environ.get("GEOLINK_CACHE", Path.home() / ".cache" / "geolink")) / "references"


def file_digest(path: Path) -> str:
    """The cache key of a reference file: its content hash salted with the prepared format's version."""
    return file_sha256(path, FORMAT_VERSION.encode())[:24]


def prepare_reference(source: Path | str, cache: Path | None = None, memory_limit: str | None = None,
                      progress: Callable[[int], None] | None = None) -> PreparedReference:
    """Open the prepared form of `source`, preparing it first if needed.

    `source` may be a reference table (CSV / XLSX / Parquet) or a prepared `.duckdb` file.
    Preparation reads the table a chunk at a time and DuckDB works within `memory_limit`
    (`workspace.limit_memory`), so a national gazetteer prepares in bounded memory;
    `progress` is told the rows of each chunk read.
    """
    source = Path(source)
    if source.suffix == ".duckdb":
        return _open(source, pd.DataFrame(columns=["row", "reason"]))
    target = (cache or default_cache()) / f"{file_digest(source)}.duckdb"
    if target.exists():
        return _open(target, pd.DataFrame(columns=["row", "reason"]))
    rejected = _write_atomically(read_reference_chunks(source), target, memory_limit, progress)
    return _open(target, rejected)


def _write_atomically(chunks: Iterable[Reference], target: Path, memory_limit: str | None,
                      progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Prepare into a side file, then rename: a killed run never leaves a half-prepared file in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    try:
        rejected = write_prepared(chunks, partial, memory_limit, progress=progress)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)
    return rejected


def prepare_workspace_reference(con: duckdb.DuckDBPyConnection, cache: Path | None = None) -> PreparedReference:
    """Open the prepared form of the workspace's loaded gazetteer (`geolink load`), preparing it
    first if the table changed since it was last prepared."""
    from geolink import workspace
    from geolink.governance.audit import last_change, table_digest

    workspace.require_tables(con, "gazetteer_address", stage="a gazetteer load (geolink load KIND FILE --workspace W)")
    digest = last_change(con, "gazetteer_address") or table_digest(con, "gazetteer_address")["sha256"]
    target = (cache or default_cache()) / f"ws-{digest[:24]}-{FORMAT_VERSION}.duckdb"
    if target.exists():
        return _open(target, pd.DataFrame(columns=["row", "reason"]))
    columns = [r[0] for r in con.execute("DESCRIBE gazetteer_address").fetchall()]
    rows = con.execute("SELECT " + ", ".join(f'coalesce(CAST("{c}" AS VARCHAR), \'\') AS "{c}"' for c in columns)
                       + " FROM gazetteer_address").to_arrow_reader(CHUNK_ROWS)
    chunks = (reference_from_table(batch.to_pandas()) for batch in _at_least_one(rows))
    _write_atomically(chunks, target, None)
    return _open(target, pd.DataFrame(columns=["row", "reason"]))


def _at_least_one(reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
    """The reader's batches, or one empty batch if it has none: an empty table still has columns."""
    empty = True
    for batch in reader:
        empty = False
        yield batch
    if empty:
        yield pa.RecordBatch.from_pylist([], schema=reader.schema)


def write_prepared(chunks: Iterable[Reference], path: Path, memory_limit: str | None = None,
                   chunk_rows: int = CHUNK_ROWS, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Write the prepared tables of the reference read as `chunks` into a new DuckDB file at
    `path`, and return the rejected rows. One chunk is in pandas at a time (keys are made
    `chunk_rows` rows at a time); the tables grow in DuckDB, which spills to `<path>.tmp`
    beyond `memory_limit`."""
    from geolink.workspace import limit_memory, sql_text

    con = duckdb.connect(str(path))
    try:
        con.execute(f"SET temp_directory = {sql_text(f'{path}.tmp')}")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        limit_memory(con, memory_limit)
        rows, rejected = _write_addresses(con, chunks, progress)
        con.execute(f"CREATE TABLE ref_form AS {forms.reference_forms_sql()}")
        frequency = con.execute("SELECT token, count(*) AS rows FROM _word GROUP BY token ORDER BY rows DESC, token"
                                ).fetch_df().set_index("token")["rows"]
        usable, rare = keys.token_vocabulary(frequency, rows)
        _append(con, "ref_token", pd.DataFrame({"token": frequency.index, "rows": frequency.to_numpy(),
                                               "usable": frequency.index.isin(usable),
                                               "rare": frequency.index.isin(rare)}))
        _write_keys(con, rows, usable, rare, chunk_rows)
        con.execute(f"CREATE TABLE ref_place AS {places_sql()}", [sorted(STRONG_STREET_TYPES), sorted(BUILDING_WORDS)])
        con.execute(f"CREATE TABLE ref_building AS {buildings_sql()}")
        con.execute("CREATE TABLE ref_meta AS SELECT ? AS format_version, ? AS rows", [FORMAT_VERSION, rows])
    finally:
        con.close()
        shutil.rmtree(f"{path}.tmp", ignore_errors=True)
    return rejected


def _write_addresses(con: duckdb.DuckDBPyConnection, chunks: Iterable[Reference],
                     progress: Callable[[int], None] | None) -> tuple[int, pd.DataFrame]:
    """ref_address from every chunk, parents inferred when the reference gives none, and
    _word, the distinct words of each row; the row count and the rejected rows."""
    rows, rejected = 0, []
    for reference in chunks:
        rejected.append(reference.rejected)
        if progress:
            progress(len(reference.rows) + len(reference.rejected))
        if reference.rows.empty:
            continue
        el = reference.elements.reset_index(drop=True)
        address = pd.concat([reference.rows.reset_index(drop=True), el], axis=1)
        address.insert(0, "row_id", np.arange(rows, rows + len(address), dtype=np.int64))
        address["is_parent"] = False
        _append(con, "ref_address", address)
        words = keys.row_words(el)
        _append(con, "_word", words.assign(pos=words["pos"].to_numpy(dtype=np.int64) + rows))
        rows += len(address)
    rejected = pd.concat(rejected, ignore_index=True)
    if not rows:
        reasons = ", ".join(f"{reason}: {n:,}" for reason, n in rejected["reason"].value_counts().items())
        raise GeolinkError(f"the reference has no usable rows ({reasons or 'none at all'})")
    if not con.execute("SELECT count(*) FROM ref_address WHERE parent_uprn <> 0").fetchone()[0]:
        con.execute(inferred_parents_sql())
    con.execute("UPDATE ref_address SET is_parent = uprn IN (SELECT parent_uprn FROM ref_address WHERE parent_uprn > 0)")
    return rows, rejected


def _write_keys(con: duckdb.DuckDBPyConnection, rows: int, usable: frozenset[str], rare: frozenset[str],
                chunk_rows: int) -> None:
    """ref_key: every row's blocking keys, made a chunk of rows at a time from ref_address
    and _word, with the number of rows sharing each key."""
    columns = ", ".join(elements.ELEMENT_COLUMNS)
    con.execute("CREATE TABLE _keys (row_id BIGINT, key VARCHAR)")
    for start in range(0, rows, chunk_rows):
        between = [start, start + chunk_rows]
        el = con.execute(f"SELECT {columns} FROM ref_address WHERE row_id >= ? AND row_id < ? ORDER BY row_id",
                         between).fetch_df()
        words = con.execute("SELECT pos - $1 AS pos, token FROM _word WHERE pos >= $1 AND pos < $2", between).fetch_df()
        chunk = keys.blocking_keys(el, usable, rare, words)
        chunk["pos"] += start
        _append(con, "_keys", chunk.rename(columns={"pos": "row_id"}))
    con.execute(f"CREATE TABLE ref_key AS {keys.reference_keys_sql('_keys')}")
    con.execute("DROP TABLE _keys")
    con.execute("DROP TABLE _word")


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Add `frame`'s rows to `table`, creating it from the frame's columns the first time."""
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _frame LIMIT 0")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


MIN_PLACE_ROWS = 5


def places_sql(reference: str = "ref_address") -> str:
    """Localities and towns named on at least MIN_PLACE_ROWS rows: enough to trust that a
    free-text parse found a place, not a building name left where a locality goes. A name
    ending like a street ('GLASSHOUSE LANE') is a dependent street, never a place; nor is
    a building's word alone, or its plural ('HOUSE' of '1 NORTH GATE HOUSE, NORTHERNHAY
    GATE', 'VILLAS'): as a place, it would take FERRY HOUSE's HOUSE for a town. The
    parameters are the street types and the building words."""
    return f"""
        SELECT place FROM (SELECT locality AS place FROM {reference} UNION ALL SELECT town FROM {reference})
        WHERE place <> '' GROUP BY place
        HAVING count(*) >= {MIN_PLACE_ROWS} AND NOT list_contains($1, string_split(place, ' ')[-1])
               AND NOT list_contains($2, place) AND NOT list_contains($2, regexp_replace(place, 'S$', ''))
        ORDER BY place
    """


def buildings_sql(reference: str = "ref_address") -> str:
    """Every named building as 'NAME|STREET', for telling a record that names another
    building on its candidate's street (`compare`)."""
    return (f"SELECT DISTINCT pao_text || '|' || street AS building FROM {reference} "
            "WHERE pao_text <> '' ORDER BY building")


BUILDING = ("pao_number", "pao_suffix", "pao_end", "pao_text", "street", "locality", "town", "postcode")


def _has_unit(alias: str = "") -> str:
    """SQL: the row names a flat or other unit within its building."""
    return f"({alias}sao_text <> '' OR {alias}sao_number >= 0 OR {alias}sao_suffix <> '')"


def inferred_parents_sql(reference: str = "ref_address") -> str:
    """Parent UPRNs for a reference that gives none: in each building (same number, name,
    street, place and postcode), the one address without a flat is the parent of those with
    one, as '14 MILL LANE' is of 'FLAT 2, 14 MILL LANE'."""
    building = ", ".join(BUILDING)
    same = " AND ".join(f"a.{c} = s.{c}" for c in BUILDING)
    return f"""
        UPDATE {reference} AS a SET parent_uprn = s.uprn
        FROM (SELECT {building}, min(uprn) AS uprn FROM {reference} WHERE NOT {_has_unit()}
              GROUP BY {building} HAVING count(DISTINCT uprn) = 1) AS s
        WHERE {_has_unit("a.")} AND {same}
    """


def _open(path: Path, rejected: pd.DataFrame) -> PreparedReference:
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET enable_progress_bar = false")  # batch queries are not the user's progress
    tokens = con.execute("SELECT token, usable, rare FROM ref_token").fetch_df()
    rows = con.execute("SELECT rows FROM ref_meta").fetchone()[0]
    return PreparedReference(
        path=path, con=con,
        usable_tokens=frozenset(tokens.loc[tokens["usable"], "token"]),
        rare_tokens=frozenset(tokens.loc[tokens["rare"], "token"]),
        vocabulary=frozenset(tokens["token"]),
        places=frozenset(p for (p,) in con.execute("SELECT place FROM ref_place").fetchall()),
        buildings=frozenset(b for (b,) in con.execute("SELECT building FROM ref_building").fetchall()),
        rows=rows, rejected=rejected,
    )
