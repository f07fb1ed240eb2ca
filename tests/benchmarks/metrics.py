"""Link-level accuracy metrics for address matching (pure functions, no I/O but ``read_*``).

A *link* is a prediction with a non-empty uprn. With truth mapping record_id -> true uprn
(empty when the true property is not in the reference):

- precision = correct links / links made
- recall    = correct links / records with a true uprn
- F1        = harmonic mean of the two

Predictions may miss record_ids (counted unmatched) and may carry extra ones (ignored,
but counted in ``unknown_ids`` so a broken join is visible).
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path


def _clean(u) -> str:
    s = "" if u is None else str(u).strip()
    if s.lower() in ("", "nan", "none", "null"):
        return ""
    return s[:-2] if s.endswith(".0") and s[:-2].isdigit() else s


def score(predictions: Mapping[str, str], truth: Mapping[str, str],
          subset: Iterable[str] | None = None) -> dict:
    """Precision, recall, F1 and counts.

    Args:
        predictions: record_id -> predicted uprn ("" or None = no link).
        truth: record_id -> true uprn ("" or None = should not link).
        subset: optional record_ids to restrict the scoring to.

    Returns:
        dict with records, positives, links, correct, wrong (links to the wrong uprn
        on a positive), false_links_on_negatives, missed, precision, recall, f1,
        unknown_ids.
    """
    ids = list(truth) if subset is None else [r for r in subset if r in truth]
    links = correct = wrong = false_neg_links = positives = 0
    for rid in ids:
        t = _clean(truth[rid])
        p = _clean(predictions.get(rid))
        positives += bool(t)
        if not p:
            continue
        links += 1
        if p == t:
            correct += 1
        elif t:
            wrong += 1
        else:
            false_neg_links += 1
    precision = correct / links if links else 0.0
    recall = correct / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return dict(records=len(ids), positives=positives, links=links, correct=correct,
                wrong=wrong, false_links_on_negatives=false_neg_links,
                missed=positives - correct - wrong, precision=precision, recall=recall, f1=f1,
                unknown_ids=sum(1 for r in predictions if r not in truth))


def count_values(rows: Iterable[Mapping[str, str]], column: str) -> dict[str, int]:
    """How many rows hold each value of a column (e.g. geolink's ``band``)."""
    out: dict[str, int] = {}
    for r in rows:
        v = r.get(column) or ""
        out[v] = out.get(v, 0) + 1
    return out


def read_mapping(path: Path | str, key: str = "record_id", value: str = "uprn") -> dict[str, str]:
    """A two-column mapping from a CSV file."""
    with open(path, newline="", encoding="utf-8") as f:
        return {r[key]: _clean(r.get(value)) for r in csv.DictReader(f)}


def read_rows(path: Path | str) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


if __name__ == "__main__":
    truth = {"a": "1", "b": "2", "c": "3", "d": ""}
    pred = {"a": "1", "b": "9", "d": "4", "zz": "5"}          # c missing -> unmatched
    m = score(pred, truth)
    assert (m["links"], m["correct"], m["wrong"], m["false_links_on_negatives"]) == (3, 1, 1, 1)
    assert m["positives"] == 3 and m["missed"] == 1 and m["unknown_ids"] == 1
    assert abs(m["precision"] - 1 / 3) < 1e-12 and abs(m["recall"] - 1 / 3) < 1e-12
    assert score({}, truth)["f1"] == 0.0
    assert score({"a": "1.0"}, {"a": "1"})["correct"] == 1
    assert score(pred, truth, subset=["a"])["precision"] == 1.0
    print("metrics self-check ok")
