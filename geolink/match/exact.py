"""Records written word for word as one gazetteer row: found by a join, without parsing.

Half of a council's records or more are written as its gazetteer writes them, often
without the locality or the town (`forms`). A record whose normalised words equal one
form of one reference row, and of no other row, with the same postcode or none, is that
row: comparing the row with itself (the record's postcode in place of its own, and the
places the record leaves out left out) gives the levels, and `decide` the band, as the
whole matcher would for an address agreeing in every element. Those decided `exact`, or
`high` (a record without a postcode is never `exact`), are linked so. Every other record
takes the whole matcher's path, which costs ten times the join (parsing, candidates,
comparison): one whose words several rows share, one naming a building of flats
(answered as the parent), and one that an element keeps from a link. Nothing else holds
an exact record's words, so it has no runner-up.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geolink.address import normalise_postcode
from geolink.address.normalise import Normalised
from geolink.gazetteer.prepare import PreparedReference
from .candidates import CANDIDATE_COLUMNS
from .elements import ELEMENT_COLUMNS, with_postcode_parts
from .forms import OMITS_LOCALITY, OMITS_TOWN


def record_words(normalised: Sequence[Normalised], postcodes: Sequence[str | None]) -> pd.DataFrame:
    """(pos, text, postcode) of each record, from its `normalise_tokens`: its words as the
    matcher keeps them (`elements.from_parsed`'s text) and its postcode, from the column
    or else the text."""
    words = [" ".join(t for t in tokens if t != "/") for tokens, _, _ in normalised]
    codes = [normalise_postcode(given) or found or "" for (_, _, found), given in zip(normalised, postcodes)]
    return pd.DataFrame({"pos": range(len(words)), "text": words, "postcode": codes})


def exact_rows_sql(records: str = "rec_text", forms: str = "ref_form", reference: str = "ref_address") -> str:
    """Per record, the one reference row with a form (`forms.reference_forms_sql`) holding
    its words and its postcode (any postcode, when the record has none; any record's,
    when the row has none), unless that row is a building of flats; with `omits`, the
    places the form leaves out. A row's whole text comes first: '2 SPRING WAY, OAKMINSTER'
    is the row written so, not 2 SPRING WAY, DARTBURY, OAKMINSTER without its locality.
    Among forms that leave places out, none comes first: '26 JASMINE AVENUE' may be either
    row without its places."""
    columns = ", ".join(f"a.{c}" for c in CANDIDATE_COLUMNS)
    return f"""
        WITH whole_first AS (
            SELECT r.pos, f.row_id, f.omits, f.is_parent
            FROM {records} r JOIN {forms} f ON f.form = r.text
            WHERE r.text <> '' AND (r.postcode = '' OR f.postcode = r.postcode OR f.postcode = '')
            QUALIFY (f.omits = 0) = bool_or(f.omits = 0) OVER (PARTITION BY r.pos)
        ), found AS (
            SELECT pos, row_id, omits FROM whole_first
            QUALIFY count(*) OVER (PARTITION BY pos) = 1 AND NOT is_parent
        )
        SELECT found.pos, found.omits, a.row_id, {columns}
        FROM found JOIN {reference} a USING (row_id)
        ORDER BY found.pos
    """


def exact_pairs(normalised: Sequence[Normalised], postcodes: Sequence[str | None],
                ref: PreparedReference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records (by their `normalise_tokens`) found word for word as one reference row:
    that row as their one candidate pair, and the record's elements (the row's, with the
    record's words and postcode, and without the places the record leaves out)."""
    words = record_words(normalised, postcodes)
    ref.con.register("rec_text", words)
    try:
        pairs = ref.con.execute(exact_rows_sql()).fetch_df()
    finally:
        ref.con.unregister("rec_text")
    at = pairs["pos"].to_numpy()
    omits = pairs.pop("omits").to_numpy()
    records = pairs[list(ELEMENT_COLUMNS)].assign(
        text=words["text"].to_numpy(dtype=object)[at],
        postcode=words["postcode"].to_numpy(dtype=object)[at],
        locality=pairs["locality"].where((omits & OMITS_LOCALITY) == 0, ""),
        town=pairs["town"].where((omits & OMITS_TOWN) == 0, ""))
    return pairs, with_postcode_parts(records)
