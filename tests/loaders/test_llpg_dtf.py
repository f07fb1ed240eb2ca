"""LLPG DTF: DTF 7.3 address records with DTF 7.3 or NSG DTF 8.1 street records."""

from __future__ import annotations

import duckdb
import pytest

from loaders import llpg_dtf
from loaders.context import Load
from loaders.report import LoadReport

STREETS_73 = [
    '11,"I",1,7000001,1,1234,2,2001-01-01,1,8,1,2001-01-01,2020-01-01,2001-01-01,,320000.00,190000.00,320200.00,190050.00,10',
    '15,"I",2,7000001,"HEOL Y FELIN","","ABERDAR","RHONDDA CYNON TAF","CYM"',
    '15,"I",3,7000001,"MILL ROAD","","ABERDARE","RHONDDA CYNON TAF","ENG"',
]
STREETS_81 = [
    '11,"I",1,7000001,1,1234,2,2001-01-01,1,1,2001-01-01,2020-01-01,2001-01-01,,320000.00,190000.00,320200.00,190050.00,10,3',
    '12,"I",4,7000001,1,"ESU1",1',
    STREETS_73[1], STREETS_73[2],
]
ADDRESSES = [
    '21,"I",5,100100,1,2,2001-01-01,"RD02",,320050.00,190020.00,1,1234,2001-01-01,,2020-01-01,2001-01-01,"",W1,,,,',
    '24,"I",6,100100,"1234L1","ENG",1,2001-01-01,,2001-01-01,2020-01-01,,"",,"","",14,"",,"","",7000001,"","Y","CF44 7AA","ABERDARE","Y",,,',
    '24,"I",7,100100,"1234L2","CYM",1,2001-01-01,,2001-01-01,2020-01-01,,"",,"","",14,"",,"","",7000001,"","Y","CF44 7AA","ABERDAR","Y",,,',
    '21,"I",8,100101,1,2,2001-01-01,"RD06",100100,320050.00,190020.00,1,1234,2001-01-01,,2020-01-01,2001-01-01,"",W1,,,,',
    '24,"I",9,100101,"1234L3","ENG",1,2001-01-01,,2001-01-01,2020-01-01,2,"",,"","FLAT",14,"",,"","",7000001,"","Y","CF44 7AA","ABERDARE","Y",,,',
    '21,"I",10,100102,8,4,2001-01-01,"RD04",,320090.00,190020.00,1,1234,2001-01-01,2010-01-01,2020-01-01,2001-01-01,"MILL STORES",W1,,,,',
    '24,"I",11,100102,"1234L4","ENG",1,2001-01-01,,2001-01-01,2020-01-01,,"",,"","",16,"",,"","",7000001,"","Y","CF44 7AA","ABERDARE","Y",,,',
    '22,"I",12,100102,"P1","F","",2001-01-01,2001-01-01,,2001-01-01',
]


def load(tmp_path, version: str, streets: list[str]) -> tuple[duckdb.DuckDBPyConnection, LoadReport]:
    path = tmp_path / "llpg.csv"
    header = f'10,"Rhondda Cynon Taf",1234,2020-01-01,1,2020-01-01,10:00:00,"{version}","F"'
    path.write_text("\n".join([header, *streets, *ADDRESSES, '99,0,20,2020-01-01,10:00:00']) + "\n")
    con = duckdb.connect()
    run = Load(con, LoadReport("llpg-dtf"))
    llpg_dtf.load([path], run)
    assert run.report.reconciles()
    return con, run.report


@pytest.mark.parametrize("version, streets", [("7.3", STREETS_73), ("8.1.2.10", STREETS_81)])
def test_addresses_and_streets_of_either_version(tmp_path, version, streets):
    con, report = load(tmp_path, version, streets)
    assert report.rows_rejected == 0 and report.rows_read == 2 + len(streets) + len(ADDRESSES)
    rows = con.execute("SELECT uprn, parent_uprn, language, sao_text, sao_start_number, pao_start_number, street, "
                       "town, postcode, classification, status, full_address FROM gazetteer_address "
                       "ORDER BY uprn, language").fetchall()
    assert rows == [
        (100100, 0, "CYM", "", None, 14, "HEOL Y FELIN", "ABERDAR", "CF44 7AA", "RD02", "approved",
         "14, HEOL Y FELIN, ABERDAR, CF44 7AA"),
        (100100, 0, "ENG", "", None, 14, "MILL ROAD", "ABERDARE", "CF44 7AA", "RD02", "approved",
         "14, MILL ROAD, ABERDARE, CF44 7AA"),
        (100101, 100100, "ENG", "FLAT", 2, 14, "MILL ROAD", "ABERDARE", "CF44 7AA", "RD06", "approved",
         "FLAT 2 14, MILL ROAD, ABERDARE, CF44 7AA"),
        (100102, 0, "ENG", "", None, 16, "MILL ROAD", "ABERDARE", "CF44 7AA", "RD04", "historic",
         "MILL STORES, 16, MILL ROAD, ABERDARE, CF44 7AA"),
    ]
    assert con.execute("SELECT usrn, name, start_x FROM street").fetchall() == [(7000001, "MILL ROAD", 320000.0)]


def test_an_lpi_with_the_abp_layout_is_rejected_by_field_count(tmp_path):
    abp_lpi = '24,"I",13,100103,"K","ENG",1,2001-01-01,,2001-01-01,2001-01-01,,"",,"","",18,"",,"","",7000001,"1","","","N"'
    con, report = load(tmp_path, "7.3", [*STREETS_73, abp_lpi])
    assert [r.reason for r in report.rejected] == ["record type 24: expected 30 fields, found 26 (the row is cut short)"]
