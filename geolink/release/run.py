"""`geolink release`: protect, attack, and only then write the aggregates."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

import geolink
from geolink import workspace
from geolink.disclosure import Policy
from geolink.disclosure.gate import Finding, check_release
from geolink.errors import GeolinkError
from .build import build_candidate
from .write import write_release


class ReleaseRefused(GeolinkError):
    """The gate found a leak; nothing was written."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        lines = [f"  - {f.check} [{f.measure}]: {f.detail}" for f in findings[:20]]
        more = f"\n  ... and {len(findings) - 20} more" if len(findings) > 20 else ""
        super().__init__(f"release refused: {len(findings)} check(s) failed, nothing written\n" + "\n".join(lines) + more)


@dataclass
class ReleaseResult:
    files: list[Path]
    manifest: dict = field(default_factory=dict)


def run_release(con: duckdb.DuckDBPyConnection, out: Path, policy: Policy,
                rng: np.random.Generator | None = None, workers: int = 1) -> ReleaseResult:
    """Build the candidate, attack it, write it if every check passes, and log it in the workspace."""
    candidate = build_candidate(con, policy, rng, workers)
    findings = check_release(candidate.table, candidate.areas, policy, candidate.truth, candidate.workers)
    if findings:
        raise ReleaseRefused(findings)
    table = candidate.table
    flags = table["flag"].fillna("published").value_counts()
    manifest = {
        "geolink_version": geolink.__version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "policy": policy.as_dict(),
        "measures": {row["name"]: {"unit": row["count"], "datasets": row["datasets"], "description": row["description"],
                                   **candidate.stats[row["name"]]}
                     for _, row in candidate.measures.iterrows()},
        "levels": sorted(table["level"].unique()),
        "cells": int(len(table)),
        "released": int(flags.get("published", 0)),
        "suppressed": {k: int(v) for k, v in flags.items() if k != "published"},
        "input_hashes": _input_hashes(con),
        "checks": ["small cells", "rounding", "derived values", "cohort", "smuggled columns and values",
                   "recomputation from margins", "differencing (nested and crossing)", "differencing over time"],
    }
    if policy.dp_epsilon is not None:
        manifest["dp"] = {"mechanism": "two-sided geometric", "epsilon": policy.dp_epsilon}
    geometry = con.execute("SELECT level, code, geometry FROM area").df()
    files = write_release(table, candidate.measures, candidate.areas, geometry, manifest, out)
    _log_release(con, candidate, manifest)
    return ReleaseResult(files, manifest)


def _input_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """SHA-256 of the workspace tables the release was computed from."""
    hashes = {}
    for name, order in (("area", "level, code"), ("atom", "atom"), ("measure", "name"),
                        ("measure_atom", "measure, atom")):
        hashes[name] = con.execute(
            f"SELECT sha256(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY {order}), '')) FROM {name} t"
        ).fetchone()[0]
    return hashes


def _log_release(con: duckdb.DuckDBPyConnection, candidate, manifest: dict) -> None:
    """Keep each cell's true value (inside the workspace) so the next release can be checked against it."""
    con.execute("CREATE TABLE IF NOT EXISTS release_log (release_id INTEGER, created VARCHAR, manifest VARCHAR)")
    release_id = con.execute("SELECT coalesce(max(release_id), 0) + 1 FROM release_log").fetchone()[0]
    con.execute("INSERT INTO release_log VALUES (?, ?, ?)", [release_id, manifest["created"], json.dumps(manifest, default=str)])
    cells = []
    for name, truth in candidate.truth.items():
        shown = candidate.table[candidate.table["measure"] == name]
        frame = truth.space.cells.rename(columns={"code": "area_code"}).assign(
            measure=name, true_value=truth.space.totals(truth.atom_counts))
        frame = frame.merge(shown[["level", "area_code", "value"]], on=["level", "area_code"], how="left")
        cells.append(frame.assign(published=frame["value"].notna()).drop(columns="value"))
    logged = pd.concat(cells, ignore_index=True).assign(release_id=release_id)
    con.register("_cells", logged)
    con.execute("CREATE TABLE IF NOT EXISTS release_cell (release_id INTEGER, measure VARCHAR, level VARCHAR, "
                "area_code VARCHAR, true_value BIGINT, published BOOLEAN)")
    con.execute("INSERT INTO release_cell SELECT release_id, measure, level, area_code, true_value, published FROM _cells")
    con.unregister("_cells")
