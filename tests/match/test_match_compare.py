"""Blocking keys and comparison levels of records against reference rows, both parsed."""

from __future__ import annotations

import pandas as pd

from geolink.address.parse import parse_addresses
from geolink.match import elements
from geolink.match.compare import LEVELS, compare
from geolink.match.keys import blocking_keys


def _elements(*texts: str) -> pd.DataFrame:
    return elements.from_parsed(parse_addresses(list(texts)))


def _levels(record: str, reference: str) -> dict[str, str]:
    ref = _elements(reference).assign(is_parent=False)
    codes = compare(_elements(record), ref).iloc[0]
    return {name: LEVELS[name][code] for name, code in codes.items()}


def test_a_number_before_a_building_read_as_a_street_meets_the_building_s_flat():
    # '10, FOREST MANSIONS' parses as number 10 of a street; the gazetteer holds FLAT 10
    # of a building of that name on HILL STREET.
    record, reference = "10, FOREST MANSIONS", "FLAT 10, FOREST MANSIONS, HILL STREET"
    words = frozenset({"FOREST", "MANSIONS", "HILL", "STREET", "FLAT"})
    keys = [set(blocking_keys(_elements(text), words, frozenset())["key"]) for text in (record, reference)]
    assert {k for k in keys[0] & keys[1] if not k.startswith("TN|")} == {"NN|FORESTMANSIONS|10"}
    levels = _levels(record, reference)
    assert (levels["flat"], levels["name"], levels["number"]) == ("same", "same", "both_missing")


def test_a_number_before_a_building_is_not_a_flat_described_in_words():
    levels = _levels("10, FOREST MANSIONS", "FIRST FLOOR FLAT 10, FOREST MANSIONS, HILL STREET")
    assert levels["flat"] != "same"
