"""Assemble a whole synthetic town from its parts, deterministically from one seed."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import names
from .areas import CRS, make_areas
from .gazetteer import gazetteer_table
from .partition import Rect
from .postcodes import assign_postcodes
from .properties import expected_addresses_per_street, make_properties
from .services import ServiceContext, column_lists, make_services
from .streets import Streets, make_streets

MIN_ADDRESSES = 200
MAX_ADDRESSES = 5_000_000


@dataclass(frozen=True)
class Town:
    """Everything `geolink synth` writes, in memory."""

    name: str
    seed: int
    gazetteer: pd.DataFrame
    streets: gpd.GeoDataFrame
    postcodes: pd.DataFrame
    areas: dict[str, gpd.GeoDataFrame]
    services: dict[str, pd.DataFrame]
    truth: pd.DataFrame


def make_town(addresses: int, seed: int, service_scale: float = 1.0) -> Town:
    """A synthetic town with exactly `addresses` approved UPRNs (from 200 to 5,000,000).

    `service_scale` multiplies the number of service records (benchmarks use it to get
    as many messy records as addresses)."""
    if not MIN_ADDRESSES <= addresses <= MAX_ADDRESSES:
        raise ValueError(f"addresses must be between {MIN_ADDRESSES:,} and {MAX_ADDRESSES:,}")
    rng = np.random.default_rng(seed)
    town_name = names.TOWN_NAMES[seed % len(names.TOWN_NAMES)]
    # A square grid of the expected size; the spare streets (extra rows) are cut off later.
    expected = addresses / expected_addresses_per_street()
    n_streets = int(np.ceil(expected * 1.3)) + 4
    streets = make_streets(n_streets, int(np.ceil(np.sqrt(expected))), town_name, rng)
    props = make_properties(streets, addresses, rng)
    a = props.addresses
    used = np.unique(props.buildings["street"].to_numpy())
    bbox = _bbox(_subset(streets, used))
    a["postcode"], postcodes = assign_postcodes(a, props.buildings, bbox, rng)

    home = a["classification"].str.startswith("RD").to_numpy()
    ward_names = _ward_names(streets, rng)
    areas = make_areas(a["x"].to_numpy(), a["y"].to_numpy(), home, bbox, town_name, ward_names, rng)
    gazetteer = gazetteer_table(a.drop(columns=["building"]), rng)

    approved = gazetteer[gazetteer["status"] == "approved"].reset_index(drop=True)
    variants = gazetteer[gazetteer["status"] != "approved"].reset_index(drop=True)
    ctx = ServiceContext(
        addresses=approved,
        variants=variants,
        streets=_subset(streets, used),
        wrong_postcode=_wrong_postcodes(postcodes),
        deprivation=_deprivation(approved["x"].to_numpy(), approved["y"].to_numpy(), bbox, rng),
        social_street=rng.random(len(used)) < 0.25,
        max_number=_max_numbers(approved, streets.usrn[used]),
        address_lists=column_lists(approved),
        variant_lists=column_lists(variants),
        localities=sorted({x for x in streets.locality.tolist() + streets.town.tolist() if x}),
        street_index={int(u): i for i, u in enumerate(streets.usrn[used])},
    )
    services, truth = make_services(ctx, rng, service_scale)
    return Town(
        name=town_name, seed=seed, gazetteer=gazetteer, streets=_street_frame(ctx.streets),
        postcodes=postcodes, areas=areas, services=services, truth=truth,
    )


def _bbox(streets: Streets) -> Rect:
    v = streets.vertices.reshape(-1, 2)
    pad = 60.0
    return (float(v[:, 0].min() - pad), float(v[:, 1].min() - pad),
            float(v[:, 0].max() + pad), float(v[:, 1].max() + pad))


def _subset(streets: Streets, keep: np.ndarray) -> Streets:
    """Only the streets that received buildings (the grid is cut at the address count)."""
    return Streets(
        usrn=streets.usrn[keep], name=streets.name[keep], locality=streets.locality[keep],
        kind=streets.kind[keep], vertices=streets.vertices[keep], town=streets.town[keep],
        borough=streets.borough,
        grid_columns=streets.grid_columns,
    )


def _street_frame(streets: Streets) -> gpd.GeoDataFrame:
    classification = np.where(np.isin(streets.name, names.COMMON_STREET_NAMES[:3]), "main road", "local road")
    return gpd.GeoDataFrame(
        pd.DataFrame({"usrn": streets.usrn, "name": streets.name, "locality": streets.locality,
                      "town": streets.town, "classification": classification}),
        geometry=shapely.linestrings(streets.vertices), crs=CRS,
    )


def _ward_names(streets: Streets, rng: np.random.Generator) -> list[str]:
    places = sorted({x for x in streets.locality.tolist() + streets.town.tolist() if x})
    pool = [f"{place} {suffix}".title() for place in places for suffix in names.WARD_SUFFIXES]
    return [pool[i] for i in rng.permutation(len(pool))]


def _wrong_postcodes(postcodes: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """For each postcode, a neighbour in the same sector (the classic keying slip) and one
    from another part of town (a previous address, a colleague's guess)."""
    codes = postcodes["postcode"].tolist()
    sectors = postcodes["sector"].tolist()
    wrong = {}
    for i, code in enumerate(codes):
        j = i + 1 if i + 1 < len(codes) and sectors[i + 1] == sectors[i] else i - 1
        far = codes[(i + len(codes) // 3) % len(codes)]
        wrong[code] = (codes[j] if j >= 0 else code, far)
    return wrong


def _deprivation(x: np.ndarray, y: np.ndarray, bbox: Rect, rng: np.random.Generator) -> np.ndarray:
    """A smooth 0..1 field: a few pockets of deprivation, as real towns have."""
    w, h = bbox[2] - bbox[0], bbox[3] - bbox[1]
    n_bumps = 3 + int(w * h / 4e7)
    cx = rng.uniform(bbox[0], bbox[2], n_bumps)
    cy = rng.uniform(bbox[1], bbox[3], n_bumps)
    sigma = rng.uniform(0.05, 0.15, n_bumps) * max(w, h)
    field = np.zeros(len(x))
    for i in range(n_bumps):
        field += np.exp(-((x - cx[i]) ** 2 + (y - cy[i]) ** 2) / (2 * sigma[i] ** 2))
    return field / max(field.max(), 1e-9)


def _max_numbers(approved: pd.DataFrame, usrns: np.ndarray) -> np.ndarray:
    top = approved.groupby("usrn")["pao_start_number"].max()
    return top.reindex(usrns, fill_value=0).to_numpy()
