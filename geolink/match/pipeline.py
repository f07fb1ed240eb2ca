"""Match a table of messy records to a prepared reference: parse, candidates, score, decide.

Records written word for word as one reference row are first linked by a join (`exact`);
only the others are parsed and compared.

Work runs in batches of records (a partition), so memory stays bounded and the same
batch function can run inside a distributed engine. Every input row comes out exactly
once: matched, in review, unmatched, or rejected with its reason.
"""

from __future__ import annotations

import os
import time
from functools import partial
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geolink.address import normalise_postcode, parse_addresses
from geolink.address.normalise import Normalised, normalise_tokens
from geolink.parallel import Helpers
from geolink.streets import (DEFAULT_TOLERANCE_M, StreetIndex, is_street_report, names_street_alone,
                             reference_street_index)
from geolink.streets.index import reference_addresses
from geolink.spark import check_engine, map_row_batches
from geolink.streets.link import (LINK_TYPES, MATCH_TYPES, POINT_TYPES, REVIEWED, AddressPoints, Linkage,
                                  link_rows)
from geolink.gazetteer.prepare import PreparedReference, prepare_reference
from . import elements, mend
from .candidates import candidate_pairs
from .compare import LEVEL_PREFIX, LEVELS, compare, levels_of
from .decide import decide
from .exact import exact_pairs
from .model import Model, load_model

MAX_ADDRESS_LENGTH = 1_000
BATCH_SIZE = 25_000
SHARES_PER_WORKER = 4  # batches a worker takes, so that no worker waits long on the last
MIN_SHARED_BATCH = 5_000  # below this, a helper costs more to start (and to wait for at exit) than it saves
REVIEW_CANDIDATES = 3
OUTPUT_COLUMNS = tuple(MATCH_TYPES)  # uprn, usrn, score, band, runner_up_uprn, margin, method, explanation
BANDS = ("exact", "high", "review", "parent", "street", "unmatched", "rejected")
CONFIDENT = ("exact", "high")  # the bands that link a record; `parent` answers only its building
LINK_COLUMNS = (*LINK_TYPES, *POINT_TYPES)  # after OUTPUT_COLUMNS; point columns only with coordinates
DECISION_COLUMNS = ("uprn", "usrn", "score", "band", "runner_up_uprn", "margin", "best_row", "explanation")
# The fields of the top candidates kept for review, and their types.
CANDIDATE_FIELDS = {"pos": np.int64, "uprn": np.int64, "full_address": object, "score": float, "explanation": object}


@dataclass
class MatchResult:
    """Output rows (input columns + match columns), the review queue and the run report."""

    output: pd.DataFrame
    review: pd.DataFrame
    report: dict = field(default_factory=dict)


def record_text(frame: pd.DataFrame, address_columns: Sequence[str]) -> pd.Series:
    """Several address columns joined into one line, blanks skipped (in Arrow: a national
    file's string work is then not a Python loop)."""
    parts = frame[list(address_columns)].astype("string[pyarrow]")
    joined = parts.iloc[:, 0].str.strip()
    for column in parts.columns[1:]:
        joined = joined.str.cat(parts[column].str.strip(), sep=", ")
    return joined.str.replace(r"(,\s*)+", ", ", regex=True).str.strip(", ").astype(object)


def rejection_reasons(ids: pd.Series, text: pd.Series, postcode: pd.Series,
                      has_point: np.ndarray | None = None) -> pd.Series:
    """Why each row cannot be matched ('' when it can): blank (and no point), too long,
    missing or repeated id."""
    reason = pd.Series("", index=ids.index, dtype=object)
    duplicate = ids.duplicated(keep="first")
    if duplicate.any():
        first_row = pd.Series(np.arange(len(ids)) + 2, index=ids.index).groupby(ids).transform("min")
        reason[duplicate] = "duplicate id (first seen on row " + first_row[duplicate].astype(str) + ")"
    reason[(text.str.len() > MAX_ADDRESS_LENGTH)] = f"address longer than {MAX_ADDRESS_LENGTH:,} characters"
    blank = (text == "") & (postcode == "")
    if has_point is not None:
        blank &= ~has_point
    reason[blank] = "blank address" if has_point is None else "blank address and no coordinates"
    reason[ids.str.strip() == ""] = "missing id"
    return reason


def match_table(
    frame: pd.DataFrame,
    ref: PreparedReference,
    *,
    id_column: str,
    address_columns: Sequence[str],
    postcode_column: str | None = None,
    model: Model | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    points: tuple[np.ndarray, np.ndarray] | None = None,
    streets: StreetIndex | None = None,
    street_layer: pd.DataFrame | None = None,
    tolerance: float = DEFAULT_TOLERANCE_M,
    engine: str = "duckdb",
    helpers: Helpers | None = None,
) -> MatchResult:
    """Match every row of `frame` (all strings); columns must have been checked by the caller.

    With `workers` > 1, batches run in this process and `workers` - 1 helpers (`helpers`
    when the caller started them early, else spawned here: the caller's main module must
    be import-safe, as a console script is), each opening the prepared reference
    read-only. With `engine` "spark" they run on the active Spark session's executors
    instead (`geolink.match.spark`); the results are the same.

    `streets` is the street index for street linkage; without it, one is built from the
    reference (and `street_layer`) while the helpers work on their first batches.
    """
    check_engine(engine)
    started = time.perf_counter()
    model = model or load_model()
    frame = frame.reset_index(drop=True)
    text = record_text(frame, address_columns)
    postcode = frame[postcode_column].astype(str).str.strip() if postcode_column else pd.Series("", index=frame.index)
    x, y = (np.asarray(p, float) for p in points) if points else (np.full(len(frame), np.nan),) * 2
    reasons = rejection_reasons(frame[id_column].astype(str), text, postcode,
                                np.isfinite(x) & np.isfinite(y) if points else None)
    accepted = np.flatnonzero(reasons.to_numpy() == "")
    if progress and len(accepted) < len(frame):
        progress(len(frame) - len(accepted))
    # A record written again (a household's many services, a firm's many filings) is
    # matched once: only the first of each text and postcode goes into a batch.
    firsts, which = _first_of_each(text, postcode, accepted)
    first_of, copies = firsts[which], np.bincount(which, minlength=len(firsts))

    batches = _batches(firsts, batch_size, workers)
    jobs = [(text.iloc[rows].tolist(), postcode.iloc[rows].tolist()) for rows in batches]
    decisions, reviews = [], []
    street_only = np.zeros(len(frame), dtype=bool)
    for rows, (d, r, about_street) in zip(batches, _run_batches(jobs, ref, model, workers, engine, helpers)):
        if streets is None:
            streets = reference_street_index(ref.con, street_layer)
        d.index = rows[d.index.to_numpy()] if len(d) else d.index
        r["row"] = rows[r["pos"].to_numpy()] if len(r) else []
        street_only[rows] = about_street
        decisions.append(d)
        reviews.append(r if points else _reviewable(r, d, street_only))
        if progress:
            progress(int(copies[np.searchsorted(firsts, rows)].sum()))
    street_only[accepted] = street_only[first_of]

    output = _assemble(frame, reasons, _for_each_copy(decisions, accepted, first_of))
    linkage = Linkage(streets if streets is not None else reference_street_index(ref.con, street_layer),
                      AddressPoints.from_frame(reference_addresses(ref.con)) if points else None, tolerance)
    rows = output[list(OUTPUT_COLUMNS)].assign(text=text, postcode=postcode, street_only=street_only, x=x, y=y)
    linked = map_row_batches(rows, link_rows, linkage.columns(), linkage, engine=engine)
    output = pd.concat([output.drop(columns=list(OUTPUT_COLUMNS)), linked], axis=1)
    output = output[[c for c in frame.columns if c not in OUTPUT_COLUMNS] + list(OUTPUT_COLUMNS)
                    + [c for c in LINK_COLUMNS if c in output]]
    review = _review_table(text, id_column, output, _for_each_copy(reviews, accepted, first_of, "row"))
    report = _report(output, reasons, ref, len(firsts), time.perf_counter() - started)
    return MatchResult(output=output, review=review, report=report)


def _first_of_each(text: pd.Series, postcode: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first of `rows` with each text and postcode (ascending), and for each of `rows`
    the position of its first in that list."""
    if not len(rows):
        return rows, rows
    text_codes, _ = pd.factorize(text.to_numpy()[rows])
    postcode_codes, postcodes = pd.factorize(postcode.to_numpy()[rows])
    codes, _ = pd.factorize(text_codes.astype(np.int64) * (len(postcodes) + 1) + postcode_codes)
    return rows[np.unique(codes, return_index=True)[1]], codes  # factorize numbers codes in order of appearance


def _for_each_copy(frames: list[pd.DataFrame], rows: np.ndarray, first_of: np.ndarray,
                   column: str | None = None) -> list[pd.DataFrame]:
    """`frames`, whose rows belong to the first row of each text (in `column`, or the
    index), given to each of `rows` that is written as that first: row `rows[i]` gets the
    rows of `first_of[i]`, in their order."""
    if not frames or np.array_equal(first_of, rows):  # no row repeats another
        return frames
    table = pd.concat(frames)
    owners = table[column].to_numpy(dtype=np.int64) if column else table.index.to_numpy(dtype=np.int64)
    order = np.argsort(owners, kind="stable")
    start = np.searchsorted(owners[order], first_of, "left")
    count = np.searchsorted(owners[order], first_of, "right") - start
    within = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    copied = table.iloc[order[np.repeat(start, count) + within]]
    owner = np.repeat(rows, count)
    return [copied.assign(**{column: owner}) if column else copied.set_axis(pd.Index(owner, name=table.index.name))]


def _batches(rows: np.ndarray, batch_size: int, workers: int) -> list[np.ndarray]:
    """`rows` cut into batches of at most `batch_size`, equal in size; with several
    workers, at least SHARES_PER_WORKER a worker (of MIN_SHARED_BATCH rows or more), so
    that the processes finish close together. Rows that fit in one batch a worker are cut
    into one a worker: every batch pays for scans of the prepared tables and the fixed
    cost of its steps (~0.1 s), which at a few thousand rows a batch cost more than the
    processes' uneven ends (Merthyr's 27,273 records: 5 batches -> 2, 8-16% less wall)."""
    count = -(-len(rows) // batch_size)
    if workers > 1:
        shares = 1 if len(rows) <= batch_size * workers else SHARES_PER_WORKER
        count = max(count, min(shares * workers, len(rows) // MIN_SHARED_BATCH))
    return [part for part in np.array_split(rows, max(count, 1)) if len(part)]


def _run_batches(jobs, ref: PreparedReference, model: Model, workers: int, engine: str = "duckdb",
                 helpers: Helpers | None = None):
    """Results of every batch, in order: inline, shared with helper processes, or on Spark."""
    if engine == "spark" and jobs:
        from .spark import run_batches
        yield from run_batches(jobs, ref.path, model)
        return
    here = partial(_match_job, ref=ref, model=model)
    if min(workers, len(jobs)) <= 1:
        yield from map(here, jobs)
        return
    threads = max(1, (os.cpu_count() or 1) // workers)
    there = partial(_match_in_worker, path=str(ref.path), threads=threads, model=model)
    if helpers is not None:
        yield from helpers.map(here, there, jobs)
        return
    with Helpers(workers - 1) as own:
        yield from own.map(here, there, jobs)


_WORKER_REFERENCES: dict[str, PreparedReference] = {}


def worker_reference(path: str, threads: int) -> PreparedReference:
    """The prepared reference at `path`, opened once in each worker process, its DuckDB
    using `threads` of the cores the workers share."""
    if path not in _WORKER_REFERENCES:
        ref = _WORKER_REFERENCES[path] = prepare_reference(Path(path))
        ref.con.execute(f"SET threads = {threads}")
    return _WORKER_REFERENCES[path]


def _match_job(job, ref: PreparedReference, model: Model):
    texts, postcodes = job
    return match_batch(texts, postcodes, ref, model)


def _match_in_worker(job, path: str, threads: int, model: Model):
    return _match_job(job, worker_reference(path, threads), model)


def candidate_levels(texts: Sequence[str], postcodes: Sequence[str | None], ref: PreparedReference,
                     normalised: Sequence[Normalised] | None = None):
    """Parse a batch, find its candidates and compare them: (parsed, pairs, levels).
    `normalised` holds the texts' `normalise_tokens`, when the caller has them already."""
    mended = mend.mend(texts, ref.vocabulary, ref.places)
    if normalised is not None:
        normalised = [n if after == before else None for n, before, after in zip(normalised, texts, mended)]
    parsed = parse_addresses(mended, [normalise_postcode(p) for p in postcodes], known_places=ref.places,
                             normalised=normalised)
    rec = elements.from_parsed(parsed)
    pairs = candidate_pairs(rec, ref)
    return parsed, pairs, _compare_pairs(rec.iloc[pairs["pos"].to_numpy()], pairs, ref)


def _compare_pairs(records: pd.DataFrame, pairs: pd.DataFrame, ref: PreparedReference) -> pd.DataFrame:
    """The comparison levels of each record (aligned with its pair) and its candidate."""
    return compare(records, pairs[[*elements.ELEMENT_COLUMNS, "is_parent"]], ref.buildings)


def match_batch(texts: list[str], postcodes: list[str], ref: PreparedReference,
                model: Model) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Decisions for one batch (index = position in the batch), its top candidates, and
    which of its records are about a street rather than a property. Records written word
    for word as one reference row are decided by a join (`exact`); the rest are parsed,
    given candidates and compared."""
    normalised = [normalise_tokens(text) for text in texts]
    found = _found_exactly(normalised, postcodes, ref, model)
    rest = np.setdiff1d(np.arange(len(texts)), found.index.to_numpy())
    street = np.zeros(len(texts), dtype=bool)
    if not len(rest):
        return found, _no_candidates(), street
    decided, top, street[rest] = _match_parsed([texts[i] for i in rest], [postcodes[i] for i in rest], ref, model,
                                               [normalised[i] for i in rest])
    decided.index = pd.Index(rest[decided.index.to_numpy(dtype=np.int64)], name="pos")
    top["pos"] = rest[top["pos"].to_numpy(dtype=np.int64)]
    return pd.concat([found, decided]).sort_index() if len(found) else decided, top, street


def _found_exactly(normalised: list[Normalised], postcodes: list[str], ref: PreparedReference,
                   model: Model) -> pd.DataFrame:
    """Decisions for the records written word for word as one reference row, where linked."""
    pairs, records = exact_pairs(normalised, postcodes, ref)
    if pairs.empty:
        return _empty_decisions()
    decided = decide(_top(pairs, _compare_pairs(records, pairs, ref), model), model)
    return decided[decided["band"].isin(CONFIDENT)]


def _match_parsed(texts: list[str], postcodes: list[str], ref: PreparedReference, model: Model,
                  normalised: list[Normalised]) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """`match_batch` the whole way: parse, candidates, compare, decide."""
    parsed, pairs, levels = candidate_levels(texts, postcodes, ref, normalised)
    reports = np.array([is_street_report(p) for p in parsed], dtype=bool)
    about_street = reports | np.array([names_street_alone(p) for p in parsed], dtype=bool)
    if pairs.empty:
        return _empty_decisions(), _no_candidates(), about_street
    top = _top(pairs, levels, model)
    # A descriptor (OUTSIDE, LAND AT, REAR OF...) places the record near a property, not in it,
    # and street furniture ('PINE RD - LAMP POST 7') on a street. A range of flats ('1 & 2
    # CLARKS COTTAGES') names several properties.
    described = reports | np.array([p.descriptor is not None or p.sao_end_number is not None for p in parsed],
                                   dtype=bool)
    decided = decide(top, model, capped=described)
    return decided, top[list(CANDIDATE_FIELDS)], about_street


def _top(pairs: pd.DataFrame, levels: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Each record's best REVIEW_CANDIDATES pairs (one a UPRN), scored and explained."""
    scored = pd.concat([pairs.reset_index(drop=True), levels.add_prefix(LEVEL_PREFIX)], axis=1)
    scored["evidence"] = model.evidence(levels)
    scored["score"] = model.pair_probability(scored["evidence"])
    top = (scored.sort_values(["pos", "evidence", "row_id"], ascending=[True, False, True])
           .drop_duplicates(["pos", "uprn"]).groupby("pos").head(REVIEW_CANDIDATES))
    # Explanations are written for the candidates a person may read, not for every pair.
    return top.assign(explanation=model.explain(levels_of(top)))


def _reviewable(candidates: pd.DataFrame, decided: pd.DataFrame, street_only: np.ndarray) -> pd.DataFrame:
    """The candidates of the records a person may review: those in REVIEWED, and those that
    street linkage may yet send there. (With coordinates, the point check may send any
    match to review, so then every candidate is kept.) The rest are dropped at once: a
    national run holds ~3 candidates a record otherwise."""
    reviewed = decided.index[decided["band"].isin(REVIEWED).to_numpy()]
    rows = candidates["row"].to_numpy(dtype=np.int64)
    return candidates[np.isin(rows, reviewed) | street_only[rows]]


def _no_candidates() -> pd.DataFrame:
    return pd.DataFrame({name: np.zeros(0, dtype) for name, dtype in CANDIDATE_FIELDS.items()})


def _empty_decisions() -> pd.DataFrame:
    return pd.DataFrame(columns=list(DECISION_COLUMNS))


def _assemble(frame: pd.DataFrame, reasons: pd.Series, decisions: list[pd.DataFrame]) -> pd.DataFrame:
    decided = pd.concat(decisions) if decisions else _empty_decisions()
    out = frame.copy()
    for column in ("uprn", "usrn", "runner_up_uprn"):
        out[column] = pd.array(decided[column].reindex(out.index), dtype="Int64") if len(decided) else pd.NA
    out["score"] = decided["score"].reindex(out.index).astype(float) if len(decided) else np.nan
    out["band"] = decided["band"].reindex(out.index).fillna("unmatched") if len(decided) else "unmatched"
    out["margin"] = decided["margin"].reindex(out.index).astype(float) if len(decided) else np.nan
    explanation = decided["explanation"].reindex(out.index) if len(decided) else pd.Series(np.nan, index=out.index)
    out["explanation"] = explanation.fillna("no candidate shares a postcode, a number and street word, or a rare word")
    out["method"] = "address"
    rejected = reasons != ""
    out.loc[rejected, "band"] = "rejected"
    out.loc[rejected, "method"] = "rejected"
    out.loc[rejected, "explanation"] = reasons[rejected]
    return out[[c for c in frame.columns if c not in OUTPUT_COLUMNS] + list(OUTPUT_COLUMNS)]


def _review_table(text: pd.Series, id_column: str, output: pd.DataFrame, reviews) -> pd.DataFrame:
    """Records in review or parent bands with their top candidates, for a person to decide.

    Only the id and the address travel to the review file, never the other fields."""
    candidates = pd.concat(reviews) if reviews else _no_candidates().rename(columns={"pos": "row"})
    in_review = output.index[output["band"].isin(REVIEWED)]
    candidates = candidates[candidates["row"].isin(in_review)]
    candidates = candidates.assign(rank=candidates.groupby("row").cumcount() + 1)
    records = output.loc[in_review, [id_column, "band", "score", "margin"]]
    records = records.rename(columns={"score": "record_score"})
    table = records.join(candidates.set_index("row")[["rank", "uprn", "full_address", "score", "explanation"]]
                         .rename(columns={"uprn": "candidate_uprn", "full_address": "candidate_address",
                                          "score": "candidate_score"}))
    table.insert(1, "address", text.loc[table.index])
    table["candidate_score"] = table["candidate_score"].round(4)
    return table.reset_index(drop=True)


def _report(output: pd.DataFrame, reasons: pd.Series, ref: PreparedReference, distinct: int,
            seconds: float) -> dict:
    bands = output["band"].value_counts()
    rejected = reasons[reasons != ""].str.replace(r" \(first seen on row \d+\)", "", regex=True).value_counts()
    rows = len(output)
    return {
        "rows_in": rows,
        "bands": {b: int(bands.get(b, 0)) for b in BANDS},
        "rejected_reasons": {k: int(v) for k, v in rejected.items()},
        "rows_out": int(bands.sum()),
        "reconciled": int(bands.sum()) == rows,
        "distinct_addresses": distinct,  # the accepted rows' distinct texts and postcodes, each matched once
        "reference_rows": int(ref.rows),
        "reference_rejected": int(len(ref.rejected)),
        "seconds": round(seconds, 2),
        "records_per_second": round(rows / seconds, 1) if seconds else None,
        "comparisons": list(LEVELS),
    }
