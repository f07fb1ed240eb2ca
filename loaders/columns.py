"""Find the columns a loader needs in a header, under the names any vintage has used;
make a constant text column.

ONS renames its columns with every release (OA11CD, oa21cd, OA21CD ...), OS writes
upper case, councils write what they like; a loader lists the aliases (exact names or
regular expressions, matched case-insensitively, ignoring spaces, '-' and '_') and gets
back the actual column for each role, or a message naming what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from geolink.errors import GeolinkError


def squash(name: str) -> str:
    """A column name compared without case, spaces, '-' or '_': 'Admin_ward_code' -> 'adminwardcode'."""
    return re.sub(r"[\s_\-.]", "", name).lower()


def resolve(header: Sequence[str], aliases: Mapping[str, Iterable[str]], required: Iterable[str] = (),
            source: Path | str = "the file") -> dict[str, str]:
    """role -> the header's column for each role found (first alias wins); raises naming the missing ones."""
    squashed = {squash(c): c for c in header}
    found: dict[str, str] = {}
    for role, names in aliases.items():
        for alias in names:
            pattern = re.compile(f"^(?:{squash(alias)})$")
            hit = next((original for s, original in squashed.items() if pattern.match(s)), None)
            if hit is not None:
                found[role] = hit
                break
    missing = [r for r in required if r not in found]
    if missing:
        looked = "; ".join(f"{r}: {', '.join(aliases[r])}" for r in missing)
        hint = " (the first row looks like data: the file seems to have no header row)" if looks_like_data(header) else ""
        raise GeolinkError(f"{source}: missing column(s) {', '.join(missing)} (looked for {looked}); "
                           f"the header row is: {', '.join(header)[:300]}{hint}")
    return found


def looks_like_data(header: Sequence[str]) -> bool:
    """True when most 'names' are numbers or postcodes: a file whose header row is missing."""
    datum = re.compile(r"^[\d.\-]+$|^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$")
    return sum(bool(datum.match(h.strip())) for h in header) * 2 >= max(len(header), 1)


def repeated(text: str, rows: int) -> pa.Array:
    """A text column with `text` on every row (pa.repeat is a hundred times slower for strings)."""
    return pc.fill_null(pa.nulls(rows, pa.string()), text)
