"""Postcode lookups: ONSPD, NSPL (full or tidied) and OS Code-Point Open, into one `postcode` table.

The three kinds differ only in their column names, so one set of aliases serves all:
ONSPD / NSPL's pcds, oseast1m, lat, long, oa21, lsoa11, osward, oslaua, doterm (and the
2024+ names pcd7, east1m, oa21cd, wd25cd, lad25cd ...), a tidied copy's postcode, lsoa_code,
ward_code, la_code, lon, lat, and Code-Point's Postcode, Eastings, Northings,
Admin_ward_code, Admin_district_code. OS ships Code-Point without a header row; such
files are read in its documented column order.

Writes `postcode`: postcode ('AB1 2CD'), x, y DOUBLE (British National Grid: the grid
reference when given, else converted from latitude / longitude), oa, lsoa, msoa, ward,
lad VARCHAR (null where not given), terminated DATE (from doterm), source (the kind).
A row without coordinates (Code-Point's 0,0 and ONSPD's latitude 99.999999 mean none)
still loads when it has a valid postcode: its area codes can place records.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geolink.errors import GeolinkError
from geolink.coordinates import to_bng

from .checks import as_float, first_problem, grid_reference, latitude_longitude
from .columns import repeated
from .context import Load
from .lookup import LEVELS, codes, stream_csv, vintaged

TABLE = "postcode"
KINDS = ("onspd", "nspl", "codepoint")
CODEPOINT_FIELDS = ["Postcode", "Positional_quality_indicator", "Eastings", "Northings", "Country_code",
                    "NHS_regional_HA_code", "NHS_HA_code", "Admin_county_code", "Admin_district_code",
                    "Admin_ward_code"]
ALIASES = {
    "postcode": ["pcds", "pcd[278]?", "postcode"],
    "x": ["oseast1m", "east1m", "eastings?", "x"],
    "y": ["osnrth1m", "north1m", "northings?", "y"],
    "lat": ["lat", "latitude"],
    "lon": ["long", "lon", "lng", "longitude"],
    "oa": [*vintaged("oa"), "oacode"],
    "lsoa": [*vintaged("lsoa"), "lsoacode"],
    "msoa": [*vintaged("msoa"), "msoacode"],
    "ward": ["osward", *vintaged("wd"), "ward", "wardcode", "adminwardcode"],
    "lad": ["oslaua", "laua", *vintaged("lad"), "ladcode", "lacode", "admindistrictcode"],
    "terminated": ["doterm"],
}
POSTCODE = r"^\s*(?P<outward>[A-Za-z]{1,2}[0-9][A-Za-z0-9]?)\s*(?P<inward>[0-9][A-Za-z]{2})\s*$"
NO_LATITUDE = 99.9  # ONSPD gives latitude 99.999999 to postcodes without a grid reference


def load(paths: list[Path], run: Load, kind: str) -> None:
    """Stream postcode lookup files of one kind (onspd, nspl or codepoint) into the `postcode` table."""
    if kind not in KINDS:
        raise GeolinkError(f"unknown postcode lookup {kind!r} (use one of {', '.join(KINDS)})")
    stream_csv(paths, run, table=TABLE, aliases=ALIASES, required=["postcode"],
               one_of=["x", "lat", *LEVELS], parse=partial(parse, source=kind),
               headerless=CODEPOINT_FIELDS if kind == "codepoint" else None)


def parse(block: pa.Table, columns: dict[str, str], source: str) -> tuple[pa.Table, np.ndarray]:
    """Typed `postcode` rows of one block and a reason per row ('' when fine)."""
    postcode, postcode_problem = normalise(block.column(columns["postcode"]).combine_chunks())
    x, y, where_problem = points(*_pair(block, columns, "x", "y"), *_pair(block, columns, "lat", "lon"))
    terminated, date_problem = month_dates(_text(block, columns, "terminated"))
    rows = pa.table({"postcode": postcode, "x": pa.array(x, mask=np.isnan(x)), "y": pa.array(y, mask=np.isnan(y)),
                     **{level: codes(block, columns, level) for level in LEVELS},
                     "terminated": terminated, "source": repeated(source, block.num_rows)})
    return rows, first_problem(postcode_problem, where_problem, date_problem)


def _text(block: pa.Table, columns: dict[str, str], role: str) -> pa.Array:
    """A role's text column, or blanks when the file has no such column."""
    if role not in columns:
        return repeated("", block.num_rows)
    return block.column(columns[role]).combine_chunks()


def _pair(block: pa.Table, columns: dict[str, str], first: str, second: str) -> tuple[pa.Array, pa.Array]:
    """Two columns that only mean something together (easting and northing): blanks unless both are there."""
    both = first in columns and second in columns
    return tuple(_text(block, columns if both else {}, role) for role in (first, second))


def normalise(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """'ex4  1aa' -> 'EX4 1AA' (as geolink.address.normalise_postcode gives for a well-formed
    postcode; a lookup's postcodes are never repaired), null with a reason otherwise."""
    parts = pc.extract_regex(values, POSTCODE)
    spaced = pc.ascii_upper(pc.binary_join_element_wise(parts.field("outward"), parts.field("inward"), " "))
    blank, valid = _blank(values), _numpy(pc.is_valid(parts))
    northern_ireland = _numpy(pc.fill_null(pc.starts_with(spaced, "BT"), False))
    reasons = first_problem(np.where(blank, "missing postcode", "").astype(object),
                            _naming(values, ~valid & ~blank, "postcode '{}' is not a valid postcode"),
                            np.where(northern_ireland, "a Northern Ireland postcode (geolink covers Great Britain)",
                                     "").astype(object))
    return pc.if_else(pa.array(valid & ~northern_ireland), spaced, pa.scalar(None, pa.string())), reasons


def points(east: pa.Array, north: pa.Array, lat: pa.Array, lon: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BNG x, y (NaN where none) and a reason per row: the grid reference where given, else
    latitude / longitude converted; a blank, 0,0 or 99.999999 position means none."""
    e, n = as_float(east), as_float(north)
    no_grid = (_blank(east) & _blank(north)) | ((e == 0) & (n == 0))
    x, y = np.where(no_grid, np.nan, e), np.where(no_grid, np.nan, n)
    reasons = np.where(no_grid, "", grid_reference(east, north, required=False)).astype(object)
    rows = np.flatnonzero(no_grid)
    if len(rows):  # latitude / longitude are read only where the grid reference is missing
        la_text, lo_text = lat.take(rows), lon.take(rows)
        la, lo = as_float(la_text), as_float(lo_text)
        given = ~((_blank(la_text) & _blank(lo_text)) | (la >= NO_LATITUDE))
        reasons[rows[given]] = latitude_longitude(la_text, lo_text, required=False)[given]
        x[rows[given]], y[rows[given]] = to_bng(lo[given], la[given])
    return np.where(np.isfinite(x), x, np.nan), np.where(np.isfinite(y), y, np.nan), reasons


def month_dates(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """ONS 'YYYYMM' months as the first day of the month (null when blank), with a reason when unreadable."""
    trimmed = pc.utf8_trim_whitespace(values)
    month = pc.if_else(pc.match_substring_regex(trimmed, r"^\d{6}$"), trimmed, "")
    parsed = pc.strptime(pc.binary_join_element_wise(month, "01", ""), format="%Y%m%d", unit="s",
                         error_is_null=True).cast(pa.date32())
    bad = ~_numpy(pc.equal(trimmed, "")) & _numpy(pc.is_null(parsed))
    return parsed, _naming(values, bad, "doterm '{}' is not a month (YYYYMM)")


def _naming(values: pa.Array, rows: np.ndarray, template: str) -> np.ndarray:
    """The reason `template` naming each value (cut to 40 characters) in `rows`, '' elsewhere."""
    reasons = np.full(len(rows), "", dtype=object)
    if rows.any():
        shown = pc.utf8_slice_codeunits(values.filter(pa.array(rows)), 0, 40).to_pylist()
        reasons[rows] = [template.format(value) for value in shown]
    return reasons


def _blank(values: pa.Array) -> np.ndarray:
    return _numpy(pc.equal(pc.utf8_trim_whitespace(values), ""))


def _numpy(mask: pa.Array) -> np.ndarray:
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
