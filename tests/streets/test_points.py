"""Nearest address and street to points, and the cross-check of matches against points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geolink.geography import frame_points
from geolink.streets.points import nearest_lines, nearest_points

# Grid coordinates in metres, to the millimetre as surveys give them: GEOS finds no
# nearest line for a segment a few 1e-300 m long.
metres = st.floats(0, 1000).map(lambda v: round(v, 3))
coords = st.lists(st.tuples(metres, metres), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(coords, coords, st.floats(1, 500))
def test_nearest_point_agrees_with_brute_force(points, reference, tolerance):
    x, y = np.array(points).T
    rx, ry = np.array(reference).T
    index, distance = nearest_points(x, y, rx, ry, tolerance)
    d = np.hypot(x[:, None] - rx[None, :], y[:, None] - ry[None, :])
    best = d.min(axis=1)
    within = best <= tolerance
    assert np.array_equal(index >= 0, within)
    assert np.allclose(distance[within], best[within])


@settings(max_examples=40, deadline=None)
@given(coords, st.lists(st.tuples(metres, metres, metres, metres), min_size=1, max_size=15))
def test_nearest_line_agrees_with_brute_force(points, segments):
    x, y = np.array(points).T
    lines = np.array([shapely.LineString([(a, b), (c, d)]) for a, b, c, d in segments])
    index, distance = nearest_lines(x, y, lines, 2000)
    brute = shapely.distance(shapely.points(x, y)[:, None], lines[None, :]).min(axis=1)
    assert (index >= 0).all() and np.allclose(distance, brute)


def test_points_come_from_easting_northing_or_latitude_longitude():
    frame = pd.DataFrame({"e": ["292100", "", "x"], "n": ["92500", "1", "2"],
                          "lat": ["50.7224", "95", ""], "lon": ["-3.5300", "0", ""]})
    x, y = frame_points(frame, x_column="e", y_column="n")
    assert x[0] == 292100 and np.isnan(x[1]) and np.isnan(x[2])
    x, y = frame_points(frame, lat_column="lat", lon_column="lon")
    assert abs(x[0] - 292_100) < 300 and abs(y[0] - 92_500) < 300
    assert np.isnan(x[1]) and np.isnan(x[2]), "a latitude of 95 is not a place"
    assert frame_points(frame) is None
