"""The release gate attacks a candidate table: each attack on a leaky table must be caught."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geolink.disclosure import CellSpace, Policy, protect
from geolink.disclosure.gate import MeasureTruth, check_release

POLICY = Policy(min_cohort=0)


@pytest.fixture
def town():
    """OAs A..F in LSOAs L1 (A, B, C) and L2 (D, E, F), one LAD; ward W2 takes 4 households of C."""
    atoms = pd.DataFrame([
        {"oa": "A", "lsoa": "L1", "lad": "Z", "ward": "W1"}, {"oa": "B", "lsoa": "L1", "lad": "Z", "ward": "W1"},
        {"oa": "C", "lsoa": "L1", "lad": "Z", "ward": "W1"}, {"oa": "C", "lsoa": "L1", "lad": "Z", "ward": "W2"},
        {"oa": "D", "lsoa": "L2", "lad": "Z", "ward": "W2"}, {"oa": "E", "lsoa": "L2", "lad": "Z", "ward": "W2"},
        {"oa": "F", "lsoa": "L2", "lad": "Z", "ward": "W2"},
    ])
    areas = pd.concat([pd.DataFrame({"level": lv, "code": atoms[lv].unique()})
                       for lv in ("oa", "lsoa", "lad", "ward")], ignore_index=True)
    areas["name"] = "Area " + areas["code"]
    counts = np.array([3, 25, 20, 4, 30, 15, 40])
    return CellSpace.build(atoms, areas), counts, areas


def table(space: CellSpace, values, areas: pd.DataFrame, measure: str = "m") -> pd.DataFrame:
    """A release table with the given published values (None = suppressed)."""
    names = areas.set_index(["level", "code"])["name"]
    shown = pd.array(values, dtype="Int64")
    rate = np.where(pd.isna(shown), np.nan, 1.0)
    return pd.DataFrame({
        "level": space.cells["level"], "area_code": space.cells["code"],
        "area_name": names.reindex(pd.MultiIndex.from_frame(space.cells[["level", "code"]])).to_numpy(),
        "measure": measure, "value": shown, "flag": np.where(pd.isna(shown), "hidden", None),
        "denominator": 100, "rate": rate, "rate_low": rate, "rate_high": rate,
        "comparison": np.where(pd.isna(shown), None, "within"),
    })


def checks(findings) -> set[str]:
    return {f.check for f in findings}


def truths(space, counts, previous=None):
    return {"m": MeasureTruth(space, counts, previous)}


def test_a_protected_table_passes(town):
    space, counts, areas = town
    result = protect(space, counts, None, POLICY)
    findings = check_release(table(space, result.cells["value"], areas), areas, POLICY, truths(space, counts))
    assert findings == []


def test_a_published_small_cell_is_caught(town):
    space, counts, areas = town
    values = [v if v % 5 == 0 else None for v in space.totals(counts)]
    values[0] = 3  # OA A
    assert "small cell" in checks(check_release(table(space, values, areas), areas, POLICY, truths(space, counts)))


def test_recomputing_a_hidden_cell_from_its_parent_and_siblings_is_caught(town):
    space, counts, areas = town
    totals = space.totals(counts)
    values = [None if code == "A" else int(v) for code, v in zip(space.cells["code"], totals)]
    values = [v if v is None or v % 5 == 0 else 5 * round(v / 5) for v in values]
    found = check_release(table(space, values, areas), areas, Policy(min_cohort=0, method="none"), truths(space, counts))
    assert "recomputation" in checks(found)
    assert any("oa A" in f.detail for f in found)


def test_differencing_a_ward_against_the_oas_inside_it_is_caught(town):
    space, counts, areas = town
    totals = space.totals(counts)
    # every cell is 10 or more except OA A (hidden with a sibling); W2 minus D, E, F isolates C's 4
    hide = {"A", "B"}
    values = [None if code in hide else int(v) for code, v in zip(space.cells["code"], totals)]
    found = check_release(table(space, values, areas), areas, Policy(min_cohort=0, method="none"), truths(space, counts))
    assert "differencing" in checks(found)
    assert any("oa C" in f.detail and "ward W2" in f.detail for f in found)


def test_two_releases_differenced_over_time_are_caught(town):
    space, counts, areas = town
    first = protect(space, counts, None, Policy(min_cohort=0, method="none"))
    previous = first.cells["true_value"].astype(float).to_numpy()
    later = counts.copy()
    later[4] += 2  # two households join OA D
    naive = protect(space, later, None, Policy(min_cohort=0, method="none"))  # ignores the first release
    found = check_release(table(space, naive.cells["value"], areas), areas, Policy(min_cohort=0, method="none"),
                          truths(space, later, previous))
    assert "differencing over time" in checks(found)
    guarded = protect(space, later, None, Policy(min_cohort=0, method="none"), previous=previous)
    assert check_release(table(space, guarded.cells["value"], areas), areas, Policy(min_cohort=0, method="none"),
                         truths(space, later, previous)) == []


def test_a_smuggled_uprn_column_is_caught(town):
    space, counts, areas = town
    result = protect(space, counts, None, POLICY)
    leaky = table(space, result.cells["value"], areas).assign(uprn=100023336956)
    found = check_release(leaky, areas, POLICY, truths(space, counts))
    assert "smuggled column" in checks(found) and "uprn" in found[0].detail


@pytest.mark.parametrize("column,value", [("area_code", "100023336956"), ("area_name", "HR-000123"),
                                          ("measure", "record_HR-000123")])
def test_identifiers_smuggled_into_values_are_caught(town, column, value):
    space, counts, areas = town
    result = protect(space, counts, None, POLICY)
    leaky = table(space, result.cells["value"], areas)
    leaky.loc[0, column] = value
    assert "smuggled value" in checks(check_release(leaky, areas, POLICY, truths(space, counts)))


def test_a_rate_shown_for_a_hidden_count_is_caught(town):
    space, counts, areas = town
    result = protect(space, counts, None, POLICY)
    leaky = table(space, result.cells["value"], areas)
    hidden = leaky["value"].isna()
    leaky.loc[hidden, "rate"] = 30.0
    assert "derived value" in checks(check_release(leaky, areas, POLICY, truths(space, counts)))


def test_a_measure_under_the_cohort_may_not_be_published(town):
    space, counts, areas = town
    result = protect(space, counts, None, POLICY)
    found = check_release(table(space, result.cells["value"], areas), areas, Policy(min_cohort=1_000),
                          truths(space, counts))
    assert "cohort" in checks(found)
