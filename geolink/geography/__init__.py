"""Place UPRNs and records in ONS small areas (OA / LSOA / MSOA / LAD) and crossing layers (wards, custom)."""

from geolink.coordinates import COORDINATE_COLUMNS, frame_points, to_bng

from .areas import NESTED_LEVELS, AreaLayers, read_area_layers
from .place import household_mask, locate, place_points, place_uprns

__all__ = ["NESTED_LEVELS", "AreaLayers", "read_area_layers", "household_mask", "locate",
           "place_points", "place_uprns", "to_bng", "COORDINATE_COLUMNS", "frame_points"]
