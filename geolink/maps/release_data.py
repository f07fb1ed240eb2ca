"""Read a release folder (never a workspace): its GeoParquet aggregates and its manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from geolink.errors import GeolinkError


@dataclass
class ReleaseData:
    """The aggregates (long, one row per area and measure, BNG geometry) and the manifest."""

    folder: Path
    aggregates: gpd.GeoDataFrame
    manifest: dict

    @property
    def measures(self) -> list[str]:
        return sorted(self.aggregates["measure"].unique())

    @property
    def levels(self) -> list[str]:
        order = ["oa", "lsoa", "msoa", "ward", "lad"]
        present = list(self.aggregates["level"].unique())
        return [lv for lv in order if lv in present] + sorted(lv for lv in present if lv not in order)

    def describe(self, measure: str) -> str:
        return self.manifest.get("measures", {}).get(measure, {}).get("description") or measure.replace("_", " ")

    def unit(self, measure: str) -> str:
        return self.manifest.get("measures", {}).get(measure, {}).get("unit", "households")

    def policy_note(self) -> str:
        """One line naming the disclosure policy the release passed."""
        p = self.manifest.get("policy", {})
        method = {"round": f"counts rounded to base {p.get('rounding_base')}", "cell_key": "cell-key perturbation",
                  "none": "no rounding"}.get(p.get("method"), p.get("method", "?"))
        dp = f", DP epsilon {p['dp_epsilon']}" if p.get("dp_epsilon") else ""
        return (f"Disclosure policy {p.get('name', '?')}: no count from 1 to {int(p.get('k', 10)) - 1}, {method}, "
                f"minimum cohort {p.get('min_cohort')}{dp}.")

    def layer(self, level: str, measure: str) -> gpd.GeoDataFrame:
        """One level of one measure, checked: unknown names get a message listing the known ones."""
        if level not in self.levels:
            raise GeolinkError(f"no level {level!r} in the release (levels: {', '.join(self.levels)})")
        if measure not in self.measures:
            raise GeolinkError(f"no measure {measure!r} in the release (measures: {', '.join(self.measures)})")
        rows = self.aggregates[(self.aggregates["level"] == level) & (self.aggregates["measure"] == measure)]
        return rows.reset_index(drop=True)


def read_release(folder: Path) -> ReleaseData:
    """Open a release folder written by `geolink release`."""
    folder = Path(folder)
    parquet, manifest = folder / "aggregates.parquet", folder / "manifest.json"
    if not parquet.exists() or not manifest.exists():
        raise GeolinkError(f"{folder} is not a release folder (it needs aggregates.parquet and manifest.json; "
                           "make one with `geolink release`)")
    return ReleaseData(folder, gpd.read_parquet(parquet), json.loads(manifest.read_text()))
