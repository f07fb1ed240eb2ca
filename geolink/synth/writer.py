"""Write a synthetic town to the fixed file layout that scripts and notebooks rely on.

CSV and XLSX output is byte-for-byte reproducible for a seed; GeoPackages carry
timestamps of their own and are reproducible in content only.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import xlsxwriter
import yaml

from .services import MAPPING, XLSX_DATASET
from .town import Town

# Numeric gazetteer columns where 0 means "absent" and is written as an empty cell.
_OPTIONAL_NUMBERS = ("parent_uprn", "sao_start_number", "sao_end_number",
                     "pao_start_number", "pao_end_number")
_FIXED_TIME = dt.datetime(2026, 1, 1)


def write_town(town: Town, out: Path) -> dict[str, int]:
    """Write every file of `town` under `out`; returns row counts by file name."""
    out = Path(out)
    (out / "services").mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    gazetteer = town.gazetteer.copy()
    for col in _OPTIONAL_NUMBERS:
        gazetteer[col] = gazetteer[col].astype("Int64").mask(gazetteer[col] == 0)
    counts["gazetteer.csv"] = write_csv(gazetteer, out / "gazetteer.csv")
    _write_points(gazetteer, out / "gazetteer.gpkg")
    _write_layers({"streets": town.streets}, out / "streets.gpkg")
    _write_layers(town.areas, out / "areas.gpkg")
    counts["postcodes.csv"] = write_csv(town.postcodes, out / "postcodes.csv")
    for name, frame in town.services.items():
        counts[f"services/{name}.csv"] = write_csv(frame, out / "services" / f"{name}.csv")
    write_xlsx(town.services[XLSX_DATASET], out / "services" / f"{XLSX_DATASET}.xlsx")
    mapping = {name: {"file": f"{name}.csv", **spec} for name, spec in MAPPING.items()}
    mapping[XLSX_DATASET]["also_as"] = f"{XLSX_DATASET}.xlsx"
    (out / "services" / "mapping.yaml").write_text(yaml.safe_dump(mapping, sort_keys=True))
    counts["truth.csv"] = write_csv(town.truth, out / "truth.csv")
    manifest = {
        "town": town.name, "seed": town.seed,
        "addresses": int((town.gazetteer["status"] == "approved").sum()),
        "streets": len(town.streets), "postcodes": len(town.postcodes),
        "areas": {level: len(layer) for level, layer in town.areas.items()},
        "files": counts, "crs": "EPSG:27700",
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return counts


def write_csv(frame: pd.DataFrame, path: Path) -> int:
    """UTF-8 CSV, quoting only where needed, NaN and NA as empty cells."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))
    return len(frame)


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """An Excel workbook with a fixed creation time, so that a seed gives the same bytes."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "nan_inf_to_errors": False})
    workbook.set_properties({"created": _FIXED_TIME, "author": "geolink synth"})
    sheet = workbook.add_worksheet("referrals")
    sheet.write_row(0, 0, list(frame.columns))
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            if isinstance(value, float) and np.isnan(value):
                continue
            sheet.write(r, c, value)
    workbook.close()


def _write_points(gazetteer: pd.DataFrame, path: Path) -> None:
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(
        gazetteer, geometry=gpd.points_from_xy(gazetteer["x"], gazetteer["y"]), crs="EPSG:27700"
    )
    _write_layers({"addresses": gdf}, path)


def _write_layers(layers: dict, path: Path) -> None:
    import pyogrio

    if path.exists():
        path.unlink()
    for name, gdf in layers.items():
        pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG", append=path.exists(), use_arrow=True)
