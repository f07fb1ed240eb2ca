"""Blocking keys: which reference rows are worth comparing with a record.

One pure function makes the keys of both sides, so a record and its true address meet
whenever they share a postcode, a postcode and a number, or a distinctive word and a
number. A wrong or missing postcode therefore loses nothing as long as the street is
recognisable, and no record needs a postcode at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RARE_TOKEN_ROWS = 20      # a word on at most this many reference rows is a key on its own
COMMON_TOKEN_SHARE = 0.01  # words on more than this share of rows never make a key
# Keys shared by more reference rows than this carry too little information to join on.
MAX_KEY_ROWS = 400
# A word and a number on more rows than this name no particular place: LANSDOWNE + 12
# stands on every LANSDOWNE street. Dropping them halves the candidate join on the
# synthetic 200k town and loses no true address on any benchmark set.
MAX_WORD_NUMBER_ROWS = 40


def numbers_long(el: pd.DataFrame) -> pd.DataFrame:
    """(pos, number) for every building or flat number a row carries, ranges at both ends."""
    pos = np.arange(len(el))
    parts = []
    for column in ("pao_number", "pao_end", "sao_number"):
        values = el[column].to_numpy()
        keep = values >= 0
        parts.append(pd.DataFrame({"pos": pos[keep], "number": values[keep]}))
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def row_words(el: pd.DataFrame) -> pd.DataFrame:
    """(pos, token) for each distinct word of each row's text; `el` must have a 0..n-1 index."""
    tokens = el["text"].str.split().explode()
    tokens = tokens[tokens.notna()]
    return pd.DataFrame({"pos": tokens.index.to_numpy(), "token": tokens.to_numpy()}).drop_duplicates()


def blocking_keys(el: pd.DataFrame, usable: frozenset[str], rare: frozenset[str],
                  words: pd.DataFrame | None = None) -> pd.DataFrame:
    """All keys of every row as (pos, key); `el` must have a 0..n-1 index. `words` are
    its `row_words`, when the caller has them already."""
    el = el.reset_index(drop=True)
    pos = np.arange(len(el))
    postcode = el["postcode"].to_numpy()
    has_pc = postcode != ""
    numbers = numbers_long(el)
    words = row_words(el) if words is None else words
    tokens = words[words["token"].isin(usable)]
    parts = [pd.DataFrame({"pos": pos[has_pc], "key": "PC|" + pd.Series(postcode[has_pc], dtype=object)})]
    pn = numbers[has_pc[numbers["pos"].to_numpy()]]
    parts.append(pd.DataFrame({
        "pos": pn["pos"].to_numpy(),
        "key": "PN|" + pd.Series(postcode[pn["pos"].to_numpy()], dtype=object) + "|" + pn["number"].astype(str).to_numpy(),
    }))
    tn = tokens.merge(numbers, on="pos")
    parts.append(pd.DataFrame({"pos": tn["pos"].to_numpy(),
                               "key": ("TN|" + tn["token"] + "|" + tn["number"].astype(str)).to_numpy()}))
    parts += _element_keys(el, numbers)
    rare_tokens = tokens[tokens["token"].isin(rare)]
    parts.append(pd.DataFrame({"pos": rare_tokens["pos"].to_numpy(),
                               "key": ("T|" + rare_tokens["token"]).to_numpy()}))
    keys = pd.concat(parts, ignore_index=True)
    return keys.drop_duplicates(ignore_index=True)


def reference_keys_sql(keys: str = "_keys") -> str:
    """The reference's keys `keys` (row_id, key) with n, the rows that share each key, less
    the keys too common to tell addresses apart. A grouping and a join, not a window, so
    that DuckDB can spill them to disk on a national gazetteer."""
    return f"""
        WITH sizes AS (
            SELECT key, count(*) AS n FROM {keys} GROUP BY key
            HAVING n <= CASE WHEN starts_with(key, 'TN|') THEN {MAX_WORD_NUMBER_ROWS} ELSE {MAX_KEY_ROWS} END
        )
        SELECT k.row_id, k.key, s.n FROM {keys} k JOIN sizes s USING (key)
    """


def _element_keys(el: pd.DataFrame, numbers: pd.DataFrame) -> list[pd.DataFrame]:
    """Keys on whole elements: street or building name + number, building name + street.

    A street and a building name share their keys with a number, as a record often gives
    the one where the reference has the other: '10, FOREST MANSIONS' is read as number 10
    of a street, and is FLAT 10, FOREST MANSIONS, HILL STREET."""
    # Spaces removed, so that CORN MILL AVENUE and CORNMILL AVENUE share their keys.
    street = el["street"].str.replace(" ", "", regex=False).to_numpy()
    name = el["pao_text"].str.replace(" ", "", regex=False).to_numpy()
    pos, number = numbers["pos"].to_numpy(), numbers["number"].astype(str).to_numpy()
    out = []
    for values in (street, name):
        keep = values[pos] != ""
        out.append(pd.DataFrame({"pos": pos[keep],
                                 "key": "NN|" + pd.Series(values[pos[keep]], dtype=object) + "|" + number[keep]}))
    both = (name != "") & (street != "")
    out.append(pd.DataFrame({"pos": np.flatnonzero(both),
                             "key": "BS|" + pd.Series(name[both], dtype=object) + "|" + street[both]}))
    return out + _flat_keys(el, street, name)


def _flat_keys(el: pd.DataFrame, street: np.ndarray, name: np.ndarray) -> list[pd.DataFrame]:
    """Keys on a flat within its building: street + number + flat, building name + flat.

    A block's flats share every other key, so without these the flat a record names may
    rank below its siblings' cut. A letter after the number ('14A') is also tried as the
    flat, as it often means FLAT A, 14."""
    sao = el["sao_number"].to_numpy()
    flat = np.where(sao >= 0, sao.astype(str), "").astype(object) + el["sao_suffix"].to_numpy(dtype=object)
    lettered = (flat == "") & (el["pao_suffix"].to_numpy(dtype=object) != "")
    flat = np.where(lettered, el["pao_suffix"].to_numpy(dtype=object), flat)
    number = el["pao_number"].to_numpy()
    on_street = (flat != "") & (street != "") & (number >= 0)
    in_building = (flat != "") & (name != "")
    return [
        pd.DataFrame({"pos": np.flatnonzero(on_street),
                      "key": "FS|" + pd.Series(street[on_street], dtype=object) + "|"
                      + number[on_street].astype(str) + "|" + flat[on_street]}),
        pd.DataFrame({"pos": np.flatnonzero(in_building),
                      "key": "FB|" + pd.Series(name[in_building], dtype=object) + "|" + flat[in_building]}),
    ]


def token_vocabulary(frequency: pd.Series, rows: int) -> tuple[frozenset[str], frozenset[str]]:
    """Usable and rare key words of a reference of `rows` rows, given each word's row
    frequency (`row_words` counted by token)."""
    alphabetic = frequency.index.str.fullmatch(r"[A-Z]{2,}")
    limit = max(200, COMMON_TOKEN_SHARE * rows)
    usable = frozenset(frequency.index[alphabetic & (frequency.to_numpy() <= limit)])
    rare = frozenset(frequency.index[alphabetic & (frequency.to_numpy() <= RARE_TOKEN_ROWS)])
    return usable, rare
