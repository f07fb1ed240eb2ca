"""The release gate: attack a candidate release and list every way it leaks.

Pure: takes the candidate table, the area list, the policy and each measure's true
atom counts (which stay in the workspace) and returns findings; an empty list means the
release may be written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geolink.parallel import ordered_map

from .attack import Attacker
from .cells import CellSpace
from .policy import Policy
from .protect import OVER_TIME, SMALL, primary_flags, targets

RELEASE_COLUMNS = ("level", "area_code", "area_name", "measure", "value", "flag", "denominator",
                   "rate", "rate_low", "rate_high", "comparison")
DERIVED = ("rate", "rate_low", "rate_high", "comparison")


@dataclass(frozen=True)
class Finding:
    """One failed check: which attack, on which measure, and what it found."""

    check: str
    measure: str
    detail: str


@dataclass
class MeasureTruth:
    """A measure's true counts, kept inside the workspace, for the attacks."""

    space: CellSpace
    atom_counts: np.ndarray
    previous: np.ndarray | None = None


def check_release(candidate: pd.DataFrame, areas: pd.DataFrame, policy: Policy,
                  truth: dict[str, MeasureTruth], workers: int = 1) -> list[Finding]:
    """Every attack on `candidate`; `areas` has level, code, name of every releasable area.

    The linear-programme attacks of different measures run on up to `workers` processes."""
    findings = _schema(candidate, areas, truth)
    if findings:
        return findings  # the table cannot be trusted to mean what its columns say
    groups = list(candidate.groupby("measure", sort=True))
    for name, rows in groups:
        findings += _values(name, rows, policy, truth[name])
    jobs = [(name, rows, policy, truth[name]) for name, rows in groups]
    for found in ordered_map(_recovery_job, jobs, workers):
        findings += found
    return findings


def _recovery_job(job: tuple) -> list[Finding]:
    return _recovery(*job)


def _schema(candidate: pd.DataFrame, areas: pd.DataFrame, truth: dict) -> list[Finding]:
    """Only the release columns, only known areas with their own names, only known measures."""
    out = []
    extra = [c for c in candidate.columns if c not in RELEASE_COLUMNS]
    if extra:
        out.append(Finding("smuggled column", "*", f"column(s) {', '.join(map(str, extra))} are not part of a release"))
    missing = [c for c in RELEASE_COLUMNS if c not in candidate.columns]
    if missing:
        out.append(Finding("schema", "*", f"missing column(s) {', '.join(missing)}"))
        return out
    known = areas.set_index(["level", "code"])["name"]
    keys = pd.MultiIndex.from_frame(candidate[["level", "area_code"]].astype(str))
    unknown = ~keys.isin(known.index)
    if unknown.any():
        sample = candidate.loc[unknown, "area_code"].astype(str).head(3).tolist()
        out.append(Finding("smuggled value", "*", f"{int(unknown.sum())} row(s) name areas that do not exist, e.g. {sample}"))
    else:
        renamed = candidate["area_name"].astype(str).to_numpy() != known.reindex(keys).astype(str).to_numpy()
        if renamed.any():
            out.append(Finding("smuggled value", "*", f"{int(renamed.sum())} row(s) carry an area name that is not the area's"))
    strange = sorted(set(candidate["measure"].astype(str)) - set(truth))
    if strange:
        out.append(Finding("smuggled value", "*", f"unknown measure(s) {strange[:3]}"))
    if candidate.duplicated(["level", "area_code", "measure"]).any():
        out.append(Finding("schema", "*", "an area appears twice for one measure"))
    return out


def _values(name: str, rows: pd.DataFrame, policy: Policy, truth: MeasureTruth) -> list[Finding]:
    """Published values: none in 1..k-1, on the rounding base, nothing derived from a hidden count."""
    out = []
    value = pd.to_numeric(rows["value"], errors="coerce")
    small = value.between(1, policy.k - 1)
    if small.any():
        out.append(Finding("small cell", name, f"{int(small.sum())} published value(s) in 1..{policy.k - 1}, "
                           f"e.g. {rows.loc[small, 'level'].iloc[0]} {rows.loc[small, 'area_code'].iloc[0]}"))
    if policy.method == "round" and policy.dp_epsilon is None:
        off = value.notna() & (value % policy.rounding_base != 0)
        if off.any():
            out.append(Finding("rounding", name, f"{int(off.sum())} value(s) not a multiple of {policy.rounding_base}"))
    hidden = value.isna()
    leaking = hidden & rows[list(DERIVED)].notna().any(axis=1)
    if leaking.any():
        out.append(Finding("derived value", name, f"{int(leaking.sum())} suppressed cell(s) still show a rate or interval"))
    if truth.atom_counts.sum() < policy.min_cohort and value.notna().any():
        out.append(Finding("cohort", name, f"{int(truth.atom_counts.sum())} units, under the minimum cohort of {policy.min_cohort}"))
    return out


def _recovery(name: str, rows: pd.DataFrame, policy: Policy, truth: MeasureTruth) -> list[Finding]:
    """Recomputation from margins, differencing (nested, crossing, over time): the LP attacker."""
    space = truth.space
    values = space.totals(truth.atom_counts)
    shown = rows.set_index(["level", "area_code"])["value"]
    keys = pd.MultiIndex.from_frame(space.cells[["level", "code"]])
    published = shown.reindex(keys).notna().to_numpy()
    flags = primary_flags(values, policy.k, truth.previous)
    findings = []
    attack = Policy(k=policy.k, differencing=True, min_cohort=0)
    names = {SMALL: "recomputation", OVER_TIME: "differencing over time"}
    attacker = Attacker(space, published, truth.atom_counts)
    for target in targets(space, truth.atom_counts, flags, attack, truth.previous):
        bound = attacker.exposes(target)
        if bound is not None:
            check = names.get(target.kind, "differencing")
            findings.append(Finding(check, name, f"published totals bound {target.label} to at most "
                                    f"{bound.value:.0f} (safe only if it could be {target.threshold:.0f} or more)"))
    return findings
