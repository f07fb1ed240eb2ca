"""AddressBase Plus and AddressBase Core CSV (one file or a folder of tiles) into the canonical gazetteer.

Plus has one row per UPRN holding the council's geographic address (SAO / PAO on a
USRN's street, and its Welsh or Gaelic form) and, where matched, Royal Mail's postal
address. Each row is split into the NLPG family's record types and combined by
`nlpg.finish`, so Plus and Premium give the same gazetteer. Core has one ready-made
address per UPRN (Royal Mail's where matched, else the council's), loaded as that UPRN's
approved row. OS supplies Plus without a header row (the edition is told by field
count); Core, and a Plus file given its header, are recognised by column names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geolink.errors import GeolinkError

from . import nlpg
from .checks import first_problem, whole_number
from .columns import repeated, resolve, squash
from .context import Load
from .csvstream import Dialect, read_blocks, sniff
from .files import input_files
from .lookup import first_row

KINDS = ("addressbase-plus", "addressbase-core")

# Field order of the AddressBase Plus Technical Specification (CSV; OS supplies the header separately).
PLUS_FIELDS = (
    "UPRN", "UDPRN", "CHANGE_TYPE", "STATE", "STATE_DATE", "CLASS", "PARENT_UPRN", "X_COORDINATE", "Y_COORDINATE",
    "LATITUDE", "LONGITUDE", "RPC", "LOCAL_CUSTODIAN_CODE", "COUNTRY", "LA_START_DATE", "LAST_UPDATE_DATE",
    "ENTRY_DATE", "RM_ORGANISATION_NAME", "LA_ORGANISATION", "DEPARTMENT_NAME", "LEGAL_NAME", "SUB_BUILDING_NAME",
    "BUILDING_NAME", "BUILDING_NUMBER", "SAO_START_NUMBER", "SAO_START_SUFFIX", "SAO_END_NUMBER", "SAO_END_SUFFIX",
    "SAO_TEXT", "ALT_LANGUAGE_SAO_TEXT", "PAO_START_NUMBER", "PAO_START_SUFFIX", "PAO_END_NUMBER", "PAO_END_SUFFIX",
    "PAO_TEXT", "ALT_LANGUAGE_PAO_TEXT", "USRN", "USRN_MATCH_INDICATOR", "AREA_NAME", "LEVEL", "OFFICIAL_FLAG",
    "OS_ADDRESS_TOID", "OS_ADDRESS_TOID_VERSION", "OS_ROADLINK_TOID", "OS_ROADLINK_TOID_VERSION", "OS_TOPO_TOID",
    "OS_TOPO_TOID_VERSION", "VOA_CT_RECORD", "VOA_NDR_RECORD", "STREET_DESCRIPTION", "ALT_LANGUAGE_STREET_DESCRIPTION",
    "DEPENDENT_THOROUGHFARE", "THOROUGHFARE", "WELSH_DEPENDENT_THOROUGHFARE", "WELSH_THOROUGHFARE",
    "DOUBLE_DEPENDENT_LOCALITY", "DEPENDENT_LOCALITY", "LOCALITY", "WELSH_DEPENDENT_LOCALITY",
    "WELSH_DOUBLE_DEPENDENT_LOCALITY", "TOWN_NAME", "ADMINISTRATIVE_AREA", "POST_TOWN", "WELSH_POST_TOWN", "POSTCODE",
    "POSTCODE_LOCATOR", "POSTCODE_TYPE", "DELIVERY_POINT_SUFFIX", "ADDRESSBASE_POSTAL", "PO_BOX_NUMBER", "WARD_CODE",
    "PARISH_CODE", "RM_START_DATE", "MULTI_OCC_COUNT", "VOA_NDR_P_DESC_CODE", "VOA_NDR_SCAT_CODE", "ALT_LANGUAGE")
EDITIONS = {len(PLUS_FIELDS): PLUS_FIELDS}  # field count -> fields of a headerless Plus file

_SHARED = {"uprn": ["uprn"], "parent_uprn": ["parent_uprn"], "udprn": ["udprn"], "usrn": ["usrn"],
           "sub_building_name": ["sub_building_name", "sub_building"], "building_name": ["building_name"],
           "building_number": ["building_number"], "locality": ["locality"], "town": ["town_name"],
           "post_town": ["post_town"], "postcode": ["postcode"]}
# role -> aliases (regular expressions, as columns.resolve takes them); the Plus roles that
# fill NLPG staging columns carry those columns' names
PLUS_ALIASES = {**_SHARED, "x": ["x_coordinate"], "y": ["y_coordinate"], "classification": ["class"],
                **{f"{part}_{field}": [f"{part}_{field}"] for part in ("sao", "pao")
                   for field in ("start_number", "start_suffix", "end_number", "end_suffix", "text")},
                "alt_sao_text": ["alt_language_sao_text"], "alt_pao_text": ["alt_language_pao_text"],
                "street": ["street_description"], "alt_street": ["alt_language_street_descript(ion|or)"],
                "admin_area": ["administrative_area"], "postcode_locator": ["postcode_locator"],
                "alt_language": ["alt_language"], "la_organisation": ["la_organisation"],
                "organisation": ["rm_organisation_name"], "department": ["department_name"],
                "dependent_thoroughfare": ["dep(endent)?_thoroughfare"], "thoroughfare": ["thoroughfare"],
                "double_dependent_locality": ["dou(ble)?_dep(endent)?_locality"],
                "dependent_locality": ["dep(endent)?_locality"], "po_box": ["po_box_number"]}
CORE_ALIASES = {**_SHARED, "x": ["easting"], "y": ["northing"], "classification": ["classification_code"],
                "organisation": ["organisation"], "street": ["street_name"]}

# NLPG staging column -> Plus role, per staging table ('' where Plus has no such field)
_BLPU = {"uprn": "uprn", "logical_status": "approved", "parent_uprn": "parent_uprn", "x": "x", "y": "y",
         "postcode": "postcode_locator", "classification": "classification"}
_LPI = {c: c for c in nlpg.STAGE_COLUMNS["lpi"] if c not in ("logical_status", "postcode", "post_town")} \
    | {"logical_status": "approved"}
_DESCRIPTOR = {"usrn": "usrn", "name": "street", "locality": "locality", "town": "town", "admin_area": "admin_area",
               "language": "language"}
_DPA = {c: c for c in nlpg.STAGE_COLUMNS["dpa"]}
_ORGANISATION = {"uprn": "uprn", "organisation": "la_organisation"}
_POSTAL = ("udprn", *nlpg.STAGE_COLUMNS["dpa"][1:])  # a row has a Royal Mail address when one of these is given


@dataclass(frozen=True, eq=False)
class Product:
    """An AddressBase product: how to recognise its columns and where its accepted rows go."""

    name: str
    label: str
    aliases: Mapping[str, list[str]]
    required: tuple[str, ...]
    usrn_required: bool
    stage: Callable[[Load, pa.Table, Path, np.ndarray], None]
    finish: Callable[[Load, str], None]


def load(paths: list[Path], run: Load, kind: str = "addressbase-plus") -> None:
    """Stream AddressBase Plus or Core files (or folders of tiles) into `gazetteer_address` and `street`.

    `kind` names what the caller expects; the files' own layout decides how they load."""
    if kind not in KINDS:
        raise GeolinkError(f"unknown AddressBase kind {kind!r} (use one of {', '.join(KINDS)})")
    files = [(f, *detect(f)) for p in paths for f in input_files(p, (".csv",))]
    products = {product for _, product, _, _ in files}
    if len(products) != 1:
        raise GeolinkError("no files to load" if not products else
                           "the files mix AddressBase Plus and AddressBase Core: load each product on its own")
    (product,) = products
    layouts = (" with a header row" if dialect.header else f", {len(names)} fields, no header row"
               for _, _, dialect, names in files)
    run.report.notes.extend(f"read as {product.label}{layout}" for layout in dict.fromkeys(layouts))
    for path, _, dialect, names in files:
        columns = resolve(names, product.aliases, product.required, path)
        for block in read_blocks(path, dialect, columns=names, on_bad_row=run.bad_row(path), on_bytes=run.on_bytes):
            rows = by_role(block.table, columns, product.aliases)
            keep = run.take(path, block.lines, problems(rows, product.usrn_required))
            product.stage(run, rows.filter(pa.array(keep)), path, block.lines[keep])
    product.finish(run, product.name)


def detect(path: Path) -> tuple[Product, Dialect, list[str]]:
    """The product in `path`, how it is written, and its field names: the header's, or for a
    headerless file those of the Plus edition with its field count."""
    delimiter = sniff(path, header=False).delimiter
    first = first_row(path, delimiter)
    if "uprn" not in {squash(f) for f in first}:
        if len(first) not in EDITIONS:
            raise GeolinkError(f"{path}: the first row is not a header and has {len(first)} fields, which is no "
                               f"known AddressBase Plus edition ({', '.join(map(str, EDITIONS))} fields); "
                               "add the header row OS supplies with the data")
        return PLUS, Dialect(delimiter, None), list(EDITIONS[len(first)])
    dialect = sniff(path)
    for product in (PLUS, CORE):
        if set(product.required) <= resolve(dialect.header, product.aliases).keys():
            return product, dialect, dialect.header
    raise GeolinkError(f"{path}: the header has neither the AddressBase Plus columns ({_named(PLUS)}) nor the "
                       f"AddressBase Core columns ({_named(CORE)}); the header row is: "
                       f"{', '.join(dialect.header)[:300]}")


def _named(product: Product) -> str:
    return ", ".join(product.aliases[role][0].upper() for role in product.required)


def by_role(table: pa.Table, columns: Mapping[str, str], aliases: Mapping[str, list[str]]) -> pa.Table:
    """A block's columns renamed to their roles ('' for a role the file lacks)."""
    blank = repeated("", table.num_rows)
    return pa.table({role: table[columns[role]] if role in columns else blank for role in aliases})


def problems(rows: pa.Table, usrn_required: bool) -> np.ndarray:
    """Per row, why it cannot load ('' when it can): the property checks of a BLPU, and the USRN."""
    return first_problem(nlpg.CHECKS["blpu"](rows), whole_number(rows["usrn"], "USRN", required=usrn_required))


def stage_plus(run: Load, rows: pa.Table, path: Path, lines: np.ndarray) -> None:
    """Split accepted Plus rows into the NLPG staging tables: property, LPIs in English and
    in Welsh or Gaelic, street, street descriptors, delivery point and organisation."""
    for role, value in (("approved", "1"), ("language", "ENG")):
        rows = rows.append_column(role, repeated(value, rows.num_rows))
    other, given = alternative_language(rows)
    lpis, lpi_lines = pa.concat_tables([rows, other]), np.concatenate([lines, lines[given]])
    streets, descriptors = first_rows(rows, ["usrn"]), first_rows(lpis, list(_DESCRIPTOR.values()))
    postal, organised = any_given(rows, _POSTAL), any_given(rows, ("la_organisation",))
    for stage, staged, tagged in (
            ("blpu", nlpg.staged(rows, "blpu", _BLPU), lines),
            ("lpi", nlpg.staged(lpis, "lpi", _LPI), lpi_lines),
            ("street", _streets(rows["usrn"].take(streets)), lines[streets]),
            ("street_descriptor", nlpg.staged(lpis.take(descriptors), "street_descriptor", _DESCRIPTOR),
             lpi_lines[descriptors]),
            ("dpa", nlpg.staged(rows.filter(pa.array(postal)), "dpa", _DPA), lines[postal]),
            ("organisation", nlpg.staged(rows.filter(pa.array(organised)), "organisation", _ORGANISATION),
             lines[organised])):
        nlpg.stage_rows(run, stage, staged, path, tagged)


def alternative_language(rows: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """The Welsh or Gaelic form of the rows that give one, as rows in that language (its
    SAO, PAO and street text where given, else the English); and which rows give one."""
    given = any_given(rows, ("alt_sao_text", "alt_pao_text", "alt_street")) & any_given(rows, ("alt_language",))
    other = rows.filter(pa.array(given))
    for part in ("sao_text", "pao_text", "street", "language"):
        alt = pc.utf8_upper(other["alt_language"]) if part == "language" else other[f"alt_{part}"]
        other = other.set_column(other.schema.get_field_index(part), part,
                                 pc.if_else(pc.equal(alt, ""), other[part], alt))
    return other, given


def any_given(rows: pa.Table, roles: tuple[str, ...]) -> np.ndarray:
    """Rows where at least one of `roles` is not blank."""
    given = [pc.not_equal(pc.utf8_trim_whitespace(rows[role]), "").to_numpy(zero_copy_only=False) for role in roles]
    return np.logical_or.reduce(given).astype(bool)


def first_rows(rows: pa.Table, keys: list[str]) -> np.ndarray:
    """Positions of the first row of each distinct value of `keys`: what repeats on every
    address of a street is staged once per block."""
    numbered = rows.select(keys).append_column("_row", pa.array(np.arange(rows.num_rows)))
    return np.sort(numbered.group_by(keys, use_threads=False).aggregate([("_row", "min")])["_row_min"].to_numpy())


def _streets(usrns: pa.Array) -> pa.Table:
    """Street records for the USRNs of a block: Plus gives no street type, state, class or ends."""
    unknown = pa.nulls(len(usrns), pa.string())
    return pa.table({c: usrns if c == "usrn" else unknown for c in nlpg.STAGE_COLUMNS["street"]})


def stage_core(run: Load, rows: pa.Table, path: Path, lines: np.ndarray) -> None:
    """Stage accepted Core rows as they are (one address per UPRN)."""
    nlpg.stage_rows(run, "core", rows, path, lines)


def finish_core(run: Load, source: str) -> None:
    """Core's staged rows as `gazetteer_address` (one approved row per UPRN, the last given)
    and `street` (each USRN's most common street name, locality and town)."""
    run.flush(final=True)
    building = nlpg.postal_building("sub_building_name", "building_name", "building_number")
    run.con.execute(f"""
        CREATE OR REPLACE TABLE gazetteer_address AS
        WITH core AS (
            SELECT *, coalesce(nullif(post_town, ''), town) AS place FROM _stage_core
            QUALIFY row_number() OVER (PARTITION BY CAST(uprn AS BIGINT) ORDER BY _line DESC) = 1)
        SELECT CAST(uprn AS BIGINT) AS uprn, coalesce(CAST(nullif(trim(parent_uprn), '') AS BIGINT), 0) AS parent_uprn,
               coalesce(CAST(nullif(trim(usrn), '') AS BIGINT), 0) AS usrn,
               sub_building_name AS sao_text, NULL::INTEGER AS sao_start_number, '' AS sao_start_suffix,
               NULL::INTEGER AS sao_end_number, building_name AS pao_text,
               TRY_CAST(building_number AS INTEGER) AS pao_start_number, '' AS pao_start_suffix,
               NULL::INTEGER AS pao_end_number, street, locality, place AS town, upper(postcode) AS postcode,
               {nlpg.full_address("organisation", building, "street", "locality", "place", "postcode")} AS full_address,
               CAST(x AS DOUBLE) AS x, CAST(y AS DOUBLE) AS y, classification, 'approved' AS status,
               '{source}' AS source, CASE WHEN trim(udprn) <> '' THEN 'dpa' ELSE 'lpi' END AS variant,
               'ENG' AS language
        FROM core ORDER BY 1;

        CREATE OR REPLACE TABLE street AS
        SELECT usrn, mode(street) AS name, mode(locality) AS locality, mode(town) AS town,
               NULL::VARCHAR AS classification, NULL::VARCHAR AS record_type, NULL::VARCHAR AS state,
               NULL::DOUBLE AS start_x, NULL::DOUBLE AS start_y, NULL::DOUBLE AS end_x, NULL::DOUBLE AS end_y,
               '{source}' AS source
        FROM gazetteer_address WHERE usrn <> 0 GROUP BY usrn ORDER BY usrn;
    """)
    run.drop_staging()
    for table in ("gazetteer_address", "street"):
        run.report.wrote(table, run.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


PLUS = Product("addressbase-plus", "AddressBase Plus", PLUS_ALIASES,
               ("uprn", "x", "y", "usrn", "sao_text", "pao_text", "street"), True, stage_plus, nlpg.finish)
CORE = Product("addressbase-core", "AddressBase Core", CORE_ALIASES, ("uprn", "x", "y", "street"), False,
               stage_core, finish_core)
