"""Matching benchmark on synthetic towns: precision, recall, F1, records/s and peak memory.

Run on demand (prints figures, asserts nothing about time):

    python tests/benchmarks/bench_matching_synth.py [--sizes 20000 200000] [--peer]

For each size it writes a town whose property services hold about as many messy
records as the town has addresses, gathers them into one `record_id,address,postcode`
file, times `geolink match` as a whole process (reference preparation included, then
again with the prepared reference reused), and scores the links against truth.csv:
once over every record, and once over the records whose text still identifies their
property (the truth's `lost` is empty: no flat left off, no other street written, not a
point only), the ceiling the labels allow. With --peer, uk_address_matcher runs on the
same file in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from geolink_runner import geolink_command  # noqa: E402
from metrics import score  # noqa: E402
from procmeasure import run_measured  # noqa: E402

WORK = HERE / ".work" / "synth"
PROPERTY_DATASETS = {
    "council_tax_support": ["address_line_1", "address_line_2", "address_line_3", "address_line_4"],
    "housing_repairs": ["property_address"],
    "adult_social_care": ["address"],
}


def build_set(addresses: int, seed: int) -> Path:
    """Town + one messy file of all property-service records + truth, under .work/synth."""
    out = WORK / f"town-{addresses}-{seed}"
    built = (out / "messy.csv").exists() and (out / "truth.csv").exists()
    if built and "lost" in pd.read_csv(out / "truth.csv", nrows=0).columns:
        return out
    shutil.rmtree(out, ignore_errors=True)
    scale = 4.6
    subprocess.run([*geolink_command(), "synth", "--addresses", str(addresses), "--seed", str(seed),
                    "--service-scale", str(scale), "--out", str(out / "town")], check=True)
    frames = []
    for name, columns in PROPERTY_DATASETS.items():
        data = pd.read_csv(out / "town" / "services" / f"{name}.csv", dtype=str, keep_default_na=False)
        address = data[columns].apply(lambda row: ", ".join(v for v in row if v), axis=1)
        frames.append(pd.DataFrame({"record_id": data["record_id"], "address": address,
                                    "postcode": data["postcode"]}))
    messy = pd.concat(frames, ignore_index=True).iloc[:addresses]
    messy.to_csv(out / "messy.csv", index=False)
    truth = pd.read_csv(out / "town" / "truth.csv", dtype=str, keep_default_na=False)
    truth[truth["record_id"].isin(messy["record_id"])][["record_id", "uprn", "lost"]].to_csv(out / "truth.csv", index=False)
    return out


def identifiable(work: Path) -> list[str]:
    """The records whose text and postcode still identify their property (`lost` empty)."""
    t = pd.read_csv(work / "truth.csv", dtype=str, keep_default_na=False)
    return t.loc[t["lost"] == "", "record_id"].tolist()


def run_geolink(work: Path, label: str):
    out = work / f"geolink-{label}.csv"
    cmd = [*geolink_command(), "match", str(work / "messy.csv"), "--reference", str(work / "town" / "gazetteer.csv"),
           "--out", str(out), "--id-column", "record_id", "--address-column", "address",
           "--postcode-column", "postcode", "--cache", str(work / "cache")]
    measured = run_measured(cmd, work / f"geolink-{label}.log")
    if measured.returncode != 0:
        raise SystemExit(f"geolink match failed:\n{measured.tail()}")
    predictions = pd.read_csv(out, dtype=str, keep_default_na=False)
    linked = predictions["band"].isin(["exact", "high"])
    return measured, dict(zip(predictions["record_id"], predictions["uprn"].where(linked, "")))


def cold_and_warm(size: int, seed: int) -> tuple[Path, dict[str, str], dict]:
    """The set of `size` addresses, its truth (record_id -> uprn), and geolink run on it twice:
    {'cold': (measured, predictions), 'warm': ...}; cold prepares the gazetteer, warm reuses it."""
    work = build_set(size, seed)
    t = pd.read_csv(work / "truth.csv", dtype=str, keep_default_na=False)
    truth = dict(zip(t["record_id"], t["uprn"]))
    shutil.rmtree(work / "cache", ignore_errors=True)
    return work, truth, {label: run_geolink(work, label) for label in ("cold", "warm")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--peer", action="store_true", help="also run uk_address_matcher on the same sets")
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        work, truth, runs = cold_and_warm(size, args.seed)
        known = identifiable(work)
        for label, (measured, predictions) in runs.items():
            rows.append(_row(size, f"geolink ({label})", predictions, truth, known, measured))
        if args.peer:
            from peer import run_peer
            ref = work / "peer_reference.csv"
            g = pd.read_csv(work / "town" / "gazetteer.csv", dtype=str, keep_default_na=False)
            g[["uprn", "full_address", "postcode"]].rename(columns={"full_address": "address"}).to_csv(ref, index=False)
            result = run_peer(work / "messy.csv", ref, work / "peer.csv", has_postcode=True)
            if result.available and result.measured.returncode == 0:
                p = pd.read_csv(work / "peer.csv", dtype=str, keep_default_na=False)
                rows.append(_row(size, "uk_address_matcher", dict(zip(p["record_id"], p["uprn"])), truth,
                                 known, result.measured))
            else:
                print(f"uk_address_matcher not run: {result.error or result.measured.tail()}")
    table = pd.DataFrame(rows)
    print()
    print(table.to_string(index=False))


def _row(size, tool, predictions, truth, known, measured) -> dict:
    s, k = score(predictions, truth), score(predictions, truth, subset=known)
    return {"addresses": size, "records": len(truth), "tool": tool,
            "precision": round(s["precision"], 4), "recall": round(s["recall"], 4), "f1": round(s["f1"], 4),
            "identifiable": k["positives"], "P (identifiable)": round(k["precision"], 4),
            "R (identifiable)": round(k["recall"], 4),
            "records/s": round(len(truth) / measured.wall_s),
            "wall s": round(measured.wall_s, 1), "peak MiB": round(measured.peak_rss_mib or 0)}


def test_synthetic_matching_benchmark(run_with_bench_sizes):
    """`make bench` entry."""
    run_with_bench_sizes(main, "bench_matching_synth")


if __name__ == "__main__":
    main()
