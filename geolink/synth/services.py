"""Council service datasets with the messiness of real extracts, and their truth.

Four systems, each holding addresses its own way: council tax support (address lines
plus postcode), housing repairs (one free-text line, postcode sometimes inside, a GPS
point from the repairs app), adult social care referrals (one line plus postcode, NHS
number) and street reports (a location description or only an easting/northing).
Records are drawn from households with a deprivation gradient, so that maps of the
aggregates show real spatial variation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Transformer

from . import messy, names, people
from .messy import AddressParts

PERIOD_START = np.datetime64("2024-01-01")
PERIOD_DAYS = 730

# Share of each record kind per dataset: a gazetteer address, one of its alternative or
# historic forms, an address missing from the gazetteer, a street only, a point only.
KINDS = ("property", "variant", "not_in_gazetteer", "street_only", "point_only")


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    prefix: str
    records_per_household: float
    kind_shares: tuple[float, float, float, float, float]


SPECS = (
    ServiceSpec("council_tax_support", "CTS", 0.10, (0.90, 0.03, 0.04, 0.03, 0.0)),
    ServiceSpec("housing_repairs", "HR", 0.12, (0.86, 0.03, 0.03, 0.03, 0.05)),
    ServiceSpec("adult_social_care", "ASC", 0.03, (0.91, 0.03, 0.03, 0.03, 0.0)),
    ServiceSpec("street_reports", "SR", 0.02, (0.0, 0.0, 0.0, 0.6, 0.4)),
)
XLSX_DATASET = "adult_social_care"

# Column mapping of each dataset, written beside the files for loaders and the demo.
MAPPING = {
    "council_tax_support": {
        "id_column": "record_id",
        "address_columns": ["address_line_1", "address_line_2", "address_line_3", "address_line_4"],
        "postcode_column": "postcode",
        "person_columns": {"full_name": "name", "date_of_birth": "date_of_birth", "phone": "phone"},
        "date_column": "claim_start_date",
    },
    "housing_repairs": {
        "id_column": "record_id",
        "address_columns": ["property_address"],
        "postcode_column": "postcode",
        "lat_column": "latitude", "lon_column": "longitude",
        "person_columns": {"full_name": "name", "date_of_birth": "date_of_birth", "phone": "phone"},
        "date_column": "reported_date",
    },
    "adult_social_care": {
        "id_column": "record_id",
        "address_columns": ["address"],
        "postcode_column": "postcode",
        "person_columns": {"full_name": "name", "date_of_birth": "date_of_birth",
                           "nhs_number": "nhs_number", "phone": "phone"},
        "date_column": "referral_date",
    },
    "street_reports": {
        "id_column": "record_id",
        "address_columns": ["location"],
        "x_column": "easting", "y_column": "northing",
        "person_columns": {"full_name": "name", "date_of_birth": "date_of_birth", "phone": "phone"},
        "date_column": "reported_date",
    },
}


@dataclass
class ServiceContext:
    """What the record generator needs from the town, as plain arrays."""

    addresses: pd.DataFrame   # approved rows, one per UPRN
    variants: pd.DataFrame    # alternative and historic rows
    streets: object           # synth.streets.Streets
    wrong_postcode: dict[str, tuple[str, str]]
    deprivation: np.ndarray   # per address row, 0..1
    social_street: np.ndarray  # per street, bool
    max_number: np.ndarray    # per street, highest PAO number
    address_lists: dict[str, list]
    localities: list[str]
    street_index: dict[int, int]
    variant_lists: dict[str, list]


def make_services(ctx: ServiceContext, rng: np.random.Generator,
                  scale: float = 1.0) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """All service datasets and the truth table (dataset, record_id, uprn, usrn, lost)."""
    r = random.Random(int(rng.integers(0, 2**31)))
    datasets, truths = {}, []
    for spec in SPECS:
        frame, truth = _dataset(spec, ctx, rng, r, scale)
        datasets[spec.name] = frame
        truths.append(truth)
    truth = pd.concat(truths, ignore_index=True)
    return datasets, truth


def _households(ctx: ServiceContext) -> np.ndarray:
    return ctx.addresses["classification"].str.startswith("RD").to_numpy()


def _dataset(spec: ServiceSpec, ctx: ServiceContext, rng, r, scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    home = _households(ctx)
    n = max(20, int(round(spec.records_per_household * scale * home.sum())))
    kind = rng.choice(len(KINDS), n, p=np.array(spec.kind_shares) / sum(spec.kind_shares))
    rows = _draw_rows(spec, ctx, home, n, rng)
    variant_rows = rng.integers(0, max(1, len(ctx.variants)), n)
    street_pick = rng.integers(0, len(ctx.streets), n)
    person = people.residents(n, rng, 65 if spec.name == XLSX_DATASET else 18,
                              101 if spec.name == XLSX_DATASET else 90)
    days = PERIOD_START + rng.integers(0, PERIOD_DAYS, n).astype("timedelta64[D]")

    a = ctx.address_lists
    text, postcode, uprn, usrn, px, py, lost = [], [], [], [], [], [], []
    for i in range(n):
        k = KINDS[kind[i]]
        t, pc, u, s_usrn, x, y, gone = "", "", None, None, np.nan, np.nan, ""
        if k == "variant" and len(ctx.variants):
            row = int(variant_rows[i])
            u, s_usrn = ctx.variant_lists["uprn"][row], ctx.variant_lists["usrn"][row]
            t, pc, gone = _property_text(spec, _parts(ctx.variant_lists, row), s_usrn, ctx, r)
        elif k in ("property", "variant") or (k == "point_only" and spec.name != "street_reports"):
            j = int(rows[i])
            if k == "point_only":
                gone = "address"
            else:
                t, pc, gone = _property_text(spec, _parts(a, j), a["usrn"][j], ctx, r)
            u, s_usrn, x, y = a["uprn"][j], a["usrn"][j], a["x"][j], a["y"][j]
        elif k in ("street_only", "point_only"):
            s_usrn = int(ctx.streets.usrn[street_pick[i]])
            if k == "street_only":
                t = _street_text(spec, ctx, street_pick[i], r)
        else:
            t, s_usrn = _missing_address(ctx, street_pick[i], r)
        text.append(t); postcode.append(pc); uprn.append(u); usrn.append(s_usrn); lost.append(gone)
        px.append(x); py.append(y)

    kinds = np.array(KINDS, dtype=object)[kind]
    if spec.name == "street_reports":
        px, py = _street_points(ctx, street_pick, kinds, rng)
    frame = _layout(spec, text, postcode, np.array(px, dtype=float), np.array(py, dtype=float),
                    kinds, person, days, rng, r)
    order = rng.permutation(n)
    frame = frame.iloc[order].reset_index(drop=True)
    ids = [f"{spec.prefix}-{i + 1:06d}" for i in range(n)]
    frame.insert(0, "record_id", ids)
    truth = pd.DataFrame({
        "dataset": spec.name,
        "record_id": ids,
        "uprn": pd.array(np.array(uprn, dtype=object)[order], dtype="Int64"),
        "usrn": pd.array(np.array(usrn, dtype=object)[order], dtype="Int64"),
        "lost": np.array(lost, dtype=object)[order],
    })
    return frame, truth


def _draw_rows(spec: ServiceSpec, ctx: ServiceContext, home: np.ndarray, n: int, rng) -> np.ndarray:
    """Which household each record is about: deprivation-weighted, repeats for repairs."""
    weight = home * (0.15 + ctx.deprivation ** 1.5)
    if spec.name == "housing_repairs":
        streets = ctx.addresses["usrn"].to_numpy()
        social = np.isin(streets, ctx.streets.usrn[ctx.social_street])
        weight = weight * np.where(social, 1.0, 0.02)
        # Tenants report again and again: draw fewer homes, repeat them.
        homes = rng.choice(len(weight), max(1, n // 2), p=weight / weight.sum())
        return homes[rng.integers(0, len(homes), n)]
    if spec.name == XLSX_DATASET:
        weight = home * (0.4 + ctx.deprivation)
    return rng.choice(len(weight), n, p=weight / weight.sum())


def _parts(cols: dict[str, list], j: int) -> AddressParts:
    return AddressParts(
        sao_text=cols["sao_text"][j], sao_number=cols["sao_start_number"][j],
        sao_suffix=cols["sao_start_suffix"][j], pao_text=cols["pao_text"][j],
        pao_number=cols["pao_start_number"][j], pao_suffix=cols["pao_start_suffix"][j],
        pao_end=cols["pao_end_number"][j], street=cols["street"][j], locality=cols["locality"][j],
        town=cols["town"][j], postcode=cols["postcode"][j],
    )


_PART_COLUMNS = ("uprn", "usrn", "x", "y", "sao_text", "sao_start_number", "sao_start_suffix",
                 "pao_text", "pao_start_number", "pao_start_suffix", "pao_end_number", "street",
                 "locality", "town", "postcode")


def column_lists(frame: pd.DataFrame) -> dict[str, list]:
    """Columns as plain lists: per-record Python code reads them far faster than .iloc."""
    return {c: frame[c].tolist() for c in _PART_COLUMNS}


def _property_text(spec: ServiceSpec, p: AddressParts, usrn: int, ctx: ServiceContext,
                   r) -> tuple[str | list[str], str, str]:
    """Messy address text (a list of lines for line-based systems), the keyed postcode, and
    what the text lost of the property for good (`messy.messy_segments`)."""
    wrong_locality = r.choice(ctx.localities) if ctx.localities else ""
    street = ctx.street_index.get(usrn)
    other = ctx.streets.name[_neighbour_street(ctx, street, r)] if street is not None else ""
    segments, lost = messy.messy_segments(p, r, wrong_locality, other)
    segments = [messy.letter_case(s, r) for s in segments]
    pc = messy.messy_postcode(p.postcode, ctx.wrong_postcode.get(p.postcode, (p.postcode,) * 2), r)
    if lost == "number":  # only a number, found by its postcode or not at all
        lost = "" if messy.postcode_kept(pc, p.postcode) else "street"
    pc = pc.lower() if r.random() < 0.1 else pc
    if spec.name == "council_tax_support":
        return segments, pc, lost
    return messy.join_segments(segments, r), pc, lost


def _street_text(spec: ServiceSpec, ctx: ServiceContext, s: int, r) -> str | list[str]:
    st = ctx.streets
    neighbour = _neighbour_street(ctx, s, r)
    number = int(ctx.max_number[s]) and r.randrange(1, int(ctx.max_number[s]) + 1)
    if spec.name == "street_reports":
        return messy.street_location(st.name[s], number, st.name[neighbour], st.locality[s], st.town[s], r)
    segments = [messy.letter_case(messy.abbreviate(st.name[s], r), r)]
    if st.locality[s] and r.random() < 0.5:
        segments.append(messy.letter_case(st.locality[s], r))
    if r.random() < 0.6:
        segments.append(messy.letter_case(st.town[s], r))
    if spec.name == "council_tax_support":
        return segments
    return messy.join_segments(segments, r)


def _neighbour_street(ctx: ServiceContext, s: int, r) -> int:
    cols = ctx.streets.grid_columns
    options = [o for o in (s - 1, s + 1, s - cols, s + cols) if 0 <= o < len(ctx.streets)]
    return r.choice(options)


def _missing_address(ctx: ServiceContext, s: int, r) -> tuple[str, int | None]:
    """An address the gazetteer does not hold: a number past the end of a real street,
    or a street that does not exist (a new development the LLPG has not caught up with)."""
    st = ctx.streets
    if r.random() < 0.6 and ctx.max_number[s] > 0:
        number = int(ctx.max_number[s]) + r.randrange(2, 40)
        text = f"{number} {messy.abbreviate(st.name[s], r)}, {st.town[s]}"
        return messy.letter_case(text, r), int(st.usrn[s])
    stem = r.choice(names.STREET_STEMS)
    text = f"{r.randrange(1, 60)} {stem} {r.choice(('WHARF', 'RISE', 'FOLD', 'CHASE'))}, {st.town[s]}"
    return messy.letter_case(text, r), None


def _street_points(ctx: ServiceContext, street_pick, kinds, rng) -> tuple[np.ndarray, np.ndarray]:
    """A GPS point on or beside the street, away from its ends."""
    v = ctx.streets.vertices[street_pick]
    frac = rng.uniform(0.15, 0.85, len(street_pick))
    first = frac < 0.5
    a = np.where(first[:, None], v[:, 0], v[:, 1])
    b = np.where(first[:, None], v[:, 1], v[:, 2])
    f = np.where(first, frac * 2, frac * 2 - 1)[:, None]
    p = a + (b - a) * f + rng.normal(0, 3.0, (len(street_pick), 2))
    has_point = (kinds == "point_only") | (rng.random(len(kinds)) < 0.3)
    x = np.where(has_point, np.round(p[:, 0], 1), np.nan)
    y = np.where(has_point, np.round(p[:, 1], 1), np.nan)
    return x, y


_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _layout(spec: ServiceSpec, text, postcode, px, py, kinds, person, days, rng, r) -> pd.DataFrame:
    """Arrange text, person and service fields into the columns of the source system."""
    n = len(text)
    name = np.char.add(np.char.add(person["first"].astype(str), " "), person["surname"].astype(str)).astype(object)
    if spec.name == "council_tax_support":
        lines = [_four_lines(t) for t in text]
        return pd.DataFrame({
            "claim_reference": [f"CT{1_000_000 + int(v)}" for v in rng.integers(0, 8_999_999, n)],
            "full_name": np.char.add(np.char.add(person["surname"].astype(str).astype("U40"), ", "),
                                     person["first"].astype(str)).astype(object),
            "date_of_birth": people.iso_date(person["dob"]),
            "phone": person["phone"],
            "address_line_1": [x[0] for x in lines], "address_line_2": [x[1] for x in lines],
            "address_line_3": [x[2] for x in lines], "address_line_4": [x[3] for x in lines],
            "postcode": postcode,
            "claim_start_date": people.iso_date(days),
            "household_type": rng.choice(["single", "couple", "lone parent", "pensioner", "family"], n),
            "weekly_award": np.round(rng.gamma(3.0, 12.0, n) + 5.0, 2),
            "claim_status": rng.choice(["live", "live", "live", "ended", "suspended"], n),
        })
    if spec.name == "housing_repairs":
        inside = np.array([r.random() < 0.3 for _ in range(n)])
        address = [f"{t} {pc}" if ins and pc and t else t for t, pc, ins in zip(text, postcode, inside)]
        keyed_pc = [("" if ins else pc) for pc, ins in zip(postcode, inside)]
        with_point = (kinds == "point_only") | (rng.random(n) < 0.1)
        with_point &= np.isfinite(px)
        lon, lat = _TO_WGS84.transform(np.where(with_point, px, 0.0), np.where(with_point, py, 0.0))
        lon, lat = np.where(with_point, lon, np.nan), np.where(with_point, lat, np.nan)
        jitter = rng.normal(0, 0.00003, (2, n))
        return pd.DataFrame({
            "job_number": [f"JOB{500_000 + i}" for i in range(n)],
            "full_name": name,
            "date_of_birth": people.uk_date(person["dob"]),
            "phone": person["phone"],
            "property_address": address,
            "postcode": keyed_pc,
            "latitude": np.round(lat + jitter[0], 6),
            "longitude": np.round(lon + jitter[1], 6),
            "reported_date": people.uk_date(days),
            "repair_category": rng.choice(["damp and mould", "plumbing", "electrical", "heating",
                                           "roofing", "windows and doors", "kitchen"], n),
            "priority": rng.choice(["emergency", "urgent", "routine", "routine"], n),
            "cost": np.round(rng.lognormal(5.5, 0.9, n), 2),
        })
    if spec.name == XLSX_DATASET:
        return pd.DataFrame({
            "full_name": name,
            "date_of_birth": people.iso_date(person["dob"]),
            "nhs_number": people.nhs_numbers(n, rng),
            "phone": person["phone"],
            "address": text,
            "postcode": postcode,
            "referral_date": people.iso_date(days),
            "referral_source": rng.choice(["GP", "hospital discharge", "self", "family", "police"], n),
            "primary_support_reason": rng.choice(["physical support", "memory and cognition",
                                                  "mental health", "learning disability",
                                                  "sensory support"], n),
            "outcome": rng.choice(["long-term support", "short-term support", "information and advice",
                                   "no services"], n),
        })
    return pd.DataFrame({
        "report_type": rng.choice(["fly-tipping", "pothole", "street light", "graffiti",
                                   "dog fouling", "blocked drain"], n),
        "location": text,
        "easting": px,
        "northing": py,
        "reported_date": people.iso_date(days),
        "full_name": name,
        "date_of_birth": people.iso_date(person["dob"]),
        "phone": person["phone"],
    })


def _four_lines(segments) -> list[str]:
    if isinstance(segments, str):
        segments = [segments] if segments else []
    lines = list(segments[:3]) + [", ".join(segments[3:])]
    return (lines + ["", "", "", ""])[:4]
