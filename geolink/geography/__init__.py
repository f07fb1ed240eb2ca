"""Place UPRNs and records in ONS small areas (OA / LSOA / MSOA / LAD) and crossing layers (wards, custom)."""

from .areas import NESTED_LEVELS, AreaLayers, read_area_layers
from .place import COORDINATE_COLUMNS, frame_points, household_mask, locate, place_points, place_uprns, to_bng

__all__ = ["NESTED_LEVELS", "AreaLayers", "read_area_layers", "household_mask", "locate",
           "place_points", "place_uprns", "to_bng", "COORDINATE_COLUMNS", "frame_points"]
