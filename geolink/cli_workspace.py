"""Commands that govern the secure workspace: agreements, ingest, link, review, purge, audit.

Every one of them writes an audit entry in the same transaction as its changes.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from loaders.settings import read_yaml

from .errors import GeolinkError

console = Console(stderr=True)
WORKSPACE = typer.Argument(..., metavar="WORKSPACE", help="The workspace DuckDB file.")

# A service dataset's columns, as `geolink ingest` and `geolink load service` both take them.
MAPPING = typer.Option(None, "--mapping", help="Column mapping YAML (as `geolink synth` writes in services/mapping.yaml), keyed by dataset name.")
ID_COLUMN = typer.Option(None, "--id-column", help="Column with the record id (default: record_id/id if present, else the row number).")
ADDRESS_COLUMN = typer.Option(None, "--address-column", help="Address column; repeat for several. Default: columns named like address*.")
POSTCODE_COLUMN = typer.Option(None, "--postcode-column", help="Postcode column (default: one named postcode).")
X_COLUMN = typer.Option(None, "--x-column", help="Easting column (British National Grid).")
Y_COLUMN = typer.Option(None, "--y-column", help="Northing column (British National Grid).")
LAT_COLUMN = typer.Option(None, "--lat-column", help="Latitude column (WGS84).")
LON_COLUMN = typer.Option(None, "--lon-column", help="Longitude column (WGS84).")
IDENTIFIER = typer.Option(None, "--identifier", help="A direct identifier to pseudonymise, as COLUMN=KIND (name, date_of_birth, nhs_number, ni_number, phone, email, other); repeatable. Columns named like these are caught anyway.")


def service_columns(dataset: str | None, mapping: Path | None, id_column: str | None, address_column: list[str] | None,
                    postcode_column: str | None, x_column: str | None, y_column: str | None, lat_column: str | None,
                    lon_column: str | None, identifier: list[str] | None) -> dict:
    """The column roles from --mapping and the column options (the options win)."""
    from loaders.service import given_columns

    return given_columns(dataset, mapping, {
        "id_column": id_column, "address_columns": address_column, "postcode_column": postcode_column,
        "x_column": x_column, "y_column": y_column, "lat_column": lat_column, "lon_column": lon_column}, identifier)

agreement_app = typer.Typer(help="Data sharing agreements: what may be ingested, kept for how long, and released.",
                            no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log of every operation on a workspace.", no_args_is_help=True)


@agreement_app.command("add")
def agreement_add(
    workspace_path: Path = WORKSPACE,
    file: Path = typer.Argument(..., metavar="FILE.yaml", help="The agreement: id, parties, purpose, lawful_basis, datasets, retention_days or retain_until, outputs, geography_levels, min_cell_size, identifiers."),
) -> None:
    """Add an agreement to the workspace (creating the workspace if needed), or amend one with the same id."""
    from . import workspace
    from .governance import agreement_from_dict
    from .governance.register import add_agreement

    terms = agreement_from_dict(read_yaml(file, "agreement"))
    con = workspace.connect(workspace_path, create=True)
    try:
        change = add_agreement(con, terms)
    finally:
        con.close()
    console.print(f"agreement {terms.id} {change}: datasets {', '.join(terms.datasets)}; "
                  f"min cell size {terms.min_cell_size}; levels {', '.join(terms.geography_levels)}")


@agreement_app.command("list")
def agreement_list(workspace_path: Path = WORKSPACE) -> None:
    """List the workspace's agreements."""
    from . import workspace
    from .governance.register import agreements

    con = workspace.connect(workspace_path, read_only=True)
    try:
        found = agreements(con)
    finally:
        con.close()
    table = Table(title=f"{len(found)} agreement(s)")
    for column in ("id", "datasets", "retention", "levels", "min cell", "purpose"):
        table.add_column(column)
    for a in found:
        retention = " / ".join(x for x in (f"{a.retention_days} days" if a.retention_days else "",
                                           f"until {a.retain_until}" if a.retain_until else "") if x)
        table.add_row(a.id, ", ".join(a.datasets), retention, ", ".join(a.geography_levels), str(a.min_cell_size),
                      escape(a.purpose))
    console.print(table)


def ingest(
    workspace_path: Path = WORKSPACE,
    file: Path = typer.Argument(..., metavar="FILE", help="The dataset: CSV (any common encoding and delimiter), XLSX or Parquet."),
    dataset: str = typer.Option(..., "--dataset", "-d", help="Name for the dataset in the workspace (lower case, digits, _)."),
    agreement_id: str = typer.Option(..., "--agreement", "-a", help="Id of the agreement covering this dataset: nothing is ingested without one."),
    mapping: Path = MAPPING,
    id_column: str = ID_COLUMN,
    address_column: list[str] = ADDRESS_COLUMN,
    postcode_column: str = POSTCODE_COLUMN,
    x_column: str = X_COLUMN,
    y_column: str = Y_COLUMN,
    lat_column: str = LAT_COLUMN,
    lon_column: str = LON_COLUMN,
    identifier: list[str] = IDENTIFIER,
) -> None:
    """Load a service dataset into the workspace under an agreement, pseudonymising direct identifiers.

    Names, dates of birth, NHS / NI numbers, phones and emails are replaced by keyed
    HMAC-SHA256 pseudonyms before anything is written, plus a person_key (name + date of
    birth) that links one person across this workspace's datasets and no other's.
    """
    from loaders.service import service_spec
    from loaders.table import read_table

    from . import workspace
    from .governance.ingest import ingest_dataset

    given = service_columns(dataset, mapping, id_column, address_column, postcode_column,
                            x_column, y_column, lat_column, lon_column, identifier)
    frame = read_table(file)
    if frame.empty:
        raise GeolinkError(f"{file}: the file has a header but no rows")
    spec = service_spec(frame, file, given)
    con = workspace.connect(workspace_path)
    try:
        report = ingest_dataset(con, dataset, frame, spec, agreement_id, source=file)
    finally:
        con.close()
    hidden = ", ".join(f"{c} ({k})" for c, k in report["pseudonymised"].items()) or "none found"
    console.print(f"{dataset}: {report['rows']:,} records ingested under agreement {report['agreement']}, "
                  f"kept until {report['retention_ends']}")
    console.print(f"  pseudonymised: {escape(hidden)}" + ("; person_key added" if report["person_key"] else ""))


def link(
    workspace_path: Path = WORKSPACE,
    reference: Path = typer.Option(None, "--reference", "-r", help="Gazetteer: canonical CSV, a table uprn,address[,postcode,...], or a prepared .duckdb (default: the gazetteer loaded into the workspace with `geolink load`)."),
    streets: Path = typer.Option(None, "--streets", help="Street lines with usrn and name columns for nearest-street lookups (default: the streets loaded into the workspace, if any)."),
    dataset: list[str] = typer.Option(None, "--dataset", "-d", help="Dataset to match; repeatable (default: every ingested dataset)."),
    cache: Path = typer.Option(None, "--cache", help="Where prepared references are kept (default ~/.cache/geolink)."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", help="Processes for large datasets."),
    tolerance: float = typer.Option(25.0, "--tolerance", help="Metres: how far a record's point may be from what its text matched."),
) -> None:
    """Match the workspace's datasets to UPRNs and USRNs; results stay in its match and review tables.

    Each dataset is written in one transaction with its audit entry: a run that is stopped
    part-way can simply be run again.
    """
    from . import workspace
    from .gazetteer.prepare import prepare_reference, prepare_workspace_reference
    from .match.datasets import match_datasets
    from .streets import read_street_layer, reference_street_index
    from .streets.index import workspace_street_layer

    con = workspace.connect(workspace_path)
    try:
        with console.status("Preparing the gazetteer..."):
            ref = prepare_reference(reference, cache=cache) if reference else prepare_workspace_reference(con, cache)
        layer = read_street_layer(streets) if streets else workspace_street_layer(con)
    except BaseException:
        con.close()
        raise

    def done(name: str, report: dict) -> None:
        bands = report["bands"]
        console.print(f"{name}: {report['rows_in']:,} records matched in {report['seconds']:.1f} s; "
                      + ", ".join(f"{b} {n:,}" for b, n in bands.items() if n))

    try:
        with console.status("Matching..."):
            match_datasets(con, ref, streets=reference_street_index(ref.con, layer), names=dataset or (),
                           workers=workers, tolerance=tolerance,
                           reference_label=str(reference or "the workspace gazetteer"), on_dataset=done)
    finally:
        con.close()
        ref.close()


def review(
    workspace_path: Path = WORKSPACE,
    export: Path = typer.Option(None, "--export", help="Write the review queue (records, candidates, scores) to this CSV for a reviewer in the secure environment."),
    decisions: Path = typer.Option(None, "--decisions", help="CSV of decisions: dataset, record_id, uprn (blank uprn: no match)."),
) -> None:
    """Show the review queue, export it, or apply a reviewer's decisions to the matches."""
    from loaders.table import read_table

    from . import workspace
    from .governance.audit import file_digest
    from .match.review import apply_decisions, export_queue, review_queue

    con = workspace.connect(workspace_path)
    try:
        if decisions:
            result = apply_decisions(con, read_table(decisions), {"decisions": file_digest(decisions)})
            console.print(f"{result['decisions']:,} decisions applied: {result['accepted']:,} accepted, "
                          f"{result['rejected']:,} rejected")
        queue = export_queue(con, export) if export else review_queue(con)
    finally:
        con.close()
    per_dataset = queue.groupby("dataset")["record_id"].nunique()
    console.print(f"{queue['record_id'].nunique() if len(queue) else 0:,} records to review"
                  + "".join(f"\n  {name}: {n:,}" for name, n in per_dataset.items()))
    if export:
        console.print(f"queue written to {export} (logged in the audit)")


def purge(
    workspace_path: Path = WORKSPACE,
    as_of: str = typer.Option(None, "--as-of", help="Purge as if today were this date (YYYY-MM-DD); default today."),
) -> None:
    """Destroy row-level data whose retention has ended and rewrite the file so nothing can be recovered.

    Records, matches, review rows, placements and measures of each expired dataset go;
    the audit log keeps the dataset names, row counts and hashes.
    """
    from .governance.purge import purge as run_purge

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise GeolinkError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from None
    with console.status("Purging and rewriting the workspace..."):
        report = run_purge(workspace_path, day)
    if not report["destroyed"]:
        console.print(f"nothing is past its retention on {day.isoformat()}; workspace rewritten")
    for name, counts in report["destroyed"].items():
        console.print(f"{name}: {counts['records']['rows']:,} records destroyed, "
                      f"{counts.get('match', 0):,} matches, {counts.get('record_area', 0):,} placements, "
                      f"measures {', '.join(counts['measures']) or 'none'}")


@audit_app.command("verify")
def audit_verify(
    workspace_path: Path = WORKSPACE,
    anchor: str = typer.Option(None, "--anchor", help="A hash kept outside the workspace (a release manifest's audit_head, or a head printed here before): the log must still hold that entry, which catches entries cut from the end."),
) -> None:
    """Check every entry's hash and link; exit 1 naming the first entry edited, removed or moved."""
    from .governance.audit import read_log
    from .governance.chain import first_break

    log = read_log(workspace_path)
    broken = first_break(log)
    if broken:
        console.print(f"[red]audit log broken at entry {broken.seq}[/]: {escape(broken.reason)} ({len(log)} entries read)")
        raise typer.Exit(1)
    if anchor and anchor not in {e.hash for e in log}:
        console.print(f"[red]audit log does not hold the anchored entry {escape(anchor[:12])}…[/]: "
                      "entries were cut from the end or the log was rewritten")
        raise typer.Exit(1)
    head = f"; head entry {log[-1].seq} {log[-1].hash}" if log else ""
    console.print(f"audit log verified: {len(log)} entries{head}" + ("; anchor found" if anchor else ""))


@audit_app.command("show")
def audit_show(
    workspace_path: Path = WORKSPACE,
    as_json: bool = typer.Option(False, "--json", help="Print every entry in full as JSON lines (to stdout)."),
) -> None:
    """List the audit log: sequence, time, actor, operation and what it did."""
    from dataclasses import asdict

    from .governance.audit import read_log

    log = read_log(workspace_path)
    if as_json:
        for entry in log:
            typer.echo(json.dumps(asdict(entry), sort_keys=True, default=str))
        return
    table = Table(title=f"{len(log)} audit entries")
    for column in ("seq", "at", "actor", "operation", "parameters", "hash"):
        table.add_column(column)
    for e in log:
        summary = json.dumps(e.parameters, sort_keys=True, default=str)
        table.add_row(str(e.seq), e.at[:19], escape(e.actor), e.operation,
                      escape(summary if len(summary) < 80 else summary[:77] + "..."), e.hash[:12])
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the workspace commands to the main app."""
    app.add_typer(agreement_app, name="agreement")
    app.command()(ingest)
    app.command()(link)
    app.command()(review)
    app.command()(purge)
    app.add_typer(audit_app, name="audit")
