"""Street (USRN) and coordinate linkage: accuracy on synthetic street reports, and point-lookup speed.

Run on demand (prints figures, asserts nothing about time):

    python tests/benchmarks/bench_streets.py [--sizes 20000 200000] [--points 1000000]

For each size it writes a town (street reports scaled up 4x), runs `geolink match` on the
street reports with their points and the street lines as a whole process, and scores
the USRNs against truth: precision and recall on records with text, accuracy on records
with only a point. Then it times nearest address + nearest street for --points random
points against the largest town.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from geolink_runner import geolink_command  # noqa: E402
from procmeasure import run_measured  # noqa: E402

WORK = HERE / ".work" / "streets"


def build_town(addresses: int, seed: int = 11) -> Path:
    out = WORK / f"town-{addresses}"
    if not (out / "truth.csv").exists():
        subprocess.run([*geolink_command(), "synth", "--addresses", str(addresses), "--seed", str(seed),
                        "--service-scale", "4", "--out", str(out)], check=True, capture_output=True)
    return out


def score_reports(town: Path) -> dict:
    out = town / "reports_matched.csv"
    cmd = [*geolink_command(), "match", str(town / "services" / "street_reports.csv"),
           "--reference", str(town / "gazetteer.csv"), "--out", str(out), "--x-column", "easting",
           "--y-column", "northing", "--streets", str(town / "streets.gpkg"), "--cache", str(town / "cache")]
    measured = run_measured(cmd, town / "match.log")
    if measured.returncode != 0:
        raise SystemExit(f"geolink match failed:\n{measured.tail()}")
    result = pd.read_csv(out, dtype=str, keep_default_na=False)
    truth = pd.read_csv(town / "truth.csv", dtype=str, keep_default_na=False)
    table = result.merge(truth[["record_id", "usrn"]], on="record_id", suffixes=("", "_truth"))
    text = table[table["location"] != ""]
    linked = text[text["band"] == "street"]
    right = (linked["usrn"] == linked["usrn_truth"]).sum()
    with_text_and_point = text[text["easting"] != ""]
    wt_linked = with_text_and_point[with_text_and_point["band"] == "street"]
    points = table[(table["location"] == "") & (table["easting"] != "")]
    return {
        "records": len(table), "with text": len(text),
        "text precision": round(right / max(len(linked), 1), 4), "text recall": round(right / max(len(text), 1), 4),
        "text+point recall": round((wt_linked["usrn"] == wt_linked["usrn_truth"]).sum() / max(len(with_text_and_point), 1), 4),
        "point only": len(points), "point accuracy": round((points["usrn"] == points["usrn_truth"]).mean(), 4),
        "wall s": round(measured.wall_s, 1), "peak MiB": round(measured.peak_rss_mib or 0),
    }


def time_point_lookups(town: Path, n_points: int) -> dict:
    from geolink.streets import combine, nearest_to_points, read_street_layer, streets_from_addresses

    gazetteer = pd.read_csv(town / "gazetteer.csv", usecols=["uprn", "usrn", "street", "locality", "town", "x", "y"])
    started = time.perf_counter()
    index = combine(streets_from_addresses(gazetteer.fillna({"usrn": 0})), read_street_layer(town / "streets.gpkg"))
    built = time.perf_counter() - started
    rng = np.random.default_rng(1)
    x = rng.uniform(gazetteer["x"].min(), gazetteer["x"].max(), n_points)
    y = rng.uniform(gazetteer["y"].min(), gazetteer["y"].max(), n_points)
    started = time.perf_counter()
    near = nearest_to_points(x, y, index, gazetteer["x"].to_numpy(), gazetteer["y"].to_numpy(),
                             gazetteer["uprn"].to_numpy(), gazetteer["usrn"].fillna(0).astype("int64").to_numpy())
    seconds = time.perf_counter() - started
    return {"points": n_points, "addresses": len(gazetteer), "streets": len(index.streets),
            "index s": round(built, 1), "lookup s": round(seconds, 1),
            "points/s": round(n_points / seconds), "with an address within 25 m": round(near["point_uprn"].notna().mean(), 3),
            "with a street within 25 m": round(near["point_usrn"].notna().mean(), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--points", type=int, default=1_000_000)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        rows.append({"addresses": size, **score_reports(build_town(size))})
    print()
    print(pd.DataFrame(rows).to_string(index=False))
    print()
    print(pd.DataFrame([time_point_lookups(build_town(max(args.sizes)), args.points)]).to_string(index=False))


def test_streets_benchmark(run_with_bench_sizes):
    """`make bench` entry."""
    run_with_bench_sizes(main, "bench_streets")


if __name__ == "__main__":
    main()
