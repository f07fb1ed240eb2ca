"""The audit hash chain: it verifies as written, and any edit, removal or move is named."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, strategies as st

from geolink.governance.chain import GENESIS, chained, entry_hash, first_break

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=6)
operations = st.fixed_dictionaries({
    "operation": st.sampled_from(["agreement", "ingest", "match", "review", "measures", "release", "purge"]),
    "parameters": st.dictionaries(st.text(max_size=6), json_values, max_size=3),
    "outputs": st.dictionaries(st.text(max_size=6), json_values, max_size=3),
})


def build(ops: list[dict]):
    log, previous = [], None
    for i, op in enumerate(ops):
        previous = chained(previous, at=f"2026-11-21T00:00:{i:02d}", actor="tester", inputs={}, **op)
        log.append(previous)
    return log


@given(st.lists(operations, min_size=1, max_size=12))
def test_a_log_as_written_verifies(ops):
    log = build(ops)
    assert first_break(log) is None
    assert log[0].prev_hash == GENESIS
    assert [e.seq for e in log] == list(range(1, len(log) + 1))


@given(st.lists(operations, min_size=2, max_size=12), st.data())
def test_an_edited_entry_is_named(ops, data):
    log = build(ops)
    i = data.draw(st.integers(0, len(log) - 1))
    field = data.draw(st.sampled_from(["actor", "operation", "at", "parameters", "outputs"]))
    edited = replace(log[i], **{field: {"changed": True} if field in ("parameters", "outputs") else "someone else"})
    log[i] = edited
    assert first_break(log).seq == edited.seq


@given(st.lists(operations, min_size=2, max_size=12), st.data())
def test_an_edit_that_rehashes_the_entry_still_breaks_the_next_link(ops, data):
    log = build(ops)
    i = data.draw(st.integers(0, len(log) - 2))
    forged = replace(log[i], actor="someone else")
    log[i] = replace(forged, hash=entry_hash(forged))
    assert first_break(log).seq == i + 2


@given(st.lists(operations, min_size=3, max_size=12), st.data())
def test_a_removed_entry_is_named(ops, data):
    log = build(ops)
    i = data.draw(st.integers(0, len(log) - 2))
    del log[i]
    assert first_break(log).seq == i + 2


@given(st.lists(operations, min_size=2, max_size=12), st.data())
def test_reordered_entries_are_named(ops, data):
    log = build(ops)
    i = data.draw(st.integers(0, len(log) - 2))
    log[i], log[i + 1] = log[i + 1], log[i]
    assert first_break(log).seq == i + 2  # the later entry now sits where entry i+1 should be


def test_renumbering_after_a_swap_is_still_caught():
    log = build([{"operation": op, "parameters": {}, "outputs": {}} for op in ("ingest", "match", "release")])
    a, b = log[1], log[2]
    log[1], log[2] = replace(b, seq=2), replace(a, seq=3)
    assert first_break(log).seq == 2
