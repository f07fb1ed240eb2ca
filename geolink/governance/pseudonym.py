"""Pseudonyms for direct identifiers: keyed HMAC-SHA256 over a normalised value.

Pure. The same person gets the same pseudonym in every dataset of one workspace (the
key is the workspace's own), and a different one in any other workspace. Values are
normalised first so that 'Smith, John' and 'JOHN SMITH', or 01/02/1980 and 1980-02-01,
give one pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from datetime import date

PERSON_KEY_KINDS = ("name", "date_of_birth")
_DERIVATION = b"geolink/pseudonym/v1"

_KIND_BY_COLUMN = (
    ("date_of_birth", re.compile(r"(^|_)(dob|d_o_b|date_?of_?birth|birth_?date)$")),
    ("nhs_number", re.compile(r"(^|_)nhs(_?(no|num|number))?$")),
    ("ni_number", re.compile(r"(^|_)(ni_?(no|num|number)|nino|national_?insurance(_?(no|number))?)$")),
    ("email", re.compile(r"(^|_)e_?mail(_?address)?$")),
    ("phone", re.compile(r"(^|_)(phone|telephone|tel|mobile)(_?(no|num|number))?$")),
    ("name", re.compile(r"(^|_)(name|full_?name|forenames?|first_?names?|surname|last_?name|given_?names?|"
                        r"family_?name|middle_?names?)$")),
)
_NOT_A_PERSON = re.compile(r"street|road|area|building|property|place|town|locality|ward|site|scheme|"
                           r"business|organi[sz]ation|company|team|service|file|sheet|dataset|measure")


def identifier_kind(column: str) -> str | None:
    """The kind of direct identifier a column name suggests ('date_of_birth', 'name', ...), or None."""
    name = re.sub(r"[^a-z0-9]+", "_", column.strip().lower()).strip("_")
    if _NOT_A_PERSON.search(name):
        return None
    return next((kind for kind, pattern in _KIND_BY_COLUMN if pattern.search(name)), None)


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$")


def normalise_identifier(kind: str, value: str) -> str:
    """The canonical text of an identifier, so that formatting differences do not split a person."""
    text = " ".join(str(value).split())
    if kind == "name":
        return " ".join(sorted(re.sub(r"[^\w']+", " ", text.casefold()).replace("_", " ").split()))
    if kind == "date_of_birth":
        return _iso_day(text) or text
    if kind == "phone":
        digits = re.sub(r"\D", "", text)
        return "0" + digits[2:] if digits.startswith("44") and len(digits) == 12 else digits
    if kind in ("nhs_number", "ni_number"):
        return re.sub(r"[^0-9A-Za-z]", "", text).upper()
    return text.casefold()


def _iso_day(text: str) -> str | None:
    for pattern, order in ((_YEAR_FIRST, (0, 1, 2)), (_DAY_FIRST, (2, 1, 0))):
        found = pattern.match(text)
        if found:
            parts = found.groups()
            try:
                return date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]])).isoformat()
            except ValueError:
                return None
    return None


def pseudonym_key(workspace_secret: bytes) -> bytes:
    """The key for pseudonyms, derived from (and never equal to) the workspace's secret."""
    return hmac.new(workspace_secret, _DERIVATION, hashlib.sha256).digest()


def pseudonymise(values: Iterable[str], kind: str, key: bytes) -> list[str]:
    """HMAC-SHA256 (hex) of each normalised value; blank values stay blank."""
    seen: dict[str, str] = {}
    out = []
    for value in values:
        value = "" if value is None else str(value)
        if value not in seen:
            canonical = normalise_identifier(kind, value)
            seen[value] = _mac(key, kind, canonical) if canonical else ""
        out.append(seen[value])
    return out


def person_keys(columns: Mapping[str, Iterable[str]], key: bytes) -> list[str]:
    """One pseudonymous person key per row from its name and date of birth (blank if either is missing).

    `columns` maps each kind in PERSON_KEY_KINDS to that column's raw values."""
    names = [normalise_identifier("name", v or "") for v in columns["name"]]
    days = [normalise_identifier("date_of_birth", v or "") for v in columns["date_of_birth"]]
    return [_mac(key, "person", f"{n}|{d}") if n and d else "" for n, d in zip(names, days)]


def _mac(key: bytes, kind: str, canonical: str) -> str:
    return hmac.new(key, f"{kind}\x1f{canonical}".encode("utf-8"), hashlib.sha256).hexdigest()
