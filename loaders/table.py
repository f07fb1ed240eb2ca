"""Read a tabular file (CSV in any common encoding and delimiter, XLSX, Parquet) as text.

Every cell comes back as a string ('' when empty) so that nothing is silently coerced:
leading zeros, postcodes and identifiers stay exactly as the source system held them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from geolink.errors import GeolinkError

ENCODINGS = ("utf-8-sig", "cp1252")
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")


def read_table(path: Path | str, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read `path` into a DataFrame of strings; a bad file raises GeolinkError naming it."""
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
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_excel(path, sheet)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
    else:
        frame = _read_csv(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.columns.duplicated().any():
        dupes = sorted(set(frame.columns[frame.columns.duplicated()]))
        raise GeolinkError(f"{path}: duplicate column names {dupes}")
    return frame


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes almost anything; this is a guard for the rest
        raise GeolinkError(f"{path}: cannot decode the file as UTF-8 or Windows-1252 text")
    if not text.strip():
        raise GeolinkError(f"{path}: the file is empty")
    delimiter = _sniff_delimiter(text[:65_536], path)
    try:
        frame = pd.read_csv(
            path, sep=delimiter, dtype=str, keep_default_na=False, encoding=encoding,
            engine="c", on_bad_lines="error",
        )
    except pd.errors.ParserError as exc:
        raise GeolinkError(f"{path}: malformed CSV ({exc})") from exc
    except pd.errors.EmptyDataError as exc:
        raise GeolinkError(f"{path}: the file has no header row") from exc
    return frame


def _sniff_delimiter(sample: str, path: Path) -> str:
    first_line = sample.splitlines()[0] if sample.splitlines() else ""
    if path.suffix.lower() == ".tsv":
        return "\t"
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
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError variants
        raise GeolinkError(f"{path}: not a readable Parquet file ({exc.__class__.__name__})") from exc
    return frame.astype("string").fillna("").astype(object)
