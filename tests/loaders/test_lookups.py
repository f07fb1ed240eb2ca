"""The national lookups: ONSUD, ONSPD / NSPL, Code-Point Open, OS Open UPRN and OS Open USRN,
from synthetic files of every layout, the real samples, broken files, and the geography stage using them."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geolink import workspace
from geolink.address import normalise_postcode
from geolink.errors import GeolinkError
from geolink.geography import AreaLayers, to_bng
from geolink.geography.areas import canonical_layer
from geolink.geography.run import run_geography
from loaders import onsud, open_uprn, open_usrn, postcodes
from loaders.checks import GB_EASTING, GB_NORTHING
from loaders.context import Load
from loaders.report import LoadReport

CODEPOINT_HEADER = ("Postcode,Positional_quality_indicator,Eastings,Northings,Country_code,NHS_regional_HA_code,"
                    "NHS_HA_code,Admin_county_code,Admin_district_code,Admin_ward_code\n")
CODEPOINT_ROWS = ('"EX1 1AE",10,291960,92581,"E92000001","E19000002","E18000010","E10000008","E07000041","E05003502"\n'
                  '"CF440LX",10,300462,207434,"W92000004","","","","W06000024","W05000708"\n'
                  '"EX4 9ZZ",90,0,0,"E92000001","","","","E07000041","E05003502"\n')
ONSUD_2021 = ("UPRN,GRIDGB1E,GRIDGB1N,PCDS,CTY25CD,LAD25CD,WD25CD,PARNCP25CD,OA21CD,LSOA21CD,MSOA21CD\n"
              "100040212345,291960,92581,EX1 1AE,E10000008,E07000041,E05015000,E43000001,E00101234,E01020001,"
              "E02004150\n")


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def load(loader, *paths: Path, **extra) -> tuple[duckdb.DuckDBPyConnection, LoadReport]:
    """Run a loader into a fresh in-memory DuckDB; the counts must reconcile whatever happens."""
    con = duckdb.connect()
    run = Load(con, LoadReport(extra.get("kind", "lookup")))
    loader(list(paths), run, **extra)
    assert run.report.reconciles(), run.report.as_dict()
    return con, run.report


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def reasons(report: LoadReport) -> dict[int, str]:
    return {r.row: r.reason for r in report.rejected}


# ONSUD

def test_onsud_2021_vintage_loads_every_level_and_the_grid_reference(tmp_path):
    con, report = load(onsud.load, write(tmp_path / "ONSUD_DEC_2025_SW.csv", ONSUD_2021))
    assert report.rows_loaded == 1 and report.tables == {"onsud": 1}
    assert rows(con, "SELECT * FROM onsud") == [
        (100040212345, "E00101234", "E01020001", "E02004150", "E05015000", "E07000041", 291960.0, 92581.0)]
    assert dict(rows(con, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'onsud'")) \
        == {"uprn": "BIGINT", "oa": "VARCHAR", "lsoa": "VARCHAR", "msoa": "VARCHAR", "ward": "VARCHAR",
            "lad": "VARCHAR", "x": "DOUBLE", "y": "DOUBLE"}


def test_onsud_2011_vintage_in_lower_case_without_a_grid_or_ward_leaves_them_null(tmp_path):
    path = write(tmp_path / "onsud_2019.csv", "uprn,pcds,lad19cd,oa11cd,lsoa11cd,msoa11cd\n"
                                              "1,EX1 1AE,E07000041,E00000001,E01000001,E02000001\n"
                                              "2,EX1 1AF,E07000041,,E01000001,E02000001\n")
    con, _ = load(onsud.load, path)
    assert rows(con, "SELECT uprn, oa, lsoa, ward, lad, x FROM onsud ORDER BY uprn") == [
        (1, "E00000001", "E01000001", None, "E07000041", None), (2, None, "E01000001", None, "E07000041", None)]


def test_onsud_with_two_vintages_takes_the_2020s_codes(tmp_path):
    path = write(tmp_path / "o.csv", "UPRN,OA11CD,OA21CD,LSOA11CD\n7,E00000011,E00000021,E01000011\n")
    con, _ = load(onsud.load, path)
    assert rows(con, "SELECT oa, lsoa FROM onsud") == [("E00000021", "E01000011")]


def test_onsud_folder_of_regional_files_loads_them_all(tmp_path):
    (tmp_path / "Data").mkdir()
    write(tmp_path / "Data/ONSUD_EE.csv", ONSUD_2021)
    write(tmp_path / "Data/ONSUD_SW.csv", ONSUD_2021.replace("100040212345", "100040212346"))
    write(tmp_path / "Data/readme.txt", "not a csv")
    con, report = load(onsud.load, tmp_path / "Data")
    assert report.rows_loaded == 2 and rows(con, "SELECT count(DISTINCT uprn) FROM onsud") == [(2,)]


@pytest.mark.parametrize("header, message", [
    ("PCDS,LAD25CD,OA21CD", "missing column(s) uprn"),
    ("UPRN,PCDS,GRIDGB1E", "has none of the columns oa, lsoa, msoa, ward, lad"),
])
def test_an_onsud_header_without_the_needed_columns_is_named(tmp_path, header, message):
    path = write(tmp_path / "bad_onsud.csv", header + "\n" + ",".join(["1"] * len(header.split(","))) + "\n")
    with pytest.raises(GeolinkError, match="bad_onsud.csv") as error:
        load(onsud.load, path)
    assert message in str(error.value)


# ONSPD / NSPL

ONSPD_HEADER = ("pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,"
                "oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,park,lsoa01,"
                "msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,ccg,bua11,buasd11,ru11ind,oac11,lat,long,lep1,"
                "lep2,pfa,imd,calncv,stp,oa21,lsoa21,msoa21\n")


def onspd_row(pcd: str, doterm: str, east: str, north: str, lat: str, lon: str, ward: str = "E05003502") -> str:
    """One full-width ONSPD row (55 fields): the fields geolink reads, and filler for the rest."""
    fields = {"pcd": pcd, "pcd2": pcd, "pcds": pcd, "dointr": "198001", "doterm": doterm, "oslaua": "E07000041",
              "osward": ward, "oseast1m": east, "osnrth1m": north, "oa11": "E00000011", "lsoa11": "E01000011",
              "msoa11": "E02000011", "lat": lat, "long": lon, "oa21": "E00000021", "lsoa21": "E01000021",
              "msoa21": "E02000021"}
    return ",".join(f'"{fields.get(name, "X99999999")}"' for name in ONSPD_HEADER.strip().split(",")) + "\n"


def test_onspd_uses_the_grid_where_given_and_converts_latitude_longitude_where_not(tmp_path):
    lat, lon = 50.7236, -3.5306
    path = write(tmp_path / "ONSPD_FEB_2025_UK.csv", ONSPD_HEADER
                 + onspd_row("EX1 1AE", "", "291960", "92581", str(lat), str(lon))
                 + onspd_row("EX1 1AF", "201206", "", "", str(lat), str(lon))
                 + onspd_row("EX1 1AG", "", "", "", "99.999999", "0.000000")  # ONSPD's "no grid reference"
                 + onspd_row("BT1 1AA", "", "333000", "374000", "54.6", "-5.93")  # Irish Grid: not Great Britain
                 + onspd_row("EX1 1AH", "2012-6", "291960", "92581", str(lat), str(lon)))
    con, report = load(postcodes.load, path, kind="onspd")
    assert reasons(report) == {5: "a Northern Ireland postcode (geolink covers Great Britain)",
                               6: "doterm '2012-6' is not a month (YYYYMM)"}
    found = {r[0]: r[1:] for r in rows(con, "SELECT postcode, x, y, oa, lsoa, msoa, ward, lad, terminated, source "
                                            "FROM postcode")}
    assert found["EX1 1AE"] == (291960.0, 92581.0, "E00000021", "E01000021", "E02000021", "E05003502", "E07000041",
                                None, "onspd")
    x, y = to_bng(np.array([lon]), np.array([lat]))
    assert found["EX1 1AF"][:2] == pytest.approx((x[0], y[0])) and found["EX1 1AF"][7] == date(2012, 6, 1)
    assert found["EX1 1AG"][:2] == (None, None) and found["EX1 1AG"][3] == "E01000021"  # no point, still its areas


def test_nspl_with_2024_column_names_loads(tmp_path):
    header = ("pcd7,pcd8,pcds,dointr,doterm,usrtypind,east1m,north1m,gridind,oa21cd,cty25cd,ced25cd,lad25cd,wd25cd,"
              "nhser24cd,ctry25cd,rgn25cd,pcon24cd,ttwa15cd,itl25cd,npark16cd,lsoa21cd,msoa21cd,wz11cd,sicbl24cd,"
              "bua24cd,ruc21ind,oac11ind,lat,long,lep21cd1,lep21cd2,pfa23cd,imd20ind,icb23cd\n")
    row = ('"BR8 7QP","BR8  7QP","BR8 7QP","198001","","0","549571","169349","1","E00003520","E13000002","E99999999",'
           '"E09000006","E05014007","E40000003","E92000001","E12000007","E14001417","E30000234","E09000006",'
           '"E65000001","E01000720","E02000145","E33032837","E38000244","E63999999","UN1","1C1",51.403453,0.148952,'
           '"E37000051","","E23000001",3404,"E54000030"\n')
    con, report = load(postcodes.load, write(tmp_path / "NSPL_FEB_2025_UK.csv", header + row), kind="nspl")
    assert report.rows_loaded == 1
    assert rows(con, "SELECT * FROM postcode") == [("BR8 7QP", 549571.0, 169349.0, "E00003520", "E01000720",
                                                   "E02000145", "E05014007", "E09000006", None, "nspl")]


def test_nspl_classic_names_laua_and_ward(tmp_path):
    path = write(tmp_path / "NSPL_MAY_2019_UK.csv",
                 "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa11,cty,laua,ward,lsoa11,msoa11,"
                 "oac11,lat,long\n"
                 "EX1 1AE,EX1  1AE,EX1 1AE,198001,,0,291960,092581,1,E00000011,E10000008,E07000041,E05003502,"
                 "E01000011,E02000011,1A1,50.7236,-3.5306\n")
    con, _ = load(postcodes.load, path, kind="nspl")
    assert rows(con, "SELECT postcode, x, y, oa, ward, lad FROM postcode") == [
        ("EX1 1AE", 291960.0, 92581.0, "E00000011", "E05003502", "E07000041")]


@pytest.mark.parametrize("header", [True, False], ids=["with header", "headerless OS original"])
def test_codepoint_with_or_without_its_header(tmp_path, header):
    path = write(tmp_path / "ex.csv", (CODEPOINT_HEADER if header else "") + CODEPOINT_ROWS)
    con, report = load(postcodes.load, path, kind="codepoint")
    assert report.rows_read == report.rows_loaded == 3
    assert rows(con, "SELECT postcode, x, y, oa, ward, lad, source FROM postcode ORDER BY postcode") == [
        ("CF44 0LX", 300462.0, 207434.0, None, "W05000708", "W06000024", "codepoint"),
        ("EX1 1AE", 291960.0, 92581.0, None, "E05003502", "E07000041", "codepoint"),
        ("EX4 9ZZ", None, None, None, "E05003502", "E07000041", "codepoint")]  # PQI 90: no coordinates


def test_an_unknown_postcode_kind_is_refused(tmp_path):
    with pytest.raises(GeolinkError, match="unknown postcode lookup 'pafx'"):
        load(postcodes.load, write(tmp_path / "p.csv", CODEPOINT_HEADER + CODEPOINT_ROWS), kind="pafx")


def test_a_postcode_file_with_neither_coordinates_nor_areas_is_named(tmp_path):
    with pytest.raises(GeolinkError, match="p.csv: has none of the columns x, lat, oa"):
        load(postcodes.load, write(tmp_path / "p.csv", "postcode,name\nEX1 1AE,Exeter\n"), kind="onspd")


# OS Open UPRN

def test_open_uprn_loads_points_and_rejects_bad_identifiers_and_places(tmp_path):
    path = write(tmp_path / "osopenuprn_202501.csv",
                 "UPRN,X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE\n"
                 "100040212345,291960.12,92581.50,50.7236,-3.5306\n"
                 "12a,291960,92581,50.7,-3.5\n"
                 ",291960,92581,50.7,-3.5\n"
                 "7,800000,100,50.7,-3.5\n"
                 "8,east,92581,50.7,-3.5\n"
                 "9,,,50.7,-3.5\n")
    con, report = load(open_uprn.load, path)
    assert rows(con, "SELECT * FROM uprn_point") == [(100040212345, 291960.12, 92581.5)]
    assert reasons(report) == {3: "UPRN '12a' is not a whole number", 4: "missing UPRN",
                               5: "easting/northing (800000, 100) are outside Great Britain",
                               6: "easting/northing are not numbers", 7: "missing easting/northing"}
    assert dict(rows(con, "SELECT column_name, data_type FROM information_schema.columns "
                          "WHERE table_name = 'uprn_point'")) == {"uprn": "BIGINT", "x": "DOUBLE", "y": "DOUBLE"}


# OS Open USRN

def street_file(path: Path, crs: int | str = 27700, **kwargs) -> Path:
    lines = [shapely.LineString([(291_000, 92_000), (291_100, 92_050)]),
             shapely.MultiLineString([[(291_200, 92_000), (291_300, 92_000)], [(291_300, 92_000), (291_300, 92_100)]]),
             shapely.Point(291_000, 92_000), None, shapely.LineString([(291_000, 92_000), (291_010, 92_000)])]
    frame = gpd.GeoDataFrame({"usrn": [14200001, 14200002, 14200003, 14200004, None],
                              "street_type": ["Designated Street Name"] * 4 + ["Numbered Street"]},
                             geometry=lines, crs=27700)
    frame.to_crs(crs).to_file(path, **kwargs)
    return path


def test_open_usrn_geopackage_loads_lines_in_batches_and_rejects_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(open_usrn, "BATCH_FEATURES", 2)
    told = []
    con = duckdb.connect()
    run = Load(con, LoadReport("open-usrn"), on_bytes=told.append)
    path = street_file(tmp_path / "osopenusrn_202501.gpkg", layer="openUSRN")
    open_usrn.load([path], run)
    assert run.report.reconciles() and run.report.rows_loaded == 2 and told == [path.stat().st_size]
    assert reasons(run.report) == {3: "geometry is a Point, not a line", 4: "missing geometry", 5: "missing USRN"}
    loaded = rows(con, "SELECT usrn, street_type, geometry FROM street_geometry ORDER BY usrn")
    assert [(u, t) for u, t, _ in loaded] == [(14200001, "Designated Street Name"), (14200002, "Designated Street Name")]
    assert shapely.from_wkb(bytes(loaded[1][2])).geom_type == "MultiLineString"
    assert dict(rows(con, "SELECT column_name, data_type FROM information_schema.columns "
                          "WHERE table_name = 'street_geometry'")) == {"usrn": "BIGINT", "street_type": "VARCHAR",
                                                                       "geometry": "BLOB"}


def test_open_usrn_geojson_in_wgs84_lands_in_british_national_grid(tmp_path):
    con, report = load(open_usrn.load, street_file(tmp_path / "streets.geojson", crs=4326))
    assert report.rows_loaded == 2
    line = shapely.from_wkb(bytes(rows(con, "SELECT geometry FROM street_geometry WHERE usrn = 14200001")[0][0]))
    assert line.coords[0] == pytest.approx((291_000, 92_000), abs=0.5)


def test_open_usrn_without_a_usrn_column_or_readable_layer_is_named(tmp_path):
    path = tmp_path / "roads.gpkg"
    gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=27700).to_file(path)
    with pytest.raises(GeolinkError, match="roads.gpkg: no layer has a usrn column"):
        load(open_usrn.load, path)
    with pytest.raises(GeolinkError, match="junk.gpkg: cannot read it"):
        load(open_usrn.load, write(tmp_path / "junk.gpkg", "not a geopackage"))


# The real samples

CODEPOINT_SAMPLES = [("exeter/codepoint_open_2014_exeter_E07000041.csv", 3544),
                     ("merthyr_tydfil/codepoint_open_2014_merthyr_W06000024.csv", 1612),
                     ("trafford/codepoint_open_2014_trafford_E08000009.csv", 6604),
                     ("east_hampshire_ehdc/codepoint_open_2014_east_hampshire_E07000085.csv", 3968)]


@pytest.mark.parametrize("name, count", CODEPOINT_SAMPLES, ids=[n.split("/")[0] for n, _ in CODEPOINT_SAMPLES])
def test_every_real_codepoint_sample_loads_whole(shared_data, name, count):
    con, report = load(postcodes.load, shared_data / name, kind="codepoint")
    assert report.rows_read == report.rows_loaded == count and not report.rejected
    assert rows(con, "SELECT count(*) FROM postcode WHERE x IS NULL OR ward IS NULL OR lad IS NULL") == [(0,)]


def test_the_exeter_codepoint_sample_spot_check(shared_data):
    con, _ = load(postcodes.load, shared_data / CODEPOINT_SAMPLES[0][0], kind="codepoint")
    assert rows(con, "SELECT x, y, ward, lad FROM postcode WHERE postcode = 'EX1 1AE'") == [
        (291960.0, 92581.0, "E05003502", "E07000041")]


def test_the_tidied_trafford_onspd_loads_and_converts_its_latitude_longitude(shared_data):
    con, report = load(postcodes.load, shared_data / "trafford/trafford_postcodes_onspd_feb2025.csv", kind="onspd")
    assert report.rows_read == report.rows_loaded == 11264
    (x, y, lsoa, msoa, ward, lad), = rows(con, "SELECT x, y, lsoa, msoa, ward, lad FROM postcode "
                                               "WHERE postcode = 'M15 4AB'")
    assert (lsoa, msoa, ward, lad) == ("E01034001", "E02001259", "E05015247", "E08000009")
    assert abs(x - 382_802) < 20 and abs(y - 396_569) < 20  # Code-Point 2014 puts it at 382802, 396569


# Broken files: a clear message for the file, or rejected rows with their reasons

def test_a_truncated_last_line_is_rejected_and_the_rest_load(tmp_path):
    path = write(tmp_path / "cut.csv", CODEPOINT_HEADER + CODEPOINT_ROWS + '"EX1 1AF",10,2919')
    con, report = load(postcodes.load, path, kind="codepoint")
    assert report.rows_loaded == 3 and reasons(report) == {5: "expected 10 fields, found 3 (the row is cut short)"}


def test_rows_in_another_delimiter_or_with_extra_fields_are_rejected(tmp_path):
    path = write(tmp_path / "mixed.csv", "UPRN,X_COORDINATE,Y_COORDINATE\n1,291960,92581\n2;291960;92581\n"
                                         "3,291960,92581,extra\n4,291961,92582\n")
    con, report = load(open_uprn.load, path)
    assert rows(con, "SELECT uprn FROM uprn_point ORDER BY uprn") == [(1,), (4,)]
    assert reasons(report) == {3: "expected 3 fields, found 1 (the row seems delimited by ';')",
                               4: "expected 3 fields, found 4"}


def test_windows_1252_bytes_are_read_and_a_bad_postcode_is_named(tmp_path):
    text = CODEPOINT_HEADER.encode() + b'"EX1 1AE",10,291960,92581,"E92000001","Caf\xe9","","","E07000041","W1"\n' \
        + b'"EX1 1A\xc9",10,291960,92581,"E92000001","","","","E07000041","W1"\n'
    con, report = load(postcodes.load, write(tmp_path / "cp1252.csv", text), kind="codepoint")
    assert report.rows_loaded == 1 and reasons(report) == {3: "postcode 'EX1 1AÉ' is not a valid postcode"}


def test_a_missing_header_row_is_named_and_a_header_only_file_loads_nothing(tmp_path):
    with pytest.raises(GeolinkError, match="the file seems to have no header row"):
        load(onsud.load, write(tmp_path / "noheader.csv", "100040212345,291960,92581,EX1 1AE,E07000041\n"))
    con, report = load(onsud.load, write(tmp_path / "header_only.csv", ONSUD_2021.splitlines()[0] + "\n"))
    assert report.rows_read == 0 and not report.tables


@pytest.mark.parametrize("loader, extra", [(onsud.load, {}), (open_uprn.load, {}),
                                           (postcodes.load, {"kind": "codepoint"})])
def test_an_empty_file_is_named(tmp_path, loader, extra):
    with pytest.raises(GeolinkError, match="empty.csv: the file is empty"):
        load(loader, write(tmp_path / "empty.csv", ""), **extra)


# Properties: any text in a cell gives a loaded row or a reason, never a crash

cells = st.one_of(st.text(max_size=14), st.sampled_from(["", " ", "0", "1e5", "100040212345", "291960.5", "-3.53",
                                                         "50.72", "nan", "inf", "99.999999", "1" * 13, "1.0"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(cells, cells, cells), min_size=1, max_size=6))
def test_any_text_in_a_uprn_or_coordinate_cell_loads_or_has_a_reason(cells_):
    block = pa.table({name: pa.array([row[i] for row in cells_], pa.string())
                      for i, name in enumerate(["UPRN", "X", "Y"])})
    loaded, why = open_uprn.parse(block, {"uprn": "UPRN", "x": "X", "y": "Y"})
    for row, reason in zip(loaded.to_pylist(), why):
        assert isinstance(reason, str)
        if not reason:
            assert row["uprn"] is not None and 0 <= row["uprn"] < 10 ** 12
            assert GB_EASTING[0] <= row["x"] <= GB_EASTING[1] and GB_NORTHING[0] <= row["y"] <= GB_NORTHING[1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(cells, cells, cells, cells), min_size=1, max_size=6))
def test_any_text_in_grid_or_latitude_longitude_cells_gives_a_point_in_gb_none_or_a_reason(cells_):
    east, north, lat, lon = (pa.array([row[i] for row in cells_], pa.string()) for i in range(4))
    x, y, why = postcodes.points(east, north, lat, lon)
    for i, reason in enumerate(why):
        if not reason:
            assert np.isnan(x[i]) == np.isnan(y[i])
            assert np.isnan(x[i]) or (GB_EASTING[0] - 1e3 <= x[i] <= GB_EASTING[1] + 1e3
                                      and GB_NORTHING[0] - 1e3 <= y[i] <= GB_NORTHING[1] + 1e3)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=10), st.text(alphabet=string.ascii_letters + string.digits + " \t",
                                                         min_size=5, max_size=9)), min_size=1, max_size=5))
def test_a_lookup_postcode_is_normalised_as_geolink_normalises_postcodes_or_has_a_reason(texts):
    normalised, why = postcodes.normalise(pa.array(texts, pa.string()))
    for text, result, reason in zip(texts, normalised.to_pylist(), why):
        assert (result is None) == bool(reason)
        if result is not None:
            assert result == normalise_postcode(text)


# The geography stage using the lookups

SQUARES = [shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)]


def small_layers() -> AreaLayers:
    oa = gpd.GeoDataFrame({"code": ["O1", "O2"], "lsoa_code": ["L1", "L1"]}, geometry=SQUARES, crs=27700)
    lsoa = gpd.GeoDataFrame({"code": ["L1"]}, geometry=[shapely.box(0, 0, 20, 10)], crs=27700)
    ward = gpd.GeoDataFrame({"code": ["W1", "W2"]}, geometry=SQUARES, crs=27700)
    layers = [canonical_layer(oa, "oa"), canonical_layer(lsoa, "lsoa"), canonical_layer(ward, "ward")]
    return AreaLayers(gpd.GeoDataFrame(pd.concat(layers, ignore_index=True), crs=27700))


def test_geography_places_by_open_uprn_points_and_by_postcode(tmp_path):
    con = workspace.connect(tmp_path / "w.duckdb", create=True)
    con.execute("""CREATE TABLE gazetteer_address AS SELECT * FROM (VALUES
        (1, NULL, 'RD04', 5.0, 5.0, 'approved'), (2, NULL, 'RD04', NULL, NULL, 'approved'))
        t(uprn, parent_uprn, classification, x, y, status)""")
    con.execute("CREATE TABLE match AS SELECT * FROM (VALUES ('svc', 'a', 1, 'exact'), ('svc', 'b', 2, 'high'), "
                "('svc', 'c', NULL, 'unmatched')) t(dataset, record_id, uprn, band)")
    con.execute("CREATE TABLE service_svc AS SELECT * FROM (VALUES ('a', 'EX1 1AE'), ('b', NULL), ('c', 'ex11ae'), "
                "('d', 'EX1 1AF'), ('e', 'EX9 9ZZ'), ('f', NULL)) t(id, postcode)")
    workspace.register_dataset(con, "svc", {"id_column": "id", "postcode_column": "postcode"})
    load_into = Load(con, LoadReport("lookups"))
    open_uprn.load([write(tmp_path / "uprn.csv", "UPRN,X_COORDINATE,Y_COORDINATE\n2,15,5\n")], load_into)
    postcodes.load([write(tmp_path / "cp.csv", CODEPOINT_HEADER
                          + '"EX1 1AE",10,15,5,"E92000001","","","","E07000041","W1"\n'  # the lookup's ward wins
                          + '"EX1 1AF",10,5,5,"E92000001","","","","E07000041","E05999999"\n')],  # unknown ward
                   load_into, kind="codepoint")
    report = run_geography(con, small_layers())
    uprn_area = dict((u, (oa, by)) for u, oa, by in rows(con, "SELECT uprn, oa, placed_by FROM uprn_area"))
    assert uprn_area == {1: ("O1", "point"), 2: ("O2", "point")}  # UPRN 2 by its OS Open UPRN point
    placed = {r[0]: r[1:] for r in rows(con, "SELECT record_id, placed_by, uprn, oa, lsoa, ward FROM record_area")}
    assert placed == {"a": ("uprn", 1, "O1", "L1", "W1"), "b": ("uprn", 2, "O2", "L1", "W2"),
                      "c": ("postcode", None, "O2", "L1", "W1"), "d": ("postcode", None, "O1", "L1", "W1"),
                      "e": (None, None, None, None, None), "f": (None, None, None, None, None)}
    assert report["datasets"]["svc"] == {"records": 6, "uprn": 2, "point": 0, "postcode": 2, "unplaced": 2}
    con.close()
