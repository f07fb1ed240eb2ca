"""The hard cases in hard_cases.yaml: their schema, and the elements the parser must find.

The candidates and truth of each case are for the matcher's tests; here they are only checked
to be well formed.
"""

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from geolink.address import ParsedAddress, normalise_places, parse_address

CASES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "hard_cases.yaml").read_text("utf-8"))
ELEMENTS = {f.name for f in dataclasses.fields(ParsedAddress)} - {"tokens", "normalised"}
CASE_KEYS = {"id", "note", "messy", "postcode", "known_places", "expect", "candidates", "truth"}
CANDIDATE_KEYS = {
    "uprn", "parent_uprn", "sao_text", "sao_start_number", "sao_start_suffix", "sao_end_number",
    "pao_text", "pao_start_number", "pao_start_suffix", "pao_end_number", "street", "locality",
    "town", "postcode", "language",
}


def test_there_are_enough_cases_with_unique_ids() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)
    assert sum("welsh" in case_id for case_id in ids) >= 5


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_schema(case: dict[str, Any]) -> None:
    assert {"id", "messy", "expect", "candidates", "truth"} <= case.keys() <= CASE_KEYS
    assert isinstance(case["messy"], str)
    assert case["expect"] and set(case["expect"]) <= ELEMENTS
    uprns = set()
    for row in case["candidates"]:
        assert "uprn" in row and set(row) <= CANDIDATE_KEYS, row
        assert isinstance(row["uprn"], int)
        uprns.add(row["uprn"])
    truth = case["truth"]
    if isinstance(truth, dict):
        assert set(truth) == {"parent"} and truth["parent"] in uprns
    elif truth is not None:
        assert truth in uprns


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_parser_finds_the_expected_elements(case: dict[str, Any]) -> None:
    known = normalise_places(case["known_places"]) if "known_places" in case else None
    parsed = parse_address(case["messy"], case.get("postcode"), known_places=known)
    found = {name: getattr(parsed, name) for name in case["expect"]}
    assert found == case["expect"]
