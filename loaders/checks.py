"""Row checks shared by the loaders: pure functions from Arrow text columns to reasons.

Each returns a NumPy object array with '' where a row is fine and the reason where it
is not; `first_problem` keeps the first reason per row. Work is vectorised with Arrow
compute, never a Python loop over rows.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# National Grid extents of Great Britain (with the islands) and its latitude/longitude box.
GB_EASTING = (0.0, 700_000.0)
GB_NORTHING = (0.0, 1_300_000.0)
GB_LATITUDE = (49.8, 60.95)
GB_LONGITUDE = (-8.7, 1.8)
IDENTIFIER = r"^\s*[0-9]{1,12}(\.0+)?\s*$"


def _reasons(mask: pa.Array | np.ndarray, reason: str) -> np.ndarray:
    mask = np.asarray(mask.to_numpy(zero_copy_only=False) if isinstance(mask, pa.Array | pa.ChunkedArray) else mask,
                      dtype=bool)
    out = np.full(len(mask), "", dtype=object)
    out[mask] = reason
    return out


def first_problem(*reasons: np.ndarray) -> np.ndarray:
    """Per row, the first non-empty reason of several checks."""
    out = reasons[0].copy()
    for later in reasons[1:]:
        fill = (later != "") & (out == "")
        if fill.any():
            out[fill] = later[fill]
    return out


def whole_number(values: pa.Array, name: str, *, required: bool = True) -> np.ndarray:
    """Identifiers (UPRN, USRN): a whole number of up to 12 digits; blank is a problem when required."""
    out = np.full(len(values), "", dtype=object)
    odd = np.flatnonzero(~is_identifier(values))  # only these (few, or blank optional ones) are looked at again
    if len(odd):
        texts = values.take(pa.array(odd))
        blank = np.asarray(pc.equal(pc.utf8_trim_whitespace(texts), "").to_numpy(zero_copy_only=False), dtype=bool)
        if required:
            out[odd[blank]] = f"missing {name}"
        shown = pc.utf8_slice_codeunits(texts.filter(pa.array(~blank)), 0, 40).to_pylist()
        out[odd[~blank]] = [f"{name} '{v}' is not a whole number" for v in shown]
    return out


def is_identifier(values: pa.Array) -> np.ndarray:
    """Whether each text is a whole number of up to 12 digits (spaces and a '.0' allowed)."""
    plain = pc.and_(pc.ascii_is_decimal(values), pc.less_equal(pc.binary_length(values), 12))
    found = np.asarray(plain.to_numpy(zero_copy_only=False), dtype=bool)
    other = np.flatnonzero(~found)  # blank, spaced or '.0' forms: the full pattern, on these rows only
    if len(other):
        matched = pc.match_substring_regex(values.take(pa.array(other)), IDENTIFIER)
        found[other] = np.asarray(matched.to_numpy(zero_copy_only=False), dtype=bool)
    return found


def as_float(values: pa.Array) -> np.ndarray:
    """Text to float64, NaN where blank or not a number."""
    trimmed = pc.utf8_trim_whitespace(values)
    try:  # every value a number or blank: one cast
        number = pc.cast(pc.if_else(pc.equal(trimmed, ""), "nan", trimmed), pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        numeric = pc.match_substring_regex(trimmed, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
        number = pc.cast(pc.if_else(numeric, trimmed, "nan"), pa.float64()).to_numpy(zero_copy_only=False)
    return np.where(np.isfinite(number), number, np.nan)  # 'inf' and 'nan' are not coordinates


def _coordinates(a: pa.Array, b: pa.Array, names: tuple[str, str], box: tuple[tuple, tuple],
                 required: bool) -> np.ndarray:
    u, v = as_float(a), as_float(b)
    blank = pc.and_(pc.equal(pc.utf8_trim_whitespace(a), ""), pc.equal(pc.utf8_trim_whitespace(b), ""))
    blank = np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)
    unreadable = (np.isnan(u) | np.isnan(v)) & ~blank
    (u0, u1), (v0, v1) = box
    outside = ~np.isnan(u) & ~np.isnan(v) & ((u < u0) | (u > u1) | (v < v0) | (v > v1))
    with np.errstate(invalid="ignore"):
        shown = np.array([f"{names[0]}/{names[1]} ({x:g}, {y:g}) are outside Great Britain" if o else ""
                          for x, y, o in zip(u[outside], v[outside], outside[outside])], dtype=object)
    where_outside = np.full(len(u), "", dtype=object)
    where_outside[outside] = shown
    return first_problem(
        _reasons(blank, f"missing {names[0]}/{names[1]}") if required else np.full(len(u), "", dtype=object),
        _reasons(unreadable, f"{names[0]}/{names[1]} are not numbers"),
        where_outside,
    )


def grid_reference(x: pa.Array, y: pa.Array, *, required: bool = True) -> np.ndarray:
    """Easting / northing in British National Grid metres, inside Great Britain."""
    return _coordinates(x, y, ("easting", "northing"), (GB_EASTING, GB_NORTHING), required)


def latitude_longitude(lat: pa.Array, lon: pa.Array, *, required: bool = True) -> np.ndarray:
    """Latitude / longitude (WGS84 degrees) inside Great Britain's box."""
    return _coordinates(lat, lon, ("latitude", "longitude"), (GB_LATITUDE, GB_LONGITUDE), required)


def not_blank(values: pa.Array, name: str) -> np.ndarray:
    return _reasons(pc.equal(pc.utf8_trim_whitespace(values), ""), f"missing {name}")
