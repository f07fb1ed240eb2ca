"""Scale benchmark: wall time, records/s and peak memory of `geolink match` as a town grows.

Run on demand (prints figures, asserts nothing about time):

    python tests/benchmarks/bench_scale.py [--sizes 100000 1000000 5000000]

The default sizes are 100k, 1M and 5M addresses: about an hour and a half on 2 cores,
most of it writing the 5M town once (`geolink synth`, ~11 min, ~11 GB) and matching it.
Each size is a `geolink synth` town of that many addresses and as many messy records
(the synthetic benchmark's sets). `geolink match` runs as a whole process twice: cold
(the gazetteer is prepared in the run) and warm (the prepared gazetteer reused); their
difference is the preparation. The growth exponent b of time ~ N^b is fitted on the
warm runs and on the preparations; b near 1 means the work grows with the data and no
faster.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_matching_synth import cold_and_warm  # noqa: E402
from metrics import score  # noqa: E402


def growth_exponent(sizes: list[int], seconds: list[float]) -> float:
    """b in seconds ~ sizes^b, fitted by least squares on the logarithms."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000])
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        _, truth, runs = cold_and_warm(size, args.seed)
        cold, warm = runs["cold"][0], runs["warm"][0]
        s = score(runs["warm"][1], truth)
        rows.append({"addresses": size, "records": len(truth),
                     "cold s": round(cold.wall_s, 1), "warm s": round(warm.wall_s, 1),
                     "prepare s": round(cold.wall_s - warm.wall_s, 1),
                     "records/s (warm)": round(len(truth) / warm.wall_s),
                     "peak MiB (cold)": round(cold.peak_rss_mib or 0), "peak MiB (warm)": round(warm.peak_rss_mib or 0),
                     "precision": round(s["precision"], 4), "recall": round(s["recall"], 4)})
        print(pd.DataFrame(rows[-1:]).to_string(index=False), flush=True)
    table = pd.DataFrame(rows)
    print()
    print(table.to_string(index=False))
    if len(table) > 1:
        print(f"growth exponent b (time ~ N^b): matching {growth_exponent(table['records'], table['warm s']):.2f}, "
              f"preparation {growth_exponent(table['addresses'], table['prepare s'].clip(lower=0.1)):.2f}")


def test_scale_benchmark(run_with_bench_sizes):
    """`make bench` entry (sizes from GEOLINK_BENCH_SIZES)."""
    run_with_bench_sizes(main, "bench_scale")


if __name__ == "__main__":
    main()
