"""`geolink load` throughput and peak memory, whole process against whole process.

Run on demand (prints figures, asserts nothing about time):

    python tests/benchmarks/bench_loaders.py [--sizes 200000] [--postcodes 2000000]

AddressBase Premium: a synthetic town of each size written in the current edition's
layout (streets, descriptors, BLPUs, LPIs, classifications), loaded into a new
workspace. Code-Point Open: a synthetic file of that many postcodes. Rows/s counts
every line read (all record types) over the whole command, including start-up, the
audit digests and the commit.
"""

from __future__ import annotations

import argparse
import json
import sys
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


def measure(kind: str, path: Path, label: str) -> dict:
    ws = WORK / f"ws-{label}.duckdb"
    for stale in (ws, Path(f"{ws}.wal")):
        stale.unlink(missing_ok=True)
    log = WORK / f"{label}.log"
    measured = run_measured([*geolink_command(), "load", kind, str(path), "--workspace", str(ws), "--json"], log)
    if measured.returncode != 0:
        raise SystemExit(f"geolink load {kind} failed:\n{measured.tail()}")
    text = log.read_text()
    summary = json.loads(text[text.index("{"):text.rindex("}") + 1])
    return {"kind": kind, "input": label, "MB": round(path.stat().st_size / 1e6, 1),
            "rows read": summary["rows_read"], "rejected": summary["rows_rejected"],
            "tables": ", ".join(f"{t} {n:,}" for t, n in summary["tables"].items()),
            "wall s": round(measured.wall_s, 1), "rows/s": round(summary["rows_read"] / measured.wall_s),
            "peak MiB": round(measured.peak_rss_mib or 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000], help="addresses per synthetic town")
    parser.add_argument("--postcodes", type=int, default=2_000_000)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    rows = [measure("addressbase-premium", premium_file(n), f"premium-{n}") for n in args.sizes]
    rows.append(measure("codepoint", codepoint_file(args.postcodes), f"codepoint-{args.postcodes}"))
    print()
    print(pd.DataFrame(rows).to_string(index=False))


def test_loaders_benchmark(run_with_bench_sizes):
    """`make bench` entry."""
    run_with_bench_sizes(main, "bench_loaders")


if __name__ == "__main__":
    main()
