"""`geolink load KIND PATH --workspace W`: read a council's or a national file into the workspace.

Reference data (gazetteers, lookups, boundaries) is loaded as an audited `load`; service
data and EPC certificates are ingested under an agreement. Either way the command
prints rows read, loaded and rejected (by reason, with examples), or a JSON object.
"""

from __future__ import annotations

import csv
import importlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from loaders.report import LoadReport

from .cli_workspace import (ADDRESS_COLUMN, ID_COLUMN, IDENTIFIER, LAT_COLUMN, LON_COLUMN, MAPPING, POSTCODE_COLUMN,
                            X_COLUMN, Y_COLUMN, service_columns)
from .errors import GeolinkError

console = Console(stderr=True)

# kind -> (module, extra keyword arguments, what it reads)
REFERENCE_KINDS: dict[str, tuple[str, dict, str]] = {
    "addressbase-premium": ("loaders.addressbase_premium", {}, "AddressBase Premium CSV: a file or a folder of tiles"),
    "addressbase-plus": ("loaders.addressbase_plus", {"kind": "addressbase-plus"}, "AddressBase Plus or Core CSV"),
    "llpg-dtf": ("loaders.llpg_dtf", {}, "an LLPG in DTF 8.1"),
    "open-uprn": ("loaders.open_uprn", {}, "OS Open UPRN CSV"),
    "open-usrn": ("loaders.open_usrn", {}, "OS Open USRN GeoPackage"),
    "onsud": ("loaders.onsud", {}, "the ONS UPRN Directory"),
    "onspd": ("loaders.postcodes", {"kind": "onspd"}, "the ONS Postcode Directory"),
    "nspl": ("loaders.postcodes", {"kind": "nspl"}, "the National Statistics Postcode Lookup"),
    "codepoint": ("loaders.postcodes", {"kind": "codepoint"}, "Code-Point Open CSV"),
    "boundaries": ("loaders.boundaries", {}, "ONS boundaries: GeoJSON, GeoPackage or Shapefile, any CRS"),
}
SERVICE_KINDS = {"service": "council service data: CSV or XLSX", "epc": "EPC certificates CSV"}
KINDS = (*REFERENCE_KINDS, *SERVICE_KINDS)
KIND_HELP = "; ".join(f"{k}: {d}" for k, (_, _, d) in REFERENCE_KINDS.items()) + "; " + \
    "; ".join(f"{k}: {d}" for k, d in SERVICE_KINDS.items())


def load(
    kind: str = typer.Argument(..., metavar="KIND", help=f"What the file is. One of: {KIND_HELP}."),
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="The file(s), or a folder of tiles."),
    workspace_path: Path = typer.Option(..., "--workspace", "-w", help="The workspace DuckDB file (created if missing)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (kind, rows_read, rows_loaded, rows_rejected, ...)."),
    rejects: Path = typer.Option(None, "--rejects", help="Write every rejected row (file, row, reason) to this CSV."),
    memory_limit: str = typer.Option(None, "--memory-limit", help="Most memory DuckDB may use, e.g. 8GB; beyond it, work spills to <workspace>.tmp (default: GEOLINK_MEMORY_LIMIT, else half the machine's memory)."),
    level: str = typer.Option(None, "--level", help="boundaries: the level (oa, lsoa, msoa, ward, lad), when the file does not tell."),
    dataset: str = typer.Option(None, "--dataset", "-d", help="service / epc: the dataset's name in the workspace (epc default: epc)."),
    agreement_id: str = typer.Option(None, "--agreement", "-a", help="service / epc: the agreement covering the dataset."),
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
    """Load a file into the workspace: gazetteers, lookups and boundaries for matching and
    geography, or service data under an agreement. Bad rows are listed, never guessed.
    The column options (--mapping to --identifier) apply to `service` only."""
    from . import workspace
    from loaders.context import Load
    from loaders.service import epc_columns

    if kind not in KINDS:
        raise GeolinkError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    report = LoadReport(kind)
    total = sum(_size(p) for p in paths)
    con = workspace.connect(workspace_path, create=True, memory_limit=memory_limit)
    try:
        with _progress(as_json) as progress:
            task = progress.add_task(f"loading {kind}", total=total or None)
            run = Load(con, report, lambda n: progress.advance(task, n))
            if kind in SERVICE_KINDS:
                given = epc_columns if kind == "epc" else service_columns(
                    dataset, mapping, id_column, address_column, postcode_column,
                    x_column, y_column, lat_column, lon_column, identifier)
                _load_service(kind, paths, run, dataset or ("epc" if kind == "epc" else None), agreement_id, given)
            else:
                _load_reference(kind, paths, run, level)
    finally:
        con.close()
    if rejects:
        _write_rejects(report, rejects)
    _print_summary(report, as_json)


def _size(path: Path) -> int:
    path = Path(path)
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size if path.is_file() else 0


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                    TimeRemainingColumn(), console=console, transient=True, disable=quiet or not console.is_terminal)


def _load_reference(kind: str, paths: list[Path], run, level: str | None) -> None:
    """Run a reference loader inside one audited transaction: all of the load lands, or none."""
    from geolink.governance.audit import file_digest, operation

    module, extra, _ = REFERENCE_KINDS[kind]
    loader = importlib.import_module(module).load
    if kind == "boundaries":
        extra = {**extra, "level": level}
    elif level:
        raise GeolinkError("--level applies to boundaries only")
    files = [f for p in paths for f in ([p] if not Path(p).is_dir() else sorted(Path(p).iterdir())) if Path(f).is_file()]
    inputs: dict = {}
    with ThreadPoolExecutor(max_workers=1) as pool, \
            operation(run.con, "load", {"kind": kind, "paths": [str(p) for p in paths]}, inputs) as outputs:
        # The inputs are hashed while they load (hashing 5 GB first would add 12 s to the load).
        hashing = pool.submit(lambda: {str(f): file_digest(Path(f)) for f in files})
        loader(list(paths), run, **extra)
        inputs.update(hashing.result())
        # The input files' SHA-256 fingerprint what was loaded; the tables are counted, not re-hashed
        # (hashing every row of a national table would cost more than loading it).
        outputs.update({t: {"rows": n} for t, n in run.report.tables.items()})
        outputs["report"] = {k: v for k, v in run.report.as_dict().items() if k != "examples"}


def _load_service(kind: str, paths: list[Path], run, dataset: str | None, agreement_id: str | None, given) -> None:
    from loaders.service import load as load_service

    if not dataset or not agreement_id:
        raise GeolinkError(f"loading {kind} needs --dataset NAME and --agreement ID (nothing is ingested without an agreement)")
    if len(paths) != 1 or Path(paths[0]).is_dir():
        raise GeolinkError(f"{kind}: give one file per dataset")
    report = load_service(Path(paths[0]), run, dataset=dataset, agreement=agreement_id, given=given)
    hidden = ", ".join(f"{c} ({k})" for c, k in report["pseudonymised"].items()) or "none found"
    run.report.notes.append(f"ingested as dataset {dataset} under agreement {report['agreement']}, kept until "
                            f"{report['retention_ends']}; pseudonymised: {hidden}")


def _write_rejects(report: LoadReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "reason"])
        writer.writerows((r.file, r.row if r.row is not None else "", r.reason) for r in report.rejected)


def _print_summary(report: LoadReport, as_json: bool) -> None:
    summary = report.as_dict()
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    console.print(f"{report.kind}: {report.rows_read:,} rows read, {report.rows_loaded:,} loaded, "
                  f"{report.rows_rejected:,} rejected")
    for table, rows in report.tables.items():
        console.print(f"  table {table}: {rows:,} rows")
    for reason, count in summary["rejected_by_reason"].items():
        console.print(f"  rejected {count:,}: {escape(reason)}")
        for example in summary["examples"][reason][:3]:
            console.print(f"      e.g. {escape(example)}")
    for note in report.notes:
        console.print(f"  note: {escape(note)}")


def register(app: typer.Typer) -> None:
    app.command("load")(load)
