"""The FastAPI app behind `geolink serve`: it reads a release folder and never a workspace."""

from __future__ import annotations

from pathlib import Path

import duckdb
from fastapi import Body, FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from geolink.maps import read_release
from geolink.maps.interactive import map_page
from . import pages
from .sql import ROW_CAP, TIME_LIMIT_S, QueryRefused, run_query

EXAMPLE_SQL = ("SELECT area_code, area_name, value, rate\nFROM lsoa\nWHERE measure = '{measure}' AND value IS NOT NULL\n"
               "ORDER BY rate DESC\nLIMIT 10")


def create_app(release_dir: Path, *, tile_url: str | None = None, time_limit: float = TIME_LIMIT_S,
               row_cap: int = ROW_CAP) -> FastAPI:
    """Build the read-only app for one release folder."""
    release = read_release(release_dir)
    database = Path(release_dir) / "aggregates.duckdb"
    table = release.aggregates.drop(columns="geometry")
    with duckdb.connect(str(database), read_only=True) as con:
        areas = con.execute("SELECT level, code, name, parent_code FROM areas").df()
    measures = {m: {"description": release.describe(m), "unit": release.unit(m)} for m in release.measures}
    home = map_page(release, served=True, tile_url=tile_url)
    app = FastAPI(title="geolink", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return home

    @app.get("/area/{code}", response_class=HTMLResponse)
    def area(code: str, measure: str | None = None) -> str:
        rows = table[table["area_code"] == code]
        if rows.empty:
            raise HTTPException(404, f"no area {code} in this release")
        first = rows.iloc[0]
        shown = rows[rows["rate"].notna()]["measure"].sort_values()
        chosen = measure if measure in measures else (shown.iloc[0] if len(shown) else release.measures[0])
        whole = table[table["level"] == "lad"]
        parent_code = areas[(areas["level"] == first["level"]) & (areas["code"] == code)]["parent_code"]
        parent_code = parent_code.iloc[0] if len(parent_code) else None
        parent = table[table["area_code"] == parent_code] if parent_code else None
        parent_name = f"{parent.iloc[0]['level'].upper()} {parent.iloc[0]['area_name']}" if parent is not None and len(parent) else None
        whole_rate = whole[whole["measure"] == chosen]["rate"]
        level_rows = table[(table["level"] == first["level"]) & (table["measure"] == chosen)]
        svg = pages.funnel_svg(level_rows, code, float(whole_rate.iloc[0]) if len(whole_rate) and whole_rate.notna().all() else None,
                               measures[chosen]["unit"], f"{measures[chosen]['description']}, by {first['level'].upper()}")
        return pages.profile_page(first, rows, whole, parent, parent_name, measures, svg, release.policy_note())

    def _chosen(level: str | None, measure: str | None):
        level = level if level in release.levels else ("lsoa" if "lsoa" in release.levels else release.levels[0])
        measure = measure if measure in measures else release.measures[0]
        return level, measure, table[(table["level"] == level) & (table["measure"] == measure)]

    @app.get("/table", response_class=HTMLResponse)
    def table_view(level: str | None = None, measure: str | None = None) -> str:
        level, measure, rows = _chosen(level, measure)
        return pages.table_page(rows, release.levels, measures, level, measure)

    @app.get("/table.csv", response_class=PlainTextResponse)
    def table_csv(level: str | None = None, measure: str | None = None) -> PlainTextResponse:
        level, measure, rows = _chosen(level, measure)
        return PlainTextResponse(rows.to_csv(index=False), media_type="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{measure}_{level}.csv"'})

    @app.get("/sql", response_class=HTMLResponse)
    def sql_console() -> str:
        return pages.sql_page(EXAMPLE_SQL.format(measure=release.measures[0]), time_limit, row_cap)

    @app.post("/api/sql")
    def api_sql(payload: dict = Body(...)) -> JSONResponse:
        sql = payload.get("sql") if isinstance(payload, dict) else None
        if not isinstance(sql, str):
            return JSONResponse({"error": 'send JSON {"sql": "..."}'}, status_code=400)
        try:
            answer = run_query(database, sql, time_limit, row_cap)
        except QueryRefused as refused:
            return JSONResponse({"error": str(refused)}, status_code=400)
        return JSONResponse({"columns": answer.columns, "rows": answer.rows, "truncated": answer.truncated})

    return app
