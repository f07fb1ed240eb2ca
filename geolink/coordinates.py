"""Record coordinates as British National Grid points, from easting/northing or WGS84 columns.

Kept apart from `geolink.geography` (polygons, GeoPandas): matching reads coordinates on
every run, and should not pay for the polygon stack's imports when it has none.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

COORDINATE_COLUMNS = ("x_column", "y_column", "lat_column", "lon_column")


@cache
def _wgs84_to_bng():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude/latitude to British National Grid easting/northing (metres)."""
    return _wgs84_to_bng().transform(np.asarray(lon, float), np.asarray(lat, float))


def frame_points(frame: pd.DataFrame, *, x_column: str | None = None, y_column: str | None = None,
                 lat_column: str | None = None, lon_column: str | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """The rows' points in British National Grid, from easting/northing or latitude/longitude
    columns (None when neither pair is named; blanks and non-numbers become NaN)."""
    def numbers(column: str) -> np.ndarray:
        return pd.to_numeric(frame[column], errors="coerce").to_numpy(float)

    if x_column and y_column:
        return numbers(x_column), numbers(y_column)
    if lat_column and lon_column:
        lat, lon = numbers(lat_column), numbers(lon_column)
        plausible = (lat > 49) & (lat < 61) & (lon > -9) & (lon < 3)  # Great Britain and around
        x, y = (np.asarray(v, float) for v in to_bng(np.where(plausible, lon, np.nan), np.where(plausible, lat, np.nan)))
        return np.where(np.isfinite(x), x, np.nan), np.where(np.isfinite(y), y, np.nan)
    return None
