"""Prepare a reference once into a DuckDB file: elements, blocking keys, word frequencies.

Matching many datasets against one gazetteer reuses the prepared file; it is keyed by
a hash of the reference file's bytes, so a changed gazetteer is prepared again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from geolink.address.vocabulary import STRONG_STREET_TYPES
from geolink.hashing import file_sha256
from geolink.match import keys
from .reference import Reference, read_reference, reference_from_table

FORMAT_VERSION = "8"


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


def prepare_reference(source: Path | str, cache: Path | None = None) -> PreparedReference:
    """Open the prepared form of `source`, preparing it first if needed.

    `source` may be a reference table (CSV / XLSX / Parquet) or a prepared `.duckdb` file.
    """
    source = Path(source)
    if source.suffix == ".duckdb":
        return _open(source, pd.DataFrame(columns=["row", "reason"]))
    target = (cache or default_cache()) / f"{file_digest(source)}.duckdb"
    if target.exists():
        return _open(target, pd.DataFrame(columns=["row", "reason"]))
    reference = read_reference(source)
    _write_atomically(reference, target)
    return _open(target, reference.rejected)


def _write_atomically(reference: Reference, target: Path) -> None:
    """Prepare into a side file, then rename: a killed run never leaves a half-prepared file in place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    write_prepared(reference, partial)
    partial.rename(target)


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
    table = con.execute("SELECT " + ", ".join(f'coalesce(CAST("{c}" AS VARCHAR), \'\') AS "{c}"' for c in columns)
                        + " FROM gazetteer_address").df()
    _write_atomically(reference_from_table(table), target)
    return _open(target, pd.DataFrame(columns=["row", "reason"]))


def write_prepared(reference: Reference, path: Path) -> None:
    """Write the prepared tables of `reference` into a new DuckDB file at `path`."""
    el = reference.elements.reset_index(drop=True)
    words = keys.row_words(el)
    usable, rare, frequency = keys.token_vocabulary(words, len(el))
    address = pd.concat([reference.rows.reset_index(drop=True), el], axis=1)
    address.insert(0, "row_id", range(len(address)))
    if (address["parent_uprn"] == 0).all():
        address["parent_uprn"] = inferred_parents(address)
    parents = set(address["parent_uprn"][address["parent_uprn"] > 0])
    address["is_parent"] = address["uprn"].isin(parents)
    key_frame = keys.blocking_keys(el, usable, rare, words).rename(columns={"pos": "row_id"})
    place_frame = pd.DataFrame({"place": known_places(el)})
    building_frame = pd.DataFrame({"building": building_keys(el)})
    token_frame = pd.DataFrame({"token": frequency.index, "rows": frequency.to_numpy(),
                                "usable": frequency.index.isin(usable),
                                "rare": frequency.index.isin(rare)})
    con = duckdb.connect(str(path))
    try:
        for name, frame in (("ref_address", address), ("ref_token", token_frame),
                            ("ref_place", place_frame), ("ref_building", building_frame)):
            con.register("_frame", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
            con.unregister("_frame")
        con.register("_keys", key_frame)
        con.execute(f"CREATE TABLE ref_key AS {keys.reference_keys_sql('_keys')}")
        con.unregister("_keys")
        con.execute("CREATE TABLE ref_meta AS SELECT ? AS format_version, ? AS rows", [FORMAT_VERSION, len(address)])
    finally:
        con.close()


MIN_PLACE_ROWS = 5


def known_places(el: pd.DataFrame) -> list[str]:
    """Localities and towns named on at least MIN_PLACE_ROWS rows: enough to trust that a
    free-text parse found a place, not a building name left where a locality goes. A name
    ending like a street ('GLASSHOUSE LANE') is a dependent street, never a place."""
    places = pd.concat([el["locality"], el["town"]])
    counts = places[places != ""].value_counts()
    streetlike = counts.index.str.rsplit(" ", n=1).str[-1].isin(STRONG_STREET_TYPES)
    return sorted(counts.index[(counts >= MIN_PLACE_ROWS) & ~streetlike])


def building_keys(el: pd.DataFrame) -> list[str]:
    """Every named building as 'NAME|STREET', for telling a record that names another
    building on its candidate's street (`compare`)."""
    named = el[el["pao_text"] != ""]
    return sorted(set(named["pao_text"] + "|" + named["street"]))


BUILDING = ("pao_number", "pao_suffix", "pao_end", "pao_text", "street", "locality", "town", "postcode")


def inferred_parents(address: pd.DataFrame) -> pd.Series:
    """Parent UPRNs for a reference that gives none: in each building (same number, name,
    street, place and postcode), the one address without a flat is the parent of those with
    one, as '14 MILL LANE' is of 'FLAT 2, 14 MILL LANE'."""
    has_unit = (address["sao_text"] != "") | (address["sao_number"] >= 0) | (address["sao_suffix"] != "")
    building = address.groupby(list(BUILDING), sort=False, dropna=False).ngroup()
    shells = address.loc[~has_unit].assign(building=building[~has_unit])
    single = shells.groupby("building")["uprn"].nunique() == 1
    shell_uprn = shells.drop_duplicates("building").set_index("building")["uprn"][single]
    parent = building.map(shell_uprn).where(has_unit)
    return parent.fillna(0).astype("int64")


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
