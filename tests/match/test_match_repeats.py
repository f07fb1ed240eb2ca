"""A record written again (the same text and postcode) is matched once, and every copy
gets the same answer, its own row in the review file, and its place in the counts; the
distinct records are cut into batches that hold each once."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from geolink.match.pipeline import (BATCH_SIZE, MIN_SHARED_BATCH, OUTPUT_COLUMNS, SHARES_PER_WORKER, _batches,
                                    match_table)


RECORDS = [  # (id, address, postcode)
    ("a1", "3 Church Road, Exbridge", ""),  # two rows hold it: not linked, in review
    ("b1", "Flat 2 14 Mill Ln Topsham", "YX1 1AA"),
    ("a2", "3 Church Road, Exbridge", ""),
    ("c1", "3 Church Road, Exbridge", "YX2 2AA"),  # the same text with a postcode is another record
    ("x1", "", ""),  # rejected: blank
    ("b2", "Flat 2 14 Mill Ln Topsham", "YX1 1AA"),
    ("x2", "", ""),
    ("a3", "3 Church Road, Exbridge", ""),
    ("d1", "14 Mill Lane, Topsham, Exbridge", "YX1 1AA"),  # the parent of flats
    ("d2", "14 Mill Lane, Topsham, Exbridge", "YX1 1AA"),
]


def matched(records: list[tuple[str, str, str]], ref, **options):
    frame = pd.DataFrame(records, columns=["id", "address", "postcode"])
    return match_table(frame, ref, id_column="id", address_columns=["address"], postcode_column="postcode",
                       **options)


def test_every_copy_gets_the_answer_its_text_gets_alone(mill_lane):
    output = matched(RECORDS, mill_lane).output.set_index("id")
    for record in RECORDS:
        alone = matched([record], mill_lane).output.set_index("id")
        pd.testing.assert_series_equal(output.loc[record[0], list(OUTPUT_COLUMNS)],
                                       alone.loc[record[0], list(OUTPUT_COLUMNS)], check_names=False)
    assert set(output.loc[["a1", "a2", "a3"], "band"]) == {"review"}
    assert output.loc["c1", "uprn"] == 106 and output.loc["c1", "band"] != "review"
    assert list(output.loc[["b1", "b2"], "uprn"]) == [102, 102]


def test_each_copy_has_its_own_candidates_in_the_review_file(mill_lane):
    result = matched(RECORDS, mill_lane)
    review = result.review
    for record_id in ("a1", "a2", "a3", "d1", "d2"):
        rows = review[review["id"] == record_id]
        assert len(rows) >= 1 and list(rows["rank"]) == list(range(1, len(rows) + 1))
    per_copy = [review.loc[review["id"] == i, ["rank", "candidate_uprn"]].to_numpy().tolist() for i in ("a1", "a2", "a3")]
    assert per_copy[0] == per_copy[1] == per_copy[2]
    assert sorted(u for _, u in per_copy[0]) == [105, 106]
    assert set(review["id"]) == set(result.output.loc[result.output["band"].isin(["review", "parent"]), "id"])


def test_the_report_counts_every_row_and_the_addresses_matched(mill_lane):
    advanced = []
    result = matched(RECORDS, mill_lane, progress=advanced.append)
    report = result.report
    assert report["rows_in"] == report["rows_out"] == len(RECORDS) and report["reconciled"]
    assert report["bands"]["rejected"] == 2
    assert report["distinct_addresses"] == 4  # a, b, c, d
    assert sum(advanced) == len(RECORDS)  # the progress bar ends full, rejected rows included


@given(st.integers(0, 300_000), st.integers(1, 4))
@settings(max_examples=200, deadline=None)
def test_batches_hold_every_row_once_and_share_it_out(rows, workers):
    batches = _batches(np.arange(rows), BATCH_SIZE, workers)
    assert np.array_equal(np.concatenate(batches) if batches else np.zeros(0), np.arange(rows))
    assert all(len(b) <= BATCH_SIZE for b in batches) and max(map(len, batches), default=0) - \
        min(map(len, batches), default=0) <= 1
    if workers > 1 and workers * MIN_SHARED_BATCH <= rows <= workers * BATCH_SIZE:
        assert len(batches) == workers  # rows that fit in one batch a worker: one each
    elif workers > 1 and rows > workers * BATCH_SIZE:
        assert len(batches) >= min(SHARES_PER_WORKER * workers, rows // MIN_SHARED_BATCH)  # several each
