"""The geography stage over a workspace: areas, uprn_area and record_area tables.

Reads the gazetteer, the registered datasets and their matches, and the lookups when
loaded (`onsud`, `uprn_point`, `postcode`); writes
`area` (level, code, name, parent_code, households, geometry as WKB),
`uprn_area` (uprn, household, placed_by, one column per level) and
`record_area` (dataset, record_id, uprn, placed_by, one column per level) and
`atom` (atom, one column per level): each distinct combination of codes, the pieces
that every released area is a sum of (see geolink.disclosure.cells).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import shapely

from geolink import workspace
from geolink.address import normalise_postcode
from geolink.governance.audit import operation, table_digest
from geolink.coordinates import COORDINATE_COLUMNS, frame_points
from geolink.spark import check_engine
from .areas import AreaLayers
from .place import overlay, place_points, place_uprns

LINKED_BANDS = ("exact", "high", "parent")
PLACED_BY = ("uprn", "point", "postcode", "unplaced")  # how records are placed, in order of preference


def _addresses_sql(with_points: bool) -> str:
    """The approved gazetteer UPRNs; those without coordinates take OS Open UPRN's (`uprn_point`) when loaded."""
    gazetteer = """SELECT TRY_CAST(uprn AS BIGINT) AS uprn, TRY_CAST(parent_uprn AS BIGINT) AS parent_uprn,
               classification, TRY_CAST(x AS DOUBLE) AS x, TRY_CAST(y AS DOUBLE) AS y
        FROM gazetteer_address
        WHERE TRY_CAST(uprn AS BIGINT) IS NOT NULL AND coalesce(status, 'approved') = 'approved'"""
    if not with_points:
        return gazetteer
    return f"""SELECT g.uprn, g.parent_uprn, g.classification,
               CASE WHEN g.x IS NULL OR g.y IS NULL THEN p.x ELSE g.x END AS x,
               CASE WHEN g.x IS NULL OR g.y IS NULL THEN p.y ELSE g.y END AS y
        FROM ({gazetteer}) g LEFT JOIN uprn_point p USING (uprn)
        ORDER BY g.uprn"""


def run_geography(con: duckdb.DuckDBPyConnection, layers: AreaLayers,
                  linked_bands: tuple[str, ...] = LINKED_BANDS, engine: str = "duckdb") -> dict:
    """Place every UPRN and every record; returns counts for the run report. With `engine`
    "spark", the points are placed on the active Spark session's executors (same results)."""
    check_engine(engine)
    workspace.require_tables(con, "gazetteer_address", stage="a gazetteer load")
    addresses = con.execute(_addresses_sql(workspace.table_exists(con, "uprn_point"))).df()
    lookup = con.execute("""SELECT * FROM onsud WHERE TRY_CAST(uprn AS BIGINT) IN (
        SELECT TRY_CAST(uprn AS BIGINT) FROM gazetteer_address)""").df() if workspace.table_exists(con, "onsud") else None
    uprn_area = place_uprns(addresses, layers, lookup, engine)
    report = {"uprns": len(uprn_area), "uprns_outside": int(uprn_area[layers.levels[0]].isna().sum()),
              "households": int(uprn_area["household"].sum()), "datasets": {}}
    inputs = {t: table_digest(con, t) for t in ("gazetteer_address", "match", "onsud", "uprn_point", "postcode")
              if workspace.table_exists(con, t)}
    parameters = {"levels": layers.levels, "areas": {lv: int((layers.areas["level"] == lv).sum()) for lv in layers.levels},
                  "linked_bands": list(linked_bands)}
    with operation(con, "geography", parameters, inputs) as outputs:
        workspace.replace_table(con, "area", _area_table(layers, uprn_area))
        placed = [_place_records(con, spec, uprn_area, layers, linked_bands, engine) for spec in workspace.datasets(con)]
        record_area = pd.concat(placed, ignore_index=True) if placed else pd.DataFrame(
            columns=["dataset", "record_id", "uprn", "placed_by", *layers.levels])
        atoms = assign_atoms([uprn_area, record_area], layers.levels)
        workspace.replace_table(con, "uprn_area", uprn_area)
        workspace.replace_table(con, "record_area", record_area)
        workspace.replace_table(con, "atom", atoms)
        _create_linked_views(con)
        for name, group in record_area.groupby("dataset"):
            by = group["placed_by"].fillna("unplaced").value_counts()
            report["datasets"][name] = {"records": len(group),
                                        **{k: int(by.get(k, 0)) for k in PLACED_BY}}
        outputs.update(uprns=report["uprns"], households=report["households"], datasets=report["datasets"],
                       atoms=len(atoms))
    return report


def assign_atoms(frames: list[pd.DataFrame], levels: list[str]) -> pd.DataFrame:
    """Number each distinct combination of area codes (placed rows only) and write the
    number into an `atom` column of every frame; returns the atom table."""
    key = lambda f: f[levels].astype(str).agg("|".join, axis=1)  # noqa: E731
    placed = [f[f[levels].notna().any(axis=1)] for f in frames]
    combos = pd.concat([f[levels] for f in placed]).drop_duplicates()
    combos = combos.sort_values(levels, na_position="last").reset_index(drop=True)
    combos.insert(0, "atom", np.arange(len(combos), dtype=np.int64))
    lookup = dict(zip(key(combos), combos["atom"]))
    for frame in frames:
        atom = key(frame).map(lookup) if len(frame) else pd.Series(dtype=float)
        frame["atom"] = atom.astype("Int64")
    return combos


def _create_linked_views(con: duckdb.DuckDBPyConnection) -> None:
    """linked_<dataset>: each record's own columns with its dataset, record_id and placement."""
    for spec in workspace.datasets(con):
        name, id_column = spec["name"], spec["id_column"]
        own = [r[0] for r in con.execute(f"DESCRIBE service_{name}").fetchall()]
        clash = [c for c in own if c in {"dataset", "record_id", "uprn", "placed_by", "atom"}]
        exclude = f" EXCLUDE ({', '.join(clash)})" if clash else ""
        con.execute(f"""
            CREATE OR REPLACE VIEW linked_{name} AS
            SELECT '{name}' AS dataset, CAST(s."{id_column}" AS VARCHAR) AS record_id, s.*{exclude},
                   r.uprn, r.placed_by, r.atom
            FROM service_{name} s
            JOIN record_area r ON r.dataset = '{name}' AND r.record_id = CAST(s."{id_column}" AS VARCHAR)""")


def _area_table(layers: AreaLayers, uprn_area: pd.DataFrame) -> pd.DataFrame:
    """The canonical area table with households counted from the placed gazetteer."""
    homes = uprn_area[uprn_area["household"]]
    parts = []
    for level in layers.levels:
        layer = layers.layer(level)
        counts = homes[level].value_counts()
        parts.append(pd.DataFrame({
            "level": level, "code": layer["code"], "name": layer["name"], "parent_code": layer["parent_code"],
            "households": layer["code"].map(counts).fillna(0).astype("int64"),
            "geometry": shapely.to_wkb(layer.geometry.values),
        }))
    return pd.concat(parts, ignore_index=True)


def _place_records(con, spec: dict, uprn_area: pd.DataFrame, layers: AreaLayers,
                   linked_bands: tuple[str, ...], engine: str) -> pd.DataFrame:
    """A dataset's records placed by their linked UPRN, else by their own coordinates, else by
    their postcode (when a postcode lookup is loaded)."""
    name = spec["name"]
    columns = {k: spec[k] for k in COORDINATE_COLUMNS if spec.get(k)}
    postcode = spec.get("postcode_column") if workspace.table_exists(con, "postcode") else None
    selected = "".join(f', s."{c}"' for c in dict.fromkeys([*columns.values(), *([postcode] if postcode else [])]))
    records = con.execute(f"""
        SELECT CAST(s."{spec['id_column']}" AS VARCHAR) AS record_id, m.uprn, m.band{selected}
        FROM "service_{name}" s
        LEFT JOIN "match" m ON m.dataset = ? AND m.record_id = CAST(s."{spec['id_column']}" AS VARCHAR)
    """, [name]).df()
    linked = records["band"].isin(linked_bands) & records["uprn"].notna()
    uprn = pd.to_numeric(records["uprn"].where(linked), errors="coerce").astype("Int64")
    levels = list(layers.levels)
    by_uprn = pd.DataFrame({"uprn": uprn}).merge(uprn_area.drop(columns=["household", "placed_by"]),
                                                 on="uprn", how="left")
    x, y = frame_points(records, **columns) or (np.full(len(records), np.nan),) * 2
    by_point = place_points(x, y, layers, engine)
    by_postcode = (_postcode_places(con, records[postcode], layers, engine) if postcode
                   else pd.DataFrame(None, index=records.index, columns=levels, dtype=object))
    has_uprn = by_uprn[levels[0]].notna().to_numpy()
    has_point = by_point[levels[0]].notna().to_numpy()
    has_postcode = by_postcode[levels].notna().any(axis=1).to_numpy()
    codes = _prefer(by_uprn, has_uprn, _prefer(by_point, has_point, by_postcode, levels), levels)
    placed_by = np.select([has_uprn, has_point, has_postcode], ["uprn", "point", "postcode"], None)
    return pd.concat([pd.DataFrame({"dataset": name, "record_id": records["record_id"],
                                    "uprn": uprn.where(has_uprn), "placed_by": placed_by}), codes], axis=1)


def _prefer(first: pd.DataFrame, chosen: np.ndarray, otherwise: pd.DataFrame, levels: list[str]) -> pd.DataFrame:
    """The codes of `first` on the chosen rows, of `otherwise` on the rest."""
    return first[levels].where(np.repeat(chosen[:, None], len(levels), axis=1), otherwise[levels])


def _postcode_places(con, values: pd.Series, layers: AreaLayers, engine: str) -> pd.DataFrame:
    """Each record's areas from its postcode in the `postcode` table (a live postcode before a
    terminated one): the table's codes where they are the layers' codes, else by the postcode's point."""
    text = values.fillna("").astype(str)
    distinct = pd.unique(text)
    normalised = text.map(dict(zip(distinct, map(normalise_postcode, distinct))))
    wanted = pd.DataFrame({"postcode": pd.unique(normalised.dropna())}, dtype=str)
    con.register("_wanted_postcodes", wanted)
    try:
        known = con.execute("""SELECT p.* FROM postcode p JOIN _wanted_postcodes USING (postcode)
                               ORDER BY p.postcode, p.terminated IS NOT NULL""").df()
    finally:
        con.unregister("_wanted_postcodes")
    found = normalised.to_frame("postcode").merge(known.drop_duplicates("postcode"), on="postcode", how="left")
    placed = place_points(pd.to_numeric(found["x"]).to_numpy(float), pd.to_numeric(found["y"]).to_numpy(float),
                          layers, engine)
    return overlay(placed, found, layers)[0]
