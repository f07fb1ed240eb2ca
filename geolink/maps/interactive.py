"""The interactive HTML map: one self-contained file, Leaflet inlined, works offline.

Hover an area for its name, count and rate with interval; switch level and measure;
optionally lay it over a tile basemap whose URL the user supplies (none by default, so
nothing is fetched from the internet). Served by `geolink serve`, a click opens the
area's profile.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .release_data import ReleaseData
from .static import COLOURS, class_breaks

FIELDS = ("value", "rate", "rate_low", "rate_high", "flag", "comparison")


def map_data(release: ReleaseData, scheme: str = "quantiles", classes: int = 5) -> dict:
    """Everything the page draws: per level a GeoJSON in WGS84, per level and measure the breaks."""
    frame = release.aggregates.to_crs(4326)
    levels, breaks = {}, {}
    for level in release.levels:
        rows = frame[frame["level"] == level]
        shapes = rows.drop_duplicates("area_code").set_index("area_code")
        features = []
        for code, area in shapes.iterrows():
            mine = rows[rows["area_code"] == code].set_index("measure")
            features.append({
                "type": "Feature",
                "geometry": json.loads(_geojson(area.geometry)),
                "properties": {"code": code, "name": area["area_name"], "households": int(area["denominator"]),
                               "m": {m: [_plain(mine.at[m, f]) for f in FIELDS] for m in mine.index}},
            })
        levels[level] = {"type": "FeatureCollection", "features": features}
        breaks[level] = {m: class_breaks(rows[rows["measure"] == m]["rate"].to_numpy(float), scheme, classes)
                         for m in release.measures}
    return {"levels": levels, "breaks": breaks, "colours": COLOURS,
            "measures": {m: {"description": release.describe(m), "unit": release.unit(m)} for m in release.measures},
            "policy": release.policy_note(), "created": str(release.manifest.get("created", ""))}


def _geojson(geometry) -> str:
    import shapely

    return shapely.to_geojson(shapely.set_precision(geometry, 1e-6))


def _plain(x):
    if x is None or x is pd.NA or (isinstance(x, float) and np.isnan(x)):
        return None
    if hasattr(x, "item"):
        return x.item()
    return x


def map_page(release: ReleaseData, *, scheme: str = "quantiles", classes: int = 5, tile_url: str | None = None,
             served: bool = False, level: str = "lsoa", measure: str | None = None) -> str:
    """The HTML of the map page, with Leaflet and the data inlined."""
    leaflet = resources.files("geolink.maps") / "static" / "leaflet"
    template = (resources.files("geolink.maps") / "static" / "map.html").read_text()
    settings = {"tileUrl": tile_url, "served": served,
                "level": level if level in release.levels else release.levels[0],
                "measure": measure if measure in release.measures else release.measures[0]}
    data = json.dumps(map_data(release, scheme, classes), separators=(",", ":")).replace("</", "<\\/")
    return (template.replace("/*LEAFLET_CSS*/", (leaflet / "leaflet.css").read_text())
            .replace("/*LEAFLET_JS*/", (leaflet / "leaflet.js").read_text())
            .replace("/*DATA*/null", data)
            .replace("/*SETTINGS*/null", json.dumps(settings)))


def write_map_page(release: ReleaseData, out: Path, **options) -> Path:
    out = Path(out)
    out.write_text(map_page(release, **options), encoding="utf-8")
    return out
