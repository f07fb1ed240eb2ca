"""ONS-like statistical areas: OA -> LSOA -> MSOA nest and tile the town; wards do not.

Sizes follow ONS design rules in households (residential addresses): OA 40-250,
LSOA 400-1,200, MSOA 2,000-6,000. Wards are Voronoi cells of random seeds, so their
boundaries cut across LSOAs as real electoral wards often do.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .partition import Rect, kd_partition

CRS = "EPSG:27700"
TARGET_HOUSEHOLDS = {"msoa": 3_500, "lsoa": 700, "oa": 125}
WARD_HOUSEHOLDS = 4_500
LAD_CODE = "E06000999"
CODE_PREFIX = {"oa": "E00", "lsoa": "E01", "msoa": "E02", "ward": "E05"}
CODE_BASE = 900_001


def make_areas(
    x: np.ndarray, y: np.ndarray, households: np.ndarray, bbox: Rect, town: str,
    ward_names: list[str], rng: np.random.Generator,
) -> dict[str, gpd.GeoDataFrame]:
    """Build the area layers (oa, lsoa, msoa, ward, lad) for the given address points."""
    w = households.astype(float)
    msoa, msoa_rects = kd_partition(x, y, w, TARGET_HOUSEHOLDS["msoa"], bbox)
    lsoa = np.empty(len(x), dtype=np.int64)
    oa = np.empty(len(x), dtype=np.int64)
    lsoa_rects: list[Rect] = []
    oa_rects: list[Rect] = []
    lsoa_parent: list[int] = []
    oa_parent: list[int] = []
    for m, rect in enumerate(msoa_rects):
        idx = np.flatnonzero(msoa == m)
        sub, rects = kd_partition(x[idx], y[idx], w[idx], TARGET_HOUSEHOLDS["lsoa"], rect)
        lsoa[idx] = sub + len(lsoa_rects)
        lsoa_parent += [m] * len(rects)
        lsoa_rects += rects
    for lo, rect in enumerate(lsoa_rects):
        idx = np.flatnonzero(lsoa == lo)
        sub, rects = kd_partition(x[idx], y[idx], w[idx], TARGET_HOUSEHOLDS["oa"], rect)
        oa[idx] = sub + len(oa_rects)
        oa_parent += [lo] * len(rects)
        oa_rects += rects

    msoa_codes, msoa_names = _codes_and_names("msoa", msoa_rects, town)
    lsoa_codes, lsoa_names = _lsoa_codes(lsoa_rects, lsoa_parent, msoa_names)
    oa_codes = _codes("oa", len(oa_rects))
    lsoa_parent_a = np.array(lsoa_parent)
    oa_parent_a = np.array(oa_parent)

    layers = {
        "oa": _layer(oa_rects, oa_codes, oa_codes, np.bincount(oa, w, len(oa_rects)), {
            "lsoa_code": np.array(lsoa_codes)[oa_parent_a],
            "msoa_code": np.array(msoa_codes)[lsoa_parent_a[oa_parent_a]],
        }),
        "lsoa": _layer(lsoa_rects, lsoa_codes, lsoa_names, np.bincount(lsoa, w, len(lsoa_rects)), {
            "msoa_code": np.array(msoa_codes)[lsoa_parent_a],
        }),
        "msoa": _layer(msoa_rects, msoa_codes, msoa_names, np.bincount(msoa, w, len(msoa_rects)), {}),
    }
    layers["ward"] = _wards(x, y, w, bbox, ward_names, rng)
    layers["lad"] = _layer([bbox], [LAD_CODE], [town.title()], np.array([w.sum()]), {})
    for level in ("oa", "lsoa", "msoa", "ward"):
        layers[level]["lad_code"] = LAD_CODE
    return layers


def _layer(rects, codes, names, households, parents) -> gpd.GeoDataFrame:
    data = {"code": list(codes), "name": list(names), **parents,
            "households": np.round(households).astype(np.int64)}
    geometry = shapely.box(*np.array(rects, dtype=float).T)
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=geometry, crs=CRS)


def _codes(level: str, n: int) -> list[str]:
    return [f"{CODE_PREFIX[level]}{CODE_BASE + i:06d}" for i in range(n)]


def _north_to_south(rects: list[Rect]) -> np.ndarray:
    r = np.array(rects, dtype=float)
    cy, cx = (r[:, 1] + r[:, 3]) / 2, (r[:, 0] + r[:, 2]) / 2
    return np.lexsort((cx, -cy))


def _codes_and_names(level: str, rects: list[Rect], town: str):
    """ONS numbers MSOAs roughly north to south within the district: 'Exbridge 001'."""
    rank = np.empty(len(rects), dtype=np.int64)
    rank[_north_to_south(rects)] = np.arange(len(rects))
    codes = _codes(level, len(rects))
    names = [f"{town.title()} {r + 1:03d}" for r in rank]
    return codes, names


def _lsoa_codes(rects, parent, msoa_names):
    """LSOA names are their MSOA's name plus a letter, north to south: 'Exbridge 001A'."""
    used: dict[int, int] = {}
    letter_of: dict[int, int] = {}
    for i in _north_to_south(rects):
        letter_of[i] = used.get(parent[i], 0)
        used[parent[i]] = letter_of[i] + 1
    names = [f"{msoa_names[parent[i]]}{_letter(letter_of[i])}" for i in range(len(rects))]
    return _codes("lsoa", len(rects)), names


def _letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else chr(ord("A") + i // 26 - 1) + chr(ord("A") + i % 26)


def _wards(x, y, w, bbox: Rect, ward_names: list[str], rng) -> gpd.GeoDataFrame:
    n = max(2, int(round(w.sum() / WARD_HOUSEHOLDS)))
    # Seeds on households keep wards where people live, with no empty ward.
    homes = np.flatnonzero(w > 0) if (w > 0).sum() >= n else np.arange(len(x))
    pick = rng.choice(homes, n, replace=False)
    seeds = np.column_stack([x[pick], y[pick]]) + rng.uniform(-5, 5, (n, 2))
    frame = shapely.box(*bbox)
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True)
    polygons = shapely.intersection(np.asarray(shapely.get_parts(cells)), frame)
    label = _nearest(x, y, seeds)
    households = np.bincount(label, w, n)
    codes = _codes("ward", n)
    gdf = gpd.GeoDataFrame(
        pd.DataFrame({"code": codes, "name": ward_names[:n],
                      "households": np.round(households).astype(np.int64)}),
        geometry=polygons, crs=CRS,
    )
    return gdf


def _nearest(x: np.ndarray, y: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    out = np.empty(len(x), dtype=np.int64)
    for s in range(0, len(x), 20_000):
        d = (x[s:s + 20_000, None] - seeds[None, :, 0]) ** 2 + (y[s:s + 20_000, None] - seeds[None, :, 1]) ** 2
        out[s:s + 20_000] = d.argmin(axis=1)
    return out
