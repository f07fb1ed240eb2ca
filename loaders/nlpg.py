"""Shared by the NLPG-family loaders (AddressBase Premium, LLPG DTF 8.1): stage the record
types that make an address, then combine them into the canonical gazetteer in SQL.

A format supplies only its layouts and, per record type, which of its fields fill which
staging column. Staging, checks and the combination are the same for every format:
BLPU (the property: coordinates, parent, status) + LPI (its geographic address, on a
USRN) + street descriptor (the street's name and town) give one address per LPI; the
Royal Mail delivery point (DPA), where present, gives the postal form as a second
variant of the same UPRN. Both forms are kept so that matching can meet either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import checks
from .columns import repeated
from .context import Load
from .csvstream import Block
from .record_types import Layouts, read_records

Fields = Mapping[str, str]  # staging column -> the format's field name

STAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "blpu": ("uprn", "logical_status", "parent_uprn", "x", "y", "postcode", "classification", "organisation"),
    "lpi": ("uprn", "language", "logical_status", "sao_start_number", "sao_start_suffix", "sao_end_number",
            "sao_end_suffix", "sao_text", "pao_start_number", "pao_start_suffix", "pao_end_number",
            "pao_end_suffix", "pao_text", "usrn", "postcode", "post_town"),
    "street_descriptor": ("usrn", "name", "locality", "town", "admin_area", "language"),
    "street": ("usrn", "record_type", "state", "classification", "start_x", "start_y", "end_x", "end_y"),
    "dpa": ("uprn", "organisation", "department", "sub_building_name", "building_name", "building_number",
            "dependent_thoroughfare", "thoroughfare", "double_dependent_locality", "dependent_locality",
            "post_town", "postcode", "po_box"),
    "classification": ("uprn", "code", "scheme"),
    "organisation": ("uprn", "organisation"),
}

CHECKS: dict[str, Callable[[pa.Table], np.ndarray]] = {
    "blpu": lambda t: checks.first_problem(checks.whole_number(t["uprn"], "UPRN"),
                                           checks.whole_number(t["parent_uprn"], "parent UPRN", required=False),
                                           checks.grid_reference(t["x"], t["y"])),
    "lpi": lambda t: checks.first_problem(checks.whole_number(t["uprn"], "UPRN"),
                                          checks.whole_number(t["usrn"], "USRN")),
    "street_descriptor": lambda t: checks.first_problem(checks.whole_number(t["usrn"], "USRN"),
                                                        checks.not_blank(t["name"], "street name")),
    "street": lambda t: checks.first_problem(checks.whole_number(t["usrn"], "USRN"),
                                             checks.grid_reference(t["start_x"], t["start_y"], required=False),
                                             checks.grid_reference(t["end_x"], t["end_y"], required=False)),
    "dpa": lambda t: checks.whole_number(t["uprn"], "UPRN"),
    "classification": lambda t: checks.whole_number(t["uprn"], "UPRN"),
    "organisation": lambda t: checks.whole_number(t["uprn"], "UPRN"),
}


def staged(table: pa.Table, stage: str, fields: Fields) -> pa.Table:
    """A record type's rows renamed to a staging table's columns ('' where the format lacks one)."""
    blank = repeated("", table.num_rows)
    return pa.table({c: table[fields[c]] if c in fields else blank for c in STAGE_COLUMNS[stage]})


def load_records(paths: list[Path], run: Load, layouts: Layouts | Callable[[str], Layouts], stages: Mapping[str, tuple[str, Fields]],
                 source: str) -> None:
    """Stream every file's records into staging, then build `gazetteer_address` and `street`.

    `stages` maps a record identifier to (staging table, fields); other known record types
    are checked for shape and counted, not kept."""
    for path in paths:
        prepare = partial(checked_records, stages=stages, file=path)
        for blocks in read_records(path, layouts, prepare, on_bad_row=run.bad_row(path), on_bytes=run.on_bytes):
            for stage, rows, lines, reasons in blocks.values():
                run.take(path, lines, reasons)
                if stage:
                    run.append(f"_stage_{stage}", rows, staging=True)
    finish(run, source)


def checked_records(record: str, block: Block, *, stages: Mapping[str, tuple[str, Fields]],
                    file: Path) -> tuple[str | None, pa.Table | None, np.ndarray, np.ndarray]:
    """One record type's rows of a block as (stage or None, accepted rows ready to stage,
    line numbers, reasons); pure, so it runs on the parsing threads."""
    if record not in stages:
        return None, None, block.lines, np.full(len(block.lines), "", dtype=object)
    stage, fields = stages[record]
    rows = staged(block.table, stage, fields)
    reasons = CHECKS[stage](rows)
    keep = reasons == ""
    return stage, tagged(rows.filter(pa.array(keep)), file, block.lines[keep]), block.lines, reasons


def tagged(rows: pa.Table, file: Path | str, lines: np.ndarray) -> pa.Table:
    """Rows with the file and line each came from (to name it if it is rejected later)."""
    return rows.append_column("_file", repeated(str(file), rows.num_rows)).append_column("_line", pa.array(lines))


def stage_rows(run: Load, stage: str, rows: pa.Table, file: Path | str, lines: np.ndarray) -> None:
    """Append accepted rows to staging table `_stage_{stage}`, each tagged with its file and line."""
    run.append(f"_stage_{stage}", tagged(rows, file, lines), staging=True)


def finish(run: Load, source: str) -> None:
    """Build `gazetteer_address` and `street` from whatever the loader staged, rejecting
    records whose property is not in the load."""
    for stage in STAGE_COLUMNS:  # a format or file may lack a record type: stage it empty
        if not run.staged(f"_stage_{stage}"):
            empty = pa.table({c: pa.array([], pa.string()) for c in STAGE_COLUMNS[stage]})
            stage_rows(run, stage, empty, "", np.array([], np.int64))
    run.flush(final=True)
    _reject_orphans(run)
    build_gazetteer(run, source)
    run.drop_staging()


ORPHANS = {
    "lpi": "LPI for UPRN {} has no BLPU record in the load",
    "dpa": "delivery point for UPRN {} has no BLPU record in the load",
    "classification": "classification for UPRN {} has no BLPU record in the load",
    "organisation": "organisation for UPRN {} has no BLPU record in the load",
}


def _reject_orphans(run: Load) -> None:
    """Records whose property (BLPU) is absent or was rejected cannot form an address: reject
    them (the combining SQL joins every record to its BLPU, so they drop out of it)."""
    for stage, reason in ORPHANS.items():
        orphans = run.con.execute(f"""
            SELECT uprn, _file, _line FROM _stage_{stage} s
            WHERE NOT EXISTS (SELECT 1 FROM _stage_blpu b WHERE b.uprn = s.uprn)""").fetchall()
        for uprn, file, line in orphans:
            run.report.reject(file, line, reason.format(uprn))
        run.report.rows_loaded -= len(orphans)


def postal_building(sub_building_name: str, building_name: str, building_number: str) -> str:
    """SQL: a Royal Mail address's building part, 'FLAT 1 ROSE COURT 12' (blank parts left out)."""
    return f"concat_ws(' ', nullif({sub_building_name}, ''), nullif({building_name}, ''), nullif({building_number}, ''))"


def full_address(organisation: str, building: str, street: str, locality: str, town: str, postcode: str) -> str:
    """SQL: the one-line address every gazetteer source shows alike, upper case, blank parts left out."""
    parts = ", ".join(f"nullif({p}, '')" for p in (organisation, building, street, locality, town, postcode))
    return f"upper(concat_ws(', ', {parts}))"


STATUS = """CASE {} WHEN '1' THEN 'approved' WHEN '3' THEN 'alternative' WHEN '5' THEN 'candidate'
            WHEN '6' THEN 'provisional' WHEN '7' THEN 'rejected' WHEN '8' THEN 'historic' ELSE 'other' END"""


def build_gazetteer(run: Load, source: str) -> None:
    """Combine the staging tables into `gazetteer_address` (LPI and DPA variants) and `street`."""
    con = run.con
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW _descriptor AS
        SELECT CAST(usrn AS BIGINT) AS usrn, upper(language) AS language, name, locality, town
        FROM _stage_street_descriptor
        QUALIFY row_number() OVER (PARTITION BY CAST(usrn AS BIGINT), upper(language) ORDER BY _line DESC) = 1;

        CREATE OR REPLACE TABLE gazetteer_address AS
        WITH property AS MATERIALIZED (  -- computed once: both address forms join it
            SELECT CAST(b.uprn AS BIGINT) AS uprn, b.logical_status,
                   CAST(nullif(trim(b.parent_uprn), '') AS BIGINT) AS parent_uprn,
                   CAST(b.x AS DOUBLE) AS x, CAST(b.y AS DOUBLE) AS y, b.postcode,
                   coalesce(nullif(b.classification, ''), c.code, '') AS classification, nullif(b.organisation, '') AS organisation
            FROM _stage_blpu b
            LEFT JOIN (SELECT uprn, arg_max(code, _line) AS code FROM _stage_classification GROUP BY uprn) c
                   ON c.uprn = b.uprn
            QUALIFY row_number() OVER (PARTITION BY CAST(b.uprn AS BIGINT) ORDER BY b._line DESC) = 1),
        lpi AS (
            SELECT l.*, CAST(l.uprn AS BIGINT) AS uprn_id, CAST(l.usrn AS BIGINT) AS usrn_id
            FROM _stage_lpi l),
        geographic AS (
            SELECT p.uprn, p.parent_uprn, l.usrn_id AS usrn, p.organisation,
                   l.sao_text, TRY_CAST(l.sao_start_number AS INTEGER) AS sao_start_number, l.sao_start_suffix,
                   TRY_CAST(l.sao_end_number AS INTEGER) AS sao_end_number,
                   l.pao_text, TRY_CAST(l.pao_start_number AS INTEGER) AS pao_start_number, l.pao_start_suffix,
                   TRY_CAST(l.pao_end_number AS INTEGER) AS pao_end_number,
                   coalesce(d.name, e.name, '') AS street, coalesce(d.locality, e.locality, '') AS locality,
                   coalesce(nullif(l.post_town, ''), d.town, e.town, '') AS town,
                   coalesce(nullif(l.postcode, ''), p.postcode, '') AS postcode,
                   p.x, p.y, p.classification,
                   CASE WHEN p.logical_status = '8' THEN 'historic' ELSE {STATUS.format("l.logical_status")} END AS status,
                   'lpi' AS variant, upper(l.language) AS language,
                   concat_ws(' ', nullif(l.sao_text, ''),
                             nullif(concat(l.sao_start_number, l.sao_start_suffix,
                                           CASE WHEN l.sao_end_number <> '' THEN '-' || l.sao_end_number || l.sao_end_suffix END), ''),
                             nullif(l.pao_text, ''),
                             nullif(concat(l.pao_start_number, l.pao_start_suffix,
                                           CASE WHEN l.pao_end_number <> '' THEN '-' || l.pao_end_number || l.pao_end_suffix END), ''))
                       AS building
            FROM lpi l
            JOIN property p ON p.uprn = l.uprn_id
            LEFT JOIN _descriptor d ON d.usrn = l.usrn_id AND d.language = upper(l.language)
            LEFT JOIN _descriptor e ON e.usrn = l.usrn_id AND e.language = 'ENG'),
        postal AS (
            SELECT p.uprn, p.parent_uprn,
                   (SELECT any_value(l.usrn_id ORDER BY l.logical_status <> '1', l._line) FROM lpi l WHERE l.uprn_id = p.uprn) AS usrn,
                   d.sub_building_name AS sao_text, NULL::INTEGER AS sao_start_number, '' AS sao_start_suffix,
                   NULL::INTEGER AS sao_end_number,
                   d.building_name AS pao_text, TRY_CAST(d.building_number AS INTEGER) AS pao_start_number,
                   '' AS pao_start_suffix, NULL::INTEGER AS pao_end_number,
                   concat_ws(' ', nullif(d.dependent_thoroughfare, ''), nullif(d.thoroughfare, '')) AS street,
                   concat_ws(' ', nullif(d.double_dependent_locality, ''), nullif(d.dependent_locality, '')) AS locality,
                   d.post_town AS town, d.postcode, p.x, p.y, p.classification,
                   'postal' AS status, 'dpa' AS variant, 'ENG' AS language, d.organisation,
                   {postal_building("d.sub_building_name", "d.building_name", "d.building_number")} AS building
            FROM _stage_dpa d JOIN property p ON p.uprn = CAST(d.uprn AS BIGINT)),
        organisation AS (
            SELECT CAST(uprn AS BIGINT) AS uprn, arg_max(organisation, _line) AS organisation
            FROM _stage_organisation GROUP BY 1)
        SELECT a.uprn, coalesce(a.parent_uprn, 0) AS parent_uprn, coalesce(a.usrn, 0) AS usrn,
               coalesce(a.sao_text, '') AS sao_text, a.sao_start_number, coalesce(a.sao_start_suffix, '') AS sao_start_suffix,
               a.sao_end_number, coalesce(a.pao_text, '') AS pao_text, a.pao_start_number,
               coalesce(a.pao_start_suffix, '') AS pao_start_suffix, a.pao_end_number,
               a.street, a.locality, a.town, upper(a.postcode) AS postcode,
               {full_address("coalesce(nullif(a.organisation, ''), o.organisation)", "a.building", "a.street",
                             "a.locality", "a.town", "a.postcode")} AS full_address,
               a.x, a.y, a.classification, a.status, '{source}' AS source, a.variant, a.language
        FROM (SELECT * FROM geographic UNION ALL BY NAME SELECT * FROM postal) a
        LEFT JOIN organisation o ON o.uprn = a.uprn
        ORDER BY a.uprn, a.variant DESC, a.status <> 'approved';

        CREATE OR REPLACE TABLE street AS
        SELECT CAST(s.usrn AS BIGINT) AS usrn, coalesce(d.name, '') AS name, coalesce(d.locality, '') AS locality,
               coalesce(d.town, '') AS town, s.classification, s.record_type, s.state,
               TRY_CAST(s.start_x AS DOUBLE) AS start_x, TRY_CAST(s.start_y AS DOUBLE) AS start_y,
               TRY_CAST(s.end_x AS DOUBLE) AS end_x, TRY_CAST(s.end_y AS DOUBLE) AS end_y, '{source}' AS source
        FROM _stage_street s LEFT JOIN _descriptor d ON d.usrn = CAST(s.usrn AS BIGINT) AND d.language = 'ENG'
        QUALIFY row_number() OVER (PARTITION BY CAST(s.usrn AS BIGINT) ORDER BY s._line DESC) = 1;
    """)
    for table in ("gazetteer_address", "street"):
        run.report.wrote(table, con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    con.execute("DROP VIEW IF EXISTS _descriptor")
