"""Rounding, cell-key perturbation and geometric noise never publish a count in 1..k-1."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geolink.disclosure.perturb import (KEY_RANGE, geometric_noise, perturb_counts, ptable, record_keys,
                                        round_counts)

counts = st.lists(st.integers(0, 5_000), min_size=1, max_size=50)


@given(counts, st.integers(1, 30), st.sampled_from([1, 3, 5, 10]))
def test_rounding_lands_on_the_base_and_never_below_k(values, k, base):
    values = np.array([v for v in values if v == 0 or v >= k] or [0])
    rounded = round_counts(values, base, k)
    assert np.all(rounded % base == 0)
    assert not np.any((rounded >= 1) & (rounded < k))
    assert np.all(np.abs(rounded - values) <= max(base, k))


def test_rounding_examples():
    assert round_counts(np.array([0, 10, 12, 13, 17, 18, 102]), 5, 10).tolist() == [0, 10, 10, 15, 15, 20, 100]
    assert round_counts(np.array([7]), 5, 7).tolist() == [10]  # 5 would fall under k


@pytest.mark.parametrize("k,d,p0", [(10, 2, 0.5), (10, 0, 1.0), (5, 3, 0.4), (1, 2, 0.6)])
def test_ptable_rows_fill_256_keys_symmetrically_and_never_cross_k(k, d, p0):
    table = ptable(k, d, p0)
    for count, rows in table.groupby("count"):
        widths = rows["key_high"] - rows["key_low"]
        assert widths.sum() == KEY_RANGE and rows["key_low"].min() == 0
        assert (rows["offset"] * widths).sum() == 0, "perturbation must be unbiased"
        assert (count + rows["offset"]).min() >= k
        assert rows["offset"].abs().max() <= d


@given(counts, st.lists(st.integers(0, 255), min_size=50, max_size=50))
def test_cell_key_perturbation_stays_within_limits(values, keys):
    values = np.array([v for v in values if v == 0 or v >= 10] or [0])
    keys = np.array(keys[:len(values)])
    out = perturb_counts(values, keys, ptable(10, 2, 0.5))
    assert not np.any((out >= 1) & (out < 10))
    assert np.all(np.abs(out - values) <= 2)
    assert np.all(out[values == 0] == 0)
    assert np.array_equal(out, perturb_counts(values, keys, ptable(10, 2, 0.5)))


def test_record_keys_are_stable_per_secret_and_differ_between_secrets():
    units = [f"{i}" for i in range(2_000)]
    a = record_keys(units, b"one secret")
    assert np.array_equal(a, record_keys(units, b"one secret"))
    assert (a != record_keys(units, b"another secret")).mean() > 0.9
    assert a.min() >= 0 and a.max() < KEY_RANGE and len(np.unique(a)) > 200


def test_cell_keys_make_the_same_cell_perturb_the_same_way_in_any_table():
    table = ptable(10, 2, 0.5)
    values = np.array([40, 40, 40, 40])
    keys = np.array([3, 3, 200, 200])
    out = perturb_counts(values, keys, table)
    assert out[0] == out[1] and out[2] == out[3]


@given(st.lists(st.integers(0, 300), min_size=1, max_size=40), st.floats(0.1, 5.0), st.integers(0, 2**32 - 1))
def test_geometric_noise_never_publishes_a_small_count(values, epsilon, seed):
    values = np.array([v for v in values if v == 0 or v >= 10] or [0])
    out = geometric_noise(values, epsilon, 10, np.random.default_rng(seed))
    assert not np.any((out >= 1) & (out < 10))
    assert np.all(out >= 0)


def test_geometric_noise_scale_follows_epsilon():
    values = np.full(20_000, 500)
    rng = np.random.default_rng(1)
    tight = geometric_noise(values, 2.0, 10, rng) - values
    loose = geometric_noise(values, 0.2, 10, rng) - values
    assert abs(tight.mean()) < 0.1 and abs(loose.mean()) < 0.3
    # variance of the two-sided geometric: 2 e^-eps / (1 - e^-eps)^2
    for noise, eps in ((tight, 2.0), (loose, 0.2)):
        expected = 2 * np.exp(-eps) / (1 - np.exp(-eps)) ** 2
        assert noise.var() == pytest.approx(expected, rel=0.1)
