"""Random small-area tables for the disclosure tests: OAs in LSOAs in MSOAs in one LAD,
with wards that cut across OAs, and counts dominated by small numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from geolink.disclosure import CellSpace


def town_table(seed: int, n_oa: int, n_ward: int, split_share: float) -> tuple[CellSpace, np.ndarray]:
    """A cell space and true atom counts; some OAs are split between two wards."""
    rng = np.random.default_rng(seed)
    oa = [f"O{i:03d}" for i in range(n_oa)]
    lsoa = {o: f"L{i // 3:02d}" for i, o in enumerate(oa)}
    msoa = {lo: f"M{int(lo[1:]) // 2}" for lo in set(lsoa.values())}
    rows = []
    for i, o in enumerate(oa):
        home = f"W{i * n_ward // n_oa}"
        wards = [home]
        if rng.random() < split_share:
            wards.append(f"W{rng.integers(n_ward)}")
        for w in dict.fromkeys(wards):
            rows.append({"oa": o, "lsoa": lsoa[o], "msoa": msoa[lsoa[o]], "lad": "D0", "ward": w})
    atoms = pd.DataFrame(rows)
    areas = pd.concat([pd.DataFrame({"level": lv, "code": sorted(atoms[lv].unique())})
                       for lv in ("oa", "lsoa", "msoa", "lad", "ward")], ignore_index=True)
    counts = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40], size=len(atoms), p=[.2, .12, .1, .1, .1, .1, .1, .1, .08])
    return CellSpace.build(atoms, areas), counts.astype(np.int64)


towns = st.builds(town_table, seed=st.integers(0, 2**32 - 1), n_oa=st.integers(3, 24),
                  n_ward=st.integers(1, 4), split_share=st.sampled_from([0.0, 0.2, 0.5]))


def determined(space: CellSpace, published: np.ndarray, weights: np.ndarray) -> bool:
    """Whether published totals fix `weights . atoms` exactly (it lies in their row space).

    An attacker independent of the LP one in geolink.disclosure.attack."""
    a = space.membership[np.flatnonzero(published)].toarray()
    if not len(a):
        return False
    return np.linalg.matrix_rank(np.vstack([a, weights])) == np.linalg.matrix_rank(a)
