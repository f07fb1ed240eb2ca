"""Point-in-polygon placement of UPRNs and records, vectorised with a shapely STRtree.

A point on a shared boundary intersects several polygons; it goes to the one with the
smallest code, so every point lands in exactly one area of a layer, the same one on every
run. Nested levels above the finest are read from its parent codes, so OA, LSOA, MSOA and
LAD always agree (the ONS best-fit rule); crossing levels (wards, custom) are placed
directly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geolink.spark import map_row_batches
from .areas import AreaLayers

SNAP_METRES = 1.0
HOUSEHOLD_CLASSES = ("RD", "RH")


def locate(x: np.ndarray, y: np.ndarray, codes: np.ndarray, polygons: np.ndarray,
           snap: float = SNAP_METRES) -> np.ndarray:
    """The code of the polygon holding each point (None outside all, beyond `snap` metres)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    result = np.full(len(x), None, dtype=object)
    valid = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if not len(valid) or not len(polygons):
        return result
    points = shapely.points(x[valid], y[valid])
    tree = shapely.STRtree(polygons)
    point_i, poly_i = tree.query(points, predicate="intersects")
    codes = np.asarray(codes, dtype=object)
    order = np.lexsort((codes[poly_i].astype(str), point_i))
    point_i, poly_i = point_i[order], poly_i[order]
    first = np.r_[True, point_i[1:] != point_i[:-1]] if len(point_i) else np.zeros(0, bool)
    result[valid[point_i[first]]] = codes[poly_i[first]]
    outside = np.flatnonzero(pd.isna(result[valid]))
    if len(outside) and snap > 0:
        near_p, near_poly = tree.query_nearest(points[outside], max_distance=snap, all_matches=False)
        result[valid[outside[near_p]]] = codes[near_poly]
    return result


def place_points(x: np.ndarray, y: np.ndarray, layers: AreaLayers, engine: str = "duckdb") -> pd.DataFrame:
    """One column per level: the area code of each BNG point (None where outside the town).

    With `engine` "spark" the points are placed in batches on Spark's executors, by this
    same function (each point is placed on its own, so the result is the same)."""
    if engine == "spark":
        points = pd.DataFrame({"x": np.asarray(x, float), "y": np.asarray(y, float)})
        return map_row_batches(points, _place_rows, dict.fromkeys(layers.levels, "string"), layers, engine=engine)
    placed: dict[str, np.ndarray] = {}
    for level in layers.levels:
        if level in layers.nested and _derivable(level, placed, layers):
            finer = layers.nested[layers.nested.index(level) - 1]
            parent = layers.parent_of(finer)
            placed[level] = pd.Series(placed[finer], dtype=object).map(parent).astype(object).to_numpy()
        else:
            layer = layers.layer(level)
            placed[level] = locate(x, y, layer["code"].to_numpy(), layer.geometry.values)
    frame = pd.DataFrame(placed, dtype=object)
    return frame.where(frame.notna(), None)


def _place_rows(points: pd.DataFrame, layers: AreaLayers) -> pd.DataFrame:
    return place_points(points["x"].to_numpy(float), points["y"].to_numpy(float), layers)


def _derivable(level: str, placed: dict, layers: AreaLayers) -> bool:
    index = layers.nested.index(level)
    return index > 0 and bool(layers.parent_of(layers.nested[index - 1])) and layers.nested[index - 1] in placed


def household_mask(classification: pd.Series, uprn: pd.Series, parent_uprn: pd.Series) -> np.ndarray:
    """Which addresses are households: AddressBase dwellings (RD) and HMOs (RH).

    A reference without classifications counts every address that is not the parent
    shell of another (a block's own UPRN is not a home)."""
    cls = classification.fillna("").astype(str).str.upper()
    if (cls != "").any():
        return cls.str.startswith(HOUSEHOLD_CLASSES).to_numpy()
    parents = set(pd.to_numeric(parent_uprn, errors="coerce").dropna().astype("int64"))
    return ~pd.to_numeric(uprn, errors="coerce").isin(parents).to_numpy()


def place_uprns(addresses: pd.DataFrame, layers: AreaLayers, lookup: pd.DataFrame | None = None,
                engine: str = "duckdb") -> pd.DataFrame:
    """uprn, household flag and one code column per level for each distinct UPRN.

    `lookup` (uprn plus level columns, e.g. from ONSUD) wins where it gives a code of the
    level's layer; the rest are placed by their coordinates (on Spark with `engine` "spark")."""
    first = addresses.drop_duplicates("uprn")
    out = pd.DataFrame({"uprn": first["uprn"].astype("int64").to_numpy(),
                        "household": household_mask(first.get("classification", pd.Series("", index=first.index)),
                                                    first["uprn"], first.get("parent_uprn", pd.Series(dtype=float)))})
    placed = place_points(pd.to_numeric(first["x"], errors="coerce").to_numpy(),
                          pd.to_numeric(first["y"], errors="coerce").to_numpy(), layers, engine)
    took = np.zeros(len(out), dtype=bool)
    if lookup is not None and len(lookup):
        codes = out[["uprn"]].merge(lookup.drop_duplicates("uprn"), on="uprn", how="left")
        placed, took = overlay(placed, codes, layers)
    out = pd.concat([out, placed], axis=1)
    out["placed_by"] = np.where(took, "lookup", "point")
    return out


def overlay(placed: pd.DataFrame, codes: pd.DataFrame, layers: AreaLayers) -> tuple[pd.DataFrame, np.ndarray]:
    """`placed` (one column per level) with a lookup's codes laid over it row for row, where the
    lookup gives a code of that level's layer (its vintage may differ from the boundaries');
    also which rows took any lookup code."""
    out = placed.copy()
    took = np.zeros(len(out), dtype=bool)
    for level in layers.levels:
        if level in codes.columns:
            given = codes[level].isin(layers.layer(level)["code"]).to_numpy()
            out[level] = np.where(given, codes[level].to_numpy(dtype=object), out[level].to_numpy(dtype=object))
            took |= given
    return out, took
