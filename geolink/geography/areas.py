"""Area layers in geolink's canonical shape: level, code, name, parent_code, geometry (BNG).

OA -> LSOA -> MSOA -> LAD nest (ONS best-fit); wards and custom layers cross them. A
layer names its parent by a `<level>_code` column, as `geolink synth` writes them; the
loaders issue adds every ONS vintage's column names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geolink.errors import GeolinkError

CRS = "EPSG:27700"
NESTED_LEVELS = ("oa", "lsoa", "msoa", "lad")
AREA_COLUMNS = ["level", "code", "name", "parent_code", "geometry"]


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
    for level, custom_path in (custom or {}).items():
        layers.append(canonical_layer(gpd.read_file(custom_path), level))
    if not layers:
        raise GeolinkError(f"{path} holds no area layers")
    return AreaLayers(gpd.GeoDataFrame(pd.concat(layers, ignore_index=True), crs=CRS))
