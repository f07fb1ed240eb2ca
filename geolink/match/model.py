"""Evidence weights per comparison level, and a calibrated 0-1 score per record.

Each comparison level carries a weight in bits, as in Fellegi-Sunter; a pair's evidence
is their sum. The weights are fitted on synthetic towns with known truth
(`geolink.match.train`) by L2-regularised logistic regression over one-hot levels,
rather than as m/u ratios estimated by EM on each run: candidate sets are small and
lopsided (one true pair among a few dozen) where EM is unstable, the levels are not
independent (street and postcode agree together) so naive m/u sums are overconfident,
and a joint fit ranks candidates and calibrates pairs in one step.

Whether a record's best candidate is right depends also on how far it leads the
runner-up: '39 CAVENDISH LANE' without postcode is certain when the town has one
Cavendish Lane and doubtful when it has two. A second logistic fit, on the best
candidate's evidence and its lead in bits, gives the record's calibrated score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from .compare import LEVELS

# Features of the model: each comparison on its own, except the building's number and
# name, which are crossed: a missing number says little when the names agree, a lot
# when nothing else identifies the building.
FEATURES: dict[str, tuple[str, ...]] = {
    "building": tuple(f"number {a}, name {b}" for a in LEVELS["number"] for b in LEVELS["name"]),
    **{c: LEVELS[c] for c in LEVELS if c not in ("number", "name")},
}


def feature_codes(levels: pd.DataFrame) -> dict[str, np.ndarray]:
    """The code of every feature for every pair, from the comparison levels."""
    codes = {c: levels[c].to_numpy().astype(np.int64) for c in FEATURES if c != "building"}
    codes["building"] = levels["number"].to_numpy().astype(np.int64) * len(LEVELS["name"]) \
        + levels["name"].to_numpy().astype(np.int64)
    return codes

WEIGHTS_FILE = "weights.json"
MAX_LEAD_BITS = 30.0


@dataclass(frozen=True)
class Model:
    """Pair weights (bits) by comparison and level, and the record calibration."""

    weights: dict[str, dict[str, float]]
    intercept: float
    record_coefficients: tuple[float, ...]  # on record_features(), last one the constant
    calibration: tuple[tuple[float, ...], tuple[float, ...]] = ((0.0, 1.0), (0.0, 1.0))

    def weight_table(self, feature: str) -> np.ndarray:
        return np.array([self.weights[feature][level] for level in FEATURES[feature]])

    def evidence(self, levels: pd.DataFrame) -> np.ndarray:
        """Summed evidence of every pair, in bits (intercept included)."""
        codes = feature_codes(levels)
        return self.intercept + sum(self.weight_table(f)[codes[f]] for f in FEATURES)

    @staticmethod
    def pair_probability(evidence: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp2(-np.asarray(evidence, dtype=float)))

    def record_probability(self, best: np.ndarray, lead: np.ndarray) -> np.ndarray:
        """Calibrated probability that the best candidate is the record's address."""
        return np.interp(self.raw_record_score(best, lead), *self.calibration)

    def raw_record_score(self, best: np.ndarray, lead: np.ndarray) -> np.ndarray:
        z = record_features(best, lead) @ np.asarray(self.record_coefficients)
        return 1.0 / (1.0 + np.exp(-z))

    def explain(self, levels: pd.DataFrame) -> list[str]:
        """'number exact +5.1; street close +3.2; ...' for each pair."""
        codes = feature_codes(levels)
        text = np.full(len(levels), "", dtype=object)
        for k, f in enumerate(FEATURES):
            label = "" if f == "building" else f"{f} "
            # Each level's phrase is written once; the pairs pick theirs by code.
            phrases = np.array([f"{'; ' if k else ''}{label}{n} {v:+.1f}"
                                for n, v in zip(FEATURES[f], self.weight_table(f))], dtype=object)
            text = text + phrases[codes[f]]
        return text.tolist()

    def to_json(self) -> str:
        return json.dumps({"weights": self.weights, "intercept": self.intercept,
                           "record_coefficients": list(self.record_coefficients),
                           "calibration": [list(self.calibration[0]), list(self.calibration[1])]},
                          indent=2, sort_keys=True)


def load_model() -> Model:
    """The weights shipped with geolink (fitted by `python -m geolink.match.train`)."""
    data = json.loads(resources.files("geolink.match").joinpath(WEIGHTS_FILE).read_text())
    return Model(weights=data["weights"], intercept=data["intercept"],
                 record_coefficients=tuple(data["record_coefficients"]),
                 calibration=(tuple(data["calibration"][0]), tuple(data["calibration"][1])))


def fit_pair_weights(levels: pd.DataFrame, is_match: np.ndarray, l2: float = 1.0) -> tuple[dict, float]:
    """Weights (bits) per level and an intercept, by logistic regression on one-hot levels."""
    columns = [(f, n) for f, names in FEATURES.items() for n in names]
    design = np.zeros((len(levels), len(columns) + 1))
    offset = 0
    codes = feature_codes(levels)
    for f, names in FEATURES.items():
        design[np.arange(len(levels)), offset + codes[f]] = 1.0
        offset += len(names)
    design[:, -1] = 1.0
    bits = logistic(design, is_match.astype(float), l2) / np.log(2)
    weights: dict[str, dict[str, float]] = {f: {} for f in FEATURES}
    for (c, n), b in zip(columns, bits[:-1]):
        weights[c][n] = round(float(b), 3)
    return weights, round(float(bits[-1]), 3)


def with_priors(weights: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Fitted weights with three rules of UK addressing imposed where synthetic towns are too
    thin to teach them: a letter read as the flat ('14A' for FLAT A, 14) weighs a bit less
    than no flat on either side, so a literal 14A is preferred when both exist; another
    letter after the number (14 against 14A, 14A against 14B) is another property, as much
    as another number is; and a postcode nearer the candidate's never counts against it
    more than one further off (the same district with a slipped sector digit is no worse
    than another district: a synthetic town's wrong postcodes seldom keep the district,
    real keying slips often do)."""
    out = {feature: dict(levels) for feature, levels in weights.items()}
    flat = out["flat"]
    flat["suffix"] = min(flat["suffix"], flat["both_missing"] - 1.0)
    postcode = out["postcode"]
    postcode["district"] = max(postcode["district"], postcode["differs"])
    postcode["sector"] = max(postcode["sector"], postcode["district"])
    building = out["building"]
    for name in LEVELS["name"]:
        key = f"number suffix_differs, name {name}"
        building[key] = min(building[key], building[f"number differs, name {name}"])
    return out


def record_features(best: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """The best candidate's evidence, and its lead as a piecewise-linear curve (hinges at
    2, 6 and 12 bits): the first bits of lead matter far more than the last."""
    lead = np.minimum(np.asarray(lead, dtype=float), MAX_LEAD_BITS)
    best = np.asarray(best, dtype=float)
    hinges = [np.minimum(lead, h) for h in (2.0, 6.0, 12.0)]
    return np.column_stack([best, *hinges, lead, np.ones(len(best))])


def fit_record_coefficients(best: np.ndarray, lead: np.ndarray, correct: np.ndarray) -> tuple[float, ...]:
    """Calibration of 'the best candidate is right' on its evidence and lead."""
    beta = logistic(record_features(best, lead), correct.astype(float), l2=0.1)
    return tuple(round(float(b), 5) for b in beta)


def fit_calibration(raw: np.ndarray, correct: np.ndarray, knots: int = 40) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Isotonic map from raw record scores to observed accuracy (pool adjacent violators),
    fitted on a town the weights were not fitted on, and kept as interpolation knots."""
    order = np.argsort(raw, kind="stable")
    x, y = raw[order], correct[order].astype(float)
    values, weights, ends = [], [], []
    for xi, yi in zip(x, y):
        values.append(yi)
        weights.append(1.0)
        ends.append(xi)
        while len(values) > 1 and values[-2] > values[-1]:
            w = weights[-2] + weights[-1]
            v = (values[-2] * weights[-2] + values[-1] * weights[-1]) / w
            values[-2:], weights[-2:], ends[-2:] = [v], [w], [ends[-1]]
    step_x, step_y = np.array(ends), np.array(values)
    grid = np.unique(np.quantile(x, np.linspace(0, 1, knots)))
    fitted = step_y[np.minimum(np.searchsorted(step_x, grid), len(step_y) - 1)]
    grid = np.concatenate([[0.0], grid, [1.0]])
    fitted = np.maximum.accumulate(np.concatenate([[0.0], fitted, [fitted[-1]]]))
    return tuple(np.round(grid, 6).tolist()), tuple(np.round(fitted, 6).tolist())


def logistic(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 100) -> np.ndarray:
    """Ridge logistic regression by Newton's method; the last column (constant) is not penalised."""
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        w = p * (1 - p)
        grad = x.T @ (p - y) + penalty * beta
        hess = (x * w[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-7:
            break
    return beta
