"""Nearest address and nearest street to points, vectorised (KD-tree for points, STRtree for lines)."""

from __future__ import annotations

import numpy as np
import shapely

DEFAULT_TOLERANCE_M = 25.0


def nearest_points(x: np.ndarray, y: np.ndarray, ref_x: np.ndarray, ref_y: np.ndarray,
                   max_distance: float) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest reference point within `max_distance` (-1 if none) and its distance."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    index = np.full(len(x), -1, dtype=np.int64)
    distance = np.full(len(x), np.nan)
    valid = np.isfinite(x) & np.isfinite(y)
    ref_ok = np.flatnonzero(np.isfinite(ref_x) & np.isfinite(ref_y))
    if not valid.any() or not len(ref_ok):
        return index, distance
    from scipy.spatial import cKDTree  # imported here: 0.3 s of start-up that only point linkage needs

    tree = cKDTree(np.column_stack([np.asarray(ref_x, float)[ref_ok], np.asarray(ref_y, float)[ref_ok]]))
    within = np.nextafter(max_distance, np.inf)  # the tolerance itself counts as near
    d, i = tree.query(np.column_stack([x[valid], y[valid]]), distance_upper_bound=within, workers=-1)
    found = np.isfinite(d)
    rows = np.flatnonzero(valid)[found]
    index[rows] = ref_ok[i[found]]
    distance[rows] = d[found]
    return index, distance


def nearest_lines(x: np.ndarray, y: np.ndarray, lines: np.ndarray, max_distance: float) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest line within `max_distance` (-1 if none) and its distance."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    index = np.full(len(x), -1, dtype=np.int64)
    distance = np.full(len(x), np.nan)
    valid = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if not len(valid) or not len(lines):
        return index, distance
    tree = shapely.STRtree(lines)
    points = shapely.points(x[valid], y[valid])
    (point_i, line_i), d = tree.query_nearest(points, max_distance=max_distance, return_distance=True,
                                              all_matches=False)
    index[valid[point_i]] = line_i
    distance[valid[point_i]] = d
    return index, distance


def distance_to_lines(x: np.ndarray, y: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """Distance from each point to its own line (NaN where either is missing)."""
    points = shapely.points(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(shapely.distance(points, lines), float)

