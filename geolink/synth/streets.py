"""Street network of a synthetic town: one named street per grid cell, grouped into localities.

Each street is a bent three-vertex line crossing its cell, alternately east-west and
north-south, so that streets never cross and a house is always nearest its own street.
Street names are unique within a locality and repeat across localities, as in real
gazetteers (every village has its CHURCH ROAD).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import names

CELL_M = 200.0
ORIGIN = (290_000.0, 90_000.0)  # British National Grid, south-west corner of the town
USRN_BASE = 14_200_000

# Street kinds and the share of each, in the centre and at the edge of town.
KINDS = ("terrace", "semi", "detached", "flats", "high_street", "estate")
_KIND_CENTRE = np.array([0.34, 0.16, 0.04, 0.26, 0.14, 0.06])
_KIND_EDGE = np.array([0.12, 0.36, 0.38, 0.06, 0.03, 0.05])
STREETS_PER_LOCALITY = 150
POST_TOWN_SHARE = 0.3


@dataclass(frozen=True)
class Streets:
    """Streets as parallel arrays; `vertices[i]` is the (3, 2) line of street i."""

    usrn: np.ndarray
    name: np.ndarray
    locality: np.ndarray
    kind: np.ndarray
    vertices: np.ndarray
    town: np.ndarray          # post town of each street
    borough: str              # the council's name for the whole town
    grid_columns: int

    def __len__(self) -> int:
        return len(self.usrn)


def make_streets(n_streets: int, cols: int, town: str, rng: np.random.Generator) -> Streets:
    """Lay out `n_streets` streets on a grid `cols` cells wide and name them by locality."""
    cell = np.arange(n_streets)
    row, col = cell // cols, cell % cols
    vertices = _street_lines(row, col, rng)
    centre = vertices[:, 1, :]
    radius = _relative_radius(centre)
    kind = _draw_kinds(radius, rng)
    locality_id, locality_names = _localities(centre, radius, rng)
    street_names = _name_streets(locality_id, len(locality_names), rng)
    usrn = USRN_BASE + cell * 7 + rng.integers(0, 7, n_streets)
    # Some outlying places are post towns of their own ('12 HIGH STREET, TREHARRIS').
    own_post_town = np.r_[False, rng.random(len(locality_names) - 1) < POST_TOWN_SHARE]
    if len(locality_names) > 2 and not own_post_town.any():
        own_post_town[-1] = True  # every town of some size has at least one such place
    names_arr = np.array(locality_names, dtype=object)
    post_town = np.where(own_post_town, names_arr, town)[locality_id]
    locality = np.where(own_post_town, "", names_arr)[locality_id]
    return Streets(
        usrn=usrn.astype(np.int64),
        name=street_names,
        locality=locality.astype(object),
        kind=kind,
        vertices=vertices,
        town=post_town.astype(object),
        borough=town,
        grid_columns=cols,
    )


def _street_lines(row: np.ndarray, col: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(row)
    x0 = ORIGIN[0] + col * CELL_M
    y0 = ORIGIN[1] + row * CELL_M
    across = CELL_M * rng.uniform(0.35, 0.65, (n, 2))
    bend = CELL_M * rng.uniform(-0.1, 0.1, n)
    along = CELL_M * np.array([0.05, 0.5, 0.95])
    horizontal = (row + col) % 2 == 0
    v = np.empty((n, 3, 2))
    # Position along the cell for the three vertices, across the cell for the offsets.
    a = along[None, :] + np.zeros((n, 1))
    c = np.column_stack([across[:, 0], (across[:, 0] + across[:, 1]) / 2 + bend, across[:, 1]])
    v[:, :, 0] = np.where(horizontal[:, None], x0[:, None] + a, x0[:, None] + c)
    v[:, :, 1] = np.where(horizontal[:, None], y0[:, None] + c, y0[:, None] + a)
    return np.round(v, 2)


def _relative_radius(centre: np.ndarray) -> np.ndarray:
    mid = centre.mean(axis=0)
    d = np.hypot(*(centre - mid).T)
    return d / max(d.max(), 1.0)


def _draw_kinds(radius: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    p = _KIND_CENTRE[None, :] * (1 - radius[:, None]) + _KIND_EDGE[None, :] * radius[:, None]
    cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    return (rng.random(len(radius))[:, None] > cum).sum(axis=1).clip(0, len(KINDS) - 1)


def _localities(centre: np.ndarray, radius: np.ndarray, rng: np.random.Generator):
    n_loc = max(2, int(round(len(centre) / STREETS_PER_LOCALITY)))
    seeds = centre[rng.choice(len(centre), n_loc, replace=False)]
    # The seed nearest the middle of town is the town proper: no locality name.
    mid = centre.mean(axis=0)
    seeds[0] = centre[np.argmin(np.hypot(*(centre - mid).T))]
    locality_id = np.empty(len(centre), dtype=np.int64)
    for start in range(0, len(centre), 50_000):
        chunk = centre[start:start + 50_000]
        d = ((chunk[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2)
        locality_id[start:start + 50_000] = d.argmin(axis=1)
    return locality_id, [""] + _place_names(n_loc - 1, rng)


def _place_names(n: int, rng: np.random.Generator) -> list[str]:
    english = [p + s for p in names.PLACE_PREFIXES for s in names.PLACE_SUFFIXES]
    welsh = [p + s for p in names.WELSH_PLACE_PREFIXES for s in names.WELSH_PLACE_SUFFIXES]
    pool = english + welsh
    if n > len(pool):
        pool += [f"{a} {b}" for a in english for b in ("MAGNA", "PARVA", "CROSS", "GREEN")]
    return [pool[i] for i in rng.choice(len(pool), n, replace=False)]


def _street_name_pool() -> tuple[np.ndarray, np.ndarray]:
    types, weights = zip(*names.STREET_TYPES)
    pool = [f"{s} {t}" for s in names.STREET_STEMS for t in types]
    w = [wt for _ in names.STREET_STEMS for wt in weights]
    pool += list(names.WHOLE_STREET_NAMES)
    w += [8.0] * len(names.WHOLE_STREET_NAMES)
    w = np.array(w, dtype=float)
    return np.array(pool, dtype=object), w / w.sum()


def _name_streets(locality_id: np.ndarray, n_loc: int, rng: np.random.Generator) -> np.ndarray:
    """Street names, rarely repeated within the town (in a real authority's gazetteer about
    2% of streets share a name: 1.8% in the Exeter AddressBase sample), except the few names
    every borough repeats, which many localities have once each."""
    pool, p = _street_name_pool()
    out = _draw_names(pool, p, len(locality_id), rng)
    order = np.argsort(locality_id, kind="stable")
    bounds = np.searchsorted(locality_id[order], np.arange(n_loc + 1))
    for loc in range(n_loc):
        members = order[bounds[loc]:bounds[loc + 1]]
        taken = set(out[members])
        commons = [c for c in names.COMMON_STREET_NAMES if rng.random() < 0.3 and c not in taken]
        for i, common in enumerate(commons[:len(members)]):
            out[members[-(i + 1)]] = common
    return out


def _draw_names(pool: np.ndarray, p: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n names without repeats while the pool lasts (a very large town then starts it again)."""
    parts = []
    while n > 0:
        take = min(n, len(pool))
        parts.append(pool[rng.choice(len(pool), take, replace=False, p=p)])
        n -= take
    return np.concatenate(parts).astype(object) if parts else np.empty(0, dtype=object)
