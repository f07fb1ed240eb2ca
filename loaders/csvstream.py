"""Stream a large delimited text file in blocks, every row tagged with its line number.

National files (AddressBase, ONSUD, ONSPD) run to gigabytes, so they are never read
whole: the file is cut into blocks at line ends, each block parsed by Arrow (all columns
as text, two blocks at a time on two cores), and each row keeps its physical line
number (header = line 1) so that a rejected row can be named. A row with the wrong
number of fields is handed to `on_bad_row` and skipped; good rows in the same block
still load. Quoted values must not span lines (true of every OS and ONS product).
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geolink.errors import GeolinkError

BLOCK_BYTES = 8 << 20
DELIMITERS = ",;\t|"
BadRow = Callable[[int, str], None]  # (line number, reason)
T = TypeVar("T")


@dataclass(frozen=True)
class Dialect:
    """How a file is written: its delimiter, and its header (None when it has none)."""

    delimiter: str
    header: list[str] | None


@dataclass(frozen=True)
class Block:
    """Parsed rows of one block (every column text) and the line number of each row."""

    table: pa.Table
    lines: np.ndarray
    bad: list[tuple[int, str]]  # (line, reason) of rows that could not be split into the fields


def sniff(path: Path, *, header: bool = True) -> Dialect:
    """The delimiter and header of `path`; raises GeolinkError for an empty, binary or zipped file."""
    first = first_line(path)
    delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    if not header:
        return Dialect(delimiter, None)
    names = next(iter(_parse_lines([first], delimiter)))
    names = [n.strip() for n in names]
    if any(not n for n in names):
        raise GeolinkError(f"{path}: the header row has a blank column name (row 1: {first[:200]!r})")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise GeolinkError(f"{path}: the header row repeats column name(s) {repeated}")
    return Dialect(delimiter, names)


def first_line(path: Path) -> str:
    """The first line of a text file; raises GeolinkError for a missing, empty, zipped or binary file."""
    path = Path(path)
    if not path.is_file():
        raise GeolinkError(f"{path}: no such file" if not path.exists() else f"{path}: is a folder, expected a file")
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise GeolinkError(f"{path}: the file is empty")
    if head.startswith(b"PK\x03\x04"):
        raise GeolinkError(f"{path}: is a ZIP archive; unzip it and load the files inside")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
        raise GeolinkError(f"{path}: is not a text file in UTF-8 or Windows-1252 (binary or UTF-16 content); "
                           "save it as CSV (UTF-8)")
    return _decode(head.split(b"\n", 1)[0]).lstrip("\ufeff").rstrip("\r")


def _decode(data: bytes) -> str:
    """UTF-8 when valid, else Windows-1252 (the two encodings council systems export)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _parse_lines(lines: list[str], delimiter: str) -> list[list[str]]:
    import csv
    return list(csv.reader(lines, delimiter=delimiter))


def read_blocks(path: Path, dialect: Dialect, *, columns: list[str] | None = None,
                on_bad_row: BadRow, on_bytes: Callable[[int], None] = lambda n: None,
                block_bytes: int = BLOCK_BYTES) -> Iterator[Block]:
    """Yield the rows of `path` block by block, in file order.

    `columns` names the fields of a file without a header (default: the header's names)."""
    names = columns or dialect.header
    if not names:
        raise ValueError("read_blocks needs the column names of a file without a header")

    def parse(data: bytes, first_line: int) -> Block:
        return parse_lines(to_utf8(data), line_numbers(data, first_line), names, dialect.delimiter)

    for block in stream(path, parse, skip_header=dialect.header is not None, on_bytes=on_bytes,
                        block_bytes=block_bytes):
        for line, reason in block.bad:
            on_bad_row(line, reason)
        yield block


def stream(path: Path, parse: Callable[[bytes, int], T], *, skip_header: bool, on_bytes: Callable[[int], None],
           block_bytes: int = BLOCK_BYTES) -> Iterator[T]:
    """Cut `path` into blocks of whole lines and yield `parse(block, first_line)` for each, in order,
    parsing two blocks at a time. Results are handed back on the calling thread."""
    with Path(path).open("rb") as handle, ThreadPoolExecutor(max_workers=2) as pool:
        first_line = 1
        if skip_header:
            on_bytes(len(handle.readline()))
            first_line = 2
        pending: deque = deque()
        for data in _chunks(handle, block_bytes):
            pending.append(pool.submit(parse, data, first_line))
            first_line += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
            on_bytes(len(data))
            if len(pending) > 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _chunks(handle, block_bytes: int) -> Iterator[bytes]:
    """Blocks of whole lines: each read is extended to the next line end."""
    while True:
        data = handle.read(block_bytes)
        if not data:
            return
        if not data.endswith(b"\n"):
            data += handle.readline()
        yield data


def to_utf8(data: bytes) -> bytes:
    """A block as UTF-8 (re-encoded from Windows-1252 when it is not valid UTF-8), without a BOM."""
    text = data if data.isascii() else _decode(data).encode("utf-8")
    return text[3:] if text.startswith(b"\xef\xbb\xbf") else text


def line_numbers(data: bytes, first_line: int) -> np.ndarray:
    """The physical line number of every line in a block."""
    rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return np.arange(first_line, first_line + rows, dtype=np.int64)


def parse_lines(text: bytes, lines: np.ndarray, names: list[str], delimiter: str, label: str = "") -> Block:
    """Parse lines of text (line k of `text` is physical line lines[k]) into a Block of text columns.

    Rows with the wrong number of fields, and blank lines, are listed in the block's `bad`;
    `label` prefixes their reason (e.g. "record type 21: ")."""
    bad: list[tuple[int, str]] = []
    expected = len(names)

    def handler(row) -> str:
        found = row.actual_columns
        reason = f"{label}expected {expected} fields, found {found}"
        other = next((d for d in DELIMITERS if d != delimiter and row.text.count(d) + 1 == expected), None)
        if other:
            reason += f" (the row seems delimited by {other!r})"
        elif found < expected:
            reason += " (the row is cut short)"
        bad.append((int(lines[row.number - 1]), reason))
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(text),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=len(text) + 1),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False, invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    if bad:
        lines = np.setdiff1d(lines, [line for line, _ in bad], assume_unique=True)
    if b"\n\n" in text or b"\n\r\n" in text or text.startswith((b"\n", b"\r\n")):
        table, lines = _drop_blank_rows(table, lines, bad)
    if table.num_rows != len(lines):  # a value spanning lines would break the line count
        raise GeolinkError(f"rows near line {lines[0] if len(lines) else '?'} could not be numbered: "
                           "a quoted value spans lines")
    return Block(table, lines, sorted(bad))


def _drop_blank_rows(table: pa.Table, lines: np.ndarray, bad: list) -> tuple[pa.Table, np.ndarray]:
    blank = np.logical_and.reduce([pc.equal(c, "").to_numpy(zero_copy_only=False) for c in table.columns])
    bad.extend((int(line), "blank line") for line in lines[blank])
    return table.filter(pa.array(~blank)), lines[~blank]
