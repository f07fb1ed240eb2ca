"""An LLPG in the GeoPlace Data Transfer Format (BS7666): the council's own gazetteer.

Councils export their LLPG's addresses in DTF 7.3 (BLPU 21 with its class and
organisation, LPI 24 carrying postcode and post town) and their street gazetteer in
NSG DTF 8.1 (streets 11-17, no address records). Both are read here; the header's
VERSION tells which street layout applies. Records geolink does not use (ESUs, extents,
provenance...) are counted, not kept.
"""

from __future__ import annotations

from pathlib import Path

from .context import Load
from .files import input_files
from .nlpg import load_records
from .record_types import Layouts

KIND = "llpg-dtf"
_CHANGE = ("RECORD_IDENTIFIER", "CHANGE_TYPE", "PRO_ORDER")
_HEADER = ("RECORD_IDENTIFIER", "CUSTODIAN_NAME", "LOCAL_CUSTODIAN_CODE", "PROCESS_DATE", "VOLUME_NUMBER",
           "ENTRY_DATE", "TIME_STAMP", "VERSION", "FILE_TYPE")
_DESCRIPTOR = _CHANGE + ("USRN", "STREET_DESCRIPTOR", "LOCALITY_NAME", "TOWN_NAME", "ADMINISTRATIVE_AREA", "LANGUAGE")
_TRAILER = ("RECORD_IDENTIFIER", "NEXT_VOLUME_NUMBER", "RECORD_COUNT", "ENTRY_DATE", "TIME_STAMP")

ADDRESS_LAYOUTS: Layouts = {  # DTF 7.3 address records
    "21": (_CHANGE + ("UPRN", "LOGICAL_STATUS", "BLPU_STATE", "BLPU_STATE_DATE", "BLPU_CLASS", "PARENT_UPRN",
                      "X_COORDINATE", "Y_COORDINATE", "RPC", "LOCAL_CUSTODIAN_CODE", "START_DATE", "END_DATE",
                      "LAST_UPDATE_DATE", "ENTRY_DATE", "ORGANISATION", "WARD_CODE", "PARISH_CODE",
                      "CUSTODIAN_ONE", "CUSTODIAN_TWO", "CAN_KEY"),),
    "24": (_CHANGE + ("UPRN", "LPI_KEY", "LANGUAGE", "LOGICAL_STATUS", "START_DATE", "END_DATE", "ENTRY_DATE",
                      "LAST_UPDATE_DATE", "SAO_START_NUMBER", "SAO_START_SUFFIX", "SAO_END_NUMBER", "SAO_END_SUFFIX",
                      "SAO_TEXT", "PAO_START_NUMBER", "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX",
                      "PAO_TEXT", "USRN", "LEVEL", "POSTAL_ADDRESS", "POSTCODE", "POST_TOWN", "OFFICIAL_FLAG",
                      "CUSTODIAN_ONE", "CUSTODIAN_TWO", "CAN_KEY"),),
    "22": (), "23": (), "25": (), "26": (), "27": (), "29": (), "98": (),
}
DTF73_STREETS: Layouts = {
    "10": (_HEADER,), "99": (_TRAILER,), "15": (_DESCRIPTOR,), "12": (), "13": (), "14": (),
    "11": (_CHANGE + ("USRN", "RECORD_TYPE", "SWA_ORG_REF_NAMING", "STATE", "STATE_DATE", "STREET_SURFACE",
                      "STREET_CLASSIFICATION", "VERSION", "RECORD_ENTRY_DATE", "LAST_UPDATE_DATE",
                      "STREET_START_DATE", "STREET_END_DATE", "STREET_START_X", "STREET_START_Y", "STREET_END_X",
                      "STREET_END_Y", "STREET_TOLERANCE"),),
}
NSG81_STREETS: Layouts = {
    **DTF73_STREETS, "16": (), "17": (),
    "11": (_CHANGE + ("USRN", "RECORD_TYPE", "SWA_ORG_REF_NAMING", "STATE", "STATE_DATE", "STREET_SURFACE",
                      "VERSION", "RECORD_ENTRY_DATE", "LAST_UPDATE_DATE", "STREET_START_DATE", "STREET_END_DATE",
                      "STREET_START_X", "STREET_START_Y", "STREET_END_X", "STREET_END_Y", "STREET_TOLERANCE",
                      "ESU_COUNT"),),
}

STAGES = {
    "11": ("street", {"usrn": "USRN", "record_type": "RECORD_TYPE", "state": "STATE",
                      "start_x": "STREET_START_X", "start_y": "STREET_START_Y",
                      "end_x": "STREET_END_X", "end_y": "STREET_END_Y"}),
    "15": ("street_descriptor", {"usrn": "USRN", "name": "STREET_DESCRIPTOR", "locality": "LOCALITY_NAME",
                                 "town": "TOWN_NAME", "admin_area": "ADMINISTRATIVE_AREA", "language": "LANGUAGE"}),
    "21": ("blpu", {"uprn": "UPRN", "logical_status": "LOGICAL_STATUS", "parent_uprn": "PARENT_UPRN",
                    "x": "X_COORDINATE", "y": "Y_COORDINATE", "classification": "BLPU_CLASS",
                    "organisation": "ORGANISATION"}),
    "24": ("lpi", {**{c.lower(): c for c in ("UPRN", "LANGUAGE", "LOGICAL_STATUS", "SAO_START_NUMBER",
                                             "SAO_START_SUFFIX", "SAO_END_NUMBER", "SAO_END_SUFFIX", "SAO_TEXT",
                                             "PAO_START_NUMBER", "PAO_START_SUFFIX", "PAO_END_NUMBER",
                                             "PAO_END_SUFFIX", "PAO_TEXT", "USRN", "POSTCODE")},
                   "post_town": "POST_TOWN"}),
}


def layouts(version: str) -> Layouts:
    """DTF 7.3 address records with the street layout of the header's version (8.x: NSG DTF 8.1)."""
    streets = NSG81_STREETS if version.startswith("8") else DTF73_STREETS
    return {**streets, **ADDRESS_LAYOUTS}


def load(paths: list[Path], run: Load) -> None:
    """Load LLPG DTF files (or folders of them) as `gazetteer_address` and `street`."""
    files = [f for p in paths for f in input_files(p, (".csv", ".txt", ".dtf"))]
    load_records(files, run, layouts, STAGES, KIND)
