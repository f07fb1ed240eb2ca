"""The streets a reference knows: USRN, name, places, and optionally the line geometry.

Names come from the gazetteer's addresses (every addressed street) and, when given, from
a street layer such as OS Open USRN or the synthetic streets.gpkg, which also adds
streets with no addresses and the lines for nearest-street lookups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from geolink.address import normalise_text
from geolink.errors import GeolinkError

if TYPE_CHECKING:  # GeoPandas is imported where a layer is read: matching without one never needs it
    import geopandas as gpd

CRS = "EPSG:27700"


@dataclass
class StreetIndex:
    """One row per USRN: name, places (locality and town words), centre and geometry (may be None)."""

    streets: pd.DataFrame                  # usrn, name, places, postcodes (frozensets), x, y, geometry
    by_name: dict[str, np.ndarray] = field(default_factory=dict)  # normalised name -> row positions
    longest_name: int = 1

    @classmethod
    def build(cls, streets: pd.DataFrame) -> StreetIndex:
        streets = streets.reset_index(drop=True)
        by_name: dict[str, list[int]] = {}
        for i, name in enumerate(streets["name"]):
            by_name.setdefault(name, []).append(i)
        longest = max((len(n.split()) for n in by_name), default=1)
        return cls(streets, {k: np.array(v) for k, v in by_name.items()}, longest)

    @property
    def has_lines(self) -> bool:
        return "geometry" in self.streets and self.streets["geometry"].notna().any()


def streets_from_addresses(addresses: pd.DataFrame) -> pd.DataFrame:
    """Distinct (usrn, street) with the places and postcodes of their addresses and a central point."""
    rows = addresses[(addresses["usrn"].fillna(0) > 0) & addresses["street"].fillna("").ne("")]
    if rows.empty:  # a reference without USRNs names no streets
        return pd.DataFrame({"usrn": pd.Series(dtype="int64"), "name": pd.Series(dtype=object),
                             "x": pd.Series(dtype=float), "y": pd.Series(dtype=float),
                             "places": pd.Series(dtype=object), "postcodes": pd.Series(dtype=object)})
    keys = ["usrn", "street"]
    centre = rows.groupby(keys, sort=True)[["x", "y"]].median()
    places = _distinct_sets(rows, keys, ["locality", "town"], normalise_text).reindex(centre.index)
    postcodes = _distinct_sets(rows, keys, ["postcode"] if "postcode" in rows else [], str).reindex(centre.index)
    empty = frozenset()
    out = centre.assign(places=[p if isinstance(p, frozenset) else empty for p in places],
                        postcodes=[p if isinstance(p, frozenset) else empty for p in postcodes])
    out = out.reset_index().rename(columns={"street": "name"})
    out["usrn"] = out["usrn"].astype("int64")
    return out


def _distinct_sets(rows: pd.DataFrame, keys: list[str], columns: list[str], clean) -> pd.Series:
    """Per key, the set of cleaned non-blank values found in any of `columns`."""
    if not columns:
        return pd.Series(dtype=object)
    values = pd.concat([rows[keys + [c]].rename(columns={c: "value"}) for c in columns])
    values = values[values["value"].notna()].drop_duplicates()  # a street's addresses repeat its places
    values = values[values["value"].astype(str).str.strip().ne("")]
    cleaned = {v: clean(v) for v in values["value"].unique()}
    return values.assign(value=values["value"].map(cleaned)).groupby(keys)["value"].agg(frozenset)


def read_street_layer(path: Path) -> pd.DataFrame:
    """A street layer file (GeoPackage, GeoJSON, Shapefile...) as street_layer() rows."""
    import geopandas as gpd

    try:
        layer = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several driver-specific types
        raise GeolinkError(f"cannot read streets from {path}: {exc}") from exc
    return street_layer(layer, str(path))


def workspace_street_layer(con) -> pd.DataFrame | None:
    """The streets loaded into a workspace (`geolink load`) as street_layer() rows, or None.

    A street's line is its OS Open USRN geometry when that was loaded, else the straight
    line between the start and end points its gazetteer record gives."""
    import geopandas as gpd

    from geolink import workspace

    if not workspace.table_exists(con, "street"):
        return None
    has_lines = workspace.table_exists(con, "street_geometry")
    frame = con.execute(f"""
        SELECT s.usrn, s.name, s.locality, s.town,
               {"g.geometry" if has_lines else "NULL::BLOB"} AS line, s.start_x, s.start_y, s.end_x, s.end_y
        FROM street s {"LEFT JOIN street_geometry g USING (usrn)" if has_lines else ""}
        WHERE s.name <> ''""").df()
    ends = frame[["start_x", "start_y", "end_x", "end_y"]].to_numpy(dtype=float)
    straight = shapely.linestrings(np.stack([ends[:, :2], ends[:, 2:]], axis=1))
    given = shapely.from_wkb(frame["line"].where(frame["line"].notna(), None).to_numpy())
    has_line = ~shapely.is_missing(given)
    geometry = np.where(has_line, given, straight)
    usable = has_line | ~np.isnan(ends).any(axis=1)
    layer = gpd.GeoDataFrame(frame.loc[usable, ["usrn", "name", "locality", "town"]],
                             geometry=geometry[usable], crs=CRS)
    return street_layer(layer.reset_index(drop=True), "the workspace's streets") if len(layer) else None


def street_layer(layer: gpd.GeoDataFrame, source: str = "the street layer") -> pd.DataFrame:
    """Streets (usrn, name, optional locality and town, line geometry) normalised, in BNG."""
    missing = {"usrn", "name"} - set(layer.columns)
    if missing:
        raise GeolinkError(f"{source}: a street layer needs columns usrn and name (missing {', '.join(sorted(missing))})")
    if layer.crs is None:
        raise GeolinkError(f"{source}: the street layer has no coordinate reference system")
    layer = layer.to_crs(CRS)
    centre = layer.geometry.interpolate(0.5, normalized=True)
    place_columns = [layer[c].to_numpy() for c in ("locality", "town") if c in layer.columns]
    places = [frozenset(normalise_text(str(v)) for v in values if v and str(v).strip())
              for values in zip(*place_columns)] if place_columns else [frozenset()] * len(layer)
    return pd.DataFrame({"usrn": pd.to_numeric(layer["usrn"], errors="coerce").astype("int64"),
                         "name": [normalise_text(str(n)) for n in layer["name"]],
                         "places": places, "x": centre.x.to_numpy(), "y": centre.y.to_numpy(),
                         "geometry": layer.geometry.values})


def combine(from_addresses: pd.DataFrame, layer: pd.DataFrame | None) -> StreetIndex:
    """The street index: the layer's streets (with lines) plus addressed streets it lacks."""
    if layer is None:
        return StreetIndex.build(from_addresses.assign(geometry=None))
    known = set(zip(layer["usrn"], layer["name"]))
    extra = from_addresses[[(u, n) not in known for u, n in zip(from_addresses["usrn"], from_addresses["name"])]]
    by_usrn = from_addresses.groupby("usrn")
    places = by_usrn["places"].agg(lambda s: frozenset().union(*s))
    postcodes = by_usrn["postcodes"].agg(lambda s: frozenset().union(*s))
    layer = layer.assign(places=[p | places.get(u, frozenset()) for u, p in zip(layer["usrn"], layer["places"])],
                         postcodes=[postcodes.get(u, frozenset()) for u in layer["usrn"]])
    return StreetIndex.build(pd.concat([layer, extra.assign(geometry=None)], ignore_index=True))


def reference_addresses(con) -> pd.DataFrame:
    """uprn, usrn, street, locality, town, postcode, x, y of a prepared reference's addresses."""
    return con.execute("""SELECT uprn, coalesce(usrn, 0) AS usrn, street, locality, town, postcode, x, y
                          FROM ref_address""").df()


def reference_street_index(con, layer: pd.DataFrame | None = None) -> StreetIndex:
    """The street index of a prepared reference, with an optional street layer."""
    return combine(streets_from_addresses(reference_addresses(con)), layer)
