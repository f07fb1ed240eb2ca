"""`geolink demo`: the whole chain on a synthetic town, stage by stage.

synth -> load -> match -> geography -> measures -> release -> map. Each stage reports
what it did with row counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from . import workspace
from .synth import make_town, write_town

DEMO_ADDRESSES = 20_000
DEMO_SEED = 7


@dataclass
class DemoRun:
    """Paths of one demo run and the stage reports collected so far."""

    out: Path
    addresses: int = DEMO_ADDRESSES
    seed: int = DEMO_SEED
    reports: list[tuple[str, str]] = field(default_factory=list)

    @property
    def input(self) -> Path:
        return self.out / "input"

    @property
    def workspace(self) -> Path:
        return self.out / "workspace.duckdb"


def stage_synth(run: DemoRun) -> str:
    town = make_town(run.addresses, run.seed)
    counts = write_town(town, run.input)
    records = sum(v for k, v in counts.items() if k.startswith("services/"))
    return (f"{run.addresses:,} addresses, {len(town.streets):,} streets, "
            f"{len(town.services)} service datasets ({records:,} records) -> {run.input}")


def service_frames(run: DemoRun):
    """(name, column mapping, records without their direct identifiers) of each dataset."""
    mapping = yaml.safe_load((run.input / "services" / "mapping.yaml").read_text())
    for name, spec in sorted(mapping.items()):
        frame = pd.read_csv(run.input / "services" / spec["file"], dtype=str, keep_default_na=False)
        yield name, spec, frame.drop(columns=list(spec.get("person_columns", {})), errors="ignore")


def stage_load(run: DemoRun) -> str:
    """Load the reference and the service records into the workspace, without identifiers."""
    if run.workspace.exists():
        run.workspace.unlink()
    con = workspace.connect(run.workspace, create=True)
    try:
        gaz = workspace.replace_table(con, "gazetteer_address",
                                      pd.read_csv(run.input / "gazetteer.csv", dtype=str, keep_default_na=False))
        loaded = []
        for name, spec, frame in service_frames(run):
            workspace.register_dataset(con, name, spec)
            loaded.append(f"{name} {workspace.replace_table(con, f'service_{name}', frame):,}")
    finally:
        con.close()
    return f"gazetteer {gaz:,} rows; " + ", ".join(loaded) + " (direct identifiers not loaded)"


def stage_match(run: DemoRun) -> str:
    """Match every service dataset to UPRNs; outputs carry no person fields."""
    from .gazetteer.prepare import prepare_reference
    from .match.pipeline import LINK_COLUMNS, OUTPUT_COLUMNS, match_table
    from .streets import read_street_layer, reference_street_index
    from .geography import COORDINATE_COLUMNS, frame_points

    ref = prepare_reference(run.input / "gazetteer.csv", cache=run.out / "cache")
    streets = reference_street_index(ref.con, read_street_layer(run.input / "streets.gpkg"))
    con = workspace.connect(run.workspace)
    matches = run.out / "matches"
    reviews, summary, linked_tables = [], [], []
    try:
        for name, spec, frame in service_frames(run):
            points = frame_points(frame, **{k: spec.get(k) for k in COORDINATE_COLUMNS})
            result = match_table(frame, ref, id_column=spec["id_column"], address_columns=spec["address_columns"],
                                 postcode_column=spec.get("postcode_column"), points=points, streets=streets)
            links = [c for c in LINK_COLUMNS if c in result.output]
            keep = [spec["id_column"], *spec["address_columns"],
                    *([spec["postcode_column"]] if spec.get("postcode_column") else []), *OUTPUT_COLUMNS, *links]
            result.output[keep].to_csv(matches / f"{name}.csv", index=False)
            reviews.append(result.review.assign(dataset=name))
            bands = result.report["bands"]
            summary.append(f"{name} {bands['exact'] + bands['high']:,} properties and {bands['street']:,} streets "
                           f"of {len(frame):,}")
            linked_tables.append(result.output[[spec["id_column"], *OUTPUT_COLUMNS, "usrn_secondary"]]
                                 .rename(columns={spec["id_column"]: "record_id"}).assign(dataset=name))
        workspace.replace_table(con, "match", pd.concat(linked_tables, ignore_index=True)[
            ["dataset", "record_id", *OUTPUT_COLUMNS, "usrn_secondary"]])
    finally:
        con.close()
        ref.close()
    review = pd.concat(reviews, ignore_index=True)
    review.to_csv(matches / "review.csv", index=False)
    return "; ".join(summary) + f"; {review['record_id'].nunique():,} records to review -> {matches}"


def stage_geography(run: DemoRun) -> str:
    """Place every UPRN and record in OA / LSOA / MSOA / ward / LAD by point-in-polygon."""
    from .geography import read_area_layers
    from .geography.run import run_geography

    con = workspace.connect(run.workspace)
    try:
        report = run_geography(con, read_area_layers(run.input / "areas.gpkg"))
    finally:
        con.close()
    placed = sum(d["uprn"] + d["point"] for d in report["datasets"].values())
    records = sum(d["records"] for d in report["datasets"].values())
    return (f"{report['uprns']:,} UPRNs placed ({report['households']:,} households); "
            f"{placed:,}/{records:,} records placed by UPRN or coordinates")


DEMO_MEASURES = Path(__file__).parent / "synth" / "measures.yaml"


def stage_measures(run: DemoRun) -> str:
    """Count households and records per area for the measures in synth/measures.yaml."""
    from .measures import measures_from_dict
    from .measures.run import run_measures

    spec_path = run.out / "measures.yaml"
    spec_path.write_text(DEMO_MEASURES.read_text())
    con = workspace.connect(run.workspace)
    try:
        counts = run_measures(con, measures_from_dict(yaml.safe_load(spec_path.read_text())))
    finally:
        con.close()
    return f"{len(counts)} measures ({', '.join(counts)}) from {spec_path}"


def stage_release(run: DemoRun) -> str:
    """Protect, attack and write the aggregates under the default disclosure policy."""
    from .disclosure import Policy
    from .release import run_release

    con = workspace.connect(run.workspace)
    try:
        result = run_release(con, run.out / "release", Policy())
    finally:
        con.close()
    m = result.manifest
    return (f"{m['released']:,} of {m['cells']:,} cells released, {sum(m['suppressed'].values()):,} suppressed "
            f"(policy {m['policy']['name']}: k={m['policy']['k']}, rounded to {m['policy']['rounding_base']}) "
            f"-> {run.out / 'release'}")


DEMO_MAP_MEASURE = "cts_households"


def stage_map(run: DemoRun) -> str:
    """A static PNG of one measure by LSOA and the interactive HTML map of the whole release."""
    from .maps import draw_map, read_release
    from .maps.interactive import write_map_page

    release = read_release(run.out / "release")
    png = draw_map(release, DEMO_MAP_MEASURE, "lsoa", run.out / "maps" / f"{DEMO_MAP_MEASURE}_lsoa.png")
    html = write_map_page(release, run.out / "maps" / "map.html", measure=DEMO_MAP_MEASURE)
    return f"{png.name} and {html.name} (offline; every level and measure) -> {run.out / 'maps'}"


STAGES: tuple[tuple[str, Callable[[DemoRun], str]], ...] = (
    ("synth", stage_synth),
    ("load", stage_load),
    ("match", stage_match),
    ("geography", stage_geography),
    ("measures", stage_measures),
    ("release", stage_release),
    ("map", stage_map),
)


def run_demo(out: Path, report: Callable[[str, str], None]) -> DemoRun:
    """Run every stage in order; `report(stage, message)` is called after each."""
    run = DemoRun(out=Path(out))
    for sub in ("input", "matches", "release", "maps"):
        (run.out / sub).mkdir(parents=True, exist_ok=True)
    for name, stage in STAGES:
        message = stage(run)
        run.reports.append((name, message))
        report(name, message)
    return run
