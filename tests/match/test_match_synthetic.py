"""Matching the small synthetic borough against its truth: accurate, and nothing lost."""

from __future__ import annotations

import pandas as pd
import pytest

from geolink.gazetteer.prepare import prepare_reference
from geolink.match.pipeline import match_table
from geolink.synth import write_town
from geolink.synth.services import MAPPING


@pytest.fixture(scope="module")
def borough_files(borough, tmp_path_factory):
    """The borough's files and its prepared gazetteer."""
    out = tmp_path_factory.mktemp("borough")
    write_town(borough, out)
    ref = prepare_reference(out / "gazetteer.csv", cache=out / "cache")
    yield out, ref
    ref.close()


def _match_service(files, name: str, **options):
    out, ref = files
    spec = MAPPING[name]
    frame = pd.read_csv(out / "services" / f"{name}.csv", dtype=str, keep_default_na=False)
    return match_table(frame, ref, id_column="record_id", address_columns=spec["address_columns"],
                       postcode_column=spec.get("postcode_column"), **options)


@pytest.fixture(scope="module")
def matched(borough_files):
    return {name: _match_service(borough_files, name)
            for name in ("council_tax_support", "housing_repairs", "adult_social_care")}


def test_worker_processes_change_nothing(borough_files, matched):
    """Batches shared between this process and a spawned helper come out as one process makes them."""
    alone = matched["council_tax_support"]
    shared = _match_service(borough_files, "council_tax_support", workers=2, batch_size=40)
    pd.testing.assert_frame_equal(shared.output, alone.output)
    pd.testing.assert_frame_equal(shared.review, alone.review)
    assert shared.report["bands"] == alone.report["bands"]


def test_links_are_precise_and_most_records_link(borough, matched):
    truth = borough.truth.set_index(["dataset", "record_id"])["uprn"]
    links = correct = with_truth = 0
    for name, result in matched.items():
        out = result.output.set_index("record_id")
        expected = truth.loc[name].reindex(out.index)
        linked = out["band"].isin(["exact", "high"])
        links += linked.sum()
        correct += (linked & (out["uprn"] == expected).fillna(False)).sum()
        with_truth += expected.notna().sum()
    assert correct / links >= 0.99
    assert correct / with_truth >= 0.80


def test_every_row_is_accounted_for(matched):
    for result in matched.values():
        report = result.report
        assert report["reconciled"]
        assert sum(report["bands"].values()) == report["rows_in"] == len(result.output)


def test_review_file_lists_candidates_for_review_rows_only(matched):
    for result in matched.values():
        review = result.review
        in_review = set(result.output.loc[result.output["band"].isin(["review", "parent"]), "record_id"])
        assert set(review["record_id"]) <= in_review
        assert review.groupby("record_id")["rank"].max().le(3).all()
        assert not {"full_name", "date_of_birth"} & set(review.columns)


def test_every_uprn_match_carries_its_usrn(matched, borough):
    usrn_of = borough.gazetteer.drop_duplicates("uprn").set_index("uprn")["usrn"]
    for result in matched.values():
        linked = result.output[result.output["band"].isin(["exact", "high"])]
        assert (linked["usrn"].to_numpy() == usrn_of.loc[linked["uprn"].astype("int64")].to_numpy()).all()
