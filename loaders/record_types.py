"""Read the multi-record CSVs of the NLPG family (AddressBase Premium, LLPG DTF 8.1).

Each line starts with a record identifier (10 header, 21 BLPU, 24 LPI ...) and has that
record type's own fields, so the file is not one table. Each block is split by record
type and every type parsed by Arrow with its own field names; a type may have several
known layouts (fields added by later versions of a format), told apart by field count.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa

from .csvstream import BLOCK_BYTES, BadRow, Block, first_line, line_numbers, parse_lines, stream, to_utf8

T = TypeVar("T")
Layouts = Mapping[str, Sequence[tuple[str, ...]]]  # record identifier -> known field-name tuples ((): not parsed)


def header_version(path: Path) -> str:
    """The VERSION of a file's header record (10), which tells editions of a format apart; '' if none."""
    fields = next(csv.reader([first_line(path)]), [])
    return fields[7].strip() if len(fields) > 7 and fields[0].strip('"') == "10" else ""


def read_records(path: Path, layouts: Layouts | Callable[[str], Layouts], prepare: Callable[[str, Block], T], *,
                 on_bad_row: BadRow, on_bytes: Callable[[int], None] = lambda n: None,
                 block_bytes: int = BLOCK_BYTES) -> Iterator[dict[str, T]]:
    """Yield, block by block, `prepare(record identifier, rows)` for each record type; rows of
    unknown types or the wrong field count go to `on_bad_row` with the reason. `layouts` may
    depend on the header's version. `prepare` (pure per-block work: renaming, checks) runs on
    the parsing threads, two blocks at a time."""
    version = header_version(path)  # also refuses an empty, zipped or binary file
    if callable(layouts):
        layouts = layouts(version)

    def parse(data: bytes, first: int) -> tuple[dict[str, T], list[tuple[int, str]]]:
        blocks, bad = split_records(to_utf8(data), line_numbers(data, first), layouts)
        return {record: prepare(record, block) for record, block in blocks.items()}, bad

    for blocks, bad in stream(path, parse, skip_header=False, on_bytes=on_bytes, block_bytes=block_bytes):
        for line, reason in bad:
            on_bad_row(line, reason)
        yield blocks


def split_records(text: bytes, numbers: np.ndarray, layouts: Layouts) -> tuple[dict[str, Block], list[tuple[int, str]]]:
    """Parse one block of lines into a Block per record type, plus the bad rows (line, reason)."""
    lines = text.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    ids = record_identifiers(text, lines)
    blocks: dict[str, Block] = {}
    bad: list[tuple[int, str]] = []
    for record in dict.fromkeys(ids):
        idx = np.flatnonzero(ids == record)
        if record not in layouts:
            bad.extend((int(numbers[i]), f"unknown record type {record!r}" if lines[i].strip() else "blank line")
                       for i in idx)
            continue
        if not layouts[record]:  # a record type the format has but geolink does not use or check
            blocks[record] = Block(pa.table({"line": [lines[i] for i in idx]}), numbers[idx], [])
            continue
        chosen = choose_layout([lines[i] for i in idx[:20]], layouts[record])
        block = parse_lines(b"\n".join([lines[i] for i in idx]), numbers[idx], list(chosen), ",",
                            label=f"record type {record}: ")
        bad.extend(block.bad)
        blocks[record] = block
    return blocks, sorted(bad)


def record_identifiers(text: bytes, lines: list[bytes], width: int = 8) -> np.ndarray:
    """Each line's record identifier: its text before the first comma, unquoted.

    Read from the first `width` bytes of every line at once (a per-line Python loop
    costs more than parsing the fields); lines whose first comma lies further on, or that
    have none, are read one by one."""
    if not lines:
        return np.array([], dtype=object)
    buf = np.frombuffer(text, np.uint8)
    ends = np.flatnonzero(buf == ord("\n"))[:len(lines)]
    if len(ends) < len(lines):  # the last line has no line end
        ends = np.append(ends, len(buf))
    starts = np.r_[0, ends[:-1] + 1].astype(np.int64)
    head = np.concatenate([buf, np.zeros(width, np.uint8)])[starts[:, None] + np.arange(width)]
    head[np.arange(width) >= (ends - starts)[:, None]] = 0  # nothing past the line's end
    comma = head == ord(",")
    head[np.arange(width) >= comma.argmax(axis=1)[:, None]] = 0  # the identifier's bytes only
    keys, which = np.unique(head.view(f"S{width}").ravel(), return_inverse=True)
    ids = np.array([_unquoted(k) for k in keys], dtype=object)[which]
    for i in np.flatnonzero(~comma.any(axis=1)):
        ids[i] = _unquoted(lines[i].split(b",", 1)[0])
    return ids


def _unquoted(field: bytes) -> str:
    return field.strip().strip(b'"').decode("utf-8", "replace")


def choose_layout(sample: list[bytes], known: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The layout whose field count most of the sample lines have (the first layout if none fits)."""
    counts = [len(row) for row in csv.reader(line.decode("utf-8", "replace").rstrip("\r") for line in sample)]
    by_count = {len(layout): layout for layout in known}
    fitting = [c for c in counts if c in by_count]
    return by_count[max(set(fitting), key=fitting.count)] if fitting else known[0]
