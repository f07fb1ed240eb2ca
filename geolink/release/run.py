"""`geolink release`: protect, attack, and only then write the aggregates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
from geolink.governance import audit
from geolink.governance.agreement import RELEASE_FORMATS, release_problems, strictest_cell_size
from geolink.governance.audit import operation, table_digest
from geolink.governance.register import agreements_of
from .build import build_candidate, workspace_levels
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
                rng: np.random.Generator | None = None, workers: int = 1,
                levels: Sequence[str] | None = None, formats: Sequence[str] = RELEASE_FORMATS) -> ReleaseResult:
    """Check the agreements allow it, build the candidate, attack it, and write it only if every
    check passes; the workspace logs it (and its audit entry) in one transaction."""
    present = workspace_levels(con)
    levels = list(levels or present)
    unknown = sorted(set(levels) - set(present))
    if unknown:
        raise GeolinkError(f"no level {', '.join(unknown)} in the workspace (levels: {', '.join(present)})")
    terms = agreements_of(con, _datasets_used(con))
    problems = release_problems(terms, levels, formats)
    if problems:
        raise ReleaseRefused([Finding("agreement", "*", p) for p in problems])
    policy = replace(policy, k=strictest_cell_size(terms, policy.k))
    parameters = {"out": str(out), "policy": policy.as_dict(), "levels": levels, "formats": list(formats),
                  "agreements": [a.id for a in terms]}
    inputs = {name: table_digest(con, name) for name in ("area", "atom", "measure", "measure_atom")}
    with operation(con, "release", parameters, inputs) as outputs:
        candidate = build_candidate(con, policy, rng, workers, levels)
        findings = check_release(candidate.table, candidate.areas, policy, candidate.truth, candidate.workers)
        if findings:
            raise ReleaseRefused(findings)
        table = candidate.table
        flags = table["flag"].fillna("published").value_counts()
        manifest = {
            "geolink_version": geolink.__version__,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "policy": policy.as_dict(),
            "agreements": [a.id for a in terms],
            "measures": {row["name"]: {"unit": row["count"], "datasets": row["datasets"],
                                       "description": row["description"], **candidate.stats[row["name"]]}
                         for _, row in candidate.measures.iterrows()},
            "levels": sorted(table["level"].unique()),
            "cells": int(len(table)),
            "released": int(flags.get("published", 0)),
            "suppressed": {k: int(v) for k, v in flags.items() if k != "published"},
            "input_hashes": {name: digest["sha256"] for name, digest in inputs.items()},
            "audit_head": audit.head(con),
            "checks": ["small cells", "rounding", "derived values", "cohort", "smuggled columns and values",
                       "recomputation from margins", "differencing (nested and crossing)", "differencing over time"],
        }
        if policy.dp_epsilon is not None:
            manifest["dp"] = {"mechanism": "two-sided geometric", "epsilon": policy.dp_epsilon}
        geometry = con.execute("SELECT level, code, geometry FROM area WHERE list_contains(?, level)", [levels]).df()
        files = write_release(table, candidate.measures, candidate.areas, geometry, manifest, out, formats)
        _log_release(con, candidate, manifest)
        outputs.update(cells=manifest["cells"], released=manifest["released"], suppressed=manifest["suppressed"],
                       files={f.name: audit.file_digest(f)["sha256"] for f in files})
    return ReleaseResult(files, manifest)


def _datasets_used(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The datasets the workspace's measures count (all of them when a measure names none)."""
    workspace.require_tables(con, "measure", stage="the measures stage")
    named = [d for (ds,) in con.execute("SELECT datasets FROM measure").fetchall() for d in (ds or "").split(",")]
    if "" in named:
        return [d["name"] for d in workspace.datasets(con)]
    return sorted(set(named))


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
