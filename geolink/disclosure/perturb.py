"""How published counts are altered: rounding, ONS-style cell-key perturbation, geometric noise.

Every function takes true counts of cells that already passed the threshold and returns
the counts to publish; none ever publishes a value in 1..k-1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

KEY_RANGE = 256


def round_counts(values: np.ndarray, base: int, k: int) -> np.ndarray:
    """Round to the nearest multiple of `base` (halves up); a non-zero count never drops below k."""
    values = np.asarray(values, np.int64)
    rounded = ((values + base // 2) // base) * base if base > 1 else values.copy()
    floor = -(-k // base) * base
    return np.where((values > 0) & (rounded < k), floor, rounded)


def record_keys(units: Iterable[str], secret: bytes) -> np.ndarray:
    """A key in 0..255 per unit (household or record), fixed for a workspace secret.

    Keyed hashing keeps the keys the same across tables and reruns, and unguessable from
    outside, as ONS record keys are."""
    return np.fromiter((hashlib.blake2b(str(u).encode(), key=secret, digest_size=1).digest()[0] for u in units),
                       dtype=np.int64)


def ptable(k: int, max_perturbation: int, p_unchanged: float, top: int | None = None) -> pd.DataFrame:
    """A p-table: for each count, offsets with probabilities, as 256 cell-key slots.

    Offsets are symmetric (unbiased) within +-max_perturbation and never take a count of
    k or more below k; counts above `top` use the row for `top`. Columns: count, offset,
    key_low, key_high (the cell keys in [key_low, key_high) get that offset)."""
    top = top or k + 2 * max_perturbation
    rows = []
    for count in range(k, top + 1):
        reach = min(max_perturbation, count - k)
        offsets = np.arange(-reach, reach + 1)
        weights = np.where(offsets == 0, p_unchanged, (1 - p_unchanged) / max(len(offsets) - 1, 1))
        if reach == 0:
            weights = np.array([1.0])
        slots = _slots(weights)
        edges = np.r_[0, np.cumsum(slots)]
        rows += [(count, int(o), int(edges[i]), int(edges[i + 1])) for i, o in enumerate(offsets) if slots[i]]
    return pd.DataFrame(rows, columns=["count", "offset", "key_low", "key_high"])


def _slots(weights: np.ndarray) -> np.ndarray:
    """Split 256 cell-key slots by weight, symmetric around the middle offset."""
    half = len(weights) // 2
    slots = np.floor(weights * KEY_RANGE).astype(int)
    slots[half] += KEY_RANGE - slots.sum()
    return slots


def perturb_counts(values: np.ndarray, cell_keys: np.ndarray, table: pd.DataFrame) -> np.ndarray:
    """Add the p-table offset chosen by each cell's key; zeros stay zero."""
    values = np.asarray(values, np.int64)
    top = int(table["count"].max())
    looked = np.minimum(values, top)
    out = values.copy()
    for count, rows in table.groupby("count"):
        hit = (looked == count)
        if not hit.any():
            continue
        keys = np.asarray(cell_keys)[hit]
        slot = np.searchsorted(rows["key_high"].to_numpy(), keys, side="right")
        out[hit] = values[hit] + rows["offset"].to_numpy()[slot]
    return out


def geometric_noise(values: np.ndarray, epsilon: float, k: int, rng: np.random.Generator) -> np.ndarray:
    """The two-sided geometric mechanism (sensitivity 1): epsilon-DP noise on each count.

    Post-processing keeps the release rules: a noisy count of a non-empty cell is at least
    k, and a zero cell is published as 0 unless its noisy count reaches k."""
    values = np.asarray(values, np.int64)
    p = 1 - np.exp(-epsilon)
    noise = rng.geometric(p, len(values)) - rng.geometric(p, len(values))
    noisy = np.maximum(values + noise, 0)
    return np.where(values > 0, np.maximum(noisy, k), np.where(noisy >= k, noisy, 0))
