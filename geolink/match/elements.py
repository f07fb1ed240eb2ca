"""Address elements as columns: the common shape of records and reference rows for matching.

Both sides of a match become the same frame (numbers as int64 with -1 for "none",
text as normalised strings with '' for "none"), so one comparison function serves both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from geolink.address import ParsedAddress, normalise_postcode, normalise_text

NONE = -1
TEXT_COLUMNS = ("sao_text", "sao_suffix", "pao_text", "pao_suffix", "street", "locality", "town",
                "postcode", "sector", "district", "text")
NUMBER_COLUMNS = ("sao_number", "pao_number", "pao_end")
ELEMENT_COLUMNS = TEXT_COLUMNS + NUMBER_COLUMNS


def from_parsed(parsed: Sequence[ParsedAddress]) -> pd.DataFrame:
    """Elements of parsed addresses (messy records, or a reference given as free text)."""
    def text(attr):
        return [getattr(p, attr) or "" for p in parsed]

    def number(attr):
        return np.array([NONE if getattr(p, attr) is None else getattr(p, attr) for p in parsed],
                        dtype=np.int64)

    frame = pd.DataFrame({
        "sao_text": text("sao_text"), "sao_suffix": text("sao_suffix"),
        "pao_text": text("pao_text"), "pao_suffix": text("pao_suffix"),
        "street": text("street"), "locality": text("locality"), "town": text("town"),
        "postcode": text("postcode"),
        "text": [" ".join(p.tokens) for p in parsed],
        "sao_number": number("sao_number"), "pao_number": number("pao_number"),
        "pao_end": number("pao_end_number"),
    })
    return with_postcode_parts(frame)


def from_canonical(g: pd.DataFrame) -> pd.DataFrame:
    """Elements of canonical gazetteer rows (AddressBase / LLPG style columns)."""
    norm = {c: _normalise_column(g[c]) for c in ("sao_text", "pao_text", "street", "locality", "town")}
    frame = pd.DataFrame({
        "sao_text": norm["sao_text"],
        "sao_suffix": _text_column(g.get("sao_start_suffix")),
        "pao_text": norm["pao_text"],
        "pao_suffix": _text_column(g.get("pao_start_suffix")),
        "street": norm["street"], "locality": norm["locality"], "town": norm["town"],
        "postcode": _postcode_column(g["postcode"]),
        "sao_number": _number_column(g.get("sao_start_number")),
        "pao_number": _number_column(g.get("pao_start_number")),
        "pao_end": _number_column(g.get("pao_end_number")),
    })
    frame = _split_unit_text(frame)
    sao_id = _id_label(frame["sao_number"], frame["sao_suffix"])
    pao_id = _id_label(frame["pao_number"], frame["pao_suffix"])
    pao_id = pao_id.where(frame["pao_end"] < 0, pao_id + "-" + frame["pao_end"].astype(str))
    parts = [frame["sao_text"], sao_id, frame["pao_text"], pao_id, frame["street"],
             frame["locality"], frame["town"]]
    frame["text"] = pd.Series([" ".join(filter(None, row)) for row in zip(*parts)], index=frame.index, dtype=object)
    return with_postcode_parts(frame)


_UNIT_TEXT = re.compile(r"^(?:(?P<word>.*?)\s+)?(?:(?P<num>\d+)(?P<suf>[A-Z]?)|(?P<letter>[A-Z]))$")


def _split_unit_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Many LLPGs hold 'FLAT 2' or 'FLAT A' whole in SAO_TEXT: split off the number or letter
    when the number columns are empty, so that both ways of recording a flat compare alike."""
    empty = (frame["sao_number"] < 0) & (frame["sao_suffix"] == "") & (frame["sao_text"] != "")
    if not empty.any():
        return frame
    parts = frame.loc[empty, "sao_text"].str.extract(_UNIT_TEXT)
    found = parts["num"].notna() | parts["letter"].notna()
    rows = parts.index[found]
    frame.loc[rows, "sao_text"] = parts.loc[rows, "word"].fillna("")
    frame.loc[rows, "sao_number"] = pd.to_numeric(parts.loc[rows, "num"]).fillna(NONE).astype(np.int64)
    frame.loc[rows, "sao_suffix"] = parts.loc[rows, "suf"].fillna("") + parts.loc[rows, "letter"].fillna("")
    return frame


def _id_label(number: pd.Series, suffix: pd.Series) -> pd.Series:
    return number.astype(str).where(number >= 0, "") + suffix


def _normalise_column(values: pd.Series | None) -> pd.Series:
    """normalise_text over the distinct values only: gazetteers repeat street names a lot."""
    values = _text_column(values)
    distinct = pd.unique(values)
    mapping = dict(zip(distinct, (normalise_text(v) if v else "" for v in distinct)))
    return values.map(mapping)


def _postcode_column(values: pd.Series) -> pd.Series:
    values = _text_column(values)
    distinct = pd.unique(values)
    mapping = dict(zip(distinct, (normalise_postcode(v) or "" for v in distinct)))
    return values.map(mapping)


def _text_column(values) -> pd.Series:
    """Values as stripped strings ('' for none), each distinct value stripped once."""
    if values is None:
        return pd.Series([], dtype=object)
    codes, distinct = pd.factorize(pd.Series(values).fillna("").astype(str))
    stripped = np.array([v.strip() for v in distinct], dtype=object)
    return pd.Series(stripped[codes])


def _number_column(values) -> np.ndarray:
    if values is None:
        return np.array([], dtype=np.int64)
    values = pd.Series(values).astype(object)
    numbers = pd.to_numeric(values.where(values != ""), errors="coerce")
    return numbers.fillna(NONE).astype(np.int64).to_numpy()


def with_postcode_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """Sector ('EX4 1') and district ('EX4') beside each postcode, worked out once per postcode."""
    codes, postcodes = pd.factorize(frame["postcode"])
    frame["sector"] = np.array([p[:-2] for p in postcodes], dtype=object)[codes]
    frame["district"] = np.array([p.split(" ")[0] for p in postcodes], dtype=object)[codes]
    return frame
