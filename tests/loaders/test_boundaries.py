"""`geolink load boundaries`: ONS boundary files of any vintage, format and CRS into the `boundary` table,
and the geography stage placing a workspace's gazetteer in the boundaries loaded."""

from __future__ import annotations

from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from conftest import run_geolink

from geolink import workspace
from geolink.errors import GeolinkError
from geolink.geography.areas import area_layers_from_workspace
from geolink.governance.ingest import load_reference
from loaders import boundaries
from loaders.context import Load
from loaders.report import LoadReport

SHARED = Path(__file__).resolve().parents[2] / "../shared/data"
X, Y = 290_000, 90_000  # Exeter, in British National Grid


def squares(n: int, size: float = 500) -> list[shapely.Polygon]:
    """n squares in a row near Exeter (BNG metres)."""
    return [shapely.box(X + i * size, Y, X + (i + 1) * size, Y + size) for i in range(n)]


def write(path: Path, columns: dict, geometry: list, to_crs: str | int | None = None, **kwargs) -> Path:
    """A boundary file of BNG `geometry`, saved in `to_crs` (default BNG)."""
    frame = gpd.GeoDataFrame(columns, geometry=geometry, crs=27700)
    (frame.to_crs(to_crs) if to_crs else frame).to_file(path, **kwargs)
    return path


def load(con: duckdb.DuckDBPyConnection, *paths: Path, level: str | None = None) -> LoadReport:
    run = Load(con, LoadReport("boundaries"))
    boundaries.load(list(paths), run, level)
    assert run.report.reconciles()
    return run.report


def table(con: duckdb.DuckDBPyConnection) -> gpd.GeoDataFrame:
    rows = con.execute("SELECT * FROM boundary ORDER BY level, code").to_arrow_table().to_pandas()
    return gpd.GeoDataFrame(rows.drop(columns="geometry"), geometry=shapely.from_wkb(rows["geometry"]), crs=27700)


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        yield connection


def test_geojson_in_crs84_with_2021_columns_lands_in_bng_with_its_parent(con, tmp_path):
    path = write(tmp_path / "oa.geojson", {"OA21CD": ["E00000001", "E00000002"], "LSOA21CD": ["E01000001"] * 2,
                                          "LAD22CD": ["E06000001"] * 2}, squares(2), to_crs="OGC:CRS84", RFC7946="YES")
    assert '"crs"' not in path.read_text()  # RFC 7946: no crs member, CRS84 by definition
    report = load(con, path)
    rows = table(con)
    assert rows["level"].tolist() == ["oa", "oa"] and rows["code"].tolist() == ["E00000001", "E00000002"]
    assert rows["parent_code"].tolist() == ["E01000001"] * 2  # the nearest coarser level, not the LAD
    assert rows["name"].isna().all() and rows["source"].tolist() == ["oa.geojson"] * 2
    assert rows.geometry.iloc[0].equals_exact(squares(1)[0], tolerance=0.01)
    assert report.tables == {"boundary": 2} and "from column OA21CD" in report.notes[0]


def test_every_polygon_layer_of_a_geopackage_loads_as_its_own_level(con, tmp_path):
    path = tmp_path / "areas.gpkg"
    write(path, {"code": ["E00000001", "E00000002"], "name": ["a", "b"], "lsoa_code": ["E01000001"] * 2},
          squares(2), layer="small")
    write(path, {"LSOA11CD": ["E01000001"], "LSOA11NM": ["Exeter 001A"]}, [shapely.box(X, Y, X + 1000, Y + 500)],
          layer="lsoa")
    write(path, {"code": ["E00000001"]}, [shapely.Point(X, Y)], layer="centroids")
    report = load(con, path)
    rows = table(con)
    assert rows[["level", "code", "name", "parent_code"]].values.tolist() == [
        ["lsoa", "E01000001", "Exeter 001A", None], ["oa", "E00000001", "a", "E01000001"],
        ["oa", "E00000002", "b", "E01000001"]]
    assert set(rows["source"]) == {"areas.gpkg:small", "areas.gpkg:lsoa"}
    assert any("skipped layer centroids" in note for note in report.notes)


def test_a_shapefile_in_web_mercator_takes_the_ward_code_and_english_name(con, tmp_path):
    path = write(tmp_path / "wards.shp", {"WD13CD": ["W05000001"], "WD13CDO": ["00PHMA"], "WD13NM": ["Bedlinog"],
                                          "WD13NMW": ["Bedlinog (Cymraeg)"]}, squares(1), to_crs=3857)
    load(con, path)
    rows = table(con)
    assert rows[["level", "code", "name"]].values.tolist() == [["ward", "W05000001", "Bedlinog"]]
    assert abs(rows.geometry.iloc[0].area - 500 * 500) < 50


def test_generic_columns_take_the_level_from_the_codes(con, tmp_path):
    path = write(tmp_path / "msoa.geojson", {"area_code": ["E02000001", "E02000002"], "area_name": ["One", "Two"],
                                             "LAD22CD": ["E06000001"] * 2}, squares(2), to_crs=4326)
    report = load(con, path)
    rows = table(con)
    assert rows[["level", "code", "name", "parent_code"]].values.tolist() == [
        ["msoa", "E02000001", "One", "E06000001"], ["msoa", "E02000002", "Two", "E06000001"]]
    assert "from codes such as E02000001" in report.notes[0]


def test_codes_that_are_not_ons_need_a_level_and_take_the_one_given(con, tmp_path):
    path = write(tmp_path / "patches.geojson", {"geo_code": ["P1", "P2"], "geo_label": ["North", "South"]}, squares(2))
    with pytest.raises(GeolinkError, match=r"cannot tell the level .* geo_code .*'P1'.* pass --level"):
        load(con, path)
    load(con, path, level="ward")
    assert table(con)[["level", "code", "name"]].values.tolist() == [["ward", "P1", "North"], ["ward", "P2", "South"]]
    with pytest.raises(GeolinkError, match="--level must be one of"):
        load(con, path, level="county")


def test_a_code_column_holding_several_levels_is_refused_naming_them(con, tmp_path):
    path = write(tmp_path / "mixed.geojson", {"code": ["E00000001", "E01000001", "E00000002"]}, squares(3))
    with pytest.raises(GeolinkError, match=r"mixed.geojson: column code holds codes of several levels: "
                                           r"oa \(e.g. E00000001\), lsoa \(e.g. E01000001\)"):
        load(con, path)


def test_loading_a_level_replaces_that_level_only(con, tmp_path):
    oa = write(tmp_path / "oa.geojson", {"OA11CD": ["E00000001", "E00000002"]}, squares(2))
    lsoa = write(tmp_path / "lsoa.geojson", {"LSOA11CD": ["E01000001"]}, squares(1))
    load(con, oa)
    load(con, lsoa)
    newer = write(tmp_path / "oa21.geojson", {"OA21CD": ["E00000009"]}, squares(1))
    load(con, newer)
    assert table(con)[["level", "code"]].values.tolist() == [["lsoa", "E01000001"], ["oa", "E00000009"]]


def test_a_folder_loads_its_boundary_files_each_reporting_its_bytes_for_the_progress_bar(con, tmp_path):
    (tmp_path / "parts").mkdir()
    paths = [write(tmp_path / "parts" / f"{level}.geojson", {"code": [code]}, squares(1))
             for level, code in (("lsoa", "E01000001"), ("oa", "E00000001"))]
    (tmp_path / "parts" / "README.txt").write_text("not a boundary")
    told: list[int] = []
    boundaries.load([tmp_path / "parts"], Load(con, LoadReport("boundaries"), on_bytes=told.append))
    assert told == [p.stat().st_size for p in paths]
    assert table(con)["code"].tolist() == ["E01000001", "E00000001"]


def test_bad_rows_are_rejected_with_their_row_and_reason_and_the_rest_load(con, tmp_path):
    near = squares(6)
    bowtie = shapely.Polygon([(X, Y + 600), (X + 500, Y + 1100), (X + 500, Y + 600), (X, Y + 1100)])
    spain = shapely.box(440_000, -1_100_000, 441_000, -1_099_000)
    codes = ["E00000001", "E00000002", "E00000003", " ", "E00000004", "E00000001", "E00000005", "E00000002",
             "E00000006"]
    geometry = [near[0], None, spain, near[3], shapely.LineString([(X, Y), (X + 9, Y + 9)]), near[0], bowtie,
                near[5], near[2]]
    path = write(tmp_path / "oa.geojson", {"OA21CD": codes}, geometry, to_crs=4326)
    report = load(con, path)
    assert [(r.row, r.reason) for r in report.rejected] == [
        (3, "no geometry"), (4, "geometry lies wholly outside Great Britain"), (5, "missing area code"),
        (6, "geometry is a LineString, not a polygon"), (7, boundaries.EXACT_COPY)]
    assert {r.file for r in report.rejected} == {str(path)}
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (9, 4, 5)
    rows = table(con)
    assert rows["code"].tolist() == ["E00000001", "E00000002", "E00000005", "E00000006"]
    assert rows.geometry.is_valid.all() and "repaired 1 invalid geometries" in " ".join(report.notes)
    again = write(tmp_path / "more.geojson", {"OA21CD": ["E00000006"]}, squares(1), to_crs=4326)
    assert [r.reason for r in load(con, path, again).rejected][-1] == boundaries.SAME_CODE  # across files too


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "the file is empty"),
    (b"UPRN,ADDRESS\n1,1 High Street\n", "not a spatial file"),
])
def test_unreadable_files_give_one_clear_error_naming_the_file(con, tmp_path, content, message):
    path = tmp_path / "areas.geojson"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(GeolinkError, match=f"areas.geojson: {message}"):
        load(con, path)
    assert not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'boundary'").fetchone()[0]


def test_files_without_codes_polygons_or_a_crs_say_what_is_missing(con, tmp_path):
    no_code = write(tmp_path / "nocode.geojson", {"objectid": [1], "label": ["x"]}, squares(1))
    with pytest.raises(GeolinkError, match=r"nocode.geojson: no area code column .* columns found: objectid, label"):
        load(con, no_code)
    points = write(tmp_path / "points.geojson", {"code": ["E00000001"]}, [shapely.Point(X, Y)])
    with pytest.raises(GeolinkError, match=r"points.geojson: no polygon layer \(layers found: points \(Point\)\)"):
        load(con, points)
    bare = write(tmp_path / "bare.shp", {"code": ["E00000001"]}, squares(1))
    bare.with_suffix(".prj").unlink()
    with pytest.raises(GeolinkError, match="bare.shp .*no coordinate reference system"):
        load(con, bare)


REAL = [(f"{town}/{level}_2011_{lad}.geojson", level, count)
        for town, lad, counts in (("exeter", "E07000041", (387, 74, 15)), ("merthyr_tydfil", "W06000024", (189, 36, 7)),
                                  ("east_hampshire_ehdc", "E07000085", (370, 72, 15)))
        for level, count in zip(("oa", "lsoa", "msoa"), counts)]
REAL += [("exeter/wards_E07000041.geojson", "ward", 18), ("merthyr_tydfil/wards_W06000024.geojson", "ward", 11),
         ("east_hampshire_ehdc/wards_E07000085.geojson", "ward", 38)]
REAL += [(f"trafford/{name}.geojson", level, count) for name, level, count in (
    ("oa", "oa", 1055), ("lsoa", "lsoa", 139), ("msoa", "msoa", 28), ("electoral_ward", "ward", 21),
    ("local_authority_district", "lad", 1))]
GSS = {"oa": "00", "lsoa": "01", "msoa": "02", "ward": "05", "lad": "0"}
TRAFFORD_OA_COPIES = 317  # the published file repeats 317 of its 738 output areas, geometry and all


@pytest.mark.shared_data
@pytest.mark.parametrize("name, level, features", REAL, ids=[r[0] for r in REAL])
def test_every_real_sample_loads_every_feature_at_its_level_in_bng(con, name, level, features):
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not present")
    report = load(con, SHARED / name)
    copies = TRAFFORD_OA_COPIES if name == "trafford/oa.geojson" else 0
    assert (report.rows_read, report.rows_loaded) == (features, features - copies)
    assert report.by_reason() == ({boundaries.EXACT_COPY: copies} if copies else {})
    rows = table(con)
    assert set(rows["level"]) == {level} and rows["code"].str.match(rf"^[EW]{GSS[level]}").all()
    x0, y0, x1, y1 = rows.total_bounds
    assert 80_000 < x0 < x1 < 660_000 and 0 < y0 < y1 < 1_000_000
    assert rows.geometry.is_valid.all()


@pytest.mark.shared_data
def test_parents_found_by_containment_agree_with_the_ons_lookup(con):
    trafford = SHARED / "trafford"
    if not trafford.is_dir():
        pytest.skip("../shared/data is not present")
    load(con, *(trafford / f"{name}.geojson" for name in ("oa", "lsoa", "msoa", "local_authority_district")))
    layers = area_layers_from_workspace(con)  # the files carry no parent codes at all
    lookup = pd.read_csv(trafford / "statistical_lookup_oa_lsoa_msoa_2021_gm.csv")
    for finer, coarser in (("oa21cd", "lsoa21cd"), ("lsoa21cd", "msoa21cd"), ("msoa21cd", "lad22cd")):
        found = layers.parent_of(finer[:-4])
        assert len(found) == layers.layer(finer[:-4]).shape[0]
        assert found == {k: v for k, v in zip(lookup[finer], lookup[coarser]) if k in found}


@pytest.fixture
def gazetteer_workspace(borough, tmp_path) -> Path:
    """A workspace holding the small borough's gazetteer and no areas."""
    path = tmp_path / "workspace.duckdb"
    con = workspace.connect(path, create=True)
    try:
        load_reference(con, "gazetteer_address", borough.gazetteer)
    finally:
        con.close()
    return path


def test_geography_places_the_gazetteer_in_the_loaded_boundaries(borough, gazetteer_workspace, tmp_path):
    oa, lsoa, msoa = (borough.areas[level] for level in ("oa", "lsoa", "msoa"))
    files = [  # three vintages' column names; no file names its next level up, so nesting comes from containment
        write(tmp_path / "oa.geojson", {"OA21CD": oa["code"], "LAD22CD": oa["lad_code"]}, oa.geometry, to_crs=4326),
        write(tmp_path / "lsoa.gpkg", {"area_code": lsoa["code"], "area_name": lsoa["name"]}, lsoa.geometry),
        write(tmp_path / "msoa.shp", {"MSOA11CD": msoa["code"], "MSOA11NM": msoa["name"]}, msoa.geometry, to_crs=3857),
    ]
    con = workspace.connect(gazetteer_workspace)
    try:
        load(con, *files)
    finally:
        con.close()
    halves = write(tmp_path / "halves.geojson", {"code": ["WEST", "EAST"]},
                   [shapely.box(0, 0, 290_400, 1e6), shapely.box(290_400, 0, 7e5, 1e6)])
    run_geolink("geography", gazetteer_workspace, "--custom", f"halves={halves}")
    con = workspace.connect(gazetteer_workspace, read_only=True)
    try:
        area = con.execute("SELECT level, code, parent_code FROM area").df()
        placed = con.execute("SELECT oa, lsoa, msoa, halves FROM uprn_area").df()
    finally:
        con.close()
    assert set(area["level"]) == {"oa", "lsoa", "msoa", "halves"}
    assert dict(zip(area.loc[area["level"] == "oa", "code"], area.loc[area["level"] == "oa", "parent_code"])) == dict(
        zip(oa["code"], oa["lsoa_code"]))
    truth = pd.Series(oa["lsoa_code"].to_numpy(), index=oa["code"])
    assert len(placed) == borough.gazetteer.query("status == 'approved'")["uprn"].nunique()
    assert placed[["oa", "lsoa", "msoa", "halves"]].notna().all().all()
    assert (placed["lsoa"] == placed["oa"].map(truth)).all()


def test_geography_without_boundaries_or_areas_says_how_to_load_them(gazetteer_workspace):
    result = run_geolink("geography", gazetteer_workspace, check=False)
    assert result.returncode == 2 and "no boundaries loaded: run `geolink load boundaries FILE --workspace W`" in (
        " ".join(result.stderr.split()))
