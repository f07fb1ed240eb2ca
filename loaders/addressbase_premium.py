"""AddressBase Premium CSV (one file or a folder of tiles) into the canonical gazetteer.

Record layouts follow the OS technical specification; where a later edition added
fields (latitude/longitude on streets and BLPUs, dates on street descriptors, the
delivery point suffix) both editions are known and told apart by field count.
"""

from __future__ import annotations

from pathlib import Path

from .context import Load
from .files import input_files
from .nlpg import load_records
from .record_types import Layouts

KIND = "addressbase-premium"
_DATES = ("START_DATE", "END_DATE", "LAST_UPDATE_DATE", "ENTRY_DATE")
_CHANGE = ("RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER")

LAYOUTS: Layouts = {
    "10": (("RECORD_IDENTIFIER", "CUSTODIAN_NAME", "LOCAL_CUSTODIAN_CODE", "PROCESS_DATE", "VOLUME_NUMBER",
            "ENTRY_DATE", "TIME_STAMP", "VERSION", "FILE_TYPE"),),
    "11": (_CHANGE + ("USRN", "RECORD_TYPE", "SWA_ORG_REF_NAMING", "STATE", "STATE_DATE", "STREET_SURFACE",
                      "STREET_CLASSIFICATION", "VERSION", "STREET_START_DATE", "STREET_END_DATE", "LAST_UPDATE_DATE",
                      "RECORD_ENTRY_DATE", "STREET_START_X", "STREET_START_Y", "STREET_END_X", "STREET_END_Y",
                      "STREET_TOLERANCE"),
           _CHANGE + ("USRN", "RECORD_TYPE", "SWA_ORG_REF_NAMING", "STATE", "STATE_DATE", "STREET_SURFACE",
                      "STREET_CLASSIFICATION", "VERSION", "STREET_START_DATE", "STREET_END_DATE", "LAST_UPDATE_DATE",
                      "RECORD_ENTRY_DATE", "STREET_START_X", "STREET_START_Y", "STREET_START_LAT", "STREET_START_LONG",
                      "STREET_END_X", "STREET_END_Y", "STREET_END_LAT", "STREET_END_LONG", "STREET_TOLERANCE")),
    "15": (_CHANGE + ("USRN", "STREET_DESCRIPTION", "LOCALITY", "TOWN_NAME", "ADMINISTRATIVE_AREA", "LANGUAGE"),
           _CHANGE + ("USRN", "STREET_DESCRIPTION", "LOCALITY", "TOWN_NAME", "ADMINISTRATIVE_AREA", "LANGUAGE")
           + _DATES),
    "21": (_CHANGE + ("UPRN", "LOGICAL_STATUS", "BLPU_STATE", "BLPU_STATE_DATE", "PARENT_UPRN", "X_COORDINATE",
                      "Y_COORDINATE", "RPC", "LOCAL_CUSTODIAN_CODE") + _DATES
           + ("POSTAL_ADDRESS", "POSTCODE_LOCATOR", "MULTI_OCC_COUNT"),
           _CHANGE + ("UPRN", "LOGICAL_STATUS", "BLPU_STATE", "BLPU_STATE_DATE", "PARENT_UPRN", "X_COORDINATE",
                      "Y_COORDINATE", "LATITUDE", "LONGITUDE", "RPC", "LOCAL_CUSTODIAN_CODE", "COUNTRY") + _DATES
           + ("ADDRESSBASE_POSTAL", "POSTCODE_LOCATOR", "MULTI_OCC_COUNT")),
    "23": (_CHANGE + ("UPRN", "XREF_KEY", "CROSS_REFERENCE", "VERSION", "SOURCE") + _DATES,),
    "24": (_CHANGE + ("UPRN", "LPI_KEY", "LANGUAGE", "LOGICAL_STATUS") + _DATES
           + ("SAO_START_NUMBER", "SAO_START_SUFFIX", "SAO_END_NUMBER", "SAO_END_SUFFIX", "SAO_TEXT",
              "PAO_START_NUMBER", "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX", "PAO_TEXT",
              "USRN", "USRN_MATCH_INDICATOR", "AREA_NAME", "LEVEL", "OFFICIAL_FLAG"),),
    "29": (("RECORD_IDENTIFIER", "GAZ_NAME", "GAZ_SCOPE", "TER_OF_USE", "LINKED_DATA", "GAZ_OWNER", "NGAZ_FREQ",
            "CUSTODIAN_NAME", "CUSTODIAN_UPRN", "LOCAL_CUSTODIAN_CODE", "CO_ORD_SYSTEM", "CO_ORD_UNIT",
            "META_DATE", "CLASS_SCHEME", "GAZ_DATE", "LANGUAGE", "CHARACTER_SET"),),
    "30": (_CHANGE + ("UPRN", "SUCC_KEY") + _DATES + ("SUCCESSOR",),
           _CHANGE + ("UPRN", "SUCC_KEY") + _DATES + ("SUCCESSOR", "SUCCESSOR_TYPE")),
    "31": (_CHANGE + ("UPRN", "ORG_KEY", "ORGANISATION", "LEGAL_NAME") + _DATES,),
    "32": (_CHANGE + ("UPRN", "CLASS_KEY", "CLASSIFICATION_CODE", "CLASS_SCHEME", "SCHEME_VERSION") + _DATES,),
    "99": (("RECORD_IDENTIFIER", "NEXT_VOLUME_NUMBER", "RECORD_COUNT", "ENTRY_DATE", "TIME_STAMP"),),
}

_DPA_ADDRESS = ("SUB_BUILDING_NAME", "BUILDING_NAME", "BUILDING_NUMBER", "DEPENDENT_THOROUGHFARE", "THOROUGHFARE",
                "DOUBLE_DEPENDENT_LOCALITY", "DEPENDENT_LOCALITY", "POST_TOWN", "POSTCODE", "POSTCODE_TYPE")
_DPA_WELSH = ("WELSH_DEPENDENT_THOROUGHFARE", "WELSH_THOROUGHFARE", "WELSH_DOUBLE_DEPENDENT_LOCALITY",
              "WELSH_DEPENDENT_LOCALITY", "WELSH_POST_TOWN", "PO_BOX_NUMBER", "PROCESS_DATE") + _DATES
# The delivery point has 29 fields in both editions, in different places: only the header's VERSION tells.
DPA_ORIGINAL = _CHANGE + ("UPRN", "PARENT_ADDRESSABLE_UPRN", "RM_UDPRN", "ORGANISATION_NAME", "DEPARTMENT_NAME") \
    + _DPA_ADDRESS + _DPA_WELSH
DPA_CURRENT = _CHANGE + ("UPRN", "UDPRN", "ORGANISATION_NAME", "DEPARTMENT_NAME") + _DPA_ADDRESS \
    + ("DELIVERY_POINT_SUFFIX",) + _DPA_WELSH
ORIGINAL_VERSION = "1.0"


def layouts(version: str) -> Layouts:
    """The record layouts of a file whose header gives `version` ('1.0': the original edition)."""
    return {**LAYOUTS, "28": (DPA_ORIGINAL if version == ORIGINAL_VERSION else DPA_CURRENT,)}


STAGES = {
    "11": ("street", {"usrn": "USRN", "record_type": "RECORD_TYPE", "state": "STATE",
                      "classification": "STREET_CLASSIFICATION", "start_x": "STREET_START_X",
                      "start_y": "STREET_START_Y", "end_x": "STREET_END_X", "end_y": "STREET_END_Y"}),
    "15": ("street_descriptor", {"usrn": "USRN", "name": "STREET_DESCRIPTION", "locality": "LOCALITY",
                                 "town": "TOWN_NAME", "admin_area": "ADMINISTRATIVE_AREA", "language": "LANGUAGE"}),
    "21": ("blpu", {"uprn": "UPRN", "logical_status": "LOGICAL_STATUS", "parent_uprn": "PARENT_UPRN",
                    "x": "X_COORDINATE", "y": "Y_COORDINATE", "postcode": "POSTCODE_LOCATOR"}),
    "24": ("lpi", {c.lower(): c for c in ("UPRN", "LANGUAGE", "LOGICAL_STATUS", "SAO_START_NUMBER", "SAO_START_SUFFIX",
                                          "SAO_END_NUMBER", "SAO_END_SUFFIX", "SAO_TEXT", "PAO_START_NUMBER",
                                          "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX", "PAO_TEXT", "USRN")}),
    "28": ("dpa", {"uprn": "UPRN", "organisation": "ORGANISATION_NAME", "department": "DEPARTMENT_NAME",
                   "sub_building_name": "SUB_BUILDING_NAME", "building_name": "BUILDING_NAME",
                   "building_number": "BUILDING_NUMBER", "dependent_thoroughfare": "DEPENDENT_THOROUGHFARE",
                   "thoroughfare": "THOROUGHFARE", "double_dependent_locality": "DOUBLE_DEPENDENT_LOCALITY",
                   "dependent_locality": "DEPENDENT_LOCALITY", "post_town": "POST_TOWN", "postcode": "POSTCODE",
                   "po_box": "PO_BOX_NUMBER"}),
    "31": ("organisation", {"uprn": "UPRN", "organisation": "ORGANISATION"}),
    "32": ("classification", {"uprn": "UPRN", "code": "CLASSIFICATION_CODE", "scheme": "CLASS_SCHEME"}),
}


def load(paths: list[Path], run: Load) -> None:
    """Load AddressBase Premium files (or folders of tiles) as `gazetteer_address` and `street`."""
    files = [f for p in paths for f in input_files(p, (".csv",))]
    load_records(files, run, layouts, STAGES, KIND)
