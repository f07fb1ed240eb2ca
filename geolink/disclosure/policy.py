"""A named disclosure-control policy: every threshold configurable, defaults from UK practice."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from geolink.errors import GeolinkError

METHODS = ("round", "cell_key", "none")


@dataclass(frozen=True)
class Policy:
    """What the release gate enforces.

    Defaults: no count in 1..9 (ONS census tables use k = 10), counts rounded to base 5,
    secondary suppression and differencing checks on, a minimum cohort of 60 per measure
    (the Justice Data Lab's rule). `method` may instead be `cell_key` (ONS-style record
    keys and p-table) or `none`; `dp_epsilon` adds geometric noise to published counts.
    """

    name: str = "geolink-default"
    k: int = 10
    method: str = "round"
    rounding_base: int = 5
    max_perturbation: int = 2
    p_unchanged: float = 0.5
    min_cohort: int = 60
    secondary_suppression: bool = True
    differencing: bool = True
    over_time: bool = True
    dp_epsilon: float | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.k < 1:
            problems.append("k must be at least 1")
        if self.method not in METHODS:
            problems.append(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if self.rounding_base < 1:
            problems.append("rounding_base must be at least 1")
        if self.max_perturbation < 0:
            problems.append("max_perturbation must not be negative")
        if not 0 < self.p_unchanged <= 1:
            problems.append("p_unchanged must be in (0, 1]")
        if self.min_cohort < 0:
            problems.append("min_cohort must not be negative")
        if self.dp_epsilon is not None and self.dp_epsilon <= 0:
            problems.append("dp_epsilon must be positive")
        if problems:
            raise GeolinkError("disclosure policy: " + "; ".join(problems))

    def as_dict(self) -> dict:
        return asdict(self)


def policy_from_dict(spec: dict | None) -> Policy:
    """A Policy from a YAML mapping; unknown keys are an error, not silently ignored."""
    spec = dict(spec or {})
    known = {f.name for f in fields(Policy)}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise GeolinkError(f"disclosure policy: unknown setting(s) {', '.join(unknown)}; "
                           f"known: {', '.join(sorted(known))}")
    try:
        return Policy(**spec)
    except TypeError as exc:
        raise GeolinkError(f"disclosure policy: {exc}") from exc
