"""The `geolink` command line: one sub-command per stage, plus `demo` for the whole chain."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .errors import GeolinkError

app = typer.Typer(
    name="geolink",
    help="Link council service data to UPRNs and USRNs, place it in ONS small areas, "
         "and release only disclosure-controlled aggregates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


@app.command()
def synth(
    addresses: int = typer.Option(20_000, "--addresses", "-n", help="Approved addresses (UPRNs) in the town, 200 to 2,000,000."),
    seed: int = typer.Option(7, "--seed", "-s", help="Random seed: the same seed gives the same files."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the town into (created if missing)."),
    service_scale: float = typer.Option(1.0, "--service-scale", help="Multiply the number of service records (e.g. 4.5 gives about as many records as addresses)."),
) -> None:
    """Write a deterministic synthetic town: gazetteer, streets, areas, postcodes, messy service data, truth.

    Files: gazetteer.csv/.gpkg, streets.gpkg, areas.gpkg (oa, lsoa, msoa, ward, lad),
    postcodes.csv, services/<dataset>.csv (+ one .xlsx, mapping.yaml) and truth.csv.
    """
    from .synth import make_town, write_town

    started = time.perf_counter()
    with console.status(f"Generating a town of {addresses:,} addresses (seed {seed})..."):
        try:
            town = make_town(addresses, seed, service_scale)
        except ValueError as exc:
            raise GeolinkError(str(exc)) from exc
    with console.status(f"Writing files to {out}..."):
        counts = write_town(town, out)
    table = Table(title=f"{town.name.title()}: {addresses:,} addresses, seed {seed}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, rows in counts.items():
        table.add_row(name, f"{rows:,}")
    for name in ("gazetteer.gpkg", "streets.gpkg", "areas.gpkg"):
        table.add_row(name, "layers")
    console.print(table)
    console.print(f"written to {out} in {time.perf_counter() - started:.1f} s")


@app.command()
def match(
    messy: Path = typer.Argument(..., help="Records to match: CSV (any common encoding and delimiter), XLSX or Parquet."),
    reference: Path = typer.Option(..., "--reference", "-r", help="Gazetteer: canonical CSV (as `geolink synth` writes), a table uprn,address[,postcode,...], or a prepared .duckdb."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file, .csv or .parquet: the input columns plus uprn, usrn, score, band, runner_up_uprn, margin, method, explanation."),
    id_column: str = typer.Option(None, "--id-column", help="Column with the record id (default: record_id/id if present, else the row number)."),
    address_column: list[str] = typer.Option(None, "--address-column", help="Address column; repeat for several (joined in order). Default: columns named like address*."),
    postcode_column: str = typer.Option(None, "--postcode-column", help="Postcode column (default: a column named postcode, if any)."),
    cache: Path = typer.Option(None, "--cache", help="Where prepared references are kept (default ~/.cache/geolink)."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", help="Processes for large inputs (batches of 25,000 records run in parallel)."),
) -> None:
    """Match messy addresses to UPRNs: one output row per input row, a review file and a JSON run report."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .match.run import run_match

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("matching", total=None)
        result, files = run_match(
            messy, reference, out, id_column=id_column, address_columns=address_column or (),
            postcode_column=postcode_column, cache=cache, workers=workers,
            progress=lambda n: bar.advance(task, n),
            on_total=lambda n: bar.update(task, total=n),
        )
    _print_match_report(result.report, files)


def _print_match_report(report: dict, files) -> None:
    table = Table(title=f"{report['rows_in']:,} records matched in {report['seconds']:.1f} s "
                        f"({report['records_per_second']:,.0f} records/s)")
    table.add_column("band")
    table.add_column("records", justify="right")
    table.add_column("share", justify="right")
    for band, n in report["bands"].items():
        table.add_row(band, f"{n:,}", f"{n / max(report['rows_in'], 1):.1%}")
    console.print(table)
    for reason, n in report["rejected_reasons"].items():
        console.print(f"  rejected: {reason}: {n:,}")
    status = "reconcile" if report["reconciled"] else "DO NOT reconcile"
    console.print(f"rows in {report['rows_in']:,}, rows out {report['rows_out']:,}: counts {status}")
    console.print(f"output {files.output}\nreview {files.review}\nreport {files.report}")


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="Folder for the whole run (input, workspace, matches, release, maps)."),
) -> None:
    """Run the whole chain on a 20,000-address synthetic town, end to end.

    synth -> load -> match -> geography -> measures -> release -> map; each stage
    prints what it did with row counts.
    """
    from .demo import run_demo

    marks = {"done": "[green]done[/]", "not built": "[yellow]not built[/]"}

    def report(stage: str, status: str, message: str) -> None:
        console.print(f"{stage:>10}  {marks[status]:<20} {message}")

    started = time.perf_counter()
    run_demo(out, report)
    console.print(f"demo finished in {time.perf_counter() - started:.1f} s; outputs in {out}")


def main() -> None:
    """Console entry point: user errors become one clear line and exit code 2."""
    try:
        app()
    except GeolinkError as exc:
        console.print(f"[red]error:[/] {exc}")
        sys.exit(2)
