"""Properties of the balanced k-d partition behind synthetic areas and postcode sectors."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from geolink.synth.partition import kd_partition

BBOX = (0.0, 0.0, 1_000.0, 600.0)


@st.composite
def weighted_points(draw):
    n = draw(st.integers(1, 300))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Coordinates on a coarse grid so that ties (flats sharing a point) are common.
    x = rng.integers(1, 999, n).astype(float)
    y = rng.integers(1, 599, n).astype(float)
    w = rng.integers(0, 3, n).astype(float)
    target = draw(st.floats(1.0, 80.0))
    return x, y, w, target


@given(weighted_points())
@settings(max_examples=200, deadline=None)
def test_every_point_lies_strictly_inside_its_piece(case):
    x, y, w, target = case
    labels, rects = kd_partition(x, y, w, target, BBOX)
    r = np.array(rects)[labels]
    assert ((r[:, 0] < x) & (x < r[:, 2]) & (r[:, 1] < y) & (y < r[:, 3])).all()


@given(weighted_points())
@settings(max_examples=200, deadline=None)
def test_pieces_tile_the_box(case):
    x, y, w, target = case
    _, rects = kd_partition(x, y, w, target, BBOX)
    r = np.array(rects)
    area = ((r[:, 2] - r[:, 0]) * (r[:, 3] - r[:, 1])).sum()
    assert np.isclose(area, (BBOX[2] - BBOX[0]) * (BBOX[3] - BBOX[1]))
    assert len(rects) <= max(1, round(w.sum() / target))


def test_pieces_are_balanced_when_points_are_distinct():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 1_000, 10_000), rng.uniform(0, 600, 10_000)
    labels, rects = kd_partition(x, y, np.ones(10_000), 125.0, BBOX)
    sizes = np.bincount(labels)
    assert len(rects) == 80
    assert sizes.min() >= 120 and sizes.max() <= 130
