"""Read a tabular file (CSV in any common encoding and delimiter, XLSX, Parquet) as text.

Every cell comes back as a string ('' when empty) so that nothing is silently coerced:
leading zeros, postcodes and identifiers stay exactly as the source system held them.
A CSV row with the wrong number of fields is set aside with its row number (records
are numbered as a spreadsheet shows them: header = row 1, a quoted value may span lines).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from geolink.errors import GeolinkError

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")


@dataclass(frozen=True)
class Rows:
    """A table read with its row numbers, and the rows that could not be read (row, reason)."""

    frame: pd.DataFrame
    rows: np.ndarray
    bad: list[tuple[int, str]]


def read_table(path: Path | str, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read `path` into a DataFrame of strings; a bad file, or any malformed row, raises GeolinkError."""
    read = read_rows(path, sheet=sheet)
    if read.bad:
        raise GeolinkError(f"{path}: malformed CSV: {_listed(read.bad)}")
    return read.frame


def write_table(frame: pd.DataFrame, path: Path | str) -> None:
    """Write `frame` as CSV or Parquet by the path's suffix; CSV through Arrow, three times
    faster than pandas on a large output (empty cells for missing values, text quoted)."""
    path = Path(path)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if path.suffix.lower() == ".parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)


def read_rows(path: Path | str, *, sheet: str | int = 0) -> Rows:
    """Read `path` keeping the good rows of a partly malformed CSV; a bad file raises GeolinkError."""
    path = _checked(path)
    bad: list[tuple[int, str]] = []
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_excel(path, sheet)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
    else:
        frame = _text_frame(_csv_batches(path, bad).read_all())
    rows = np.setdiff1d(np.arange(2, len(frame) + len(bad) + 2), [r for r, _ in bad])
    return Rows(_clean_columns(frame, path), rows, bad)


def read_chunks(path: Path | str, rows: int, *, sheet: str | int = 0) -> Iterator[pd.DataFrame]:
    """Read `path` as `read_table` does, `rows` rows at a time, so that a national file is
    never in memory whole. The index runs on from chunk to chunk, and there is always at
    least one chunk (perhaps empty) to carry the columns; a malformed CSV row raises."""
    path = _checked(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frames: Iterator[pd.DataFrame] = iter([_read_excel(path, sheet)])
    elif suffix == ".parquet":
        frames = _parquet_frames(path, rows)
    else:
        frames = _csv_frames(path, rows)
    start, pending, held = 0, [], 0
    for frame in frames:
        pending.append(frame)
        held += len(frame)
        while held >= rows:
            whole = pd.concat(pending)
            yield _numbered(whole.iloc[:rows], start, path)
            start, pending, held = start + rows, [whole.iloc[rows:]], held - rows
    if held or start == 0:
        yield _numbered(pd.concat(pending), start, path)


def _numbered(frame: pd.DataFrame, start: int, path: Path) -> pd.DataFrame:
    frame = frame.copy()
    frame.index = pd.RangeIndex(start, start + len(frame))
    return _clean_columns(frame, path)


def _csv_frames(path: Path, rows: int) -> Iterator[pd.DataFrame]:
    """A CSV's blocks as frames of text, the first one empty (it carries the columns)."""
    bad: list[tuple[int, str]] = []
    reader = _csv_batches(path, bad, block_rows=rows)
    yield _text_frame(reader.schema.empty_table())
    for batch in reader:
        if bad:  # met while reading this batch
            break
        yield _text_frame(pa.Table.from_batches([batch]))
    if bad:
        raise GeolinkError(f"{path}: malformed CSV: {_listed(bad)}")


def _listed(bad: list[tuple[int, str]]) -> str:
    listed = "; ".join(f"row {row}: {reason}" for row, reason in bad[:3])
    return listed + (f" (and {len(bad) - 3} more)" if len(bad) > 3 else "")


def _checked(path: Path | str) -> Path:
    """`path` as a Path, if it is a readable, non-empty file of a supported type."""
    path = Path(path)
    if not path.exists():
        raise GeolinkError(f"{path}: no such file")
    if path.is_dir():
        raise GeolinkError(f"{path}: is a folder, expected a file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise GeolinkError(f"{path}: unsupported file type '{suffix}' (use CSV, XLSX or Parquet)")
    if path.stat().st_size == 0:
        raise GeolinkError(f"{path}: the file is empty")
    return path


def _clean_columns(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.columns.duplicated().any():
        dupes = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise GeolinkError(f"{path}: duplicate column names {dupes}")
    return frame


def _text_frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=None).astype(object)


SAMPLE_BYTES = 65_536
CSV_BLOCK_BYTES = 16 << 20


def _csv_batches(path: Path, bad: list[tuple[int, str]], block_rows: int | None = None) -> pa.RecordBatchReader:
    """A streaming reader of the CSV at `path`, every column as text; malformed rows are
    skipped and listed in `bad` as (row, reason) as the reader meets them."""
    encoding = _encoding(path)
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES).decode(encoding, errors="ignore").lstrip("\ufeff")
    if not sample.strip():
        raise GeolinkError(f"{path}: the file is empty")
    if "\x00" in sample:
        raise GeolinkError(f"{path}: is not a text file (binary or UTF-16 content); save it as CSV (UTF-8)")
    delimiter = _sniff_delimiter(sample, path)
    header = next(csv.reader([sample.split("\n", 1)[0].rstrip("\r")], delimiter=delimiter))
    if len(set(header)) < len(header):
        repeated = sorted({h.strip() for h in header if header.count(h) > 1})
        raise GeolinkError(f"{path}: duplicate column names {repeated}")

    def handler(row) -> str:
        bad.append((row.number, f"expected {row.expected_columns} fields, found {row.actual_columns}"))
        return "skip"

    # A block of a few MB holds tens of thousands of rows: small enough for a chunked read.
    block = CSV_BLOCK_BYTES if block_rows is None else max(1 << 20, min(CSV_BLOCK_BYTES, block_rows * 64))
    return pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(use_threads=False, encoding="utf8" if encoding == "utf-8" else encoding,
                                       block_size=block),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


def _encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes as UTF-8, else Windows-1252; read in blocks, so a
    large file is checked without holding it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while block := f.read(CSV_BLOCK_BYTES):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            return "cp1252"


SNIFF_LINES = 50  # csv.Sniffer's regexes take seconds on a 64 KB sample, milliseconds on 50 lines


def _sniff_delimiter(sample: str, path: Path) -> str:
    lines = sample.splitlines()[:SNIFF_LINES]
    first_line = lines[0] if lines else ""
    if path.suffix.lower() == ".tsv":
        return "\t"
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: first_line.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_excel(path: Path, sheet: str | int) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False)
    except ValueError as exc:
        raise GeolinkError(f"{path}: cannot read sheet {sheet!r} ({exc})") from exc
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise GeolinkError(f"{path}: not a readable Excel workbook ({exc.__class__.__name__})") from exc
    return frame.fillna("")


def _read_parquet(path: Path) -> pd.DataFrame:
    return pd.concat(list(_parquet_frames(path, None)))


def _parquet_frames(path: Path, rows: int | None) -> Iterator[pd.DataFrame]:
    """A Parquet file as frames of text, `rows` at a time (whole when None), the first one
    empty (it carries the columns)."""
    try:
        file = pq.ParquetFile(path)
        yield _parquet_text(file.schema_arrow.empty_table())
        for batch in ([file.read()] if rows is None else file.iter_batches(batch_size=rows)):
            yield _parquet_text(batch)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError variants
        raise GeolinkError(f"{path}: not a readable Parquet file ({exc.__class__.__name__})") from exc


def _parquet_text(table: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    return table.to_pandas().astype("string").fillna("").astype(object)
