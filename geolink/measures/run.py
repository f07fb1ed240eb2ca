"""The measures stage over a workspace: count each measure's units per atom.

Writes `measure` (name, count, datasets, description, sql) and `measure_atom`
(measure, atom, units, key_sum). True counts stay in the workspace; only the release
gate turns them into published values.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from geolink import workspace
from geolink.governance.audit import operation, table_digest
from geolink.disclosure.perturb import record_keys
from geolink.errors import GeolinkError
from .spec import Measure, unit_sql


def run_measures(con: duckdb.DuckDBPyConnection, measures: list[Measure]) -> dict[str, int]:
    """Compute every measure; returns its number of units (households or records)."""
    workspace.require_tables(con, "uprn_area", "record_area", "atom", stage="the geography stage")
    known = {d["name"] for d in workspace.datasets(con)}
    key = workspace.secret(con)
    rows, counts = [], {}
    for measure in measures:
        missing = [d for d in measure.datasets if d not in known]
        if missing:
            raise GeolinkError(f"measure {measure.name!r}: no dataset {', '.join(missing)} in the workspace "
                               f"(loaded: {', '.join(sorted(known)) or 'none'})")
        try:
            units = con.execute(unit_sql(measure)).df()
        except duckdb.Error as exc:
            raise GeolinkError(f"measure {measure.name!r}: its SQL failed: {exc}") from exc
        units["key"] = record_keys(units["unit"], key)
        per_atom = units.groupby("atom").agg(units=("unit", "size"), key_sum=("key", "sum")).reset_index()
        rows.append(per_atom.assign(measure=measure.name))
        counts[measure.name] = len(units)
    definitions = pd.DataFrame([{
        "name": m.name, "count": m.count, "datasets": ",".join(m.datasets), "description": m.description,
        "sql": unit_sql(m)} for m in measures])
    inputs = {t: table_digest(con, t) for t in ("record_area", "uprn_area")}
    with operation(con, "measures", {"measures": definitions.to_dict("records")}, inputs) as outputs:
        workspace.replace_table(con, "measure", definitions)
        workspace.replace_table(con, "measure_atom",
                                pd.concat(rows, ignore_index=True)[["measure", "atom", "units", "key_sum"]])
        outputs["units"] = counts
    return counts
