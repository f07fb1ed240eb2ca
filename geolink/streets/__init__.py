"""Streets: USRN from street-only text, and nearest address and street from coordinates."""

from .index import (StreetIndex, combine, read_street_layer, reference_street_index, street_layer,
                    streets_from_addresses)
from .match import match_street_texts, nearest_to_points
from .points import DEFAULT_TOLERANCE_M
from .text import is_street_only, is_street_report, names_street_alone

__all__ = ["StreetIndex", "combine", "read_street_layer", "reference_street_index", "street_layer", "streets_from_addresses", "match_street_texts",
           "nearest_to_points", "DEFAULT_TOLERANCE_M", "is_street_only", "is_street_report",
           "names_street_alone"]
