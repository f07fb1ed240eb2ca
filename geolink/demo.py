"""`geolink demo`: the whole chain on a synthetic town, stage by stage.

synth -> load -> match -> geography -> measures -> release -> map. Each stage reports
what it did with row counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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


DEMO_AGREEMENT = Path(__file__).parent / "synth" / "agreement.yaml"


def stage_load(run: DemoRun) -> str:
    """Add the agreement, load the gazetteer, and ingest every service dataset pseudonymised."""
    from loaders.settings import read_yaml
    from loaders.table import read_table
    from .governance import agreement_from_dict
    from .governance.ingest import ingest_dataset, load_reference
    from .governance.register import add_agreement

    for stale in (run.workspace, run.workspace.with_name(run.workspace.name + ".wal")):
        stale.unlink(missing_ok=True)
    agreement_path = run.out / "agreement.yaml"
    agreement_path.write_text(DEMO_AGREEMENT.read_text())
    terms = agreement_from_dict(read_yaml(agreement_path, "agreement"))
    mapping = read_yaml(run.input / "services" / "mapping.yaml", "mapping")
    con = workspace.connect(run.workspace, create=True)
    try:
        add_agreement(con, terms)
        gazetteer = run.input / "gazetteer.csv"
        rows = load_reference(con, "gazetteer_address", read_table(gazetteer), gazetteer)
        loaded, hidden = [], set()
        for name, spec in sorted(mapping.items()):
            source = run.input / "services" / spec["file"]
            report = ingest_dataset(con, name, read_table(source), spec, terms.id, source=source)
            loaded.append(f"{name} {report['rows']:,}")
            hidden |= set(report["pseudonymised"])
    finally:
        con.close()
    return (f"agreement {terms.id}; gazetteer {rows:,} rows; " + ", ".join(loaded)
            + f" ({', '.join(sorted(hidden))} pseudonymised)")


def stage_match(run: DemoRun) -> str:
    """Match every ingested dataset to UPRNs and USRNs inside the workspace."""
    from .gazetteer.prepare import prepare_reference
    from .match.datasets import match_datasets
    from .streets import read_street_layer, reference_street_index

    ref = prepare_reference(run.input / "gazetteer.csv", cache=run.out / "cache")
    streets = reference_street_index(ref.con, read_street_layer(run.input / "streets.gpkg"))
    con = workspace.connect(run.workspace)
    try:
        reports = match_datasets(con, ref, streets=streets, reference_label="gazetteer.csv")
        queued = con.execute("SELECT count(DISTINCT (dataset, record_id)) FROM review").fetchone()[0]
    finally:
        con.close()
        ref.close()
    summary = [f"{name} {r['bands']['exact'] + r['bands']['high']:,} properties and {r['bands']['street']:,} streets "
               f"of {r['rows_in']:,}" for name, r in reports.items()]
    return "; ".join(summary) + f"; {queued:,} records queued for review in the workspace"


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
    for sub in ("input", "release", "maps"):
        (run.out / sub).mkdir(parents=True, exist_ok=True)
    for name, stage in STAGES:
        message = stage(run)
        run.reports.append((name, message))
        report(name, message)
    return run
