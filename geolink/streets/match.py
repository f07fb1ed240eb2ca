"""Match street-only records to USRNs, and points to the nearest address and street.

Text first: known street names found in the record (exactly, else by rapidfuzz on the
phrases that end in a street type); a name held by several USRNs is settled by the
places the record names, then by its point; if still open it goes to review, never
guessed. A junction gives a second USRN. A point alone gives the nearest street (by line
when the index has lines, else the street of the nearest address).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from rapidfuzz import fuzz, process

from geolink.address import normalise_text
from .index import StreetIndex
from .points import DEFAULT_TOLERANCE_M, distance_to_lines, nearest_lines, nearest_points
from .text import street_like_phrases, street_spans

FUZZY_CUTOFF = 88
STREET_COLUMNS = ["usrn", "usrn_secondary", "street_score", "street_band", "street_method", "street_explanation"]


def match_street_texts(texts: Sequence[str], x: np.ndarray, y: np.ndarray, index: StreetIndex,
                       tolerance: float = DEFAULT_TOLERANCE_M, postcodes: Sequence[str | None] | None = None) -> pd.DataFrame:
    """One row per text: usrn, usrn_secondary, street_score, street_band (street|review|unmatched),
    street_method and street_explanation. `postcodes` (normalised, optional) help settle shared names."""
    names = list(index.by_name)
    rows = []
    for i, text in enumerate(texts):
        tokens = normalise_text(text).split()
        spans = _named_streets(tokens, index, names)
        if not spans:
            rows.append((None, None, np.nan, "unmatched", "street", "no known street name in the text"))
            continue
        used = {t for s, e, _, _ in spans for t in range(s, e)}
        words = [t for k, t in enumerate(tokens) if k not in used]
        point = (x[i], y[i]) if np.isfinite(x[i]) and np.isfinite(y[i]) else None
        postcode = postcodes[i] if postcodes is not None else None
        if len(spans) > 1:
            first, second = _resolve_junction(spans[0][2], spans[1][2], words, point, index, tolerance)
        else:
            first, second = _resolve(spans[0][2], words, point, index, tolerance, postcode=postcode), None
        usrn, score, how = first
        if usrn is None:
            rows.append((None, None, 0.5, "review", "street", how))
            continue
        similarity = spans[0][3]
        if similarity < 100:
            score, how = score * similarity / 100, f"{how} (read from the text at {similarity:.0f}% similarity)"
        explanation = how + (f"; junction with {spans[1][2]} (USRN {second[0]})" if second and second[0] else "")
        rows.append((usrn, second[0] if second else None, round(score, 4), "street", "street", explanation))
    out = pd.DataFrame(rows, columns=STREET_COLUMNS)
    for column in ("usrn", "usrn_secondary"):
        out[column] = pd.array(out[column], dtype="Int64")
    return out


def _named_streets(tokens: list[str], index: StreetIndex, names: list[str]) -> list[tuple[int, int, str, float]]:
    """Street names in the text, in reading order: exact ones, then close spellings in the
    words left over ('GRANGE GDN' for GRANGE GARDENS). Each is (start, end, name, similarity)."""
    spans = [(s, e, name, 100.0) for s, e, name in street_spans(tokens, index.by_name, index.longest_name)]
    used = {t for s, e, _, _ in spans for t in range(s, e)}
    for start, end, phrase in street_like_phrases(tokens):
        if used & set(range(start, end)):
            continue
        hit = process.extractOne(phrase, names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if hit:
            spans.append((start, end, hit[0], float(hit[1])))
            used |= set(range(start, end))
    return sorted(spans)


def _resolve_junction(first: str, second: str, words: list[str], point, index: StreetIndex, tolerance: float):
    """Two streets at a junction: each settled alone if it can be, else the pair that meets."""
    a = _resolve(first, words, point, index, tolerance)
    b = _resolve(second, words, point, index, tolerance)
    if a[0] is not None and b[0] is not None:
        return a, b
    streets = index.streets
    pool_a = [a[0]] if a[0] is not None else [int(streets.at[r, "usrn"]) for r in index.by_name[first]]
    pool_b = [b[0]] if b[0] is not None else [int(streets.at[r, "usrn"]) for r in index.by_name[second]]
    gaps = sorted((_gap(u, v, streets), u, v) for u in pool_a for v in pool_b if u != v)
    # Streets at a junction meet: a pair that (nearly) touches, when no other pair does, is meant.
    if gaps and gaps[0][0] <= 2 * tolerance and (len(gaps) == 1 or gaps[1][0] > gaps[0][0] + 4 * tolerance):
        how = f"street {first} where it meets {second}"
        return (gaps[0][1], 0.95, how), (gaps[0][2], 0.95, how)
    return a, b


def _gap(u: int, v: int, streets: pd.DataFrame) -> float:
    """Distance between two streets: between their lines where known, else their centres."""
    su, sv = streets[streets["usrn"] == u].iloc[0], streets[streets["usrn"] == v].iloc[0]
    if su.get("geometry") is not None and sv.get("geometry") is not None:
        return float(shapely.distance(su["geometry"], sv["geometry"]))
    return float(np.hypot(su["x"] - sv["x"], su["y"] - sv["y"]))


def _resolve(name: str, words: list[str], point, index: StreetIndex, tolerance: float,
             near: int | None = None, postcode: str | None = None) -> tuple[int | None, float, str]:
    """(usrn or None, score, how) for a street name that one or several USRNs hold."""
    rows = index.by_name[name]
    streets = index.streets
    if len(rows) == 1:
        return int(streets.at[rows[0], "usrn"]), 0.99, f"street {name}"
    named = [r for r in rows if _names_place(streets.at[r, "places"], words)]
    if len(named) == 1:
        return int(streets.at[named[0], "usrn"]), 0.97, f"street {name} in {', '.join(sorted(streets.at[named[0], 'places']))}"
    pool = np.array(named or rows)
    if postcode and "postcodes" in streets:
        coded = [r for r in pool if postcode in streets.at[r, "postcodes"]]
        if len(coded) == 1:
            return int(streets.at[coded[0], "usrn"]), 0.97, f"street {name} with postcode {postcode}"
    anchor = point
    if anchor is None and near is not None:
        primary = streets[streets["usrn"] == near]
        anchor = (primary["x"].iloc[0], primary["y"].iloc[0]) if len(primary) else None
    if anchor is not None:
        distance = _distances(anchor, pool, streets)
        order = np.argsort(distance)
        best, runner = distance[order[0]], distance[order[1]] if len(order) > 1 else np.inf
        limit = tolerance if point is not None else 5 * tolerance
        if best <= limit and runner > best + tolerance:
            return int(streets.at[pool[order[0]], "usrn"]), 0.95, f"street {name}, {best:.0f} m from the point"
    held = ", ".join(str(int(streets.at[r, "usrn"])) for r in pool[:5])
    return None, 0.5, f"street {name} is held by several USRNs ({held}); the record does not say which"


def _names_place(places: frozenset, words: list[str]) -> bool:
    text = " " + " ".join(words) + " "
    return any(f" {p} " in text for p in places)


def _distances(anchor, rows: np.ndarray, streets: pd.DataFrame) -> np.ndarray:
    """Distance from a point to each candidate street: to its line where known, else its centre."""
    geometry = streets["geometry"].to_numpy()[rows] if "geometry" in streets else np.full(len(rows), None)
    line = np.array([g is not None for g in geometry])
    out = np.hypot(streets["x"].to_numpy()[rows] - anchor[0], streets["y"].to_numpy()[rows] - anchor[1])
    if line.any():
        out[line] = shapely.distance(shapely.points(anchor[0], anchor[1]), geometry[line])
    return out


def nearest_to_points(x: np.ndarray, y: np.ndarray, index: StreetIndex, address_x: np.ndarray, address_y: np.ndarray,
                      address_uprn: np.ndarray, address_usrn: np.ndarray,
                      tolerance: float = DEFAULT_TOLERANCE_M) -> pd.DataFrame:
    """Per point: point_uprn and point_uprn_m (nearest address), point_usrn and point_usrn_m (nearest street)."""
    a_index, a_distance = nearest_points(x, y, address_x, address_y, tolerance)
    found = a_index >= 0
    out = pd.DataFrame({
        "point_uprn": pd.array(np.where(found, np.asarray(address_uprn)[np.maximum(a_index, 0)], 0), dtype="Int64"),
        "point_uprn_m": np.round(a_distance, 1),
    })
    out.loc[~found, "point_uprn"] = pd.NA
    if index.has_lines:
        with_line = np.flatnonzero(index.streets["geometry"].notna().to_numpy())
        s_index, s_distance = nearest_lines(x, y, index.streets["geometry"].to_numpy()[with_line], tolerance)
        hit = s_index >= 0
        usrn = np.where(hit, index.streets["usrn"].to_numpy()[with_line[np.maximum(s_index, 0)]], 0)
    else:  # no lines: the street of the nearest address
        hit, s_distance = found, a_distance
        usrn = np.where(found, np.asarray(address_usrn)[np.maximum(a_index, 0)], 0)
    out["point_usrn"] = pd.array(np.where(hit & (usrn > 0), usrn, 0), dtype="Int64")
    out.loc[~(hit & (usrn > 0)), "point_usrn"] = pd.NA
    out["point_usrn_m"] = np.round(np.where(hit, s_distance, np.nan), 1)
    return out


def distance_to_street(x: np.ndarray, y: np.ndarray, usrn: np.ndarray, index: StreetIndex) -> np.ndarray:
    """Distance from each point to the street it was matched to (NaN where unknown)."""
    by_usrn = index.streets.drop_duplicates("usrn").set_index("usrn")
    geometry = by_usrn["geometry"] if index.has_lines else None
    centre = by_usrn[["x", "y"]]
    usrn = pd.Series(usrn, dtype="Int64")
    out = np.full(len(usrn), np.nan)
    known = usrn.notna().to_numpy() & np.isfinite(x) & np.isfinite(y)
    if geometry is not None:
        lines = geometry.reindex(usrn[known].to_numpy()).to_numpy()
        has = np.array([g is not None for g in lines])
        rows = np.flatnonzero(known)
        out[rows[has]] = distance_to_lines(np.asarray(x)[rows[has]], np.asarray(y)[rows[has]], lines[has])
    missing = known & np.isnan(out)
    if missing.any():
        c = centre.reindex(usrn[missing].to_numpy())
        out[missing] = np.hypot(c["x"].to_numpy() - np.asarray(x)[missing], c["y"].to_numpy() - np.asarray(y)[missing])
    return out
