"""Geography, measures and the release gate on synthetic towns: wall time, peak memory, cells.

Run on demand (prints figures, asserts nothing about time):

    python tests/benchmarks/bench_release.py [--sizes 20000 200000]

For each size it builds a workspace the way `geolink demo` does (synth, load, match: not
timed), then times `geolink geography`, `geolink measures` and `geolink release` each as
a whole process, and reports what the release published and suppressed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from geolink_runner import geolink_command  # noqa: E402
from procmeasure import run_measured  # noqa: E402

from geolink.demo import DEMO_MEASURES, DemoRun, stage_load, stage_match, stage_synth  # noqa: E402

WORK = HERE / ".work" / "release"


def build_workspace(addresses: int) -> DemoRun:
    """A workspace with the synthetic services loaded and matched (reused between runs)."""
    run = DemoRun(out=WORK / f"town-{addresses}", addresses=addresses)
    ready = run.out / "matched-under-agreement"  # workspaces made before agreements are rebuilt
    if not ready.exists():
        run.input.mkdir(parents=True, exist_ok=True)
        for stage in (stage_synth, stage_load, stage_match):
            stage(run)
        ready.touch()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        run = build_workspace(size)
        steps = {
            "geography": ["geography", str(run.workspace), "--areas", str(run.input / "areas.gpkg")],
            "measures": ["measures", str(run.workspace), "--spec", str(DEMO_MEASURES)],
            "release": ["release", str(run.workspace), "--out", str(run.out / "release")],
        }
        row = {"addresses": size}
        for name, args_ in steps.items():
            measured = run_measured([*geolink_command(), *args_], run.out / f"{name}.log")
            if measured.returncode != 0:
                raise SystemExit(f"geolink {name} failed:\n{measured.tail()}")
            row[f"{name} s"] = round(measured.wall_s, 1)
            row[f"{name} MiB"] = round(measured.peak_rss_mib or 0)
        manifest = json.loads((run.out / "release" / "manifest.json").read_text())
        row.update({"measures": len(manifest["measures"]), "cells": manifest["cells"],
                    "released": manifest["released"], **{f"hidden {k}": v for k, v in manifest["suppressed"].items()}})
        rows.append(row)
    print()
    print(pd.DataFrame(rows).fillna(0).to_string(index=False))


def test_release_benchmark(run_with_bench_sizes):
    """`make bench` entry."""
    run_with_bench_sizes(main, "bench_release")


if __name__ == "__main__":
    main()
