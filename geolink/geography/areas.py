"""Area layers in geolink's canonical shape: level, code, name, parent_code, geometry (BNG).

OA -> LSOA -> MSOA -> LAD nest (ONS best-fit); wards and custom layers cross them. Layers
come from a GeoPackage with one layer per level, whose layers name their parent by a
`<level>_code` column as `geolink synth` writes them, or from the workspace's `boundary`
table that `geolink load boundaries` fills from ONS files of any vintage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geolink import workspace
from geolink.errors import GeolinkError

CRS = "EPSG:27700"
NESTED_LEVELS = ("oa", "lsoa", "msoa", "lad")
AREA_COLUMNS = ["level", "code", "name", "parent_code", "geometry"]
NO_BOUNDARIES = "no boundaries loaded: run `geolink load boundaries FILE --workspace W`"


@dataclass
class AreaLayers:
    """All areas in one GeoDataFrame; nested levels first, finest to coarsest, then crossing ones."""

    areas: gpd.GeoDataFrame

    @property
    def levels(self) -> list[str]:
        present = list(dict.fromkeys(self.areas["level"]))
        return [lv for lv in NESTED_LEVELS if lv in present] + [lv for lv in present if lv not in NESTED_LEVELS]

    @property
    def nested(self) -> list[str]:
        return [lv for lv in self.levels if lv in NESTED_LEVELS]

    @property
    def crossing(self) -> list[str]:
        return [lv for lv in self.levels if lv not in NESTED_LEVELS]

    def layer(self, level: str) -> gpd.GeoDataFrame:
        return self.areas[self.areas["level"] == level].reset_index(drop=True)

    def parent_of(self, level: str) -> dict[str, str]:
        """code -> parent code for a nested level (empty for the coarsest)."""
        layer = self.layer(level)
        known = layer["parent_code"].notna()
        return dict(zip(layer.loc[known, "code"], layer.loc[known, "parent_code"]))


def canonical_layer(frame: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    """One layer as level, code, name, parent_code, geometry in BNG."""
    if "code" not in frame.columns:
        raise GeolinkError(f"area layer {level!r} has no 'code' column (columns: {', '.join(frame.columns)})")
    if frame.crs is None:
        raise GeolinkError(f"area layer {level!r} has no coordinate reference system")
    frame = frame.to_crs(CRS)
    parent_level = _parent_level(level, frame.columns)
    out = gpd.GeoDataFrame({
        "level": level,
        "code": frame["code"].astype(str),
        "name": frame["name"].astype(str) if "name" in frame.columns else frame["code"].astype(str),
        "parent_code": frame[f"{parent_level}_code"].astype(str) if parent_level else None,
    }, geometry=frame.geometry.values, crs=CRS)
    duplicated = out["code"].duplicated()
    if duplicated.any():
        raise GeolinkError(f"area layer {level!r} repeats code {out.loc[duplicated, 'code'].iloc[0]!r}")
    return out


def _parent_level(level: str, columns) -> str | None:
    if level in NESTED_LEVELS:
        for coarser in NESTED_LEVELS[NESTED_LEVELS.index(level) + 1:]:
            if f"{coarser}_code" in columns:
                return coarser
        return None
    return "lad" if "lad_code" in columns else None


def read_area_layers(path: Path, custom: dict[str, Path] | None = None) -> AreaLayers:
    """Read a GeoPackage whose layers are named by level (oa, lsoa, msoa, ward, lad, ...).

    `custom` adds polygon layers from other files, each becoming a crossing level."""
    path = Path(path)
    if not path.exists():
        raise GeolinkError(f"no area file at {path}")
    try:
        names = [name for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises several driver-specific types
        raise GeolinkError(f"cannot read area layers from {path}: {exc}") from exc
    layers = [canonical_layer(gpd.read_file(path, layer=name), name.lower()) for name in names]
    if not layers and not custom:
        raise GeolinkError(f"{path} holds no area layers")
    return _combine(layers, custom)


def area_layers_from_workspace(con: duckdb.DuckDBPyConnection, custom: dict[str, Path] | None = None) -> AreaLayers:
    """The boundaries loaded into the workspace (table `boundary`), plus `custom` crossing layers.

    A nested level's parent codes are completed by containment where the files gave none."""
    if not workspace.table_exists(con, "boundary") or not con.execute("SELECT count(*) FROM boundary").fetchone()[0]:
        raise GeolinkError(NO_BOUNDARIES)
    rows = con.execute("SELECT level, code, coalesce(name, code) AS name, parent_code, geometry "
                       "FROM boundary ORDER BY level, code").to_arrow_table().to_pandas()  # WKB as bytes
    areas = gpd.GeoDataFrame(rows.drop(columns="geometry"), geometry=shapely.from_wkb(rows["geometry"]), crs=CRS)
    return _combine([complete_parents(areas)], custom)


def complete_parents(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each nested level's parent_code made a code of the next coarser level present: the file's
    own where it is one, else the coarser area holding a point inside the area."""
    from .place import locate  # place imports this module

    present = [lv for lv in NESTED_LEVELS if (areas["level"] == lv).any()]
    areas = areas.copy()
    for finer, coarser in zip(present, present[1:]):
        parents = areas[areas["level"] == coarser]
        todo = ((areas["level"] == finer) & ~areas["parent_code"].isin(parents["code"])).to_numpy()
        inside = shapely.point_on_surface(areas.geometry.to_numpy()[todo])
        areas.loc[todo, "parent_code"] = locate(shapely.get_x(inside), shapely.get_y(inside),
                                                parents["code"].to_numpy(), parents.geometry.values)
    return areas


def _combine(layers: list[gpd.GeoDataFrame], custom: dict[str, Path] | None) -> AreaLayers:
    """Canonical layers plus each NAME=FILE custom layer (a crossing level) as one AreaLayers."""
    layers = layers + [canonical_layer(gpd.read_file(path), level) for level, path in (custom or {}).items()]
    return AreaLayers(gpd.GeoDataFrame(pd.concat(layers, ignore_index=True), crs=CRS))
