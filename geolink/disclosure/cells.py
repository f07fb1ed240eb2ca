"""The cells of a release and the atoms they are made of.

An atom is a set of units (households or records) that no released area splits: one
combination of codes, one per level (an OA's part inside one ward and one custom area).
Every released cell is a sum of atoms, so all that an attacker can learn from published
totals is a linear system over atom counts, whatever mix of nested and crossing levels is
released. That is what the attacks and the secondary suppression work on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse


@dataclass
class CellSpace:
    """Cells (level, code) and the sparse cells x atoms membership matrix."""

    cells: pd.DataFrame          # level, code, in the order of the matrix rows
    membership: sparse.csr_matrix
    atoms: pd.DataFrame          # one column per level, one row per atom

    @classmethod
    def build(cls, atoms: pd.DataFrame, areas: pd.DataFrame) -> CellSpace:
        """Cells are every area in `areas` (level, code), with or without atoms in it."""
        atoms = atoms.reset_index(drop=True)
        cells = areas[["level", "code"]].drop_duplicates().reset_index(drop=True)
        row_of = {(lv, code): i for i, (lv, code) in enumerate(zip(cells["level"], cells["code"]))}
        rows, cols = [], []
        for level in atoms.columns:
            codes = atoms[level].to_numpy(dtype=object)
            index = np.array([row_of.get((level, c), -1) for c in codes])
            keep = index >= 0
            rows.append(index[keep])
            cols.append(np.flatnonzero(keep))
        rows_a, cols_a = np.concatenate(rows or [[]]).astype(int), np.concatenate(cols or [[]]).astype(int)
        membership = sparse.csr_matrix((np.ones(len(rows_a)), (rows_a, cols_a)), shape=(len(cells), len(atoms)))
        return cls(cells, membership, atoms)

    @cached_property
    def level_codes(self) -> list[np.ndarray]:
        """Each level's atom codes as integers (-1 where the atom is in no area of it)."""
        return [pd.factorize(self.atoms[level])[0] for level in self.atoms.columns]

    def totals(self, atom_values: np.ndarray) -> np.ndarray:
        """Each cell's sum of the atom values."""
        return np.asarray(self.membership @ np.asarray(atom_values, float)).round().astype(np.int64)

    def neighbourhoods(self, support: np.ndarray) -> list[np.ndarray]:
        """Growing sets of atoms around `support`: those sharing its area at each level
        (skipping the finest, which holds the support itself), ending with every atom."""
        sets, seen = [], set()
        for codes in self.level_codes[1:]:
            wanted = np.unique(codes[support])
            atoms = np.flatnonzero(np.isin(codes, wanted[wanted >= 0]) | support)
            if len(atoms) not in seen and len(atoms) < len(self.atoms):
                sets.append(atoms)
                seen.add(len(atoms))
        return sets + [np.arange(len(self.atoms))]

    def contains(self, cell: int, target: np.ndarray) -> bool:
        """Whether cell `cell` holds every atom with a non-zero weight in `target`."""
        inside = self.membership[cell].toarray().ravel() > 0
        return bool(np.all(inside[np.asarray(target) != 0]))
