"""Data sharing agreements: parsing with every problem named, and the rules built on them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, strategies as st

from geolink.errors import GeolinkError
from geolink.governance.agreement import agreement_from_dict, release_problems, strictest_cell_size

BASE = {"id": "a-1", "parties": ["Council A", "Council B"], "purpose": "planning", "lawful_basis": "public task",
        "datasets": ["repairs"], "retention_days": 30}


def test_a_complete_agreement_parses_with_defaults():
    a = agreement_from_dict(BASE)
    assert a.datasets == ("repairs",) and a.min_cell_size == 10
    assert a.geography_levels == ("oa", "lsoa", "msoa", "ward", "lad")
    assert a.covers("repairs") and not a.covers("other")


def test_every_problem_is_named_at_once():
    with pytest.raises(GeolinkError) as err:
        agreement_from_dict({"id": "bad id!", "parties": "x", "datasets": [], "min_cell_size": 0,
                             "outputs": ["pdf"], "colour": "red", "identifiers": {"nhs": "blood type"}})
    message = str(err.value)
    for expected in ("unknown setting 'colour'", "'purpose' is required", "'lawful_basis' is required",
                     "'datasets' is required", "retention_days", "id 'bad id!'", "min_cell_size",
                     "'pdf' is not one of", "kind 'blood type'"):
        assert expected in message, expected


def test_retention_takes_the_earlier_of_days_and_a_fixed_end():
    a = agreement_from_dict({**BASE, "retention_days": 30, "retain_until": "2026-12-01"})
    assert a.retention_ends(date(2026, 11, 1)) == date(2026, 12, 1)
    assert a.retention_ends(date(2026, 10, 1)) == date(2026, 10, 31)


def test_an_agreement_is_in_force_only_inside_its_dates():
    a = agreement_from_dict({**BASE, "valid_from": "2026-01-01", "valid_until": "2026-12-31"})
    assert a.in_force(date(2026, 6, 1))
    assert not a.in_force(date(2025, 12, 31)) and not a.in_force(date(2027, 1, 1))


def test_a_release_outside_the_agreed_levels_or_outputs_is_named():
    a = agreement_from_dict({**BASE, "geography_levels": ["lsoa", "msoa"], "outputs": ["csv"]})
    assert release_problems([a], ["lsoa"], ["csv"]) == []
    problems = release_problems([a], ["oa", "lsoa"], ["csv", "gpkg"])
    assert any("level(s) oa" in p for p in problems) and any("output(s) gpkg" in p for p in problems)


@given(st.integers(1, 100), st.lists(st.integers(1, 100), max_size=4))
def test_the_strictest_threshold_wins(policy_k, sizes):
    agreements = [agreement_from_dict({**BASE, "id": f"a{i}", "min_cell_size": s}) for i, s in enumerate(sizes)]
    k = strictest_cell_size(agreements, policy_k)
    assert k >= policy_k and all(k >= s for s in sizes) and k in [policy_k, *sizes]


def test_an_agreement_round_trips_through_its_plain_form():
    a = agreement_from_dict({**BASE, "retain_until": "2027-01-31", "identifiers": {"client": "name"}})
    assert agreement_from_dict(a.as_dict()) == a
