"""Measure specs, their SQL, and the rate statistics."""

from __future__ import annotations

import numpy as np
import pytest

from geolink.errors import GeolinkError
from geolink.measures import measures_from_dict, unit_sql
from geolink.measures.stats import compare_to_whole, poisson_exact, rates, wilson


def test_a_spec_parses_into_measures():
    parsed = measures_from_dict({"measures": {
        "both": {"datasets": ["a", "b"], "count": "households", "description": "known to both"},
        "jobs": {"dataset": "a", "count": "records", "where": "priority = 'emergency'"},
    }})
    assert [m.name for m in parsed] == ["both", "jobs"]
    assert "INTERSECT" in unit_sql(parsed[0]) and "linked_b" in unit_sql(parsed[0])
    assert "priority = 'emergency'" in unit_sql(parsed[1])


@pytest.mark.parametrize("spec,message", [
    ({}, "measures:"),
    ({"measures": {"Bad Name": {"dataset": "a"}}}, "lower case"),
    ({"measures": {"m": {"dataset": "a", "count": "people"}}}, "households or records"),
    ({"measures": {"m": {"count": "records"}}}, "either dataset"),
    ({"measures": {"m": {"dataset": "a", "colour": "red"}}}, "unknown key"),
    ({"measures": {"m": {"datasets": ["a", "b"], "count": "records"}}}, "cannot be joined"),
])
def test_bad_specs_say_what_is_wrong(spec, message):
    with pytest.raises(GeolinkError, match=message):
        measures_from_dict(spec)


def test_wilson_interval_matches_a_textbook_value():
    low, high = wilson(np.array([81]), np.array([263]))  # Newcombe (1998): 0.2553 to 0.3662
    assert low[0] == pytest.approx(0.2553, abs=1e-4) and high[0] == pytest.approx(0.3662, abs=1e-4)


def test_exact_poisson_interval_matches_known_values():
    low, high = poisson_exact(np.array([0, 10]))
    assert low[0] == 0 and high[0] == pytest.approx(3.689, abs=1e-3)
    assert low[1] == pytest.approx(4.795, abs=1e-3) and high[1] == pytest.approx(18.390, abs=1e-3)


def test_rates_are_per_thousand_and_blank_without_households():
    rate, low, high = rates(np.array([50.0, np.nan, 5.0]), np.array([500, 400, 0]), "households")
    assert rate[0] == 100 and low[0] < 100 < high[0]
    assert np.isnan(rate[1]) and np.isnan(low[1]) and np.isnan(rate[2])


def test_funnel_comparison_flags_outliers_both_ways():
    out = compare_to_whole(np.array([100.0, 300.0, 20.0, np.nan]), 100.0, np.array([500, 500, 500, 500]), "households")
    assert out.tolist() == ["within", "above 99.8%", "below 99.8%", None]
