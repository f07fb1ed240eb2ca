"""Parse and normalise UK addresses: SAO / PAO / street / locality / town / postcode.

Pure functions over strings (no I/O), the front end of the address matcher.
"""

from geolink.address.normalise import compact, normalise_text
from geolink.address.parse import ParsedAddress, normalise_places, parse_address, parse_addresses
from geolink.address.postcode import (
    extract_postcode,
    normalise_postcode,
    postcode_area,
    postcode_district,
    postcode_sector,
)

__all__ = [
    "ParsedAddress",
    "compact",
    "extract_postcode",
    "normalise_places",
    "normalise_postcode",
    "normalise_text",
    "parse_address",
    "parse_addresses",
    "postcode_area",
    "postcode_district",
    "postcode_sector",
]
