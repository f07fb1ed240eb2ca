"""Rates with confidence intervals and funnel-plot limits (pure numpy / scipy).

Household measures are proportions of the area's households: Wilson score intervals
(good coverage for small counts). Record measures can exceed the households: exact
(Garwood) Poisson intervals. Both are quoted per 1,000 households.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

PER = 1_000
Z95 = 1.959963984540054
FUNNEL_LEVELS = {"95%": 0.975, "99.8%": 0.999}


def wilson(count: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for count/n (as proportions); NaN where n is 0."""
    count, n = np.asarray(count, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = count / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def poisson_exact(count: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count."""
    count = np.asarray(count, float)
    low = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return low, high


def rates(count: np.ndarray, households: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate per 1,000 households with its 95% interval; NaN where there are no households."""
    count, n = np.asarray(count, float), np.asarray(households, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, count / n * PER, np.nan)
        if unit == "households":
            low, high = wilson(count, n)
            low, high = low * PER, high * PER
        else:
            low, high = poisson_exact(count)
            low, high = low / n * PER, high / n * PER
    bad = ~(n > 0) | np.isnan(count)
    return rate, np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def funnel_limits(overall_rate: float, households: np.ndarray, unit: str, level: str) -> tuple[np.ndarray, np.ndarray]:
    """Control limits (per 1,000) for areas of the given sizes around the overall rate."""
    n = np.asarray(households, float)
    q = FUNNEL_LEVELS[level]
    p0 = overall_rate / PER
    with np.errstate(invalid="ignore", divide="ignore"):
        if unit == "households":
            half = stats.norm.ppf(q) * np.sqrt(p0 * (1 - p0) / n)
            return (p0 - half) * PER, (p0 + half) * PER
        expected = p0 * n
        return stats.poisson.ppf(1 - q, expected) / n * PER, stats.poisson.ppf(q, expected) / n * PER


def compare_to_whole(rate: np.ndarray, overall_rate: float, households: np.ndarray, unit: str) -> np.ndarray:
    """Each area against the whole: 'above 99.8%', 'above 95%', 'within', 'below 95%', 'below 99.8%'."""
    rate = np.asarray(rate, float)
    out = np.full(len(rate), None, dtype=object)
    known = ~np.isnan(rate)
    out[known] = "within"
    for level in ("95%", "99.8%"):
        low, high = funnel_limits(overall_rate, households, unit, level)
        out[known & (rate > high)] = f"above {level}"
        out[known & (rate < low)] = f"below {level}"
    return out
