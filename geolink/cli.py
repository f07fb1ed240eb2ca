"""The `geolink` command line: one sub-command per stage, plus `demo` for the whole chain."""

from __future__ import annotations

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
) -> None:
    """Write a deterministic synthetic town: gazetteer, streets, areas, postcodes, messy service data, truth.

    Files: gazetteer.csv/.gpkg, streets.gpkg, areas.gpkg (oa, lsoa, msoa, ward, lad),
    postcodes.csv, services/<dataset>.csv (+ one .xlsx, mapping.yaml) and truth.csv.
    """
    from .synth import make_town, write_town

    started = time.perf_counter()
    with console.status(f"Generating a town of {addresses:,} addresses (seed {seed})..."):
        try:
            town = make_town(addresses, seed)
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
