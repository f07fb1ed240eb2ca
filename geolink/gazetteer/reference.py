"""Read a reference file into the canonical gazetteer frame.

Two shapes are accepted: the canonical gazetteer (AddressBase / LLPG elements, as
`geolink synth` and the loaders write it) and a generic table
`uprn,address[,postcode,usrn,parent_uprn,x,y,classification]` whose free-text
addresses are parsed here. Rows with a missing or non-numeric UPRN are rejected with
a reason, never dropped silently.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geolink.address import extract_postcode, normalise_postcode, parse_addresses
from geolink.errors import GeolinkError
from geolink.match import elements
from loaders.table import read_chunks, read_table

CANONICAL_MARKERS = {"uprn", "street", "pao_start_number"}
OPTIONAL = ("parent_uprn", "usrn", "x", "y", "classification", "status")


@dataclass(frozen=True)
class Reference:
    """Reference rows: identifiers and attributes, element columns, and the rejected rows."""

    rows: pd.DataFrame       # uprn, parent_uprn, usrn, x, y, classification, status, full_address
    elements: pd.DataFrame   # geolink.match.elements columns, aligned with rows
    rejected: pd.DataFrame   # row (1-based, header = row 1), reason


CHUNK_ROWS = 500_000  # rows read and prepared at a time: about 1 GB of pandas at most


def read_reference(path: Path | str) -> Reference:
    """Read `path` (CSV, XLSX or Parquet) in either shape; raises GeolinkError on a bad file."""
    table = read_table(path)
    return _reader(table, Path(path))(table)


def read_reference_chunks(path: Path | str, rows: int = CHUNK_ROWS) -> Iterator[Reference]:
    """`read_reference`, `rows` rows at a time, so that a national gazetteer is never in
    memory whole; rejected rows keep their row numbers in the file."""
    chunks = read_chunks(path, rows)
    first = next(chunks)
    read = _reader(first, Path(path))
    for table in itertools.chain([first], chunks):
        yield read(table)


def _reader(table: pd.DataFrame, path: Path) -> Callable[[pd.DataFrame], Reference]:
    """How to read tables shaped like `table`: as canonical gazetteer rows or as free text."""
    table.columns = [c.lower() for c in table.columns]
    if table.empty:
        raise GeolinkError(f"{path}: the reference has a header but no rows")
    if CANONICAL_MARKERS <= set(table.columns):
        read = reference_from_table
    elif {"uprn", "address"} <= set(table.columns):
        read = _from_generic
    else:
        raise GeolinkError(
            f"{path}: a reference needs columns 'uprn' and 'address' (free text), or the canonical "
            f"gazetteer columns (uprn, sao_*, pao_*, street, ...); found {list(table.columns)}"
        )

    def lowered(chunk: pd.DataFrame) -> Reference:
        chunk.columns = [c.lower() for c in chunk.columns]
        return read(chunk)
    return lowered


def _valid_uprns(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = table["uprn"].str.strip()
    uprn = pd.to_numeric(raw, errors="coerce")
    bad = uprn.isna() | (uprn <= 0) | (uprn % 1 != 0)
    reasons = np.where(raw == "", "missing UPRN", "UPRN is not a positive whole number")
    rejected = pd.DataFrame({"row": table.index[bad] + 2, "reason": reasons[bad.to_numpy()]})
    kept = table[~bad].copy()
    kept["uprn"] = uprn[~bad].astype(np.int64)
    return kept.reset_index(drop=True), rejected


def _attributes(table: pd.DataFrame, full_address: pd.Series) -> pd.DataFrame:
    rows = pd.DataFrame({"uprn": table["uprn"].to_numpy()})
    for column in ("parent_uprn", "usrn"):
        values = pd.to_numeric(table[column], errors="coerce") if column in table else pd.Series(np.nan, index=table.index)
        rows[column] = values.fillna(0).astype(np.int64).to_numpy()
    for column in ("x", "y"):
        rows[column] = (pd.to_numeric(table[column], errors="coerce") if column in table
                        else pd.Series(np.nan, index=table.index)).to_numpy()
    rows["classification"] = table["classification"].to_numpy() if "classification" in table else ""
    rows["status"] = table["status"].to_numpy() if "status" in table else "approved"
    rows["full_address"] = full_address.to_numpy()
    return rows


def reference_from_table(table: pd.DataFrame) -> Reference:
    """A Reference from canonical gazetteer rows held as text (a file's, or the workspace's table)."""
    table, rejected = _valid_uprns(table)
    for column in ("sao_text", "sao_start_number", "sao_start_suffix", "pao_text",
                   "pao_start_suffix", "pao_end_number", "locality", "town", "postcode"):
        if column not in table:
            table[column] = ""
    full = table["full_address"] if "full_address" in table else table["street"]
    return Reference(rows=_attributes(table, full), elements=elements.from_canonical(table),
                     rejected=rejected)


def _from_generic(table: pd.DataFrame) -> Reference:
    table, rejected = _valid_uprns(table)
    texts = table["address"].tolist()
    if "postcode" in table:
        postcodes = [normalise_postcode(p) for p in table["postcode"].tolist()]
    else:
        postcodes = [extract_postcode(t)[0] for t in texts]
    parsed = parse_addresses(texts, postcodes)
    return Reference(rows=_attributes(table, table["address"]), elements=elements.from_parsed(parsed),
                     rejected=rejected)
