"""Buildings and addressable objects along the streets of a synthetic town.

A building is a house, a shop, a named non-residential building, or a parent shell
holding children: flats in a converted house or a block, a shop with a flat above,
units on a business park. Children share their parent's point, as in AddressBase.
The result is one row per UPRN in the canonical gazetteer layout (without postcodes,
which `postcodes` assigns) plus the building table that postcodes and services use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import names
from .streets import KINDS, Streets

UPRN_BASE = 10_090_000_000
HOUSE_OFFSET_M = 12.0

# Building types
HOUSE, CONVERTED, BLOCK, SHOP_FLAT, SHOP, PARK, OTHER = range(7)
WITH_CHILDREN = (CONVERTED, BLOCK, SHOP_FLAT, PARK)

# Per street kind: spacing (m), house class, then probabilities of building types
# (house, converted, block, shop+flat, shop) and of a house having a name.
_KIND_RULES = {
    "terrace": (6.0, "RD04", (0.86, 0.13, 0.01, 0.0, 0.0), 0.01),
    "semi": (10.0, "RD03", (0.95, 0.04, 0.01, 0.0, 0.0), 0.04),
    "detached": (17.0, "RD02", (0.99, 0.01, 0.0, 0.0, 0.0), 0.30),
    "flats": (26.0, "RD04", (0.35, 0.25, 0.40, 0.0, 0.0), 0.01),
    "high_street": (7.0, "RD04", (0.10, 0.05, 0.03, 0.62, 0.20), 0.0),
    "estate": (10.0, "RD03", (0.97, 0.03, 0.0, 0.0, 0.0), 0.02),
}


@dataclass(frozen=True)
class Properties:
    """Addressable objects (one row per UPRN) and the buildings that hold them."""

    addresses: pd.DataFrame
    buildings: pd.DataFrame


def expected_addresses_per_street() -> float:
    """A rough mean, used only to size the street grid before generating."""
    return 62.0


def make_properties(streets: Streets, n_addresses: int, rng: np.random.Generator) -> Properties:
    """Place buildings along every street and cut the list at exactly `n_addresses` UPRNs."""
    b = _buildings(streets, rng)
    b = _cut_to_size(b, n_addresses)
    addresses = _expand(b, streets, rng)
    return Properties(addresses=addresses, buildings=b)


def _buildings(streets: Streets, rng: np.random.Generator) -> pd.DataFrame:
    kind_names = np.array(KINDS, dtype=object)[streets.kind]
    spacing = np.array([_KIND_RULES[k][0] for k in kind_names])
    length = _line_length(streets.vertices)
    per_side = np.maximum(2, (length / spacing).astype(np.int64) - 1)
    per_side = np.column_stack([per_side, per_side]).ravel()
    # Estate streets: side 0 is one business park holding its units.
    is_estate = np.repeat(kind_names == "estate", 2) & (np.arange(len(per_side)) % 2 == 0)
    units = per_side[is_estate]
    per_side[is_estate] = 1

    street = np.repeat(np.arange(len(streets)), 2)
    side = np.tile([0, 1], len(streets))
    b_street = np.repeat(street, per_side)
    b_side = np.repeat(side, per_side)
    first = np.repeat(np.cumsum(per_side) - per_side, per_side)
    k = np.arange(len(b_street)) - first
    n_side = np.repeat(per_side, per_side)
    b_kind = kind_names[b_street]
    b_spacing = spacing[b_street]
    t = (k + 0.5 + rng.uniform(-0.2, 0.2, len(k))) * b_spacing
    t = np.where(n_side == 1, length[b_street] / 2, t)

    sequential = rng.random(len(streets)) < 0.2
    seq = sequential[b_street]
    other_side = np.repeat(np.column_stack([per_side[1::2], per_side[0::2]]).ravel(), per_side)
    number = np.where(
        seq,
        np.where(b_side == 0, k + 1, other_side + n_side - k),
        2 * k + 1 + b_side,
    )

    btype = _draw_types(b_kind, rng)
    btype = np.where(np.repeat(is_estate, per_side), PARK, btype)
    btype = np.where((btype == HOUSE) & (rng.random(len(btype)) < 0.01), OTHER, btype)

    n_child = np.zeros(len(btype), dtype=np.int64)
    n_child[btype == CONVERTED] = rng.integers(2, 5, (btype == CONVERTED).sum())
    n_child[btype == BLOCK] = rng.integers(6, 41, (btype == BLOCK).sum())
    n_child[btype == SHOP_FLAT] = 2
    park_units = np.zeros(len(btype), dtype=np.int64)
    park_units[np.repeat(is_estate, per_side)] = units * 2
    n_child = np.where(btype == PARK, park_units, n_child)

    b = pd.DataFrame({
        "street": b_street, "side": b_side, "t": t, "number": number.astype(np.int64),
        "suffix": "", "end_number": 0, "btype": btype, "n_child": n_child,
        "house_class": np.array([_KIND_RULES[x][1] for x in b_kind], dtype=object),
        "name": "", "name_p": np.array([_KIND_RULES[x][3] for x in b_kind]),
        "sequential": seq,
    })
    b = _name_buildings(b, streets, rng)
    b = _infill_suffixes(b, rng)
    b = _number_ranges(b, rng)
    return b.drop(columns=["name_p"]).reset_index(drop=True)


def _draw_types(kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    probs = np.array([_KIND_RULES[k][2] for k in kind])
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return (rng.random(len(kind))[:, None] > cum).sum(axis=1).clip(0, SHOP)


def _name_buildings(b: pd.DataFrame, streets: Streets, rng: np.random.Generator) -> pd.DataFrame:
    n = len(b)
    stems = np.array(names.STREET_STEMS, dtype=object)
    house_named = (b["btype"].to_numpy() == HOUSE) & (rng.random(n) < b["name_p"].to_numpy())
    house_names = np.array(names.HOUSE_NAMES, dtype=object)[rng.integers(0, len(names.HOUSE_NAMES), n)]
    block_names = (stems[rng.integers(0, len(stems), n)] + " "
                   + np.array(names.BLOCK_SUFFIXES, dtype=object)[rng.integers(0, len(names.BLOCK_SUFFIXES), n)])
    park_names = (stems[rng.integers(0, len(stems), n)] + " "
                  + np.array(names.ESTATE_SUFFIXES, dtype=object)[rng.integers(0, len(names.ESTATE_SUFFIXES), n)])
    other_names = np.array([_other_name(rng, stems) for _ in range(int((b["btype"] == OTHER).sum()))], dtype=object)

    name = np.full(n, "", dtype=object)
    btype = b["btype"].to_numpy()
    name[house_named] = house_names[house_named]
    is_block = btype == BLOCK
    name[is_block] = block_names[is_block]
    name[btype == PARK] = park_names[btype == PARK]
    other_name, other_class = (other_names[:, 0], other_names[:, 1]) if len(other_names) else ([], [])
    name[btype == OTHER] = other_name
    house_class = b["house_class"].to_numpy().copy()
    house_class[btype == OTHER] = other_class
    # A name is unique on its street, as in a real gazetteer: later repeats of a house
    # name are dropped, and a repeated building name keeps its number to tell them apart.
    repeated = pd.Series(name).ne("") & pd.DataFrame({"s": b["street"], "n": name}).duplicated()
    repeated = repeated.to_numpy()
    name[repeated & (btype == HOUSE)] = ""
    house_named &= name != ""
    b = b.assign(name=name, house_class=house_class)
    # Half of named houses, most parks and others, and some blocks have no number.
    drop_number = (house_named & (rng.random(n) < 0.5)) | (btype == PARK) \
        | ((btype == OTHER) & (rng.random(n) < 0.7)) | (is_block & (rng.random(n) < 0.4))
    b.loc[drop_number & ~repeated, "number"] = 0
    return b


def _other_name(rng: np.random.Generator, stems: np.ndarray) -> tuple[str, str]:
    pattern, code = names.OTHER_BUILDINGS[rng.integers(0, len(names.OTHER_BUILDINGS))]
    return pattern.format(
        stem=stems[rng.integers(0, len(stems))],
        saint=names.SAINTS[rng.integers(0, len(names.SAINTS))],
        inn=names.INNS[rng.integers(0, len(names.INNS))],
    ), code


def _infill_suffixes(b: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Add '14A' beside some houses, the infill plots every town has."""
    pick = (b["btype"] == HOUSE) & (b["number"] > 0) & (rng.random(len(b)) < 0.015)
    extra = b[pick].copy()
    extra["suffix"] = "A"
    extra["t"] = extra["t"] + 2.0
    extra["name"] = ""
    out = pd.concat([b, extra], ignore_index=True)
    return out.sort_values(["street", "side", "t"], kind="stable").reset_index(drop=True)


def _number_ranges(b: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Give some blocks and shops a range ('12-14') and drop the neighbour it absorbs."""
    step = np.where(b["sequential"], 1, 2)
    nxt = b["number"].shift(-1).fillna(0).to_numpy().astype(np.int64)
    same_run = (b["street"].shift(-1) == b["street"]) & (b["side"].shift(-1) == b["side"])
    candidate = b["btype"].isin([BLOCK, SHOP_FLAT]) & (b["number"] > 0) & same_run \
        & (nxt == b["number"] + step) & (b["suffix"].shift(-1) == "") \
        & (b["btype"].shift(-1).isin([HOUSE, SHOP, SHOP_FLAT, CONVERTED]))
    chosen = candidate & (rng.random(len(b)) < 0.25)
    b.loc[chosen, "end_number"] = nxt[chosen.to_numpy()]
    absorbed = chosen.shift(1, fill_value=False)
    return b[~absorbed].reset_index(drop=True)


def _cut_to_size(b: pd.DataFrame, n_addresses: int) -> pd.DataFrame:
    rows = np.where(b["btype"].isin(WITH_CHILDREN), 1 + b["n_child"], 1)
    cum = np.cumsum(rows)
    if cum[-1] < n_addresses:
        raise ValueError("street grid too small for the requested address count")
    last = int(np.searchsorted(cum, n_addresses))
    b = b.iloc[: last + 1].copy()
    need = n_addresses - (cum[last - 1] if last else 0)
    if need < rows[last]:
        if need == 1:
            b.iloc[-1, b.columns.get_loc("btype")] = HOUSE
            b.iloc[-1, b.columns.get_loc("n_child")] = 0
            if b.iloc[-1]["number"] == 0:
                b.iloc[-1, b.columns.get_loc("name")] = "THE LODGE"
        else:
            b.iloc[-1, b.columns.get_loc("n_child")] = need - 1
    return b.reset_index(drop=True)


def _line_length(v: np.ndarray) -> np.ndarray:
    return np.hypot(*(v[:, 1] - v[:, 0]).T) + np.hypot(*(v[:, 2] - v[:, 1]).T)


def building_points(b: pd.DataFrame, streets: Streets) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of each building: along its street at `t`, set back to its side."""
    v = streets.vertices[b["street"].to_numpy()]
    t = b["t"].to_numpy()
    l1 = np.hypot(*(v[:, 1] - v[:, 0]).T)
    l2 = np.hypot(*(v[:, 2] - v[:, 1]).T)
    on_first = t < l1
    start = np.where(on_first[:, None], v[:, 0], v[:, 1])
    end = np.where(on_first[:, None], v[:, 1], v[:, 2])
    seg_len = np.where(on_first, l1, l2)
    frac = np.clip(np.where(on_first, t / l1, (t - l1) / l2), 0, 1)
    direction = (end - start) / seg_len[:, None]
    normal = np.column_stack([-direction[:, 1], direction[:, 0]])
    offset = np.where(b["side"].to_numpy() == 0, 1.0, -1.0) * HOUSE_OFFSET_M
    p = start + direction * (frac * seg_len)[:, None] + normal * offset[:, None]
    return np.round(p[:, 0], 2), np.round(p[:, 1], 2)


def _expand(b: pd.DataFrame, streets: Streets, rng: np.random.Generator) -> pd.DataFrame:
    """One row per UPRN: the building itself, then its children."""
    btype = b["btype"].to_numpy()
    has_children = np.isin(btype, WITH_CHILDREN)
    rows = np.where(has_children, 1 + b["n_child"].to_numpy(), 1)
    bi = np.repeat(np.arange(len(b)), rows)
    pos = np.arange(len(bi)) - np.repeat(np.cumsum(rows) - rows, rows)
    child = pos > 0
    gaps = rng.integers(1, 4, len(bi))
    uprn = UPRN_BASE + np.cumsum(gaps)
    parent_uprn = np.where(child, uprn[np.repeat(np.cumsum(rows) - rows, rows)], 0)

    rb = b.iloc[bi].reset_index(drop=True)
    bx, by = building_points(b, streets)
    sao_text, sao_num, sao_suffix, klass = _child_units(rb, pos, rng)
    rtype = rb["btype"].to_numpy()
    klass = np.where(~child & np.isin(rtype, WITH_CHILDREN), "PP", klass)
    klass = np.where(~child & (rtype == SHOP), "CR01", klass)
    klass = np.where(~child & np.isin(rtype, (HOUSE, OTHER)), rb["house_class"], klass)
    s = rb["street"].to_numpy()
    return pd.DataFrame({
        "uprn": uprn.astype(np.int64),
        "parent_uprn": parent_uprn.astype(np.int64),
        "usrn": streets.usrn[s],
        "sao_text": sao_text,
        "sao_start_number": sao_num,
        "sao_start_suffix": sao_suffix,
        "sao_end_number": 0,
        "pao_text": rb["name"].to_numpy(),
        "pao_start_number": rb["number"].to_numpy(),
        "pao_start_suffix": rb["suffix"].to_numpy(),
        "pao_end_number": rb["end_number"].to_numpy(),
        "street": streets.name[s],
        "locality": streets.locality[s],
        "town": streets.town[s],
        "x": bx[bi],
        "y": by[bi],
        "classification": klass,
        "building": bi,
    })


def _child_units(rb: pd.DataFrame, pos: np.ndarray, rng: np.random.Generator):
    """SAO of each child: FLAT 2 / FLAT B / FIRST FLOOR FLAT / APARTMENT 7 / UNIT 4."""
    n = len(rb)
    btype = rb["btype"].to_numpy()
    sao_text = np.full(n, "", dtype=object)
    sao_num = np.zeros(n, dtype=np.int64)
    sao_suffix = np.full(n, "", dtype=object)
    klass = np.full(n, "RD06", dtype=object)
    child = pos > 0
    # One style per building, drawn once and broadcast to its children.
    style = rng.random(len(rb))  # per row; take the value of the building's first row
    first_row = np.r_[0, np.flatnonzero(np.diff(pos) <= 0) + 1]
    style = np.repeat(style[first_row], np.diff(np.r_[first_row, n]))

    conv = child & (btype == CONVERTED)
    letters = np.array(list("ABCDEFGH"), dtype=object)
    floors = np.array(["GROUND FLOOR FLAT", "FIRST FLOOR FLAT", "SECOND FLOOR FLAT",
                       "THIRD FLOOR FLAT"], dtype=object)
    numeric = conv & (style < 0.55)
    lettered = conv & (style >= 0.55) & (style < 0.8)
    floored = conv & (style >= 0.8)
    sao_text[numeric | lettered] = "FLAT"
    sao_num[numeric] = pos[numeric]
    sao_suffix[lettered] = letters[np.minimum(pos[lettered] - 1, 7)]
    sao_text[floored] = floors[np.minimum(pos[floored] - 1, 3)]

    blk = child & (btype == BLOCK)
    sao_text[blk] = np.where(style[blk] < 0.8, "FLAT", "APARTMENT")
    sao_num[blk] = pos[blk]

    shop = child & (btype == SHOP_FLAT)
    sao_text[shop] = np.where(pos[shop] == 1, "GROUND FLOOR", "FIRST FLOOR FLAT")
    klass[shop & (pos == 1)] = "CR01"

    park = child & (btype == PARK)
    sao_text[park] = "UNIT"
    sao_num[park] = pos[park]
    klass[park] = "CI03"
    return sao_text, sao_num, sao_suffix, klass
