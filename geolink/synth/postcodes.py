"""Postcode units of about fifteen addresses, grouped into sectors and districts.

Units run along one side of a street, as Royal Mail walks allocate them; sectors
(~2,000 addresses) and districts (~12,000) are balanced spatial groups of units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .partition import Rect, kd_partition

AREAS = ("YX", "YW", "YV", "YU", "YT", "YS")
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_UNIT_CODES = [a + b for a in UNIT_LETTERS for b in UNIT_LETTERS]
DISTRICT_ADDRESSES = 12_000
SECTOR_ADDRESSES = 2_000


def assign_postcodes(
    addresses: pd.DataFrame, buildings: pd.DataFrame, bbox: Rect, rng: np.random.Generator
) -> tuple[pd.Series, pd.DataFrame]:
    """Postcode of every address row, and the postcode table with centroids."""
    rows = addresses.groupby("building", sort=True).size().reindex(range(len(buildings)), fill_value=0)
    rows = rows.to_numpy()
    run = (buildings["street"].to_numpy() * 2 + buildings["side"].to_numpy())
    run_start = np.r_[True, run[1:] != run[:-1]]
    run_id = np.cumsum(run_start) - 1
    cum = np.cumsum(rows)
    before = cum - rows - (cum - rows)[np.flatnonzero(run_start)][run_id]
    size = rng.integers(10, 21, run_id.max() + 1)[run_id]
    local = before // size
    unit_of_building = np.unique(run_id * 10_000 + local, return_inverse=True)[1]

    unit = unit_of_building[addresses["building"].to_numpy()]
    n_units = unit.max() + 1
    count = np.bincount(unit, minlength=n_units)
    ux = np.bincount(unit, addresses["x"].to_numpy(), n_units) / count
    uy = np.bincount(unit, addresses["y"].to_numpy(), n_units) / count

    district, district_rects = kd_partition(ux, uy, count, DISTRICT_ADDRESSES, bbox)
    sector = np.zeros(n_units, dtype=np.int64)
    for d in range(district.max() + 1):
        members = np.flatnonzero(district == d)
        sector[members], _ = kd_partition(
            ux[members], uy[members], count[members], SECTOR_ADDRESSES, district_rects[d]
        )
    codes = _unit_codes(district, sector)
    table = pd.DataFrame({
        "postcode": codes,
        "sector": [c[:-2] for c in codes],
        "district": [c.split(" ")[0] for c in codes],
        "area": [c[:2] for c in codes],
        "x": np.round(ux).astype(np.int64),
        "y": np.round(uy).astype(np.int64),
        "addresses": count,
    }).sort_values("postcode", kind="stable").reset_index(drop=True)
    return pd.Series(np.array(codes, dtype=object)[unit], index=addresses.index), table


def _unit_codes(district: np.ndarray, sector: np.ndarray) -> list[str]:
    """'YX3 4AB': area letters, district number, sector digit, unit letters in order."""
    codes = []
    seen: dict[tuple[int, int], int] = {}
    for d, s in zip(district.tolist(), sector.tolist()):
        n = seen.get((d, s), 0)
        seen[(d, s)] = n + 1
        if s > 9 or n >= len(_UNIT_CODES):
            raise ValueError("postcode sector overflow: raise SECTOR_ADDRESSES granularity")
        codes.append(f"{AREAS[d // 99]}{d % 99 + 1} {(s + 1) % 10}{_UNIT_CODES[n]}")
    return codes
