"""Run the peer, the Ministry of Justice's ``uk_address_matcher``, as a whole process.

``python peer.py run --messy M.csv --reference R.csv --out P.csv [--no-postcode]``
matches M (``record_id,address[,postcode]``) to R (``uprn,address[,postcode]``) and
writes one row per messy record: ``record_id,uprn,score`` plus ``match_reason``,
``match_weight``, ``distinguishability`` and ``top_uprn`` (the best candidate before
thresholds).

Settings follow the package's own guidance (docs "Choosing a matching threshold"):
stages ``ExactMatchStage -> PeeledAddressStage -> UniqueTrigramStage -> SplinkStage``
with the recommended starting thresholds ``final_match_weight_threshold=10.0`` and
``final_distinguishability_threshold=1.0``. The Splink stage itself runs permissive
(-20 / no distinguishability filter, the package defaults), and the same documented
thresholds are applied when the predictions are written, so ``uprn`` is exactly what
the documented configuration emits while ``top_uprn`` / scores allow threshold sweeps.
Deterministic stages (exact, peeled, trigram) are accepted as they are, as in the
package. The model (``data/splink_model.json``) ships in the wheel: nothing is fetched.

``run_peer(...)`` (used by the bench) launches that command under
``procmeasure.run_measured`` so wall time and peak RSS cover the whole process:
interpreter start, imports, reading the CSVs, cleaning, matching and writing.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from procmeasure import Measured, run_measured  # noqa: E402

MATCH_WEIGHT_THRESHOLD = 10.0
DISTINGUISHABILITY_THRESHOLD = 1.0


@dataclass
class PeerRun:
    predictions: Path
    measured: Measured
    available: bool = True
    error: str = ""


def peer_available() -> str:
    """'' when uk_address_matcher imports here, else the reason it does not."""
    try:
        import uk_address_matcher  # noqa: F401
    except Exception as e:  # pragma: no cover - environment dependent
        return f"uk_address_matcher not importable: {e!r} (pip install -e '.[bench]')"
    return ""


def run_peer(messy: Path, reference: Path, out: Path, has_postcode: bool,
             log: Path | None = None, timeout: float | None = None,
             python: str = sys.executable) -> PeerRun:
    """Match as a separate measured process; see module docstring."""
    out = Path(out)
    log = Path(log) if log else out.with_suffix(".log")
    why = peer_available()
    if why:
        return PeerRun(out, Measured(-1, 0.0, None, log), False, why)
    cmd = [python, str(Path(__file__).resolve()), "run", "--messy", str(messy),
           "--reference", str(reference), "--out", str(out)]
    if not has_postcode:
        cmd.append("--no-postcode")
    m = run_measured(cmd, log, timeout=timeout)
    err = "" if m.returncode == 0 and out.exists() else f"peer exited {m.returncode}:\n{m.tail()}"
    return PeerRun(out, m, not err, err)


# --------------------------------------------------------------------------- child process


def _sql_str(p: Path) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def _match(messy: Path, reference: Path, out: Path, has_postcode: bool) -> int:
    import duckdb
    from uk_address_matcher import (AddressMatcher, ExactMatchStage, PeeledAddressStage,
                                    SplinkStage, UniqueTrigramStage)

    con = duckdb.connect()
    pc = ", nullif(trim(postcode), '') AS postcode" if has_postcode else ""
    canonical = con.sql(
        f"SELECT uprn AS unique_id, address AS address_concat{pc} "
        f"FROM read_csv({_sql_str(reference)}, all_varchar=true, header=true)")
    con.execute(
        f"CREATE TABLE messy_in AS SELECT record_id AS unique_id, address AS address_concat{pc} "
        f"FROM read_csv({_sql_str(messy)}, all_varchar=true, header=true)")
    messy_rel = con.table("messy_in")
    matcher = AddressMatcher(
        canonical_addresses=canonical,
        addresses_to_match=messy_rel,
        con=con,
        stages=[
            ExactMatchStage(),
            PeeledAddressStage(),
            UniqueTrigramStage(),
            SplinkStage(final_match_weight_threshold=-20.0,
                        final_distinguishability_threshold=None),
        ],
        show_progress="off",
    )
    result = matcher.match()
    con.execute("CREATE TABLE peer_matches AS SELECT * FROM (" + result.matches().sql_query() + ")")
    accept = (
        "r.resolved_canonical_id IS NOT NULL AND (r.match_reason NOT LIKE 'splink%' OR "
        f"(r.match_weight >= {MATCH_WEIGHT_THRESHOLD} AND (r.distinguishability IS NULL OR "
        f"r.distinguishability >= {DISTINGUISHABILITY_THRESHOLD})))"
    )
    con.execute(f"""
        COPY (
            SELECT m.unique_id AS record_id,
                   CASE WHEN {accept} THEN r.resolved_canonical_id::VARCHAR END AS uprn,
                   r.match_weight AS score,
                   r.match_reason, r.match_weight, r.distinguishability,
                   r.resolved_canonical_id::VARCHAR AS top_uprn
            FROM messy_in m
            LEFT JOIN (
                SELECT * FROM peer_matches
                QUALIFY row_number() OVER (PARTITION BY unique_id
                    ORDER BY resolved_canonical_id IS NULL, match_weight DESC NULLS LAST) = 1
            ) r ON r.unique_id::VARCHAR = m.unique_id
            ORDER BY m.unique_id
        ) TO {_sql_str(out)} (HEADER, DELIMITER ',')
    """)
    n_in = con.execute("SELECT count(*) FROM messy_in").fetchone()[0]
    n_out = con.execute(f"SELECT count(*) FROM read_csv({_sql_str(out)})").fetchone()[0]
    print(f"peer: {n_in} messy records in, {n_out} prediction rows out", flush=True)
    return 0 if n_in == n_out else 3


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="match MESSY to REFERENCE with uk_address_matcher")
    r.add_argument("--messy", type=Path, required=True)
    r.add_argument("--reference", type=Path, required=True)
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--no-postcode", action="store_true",
                   help="neither file has a postcode column")
    a = ap.parse_args(argv)
    return _match(a.messy, a.reference, a.out, not a.no_postcode)


if __name__ == "__main__":
    sys.exit(main())
