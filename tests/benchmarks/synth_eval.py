"""Accuracy of `geolink match` on a synthetic town against its truth (used by the benchmarks)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from geolink.gazetteer.prepare import prepare_reference
from geolink.match.pipeline import match_table
from geolink.synth import make_town, write_town
from geolink.synth.services import MAPPING

LINK_BANDS = ("exact", "high")


def evaluate_town(addresses: int, seed: int, workdir: Path | None = None, datasets=None) -> pd.DataFrame:
    """Per-dataset precision / recall of links (exact + high) against truth UPRNs."""
    workdir = Path(workdir or tempfile.mkdtemp())
    town = make_town(addresses, seed)
    write_town(town, workdir / "town")
    ref = prepare_reference(workdir / "town" / "gazetteer.csv", cache=workdir / "cache")
    rows = []
    for name, spec in MAPPING.items():
        if datasets and name not in datasets:
            continue
        frame = pd.read_csv(workdir / "town" / "services" / f"{name}.csv", dtype=str, keep_default_na=False)
        result = match_table(frame, ref, id_column="record_id", address_columns=spec["address_columns"],
                             postcode_column=spec.get("postcode_column"))
        truth = town.truth[town.truth["dataset"] == name].set_index("record_id")["uprn"]
        out = result.output.set_index("record_id")
        rows.append(score(out, truth) | {"dataset": name, "seconds": result.report["seconds"]})
        rows[-1]["_out"] = out.assign(truth=truth)
    ref.close()
    return pd.DataFrame(rows)


def score(out: pd.DataFrame, truth: pd.Series) -> dict:
    linked = out["band"].isin(LINK_BANDS)
    correct = linked & (out["uprn"].astype("Int64") == truth.reindex(out.index).astype("Int64")).fillna(False)
    has_truth = truth.reindex(out.index).notna()
    tp, links = int(correct.sum()), int(linked.sum())
    precision = tp / links if links else 1.0
    recall = tp / int(has_truth.sum()) if has_truth.sum() else 1.0
    bands = out["band"].value_counts().to_dict()
    return {"records": len(out), "links": links, "correct": tp,
            "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if tp else 0.0,
            **{f"n_{b}": int(bands.get(b, 0)) for b in ("review", "parent", "unmatched", "rejected")}}
