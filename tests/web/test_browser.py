"""The map, area profile and SQL console in a real headless Chromium (Debian's), via Playwright.

Screenshots go to tests/artefacts/browser/."""

from __future__ import annotations

import shutil

import pytest
from conftest import ARTEFACTS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
SHOTS = ARTEFACTS / "browser"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1200, "height": 850})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.close()
    assert errors == [], errors


def areas(demo_dir, level: str) -> int:
    import pandas as pd

    out, _ = demo_dir
    table = pd.read_csv(out / "release" / "aggregates.csv")
    return table[table["level"] == level]["area_code"].nunique()


def test_hover_shows_the_area_tooltip_and_the_level_switches(server, page, demo_dir):
    page.goto(server + "/")
    page.wait_for_selector("path.area")
    assert page.locator("path.area").count() == areas(demo_dir, "lsoa")  # LSOAs first
    page.locator("path.area-E01900003").hover()
    tooltip = page.wait_for_selector(".leaflet-tooltip").inner_text()
    assert "Calderby" in tooltip and "E01900003" in tooltip and "households" in tooltip
    assert "per 1,000" in tooltip or "suppressed" in tooltip
    page.screenshot(path=SHOTS / "map-lsoa-tooltip.png")
    page.select_option("#level", "oa")
    page.wait_for_function(f"document.querySelectorAll('path.area').length === {areas(demo_dir, 'oa')}")
    page.select_option("#measure", "repair_jobs")
    assert "Housing repair jobs" in page.inner_text(".legend")
    page.screenshot(path=SHOTS / "map-oa-repairs.png")


def test_clicking_an_area_opens_its_profile(server, page):
    page.goto(server + "/")
    page.wait_for_selector("path.area")
    page.locator("path.area-E01900005").click()
    page.wait_for_url("**/area/E01900005")
    assert page.locator("#profile tr").count() == 9
    assert page.locator("svg").count() >= 1
    page.screenshot(path=SHOTS / "area-profile.png", full_page=True)


def run_sql(page, sql: str):
    page.fill("#sql", sql)
    page.click("#run")
    page.wait_for_selector("#rows, #error")


def test_the_sql_console_shows_rows(server, page):
    page.goto(server + "/sql")
    run_sql(page, "select level, count(*) as areas from aggregates where measure = 'cts_households' group by level order by level")
    assert page.locator("#rows tr").count() == 1 + 5
    assert "lsoa" in page.inner_text("#rows")
    page.screenshot(path=SHOTS / "sql-rows.png")


@pytest.mark.parametrize("sql,reason", [
    ("select * from read_csv('/etc/passwd')", "disabled"),
    ("ATTACH '/tmp/x.duckdb'", "ATTACH is not allowed"),
    ("COPY aggregates TO '/tmp/x.csv'", "COPY is not allowed"),
    ("INSTALL httpfs", "extensions is not allowed"),
    ("SET memory_limit = '10GB'", "SET is not allowed"),
    ("select 1; select 2", "one statement at a time"),
    ("select count(*) from range(1000000000000)", "limit"),
])
def test_the_sql_console_shows_each_refusal(server, page, sql, reason):
    page.goto(server + "/sql")
    run_sql(page, sql)
    assert reason in page.inner_text("#error")
    page.screenshot(path=SHOTS / f"sql-refused-{sql.split()[0].lower()}-{abs(hash(sql)) % 1000}.png")
