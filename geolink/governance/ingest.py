"""Ingest a service dataset into the workspace under its agreement, pseudonymised on the way in.

Direct identifiers are replaced by HMAC pseudonyms in memory, before anything is written,
so raw names, dates of birth and numbers never reach the workspace file, its WAL or
DuckDB's temporary files. The records, the dataset's register entry and the audit entry
are written in one transaction.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from geolink import workspace
from geolink.errors import GeolinkError
from .agreement import IDENTIFIER_KINDS
from .audit import file_digest, operation, table_digest
from .pseudonym import PERSON_KEY_KINDS, identifier_kind, person_keys, pseudonym_key, pseudonymise
from .register import agreement

DATASET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ROLE_COLUMNS = ("id_column", "postcode_column", "x_column", "y_column", "lat_column", "lon_column")  # one column each
PERSON_KEY = "person_key"


def records_table(dataset: str) -> str:
    """The workspace table holding a dataset's records."""
    return f"service_{dataset}"


def identifier_columns(columns: list[str], spec: dict, agreed: dict[str, str]) -> dict[str, str]:
    """Column -> identifier kind for every direct identifier to pseudonymise.

    Columns whose names look like identifiers are caught by default; the agreement's and
    the mapping's `person_columns` add to and override that. Address, postcode, id and
    coordinate columns are never treated as identifiers."""
    roles = {spec.get(r) for r in ROLE_COLUMNS} | set(spec.get("address_columns") or ())
    chosen = {c: identifier_kind(c) for c in columns if c not in roles}
    chosen = {c: k for c, k in chosen.items() if k}
    chosen.update({c: k for c, k in agreed.items() if c in columns})
    given = spec.get("person_columns") or {}
    bad = {c: k for c, k in given.items() if k not in IDENTIFIER_KINDS}
    if bad:
        raise GeolinkError(f"person_columns: kinds must be one of {', '.join(IDENTIFIER_KINDS)}; got {bad}")
    missing = sorted(set(given) - set(columns))
    if missing:
        raise GeolinkError(f"person_columns {missing} are not columns of the file (columns: {columns})")
    chosen.update(given)
    clash = sorted(roles & set(chosen))
    if clash:
        raise GeolinkError(f"column(s) {clash} cannot be both an identifier and an id, address or coordinate column")
    return chosen


def pseudonymised(frame: pd.DataFrame, identifiers: dict[str, str], key: bytes) -> pd.DataFrame:
    """`frame` with each identifier column replaced by its pseudonyms, plus a person key when a
    name and a date of birth are present."""
    out = frame.copy()
    for column, kind in identifiers.items():
        out[column] = pseudonymise(frame[column], kind, key)
    first = {kind: next((c for c, k in identifiers.items() if k == kind), None) for kind in PERSON_KEY_KINDS}
    if all(first.values()):
        out[PERSON_KEY] = person_keys({kind: frame[column] for kind, column in first.items()}, key)
    return out


def ingest_dataset(con: duckdb.DuckDBPyConnection, dataset: str, frame: pd.DataFrame, spec: dict,
                   agreement_id: str, *, source: Path | None = None, today: date | None = None) -> dict:
    """Write a dataset's pseudonymised records under an agreement; returns the ingest report.

    Refuses a dataset the agreement does not cover, an agreement not in force, and ids that
    are blank or repeated (every record must be addressable for matching and purge)."""
    today = today or date.today()
    if not DATASET_NAME.match(dataset):
        raise GeolinkError(f"dataset name {dataset!r}: use lower-case letters, digits and _ (starting with a letter)")
    terms = agreement(con, agreement_id)
    if not terms.covers(dataset):
        raise GeolinkError(f"agreement {terms.id} does not cover dataset {dataset!r} "
                           f"(it covers: {', '.join(terms.datasets)})")
    if not terms.in_force(today):
        raise GeolinkError(f"agreement {terms.id} is not in force on {today.isoformat()} "
                           f"(valid {terms.valid_from or 'any time'} to {terms.valid_until or 'open-ended'})")
    ids = frame[spec["id_column"]]
    if (ids.str.strip() == "").any() or ids.duplicated().any():
        raise GeolinkError(f"{dataset}: column {spec['id_column']!r} must give every record its own id "
                           f"({int((ids.str.strip() == '').sum())} blank, {int(ids.duplicated().sum())} repeated)")
    identifiers = identifier_columns(list(frame.columns), spec, terms.identifiers)
    retention_ends = terms.retention_ends(today)
    parameters = {"dataset": dataset, "agreement": terms.id, "id_column": spec["id_column"],
                  "pseudonymised": identifiers, "retention_ends": retention_ends.isoformat()}
    inputs = _inputs(frame, source)
    with operation(con, "ingest", parameters, inputs) as outputs:
        records = pseudonymised(frame, identifiers, pseudonym_key(workspace.secret(con)))
        table = records_table(dataset)
        workspace.replace_table(con, table, records)
        workspace.delete_dataset_rows(con, dataset)  # earlier matches and places are of older records
        workspace.register_dataset(con, dataset, {
            **{c: spec.get(c) for c in ROLE_COLUMNS}, "address_columns": spec.get("address_columns"), "agreement": terms.id, "ingested": today.isoformat(),
            "retention_ends": retention_ends.isoformat(), "rows": len(frame),
            "source_sha256": inputs.get("source", {}).get("sha256"), "pseudonymised": ",".join(identifiers)})
        outputs[table] = table_digest(con, table)
    return {"dataset": dataset, "rows": len(frame), "pseudonymised": identifiers,
            "person_key": PERSON_KEY in records, "retention_ends": retention_ends.isoformat(), "agreement": terms.id}


def load_reference(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, source: Path | None = None) -> int:
    """Load reference data (a gazetteer, a lookup: no personal data) as table `table`, audited as a load."""
    with operation(con, "load", {"table": table}, _inputs(frame, source)) as outputs:
        rows = workspace.replace_table(con, table, frame)
        outputs[table] = table_digest(con, table)
    return rows


def _inputs(frame: pd.DataFrame, source: Path | None) -> dict:
    """What the audit records of a loaded frame: its source file's digest, else its row count."""
    return {"source": file_digest(source)} if source else {"rows": len(frame)}
