"""The shipped model keeps the rules of UK addressing that synthetic towns are too thin to teach."""

from __future__ import annotations

from geolink.match.compare import LEVELS
from geolink.match.model import FEATURES, load_model, with_priors


def test_priors_prefer_a_literal_letter_keep_letters_apart_and_order_postcodes():
    weights = {feature: {level: 0.0 for level in levels} for feature, levels in FEATURES.items()}
    weights["flat"].update(suffix=9.0, both_missing=3.0)
    weights["building"]["number suffix_differs, name both_missing"] = 2.0
    weights["building"]["number differs, name both_missing"] = -7.0
    weights["postcode"].update(differs=-1.0, district=-4.0, sector=-5.0)
    fixed = with_priors(weights)
    assert fixed["flat"]["suffix"] == 2.0
    assert fixed["postcode"]["district"] == fixed["postcode"]["sector"] == -1.0
    assert fixed["building"]["number suffix_differs, name both_missing"] == -7.0
    assert weights["flat"]["suffix"] == 9.0  # the fitted weights are left as they were


def test_shipped_weights_hold_the_priors():
    w = load_model().weights
    assert w["flat"]["suffix"] <= w["flat"]["both_missing"] - 1.0
    for name in LEVELS["name"]:
        assert w["building"][f"number suffix_differs, name {name}"] <= w["building"][f"number differs, name {name}"]
    postcode = w["postcode"]
    assert postcode["differs"] <= postcode["district"] <= postcode["sector"]
