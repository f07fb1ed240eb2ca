"""The attacker: what published totals reveal about unpublished groups of units.

Given which cells are published (and, conservatively, their true values, as if no
rounding or noise protected them), the tightest upper bound an attacker can put on any
group of atoms is a linear programme: maximise the group's count subject to every
published cell's sum and non-negative atom counts. A group of 1..k-1 units is exposed
when that bound is below k: its size is then known to be small. Nested recomputation
(parent minus siblings), differencing of crossing areas (a ward minus the OAs inside it)
and combinations of both are all the same programme.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from .cells import CellSpace


@dataclass(frozen=True)
class Target:
    """A group of units that must not be pinned: max(weights . atoms) must reach `threshold`."""

    kind: str            # small-cell | differencing | over-time
    label: str
    weights: np.ndarray  # per atom
    threshold: float


@dataclass(frozen=True)
class Bound:
    """An attacker's best upper bound and the published cells that hold it down."""

    value: float
    binding: np.ndarray  # indices of published cells with a non-zero dual


class Attacker:
    """Bounds groups of atoms from the cells published so far; `hide` removes a cell's total.

    Two cheap proofs of safety come first. Atoms that lie in exactly the same published
    cells can trade units without changing any published total, so a group can take in
    all units of its atoms' classes. Failing that, a small programme over the group's
    neighbourhood (the atoms of the same LSOA, then MSOA, ...) with every other atom held
    at its true value: a feasible point there is feasible in the whole town. Only groups
    that fail both get the full programme.
    """

    def __init__(self, space: CellSpace, published: np.ndarray, atom_values: np.ndarray):
        self.space = space
        self.published = np.asarray(published, bool).copy()
        self.atom_values = np.asarray(atom_values, float)
        self.values = np.asarray(space.membership @ self.atom_values, float)
        self._refresh()

    def _refresh(self) -> None:
        self.rows = np.flatnonzero(self.published)
        self.a_eq = self.space.membership[self.rows].tocsc()
        self.covered = np.asarray(self.a_eq.sum(axis=0)).ravel() > 0
        indptr, indices = self.a_eq.indptr, self.a_eq.indices
        signatures = [indices[indptr[j]:indptr[j + 1]].tobytes() for j in range(self.a_eq.shape[1])]
        self.exchange_class = pd.factorize(pd.Series(signatures, dtype=object))[0]
        self.class_total = np.bincount(self.exchange_class, weights=self.atom_values)

    def hide(self, cell: int) -> None:
        self.published[cell] = False
        self._refresh()

    def bound(self, weights: np.ndarray, atoms: np.ndarray | None = None) -> Bound:
        """The largest value of `weights . atoms` consistent with the published cells,
        letting only `atoms` (default: all) differ from their true values."""
        weights = np.asarray(weights, float)
        if np.any((weights > 0) & ~self.covered):
            return Bound(np.inf, self.rows[:0])  # a unit no published total counts can grow freely
        atoms = np.arange(len(weights)) if atoms is None else atoms
        sub = self.a_eq[:, atoms]
        live = np.flatnonzero(np.diff(sub.tocsr().indptr) > 0)
        sub = sub.tocsr()[live]
        result = linprog(-weights[atoms], A_eq=sub, b_eq=sub @ self.atom_values[atoms], bounds=(0, None),
                         method="highs")
        if result.status == 3:
            return Bound(np.inf, self.rows[:0])
        if result.status != 0:
            raise RuntimeError(f"disclosure attack: the linear programme failed ({result.message})")
        return Bound(-result.fun, self.rows[live[np.abs(result.eqlin.marginals) > 1e-9]])

    def exchange_bound(self, weights: np.ndarray) -> float:
        """A value the group reaches by taking in every unit of its atoms' exchange classes."""
        weights = np.asarray(weights)
        if not np.isin(weights, (0, 1)).all():
            return -np.inf
        classes = np.unique(self.exchange_class[weights == 1])
        return float(self.class_total[classes].sum())

    def exposes(self, target: Target) -> Bound | None:
        """The bound that exposes `target`, or None when the target is safe."""
        if self.exchange_bound(target.weights) >= target.threshold - 1e-6:
            return None
        for atoms in self.space.neighbourhoods(np.asarray(target.weights) != 0):
            bound = self.bound(target.weights, atoms)
            if bound.value >= target.threshold - 1e-6:
                return None
        return bound
