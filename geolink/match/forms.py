"""The ways a record may write a reference row word for word: its whole text, or the text
without its town, its locality, or both ('14 MILL LANE' for 14 MILL LANE, TOPSHAM, EXBRIDGE).

Services often leave out the places a gazetteer always gives. A record holding one of
these forms, and no other row's, is that row (`exact`), so it needs no parsing.
"""

from __future__ import annotations

# Which places a form leaves out, as bits of `omits`.
OMITS_TOWN = 1
OMITS_LOCALITY = 2


def reference_forms_sql(reference: str = "ref_address") -> str:
    """(form, row_id, omits, postcode, is_parent) for every form of every row of
    `reference`: its text (which ends with the locality and the town, when it has them),
    then without the town, without the locality, and without both. A form that would
    repeat another of the same row (a town named like its locality) is left out."""
    return f"""
        WITH a AS (
            SELECT row_id, text, postcode, is_parent, locality, town,
                   CASE WHEN town <> '' AND suffix(text, ' ' || town)
                        THEN left(text, length(text) - length(town) - 1) END AS no_town
            FROM {reference}
        ), b AS (  -- the text up to its locality: without the town, if it has one
            SELECT *, coalesce(no_town, text) AS head FROM a
        ), c AS (
            SELECT *, CASE WHEN locality <> '' AND suffix(head, ' ' || locality)
                           THEN left(head, length(head) - length(locality) - 1) END AS no_place
            FROM b
        )
        SELECT text AS form, row_id, 0::UTINYINT AS omits, postcode, is_parent FROM c
        UNION ALL
        SELECT no_town, row_id, {OMITS_TOWN}::UTINYINT, postcode, is_parent FROM c WHERE no_town IS NOT NULL
        UNION ALL
        SELECT no_place, row_id, (CASE WHEN no_town IS NULL THEN {OMITS_LOCALITY} ELSE {OMITS_TOWN | OMITS_LOCALITY} END
                                 )::UTINYINT, postcode, is_parent FROM c
        WHERE no_place IS NOT NULL AND no_place <> ''
        UNION ALL
        SELECT no_place || ' ' || town, row_id, {OMITS_LOCALITY}::UTINYINT, postcode, is_parent FROM c
        WHERE no_place IS NOT NULL AND no_town IS NOT NULL AND locality <> town
    """
