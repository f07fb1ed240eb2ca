"""Balanced k-d partition of weighted points into nested rectangles.

Used for the ONS-like hierarchy (MSOA -> LSOA -> OA) and for postcode districts and
sectors: each split cuts the longer side of a rectangle between two distinct point
coordinates at the weight quantile, so pieces tile their parent exactly, no point
lies on a cut, and every piece holds about `target` weight.
"""

from __future__ import annotations

import numpy as np

Rect = tuple[float, float, float, float]  # xmin, ymin, xmax, ymax


def kd_partition(
    x: np.ndarray, y: np.ndarray, weight: np.ndarray, target: float, bbox: Rect
) -> tuple[np.ndarray, list[Rect]]:
    """Split `bbox` into round(total weight / target) rectangles of about equal weight.

    Returns the piece index of every point and the rectangle of every piece.
    """
    labels = np.zeros(len(x), dtype=np.int64)
    rects: list[Rect] = []
    k = max(1, int(round(float(weight.sum()) / target)))
    _split(np.arange(len(x)), x, y, weight.astype(float), k, bbox, labels, rects)
    return labels, rects


def _split(idx, x, y, w, k, rect, labels, rects) -> None:
    if k == 1 or len(idx) < 2:
        labels[idx] = len(rects)
        rects.append(rect)
        return
    xmin, ymin, xmax, ymax = rect
    along_x = (xmax - xmin) >= (ymax - ymin)
    coord = x[idx] if along_x else y[idx]
    order = np.argsort(coord, kind="stable")
    coord, idx = coord[order], idx[order]
    cum = np.cumsum(w[idx])
    k_low = k // 2
    goal = cum[-1] * k_low / k
    cut_at = _cut_index(coord, cum, goal)
    if cut_at is None:  # all points share one coordinate: cannot split further
        labels[idx] = len(rects)
        rects.append(rect)
        return
    cut = (coord[cut_at - 1] + coord[cut_at]) / 2
    low_rect = (xmin, ymin, cut, ymax) if along_x else (xmin, ymin, xmax, cut)
    high_rect = (cut, ymin, xmax, ymax) if along_x else (xmin, cut, xmax, ymax)
    _split(idx[:cut_at], x, y, w, k_low, low_rect, labels, rects)
    _split(idx[cut_at:], x, y, w, k - k_low, high_rect, labels, rects)


def _cut_index(coord: np.ndarray, cum: np.ndarray, goal: float) -> int | None:
    """Index i such that points [:i] go low; i sits where the coordinate changes."""
    change = np.flatnonzero(coord[1:] > coord[:-1]) + 1  # valid cut positions
    if len(change) == 0:
        return None
    before = cum[change - 1]
    return int(change[np.argmin(np.abs(before - goal))])
