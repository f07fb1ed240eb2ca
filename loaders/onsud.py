"""ONS UPRN Directory (ONSUD): the output area, LSOA, MSOA, ward and district of every UPRN.

ONS renames the columns with each vintage (OA11CD, OA21CD, WD19CD, LAD25CD ...): any
two-digit year is recognised, a 2020s one first when a file carries two. Writes `onsud`:
uprn BIGINT; oa, lsoa, msoa, ward, lad VARCHAR (null where the file lacks the level);
x, y DOUBLE (British National Grid, from GRIDGB1E / GRIDGB1N when present).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from .checks import first_problem, grid_reference, whole_number
from .context import Load
from .lookup import LEVELS, codes, identifiers, numbers, stream_csv, vintaged

TABLE = "onsud"
_PREFIX = {"oa": "oa", "lsoa": "lsoa", "msoa": "msoa", "ward": "wd", "lad": "lad"}
ALIASES = {"uprn": ["uprn"], "x": ["gridgb1e"], "y": ["gridgb1n"],
           **{level: vintaged(prefix) for level, prefix in _PREFIX.items()}}


def load(paths: list[Path], run: Load) -> None:
    """Stream ONSUD CSV files (one per region nationally) into the `onsud` table."""
    stream_csv(paths, run, table=TABLE, aliases=ALIASES, required=["uprn"], one_of=LEVELS, parse=parse)


def parse(block: pa.Table, columns: dict[str, str]) -> tuple[pa.Table, np.ndarray]:
    """Typed `onsud` rows of one block and a reason per row ('' when fine)."""
    reasons = [whole_number(block.column(columns["uprn"]), "UPRN")]
    if "x" in columns and "y" in columns:
        reasons.append(grid_reference(block.column(columns["x"]), block.column(columns["y"]), required=False))
    rows = pa.table({"uprn": identifiers(block.column(columns["uprn"])),
                     **{level: codes(block, columns, level) for level in LEVELS},
                     "x": numbers(block, columns, "x"), "y": numbers(block, columns, "y")})
    return rows, first_problem(*reasons)
