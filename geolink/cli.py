"""The `geolink` command line: one sub-command per stage, plus `demo` for the whole chain."""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from loaders.settings import read_yaml

from .cli_load import register as register_load_command
from .cli_workspace import register as register_workspace_commands
from .errors import GeolinkError
from .governance.agreement import RELEASE_FORMATS

app = typer.Typer(
    name="geolink",
    help="Link council service data to UPRNs and USRNs, place it in ONS small areas, "
         "and release only disclosure-controlled aggregates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


@app.callback()
def options(
    key_file: Path = typer.Option(None, "--key-file", help="File holding the workspace encryption key (or set GEOLINK_WORKSPACE_KEY). A workspace created with a key is encrypted and opens only with that key; the key is never stored."),
) -> None:
    """Options for every command."""
    from .workspace import KEY_FILE_ENV

    if key_file:
        os.environ[KEY_FILE_ENV] = str(key_file)


@app.command()
def synth(
    addresses: int = typer.Option(20_000, "--addresses", "-n", help="Approved addresses (UPRNs) in the town, 200 to 5,000,000."),
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


ENGINE = typer.Option("duckdb", "--engine", help="Where the row-wise work runs: duckdb (this machine; matching in --workers processes) or spark (the Spark session's executors; needs geolink[spark]). Same results either way.")
SPARK_MASTER = typer.Option(None, "--spark-master", help="Spark master URL for --engine spark (default: the SPARK_MASTER environment variable, else local[*]).")


EARLY_HELPERS_BYTES = 1_000_000  # about 10,000 records


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
    x_column: str = typer.Option(None, "--x-column", help="Easting column (British National Grid); with --y-column switches on coordinate linkage."),
    y_column: str = typer.Option(None, "--y-column", help="Northing column (British National Grid)."),
    lat_column: str = typer.Option(None, "--lat-column", help="Latitude column (WGS84); with --lon-column switches on coordinate linkage."),
    lon_column: str = typer.Option(None, "--lon-column", help="Longitude column (WGS84)."),
    streets: Path = typer.Option(None, "--streets", help="Street lines with usrn and name columns (GeoPackage etc., e.g. OS Open USRN) for nearest-street lookups and streets with no addresses."),
    tolerance: float = typer.Option(25.0, "--tolerance", help="Metres: how far a point may be from its nearest address or street, and from the address or street its text matched."),
    engine: str = ENGINE,
    spark_master: str = SPARK_MASTER,
    memory_limit: str = typer.Option(None, "--memory-limit", help="Most memory DuckDB may use while preparing the gazetteer, e.g. 8GB; beyond it, work spills to disk beside the prepared file (default: GEOLINK_MEMORY_LIMIT, else half the machine's memory)."),
) -> None:
    """Match messy addresses to UPRNs: one output row per input row, a review file and a JSON run report.

    Street-only records ('outside 12 High St', 'Mill Ln j/w Church Rd', no property named)
    get band `street` with their USRN (and `usrn_secondary` at a junction). With
    coordinates, each row also gets its nearest address and street with distances, a
    point-only row gets its nearest street, and a match further than --tolerance from the
    row's point is flagged in `check_distance_m` and sent to review.
    """
    from contextlib import nullcontext

    from .parallel import Helpers

    # For a file large enough to share, helpers start first, so that they spawn and import
    # while this process does; a smaller one is matched here before they would be ready.
    shared = workers > 1 and engine == "duckdb" and messy.is_file() and messy.stat().st_size > EARLY_HELPERS_BYTES
    early = Helpers(workers - 1, warm="geolink.match.pipeline") if shared else nullcontext()
    with early as helpers:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from .match.run import run_match

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("matching", total=None)
            preparing = bar.add_task("preparing the gazetteer (once; reused after)", total=None, visible=False)
            result, files = run_match(
                messy, reference, out, id_column=id_column, address_columns=address_column or (),
                postcode_column=postcode_column, cache=cache, workers=workers,
                coordinates={"x_column": x_column, "y_column": y_column, "lat_column": lat_column, "lon_column": lon_column},
                streets=streets, tolerance=tolerance, engine=_engine(engine, spark_master), memory_limit=memory_limit,
                helpers=helpers,
                preparing=lambda n: bar.update(preparing, advance=n, visible=True),
                progress=lambda n: bar.advance(task, n),
                on_total=lambda n: bar.update(task, total=n),
            )
        _print_match_report(result.report, files)


def _engine(engine: str, spark_master: str | None) -> str:
    """The engine named on the command line, checked; for Spark, its session started."""
    from .spark import ENGINES

    if engine not in ENGINES:
        raise GeolinkError(f"--engine must be {' or '.join(ENGINES)}, not {engine!r}")
    if engine == "spark":
        from .spark import spark_session
        spark_session(spark_master)
    elif spark_master:
        raise GeolinkError("--spark-master goes with --engine spark")
    return engine


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
    repeated = report["rows_in"] - report["bands"]["rejected"] - report["distinct_addresses"]
    if repeated:
        console.print(f"  {repeated:,} records repeat an address (and postcode) given before: each address was matched once")
    console.print(f"output {files.output}\nreview {files.review}\nreport {files.report}")


@app.command()
def geography(
    workspace_path: Path = typer.Argument(..., metavar="WORKSPACE", help="The workspace DuckDB file."),
    areas: Path = typer.Option(None, "--areas", "-a", help="GeoPackage with one polygon layer per level (oa, lsoa, msoa, ward, lad), any CRS; without it, the boundaries loaded with `geolink load boundaries`."),
    custom: list[str] = typer.Option(None, "--custom", help="Extra polygon layer as NAME=FILE (GeoPackage/GeoJSON/Shapefile with a code column); repeatable."),
    engine: str = ENGINE,
    spark_master: str = SPARK_MASTER,
) -> None:
    """Place every gazetteer UPRN and every record in OA / LSOA / MSOA / ward / LAD (and custom areas).

    Records are placed by their matched UPRN (bands exact, high, parent), else by their
    own coordinates. An ONSUD table in the workspace wins over point-in-polygon.
    """
    from . import workspace
    from .geography import read_area_layers
    from .geography.areas import area_layers_from_workspace
    from .geography.run import run_geography

    extra = {}
    for item in custom or []:
        name, sep, file = item.partition("=")
        if not sep or not name or not file:
            raise GeolinkError(f"--custom takes NAME=FILE, not {item!r}")
        extra[name.lower()] = Path(file)
    layers = read_area_layers(areas, extra) if areas else None
    con = workspace.connect(workspace_path)
    try:
        layers = layers or area_layers_from_workspace(con, extra)
        with console.status("Placing UPRNs and records in areas..."):
            report = run_geography(con, layers, engine=_engine(engine, spark_master))
    finally:
        con.close()
    console.print(f"{report['uprns']:,} UPRNs placed ({report['uprns_outside']:,} outside every area), "
                  f"{report['households']:,} households")
    table = Table(title="records placed")
    for column in ("dataset", "records", "by UPRN", "by coordinates", "by postcode", "not placed"):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for name, d in report["datasets"].items():
        table.add_row(name, f"{d['records']:,}", f"{d['uprn']:,}", f"{d['point']:,}", f"{d['postcode']:,}",
                      f"{d['unplaced']:,}")
    console.print(table)


@app.command()
def measures(
    workspace_path: Path = typer.Argument(..., metavar="WORKSPACE", help="The workspace DuckDB file."),
    spec: Path = typer.Option(..., "--spec", help="Measures YAML: per measure a dataset (or datasets), count: households|records, optional where, or sql."),
    engine: str = ENGINE,
    spark_master: str = SPARK_MASTER,
) -> None:
    """Count each measure's households or records per area, inside the workspace (nothing is released)."""
    from . import workspace
    from .measures import measures_from_dict
    from .measures.run import run_measures

    parsed = measures_from_dict(read_yaml(spec, "measures"))
    con = workspace.connect(workspace_path)
    try:
        counts = run_measures(con, parsed, engine=_engine(engine, spark_master))
    finally:
        con.close()
    console.print(f"{len(counts)} measures computed in {workspace_path}: {', '.join(counts)}")


@app.command()
def release(
    workspace_path: Path = typer.Argument(..., metavar="WORKSPACE", help="The workspace DuckDB file."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the release: aggregates.duckdb/.csv/.gpkg/.parquet and manifest.json."),
    policy_file: Path = typer.Option(None, "--policy", help="Disclosure policy YAML (k, method: round|cell_key|none, rounding_base, min_cohort, dp_epsilon, ...). Default: k=10, base-5 rounding, cohort 60."),
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", help="Processes for protecting and attacking measures side by side (used on larger towns)."),
    levels: str = typer.Option(None, "--levels", help="Comma-separated levels to release, e.g. lsoa,msoa (default: every level in the workspace)."),
    formats: str = typer.Option(",".join(RELEASE_FORMATS), "--formats", help="Comma-separated files to write: duckdb, csv, gpkg, parquet."),
) -> None:
    """Write disclosure-controlled aggregates, only after the agreements allow it and the gate's attacks all fail.

    The threshold is the larger of the policy's k and every agreement's min_cell_size.

    The gate tries small cells, recomputation from published totals, nested and crossing
    differencing, differencing against earlier releases and smuggled identifiers; if any
    succeeds it writes nothing and exits 1 with a report.
    """
    from . import workspace
    from .disclosure import policy_from_dict
    from .release import ReleaseRefused, run_release

    policy = policy_from_dict(read_yaml(policy_file, "policy") if policy_file else None)
    con = workspace.connect(workspace_path)
    try:
        with console.status("Protecting and attacking the candidate release..."):
            result = run_release(con, out, policy, workers=workers, levels=_listed(levels),
                                 formats=_listed(formats, RELEASE_FORMATS, "--formats"))
    except ReleaseRefused as refused:
        console.print(escape(str(refused)), style="red")
        raise typer.Exit(1) from refused
    finally:
        con.close()
    m = result.manifest
    console.print(f"{m['released']:,} of {m['cells']:,} cells released; suppressed: "
                  + ", ".join(f"{k} {v:,}" for k, v in m["suppressed"].items()))
    for path in result.files:
        console.print(f"  {path}")


def _listed(text: str | None, allowed: tuple[str, ...] | None = None, flag: str = "") -> list[str] | None:
    """A comma-separated option as a list (None when not given), checked against `allowed`."""
    if not text:
        return None
    items = [t.strip().lower() for t in text.split(",") if t.strip()]
    wrong = [t for t in items if allowed and t not in allowed]
    if wrong:
        raise GeolinkError(f"{flag}: {', '.join(wrong)} not one of {', '.join(allowed)}")
    return items


@app.command(name="map")
def map_command(
    release_dir: Path = typer.Argument(..., metavar="RELEASE_DIR", help="A folder written by `geolink release`."),
    measure: str = typer.Option(..., "--measure", "-m", help="Measure to map (see the release's manifest.json)."),
    level: str = typer.Option("lsoa", "--level", "-l", help="oa, lsoa, msoa, ward, lad or a custom level; in HTML the starting level."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .png, .pdf or .svg (static) or .html (interactive, works offline)."),
    scheme: str = typer.Option("quantiles", "--scheme", help="Class breaks: quantiles, natural_breaks or equal_interval."),
    classes: int = typer.Option(5, "--classes", min=2, max=7, help="Number of classes (2 to 7)."),
    show: str = typer.Option("rate", "--show", help="Static maps: rate (per 1,000 households) or value (the count)."),
    tile_url: str = typer.Option(None, "--tile-url", help="HTML only: a basemap tile URL such as https://tile.example/{z}/{x}/{y}.png (none by default: nothing is fetched)."),
) -> None:
    """Draw a choropleth of a release: suppressed areas hatched, policy and source in the footnote."""
    from .maps import draw_map, read_release
    from .maps.interactive import write_map_page

    release = read_release(release_dir)
    release.layer(level, measure)  # checks both names with a clear message
    if out.suffix.lower() == ".html":
        write_map_page(release, out, scheme=scheme, classes=classes, tile_url=tile_url, level=level, measure=measure)
    else:
        draw_map(release, measure, level, out, scheme=scheme, classes=classes, show=show)
    console.print(f"map written to {out}")


@app.command()
def serve(
    release_dir: Path = typer.Argument(..., metavar="RELEASE_DIR", help="A folder written by `geolink release`."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    tile_url: str = typer.Option(None, "--tile-url", help="Basemap tile URL for the map (none by default)."),
) -> None:
    """Serve a release read-only: map (/), area profiles (/area/CODE), table (/table), SQL console (/sql, POST /api/sql)."""
    import uvicorn

    from .web import create_app

    app_ = create_app(release_dir, tile_url=tile_url)
    console.print(f"serving {release_dir} on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="Folder for the whole run (input, workspace, matches, release, maps)."),
) -> None:
    """Run the whole chain on a 20,000-address synthetic town, end to end.

    synth -> load -> match -> geography -> measures -> release -> map; each stage
    prints what it did with row counts.
    """
    from .demo import run_demo

    def report(stage: str, message: str) -> None:
        console.print(f"{stage:>10}  [green]done[/]  {escape(message)}")

    started = time.perf_counter()
    run_demo(out, report)
    console.print(f"demo finished in {time.perf_counter() - started:.1f} s; outputs in {out}")


register_workspace_commands(app)
register_load_command(app)


def main() -> None:
    """Console entry point: user errors become one clear line and exit code 2."""
    try:
        app()
    except GeolinkError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(2)
    finally:
        # The work is done and written: the collector's passes over its millions of
        # objects at exit would only delay the exit (0.3 s after a 27,000-record match).
        gc.freeze()
