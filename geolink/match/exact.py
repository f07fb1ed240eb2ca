"""Records written word for word as one gazetteer row: found by a join, without parsing.

Half of a council's records or more are written as its gazetteer writes them. A record
whose normalised words equal one reference row's, and no other's, with the same postcode
or none, is that row: comparing the row with itself (the record's postcode in place of
its own) gives the levels, and `decide` the band, as the whole matcher would for an
address agreeing in every element. Those decided `exact`, or `high` (a record without a
postcode is never `exact`), are linked so. Every other record takes the whole matcher's
path, which costs ten times the join (parsing, candidates, comparison): one whose words
several rows share, one naming a building of flats (answered as the parent), and one
that an element keeps from a link. Nothing else holds an exact record's words, so it has
no runner-up.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geolink.address import normalise_postcode
from geolink.address.normalise import Normalised
from geolink.gazetteer.prepare import PreparedReference
from .candidates import CANDIDATE_COLUMNS
from .elements import ELEMENT_COLUMNS, with_postcode_parts


def record_words(normalised: Sequence[Normalised], postcodes: Sequence[str | None]) -> pd.DataFrame:
    """(pos, text, postcode) of each record, from its `normalise_tokens`: its words as the
    matcher keeps them (`elements.from_parsed`'s text) and its postcode, from the column
    or else the text."""
    words = [" ".join(t for t in tokens if t != "/") for tokens, _, _ in normalised]
    codes = [normalise_postcode(given) or found or "" for (_, _, found), given in zip(normalised, postcodes)]
    return pd.DataFrame({"pos": range(len(words)), "text": words, "postcode": codes})


def exact_rows_sql(records: str = "rec_text", reference: str = "ref_address") -> str:
    """Per record, the one reference row holding its words and its postcode (or any
    postcode, when the record has none), unless that row is a building of flats."""
    columns = ", ".join(f"a.{c}" for c in CANDIDATE_COLUMNS)
    return f"""
        SELECT r.pos, a.row_id, {columns}
        FROM {records} r JOIN {reference} a ON a.text = r.text
        WHERE r.text <> '' AND (r.postcode = '' OR a.postcode = r.postcode)
        QUALIFY count(*) OVER (PARTITION BY r.pos) = 1 AND NOT a.is_parent
        ORDER BY r.pos
    """


def exact_pairs(normalised: Sequence[Normalised], postcodes: Sequence[str | None],
                ref: PreparedReference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records (by their `normalise_tokens`) found word for word as one reference row:
    that row as their one candidate pair, and the record's elements (the row's, with the
    record's postcode)."""
    words = record_words(normalised, postcodes)
    ref.con.register("rec_text", words)
    try:
        pairs = ref.con.execute(exact_rows_sql()).fetch_df()
    finally:
        ref.con.unregister("rec_text")
    postcode = words["postcode"].to_numpy(dtype=object)[pairs["pos"].to_numpy()]
    records = with_postcode_parts(pairs[list(ELEMENT_COLUMNS)].assign(postcode=postcode))
    return pairs, records
