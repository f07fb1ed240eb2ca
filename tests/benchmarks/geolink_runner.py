"""Run geolink's CLI as a whole measured process, the same way as the peer.

Contract (cli owner: see geolink/cli)::

    geolink match MESSY --reference REF --out OUT.csv --id-column record_id \\
        --address-column address [--postcode-column postcode]

REF is ``uprn,address[,postcode]``. OUT holds the input columns plus ``uprn, usrn,
score, band, runner_up_uprn, margin, method, explanation``; ``band`` is one of
``exact|high|review|parent|street|unmatched``. Only ``exact`` and ``high`` count as
links for precision / recall; ``review`` and ``parent`` are counted separately.

If ``geolink match`` is not there yet, :func:`run_geolink` returns ``available=False``
with the reason ("geolink match not available: ...") and the bench carries on.
"""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from procmeasure import Measured, run_measured  # noqa: E402

LINK_BANDS = ("exact", "high")
BANDS = ("exact", "high", "review", "parent", "street", "unmatched")


@dataclass
class GeolinkRun:
    predictions: Path
    measured: Measured
    available: bool = True
    error: str = ""
    command: list[str] = field(default_factory=list)


def geolink_command() -> list[str]:
    """The geolink executable: the repo venv's, else this interpreter's, else -m."""
    for exe in (REPO / ".venv" / "bin" / "geolink", Path(sys.executable).parent / "geolink"):
        if exe.exists():
            return [str(exe)]
    return [sys.executable, "-m", "geolink"]


def geolink_available(timeout: float = 120) -> str:
    """'' when ``geolink match --help`` succeeds, else why not."""
    cmd = geolink_command() + ["match", "--help"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"geolink match not available: {e!r}"
    if p.returncode != 0:
        return f"geolink match not available: {_last_message(p.stderr or p.stdout, p.returncode)}"
    return ""


def _last_message(text: str, rc: int) -> str:
    """The last line of an error output that says something (rich boxes stripped)."""
    for line in reversed((text or "").splitlines()):
        line = line.strip(" \t│╭╮╰╯─|")
        if re.search(r"[A-Za-z]", line) and not line.startswith(("Error", "Try '")):
            return line
    return f"exit {rc}"


def run_geolink(messy: Path, reference: Path, out: Path, has_postcode: bool,
                log: Path | None = None, timeout: float | None = None) -> GeolinkRun:
    """Match MESSY to REFERENCE with geolink as a separate measured process."""
    out = Path(out)
    log = Path(log) if log else out.with_suffix(".log")
    why = geolink_available()
    if why:
        return GeolinkRun(out, Measured(-1, 0.0, None, log), False, why)
    cmd = geolink_command() + ["match", str(messy), "--reference", str(reference),
                               "--out", str(out), "--id-column", "record_id",
                               "--address-column", "address"]
    if has_postcode:
        cmd += ["--postcode-column", "postcode"]
    if out.exists():
        out.unlink()
    m = run_measured(cmd, log, timeout=timeout)
    err = "" if m.returncode == 0 and out.exists() else f"geolink exited {m.returncode}:\n{m.tail()}"
    return GeolinkRun(out, m, not err, err, cmd)


def link_predictions(rows: list[dict[str, str]]) -> dict[str, str]:
    """record_id -> uprn for rows in a link band (exact / high), else ''."""
    return {r["record_id"]: (r.get("uprn") or "") if r.get("band") in LINK_BANDS else ""
            for r in rows}


def band_predictions(rows: list[dict[str, str]], bands: tuple[str, ...]) -> dict[str, str]:
    """record_id -> uprn for rows in the given bands (e.g. to score the review queue)."""
    return {r["record_id"]: (r.get("uprn") or "") for r in rows if r.get("band") in bands}
