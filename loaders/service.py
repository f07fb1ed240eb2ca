"""Council service data (CSV in any common encoding and delimiter, XLSX) and EPC certificates,
ingested into the workspace under an agreement.

The columns are mapped by a YAML entry or CLI options (EPC has its own preset); rows that
cannot be read, or whose record id is blank or repeated, are rejected with their row
number and the rest are ingested (pseudonymised on the way in, see geolink.governance).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from geolink.errors import GeolinkError
from .columns import resolve
from .context import Load
from .settings import read_yaml
from .table import read_rows

ROLES = ("id_column", "postcode_column", "x_column", "y_column", "lat_column", "lon_column")


def given_columns(dataset: str, mapping: Path | None, options: dict, identifiers: list[str] | None) -> dict:
    """Column roles from a mapping file's entry for `dataset`, overridden by the options given,
    with --identifier COLUMN=KIND items added to its person_columns."""
    spec = dict(read_yaml(mapping, "mapping").get(dataset) or {}) if mapping else {}
    if mapping and not spec:
        raise GeolinkError(f"{mapping} has no entry for dataset {dataset!r}")
    persons = dict(spec.get("person_columns") or {})
    for item in identifiers or []:
        column, sep, kind = item.partition("=")
        if not sep or not column or not kind:
            raise GeolinkError(f"--identifier takes COLUMN=KIND, not {item!r}")
        persons[column] = kind
    return {**spec, **{k: v for k, v in options.items() if v}, "person_columns": persons}


def service_spec(frame: pd.DataFrame, path: Path, given: dict) -> dict:
    """The dataset's column roles: `given` (from a mapping or CLI options) checked against the
    file, the rest recognised by name (see geolink.match.run.choose_columns)."""
    from geolink.match.run import ROW_NUMBER, check_coordinates, choose_columns

    chosen_id, address, postcode = choose_columns(frame, path, given.get("id_column"),
                                                  given.get("address_columns") or (), given.get("postcode_column"))
    if chosen_id == ROW_NUMBER and ROW_NUMBER not in frame:
        frame.insert(0, ROW_NUMBER, [str(i) for i in range(1, len(frame) + 1)])
    coordinates = check_coordinates(frame, path, {k: given.get(k) for k in ROLES[2:]})
    return {"id_column": chosen_id, "address_columns": list(address), "postcode_column": postcode, **coordinates,
            "person_columns": dict(given.get("person_columns") or {})}


def id_problems(ids: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Per record: '' or why its id cannot identify it (blank, or repeating an earlier row)."""
    text = ids.astype(str).str.strip()
    first_row = pd.Series(rows, index=ids.index).groupby(text.to_numpy()).transform("first")
    repeated = text.duplicated(keep="first").to_numpy()
    reasons = np.where(repeated, "record id '" + text.str.slice(0, 40) + "' repeats row " + first_row.astype(str), "")
    return np.where(text.to_numpy() == "", "blank record id", reasons).astype(object)


def load(path: Path, run: Load, *, dataset: str, agreement: str, given: dict | Callable[[Path, list[str]], dict]) -> dict:
    """Read a service file, reject unreadable and unidentifiable rows, ingest the rest.

    `given` holds the column roles, or is a function of the file and its header returning them (a preset)."""
    from geolink.governance.ingest import ingest_dataset

    read = read_rows(path)
    run.on_bytes(path.stat().st_size)
    for row, reason in read.bad:
        run.bad_row(path)(row, reason)
    if read.frame.empty and not read.bad:
        raise GeolinkError(f"{path}: the file has a header but no rows")
    frame = read.frame
    spec = service_spec(frame, path, given(path, list(frame.columns)) if callable(given) else given)
    keep = run.take(path, read.rows, id_problems(frame[spec["id_column"]], read.rows))
    if not keep.any():
        raise GeolinkError(f"{path}: no row could be loaded ({run.report.rows_rejected:,} rejected)")
    report = ingest_dataset(run.con, dataset, frame[keep].reset_index(drop=True), spec, agreement, source=path)
    run.report.wrote(f"service_{dataset}", report["rows"])
    return report


EPC_ALIASES = {
    "id_column": ("lmk-key", "lmk_key"),
    "address1": ("address1",), "address2": ("address2",), "address3": ("address3",),
    "posttown": ("posttown", "post-town"),
    "postcode_column": ("postcode",),
}


def epc_columns(path: Path, header: list[str]) -> dict:
    """The EPC certificate file's column roles (the register's own names, in any case)."""
    found = resolve(header, EPC_ALIASES, ("id_column", "address1", "postcode_column"), path)
    address = [found[c] for c in ("address1", "address2", "address3", "posttown") if c in found]
    return {"id_column": found["id_column"], "address_columns": address, "postcode_column": found["postcode_column"]}
