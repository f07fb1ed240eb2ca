"""Measures: what is counted per area, declared in a small YAML spec or as SQL.

    measures:
      cts_households:
        description: Households claiming council tax support
        dataset: council_tax_support        # or datasets: [a, b] = households known to all
        count: households                   # distinct UPRNs; or records
        where: "claim_status = 'live'"      # optional, over the dataset's own columns
      custom_measure:
        count: households
        sql: SELECT uprn FROM linked_housing_repairs WHERE priority = 'emergency'

A households measure counts each UPRN once however many records it has; a records
measure counts records, also those placed by their own coordinates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geolink.errors import GeolinkError

UNITS = ("households", "records")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


@dataclass(frozen=True)
class Measure:
    """One measure: its name, what it counts, and where the units come from."""

    name: str
    count: str
    datasets: tuple[str, ...] = ()
    where: str | None = None
    sql: str | None = None
    description: str = ""


def measures_from_dict(spec: dict) -> list[Measure]:
    """Parse and check a measures spec (the YAML above); errors name the measure and the problem."""
    if not isinstance(spec, dict) or not isinstance(spec.get("measures"), dict) or not spec["measures"]:
        raise GeolinkError("a measures spec needs a 'measures:' mapping with at least one measure")
    parsed = []
    for name, body in spec["measures"].items():
        body = body or {}
        where = f"measure {name!r}"
        if not NAME.match(str(name)):
            raise GeolinkError(f"{where}: names are lower case letters, digits and _ (at most 48), starting with a letter")
        unknown = set(body) - {"description", "dataset", "datasets", "count", "where", "sql"}
        if unknown:
            raise GeolinkError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        count = body.get("count", "households")
        if count not in UNITS:
            raise GeolinkError(f"{where}: count must be households or records, not {count!r}")
        datasets = tuple(body.get("datasets") or ([body["dataset"]] if body.get("dataset") else []))
        if bool(datasets) == bool(body.get("sql")):
            raise GeolinkError(f"{where}: give either dataset(s) or sql")
        if len(datasets) > 1 and count == "records":
            raise GeolinkError(f"{where}: records of several datasets cannot be joined; count households")
        if body.get("sql") and body.get("where"):
            raise GeolinkError(f"{where}: put the condition inside its sql")
        parsed.append(Measure(str(name), count, datasets, body.get("where"), body.get("sql"),
                              str(body.get("description", ""))))
    return parsed


def unit_sql(measure: Measure) -> str:
    """SQL giving the measure's units, one row each: `unit` (a UPRN or dataset:record_id)
    and the record's or household's `atom` (its combination of area codes).

    Reads the views `linked_<dataset>` (records with their placement) and `uprn_area`; the
    same SQL runs in DuckDB and in Spark SQL."""
    if measure.count == "households":
        if measure.sql:
            inner = f"SELECT DISTINCT CAST(uprn AS BIGINT) AS uprn FROM ({measure.sql}) q WHERE uprn IS NOT NULL"
        else:
            inner = "\nINTERSECT\n".join(
                f"SELECT uprn FROM linked_{ds} WHERE placed_by = 'uprn'" + (f" AND ({measure.where})" if measure.where else "")
                for ds in measure.datasets)
        return f"SELECT CAST(u.uprn AS STRING) AS unit, u.atom FROM ({inner}) h JOIN uprn_area u USING (uprn)"
    source = measure.sql or (f"SELECT * FROM linked_{measure.datasets[0]}"
                             + (f" WHERE ({measure.where})" if measure.where else ""))
    return (f"SELECT DISTINCT s.dataset || ':' || s.record_id AS unit, r.atom FROM ({source}) s "
            "JOIN record_area r USING (dataset, record_id) WHERE r.atom IS NOT NULL")
