"""Data sharing agreements: what may be loaded, for how long, and what may leave.

Pure: an agreement is parsed and checked from a plain mapping (read from YAML by the
caller), and the rules that use it (is it in force, when does a dataset's retention end,
may a release go out, which threshold applies) take and return plain values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from geolink.errors import GeolinkError

RELEASE_FORMATS = ("duckdb", "csv", "gpkg", "parquet")
IDENTIFIER_KINDS = ("name", "date_of_birth", "nhs_number", "ni_number", "phone", "email", "other")
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Agreement:
    """A data sharing agreement as geolink enforces it.

    `retention_days` counts from the day a dataset is ingested; `retain_until` is a fixed
    last day. With both, the earlier ending wins. `identifiers` maps column names to
    identifier kinds that must be pseudonymised in every dataset the agreement covers.
    """

    id: str
    parties: tuple[str, ...]
    purpose: str
    lawful_basis: str
    datasets: tuple[str, ...]
    retention_days: int | None = None
    retain_until: date | None = None
    outputs: tuple[str, ...] = RELEASE_FORMATS
    geography_levels: tuple[str, ...] = ("oa", "lsoa", "msoa", "ward", "lad")
    min_cell_size: int = 10
    valid_from: date | None = None
    valid_until: date | None = None
    identifiers: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain values (dates as ISO text) for YAML, JSON and the audit log."""
        return {k: (v.isoformat() if isinstance(v, date) else list(v) if isinstance(v, tuple) else v)
                for k, v in asdict(self).items()}

    def covers(self, dataset: str) -> bool:
        return dataset in self.datasets

    def in_force(self, day: date) -> bool:
        """Whether data may be ingested under the agreement on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)

    def retention_ends(self, ingested: date) -> date:
        """The last day a dataset ingested on `ingested` may be kept."""
        ends = [d for d in (self.retain_until,
                            ingested + timedelta(days=self.retention_days) if self.retention_days is not None else None)
                if d is not None]
        return min(ends)


REQUIRED = ("id", "parties", "purpose", "lawful_basis", "datasets")


def agreement_from_dict(spec: dict | None) -> Agreement:
    """An Agreement from a YAML mapping; every problem is reported at once, unknown keys refused."""
    if not isinstance(spec, dict):
        raise GeolinkError("agreement: expected a mapping of settings (id, parties, purpose, ...)")
    known = set(Agreement.__dataclass_fields__)
    problems = [f"unknown setting '{k}' (known: {', '.join(sorted(known))})" for k in sorted(set(spec) - known)]
    problems += [f"'{k}' is required" for k in REQUIRED if spec.get(k) in (None, "", [])]
    if "retention_days" not in spec and "retain_until" not in spec:
        problems.append("give 'retention_days' or 'retain_until': every agreement must end")
    values = {}
    for key in ("id", "purpose", "lawful_basis"):
        values[key] = str(spec.get(key) or "").strip()
    if values["id"] and not _ID_PATTERN.match(values["id"]):
        problems.append(f"id {values['id']!r} must be letters, digits, '.', '_' or '-' (up to 64)")
    values["parties"] = _names(spec.get("parties"), "parties", problems)
    values["datasets"] = _names(spec.get("datasets"), "datasets", problems)
    if spec.get("retention_days") is not None:
        values["retention_days"] = _whole(spec["retention_days"], "retention_days", 1, problems)
    for key in ("retain_until", "valid_from", "valid_until"):
        if spec.get(key) is not None:
            values[key] = _day(spec[key], key, problems)
    if "outputs" in spec:
        values["outputs"] = _names(spec["outputs"], "outputs", problems, allowed=RELEASE_FORMATS)
    if "geography_levels" in spec:
        values["geography_levels"] = tuple(n.lower() for n in _names(spec["geography_levels"], "geography_levels", problems))
    if "min_cell_size" in spec:
        values["min_cell_size"] = _whole(spec["min_cell_size"], "min_cell_size", 1, problems)
    if spec.get("identifiers") is not None:
        values["identifiers"] = _identifiers(spec["identifiers"], problems)
    if problems:
        name = f" {values['id']}" if values["id"] else ""
        raise GeolinkError(f"agreement{name}: " + "; ".join(problems))
    return Agreement(**values)


def _names(value, key: str, problems: list[str], allowed: Iterable[str] | None = None) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        if value not in (None, "", []):
            problems.append(f"'{key}' must be a list of names")
        return ()
    names = tuple(i.strip() for i in items)
    if allowed is not None:
        problems += [f"'{key}': {n!r} is not one of {', '.join(allowed)}" for n in names if n not in allowed]
    return names


def _whole(value, key: str, least: int, problems: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        problems.append(f"'{key}' must be a whole number of at least {least}, not {value!r}")
        return least
    return value


def _day(value, key: str, problems: list[str]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"'{key}' must be a date as YYYY-MM-DD, not {value!r}")
        return None


def _identifiers(value, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append("'identifiers' must map column names to kinds, e.g. full_name: name")
        return {}
    bad = {c: k for c, k in value.items() if k not in IDENTIFIER_KINDS}
    problems += [f"identifier column {c!r}: kind {k!r} is not one of {', '.join(IDENTIFIER_KINDS)}" for c, k in bad.items()]
    return {str(c): str(k) for c, k in value.items() if k in IDENTIFIER_KINDS}


def release_problems(agreements: Iterable[Agreement], levels: Iterable[str], formats: Iterable[str]) -> list[str]:
    """Why a release of these levels and file formats is not allowed (empty when it is)."""
    problems = []
    for agreement in agreements:
        levels_out = sorted(set(levels) - set(agreement.geography_levels))
        if levels_out:
            problems.append(f"agreement {agreement.id} does not allow level(s) {', '.join(levels_out)} "
                            f"(allowed: {', '.join(agreement.geography_levels)})")
        formats_out = sorted(set(formats) - set(agreement.outputs))
        if formats_out:
            problems.append(f"agreement {agreement.id} does not allow output(s) {', '.join(formats_out)} "
                            f"(allowed: {', '.join(agreement.outputs)})")
    return problems


def strictest_cell_size(agreements: Iterable[Agreement], policy_k: int) -> int:
    """The threshold a release must meet: the largest of the policy's and every agreement's."""
    return max([policy_k, *(a.min_cell_size for a in agreements)])
