"""Street and point linkage on top of property matching.

Given the property matcher's output, this
- gives street-only records (no property named, or placed 'outside', 'opposite', at a
  junction) band `street` with their USRN, or `review` when the name is ambiguous;
- with coordinates, finds the nearest address and street to each point, links records
  that have only a point to their nearest street, and cross-checks every match against
  its point: one further away than the tolerance is flagged (`check_distance_m`) and
  demoted to `review`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geolink.address import normalise_postcode
from .index import StreetIndex
from .match import distance_to_street, match_street_texts, nearest_to_points
from .points import DEFAULT_TOLERANCE_M

LINKED = ("exact", "high", "parent")
REVIEWED = ("review", "parent")  # the bands a person works through in the review file
# The columns linkage reads or writes, with their Spark types (`geolink.spark.map_row_batches`).
MATCH_TYPES = {"uprn": "long", "usrn": "long", "score": "double", "band": "string", "runner_up_uprn": "long",
               "margin": "double", "method": "string", "explanation": "string"}
LINK_TYPES = {"usrn_secondary": "long"}
POINT_TYPES = {"point_uprn": "long", "point_uprn_m": "double", "point_usrn": "long", "point_usrn_m": "double",
               "check_distance_m": "double"}


@dataclass
class AddressPoints:
    """Reference addresses as arrays: uprn, usrn, x, y (BNG)."""

    uprn: np.ndarray
    usrn: np.ndarray
    x: np.ndarray
    y: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> AddressPoints:
        return cls(*(frame[c].to_numpy() for c in ("uprn", "usrn", "x", "y")))


@dataclass
class Linkage:
    """What linkage needs besides the rows: the street index, the reference's address
    points (None when the records have no coordinates) and the tolerance in metres."""

    index: StreetIndex
    addresses: AddressPoints | None
    tolerance: float = DEFAULT_TOLERANCE_M

    def columns(self) -> dict[str, str]:
        """The columns `link_rows` gives, with their Spark types."""
        return {**MATCH_TYPES, **LINK_TYPES, **(POINT_TYPES if self.addresses is not None else {})}


def link_rows(rows: pd.DataFrame, linkage: Linkage) -> pd.DataFrame:
    """Street linkage, then point linkage when there are coordinates, of rows holding the
    match columns (MATCH_TYPES) and text, postcode, street_only, x and y. Each row is
    linked on its own, so this one function serves a whole table or any batch of it
    (`geolink.spark.map_row_batches`)."""
    x, y = rows["x"].to_numpy(float), rows["y"].to_numpy(float)
    out = link_streets(rows, rows["text"], rows["street_only"].to_numpy(bool), linkage.index, x, y,
                       linkage.tolerance, rows["postcode"])
    if linkage.addresses is not None:
        out = link_points(out, linkage.index, linkage.addresses, x, y, linkage.tolerance)
    return out


def link_streets(output: pd.DataFrame, text: pd.Series, street_only: np.ndarray, index: StreetIndex,
                 x: np.ndarray, y: np.ndarray, tolerance: float = DEFAULT_TOLERANCE_M,
                 postcode: pd.Series | None = None) -> pd.DataFrame:
    """Street-only records (`street_only`, from their parse) take their USRN from the text
    (band street / review), unless the property matcher linked them with confidence."""
    out = output.copy()
    out["usrn_secondary"] = pd.array([pd.NA] * len(out), dtype="Int64")
    street_rows = np.flatnonzero(np.asarray(street_only) & ~out["band"].isin(("exact", "high", "rejected")).to_numpy())
    if not len(street_rows):
        return out
    codes = [normalise_postcode(p) for p in postcode.iloc[street_rows]] if postcode is not None else None
    found = match_street_texts(text.iloc[street_rows].tolist(), x[street_rows], y[street_rows], index, tolerance,
                               codes)
    # A record whose street is not found keeps the property matcher's review, and so
    # its candidates for a person to choose from.
    kept = (found["street_band"].to_numpy() == "unmatched") & out["band"].iloc[street_rows].isin(REVIEWED).to_numpy()
    found = found[~kept]
    at = out.index[street_rows[~kept]]
    out.loc[at, "uprn"] = pd.NA
    out.loc[at, "runner_up_uprn"] = pd.NA
    out.loc[at, "margin"] = np.nan
    out.loc[at, "usrn"] = found["usrn"].to_numpy()
    out.loc[at, "usrn_secondary"] = found["usrn_secondary"].to_numpy()
    out.loc[at, "score"] = found["street_score"].to_numpy()
    out.loc[at, "band"] = found["street_band"].to_numpy()
    out.loc[at, "method"] = "street"
    out.loc[at, "explanation"] = found["street_explanation"].to_numpy()
    return out


def link_points(output: pd.DataFrame, index: StreetIndex, addresses: AddressPoints, x: np.ndarray, y: np.ndarray,
                tolerance: float = DEFAULT_TOLERANCE_M) -> pd.DataFrame:
    """Nearest address and street for each point; point-only records linked; matches cross-checked."""
    out = output.copy()
    near = nearest_to_points(x, y, index, addresses.x, addresses.y, addresses.uprn, addresses.usrn, tolerance)
    near.index = out.index
    for column in near.columns:
        out[column] = near[column]
    has_point = np.isfinite(x) & np.isfinite(y)

    # the distance from the point to what the text matched: the address, or the street
    check = np.full(len(out), np.nan)
    by_address = out["band"].isin(LINKED).to_numpy() & out["uprn"].notna().to_numpy() & has_point
    if by_address.any():
        where = pd.Series(np.arange(len(addresses.uprn)), index=addresses.uprn)
        where = where[~where.index.duplicated()]
        pos = where.reindex(out.loc[by_address, "uprn"].astype("int64").to_numpy()).to_numpy()
        ok = ~np.isnan(pos)
        rows = np.flatnonzero(by_address)[ok]
        p = pos[ok].astype(int)
        check[rows] = np.hypot(addresses.x[p] - x[rows], addresses.y[p] - y[rows])
    by_street = (out["band"] == "street").to_numpy() & out["usrn"].notna().to_numpy() & has_point
    if by_street.any():
        check[by_street] = distance_to_street(x[by_street], y[by_street], out.loc[by_street, "usrn"].to_numpy(), index)
    out["check_distance_m"] = np.round(check, 1)
    far = check > tolerance
    if far.any():
        out.loc[far, "band"] = "review"
        out.loc[far, "explanation"] = (out.loc[far, "explanation"].astype(str)
                                       + "; the record's point is " + out.loc[far, "check_distance_m"].astype(str)
                                       + f" m away (tolerance {tolerance:g} m)")

    # records that only the point can place: the nearest street
    open_ = (has_point & (out["band"] == "unmatched").to_numpy() & (out["method"] != "street").to_numpy()
             & near["point_usrn"].notna().to_numpy())
    if open_.any():
        at = out.index[open_]
        out.loc[at, "usrn"] = near.loc[at, "point_usrn"]
        out.loc[at, "band"] = "street"
        out.loc[at, "method"] = "coordinates"
        out.loc[at, "score"] = np.round(1 - near.loc[at, "point_usrn_m"].to_numpy() / (4 * tolerance), 4)
        out.loc[at, "explanation"] = ("nearest street " + near.loc[at, "point_usrn_m"].astype(str) + " m from the point"
                                      + np.where(near.loc[at, "point_uprn"].notna(),
                                                 "; nearest address UPRN " + near.loc[at, "point_uprn"].astype(str)
                                                 + " at " + near.loc[at, "point_uprn_m"].astype(str) + " m", ""))
    return out
