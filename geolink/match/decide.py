"""Per-record decisions: the best UPRN, the runner-up, the margin and the band.

Bands: `exact` (confident, and every element agrees), `high` (confident), `review`
(plausible but uncertain, or too close to another candidate), `parent` (the building
is certain, the flat is not: the answer is the building, never a sibling flat),
`unmatched` (nothing plausible).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .compare import LEVELS
from .model import MAX_LEAD_BITS, Model

# Thresholds on the calibrated record score. At 0.80, links on held-out synthetic towns
# are right more than 99.8% of the time (the benchmark prints the figures).
HIGH = 0.80
REVIEW = 0.30       # below this, nothing is worth a person's time: unmatched
BUILDING = 0.50     # pair probability, flat aside, above which the building is certain
TIED_BITS = 0.01    # two UPRNs fitting the record equally well: neither is ever confident
# A house name with no street and no place identifies it only this far (16 to 1) ahead of
# any other reading ('FLAT 1 ALBION COURT': a building in one town, a street in another).
NAME_ALONE_BITS = 4.0
# A place that is not the candidate's, on the candidate's very street, is a slip only when
# no other address comes within this many bits (a thousand to one): were there another
# street of that name in the place named, its address would be a close candidate.
PLACE_ASTRAY_BITS = 10.0
# A record giving its street another name (a terrace or estate: '11 CAERACCA VILLAS, PANT'
# on the candidate's street, which the text also names) is the candidate when the number
# and the locality agree and no other candidate comes within this many bits (16 to 1).
# On Merthyr and Exeter together, 19 of the 20 such reviews were right.
RENAMED_STREET_BITS = 4.0

_FLAT_SAME = LEVELS["flat"].index("same")
# A flat named by the letter after the number ('14A' for FLAT A, 14) identifies it too.
_FLAT_KNOWN = [_FLAT_SAME, LEVELS["flat"].index("suffix")]
_FLAT_NONE = LEVELS["flat"].index("both_missing")
_EXACT_LEVELS = {
    "number": {LEVELS["number"].index("exact"), LEVELS["number"].index("both_missing")},
    "flat": {_FLAT_SAME, _FLAT_NONE},
    "name": {LEVELS["name"].index("same"), LEVELS["name"].index("both_missing")},
    "street": {LEVELS["street"].index("exact")},
    "postcode": {LEVELS["postcode"].index("exact")},
}


_STREET_CONFLICT = {LEVELS["street"].index(level)
                    for level in ("similar", "words", "untyped", "weak", "elsewhere", "record_missing", "differs")}
_NAME_ELSEWHERE = LEVELS["name"].index("elsewhere")
_NAME_SAME = LEVELS["name"].index("same")
_STREET_UNSAID = LEVELS["street"].index("record_missing")
_STREET_EXACT = LEVELS["street"].index("exact")
_NAME_AGREES = [LEVELS["name"].index("same"), LEVELS["name"].index("similar")]
_NUMBER_UNSAID = LEVELS["number"].index("record_missing")
_NUMBER_NONE = LEVELS["number"].index("both_missing")
_NUMBER_EXACT = LEVELS["number"].index("exact")
_STREET_ELSEWHERE = LEVELS["street"].index("elsewhere")
_PLACE_CONFLICT = LEVELS["place"].index("conflict")
_PLACE_LOCALITY = LEVELS["place"].index("locality")
_PLACE_AGREES = [_PLACE_LOCALITY, LEVELS["place"].index("town")]
_NUMBER_APART = [LEVELS["number"].index("range"), LEVELS["number"].index("suffix_differs")]
_POSTCODE_EXACT = LEVELS["postcode"].index("exact")


def conflicting(best: pd.DataFrame, lead: np.ndarray) -> np.ndarray:
    """Plausible, never certain, so never above review: the record names another building
    ('10 RIDGEWAY COURT, NICHOLS WAY' is not '10 NICHOLS WAY' when the reference holds a
    Ridgeway Court), a range of numbers that only overlaps the candidate's ('1 & 2
    CLARKS COTTAGES' is two properties), or another letter after the number (14A is not
    14, nor 14B); or it names a flat but neither the number nor the name of the building
    ('FLAT 14, MILL LANE' for 14A MILL LANE); or, with no postcode to vouch for the candidate,
    it names another or a differently spelt street, no street at all (unless it names the
    candidate's building: a house known by its name and place, or by a name that no other
    candidate comes near, `lead` bits behind; or its own name for the street, with the
    candidate's number, locality and street in the text), or another place (unless the street is the
    candidate's exactly and no other candidate comes near: a place written wrongly, not
    another street of the same name)."""
    unvouched = best["level_postcode"].to_numpy() != _POSTCODE_EXACT
    street = best["level_street"].to_numpy()
    named_house = _named_without_street(best) \
        & (best["level_place"].isin(_PLACE_AGREES).to_numpy() | (lead >= NAME_ALONE_BITS))
    misplaced = (street == _STREET_EXACT) & (lead >= PLACE_ASTRAY_BITS)
    renamed = (street == _STREET_ELSEWHERE) & (best["level_place"].to_numpy() == _PLACE_LOCALITY) \
        & (best["level_number"].to_numpy() == _NUMBER_EXACT) & (lead >= RENAMED_STREET_BITS)
    doubts = (np.isin(street, list(_STREET_CONFLICT)) & ~named_house & ~renamed) \
        | ((best["level_place"].to_numpy() == _PLACE_CONFLICT) & ~misplaced)
    unidentified = (best["level_number"].to_numpy() == _NUMBER_UNSAID) \
        & ~best["level_name"].isin(_NAME_AGREES).to_numpy() & (best["level_flat"].to_numpy() != _FLAT_NONE)
    return (unvouched & doubts) | (best["level_name"].to_numpy() == _NAME_ELSEWHERE) | \
        best["level_number"].isin(_NUMBER_APART).to_numpy() | unidentified


def _named_alone(best: pd.DataFrame, lead: np.ndarray) -> np.ndarray:
    """A house known by its name alone ('TEGFRYN, TRELEWIS'), named exactly, with no number,
    flat or street on either side to say otherwise, and no other candidate within
    NAME_ALONE_BITS: the name identifies it, though the model's few agreeing elements
    score it below HIGH (on Merthyr, 25 such reviews, all right)."""
    return _named_without_street(best) & (best["level_number"].to_numpy() == _NUMBER_NONE) \
        & (best["level_flat"].to_numpy() == _FLAT_NONE) & (lead >= NAME_ALONE_BITS)


def _named_without_street(best: pd.DataFrame) -> np.ndarray:
    """The candidate's building named exactly, by a record that names no street."""
    return (best["level_street"].to_numpy() == _STREET_UNSAID) & (best["level_name"].to_numpy() == _NAME_SAME)


def best_and_runner_up(pairs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each record's best pair and its best pair with another UPRN (NaN rows when none)."""
    ranked = (pairs.sort_values(["pos", "evidence", "row_id"], ascending=[True, False, True])
              .drop_duplicates(["pos", "uprn"]))
    rank = ranked.groupby("pos").cumcount()
    best = ranked[rank == 0].set_index("pos")
    second = ranked[rank == 1].set_index("pos").reindex(best.index)
    return best, second


def lead_bits(best: pd.DataFrame, second: pd.DataFrame) -> np.ndarray:
    return (best["evidence"] - second["evidence"]).fillna(MAX_LEAD_BITS).clip(upper=MAX_LEAD_BITS).to_numpy()


def decide(pairs: pd.DataFrame, model: Model, capped: np.ndarray | None = None) -> pd.DataFrame:
    """One row per record (`pos`) from scored pairs; records whose `capped[pos]` is true
    (a descriptor such as OUTSIDE or LAND AT: not the property itself) stay in review.

    `pairs` needs pos, row_id, uprn, parent_uprn, usrn, is_parent, evidence, explanation,
    the comparison level columns and the building columns (sao_text, sao_number,
    sao_suffix, pao_number, pao_suffix, pao_text, street, postcode).
    """
    best, second = best_and_runner_up(pairs)
    lead = lead_bits(best, second)
    score = model.record_probability(best["evidence"].to_numpy(), lead)
    margin = (model.pair_probability(best["evidence"].to_numpy())
              - model.pair_probability(second["evidence"].fillna(-np.inf).to_numpy()))
    exact = np.ones(len(best), dtype=bool)
    for c, ok in _EXACT_LEVELS.items():
        exact &= best[f"level_{c}"].isin(ok).to_numpy()

    flat_uncertain = ~best["level_flat"].isin(_FLAT_KNOWN).to_numpy()
    siblings = ((best["parent_uprn"] > 0) & (best["parent_uprn"] == second["parent_uprn"])).to_numpy()
    close = margin < 0.5
    is_shell = best["is_parent"].to_numpy().astype(bool) & flat_uncertain
    building_certain = model.pair_probability(_building_evidence(best, model)) >= BUILDING
    parent = building_certain & (is_shell | ((siblings | _one_building(best, second)) & flat_uncertain & close))

    band = np.where(score >= REVIEW, "review", "unmatched").astype(object)
    # A building of flats, for a record naming none of them, is answered as the parent or
    # reviewed: never linked as if it were the household's address.
    confident = ((score >= HIGH) | _named_alone(best, lead)) & ~conflicting(best, lead) \
        & (lead >= TIED_BITS) & ~is_shell
    if capped is not None:
        confident &= ~capped[best.index.to_numpy()]
    band[confident] = "high"
    band[confident & exact] = "exact"
    band[parent] = "parent"

    uprn = best["uprn"].to_numpy().astype(np.int64)
    building = np.where(is_shell, uprn, best["parent_uprn"].to_numpy().astype(np.int64))
    uprn = np.where(parent, building, uprn)
    keep = (band != "unmatched") & (uprn > 0)
    return pd.DataFrame({
        "uprn": pd.array(np.where(keep, uprn, 0), dtype="Int64").astype("Int64"),
        "usrn": pd.array(best["usrn"].to_numpy(), dtype="Int64"),
        "score": np.round(score, 4),
        "band": band,
        "runner_up_uprn": pd.array(second["uprn"].to_numpy(), dtype="Int64"),
        "margin": np.round(margin, 4),
        "best_row": best["row_id"].to_numpy(),
        "explanation": best["explanation"].to_numpy(),
    }, index=best.index).pipe(_blank_zero_uprns, keep)


def _blank_zero_uprns(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    frame.loc[~keep, "uprn"] = pd.NA
    frame.loc[frame["band"] == "unmatched", "usrn"] = pd.NA
    return frame


def _building_evidence(best: pd.DataFrame, model: Model) -> np.ndarray:
    """Evidence with the flat left out: how sure the building is, whatever the flat."""
    flat = model.weight_table("flat")
    return best["evidence"].to_numpy() - flat[best["level_flat"].to_numpy()] + flat[_FLAT_NONE]


def _one_building(best: pd.DataFrame, second: pd.DataFrame) -> np.ndarray:
    """Two flats of one building (for references that carry no parent UPRNs)."""
    same = np.ones(len(best), dtype=bool)
    for column in ("pao_number", "pao_suffix", "pao_text", "street", "postcode"):
        same &= (best[column] == second[column]).to_numpy()
    has_units = ((best["sao_text"] != "") | (best["sao_number"] >= 0) | (best["sao_suffix"] != "")).to_numpy()
    return same & has_units
