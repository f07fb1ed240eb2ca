"""Real labelled address sets for the matching benchmarks.

Every builder returns a :class:`RealSet` (paths to ``messy.csv``, ``reference.csv``,
``truth.csv`` and ``truth_detail.csv`` in a work directory, plus summary figures), or
``None`` when ``<repo>/../shared/data`` is absent. Output is deterministic for a seed and
is cached in the work directory (rebuilt when the parameters change). Nothing here is
ever written into the git tree: the default work directory ``tests/benchmarks/.work/``
is ignored, and the shared data are only read.

File contracts
--------------
- ``reference.csv``: ``uprn,address[,postcode]`` (one row per UPRN).
- ``messy.csv``: ``record_id,address[,postcode]``.
- ``truth.csv``: ``record_id,uprn`` (empty uprn = the true property is not in the
  reference, so the right answer is "no match").
- ``truth_detail.csv``: ``record_id,uprn`` plus how the record was made, and
  ``recoverable`` (1/0), the label-ceiling flag described below.

Set 1 - ``merthyr`` (postcodes on both sides)
----------------------------------------------
Reference: Merthyr Tydfil council's electoral property list
(``merthyr_tydfil/W06000024_merthyr_tydfil_uprn_numbers.csv``, ``Property`` = full
address ending in a postcode, ``UPRN``). Rows without a numeric UPRN or a trailing
postcode ("Other Electors" placeholders) are dropped, duplicate UPRNs keep their first
row, and the postcode is split off the end -> ``uprn,address,postcode`` (~27.3k rows).

Messy: the same properties, parsed into components (sub-building, building name,
number, street, locality, town, postcode - a small heuristic parser for this file's
comma layout) and re-written by the PyPI package ``address-errors`` (Lam, UCL), which
applies error mechanisms learned from six councils' records against their UPRNs. The
records are split at random into five equal parts, one per house style the package ships
(wigan, bradford, leeds, derby, cornwall: case, commas, which locality / town words a
council writes, its error rates). ``Controls(prevalence=8)`` multiplies every touch
probability and ``Noise(rate=0.2)`` adds typing noise (typos, abbreviations, dropped /
swapped / joined tokens) so that ~40% of records carry an error (41.9% at seed 1).
Postcodes are written for every style with the package's postcode-error layer (PC2
format ... PC5 wrong district, rates x3), plus 3% blanked by the harness (the pooled
profile almost never drops one). Label drift is switched off: a record's string always
describes its own UPRN. truth_detail records, per record, the style, the package's ``applied_rules`` /
``failed_rules`` (mechanism IDs such as ``SU7:unit_id_dropped``, ``PN3``...),
``postcode_edit``, ``noise_ops`` and its inline ``collision`` check, and ``corrupted``
(1 if any rule, postcode edit or noise applied; house-style formatting alone does not
count).

Set 2 - ``exeter_epc`` (no postcodes on either side)
-----------------------------------------------------
From ``exeter/epc_exeter_address_uprn.csv``: 60k Energy Performance Certificate
lodgements (``ADDRESS``, ``UPRN``) in Exeter. Many UPRNs were lodged several times by
different assessors, and their address text differs in real ways (flat wording, building
names added or dropped, localities, "First Floor Flat" vs "Flat 2", spelling, format).
- Reference: one canonical text per UPRN, the UPRN's most common text (ties broken at
  random with the seed) -> ``uprn,address`` for every UPRN (~42.7k) except held-out ones.
- Messy, positives: every other distinct text lodged for the same UPRN. truth_detail
  ``kind`` says ``format`` when the text equals the reference after upper-casing,
  dropping punctuation and a trailing "EXETER" (easy), else ``content`` (hard, ~830).
- Messy, negatives: UPRNs held out of the reference (``holdout_share`` of messy records,
  drawn from UPRNs lodged with one text only, and whose normalised text is not shared by
  another UPRN); their text is a messy record whose truth is "no match". They test false
  positives against the flat next door.
- Postcodes: the file carries none; any postcode-shaped token is stripped from both sides
  anyway, and neither CSV has a postcode column.

Label ceiling
-------------
A positive record is ``recoverable`` when (a) every digit run of its true reference
address (excluding the postcode) still appears in the messy address - a lost house or
flat number cannot be recovered - and (b) it does not collide with another UPRN: for
merthyr the package's inline collision check is not ``matches_other_only`` (the string
now equals another address and not its own) and the true address + postcode is not
written identically under another UPRN; for exeter the normalised messy text is not
another UPRN's normalised reference text and the true reference text is not duplicated. The ceiling is
the recoverable share of positives: an upper bound on the recall any matcher can reach
honestly (it is optimistic: a changed building name with no number is still counted
recoverable).
"""
from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_WORK = HERE / ".work"

MERTHYR_FILE = "merthyr_tydfil/W06000024_merthyr_tydfil_uprn_numbers.csv"
EXETER_EPC_FILE = "exeter/epc_exeter_address_uprn.csv"

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")
POSTCODE_ANY = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.I)
_NUM = re.compile(r"^\d+[A-Z]?(-\d+[A-Z]?)?$")
_SUB = re.compile(
    r"^(FLAT|FLATS|APARTMENT|APT|UNIT|ROOM|MAISONETTE|STUDIO|BASEMENT|GROUND|FIRST|SECOND|"
    r"THIRD|TOP|REAR|FRONT|LOWER|UPPER|PLOT|BLOCK)\b"
)
_STREETY = re.compile(
    r"\b(ROAD|STREET|LANE|AVENUE|CLOSE|TERRACE|DRIVE|PLACE|WAY|CRESCENT|GROVE|COURT|ROW|"
    r"HILL|VIEW|SQUARE|GARDENS|WALK|RISE|PARK)$"
)
_DIGITS = re.compile(r"\d+")

MERTHYR_STYLES = ("wigan", "bradford", "leeds", "derby", "cornwall")


@dataclass
class RealSet:
    """One built benchmark set: where its files are and what it holds."""

    name: str
    directory: Path
    has_postcode: bool
    stats: dict = field(default_factory=dict)

    @property
    def messy(self) -> Path:
        return self.directory / "messy.csv"

    @property
    def reference(self) -> Path:
        return self.directory / "reference.csv"

    @property
    def truth(self) -> Path:
        return self.directory / "truth.csv"

    @property
    def detail(self) -> Path:
        return self.directory / "truth_detail.csv"


# --------------------------------------------------------------------------- helpers


def shared_data_dir() -> Path | None:
    """``<repo>/../shared/data`` if it exists, else None."""
    d = REPO.parent / "shared" / "data"
    return d if d.is_dir() else None


def _set_dir(work_dir: Path | str, name: str) -> Path:
    """The set's folder; the work directory gets a ``.gitignore`` of ``*`` so git never
    picks up derived data, whatever the repository's own ignore rules say."""
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    ignore = work / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    d = work / name
    d.mkdir(parents=True, exist_ok=True)
    return d


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _cached(directory: Path, params: dict) -> dict | None:
    """Stats of a previous build with the same parameters, else None."""
    stamp = directory / "build.json"
    if not stamp.exists():
        return None
    try:
        got = json.loads(stamp.read_text())
    except ValueError:
        return None
    files = ["messy.csv", "reference.csv", "truth.csv", "truth_detail.csv"]
    if got.get("params") != params or not all((directory / f).exists() for f in files):
        return None
    return got["stats"]


def _stamp(directory: Path, params: dict, stats: dict) -> None:
    (directory / "build.json").write_text(json.dumps({"params": params, "stats": stats}, indent=2))


def _source_fingerprint(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{int(st.st_mtime)}"


def norm_text(s: str) -> str:
    """Upper case, punctuation to spaces, single spaces, no trailing EXETER."""
    s = re.sub(r"[^A-Z0-9 ]", " ", (s or "").upper())
    s = " ".join(s.split())
    return re.sub(r" EXETER$", "", s)


def digit_runs(s: str) -> set[str]:
    """Digit runs with leading zeros removed ("07" and "7" agree)."""
    return {d.lstrip("0") or "0" for d in _DIGITS.findall(s or "")}


def strip_postcodes(s: str) -> str:
    s = POSTCODE_ANY.sub(" ", s or "")
    s = re.sub(r"\s*,\s*(,\s*)+", ", ", s)
    return " ".join(s.split()).strip(" ,")


# --------------------------------------------------------------------------- merthyr


def _read_merthyr(path: Path) -> list[tuple[str, list[str]]]:
    """(uprn, comma parts ending with the postcode) for rows with a UPRN and postcode."""
    out, seen = [], set()
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            u = (r.get("UPRN") or "").strip()
            if not u.isdigit() or u in seen:
                continue
            parts = [p.strip() for p in (r.get("Property") or "").split(",") if p.strip()]
            if len(parts) < 3 or not POSTCODE_RE.match(parts[-1]):
                continue
            seen.add(u)
            out.append((u, parts))
    return out


def _merthyr_localities(recs) -> set[str]:
    """Place names seen between street and town in 'number, street, X, town, pc' rows."""
    loc = Counter(p[2] for _, p in recs if len(p) == 5 and _NUM.match(p[0]))
    return {k for k, v in loc.items() if v >= 40 and not _STREETY.search(k)}


def parse_merthyr(parts: list[str], localities: set[str]) -> dict:
    """Components of one Merthyr property (its comma parts, ending town, postcode)."""
    pc, town, rest = parts[-1], parts[-2], list(parts[:-2])
    locality = ""
    if len(rest) >= 2 and rest[-1] in localities:
        before = rest[:-1]
        nums = [i for i, x in enumerate(before) if _NUM.match(x)]
        # pop the locality only if something is left to be the street
        if (nums and nums[-1] < len(before) - 1) or (not nums and len(before) >= 2):
            locality, rest = rest[-1], before
    nums = [i for i, x in enumerate(rest) if _NUM.match(x)]
    number = street = ""
    if nums:
        i = nums[-1]
        number, before, after = rest[i], rest[:i], rest[i + 1 :]
        if after:
            street = after[0]
            if len(after) > 1:
                locality = ", ".join(after[1:] + ([locality] if locality else []))
    else:
        street, before = (rest[-1] if rest else ""), rest[:-1]
    sub = " ".join(x for x in before if _SUB.match(x))
    name = " ".join(x for x in before if not _SUB.match(x))
    m = re.match(r"^((?:FLAT|APARTMENT|UNIT) \S+) (.+)$", sub)
    if m and not name:
        sub, name = m.group(1), m.group(2)
    return dict(subname=sub, name=name, number=number, streetname=street, locality=locality,
                townname=town, postcode=pc)


def _merthyr_components(recs) -> list[dict]:
    """address-errors canonical records, with a pseudo building id for flats."""
    from address_errors.context import COLUMNS, add_context
    from address_errors.pipeline.reference import derive_columns

    localities = _merthyr_localities(recs)
    rows = []
    for u, parts in recs:
        c = parse_merthyr(parts, localities)
        r = {k: "" for k in COLUMNS}
        r.update(c)
        r["uprn"] = u
        r["feature_type"] = "builtaddress"
        r["classificationcode"] = "RD"
        # street id: any identifier will do (used for street-level conventions)
        r["usrn"] = "S" + hashlib.sha1(f"{c['streetname']}|{c['townname']}".encode()).hexdigest()[:10]
        if c["subname"]:
            # units of one building share a parent, so building conventions can apply
            bkey = f"{c['name']}|{c['number']}|{c['streetname']}|{c['postcode']}"
            r["parentuprn"] = "B" + hashlib.sha1(bkey.encode()).hexdigest()[:10]
        rows.append(r)
    derive_columns(rows)
    return add_context(rows)


def build_merthyr(work_dir: Path | str = DEFAULT_WORK, seed: int = 1, n: int | None = None,
                  prevalence: float = 8.0, noise_rate: float = 0.2,
                  postcode_error_multiplier: float = 3.0, postcode_blank_share: float = 0.03,
                  styles: tuple[str, ...] = MERTHYR_STYLES) -> RealSet | None:
    """Merthyr Tydfil electoral properties, corrupted with ``address-errors``.

    Args:
        work_dir: where the set's folder is written (outside git).
        seed: drives the record split, the corruption and the messy order.
        n: corrupt only a random sample of n properties (the reference keeps all).
        prevalence: ``address_errors.Controls.prevalence`` (multiplies touch rates).
        noise_rate: share of records given extra typing noise.
        postcode_error_multiplier: scales the package's postcode-error rates.
        postcode_blank_share: share of records whose postcode the harness blanks
            (the package's pooled profile almost never drops one).
        styles: house styles, one equal share of records each.

    Returns:
        The built set, or None when the shared data are absent.
    """
    data = shared_data_dir()
    if data is None or not (data / MERTHYR_FILE).exists():
        return None
    src = data / MERTHYR_FILE
    params = dict(set="merthyr", seed=seed, n=n, prevalence=prevalence, noise_rate=noise_rate,
                  postcode_error_multiplier=postcode_error_multiplier,
                  postcode_blank_share=postcode_blank_share,
                  styles=list(styles), source=_source_fingerprint(src), version=4)
    directory = _set_dir(work_dir, f"merthyr-s{seed}" + ("" if n is None else f"-n{n}"))
    stats = _cached(directory, params)
    if stats is not None:
        return RealSet("merthyr", directory, True, stats)

    from address_errors import Controls, Corruptor, Noise, Profile

    recs = _read_merthyr(src)
    ref_address = {u: ", ".join(p[:-1]) for u, p in recs}
    ref_postcode = {u: p[-1] for u, p in recs}
    _write_csv(directory / "reference.csv", ["uprn", "address", "postcode"],
               ((u, ref_address[u], ref_postcode[u]) for u, _ in recs))

    rows = _merthyr_components(recs)
    rng = random.Random(seed)
    targets = [r["uprn"] for r in rows]
    rng.shuffle(targets)
    if n is not None:
        targets = targets[:n]
    prof = Profile.load()
    out = []
    for i, style in enumerate(styles):
        part = targets[i :: len(styles)]
        controls = Controls(prevalence=prevalence, label_drift=0.0, postcode="with_errors",
                            postcode_error_multiplier=postcode_error_multiplier,
                            noise=Noise(rate=noise_rate))
        gen = Corruptor(prof, style=style, seed=seed * 1000 + i, controls=controls)
        gen.index(rows)
        out.extend(gen.generate(part))
    rng.shuffle(out)

    # reference addresses written identically (address + postcode) under several UPRNs
    ref_key = Counter((norm_text(ref_address[u]), ref_postcode[u]) for u, _ in recs)
    blank_rng = random.Random(f"blank|{seed}")
    messy, truth, detail = [], [], []
    for k, o in enumerate(out, 1):
        rid = f"mt{k:06d}"
        u = o["source_uprn"]
        address, postcode, pc_edit = o["recorded_address"], o["recorded_postcode"], o["postcode_edit"]
        if postcode and blank_rng.random() < postcode_blank_share:
            postcode, pc_edit = "", "PC1:blanked_by_harness"
        corrupted = int(bool(o["applied_rules"] or pc_edit or o["noise_ops"]))
        lost = not digit_runs(ref_address[u]) <= digit_runs(address)
        # the corrupted string now equals another address only, or the truth is a duplicate
        collides = o["collision"] == "matches_other_only" or \
            ref_key[(norm_text(ref_address[u]), ref_postcode[u])] > 1
        recoverable = int(not lost and not collides)
        messy.append((rid, address, postcode))
        truth.append((rid, u))
        detail.append((rid, u, o["source_style"], corrupted, o["applied_rules"], o["failed_rules"],
                       pc_edit, o["noise_ops"], o["collision"], int(lost), int(collides),
                       recoverable))
    _write_csv(directory / "messy.csv", ["record_id", "address", "postcode"], messy)
    _write_csv(directory / "truth.csv", ["record_id", "uprn"], truth)
    _write_csv(directory / "truth_detail.csv",
               ["record_id", "uprn", "style", "corrupted", "applied_rules", "failed_rules",
                "postcode_edit", "noise_ops", "collision", "number_lost", "ambiguous",
                "recoverable"], detail)

    n_rec = len(detail)
    stats = dict(
        reference=len(recs), records=n_rec, positives=n_rec, negatives=0,
        corrupted_share=round(sum(d[3] for d in detail) / n_rec, 4),
        postcode_edited_share=round(sum(bool(d[6]) for d in detail) / n_rec, 4),
        postcode_missing_share=round(sum(not m[2] for m in messy) / n_rec, 4),
        number_lost_share=round(sum(d[9] for d in detail) / n_rec, 4),
        ambiguous_share=round(sum(d[10] for d in detail) / n_rec, 4),
        label_ceiling=round(sum(d[11] for d in detail) / n_rec, 4),
        by_style={s: round(sum(d[3] for d in detail if d[2] == s)
                           / max(1, sum(1 for d in detail if d[2] == s)), 4) for s in styles},
    )
    _stamp(directory, params, stats)
    return RealSet("merthyr", directory, True, stats)


# --------------------------------------------------------------------------- exeter EPC


def build_exeter_epc(work_dir: Path | str = DEFAULT_WORK, seed: int = 1,
                     holdout_share: float = 0.1) -> RealSet | None:
    """Exeter EPC lodgements: real alternative texts of the same UPRN, no postcodes.

    Args:
        work_dir: where the set's folder is written (outside git).
        seed: drives tie-breaks, the hold-out draw and the messy order.
        holdout_share: share of messy records whose UPRN is withheld from the
            reference (truth = no match).

    Returns:
        The built set, or None when the shared data are absent.
    """
    data = shared_data_dir()
    if data is None or not (data / EXETER_EPC_FILE).exists():
        return None
    src = data / EXETER_EPC_FILE
    params = dict(set="exeter_epc", seed=seed, holdout_share=holdout_share,
                  source=_source_fingerprint(src), version=2)
    directory = _set_dir(work_dir, f"exeter_epc-s{seed}")
    stats = _cached(directory, params)
    if stats is not None:
        return RealSet("exeter_epc", directory, False, stats)

    texts: dict[str, list[str]] = defaultdict(list)
    with open(src, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            u = (r.get("UPRN") or "").strip()
            a = strip_postcodes(r.get("ADDRESS") or "")
            if u.isdigit() and a:
                texts[u].append(a)
    rng = random.Random(seed)
    uprns = sorted(texts)
    canon = {}
    for u in uprns:
        c = Counter(texts[u])
        top = max(c.values())
        canon[u] = rng.choice(sorted(t for t, k in c.items() if k == top))
    owners: dict[str, set[str]] = defaultdict(set)
    for u in uprns:
        owners[norm_text(canon[u])].add(u)

    positives = []  # (uprn, text, kind)
    for u in uprns:
        for t in sorted(set(texts[u])):
            if t != canon[u]:
                kind = "format" if norm_text(t) == norm_text(canon[u]) else "content"
                positives.append((u, t, kind))
    pos_uprns = {p[0] for p in positives}
    pool = [u for u in uprns if u not in pos_uprns and len(set(texts[u])) == 1
            and len(owners[norm_text(canon[u])]) == 1]
    n_neg = round(len(positives) * holdout_share / (1 - holdout_share))
    held = set(rng.sample(pool, min(n_neg, len(pool))))

    ref_rows = [(u, canon[u]) for u in uprns if u not in held]
    _write_csv(directory / "reference.csv", ["uprn", "address"], ref_rows)

    records = [(u, t, k) for u, t, k in positives] + [(u, canon[u], "holdout") for u in sorted(held)]
    rng.shuffle(records)
    messy, truth, detail = [], [], []
    for i, (u, t, kind) in enumerate(records, 1):
        rid = f"ex{i:06d}"
        messy.append((rid, t))
        if kind == "holdout":
            truth.append((rid, ""))
            detail.append((rid, "", u, kind, 0, 0))
            continue
        truth.append((rid, u))
        lost = not digit_runs(canon[u]) <= digit_runs(t)
        other = owners.get(norm_text(t), set()) - {u}
        dup = len(owners[norm_text(canon[u])]) > 1
        recoverable = int(not lost and not other and not dup)
        detail.append((rid, u, u, kind, int(lost), recoverable))
    _write_csv(directory / "messy.csv", ["record_id", "address"], messy)
    _write_csv(directory / "truth.csv", ["record_id", "uprn"], truth)
    _write_csv(directory / "truth_detail.csv",
               ["record_id", "uprn", "source_uprn", "kind", "number_lost", "recoverable"], detail)

    pos = [d for d in detail if d[3] != "holdout"]
    content = [d for d in pos if d[3] == "content"]
    stats = dict(
        reference=len(ref_rows), records=len(detail), positives=len(pos),
        negatives=len(detail) - len(pos), content_variants=len(content),
        format_variants=len(pos) - len(content),
        number_lost_share=round(sum(d[4] for d in pos) / max(1, len(pos)), 4),
        label_ceiling=round(sum(d[5] for d in pos) / max(1, len(pos)), 4),
        label_ceiling_content=round(sum(d[5] for d in content) / max(1, len(content)), 4),
    )
    _stamp(directory, params, stats)
    return RealSet("exeter_epc", directory, False, stats)


BUILDERS = {"merthyr": build_merthyr, "exeter_epc": build_exeter_epc}


def build_all(work_dir: Path | str = DEFAULT_WORK, seed: int = 1,
              names: tuple[str, ...] = tuple(BUILDERS)) -> list[RealSet]:
    """Every set that can be built here (empty when the shared data are absent)."""
    out = []
    for name in names:
        s = BUILDERS[name](work_dir, seed=seed)
        if s is not None:
            out.append(s)
    return out


if __name__ == "__main__":
    import sys

    for s in build_all(seed=int(sys.argv[1]) if len(sys.argv) > 1 else 1):
        print(s.name, s.directory)
        print(json.dumps(s.stats, indent=2))
