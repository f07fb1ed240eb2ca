"""What the national lookup loaders share: stream CSV files through a row parser into one table.

A loader names its columns (aliases per role) and gives a pure parser from a block's text
columns to typed rows plus a reason per row ('' when the row is fine); this module does
the file work: find the header (or its absence), resolve the columns, take and append.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geolink.errors import GeolinkError

from .checks import as_float, is_identifier
from .columns import resolve
from .context import Load
from .csvstream import Dialect, first_line, read_blocks, sniff
from .files import input_files

LEVELS = ["oa", "lsoa", "msoa", "ward", "lad"]  # the area levels a lookup can give, as the geography stage names them
Parser = Callable[[pa.Table, dict[str, str]], tuple[pa.Table, np.ndarray]]


def stream_csv(paths: list[Path], run: Load, *, table: str, aliases: Mapping[str, list[str]],
               required: Sequence[str], parse: Parser, one_of: Sequence[str] = (),
               headerless: list[str] | None = None) -> None:
    """Load every file (or every CSV in a folder) into `table`: each block parsed, its bad rows
    rejected, the rest appended.

    A file must have every `required` column and at least one of `one_of` (when given).
    `headerless` names the fields of files written without a header row (the OS originals):
    a first row that names none of the required columns but is that wide is read as data."""
    for path in (file for given in paths for file in input_files(given)):
        dialect, names = _layout(path, headerless, aliases, required)
        columns = resolve(names, aliases, required, path)
        if one_of and not any(role in columns for role in one_of):
            looked = "; ".join(f"{r}: {', '.join(aliases[r])}" for r in one_of)
            raise GeolinkError(f"{path}: has none of the columns {', '.join(one_of)} (looked for {looked}); "
                               f"the header row is: {', '.join(names)[:300]}")
        for block in read_blocks(path, dialect, columns=names, on_bad_row=run.bad_row(path), on_bytes=run.on_bytes):
            rows, reasons = parse(block.table, columns)
            keep = run.take(path, block.lines, reasons)
            run.append(table, rows.filter(pa.array(keep)))
    run.flush()


def _layout(path: Path, headerless: list[str] | None, aliases: Mapping[str, list[str]],
            required: Sequence[str]) -> tuple[Dialect, list[str]]:
    """How `path` is written and its field names: the header's, or `headerless` for a file without one."""
    if headerless:
        dialect = sniff(path, header=False)
        first = first_row(path, dialect.delimiter)
        if len(first) == len(headerless) and not resolve(first, {r: aliases[r] for r in required}):
            return dialect, headerless
    dialect = sniff(path)
    return dialect, dialect.header


def first_row(path: Path, delimiter: str) -> list[str]:
    """The fields of a file's first row, header or data (to tell a file written without a header)."""
    return next(csv.reader([first_line(path)], delimiter=delimiter), [])


def identifiers(values: pa.Array) -> pa.Array:
    """UPRN / USRN text as int64, null where not a whole number (the rows checks.whole_number rejects)."""
    whole = is_identifier(values)
    number = as_float(values)
    return pa.array(number, mask=~whole | np.isnan(number)).cast(pa.int64())


def vintaged(prefix: str) -> list[str]:
    """Aliases of an ONS code column under any vintage ('oa21cd', 'OA11CD', 'lsoa21'), the 2020s first."""
    return [rf"{prefix}2\d(cd)?", rf"{prefix}\d\d(cd)?"]


def codes(table: pa.Table, columns: dict[str, str], role: str) -> pa.Array:
    """A role's area codes, trimmed, null where blank or where the file has no such column."""
    if role not in columns:
        return pa.nulls(table.num_rows, pa.string())
    trimmed = pc.utf8_trim_whitespace(table.column(columns[role]).combine_chunks())
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def numbers(table: pa.Table, columns: dict[str, str], role: str) -> pa.Array:
    """A role's values as float64, null where blank, not a number, or where the file has no such column."""
    if role not in columns:
        return pa.nulls(table.num_rows, pa.float64())
    values = as_float(table.column(columns[role]))
    return pa.array(values, mask=np.isnan(values))
