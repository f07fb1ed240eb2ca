"""Pseudonyms: one person, one pseudonym, whatever the formatting; another workspace, another one."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, strategies as st

from geolink.governance.pseudonym import (identifier_kind, normalise_identifier, person_keys, pseudonym_key,
                                          pseudonymise)

KEY = pseudonym_key(b"workspace one secret")
OTHER = pseudonym_key(b"workspace two secret")
kinds = st.sampled_from(["name", "date_of_birth", "nhs_number", "ni_number", "phone", "email", "other"])


@given(kinds, st.text(max_size=30))
def test_normalising_twice_changes_nothing(kind, value):
    once = normalise_identifier(kind, value)
    assert normalise_identifier(kind, once) == once


@pytest.mark.parametrize("kind, a, b", [
    ("name", "Smith, John", "JOHN  SMITH"),
    ("name", "O'Neil, Mary-Ann", "mary ann o'neil"),
    ("date_of_birth", "01/02/1980", "1980-02-01"),
    ("date_of_birth", "1.2.1980", "19800201"),
    ("nhs_number", "999 123 4567", "9991234567"),
    ("ni_number", "qq 12 34 56 c", "QQ123456C"),
    ("phone", "+44 7700 900123", "07700900123"),
    ("email", " Jo.Bloggs@Example.org", "jo.bloggs@example.org"),
])
def test_formatting_does_not_split_a_person(kind, a, b):
    assert pseudonymise([a], kind, KEY) == pseudonymise([b], kind, KEY)


@given(kinds, st.lists(st.text(min_size=1, max_size=20).filter(str.strip), min_size=1, max_size=20))
def test_pseudonyms_are_sha256_hex_and_differ_between_workspaces(kind, values):
    mine, theirs = pseudonymise(values, kind, KEY), pseudonymise(values, kind, OTHER)
    for value, p, q in zip(values, mine, theirs):
        if normalise_identifier(kind, value):
            assert len(p) == 64 and int(p, 16) >= 0 and p != q
    same = {normalise_identifier(kind, v) for v in values}
    assert len({p for p in mine if p}) == len(same - {""})  # one pseudonym per distinct person value


def test_blank_values_stay_blank():
    assert pseudonymise(["", "  ", None], "name", KEY) == ["", "", ""]


def test_person_keys_link_one_person_across_formats_and_need_both_fields():
    keys = person_keys({"name": ["Smith, John", "JOHN SMITH", "John Smith", ""],
                        "date_of_birth": ["1980-02-01", "01/02/1980", "02/01/1980", "1980-02-01"]}, KEY)
    assert keys[0] == keys[1] != keys[2]
    assert keys[3] == ""


def test_the_key_is_derived_not_the_secret_itself():
    secret = os.urandom(32)
    assert pseudonym_key(secret) != secret and len(pseudonym_key(secret)) == 32


@pytest.mark.parametrize("column, kind", [
    ("full_name", "name"), ("Surname", "name"), ("client_first_name", "name"), ("DOB", "date_of_birth"),
    ("date_of_birth", "date_of_birth"), ("NHS Number", "nhs_number"), ("ni_no", "ni_number"),
    ("national_insurance_number", "ni_number"), ("Mobile", "phone"), ("tel_no", "phone"), ("email_address", "email"),
    ("street_name", None), ("area_name", None), ("property_address", None), ("record_id", None),
    ("repair_category", None), ("claim_status", None),
])
def test_identifier_columns_are_recognised_by_name(column, kind):
    assert identifier_kind(column) == kind
