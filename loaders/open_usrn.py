"""OS Open USRN: the line geometry of every street (USRN) in Great Britain.

Reads the GeoPackage (or GeoJSON, or any layer GDAL reads, in any CRS) in batches of
features, so a national file never sits in memory whole. Writes `street_geometry`:
usrn BIGINT, street_type VARCHAR, geometry BLOB (WKB, British National Grid). A rejected
feature's row is its position in the layer (the first feature is row 1).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import shapely
from pyproj import CRS, Transformer

from geolink.errors import GeolinkError

from .checks import first_problem, whole_number
from .columns import resolve
from .context import Load
from .files import input_files
from .lookup import identifiers

TABLE = "street_geometry"
ALIASES = {"usrn": ["usrn"], "street_type": ["streettype"]}
BATCH_FEATURES = 65_536
SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".fgb")  # of the files read from a folder
BNG = CRS.from_epsg(27700)
LINE_TYPES = (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING)
TYPE_NAMES = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
                       "GeometryCollection"])  # by shapely type id
Reproject = Callable[[np.ndarray], np.ndarray]


def load(paths: list[Path], run: Load) -> None:
    """Stream the street lines of each file (or each GIS file in a folder) into the `street_geometry` table."""
    for path in (file for given in paths for file in input_files(given, SUFFIXES)):
        layer, columns = _layer(path)
        try:
            with pyogrio.open_arrow(path, layer=layer, columns=list(columns.values()), batch_size=BATCH_FEATURES,
                                    use_pyarrow=True) as (meta, reader):
                reproject = _to_bng(meta["crs"], path)
                geometry = meta["geometry_name"] or "wkb_geometry"
                first = 1
                for batch in reader:
                    rows, reasons = parse(batch, columns, geometry, reproject)
                    keep = run.take(path, np.arange(first, first + batch.num_rows), reasons)
                    run.append(TABLE, rows.filter(pa.array(keep)))
                    first += batch.num_rows
        except pyogrio.errors.DataSourceError as exc:
            raise GeolinkError(f"{path}: cannot read the street layer {layer!r}: {exc}") from exc
        run.on_bytes(Path(path).stat().st_size)
    run.flush()


def parse(batch: pa.RecordBatch, columns: dict[str, str], geometry: str,
          reproject: Reproject | None = None) -> tuple[pa.Table, np.ndarray]:
    """Typed `street_geometry` rows of one batch of features and a reason per feature ('' when fine)."""
    usrn = pc.fill_null(pc.cast(batch.column(columns["usrn"]), pa.string()), "")
    shapes = shapely.from_wkb(np.asarray(batch.column(geometry).to_numpy(zero_copy_only=False), dtype=object),
                              on_invalid="ignore")
    kind = shapely.get_type_id(shapes)
    missing = (kind < 0) | shapely.is_empty(shapes)
    not_line = ~missing & ~np.isin(kind, LINE_TYPES)
    shown = np.char.add(np.char.add("geometry is a ", TYPE_NAMES[np.clip(kind, 0, None)]), ", not a line")
    reasons = first_problem(whole_number(usrn, "USRN"),
                            np.where(missing, "missing geometry", "").astype(object),
                            np.where(not_line, shown, "").astype(object))
    if reproject is not None:
        shapes = shapely.transform(shapes, reproject)
    street_type = (pc.cast(batch.column(columns["street_type"]), pa.string()) if "street_type" in columns
                   else pa.nulls(batch.num_rows, pa.string()))
    rows = pa.table({"usrn": identifiers(usrn), "street_type": street_type,
                     "geometry": pa.array(shapely.to_wkb(shapes), pa.binary())})
    return rows, reasons


def _layer(path: Path) -> tuple[str, dict[str, str]]:
    """The first layer with a USRN field, and its columns by role."""
    try:
        names = [name for name, _ in pyogrio.list_layers(path)]
        fields = {name: list(pyogrio.read_info(path, layer=name)["fields"]) for name in names}
    except pyogrio.errors.DataSourceError as exc:
        raise GeolinkError(f"{path}: cannot read it as a GeoPackage, GeoJSON or other GIS file ({exc})") from exc
    for name in names:
        columns = resolve(fields[name], ALIASES)
        if "usrn" in columns:
            return name, columns
    listed = "; ".join(f"{name}: {', '.join(columns)}" for name, columns in fields.items()) or "none"
    raise GeolinkError(f"{path}: no layer has a usrn column (layers and their columns: {listed[:300]})")


def _to_bng(crs: str | None, path: Path) -> Reproject | None:
    """A coordinate function from the layer's CRS to British National Grid (None when already BNG)."""
    if not crs:
        raise GeolinkError(f"{path}: the street layer has no coordinate reference system")
    source = CRS.from_user_input(crs)
    if source.equals(BNG, ignore_axis_order=True):
        return None
    transformer = Transformer.from_crs(source, BNG, always_xy=True)
    return lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
