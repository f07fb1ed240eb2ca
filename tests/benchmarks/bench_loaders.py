"""`geolink load` throughput and peak memory, whole process against whole process.

Run on demand (prints figures, asserts nothing about time):

    python tests/benchmarks/bench_loaders.py [--sizes 200000] [--postcodes 2000000] [--repeat 3] [--folder-gb 5]

AddressBase Premium: a synthetic town of each size written in the current edition's
layout (streets, descriptors, BLPUs, LPIs, classifications), loaded into a new
workspace; with --folder-gb, a folder of such tiles that large, loaded once (streaming:
peak memory stays far below the folder's size). Code-Point Open: a synthetic file of
that many postcodes. Rows/s counts every line read (all record types) over the whole
command, including start-up, the audit digests and the commit; the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from geolink_runner import geolink_command  # noqa: E402
from procmeasure import run_measured  # noqa: E402

from geolink.synth import make_town  # noqa: E402
from geolink.synth.addressbase import write_addressbase_premium  # noqa: E402

WORK = HERE / ".work" / "loaders"


def premium_file(addresses: int) -> Path:
    path = WORK / f"abp-premium-{addresses}.csv"
    if not path.exists():
        write_addressbase_premium(make_town(addresses, 7), path)
    return path


def premium_folder(gigabytes: float, addresses: int = 200_000) -> Path:
    """A folder of AddressBase Premium tiles adding up to `gigabytes`: copies of one synthetic
    town, each with its UPRNs and USRNs moved to a range of its own (as real tiles hold
    different properties)."""
    folder = WORK / f"abp-premium-folder-{gigabytes:g}gb"
    done = folder.parent / f"{folder.name}.complete"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    town = make_town(addresses, 7)
    tile, written = 0, 0
    while written < gigabytes * 1e9:
        shift = lambda ids: ids.where(ids == 0, ids + tile * 10**10)  # noqa: E731  0 means no parent
        gazetteer = town.gazetteer.assign(uprn=shift(town.gazetteer["uprn"]), parent_uprn=shift(town.gazetteer["parent_uprn"]),
                                          usrn=town.gazetteer["usrn"] + tile * 10**8)
        streets = town.streets.assign(usrn=town.streets["usrn"] + tile * 10**8)
        path = folder / f"tile-{tile:03d}.csv"
        write_addressbase_premium(replace(town, gazetteer=gazetteer, streets=streets), path)
        written += path.stat().st_size
        tile += 1
        print(f"  tile {tile}: {written / 1e9:.2f} GB", flush=True)
    done.touch()
    return folder


def codepoint_file(postcodes: int) -> Path:
    """Code-Point Open rows (header as the OS download has none; the loader takes either)."""
    path = WORK / f"codepoint-{postcodes}.csv"
    if not path.exists():
        rng = np.random.default_rng(3)
        i = np.arange(postcodes)
        code = (pd.Series(np.array(["AB", "EX", "CF", "M"])[i % 4]) + (i // 4 % 99 + 1).astype(str) + " "
                + (i // 400 % 9 + 1).astype(str) + pd.Series(list("ABDEFGHJLNPQRSTUWXYZ"))[(i // 3600) % 20].values
                + pd.Series(list("ABDEFGHJLNPQRSTUWXYZ"))[i % 20].values)
        pd.DataFrame({"Postcode": code, "Positional_quality_indicator": 10,
                      "Eastings": rng.integers(100_000, 600_000, postcodes),
                      "Northings": rng.integers(50_000, 900_000, postcodes),
                      "Country_code": "E92000001", "NHS_regional_HA_code": "E19000002", "NHS_HA_code": "E18000010",
                      "Admin_county_code": "E10000008", "Admin_district_code": "E07000041",
                      "Admin_ward_code": "E05003502"}).to_csv(path, index=False)
    return path


def measure(kind: str, path: Path, label: str, repeat: int) -> dict:
    """Load `path` into a new workspace `repeat` times; the median wall time and the largest peak."""
    walls, peaks = [], []
    for _ in range(repeat):
        ws = WORK / f"ws-{label}.duckdb"
        for stale in (ws, Path(f"{ws}.wal")):
            stale.unlink(missing_ok=True)
        log = WORK / f"{label}.log"
        measured = run_measured([*geolink_command(), "load", kind, str(path), "--workspace", str(ws), "--json"], log)
        if measured.returncode != 0:
            raise SystemExit(f"geolink load {kind} failed:\n{measured.tail()}")
        walls.append(measured.wall_s)
        peaks.append(measured.peak_rss_mib or 0)
    text = log.read_text()
    summary = json.loads(text[text.index("{"):text.rindex("}") + 1])
    wall = statistics.median(walls)
    return {"kind": kind, "input": label, "MB": round(path.stat().st_size / 1e6, 1),
            "rows read": summary["rows_read"], "rejected": summary["rows_rejected"],
            "tables": ", ".join(f"{t} {n:,}" for t, n in summary["tables"].items()),
            "runs": repeat, "median wall s": round(wall, 2), "rows/s": round(summary["rows_read"] / wall),
            "peak MiB": round(max(peaks))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000], help="addresses per synthetic town")
    parser.add_argument("--postcodes", type=int, default=2_000_000, help="rows of the Code-Point Open file (0: skip)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each load; the median is reported")
    parser.add_argument("--folder-gb", type=float, default=0,
                        help="also load a folder of Premium tiles this large, once (e.g. 5)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    rows = [measure("addressbase-premium", premium_file(n), f"premium-{n}", args.repeat) for n in args.sizes]
    if args.folder_gb:
        rows.append(measure("addressbase-premium", premium_folder(args.folder_gb), f"premium-folder-{args.folder_gb:g}gb", 1))
    if args.postcodes:
        rows.append(measure("codepoint", codepoint_file(args.postcodes), f"codepoint-{args.postcodes}", args.repeat))
    print()
    print(pd.DataFrame(rows).to_string(index=False))


def test_loaders_benchmark(run_with_bench_sizes):
    """`make bench` entry."""
    run_with_bench_sizes(main, "bench_loaders")


if __name__ == "__main__":
    main()
