"""Write a release: aggregates only, as DuckDB, CSV, GeoPackage (QGIS) and GeoParquet, plus a manifest."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from geolink.governance.agreement import RELEASE_FORMATS

CRS = "EPSG:27700"
def write_release(table: pd.DataFrame, measures: pd.DataFrame, areas: pd.DataFrame, geometry: pd.DataFrame,
                  manifest: dict, out: Path, formats: Sequence[str] = RELEASE_FORMATS) -> list[Path]:
    """Write the release files (aggregates.<format> for each format, and manifest.json) into
    `out` at once, via a temporary folder beside them."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = [f"aggregates.{f}" for f in RELEASE_FORMATS if f in formats] + ["manifest.json"]
    with tempfile.TemporaryDirectory(dir=out, prefix=".release-") as tmp:
        staging = Path(tmp)
        if "duckdb" in formats:
            _duckdb(table, measures, areas, staging / "aggregates.duckdb")
        if "csv" in formats:
            table.to_csv(staging / "aggregates.csv", index=False)
        shapes = gpd.GeoDataFrame(geometry[["level", "code"]],
                                  geometry=shapely.from_wkb([bytes(g) for g in geometry["geometry"]]), crs=CRS)
        if "gpkg" in formats:
            _geopackage(table, shapes, staging / "aggregates.gpkg")
        if "parquet" in formats:
            located = shapes.rename(columns={"code": "area_code"}).merge(table, on=["level", "area_code"], how="right")
            gpd.GeoDataFrame(located, geometry="geometry", crs=CRS).to_parquet(staging / "aggregates.parquet", index=False)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        for name in names:
            target = out / name
            if target.exists():
                target.unlink()
            shutil.move(staging / name, target)
    return [out / name for name in names]


def _duckdb(table: pd.DataFrame, measures: pd.DataFrame, areas: pd.DataFrame, path: Path) -> None:
    """Table `aggregates`, a view per level, the measure descriptions and the area hierarchy
    (level, code, name, parent_code: public geography); nothing row-level."""
    con = duckdb.connect(str(path))
    try:
        con.register("_aggregates", table)
        con.execute("CREATE TABLE aggregates AS SELECT * FROM _aggregates ORDER BY measure, level, area_code")
        con.register("_measures", measures)
        con.execute("CREATE TABLE measures AS SELECT name, count AS unit, description FROM _measures")
        con.register("_areas", areas)
        con.execute("CREATE TABLE areas AS SELECT level, code, name, parent_code FROM _areas ORDER BY level, code")
        for level in sorted(table["level"].unique()):
            con.execute(f"CREATE VIEW {level} AS SELECT * FROM aggregates WHERE level = '{level}'")
    finally:
        con.close()


def _geopackage(table: pd.DataFrame, shapes: gpd.GeoDataFrame, path: Path) -> None:
    """One layer per level, one row per area, columns <measure>, <measure>_rate, _low, _high, _flag."""
    for level, rows in table.groupby("level", sort=True):
        wide = rows.pivot(index="area_code", columns="measure",
                          values=["value", "rate", "rate_low", "rate_high", "flag"])
        suffix = {"value": "", "rate": "_rate", "rate_low": "_low", "rate_high": "_high", "flag": "_flag"}
        wide.columns = [f"{measure}{suffix[field]}" for field, measure in wide.columns]
        wide = wide[sorted(wide.columns)].reset_index()
        first = rows.drop_duplicates("area_code")[["area_code", "area_name", "denominator"]]
        layer = shapes[shapes["level"] == level].rename(columns={"code": "area_code"}).drop(columns="level")
        layer = layer.merge(first, on="area_code").merge(wide, on="area_code")
        layer.to_file(path, layer=level, driver="GPKG")
