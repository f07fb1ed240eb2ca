"""ONS boundary files (GeoJSON, GeoPackage, Shapefile; any vintage, any CRS) into the table `boundary`.

Each polygon layer becomes one level (oa | lsoa | msoa | ward | lad), told by `--level`,
else by the code column's name (OA11CD, LSOA21CD, WD13CD ...), else by the codes' GSS
prefixes. Rows are features: feature n is reported as row n + 1, as if it were a CSV
line under a header, so the first feature is "row 2". Geometries land in British
National Grid as WKB; loading a level replaces that level's rows and no other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely

from geolink.errors import GeolinkError
from geolink.geography.areas import CRS, NESTED_LEVELS

from .checks import GB_EASTING, GB_NORTHING, first_problem, not_blank
from .columns import resolve, squash
from .context import Load
from .files import input_files

LEVELS = ("oa", "lsoa", "msoa", "ward", "lad")
SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")  # what a folder given as PATH is searched for
TABLE = "boundary"
DDL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (level VARCHAR, code VARCHAR, name VARCHAR, "
       "parent_code VARCHAR, geometry BLOB, source VARCHAR)")

# A level's own code column: ONS's <prefix><yy>CD of any vintage, or <prefix>_code.
LEVEL_PREFIXES = {"oa": "oa", "lsoa": "lsoa", "msoa": "msoa", "ward": "wd|ward", "lad": "lad|ltla"}
LEVEL_CODE_COLUMNS = {level: [rf"(?:{prefix})(?:\d{{2}}cd|code)"] for level, prefix in LEVEL_PREFIXES.items()}
# Columns that hold the layer's own code whatever its level; they win over level-named ones,
# which in such files are the parents (a synthetic OA layer: code, lsoa_code, msoa_code).
GENERIC_CODE_COLUMNS = ["areacode", "areacd", "code", "geocode", "gsscode"]
GENERIC_NAME_COLUMNS = ["areaname", "name", "geolabel", "geoname", "label"]
GSS_LEVELS = {"E00": "oa", "W00": "oa", "S00": "oa", "E01": "lsoa", "W01": "lsoa", "S01": "lsoa",
              "E02": "msoa", "W02": "msoa", "S02": "msoa", "E05": "ward", "W05": "ward", "S13": "ward",
              "E06": "lad", "E07": "lad", "E08": "lad", "E09": "lad", "W06": "lad", "S12": "lad"}
POLYGONAL = (3, 6)  # shapely type ids of Polygon and MultiPolygon
GEOMETRY_TYPES = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                           "MultiPolygon", "GeometryCollection"])
EXACT_COPY = "repeats an earlier feature (same code and geometry)"
SAME_CODE = "repeats the code of an earlier area with a different geometry (the first is kept)"
READABLE_LAYER = re.compile(r"polygon|surface|unknown|geometry", re.IGNORECASE)  # polygons, or mixed types


@dataclass(frozen=True)
class Columns:
    """Where a layer keeps its codes: its own code column, the level that column's name
    declares (None for generic names such as area_code), its name column, and other levels' code columns."""

    code: str
    declared: str | None
    name: str | None
    levels: dict[str, str]

    def parent(self, level: str) -> str | None:
        """The column of the nearest coarser nested level's code (wards nest in LADs only)."""
        coarser = NESTED_LEVELS[NESTED_LEVELS.index(level) + 1:] if level in NESTED_LEVELS else ("lad",)
        return next((self.levels[lv] for lv in coarser if lv in self.levels), None)


def load(paths: list[Path], run: Load, level: str | None = None) -> None:
    """Load boundary files (or the boundary files in folders) into `boundary`, replacing the rows
    of each level they hold. Every file is read and checked before anything is written, so a bad
    file changes nothing."""
    if not paths:
        raise GeolinkError("no boundary files given")
    if level is not None and level not in LEVELS:
        raise GeolinkError(f"--level must be one of {', '.join(LEVELS)}, not {level!r}")
    kept: dict[str, dict[str, bytes]] = {}  # level -> code -> WKB of the areas accepted so far
    parts: list[pd.DataFrame] = []
    for path in (file for given in paths for file in input_files(given, SUFFIXES)):
        layers = read_layers(path, run)
        run.on_bytes(path.stat().st_size)
        for label, source, frame in layers:
            parts.append(_accept(frame, label, source, level, run, kept))
    _write(run, parts, list(kept))


def read_layers(path: Path, run: Load) -> list[tuple[str, str, gpd.GeoDataFrame]]:
    """(label for rejections, source, frame in BNG) for each polygon layer of `path`."""
    if path.stat().st_size == 0:
        raise GeolinkError(f"{path}: the file is empty")
    try:
        listed = [(str(name), str(kind)) for name, kind in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as exc:
        raise GeolinkError(f"{path}: not a spatial file (expected GeoJSON, GeoPackage or Shapefile)") from exc
    polygon = [name for name, kind in listed if READABLE_LAYER.search(kind)]
    run.report.notes.extend(f"{path}: skipped layer {name} ({kind}): not polygons"
                            for name, kind in listed if name not in polygon)
    if not polygon:
        found = ", ".join(f"{name} ({kind})" for name, kind in listed) or "none"
        raise GeolinkError(f"{path}: no polygon layer (layers found: {found})")
    several = len(polygon) > 1
    return [(f"{path}:{name}" if several else str(path), f"{path.name}:{name}" if several else path.name,
             _read_bng(path, name)) for name in polygon]


def _read_bng(path: Path, layer: str) -> gpd.GeoDataFrame:
    """One layer reprojected to BNG (GDAL reads a GeoJSON without a `crs` member as CRS84)."""
    where = f"{path} (layer {layer})"
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # GDAL drivers raise several types for a damaged file
        raise GeolinkError(f"{where}: cannot be read: {exc}") from exc
    if frame.empty:
        raise GeolinkError(f"{where}: holds no features")
    if frame.crs is None:
        raise GeolinkError(f"{where}: no coordinate reference system (a Shapefile needs its .prj); "
                           "re-save it with one, e.g. EPSG:27700")
    return frame.to_crs(CRS)


def find_columns(header: list[str], where: str) -> Columns:
    """The layer's code column (a generic name first, else the finest level's), its name and the other levels'."""
    found = resolve(header, {"code": GENERIC_CODE_COLUMNS, **LEVEL_CODE_COLUMNS})
    levels = {lv: found[lv] for lv in LEVELS if lv in found}
    if "code" in found:
        code, declared = found["code"], None
    elif levels:
        declared, code = next(iter(levels.items()))
    else:
        raise GeolinkError(f"{where}: no area code column (looked for OA21CD, LSOA11CD, WD22CD, LAD22CD, area_code, "
                           f"code, geo_code ... of any vintage); columns found: {', '.join(header) or 'none'}")
    stem = re.escape(re.sub(r"(cd|code)$", "", squash(code)))
    name = resolve(header, {"name": [f"{stem}nm", f"{stem}name", *GENERIC_NAME_COLUMNS]}).get("name")
    return Columns(code, declared, name, levels)


def code_levels(codes: pd.Series) -> dict[str, str]:
    """level -> an example code, for each level that the codes' ONS GSS prefixes show."""
    levels = codes.str[:3].str.upper().map(GSS_LEVELS)
    return {lv: codes[levels == lv].iloc[0] for lv in levels.dropna().unique()}


def choose_level(explicit: str | None, columns: Columns, codes: pd.Series, where: str) -> tuple[str, str]:
    """The layer's level and what told it: --level, the code column's name, or the codes."""
    shown = code_levels(codes[codes != ""])
    if len(shown) > 1:
        listed = ", ".join(f"{lv} (e.g. {code})" for lv, code in shown.items())
        raise GeolinkError(f"{where}: column {columns.code} holds codes of several levels: {listed}; "
                           "load one level per file")
    if explicit or columns.declared:
        level, told = (explicit, "--level") if explicit else (columns.declared, f"column {columns.code}")
        unlike = [f"; its codes look like {lv}" for lv in shown if lv != level]
        return level, told + "".join(unlike)
    if shown:
        (level, example), = shown.items()
        return level, f"codes such as {example}"
    example = next(iter(codes[codes != ""]), "")
    raise GeolinkError(f"{where}: cannot tell the level of the areas in column {columns.code} (codes such as "
                       f"{example!r} are not ONS codes); pass --level {'|'.join(LEVELS)}")


def geometry_problems(geoms: np.ndarray) -> np.ndarray:
    """Per geometry: '' or why it cannot be an area (missing, empty, not a polygon, wholly outside GB)."""
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    kind = shapely.get_type_id(geoms)
    other = ~missing & ~empty & ~np.isin(kind, POLYGONAL)
    x0, y0, x1, y1 = shapely.bounds(geoms).T
    overlaps_gb = (x1 >= GB_EASTING[0]) & (x0 <= GB_EASTING[1]) & (y1 >= GB_NORTHING[0]) & (y0 <= GB_NORTHING[1])
    outside = ~missing & ~empty & ~other & ~overlaps_gb
    not_polygon = np.char.add(np.char.add("geometry is a ", GEOMETRY_TYPES[kind.clip(0)]), ", not a polygon")
    return first_problem(_where(missing, "no geometry"), _where(empty, "empty geometry"),
                         _where(other, not_polygon), _where(outside, "geometry lies wholly outside Great Britain"))


def repair(geoms: np.ndarray, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Usable but invalid polygons remade valid (polygonal parts only); returns (geometries, repaired mask)."""
    broken = usable & ~shapely.is_valid(geoms)
    fixed = geoms.copy()
    fixed[broken] = shapely.make_valid(geoms[broken], method="structure", keep_collapsed=False)
    return fixed, broken


def repeated(codes: np.ndarray, wkb: np.ndarray, usable: np.ndarray, kept: dict[str, bytes]) -> np.ndarray:
    """Reasons for usable rows whose code an earlier row of the level holds (`kept`: code -> WKB so far)."""
    code = pd.Series(codes).where(usable)
    again = usable & (code.duplicated() | code.isin(list(kept))).to_numpy()
    first = {**dict(zip(codes[usable & ~again], wkb[usable & ~again])), **kept}
    copy = again & (pd.Series(codes).map(first).to_numpy(dtype=object) == wkb)
    return first_problem(_where(copy, EXACT_COPY), _where(again, SAME_CODE))


def check_rows(codes: np.ndarray, geoms: np.ndarray, kept: dict[str, bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the reason it cannot load ('' if it can), its geometry as WKB (repaired where invalid),
    and whether it was repaired; `kept` maps the codes of the level accepted so far to their WKB."""
    reasons = first_problem(not_blank(pa.array(codes, pa.string()), "area code"), geometry_problems(geoms))
    geoms, repaired = repair(geoms, reasons == "")
    wkb = shapely.to_wkb(geoms)
    reasons = first_problem(reasons, _where(repaired & shapely.is_empty(geoms), "invalid geometry with no area"))
    return first_problem(reasons, repeated(codes, wkb, reasons == "", kept)), wkb, repaired


def _accept(frame: gpd.GeoDataFrame, label: str, source: str, level: str | None, run: Load,
            kept: dict[str, dict[str, bytes]]) -> pd.DataFrame:
    """Check one layer's rows (rejections go to the report); returns its accepted rows in `boundary`'s shape."""
    columns = find_columns([c for c in frame.columns if c != frame.geometry.name], label)
    codes = _text(frame[columns.code])
    level, told = choose_level(level, columns, codes, label)
    parent = columns.parent(level)
    run.report.notes.append(f"{label}: level {level} (from {told}), code column {columns.code}"
                            + (f", parent codes from {parent}" if parent else ""))
    codes = codes.to_numpy(dtype=object)
    seen = kept.setdefault(level, {})
    reasons, wkb, repaired = check_rows(codes, frame.geometry.to_numpy(), seen)
    keep = run.take(label, np.arange(2, len(frame) + 2), reasons)
    seen.update(zip(codes[keep], wkb[keep]))
    if (repaired & keep).any():
        run.report.notes.append(f"{label}: repaired {int((repaired & keep).sum())} invalid geometries "
                                "(shapely.make_valid)")
    return pd.DataFrame({"level": level, "code": codes[keep], "name": _optional(frame, columns.name, keep),
                         "parent_code": _optional(frame, parent, keep), "geometry": wkb[keep], "source": source})


def _write(run: Load, parts: list[pd.DataFrame], levels: list[str]) -> None:
    """Replace the rows of the levels loaded (even by no rows at all) with the accepted ones."""
    rows = pd.concat(parts, ignore_index=True)
    run.con.execute(DDL)
    run.con.register("_boundary_rows", rows)
    try:
        run.con.execute(f"DELETE FROM {TABLE} WHERE list_contains(?::VARCHAR[], level)", [levels])
        run.con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM _boundary_rows")
    finally:
        run.con.unregister("_boundary_rows")
    run.report.wrote(TABLE, len(rows))


def _text(values: pd.Series) -> pd.Series:
    """A column as stripped strings, '' where null."""
    return values.astype("string").fillna("").str.strip().astype(object)


def _optional(frame: pd.DataFrame, column: str | None, keep: np.ndarray) -> np.ndarray | None:
    """The kept rows' values of an optional text column (None where blank or when there is no column)."""
    if column is None:
        return None
    text = _text(frame[column])[keep]
    return text.where(text != "", None).to_numpy()


def _where(mask: np.ndarray, reason: str | np.ndarray) -> np.ndarray:
    return np.where(mask, reason, "").astype(object)
