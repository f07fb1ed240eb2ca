"""Assemble a candidate release from a workspace: protect every measure, add rates and comparisons."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from geolink import workspace
from geolink.disclosure import CellSpace, Policy, Protected, protect
from geolink.disclosure.gate import RELEASE_COLUMNS, MeasureTruth
from geolink.geography import NESTED_LEVELS
from geolink.measures.stats import compare_to_whole, rates
from geolink.parallel import ordered_map


@dataclass
class Candidate:
    """The table to publish, plus what the gate needs to attack it (never written out)."""

    table: pd.DataFrame
    areas: pd.DataFrame
    measures: pd.DataFrame
    truth: dict[str, MeasureTruth]
    stats: dict[str, dict]
    workers: int = 1  # processes worth using on this town's size


PARALLEL_ATOMS = 500  # below this, starting processes costs more than it saves


def workspace_levels(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The geography levels the workspace's records were placed in."""
    workspace.require_tables(con, "atom", stage="the geography stage")
    return [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'atom' "
                                      "AND table_catalog = current_database() ORDER BY ordinal_position").fetchall()
            if c != "atom"]


def build_candidate(con: duckdb.DuckDBPyConnection, policy: Policy, rng: np.random.Generator | None = None,
                    workers: int = 1, levels: list[str] | None = None) -> Candidate:
    """Protect each measure in the workspace under `policy`, measures side by side on `workers` processes.

    `levels` limits the release to some of the workspace's levels (default: all of them)."""
    workspace.require_tables(con, "measure", "measure_atom", stage="the measures stage")
    levels = levels or workspace_levels(con)
    areas = con.execute("SELECT level, code, name, parent_code, households FROM area WHERE list_contains(?, level)",
                        [levels]).df()
    atoms = con.execute("SELECT * FROM atom ORDER BY atom").df()
    space = CellSpace.build(atoms[levels], areas)
    denominators = space.cells.merge(areas, on=["level", "code"], how="left")["households"].to_numpy()
    measures = con.execute("SELECT name, count, datasets, description FROM measure ORDER BY name").df()
    history = _history(con)
    jobs = []
    for name in measures["name"]:
        per_atom = con.execute("SELECT atom, units, key_sum FROM measure_atom WHERE measure = ?", [name]).df()
        counts = np.zeros(len(atoms), np.int64)
        keys = np.zeros(len(atoms), np.int64)
        counts[per_atom["atom"].to_numpy()] = per_atom["units"].to_numpy()
        keys[per_atom["atom"].to_numpy()] = per_atom["key_sum"].to_numpy()
        jobs.append((space, counts, keys, policy, _previous(history, name, space), rng))
    workers = workers if len(atoms) >= PARALLEL_ATOMS else 1
    results = ordered_map(_protect_job, jobs, workers)
    tables, truth, stats = [], {}, {}
    for (name, unit), job, result in zip(zip(measures["name"], measures["count"]), jobs, results):
        truth[name] = MeasureTruth(space, job[1], job[4])
        stats[name] = {"targets": result.targets, "secondary": result.exposures_fixed}
        tables.append(_with_rates(result.cells, denominators, areas, unit, name))
    table = pd.concat(tables, ignore_index=True)[list(RELEASE_COLUMNS)]
    return Candidate(table, areas, measures, truth, stats, workers)


def _protect_job(job: tuple) -> Protected:
    return protect(*job)


def _with_rates(cells: pd.DataFrame, denominators: np.ndarray, areas: pd.DataFrame, unit: str, name: str) -> pd.DataFrame:
    value = pd.to_numeric(cells["value"], errors="coerce").to_numpy(float)
    rate, low, high = rates(value, denominators, unit)
    whole = _overall_rate(cells["level"].to_numpy(), value, denominators)
    comparison = compare_to_whole(rate, whole, denominators, unit) if whole is not None else np.full(len(rate), None)
    names = areas.set_index(["level", "code"])["name"]
    return pd.DataFrame({
        "level": cells["level"], "area_code": cells["code"],
        "area_name": names.reindex(pd.MultiIndex.from_frame(cells[["level", "code"]])).to_numpy(),
        "measure": name, "value": pd.array(cells["value"].to_numpy(), dtype="Int64"), "flag": cells["flag"],
        "denominator": denominators.astype(np.int64),
        "rate": _rounded(rate), "rate_low": _rounded(low), "rate_high": _rounded(high), "comparison": comparison,
    })


def _rounded(x: np.ndarray) -> np.ndarray:
    return np.round(x, 2)


def _overall_rate(level: np.ndarray, value: np.ndarray, households: np.ndarray) -> float | None:
    """The whole town's rate from its coarsest nested level, when every cell of it is published."""
    for coarsest in reversed(NESTED_LEVELS):
        here = level == coarsest
        if here.any():
            if np.isnan(value[here]).any() or households[here].sum() == 0:
                return None
            return float(value[here].sum() / households[here].sum() * 1000)
    return None


def _history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    if not workspace.table_exists(con, "release_cell"):
        return None
    return con.execute("""
        SELECT measure, level, area_code, arg_max(true_value, release_id) AS true_value
        FROM release_cell WHERE published GROUP BY ALL""").df()


def _previous(history: pd.DataFrame | None, name: str, space: CellSpace) -> np.ndarray | None:
    """Each cell's true value at the last release that published it (NaN if none did)."""
    if history is None:
        return None
    mine = history[history["measure"] == name].set_index(["level", "area_code"])["true_value"]
    if mine.empty:
        return None
    return mine.reindex(pd.MultiIndex.from_frame(space.cells[["level", "code"]])).to_numpy(float)
