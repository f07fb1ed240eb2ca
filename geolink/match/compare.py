"""Element-wise comparison of record/candidate pairs into discrete agreement levels.

Pure and vectorised: numpy for numbers and codes, rapidfuzz `cpdist` for string
similarity over aligned arrays (no Python loop over pairs), computed once per distinct
pair of strings (a record meets the same street name in every candidate of its
postcode). Each comparison yields one level per pair; the model weighs the levels.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

from geolink.address.vocabulary import DWELLING_WORDS, STREET_TYPES

# Levels of each comparison, in code order.
LEVELS: dict[str, tuple[str, ...]] = {
    "number": ("exact", "in_range", "range", "suffix_differs", "record_missing", "reference_missing",
               "both_missing", "differs"),
    "flat": ("same", "suffix", "both_missing", "record_missing", "reference_missing", "not_held", "differs"),
    "name": ("same", "similar", "both_missing", "record_missing", "reference_missing", "elsewhere", "differs"),
    "street": ("exact", "close", "similar", "words", "untyped", "weak", "elsewhere", "record_missing", "missing",
               "differs"),
    "postcode": ("exact", "one_slip", "sector", "district", "missing", "differs"),
    "place": ("locality", "town", "none", "conflict"),
}


LEVEL_PREFIX = "level_"


def level_columns() -> list[str]:
    """Names of the level columns when levels sit beside the pair's own columns."""
    return [LEVEL_PREFIX + c for c in LEVELS]


def levels_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison levels held in `frame`'s level_* columns, under their own names."""
    return frame[level_columns()].rename(columns=lambda c: c[len(LEVEL_PREFIX):])


def _code(comparison: str, level: str) -> int:
    return LEVELS[comparison].index(level)


def _distinct(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs of aligned arrays `a`, `b` as (left, right) and, for every
    position, the index of its pair: work on pairs is then done once per distinct pair."""
    ca, ua = pd.factorize(a)
    cb, ub = pd.factorize(b)
    pair_codes, inverse = np.unique(ca.astype(np.int64) * (len(ub) + 1) + cb, return_inverse=True)
    return ua[pair_codes // (len(ub) + 1)], ub[pair_codes % (len(ub) + 1)], inverse.ravel()


def similarity(a: np.ndarray, b: np.ndarray, scorer) -> np.ndarray:
    """scorer(a[i], b[i]) for aligned string arrays, each distinct pair scored once."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.float32)
    left, right, inverse = _distinct(a, b)
    return cpdist(list(left), list(right), scorer=scorer, workers=-1, dtype=np.float32)[inverse]


def _strings(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype=object)


def _lengths(strings: np.ndarray) -> np.ndarray:
    return np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))


def compare(rec: pd.DataFrame, ref: pd.DataFrame, buildings: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Levels (int8 codes) of every comparison for aligned record and reference rows.

    `ref` holds the element columns and, when known, `is_parent` (the candidate has
    flats of its own in the reference). `buildings` are the reference's buildings as
    'NAME|STREET': a record naming a building that stands on its candidate's street but
    is not the candidate names another property."""
    rec = rec.reset_index(drop=True)
    ref = ref.reset_index(drop=True)
    rec_unit, ref_unit = _unit_id(rec), _unit_id(ref)
    letter = _letter_as_suffix(rec, ref, rec_unit, ref_unit)
    name_as_street = _name_is_street(_strings(rec, "street"), ref)
    swapped = _swapped(rec, ref, name_as_street)
    out = {
        "number": _number(rec, ref, letter, swapped),
        "flat": _flat(rec, ref, rec_unit, ref_unit, letter, swapped),
        "name": _name(rec, ref, buildings),
        "street": _street(rec, ref, name_as_street),
        "postcode": _postcode(rec, ref),
        "place": _place(rec, ref),
    }
    return pd.DataFrame({k: v.astype(np.int8) for k, v in out.items()})


def _unit_id(el: pd.DataFrame) -> np.ndarray:
    """'2', '2A', 'A' or '' for the flat of every row."""
    number = el["sao_number"].to_numpy()
    suffix = _strings(el, "sao_suffix")
    return np.array([f"{n}{s}" if n >= 0 else s for n, s in zip(number.tolist(), suffix)], dtype=object)


def _letter_as_suffix(rec, ref, rec_unit, ref_unit) -> np.ndarray:
    """'14A' on one side is 'FLAT A, 14' on the other: the letter names the flat."""
    same_number = rec["pao_number"].to_numpy() == ref["pao_number"].to_numpy()
    rec_suffix, ref_suffix = _strings(rec, "pao_suffix"), _strings(ref, "pao_suffix")
    a = (rec_unit == "") & (rec_suffix != "") & (ref_suffix == "") & (ref_unit == rec_suffix)
    b = (ref_unit == "") & (ref_suffix != "") & (rec_suffix == "") & (rec_unit == ref_suffix)
    return same_number & (a | b)


_PLAIN_UNITS = np.array(["", *sorted(DWELLING_WORDS)], dtype=object)


def _swapped(rec, ref, name_as_street: np.ndarray) -> np.ndarray:
    """The one or two numbers read in the other slot by one side.

    '2/14' may be flat 14 of number 2 (only for the bare slash form); a lone number
    before a building name ('43 JULIUS HOUSE', or '5, WILSON COURT' read as a street)
    may be read as the flat on one side and the building number on the other; and a
    flat's number alone may be the number of a house that has no flats."""
    rs, fs = rec["sao_number"].to_numpy(), ref["sao_number"].to_numpy()
    rn, fn = rec["pao_number"].to_numpy(), ref["pao_number"].to_numpy()
    bare = _strings(rec, "sao_text") == ""
    slash = bare & (rs >= 0) & (rs == fn) & (fs == rn) & (rn != fn)
    named = ((_strings(rec, "pao_text") != "") | name_as_street) & (_strings(ref, "pao_text") != "")
    # The candidate's flat is a number, or a number and a word for a dwelling ('FLAT 10').
    plain = np.isin(_strings(ref, "sao_text"), _PLAIN_UNITS)
    lone = named & bare & plain & (
        ((rn >= 0) & (rs < 0) & (fn < 0) & (fs == rn)) | ((rs >= 0) & (rn < 0) & (fs < 0) & (fn == rs)))
    # 'FLAT 15, ARGYLE STREET' for 15 ARGYLE STREET, a house the gazetteer holds no flats
    # in: a flat's number and nothing else, where the house has that number.
    no_units = ~ref["is_parent"].to_numpy().astype(bool) if "is_parent" in ref else np.zeros(len(rs), bool)
    house = (_strings(rec, "pao_text") == "") & (rn < 0) & (rs >= 0) & (fs < 0) & (fn == rs) & no_units \
        & (_strings(ref, "sao_text") == "") & (_strings(rec, "sao_suffix") == _strings(ref, "pao_suffix"))
    return slash | lone | house


def _number(rec, ref, letter_as_suffix, swapped) -> np.ndarray:
    """'in_range' is one number inside the candidate's range ('25' for '25-27 CEDAR
    TERRACE'); 'range' is a record naming a range the candidate only overlaps."""
    rn, re_ = rec["pao_number"].to_numpy(), rec["pao_end"].to_numpy()
    fn, fe = ref["pao_number"].to_numpy(), ref["pao_end"].to_numpy()
    rs, fs = _strings(rec, "pao_suffix"), _strings(ref, "pao_suffix")
    code = np.full(len(rn), _code("number", "differs"))
    both = (rn >= 0) & (fn >= 0)
    in_range = both & (((fe >= 0) & (rn >= fn) & (rn <= fe)) | ((re_ >= 0) & (fn >= rn) & (fn <= re_)))
    same = both & (rn == fn)
    code[in_range] = _code("number", "range")
    code[same & (rs != fs)] = _code("number", "suffix_differs")
    code[same & ((rs == fs) | letter_as_suffix)] = _code("number", "exact")
    code[same & (rs == fs) & (re_ != fe) & ((re_ >= 0) | (fe >= 0))] = _code("number", "range")
    code[(code == _code("number", "range")) & (re_ < 0)] = _code("number", "in_range")
    code[swapped & both] = _code("number", "exact")
    code[(rn < 0) & (fn >= 0)] = _code("number", "record_missing")
    code[(rn >= 0) & (fn < 0)] = _code("number", "reference_missing")
    code[(rn < 0) & (fn < 0)] = _code("number", "both_missing")
    code[swapped & ~both] = _code("number", "both_missing")
    return code


_FLOOR_FLAT = re.compile(r"(FLOOR|BASEMENT) FLAT$")


def _unit_words(el: pd.DataFrame) -> np.ndarray:
    """Sub-unit words with 'FLAT' dropped after a floor: FIRST FLOOR and FIRST FLOOR FLAT agree."""
    words = _strings(el, "sao_text")
    distinct = pd.unique(words)
    mapping = {w: _FLOOR_FLAT.sub(r"\1", w) for w in distinct}
    return np.array([mapping[w] for w in words], dtype=object)


def _flat(rec, ref, ru, fu, letter_as_suffix, swapped) -> np.ndarray:
    rw, fw = _unit_words(rec), _unit_words(ref)
    r_has, f_has = (ru != "") | (rw != ""), (fu != "") | (fw != "")
    code = np.full(len(ru), _code("flat", "differs"))
    code[~r_has & ~f_has] = _code("flat", "both_missing")
    code[~r_has & f_has] = _code("flat", "record_missing")
    code[r_has & ~f_has] = _code("flat", "reference_missing")
    # A flat the gazetteer does not hold, in a building it holds no flats for: many
    # LLPGs record a converted house as one address.
    no_units = ~ref["is_parent"].to_numpy().astype(bool) if "is_parent" in ref else np.zeros(len(ru), bool)
    code[r_has & ~f_has & no_units] = _code("flat", "not_held")
    same = r_has & f_has & (((ru != "") & (ru == fu)) | ((ru == "") & (fu == "") & (rw == fw)))
    code[same | (swapped & r_has & f_has)] = _code("flat", "same")
    code[swapped & ~(r_has & f_has)] = _code("flat", "same")
    # '14A' read as 'FLAT A, 14': plausible, and weighed apart from a literal 14A.
    code[letter_as_suffix] = _code("flat", "suffix")
    return code


def _name(rec, ref, buildings: frozenset[str]) -> np.ndarray:
    """How the building names compare. A record's name that the candidate lacks, or that
    differs from the candidate's, is 'elsewhere' when the reference holds a building of
    that name on the candidate's street: the record names another property. Otherwise it
    is a house name the gazetteer never recorded ('reference_missing', or 'differs' when
    the candidate has a name of its own)."""
    rn, fn = _strings(rec, "pao_text"), _strings(ref, "pao_text")
    code = np.full(len(rn), _code("name", "differs"))
    both = (rn != "") & (fn != "")
    score = np.zeros(len(rn), dtype=np.float32)
    score[both] = similarity(rn[both], fn[both], fuzz.token_set_ratio)
    # A name the parser left in the street or elsewhere still counts when it is in the text.
    in_text = np.zeros(len(rn), dtype=np.float32)
    ref_only = (fn != "") & ~both
    in_text[ref_only] = similarity(fn[ref_only], _strings(rec, "text")[ref_only], fuzz.partial_ratio)
    code[both & (score >= 75)] = _code("name", "similar")
    code[(both & (score >= 90)) | (ref_only & (in_text >= 90))] = _code("name", "same")
    code[ref_only & (in_text < 90)] = _code("name", "record_missing")
    code[(rn != "") & (fn == "")] = _code("name", "reference_missing")
    other = (rn != "") & ((fn == "") | (score < 75))
    if buildings:
        known = _distinct_pairs(rn[other], _strings(ref, "street")[other], lambda n, s: f"{n}|{s}" in buildings)
        code[np.flatnonzero(other)[known]] = _code("name", "elsewhere")
    code[(rn == "") & (fn == "")] = _code("name", "both_missing")
    return code


def _street(rec, ref, name_as_street: np.ndarray) -> np.ndarray:
    """How the record's street compares with the candidate's.

    The parsed street is compared directly. Only where the parser found no street of
    the record's own, or took the candidate's building name for it, is the candidate's
    street looked for anywhere in the text (it may have landed in the locality); a
    record whose own street is another name is 'elsewhere' even if the candidate's
    street appears in it ('8 FIENNES HOUSE, THURSBY WALK' against '8 THURSBY WALK'),
    and 'BRIDGE ROAD' is never 'COWLEY BRIDGE ROAD' just because it is inside it. A
    street whose words are all in the text but not together ('ARGOED 1, TERRACE' for
    '1 ARGOED TERRACE') is 'words'; one named without its type by a record that gives no
    other ('1, CHURCH' for '1 CHURCH STREET', not '1 CHURCH ROAD') is 'untyped'."""
    rs, fs = _strings(rec, "street"), _strings(ref, "street")
    text = _strings(rec, "text")
    code = np.full(len(rs), _code("street", "differs"))
    has = fs != ""
    direct = np.zeros(len(rs), dtype=np.float32)
    within = np.zeros(len(rs), dtype=np.float32)
    direct[has] = similarity(rs[has], fs[has], fuzz.ratio)
    inside = has & (_lengths(fs) <= _lengths(text))
    within[inside] = similarity(fs[inside], text[inside], fuzz.partial_ratio)
    own_street = (rs != "") & ~name_as_street
    score = np.where(own_street, direct, np.maximum(direct, within - 3))
    rc, fc = _compact(rs), _compact(fs)
    code[has & (score >= 75)] = _code("street", "weak")
    scattered = has & (score < 84) & (within < 90)
    code[np.flatnonzero(scattered)[_all_words_in(fs[scattered], text[scattered])]] = _code("street", "words")
    name, typed = _street_name_part(fs)
    bare = scattered & typed & ~_street_name_part(rs)[1] & (code != _code("street", "words"))
    code[np.flatnonzero(bare)[_contains_words(name[bare], text[bare])]] = _code("street", "untyped")
    code[has & (score >= 84)] = _code("street", "similar")
    code[has & (score >= 92)] = _code("street", "close")
    code[has & ((rs == fs) | (rc == fc) | (score >= 99.5))] = _code("street", "exact")
    code[has & own_street & (direct < 75) & (within >= 90)] = _code("street", "elsewhere")
    code[has & _run_together(rc, fc, _compact(_strings(ref, "pao_text")), _compact(_strings(ref, "locality")))] = \
        _code("street", "exact")
    # A record naming only its building ('BRYNHEULOG, MERTHYR TYDFIL') has no street.
    code[has & ~own_street & (score < 75)] = _code("street", "record_missing")
    code[~has | (text == "")] = _code("street", "missing")
    return code


def _run_together(rc: np.ndarray, fc: np.ndarray, names: np.ndarray, localities: np.ndarray) -> np.ndarray:
    """Whether the record's street is the candidate's with its house name before it or its
    locality after it, run together where the record has no commas ('YNYSOWEN GURNOS ROAD'
    for YNYSOWEN, GURNOS ROAD; 'SUNNYBANK BRECON ROAD' for SUNNYBANK, BRECON ROAD), spaces
    aside ('REDROSES GWAELODYGARTH CLOSE' for RED ROSES, GWAELODYGARTH CLOSE). All four
    arrays come `_compact`ed."""
    return (fc != "") & ((rc == names + fc) | (rc == fc + localities) | (rc == names + fc + localities))


def _compact(strings: np.ndarray) -> np.ndarray:
    """Strings with their spaces taken out: CORN MILL and CORNMILL are one name (each
    distinct string once: a pair array repeats them)."""
    codes, distinct = pd.factorize(strings)
    return np.array([s.replace(" ", "") for s in distinct], dtype=object)[codes]


def _street_name_part(streets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each street without its final type word ('CHURCH' of 'CHURCH STREET'), and whether
    it had one (distinct streets split once)."""
    distinct = pd.unique(streets)
    split = {s: s.rsplit(" ", 1) for s in distinct}
    typed = {s: len(p) == 2 and p[1] in STREET_TYPES for s, p in split.items()}
    name = np.array([split[s][0] if typed[s] else s for s in streets], dtype=object)
    return name, np.array([typed[s] for s in streets], dtype=bool)


def _name_is_street(rs: np.ndarray, ref) -> np.ndarray:
    """Where the parser took the candidate's building name for the record's street."""
    return (rs != "") & (similarity(rs, _strings(ref, "pao_text"), fuzz.ratio) >= 90)


def _postcode(rec, ref) -> np.ndarray:
    rp, fp = _strings(rec, "postcode"), _strings(ref, "postcode")
    code = np.full(len(rp), _code("postcode", "differs"))
    code[_strings(rec, "district") == _strings(ref, "district")] = _code("postcode", "district")
    code[_strings(rec, "sector") == _strings(ref, "sector")] = _code("postcode", "sector")
    slip = (rp != fp) & (similarity(rp, fp, Levenshtein.distance) <= 1)
    code[slip] = _code("postcode", "one_slip")
    code[rp == fp] = _code("postcode", "exact")
    code[(rp == "") | (fp == "")] = _code("postcode", "missing")
    return code


def _all_words_in(needles: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """Whether every word of each needle is a word of its text, in any order."""
    return _distinct_pairs(needles, texts, lambda n, t: bool(n) and set(n.split()) <= set(t.split()))


def _distinct_pairs(needles: np.ndarray, texts: np.ndarray, test) -> np.ndarray:
    """test(needle, text) for aligned arrays, each distinct pair tested once."""
    if len(needles) == 0:
        return np.zeros(0, dtype=bool)
    left, right, inverse = _distinct(needles, texts)
    return np.array([test(n, t) for n, t in zip(left, right)], dtype=bool)[inverse]


def _contains_words(needles: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """Whether each text holds each needle as whole words, together and in order."""
    return _distinct_pairs(needles, texts, lambda n, t: bool(n) and f" {n} " in f" {t} ")


# A place name this close to one of the candidate's is the same place misspelt ('OAKMINSTUR').
PLACE_SPELLING = 85


def _names_other_place(said: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Whether a place the record names is none of the candidate's places, allowing for typos."""
    out = np.zeros(len(said), dtype=bool)
    named = np.flatnonzero(said != "")
    if len(named) == 0:
        return out
    missing = ~_contains_words(said[named], known[named])
    check = named[missing]
    if len(check):
        out[check] = similarity(said[check], known[check], fuzz.partial_ratio) < PLACE_SPELLING
    return out


def _place(rec, ref) -> np.ndarray:
    """Whether the record names the candidate's locality, another place (even beside the
    right town: two BEECH GROVEs in one town differ by their localities), the town only,
    or no place. A candidate that has no place of its own ('31, Royal Crescent' in a
    property list) conflicts with none."""
    text = _strings(rec, "text")
    fl, ft = _strings(ref, "locality"), _strings(ref, "town")
    said_locality, said_town = _strings(rec, "locality"), _strings(rec, "town")
    known = np.array([f"{a} {b} {c}" for a, b, c in zip(fl, ft, _strings(ref, "street"))], dtype=object)
    code = np.full(len(text), _code("place", "none"))
    placed = (fl != "") | (ft != "")
    conflict = placed & (_names_other_place(said_locality, known) | _names_other_place(said_town, known))
    code[_contains_words(ft, text)] = _code("place", "town")
    code[conflict] = _code("place", "conflict")
    code[_contains_words(fl, text)] = _code("place", "locality")
    return code
