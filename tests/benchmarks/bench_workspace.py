"""The secure workspace's own costs on synthetic towns, plain and encrypted: wall time and
peak memory of each command as a whole process.

Run on demand (prints figures, asserts nothing about time):

    python tests/benchmarks/bench_workspace.py [--sizes 20000 200000]

For each size: `geolink synth` (not timed), then agreement add, ingest of the four
service datasets (pseudonymising their identifiers), link (matching inside the
workspace), audit verify and purge (destroy everything and rewrite the file), once
without a key and once with one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from geolink_runner import geolink_command  # noqa: E402
from procmeasure import run_measured  # noqa: E402

from geolink.demo import DEMO_AGREEMENT  # noqa: E402
from geolink.gazetteer.prepare import prepare_reference  # noqa: E402
from geolink.synth import make_town, write_town  # noqa: E402

WORK = HERE / ".work" / "workspace"


def town(addresses: int) -> Path:
    """A synthetic town on disk (reused between runs)."""
    out = WORK / f"town-{addresses}"
    if not (out / "services" / "mapping.yaml").exists():
        write_town(make_town(addresses, 7), out)
    prepare_reference(out / "gazetteer.csv", cache=WORK / "cache").close()  # prepared once, outside the timings
    return out


def steps(input_dir: Path, ws: Path) -> dict[str, list[list[str]]]:
    """Each timed step as the geolink commands it runs."""
    mapping = input_dir / "services" / "mapping.yaml"
    datasets = yaml.safe_load(mapping.read_text())
    return {
        "agreement": [["agreement", "add", str(ws), str(DEMO_AGREEMENT)]],
        "ingest": [["ingest", str(ws), str(input_dir / "services" / spec["file"]), "--dataset", name,
                    "--agreement", "synthtown-services-2026", "--mapping", str(mapping)]
                   for name, spec in sorted(datasets.items())],
        "link": [["link", str(ws), "--reference", str(input_dir / "gazetteer.csv"), "--cache", str(WORK / "cache")]],
        "audit verify": [["audit", "verify", str(ws)]],
        "purge": [["purge", str(ws), "--as-of", "2999-01-01"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    args = parser.parse_args()
    key = WORK / "bench.key"
    WORK.mkdir(parents=True, exist_ok=True)
    key.write_text("a benchmark key, not a secret\n")
    rows = []
    for size in args.sizes:
        input_dir = town(size)
        records = sum(len(pd.read_csv(input_dir / "services" / f, dtype=str, usecols=[0]))
                      for f in ("council_tax_support.csv", "housing_repairs.csv", "adult_social_care.csv",
                                "street_reports.csv"))
        for encrypted in (False, True):
            ws = WORK / f"ws-{size}-{'encrypted' if encrypted else 'plain'}.duckdb"
            ws.unlink(missing_ok=True)
            prefix = [*geolink_command(), *(["--key-file", str(key)] if encrypted else [])]
            row = {"addresses": size, "records": records, "key": "yes" if encrypted else "no"}
            for name, commands in steps(input_dir, ws).items():
                wall, peak = 0.0, 0
                for command in commands:
                    measured = run_measured([*prefix, *command], WORK / f"{name}.log")
                    if measured.returncode != 0:
                        raise SystemExit(f"geolink {name} failed:\n{measured.tail()}")
                    wall, peak = wall + measured.wall_s, max(peak, measured.peak_rss_mib or 0)
                row[f"{name} s"] = round(wall, 1)
                row[f"{name} MiB"] = round(peak)
                if name == "link":
                    row["file MiB"] = round(ws.stat().st_size / 2**20, 1)
            row["after purge MiB"] = round(ws.stat().st_size / 2**20, 1)
            rows.append(row)
    print()
    print(pd.DataFrame(rows).to_string(index=False))


def test_workspace_benchmark(run_with_bench_sizes):
    """`make bench` entry."""
    run_with_bench_sizes(main, "bench_workspace")


if __name__ == "__main__":
    main()
