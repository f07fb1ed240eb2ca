"""Record identifiers of multi-record files, read many lines at a time, agree with reading each line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from loaders.record_types import record_identifiers

line_text = st.one_of(
    st.from_regex(rb'\A"?[0-9]{1,3}"?,[^\n]*\Z'),  # the usual '21,...' and '"24",...'
    st.binary(max_size=30).filter(lambda b: b"\n" not in b),  # anything else on one line
)


def one_by_one(line: bytes) -> str:
    return line.split(b",", 1)[0].strip().strip(b'"').decode("utf-8", "replace")


@given(st.lists(line_text, max_size=40), st.booleans())
def test_identifiers_match_reading_each_line(lines, ends_with_newline):
    text = b"\n".join(lines) + (b"\n" if ends_with_newline and lines else b"")
    split = text.split(b"\n")
    if split and split[-1] == b"":
        split.pop()
    assert list(record_identifiers(text, split)) == [one_by_one(line) for line in split]


def test_quoted_spaced_blank_and_long_identifiers():
    text = b'10,"x"\n 21 ,a\n"24",b\n\n\r\n123456789,z\nno comma\n"99",1'
    lines = text.split(b"\n")
    assert list(record_identifiers(text, lines)) == ["10", "21", "24", "", "", "123456789", "no comma", "99"]
