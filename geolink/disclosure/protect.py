"""Protect one measure's cells: cohort, threshold, changes since earlier releases, secondary
suppression against recomputation and differencing, then rounding / perturbation / noise.

Pure: takes the cell space, true atom counts and keys, and returns what may be published.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .attack import Attacker, Target
from .cells import CellSpace
from .perturb import KEY_RANGE, geometric_noise, perturb_counts, ptable, round_counts
from .policy import Policy

# Why a value is not published (NULL flag means published).
COHORT, SMALL, OVER_TIME, SECONDARY, DIFFERENCING = "cohort", "small", "over-time", "secondary", "differencing"


@dataclass
class Protected:
    """One row per cell: level, code, true_value, value (None when suppressed), flag."""

    cells: pd.DataFrame
    targets: int
    exposures_fixed: int


def targets(space: CellSpace, atom_counts: np.ndarray, flags: np.ndarray,
            policy: Policy, previous: np.ndarray | None = None) -> Iterator[Target]:
    """Groups that must stay hidden: suppressed small cells, small atoms, and recent changes."""
    k = policy.k
    membership = space.membership
    for i in np.flatnonzero(flags == SMALL):
        yield Target(SMALL, _label(space, i), membership[i].toarray().ravel(), k)
    if policy.differencing:
        cell_sets = {tuple(membership[i].indices) for i in range(membership.shape[0])}
        for j in np.flatnonzero((atom_counts > 0) & (atom_counts < k)):
            if (j,) in cell_sets:
                continue  # the atom is a whole cell, already a small-cell target
            weights = np.zeros(len(atom_counts))
            weights[j] = 1
            codes = ", ".join(f"{lv} {c}" for lv, c in space.atoms.iloc[j].items() if c is not None)
            yield Target(DIFFERENCING, f"the part of {codes}", weights, k)
    if previous is not None:
        # A change of 1..k-1 is hidden while the cell could, for all an attacker knows,
        # have grown by k or more since the last release.
        for i in np.flatnonzero(flags == OVER_TIME):
            yield Target(OVER_TIME, f"the change in {_label(space, i)} since the last release",
                         membership[i].toarray().ravel(), previous[i] + k)


def _label(space: CellSpace, i: int) -> str:
    return f"{space.cells.at[i, 'level']} {space.cells.at[i, 'code']}"


def primary_flags(values: np.ndarray, k: int, previous: np.ndarray | None = None) -> np.ndarray:
    """Cells hidden by rule rather than to protect others: a count of 1..k-1 (SMALL), or a
    change of 1..k-1 since the last release that published the cell (OVER_TIME)."""
    flags = np.full(len(values), None, dtype=object)
    flags[(values > 0) & (values < k)] = SMALL
    if previous is not None:
        previous = np.asarray(previous, float)
        change = np.abs(values - np.where(np.isnan(previous), values, previous))
        flags[(flags == None) & (change > 0) & (change < k)] = OVER_TIME  # noqa: E711
    return flags


def protect(space: CellSpace, atom_counts: np.ndarray, atom_keys: np.ndarray | None, policy: Policy,
            previous: np.ndarray | None = None, rng: np.random.Generator | None = None) -> Protected:
    """Decide and compute the published value of every cell of one measure.

    `previous` holds each cell's true value at the last release in which it was published
    (NaN where it was not); `atom_keys` the sum of record keys per atom (for cell keys)."""
    atom_counts = np.asarray(atom_counts, np.int64)
    values = space.totals(atom_counts)
    k = policy.k
    if atom_counts.sum() < policy.min_cohort:
        flags = np.full(len(values), COHORT, dtype=object)
        return Protected(_frame(space, values, np.full(len(values), None, object), flags), 0, 0)
    if not policy.over_time:
        previous = None
    flags = primary_flags(values, k, previous)
    fixed = n_targets = 0
    if policy.secondary_suppression:
        attacker = Attacker(space, flags == None, atom_counts)  # noqa: E711
        for target in targets(space, atom_counts, flags, policy, previous):
            n_targets += 1
            while (bound := attacker.exposes(target)) is not None:
                cell = _cell_to_suppress(space, bound.binding, values, target, bound.value)
                flags[cell] = DIFFERENCING if target.kind == DIFFERENCING else SECONDARY
                attacker.hide(cell)
                fixed += 1
    published = flags == None  # noqa: E711
    shown = np.full(len(values), None, dtype=object)
    shown[published] = _published_values(values[published], _cell_keys(space, atom_keys)[published]
                                          if atom_keys is not None else None, policy, rng)
    return Protected(_frame(space, values, shown, flags), n_targets, fixed)


def _cell_to_suppress(space: CellSpace, binding: np.ndarray, values: np.ndarray, target: Target,
                      bound: float) -> int:
    """Among the published cells that pin the target, the cheapest one that frees it.

    Prefer cells that do not contain the whole target (siblings over parents), then cells
    whose count alone lifts the bound to the threshold, then the smallest count."""
    if not len(binding):
        raise RuntimeError(f"disclosure: {target.label} is exposed but no published cell bounds it")
    need = target.threshold - bound
    contains = np.array([space.contains(c, target.weights) for c in binding])
    enough = values[binding] >= need
    order = np.lexsort((values[binding], ~enough, contains))
    return int(binding[order[0]])


def _cell_keys(space: CellSpace, atom_keys: np.ndarray) -> np.ndarray:
    return np.asarray(space.membership @ np.asarray(atom_keys, float)).round().astype(np.int64) % KEY_RANGE


def _published_values(values: np.ndarray, cell_keys: np.ndarray | None, policy: Policy,
                      rng: np.random.Generator | None) -> np.ndarray:
    if policy.dp_epsilon is not None:
        values = geometric_noise(values, policy.dp_epsilon, policy.k, rng or np.random.default_rng())
    elif policy.method == "cell_key":
        if cell_keys is None:
            raise ValueError("cell-key perturbation needs record keys")
        table = ptable(policy.k, policy.max_perturbation, policy.p_unchanged)
        values = perturb_counts(values, cell_keys, table)
    if policy.method == "round":
        values = round_counts(values, policy.rounding_base, policy.k)
    return values.astype(np.int64)


def _frame(space: CellSpace, values: np.ndarray, shown: np.ndarray, flags: np.ndarray) -> pd.DataFrame:
    return space.cells.assign(true_value=values, value=shown, flag=flags)
