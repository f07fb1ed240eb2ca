"""`geolink match` as a function: read the messy file, match, write output, review and report.

File I/O for matching lives here; the stages it calls are pure or connection-bound.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geolink.errors import GeolinkError
from geolink.gazetteer.prepare import prepare_reference
from geolink.parallel import Helpers
from loaders.table import read_table, write_table
from geolink.streets import DEFAULT_TOLERANCE_M, read_street_layer
from geolink.coordinates import frame_points
from .pipeline import MatchResult, match_table

ID_GUESSES = ("record_id", "id", "unique_id", "ref", "reference")
POSTCODE_GUESS = re.compile(r"^(post_?code|pcd|pc)$", re.IGNORECASE)
ADDRESS_GUESS = re.compile(r"^(full_?)?(address|addr|property_address|location)(_?line)?_?\d*$", re.IGNORECASE)
ROW_NUMBER = "row_number"


@dataclass(frozen=True)
class MatchFiles:
    output: Path
    review: Path
    report: Path


def output_files(out: Path) -> MatchFiles:
    """OUT plus its review file and JSON report beside it."""
    if out.suffix.lower() not in (".csv", ".parquet"):
        raise GeolinkError(f"{out}: output must end in .csv or .parquet")
    return MatchFiles(output=out, review=out.with_name(out.stem + "_review.csv"),
                      report=out.with_name(out.stem + "_report.json"))


def choose_columns(frame: pd.DataFrame, path: Path, id_column: str | None,
                   address_columns: Sequence[str], postcode_column: str | None) -> tuple[str, list[str], str | None]:
    """The id, address and postcode columns: as given (checked), or recognised by name."""
    columns = list(frame.columns)

    def check(name: str, role: str) -> str:
        if name not in columns:
            raise GeolinkError(f"{path}: no {role} column '{name}'; the columns are {columns}")
        return name

    if id_column:
        id_column = check(id_column, "id")
    else:
        id_column = next((c for c in columns if c.lower() in ID_GUESSES), None) or ROW_NUMBER
    if address_columns:
        address = [check(c, "address") for c in address_columns]
    else:
        address = [c for c in columns if ADDRESS_GUESS.match(c)]
        if not address:
            raise GeolinkError(f"{path}: cannot tell which columns hold the address; name them with "
                               f"--address-column (columns are {columns})")
    if postcode_column:
        postcode = check(postcode_column, "postcode")
    else:
        postcode = next((c for c in columns if POSTCODE_GUESS.match(c) and c not in address), None)
    return id_column, address, postcode


def check_coordinates(frame: pd.DataFrame, path: Path, given: dict[str, str | None]) -> dict[str, str | None]:
    """The coordinate columns, checked: both of a pair, one pair at most, columns that exist."""
    given = {k: v for k, v in given.items() if v}
    pairs = [("x_column", "y_column"), ("lat_column", "lon_column")]
    for a, b in pairs:
        if bool(given.get(a)) != bool(given.get(b)):
            flag = lambda k: "--" + k.replace("_", "-")  # noqa: E731
            raise GeolinkError(f"{flag(a)} and {flag(b)} go together; give both or neither")
    if all(given.get(a) for a, _ in pairs):
        raise GeolinkError("give either --x-column/--y-column or --lat-column/--lon-column, not both")
    for column in given.values():
        if column not in frame.columns:
            raise GeolinkError(f"{path}: no coordinate column '{column}'; the columns are {list(frame.columns)}")
    return given


def run_match(messy: Path, reference: Path, out: Path, *, id_column: str | None = None,
              address_columns: Sequence[str] = (), postcode_column: str | None = None,
              cache: Path | None = None, workers: int = 1, progress: Callable[[int], None] | None = None,
              on_total: Callable[[int], None] | None = None, coordinates: dict[str, str | None] | None = None,
              streets: Path | None = None, tolerance: float = DEFAULT_TOLERANCE_M,
              engine: str = "duckdb", memory_limit: str | None = None,
              preparing: Callable[[int], None] | None = None,
              helpers: Helpers | None = None) -> tuple[MatchResult, MatchFiles]:
    """Match `messy` against `reference` and write the output, review and report files.

    `coordinates` names x_column/y_column (BNG) or lat_column/lon_column (WGS84);
    `streets` is a street layer for nearest-street lookups. A reference not yet prepared
    is prepared within `memory_limit`, `preparing` told the rows of each chunk. `helpers`
    are worker processes the caller started early (see `match_table`)."""
    files = output_files(Path(out))
    frame = read_table(messy)
    if frame.empty:
        raise GeolinkError(f"{messy}: the file has a header but no rows")
    id_column, address, postcode = choose_columns(frame, Path(messy), id_column, address_columns, postcode_column)
    if id_column == ROW_NUMBER and ROW_NUMBER not in frame:
        frame.insert(0, ROW_NUMBER, [str(i) for i in range(1, len(frame) + 1)])
    if on_total:
        on_total(len(frame))
    points = frame_points(frame, **check_coordinates(frame, Path(messy), coordinates or {}))
    layer = read_street_layer(streets) if streets else None
    ref = prepare_reference(reference, cache=cache, memory_limit=memory_limit, progress=preparing)
    try:
        result = match_table(frame, ref, id_column=id_column, address_columns=address,
                             postcode_column=postcode, workers=workers, progress=progress,
                             points=points, street_layer=layer, tolerance=tolerance, engine=engine,
                             helpers=helpers)
    finally:
        ref.close()
    result.report.update({"input": str(messy), "reference": str(reference), "output": str(files.output),
                          "id_column": id_column, "address_columns": address, "postcode_column": postcode})
    files.output.parent.mkdir(parents=True, exist_ok=True)
    write_table(result.output, files.output)
    write_table(result.review, files.review)
    files.report.write_text(json.dumps(result.report, indent=2) + "\n")
    return result, files
