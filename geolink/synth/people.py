"""Fake residents for synthetic households: names, dates of birth, phones, NHS numbers.

Phone numbers come from Ofcom's drama ranges and NHS numbers from the 999 test range,
so nothing generated can belong to a real person.
"""

from __future__ import annotations

import numpy as np

from . import names

REFERENCE_DAY = np.datetime64("2026-01-01")


def residents(n: int, rng: np.random.Generator, min_age: int = 18, max_age: int = 95) -> dict[str, np.ndarray]:
    """`n` people: first name, surname, date of birth (datetime64[D]) and phone."""
    first = np.array(names.FIRST_NAMES, dtype=object)[rng.integers(0, len(names.FIRST_NAMES), n)]
    surname = np.array(names.SURNAMES, dtype=object)[rng.integers(0, len(names.SURNAMES), n)]
    age_days = rng.integers(min_age * 365, max_age * 365, n)
    dob = REFERENCE_DAY - age_days.astype("timedelta64[D]")
    mobile = rng.random(n) < 0.7
    phone = np.where(
        mobile,
        np.char.add("07700 900", np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)),
        np.char.add("01632 960", np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)),
    ).astype(object)
    return {"first": first, "surname": surname, "dob": dob, "phone": phone}


def nhs_numbers(n: int, rng: np.random.Generator) -> np.ndarray:
    """Valid-checksum NHS numbers in the 999 test range, as '999 123 4567'."""
    out = np.empty(n, dtype=object)
    body = rng.integers(0, 1_000_000, n)
    weights = np.arange(10, 1, -1)
    for i, b in enumerate(body.tolist()):
        digits = [9, 9, 9] + [int(c) for c in f"{b:06d}"]
        check = 11 - sum(d * w for d, w in zip(digits, weights)) % 11
        check = 0 if check == 11 else check
        if check == 10:  # invalid number; nudge the body
            digits[-1] = (digits[-1] + 1) % 10
            check = 11 - sum(d * w for d, w in zip(digits, weights)) % 11
            check = 0 if check == 11 else check
        s = "".join(map(str, digits)) + str(check % 10)
        out[i] = f"{s[:3]} {s[3:6]} {s[6:]}"
    return out


def uk_date(days: np.ndarray) -> np.ndarray:
    """datetime64 days as DD/MM/YYYY, the way many council systems export them."""
    iso = np.datetime_as_string(days, unit="D").tolist()
    return np.array([f"{s[8:10]}/{s[5:7]}/{s[0:4]}" for s in iso], dtype=object)


def iso_date(days: np.ndarray) -> np.ndarray:
    """datetime64 days as YYYY-MM-DD."""
    return np.datetime_as_string(days, unit="D").astype(object)
