"""OS Open UPRN: the British National Grid point of every UPRN in Great Britain.

Writes `uprn_point`: uprn BIGINT, x, y DOUBLE. The geography stage uses it for gazetteer
UPRNs that come without coordinates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from .checks import first_problem, grid_reference, whole_number
from .context import Load
from .lookup import identifiers, numbers, stream_csv

TABLE = "uprn_point"
ALIASES = {"uprn": ["uprn"], "x": ["xcoordinate", "x", "eastings?"], "y": ["ycoordinate", "y", "northings?"]}


def load(paths: list[Path], run: Load) -> None:
    """Stream OS Open UPRN CSV files into the `uprn_point` table."""
    stream_csv(paths, run, table=TABLE, aliases=ALIASES, required=["uprn", "x", "y"], parse=parse)


def parse(block: pa.Table, columns: dict[str, str]) -> tuple[pa.Table, np.ndarray]:
    """Typed `uprn_point` rows of one block and a reason per row ('' when fine)."""
    uprn, x, y = (block.column(columns[role]) for role in ("uprn", "x", "y"))
    reasons = first_problem(whole_number(uprn, "UPRN"), grid_reference(x, y))
    rows = pa.table({"uprn": identifiers(uprn), "x": numbers(block, columns, "x"), "y": numbers(block, columns, "y")})
    return rows, reasons
