"""`geolink serve` over HTTP: the pages answer, and the SQL API refuses everything but reading."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post_sql(url: str, sql) -> tuple[int, dict]:
    request = urllib.request.Request(url + "/api/sql", data=json.dumps({"sql": sql}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_home_page_is_the_offline_map(server):
    status, html = get(server + "/")
    assert status == 200 and "L.geoJSON" in html and 'id="level"' in html and 'id="measure"' in html
    assert "<script src=" not in html and "<link " not in html


def test_a_count_query_answers_one_row(server):
    status, answer = post_sql(server, "select count(*) from aggregates")
    assert status == 200 and answer["columns"] == ["count_star()"] and len(answer["rows"]) == 1
    assert answer["rows"][0][0] > 1000


@pytest.mark.parametrize("sql,reason", [
    ("select * from read_csv('/etc/passwd')", "disabled"),
    ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH is not allowed"),
    ("COPY aggregates TO '/tmp/out.csv'", "COPY is not allowed"),
    ("INSTALL spatial", "extensions is not allowed"),
    ("SET threads = 8", "SET is not allowed"),
    ("select 1; select 2", "one statement at a time"),
    ("DROP TABLE aggregates", "only SELECT"),
    ("select * from glob('/etc/*')", "disabled"),
    ("", "empty"),
])
def test_forbidden_queries_are_refused_with_a_reason(server, sql, reason):
    status, answer = post_sql(server, sql)
    assert status == 400 and reason in answer["error"]


def test_a_query_that_would_run_for_minutes_is_stopped(server):
    started = time.monotonic()
    status, answer = post_sql(server, "select count(*) from range(1000000000000) a")
    assert status == 400 and "limit" in answer["error"]
    assert time.monotonic() - started < 30


def test_a_malformed_request_is_a_400(server):
    status, answer = post_sql(server, 42)
    assert status == 400 and "sql" in answer["error"]


def test_rows_are_capped(server):
    status, answer = post_sql(server, "select * from range(100000)")
    assert status == 200 and len(answer["rows"]) == 5_000 and answer["truncated"] is True


def test_an_area_profile_shows_every_measure_against_the_town_and_parent(server):
    status, html = get(server + "/area/E01900001")
    assert status == 200 and "Calderby" in html and "<svg" in html
    assert "whole town" in html and "MSOA" in html
    assert html.count("<tr>") == 1 + 8
    assert get(server + "/area/NOPE")[0] == 404


def test_the_table_page_and_its_csv(server):
    status, html = get(server + "/table?level=msoa&measure=cts_households")
    assert status == 200 and html.count('href="/area/E029') == 5
    status, csv = get(server + "/table.csv?level=msoa&measure=cts_households")
    lines = csv.strip().splitlines()
    assert status == 200 and lines[0].startswith("level,area_code,area_name,measure,value") and len(lines) == 6
