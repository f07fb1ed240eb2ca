"""Reading tables a chunk at a time gives exactly what reading them whole gives."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geolink.errors import GeolinkError
from loaders.table import read_chunks, read_table

# No delimiter characters in the cells: a one-column file whose values hold commas is
# ambiguous to any delimiter sniffer, and that is not what these tests are about.
CELL = st.text(alphabet=st.characters(codec="cp1252", exclude_categories=("Cs", "Cc"), exclude_characters=",;|"),
               max_size=12)


@st.composite
def tables(draw) -> pd.DataFrame:
    columns = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=4,
                            unique=True))
    rows = draw(st.integers(0, 60))
    data = {c: draw(st.lists(CELL, min_size=rows, max_size=rows)) for c in columns}
    return pd.DataFrame(data, columns=columns)


def _chunks(path, rows: int) -> list[pd.DataFrame]:
    chunks = list(read_chunks(path, rows))
    assert chunks and all(len(c) <= rows for c in chunks)
    assert all(len(c) == rows for c in chunks[:-1]), "only the last chunk may be short"
    return chunks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables(), rows=st.integers(1, 25), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_in_chunks_is_the_whole_csv(tmp_path, table, rows, encoding, delimiter):
    path = tmp_path / "t.csv"
    path.write_bytes(table.to_csv(index=False, sep=delimiter, lineterminator="\r\n").encode(encoding))
    whole = read_table(path)
    joined = pd.concat(_chunks(path, rows))
    pd.testing.assert_frame_equal(joined, whole)
    assert list(whole.columns) == list(table.columns)
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), table.astype(object), check_dtype=False)


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_parquet_and_excel_in_chunks(tmp_path, suffix):
    table = pd.DataFrame({"uprn": [str(i) for i in range(1, 24)], "street": ["MILL LANE"] * 23})
    path = tmp_path / f"t{suffix}"
    table.to_parquet(path) if suffix == ".parquet" else table.to_excel(path, index=False)
    chunks = _chunks(path, 5)
    assert [c.index[0] for c in chunks] == [0, 5, 10, 15, 20], "row numbers run on across chunks"
    pd.testing.assert_frame_equal(pd.concat(chunks), read_table(path))


def test_a_header_alone_is_one_empty_chunk_with_its_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("uprn,address\n")
    (chunk,) = read_chunks(path, 10)
    assert chunk.empty and list(chunk.columns) == ["uprn", "address"]


def test_a_malformed_row_stops_the_read_with_its_row_number(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("uprn,address\n" + "".join(f"{i},{i} HIGH ST\n" for i in range(1, 40)) + "40,A,B\n")
    with pytest.raises(GeolinkError, match="row 41: expected 2 fields, found 3"):
        list(read_chunks(path, 10))
