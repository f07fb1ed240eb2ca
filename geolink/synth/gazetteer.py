"""The synthetic gazetteer table: approved addresses plus alternative and historic records.

As in an LLPG, a UPRN may carry several address records: the approved one, an
alternative (a house name as well as a number, FLAT A for FLAT 1) and a historic one
(the name a house had before). `full_address` is rendered the AddressBase way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import names

GAZETTEER_COLUMNS = (
    "uprn", "parent_uprn", "usrn", "sao_text", "sao_start_number", "sao_start_suffix",
    "sao_end_number", "pao_text", "pao_start_number", "pao_start_suffix", "pao_end_number",
    "street", "locality", "town", "postcode", "full_address", "x", "y", "classification",
    "status", "source",
)
STATUS_ORDER = {"approved": 0, "alternative": 1, "historic": 2}


def gazetteer_table(addresses: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Approved rows plus alternative and historic variants, sorted by UPRN then status."""
    approved = addresses.assign(status="approved")
    variants = [approved, _alternatives(approved, rng), _historic(approved, rng)]
    g = pd.concat(variants, ignore_index=True)
    g["source"] = "synthetic"
    g["full_address"] = full_address(g)
    g["_rank"] = g["status"].map(STATUS_ORDER)
    g = g.sort_values(["uprn", "_rank"], kind="stable").reset_index(drop=True)
    return g[list(GAZETTEER_COLUMNS)]


def _alternatives(g: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(g)
    pick = rng.random(n) < 0.025
    alt = g[pick].copy()
    named_and_numbered = (alt["pao_text"] != "") & (alt["pao_start_number"] > 0) & (alt["sao_text"] == "")
    numbered_house = (alt["pao_text"] == "") & (alt["pao_start_number"] > 0) & (alt["sao_text"] == "")
    numbered_flat = (alt["sao_text"] == "FLAT") & (alt["sao_start_number"].between(1, 8))
    alt.loc[named_and_numbered, "pao_text"] = ""
    house_names = np.array(names.HOUSE_NAMES, dtype=object)
    alt.loc[numbered_house, "pao_text"] = house_names[rng.integers(0, len(house_names), int(numbered_house.sum()))]
    letters = np.array(list("ABCDEFGH"), dtype=object)
    alt.loc[numbered_flat, "sao_start_suffix"] = letters[alt.loc[numbered_flat, "sao_start_number"].to_numpy() - 1]
    alt.loc[numbered_flat, "sao_start_number"] = 0
    alt = alt[named_and_numbered | numbered_house | numbered_flat]
    return alt.assign(status="alternative")


def _historic(g: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Houses that had a name before they were numbered: 'THE OLD BAKERY, MILL LANE'."""
    houses = (g["sao_text"] == "") & g["classification"].str.startswith("RD") & (g["pao_start_number"] > 0)
    pick = houses & (rng.random(len(g)) < 0.01)
    old = g[pick].copy()
    old_names = np.array(("THE OLD BAKERY", "THE OLD FORGE", "THE OLD POST OFFICE",
                          "CHAPEL HOUSE", "SCHOOL HOUSE", "THE OLD DAIRY"), dtype=object)
    old["pao_text"] = old_names[rng.integers(0, len(old_names), len(old))]
    old["pao_start_number"] = 0
    old["pao_start_suffix"] = ""
    return old.assign(status="historic")


def _number_label(number: pd.Series, suffix: pd.Series, end: pd.Series | None = None) -> pd.Series:
    label = number.astype(str).where(number > 0, "") + suffix
    if end is not None:
        label = label.where(end <= 0, label + "-" + end.astype(str))
    return label


def full_address(g: pd.DataFrame) -> pd.Series:
    """'FLAT 2, ALBION COURT, 12-14 MILL LANE, TOPSHAM, EXBRIDGE, YX1 2AB'."""
    sao = (g["sao_text"] + " " + _number_label(g["sao_start_number"], g["sao_start_suffix"])).str.strip()
    pao_number = _number_label(g["pao_start_number"], g["pao_start_suffix"], g["pao_end_number"])
    street = (pao_number + " " + g["street"]).str.strip()
    text = sao + ", " + g["pao_text"] + ", " + street + ", " + g["locality"] + ", " + g["town"] + ", " + g["postcode"]
    return text.str.replace(r"(, )+", ", ", regex=True).str.strip(", ")
