"""Fit the shipped weights from synthetic towns with known truth.

    python -m geolink.match.train [--addresses 60000] [--seeds 101 102]

writes geolink/match/weights.json. Pairs are every candidate the blocking finds for
every service record; a pair is a match when its UPRN is the record's true UPRN.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from geolink.address import extract_postcode
from geolink.gazetteer.prepare import prepare_reference
from geolink.synth import make_town, write_town
from geolink.synth.services import MAPPING
from .decide import best_and_runner_up, lead_bits
from .model import (WEIGHTS_FILE, Model, fit_calibration, fit_pair_weights, fit_record_coefficients,
                    with_priors)
from .pipeline import candidate_levels, record_text


SCENARIOS = ("gazetteer", "free_text_without_postcodes")


def _free_text_reference(town, path: Path) -> None:
    """The town's gazetteer as a plain `uprn,address` table with no postcodes anywhere,
    as many real references arrive (EPC registers, property lists)."""
    g = town.gazetteer
    address = g["full_address"].str.replace(r",\s*[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$", "", regex=True)
    pd.DataFrame({"uprn": g["uprn"], "address": address}).to_csv(path, index=False)


def labelled_levels(addresses: int, seed: int, workdir: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """Comparison levels of all candidate pairs of one synthetic town, and their labels.

    Each town is matched twice: against its canonical gazetteer with the records'
    postcodes, and against a free-text reference with postcodes stripped from both
    sides, so that the weights hold for either kind of reference. The frame also
    carries `record` (a town-wide record number), `uprn` and `row_id` per pair.
    """
    town = make_town(addresses, seed)
    out = workdir / f"town-{seed}"
    write_town(town, out)
    _free_text_reference(town, out / "free_text.csv")
    frames, labels = [], []
    truth = town.truth.set_index(["dataset", "record_id"])["uprn"]
    for scenario in SCENARIOS:
        source = out / ("gazetteer.csv" if scenario == "gazetteer" else "free_text.csv")
        ref = prepare_reference(source, cache=workdir / "cache")
        try:
            for name, spec in MAPPING.items():
                data = town.services[name]
                text = record_text(data.astype(str).replace("nan", ""), spec["address_columns"])
                if scenario == "gazetteer" and "postcode_column" in spec:
                    pc = data[spec["postcode_column"]].astype(str).tolist()
                else:
                    text = text.map(lambda t: extract_postcode(t)[1])
                    pc = [None] * len(text)
                keep = (text != "").to_numpy()
                _, pairs, levels = candidate_levels(text[keep].tolist(), [p for p, k in zip(pc, keep) if k], ref)
                true_uprn = truth.loc[name].reindex(data["record_id"][keep]).to_numpy()
                levels["record"] = f"{seed}/{scenario}/{name}/" + pairs["pos"].astype(str)
                levels["uprn"] = pairs["uprn"].to_numpy()
                levels["row_id"] = pairs["row_id"].to_numpy()
                levels["is_parent"] = pairs["is_parent"].to_numpy().astype(bool)
                frames.append(levels)
                labels.append(pairs["uprn"].to_numpy() == np.asarray(true_uprn[pairs["pos"].to_numpy()], dtype="float64"))
        finally:
            ref.close()
    return pd.concat(frames, ignore_index=True), np.concatenate(labels)


def _best(model: Model, levels: pd.DataFrame, labels: np.ndarray):
    """Evidence and lead of each record's best candidate, and whether it is right.

    Records whose best candidate is a building with flats are left out: they are
    answered as `parent` by rule, whatever their score."""
    pairs = levels.assign(evidence=model.evidence(levels), match=labels, pos=levels["record"])
    best, second = best_and_runner_up(pairs)
    keep = ~best["is_parent"].to_numpy()
    return best["evidence"].to_numpy()[keep], lead_bits(best, second)[keep], best["match"].to_numpy()[keep]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--addresses", type=int, default=60_000)
    parser.add_argument("--seeds", type=int, nargs=2, default=[101, 102],
                        help="two towns: one fits the weights, the other calibrates the score")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fit, held_out = (labelled_levels(args.addresses, s, Path(tmp)) for s in args.seeds)
        weights, intercept = fit_pair_weights(*fit)
        weights = with_priors(weights)
        model = Model(weights=weights, intercept=intercept, record_coefficients=(0.0,) * 6)
        coefficients = fit_record_coefficients(*_best(model, *fit))
        model = Model(weights=weights, intercept=intercept, record_coefficients=coefficients)
        best, lead, correct = _best(model, *held_out)
        calibration = fit_calibration(model.raw_record_score(best, lead), correct)
    model = Model(weights=weights, intercept=intercept, record_coefficients=coefficients,
                  calibration=calibration)
    path = Path(__file__).with_name(WEIGHTS_FILE)
    path.write_text(model.to_json() + "\n")
    print(f"{len(fit[0]):,} pairs, {fit[1].sum():,} matches -> {path}")


if __name__ == "__main__":
    main()
