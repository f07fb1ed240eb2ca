"""A synthetic town's gazetteer written as AddressBase Premium CSV (the current edition).

So that the loaders can be tested and benchmarked on a realistic multi-record file
without licensed data: streets (11) with their descriptors (15), one BLPU (21) per
UPRN, an LPI (24) per address record (approved, alternative, historic), a
classification (32) per UPRN, between a header (10) and a trailer (99). Records are
interleaved as OS delivers them: each street followed by its descriptor, each BLPU by
its LPIs and classification.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .town import Town

LOGICAL_STATUS = {"approved": "1", "alternative": "3", "historic": "8"}
DATE = "2026-01-01"


def addressbase_premium_records(town: Town) -> pd.DataFrame:
    """Every record line of the file, as a one-column frame of CSV text (file order)."""
    g = town.gazetteer.reset_index(drop=True)
    blank = lambda s: s.astype(str).where(s != 0, "")  # noqa: E731  0 means absent
    streets = town.streets.reset_index(drop=True)
    start = streets.geometry.apply(lambda line: line.coords[0])
    end = streets.geometry.apply(lambda line: line.coords[-1])
    usrn = streets["usrn"].astype(str)
    street_rows = ("11,\"I\"," + _order(len(streets)) + "," + usrn + ",1,7655,2,2000-01-01,1,8,0,2000-01-01,," + DATE
                   + "," + DATE + "," + _coord(start.str[0]) + "," + _coord(start.str[1]) + ",50.7,-3.5,"
                   + _coord(end.str[0]) + "," + _coord(end.str[1]) + ",50.7,-3.5,10")
    descriptor_rows = ("15,\"I\"," + _order(len(streets)) + "," + usrn + "," + _text(streets["name"]) + ","
                       + _text(streets.get("locality", pd.Series("", index=streets.index))) + ","
                       + _text(streets.get("town", pd.Series(town.name.upper(), index=streets.index)))
                       + ",\"DEVON\",\"ENG\"," + DATE + ",," + DATE + "," + DATE)
    first = g.drop_duplicates("uprn").reset_index(drop=True)
    uprn = first["uprn"].astype(str)
    blpu_rows = ("21,\"I\"," + _order(len(first)) + "," + uprn + ",1,2,2000-01-01," + blank(first["parent_uprn"]) + ","
                 + _coord(first["x"]) + "," + _coord(first["y"]) + ",50.7,-3.5,1,7655,\"E\"," + DATE + ",," + DATE
                 + "," + DATE + ",\"D\"," + _text(first["postcode"]) + ",0")
    class_rows = ("32,\"I\"," + _order(len(first)) + "," + uprn + ",\"7655C" + uprn + "\"," + _text(first["classification"])
                  + ",\"AddressBase Premium Classification Scheme\",1.0," + DATE + ",," + DATE + "," + DATE)
    lpi_rows = ("24,\"I\"," + _order(len(g)) + "," + g["uprn"].astype(str) + ",\"7655L" + g.index.astype(str) + "\",\"ENG\","
                + g["status"].map(LOGICAL_STATUS).fillna("1") + "," + DATE + ",," + DATE + "," + DATE + ","
                + blank(g["sao_start_number"]) + "," + _text(g["sao_start_suffix"]) + "," + blank(g["sao_end_number"])
                + ",\"\"," + _text(g["sao_text"]) + "," + blank(g["pao_start_number"]) + "," + _text(g["pao_start_suffix"])
                + "," + blank(g["pao_end_number"]) + ",\"\"," + _text(g["pao_text"]) + "," + g["usrn"].astype(str)
                + ",\"1\",\"\",\"\",\"Y\"")
    header = pd.Series([f"10,\"{town.name} - synthetic\",7655,{DATE},1,{DATE},00:00:00,\"2.0\",\"F\""])
    body = _interleaved([(street_rows, streets["usrn"], 0), (descriptor_rows, streets["usrn"], 1),
                         (blpu_rows, first["uprn"], 2), (lpi_rows, g["uprn"], 3), (class_rows, first["uprn"], 4)])
    trailer = pd.Series([f"99,0,{len(body) + 2},{DATE},00:00:00"])
    return pd.DataFrame({"line": pd.concat([header, body, trailer], ignore_index=True)})


def write_addressbase_premium(town: Town, path: Path) -> int:
    """Write the town's gazetteer as one AddressBase Premium CSV; returns the number of lines."""
    lines = addressbase_premium_records(town)["line"]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return len(lines)


def _interleaved(records: list[tuple[pd.Series, pd.Series, int]]) -> pd.Series:
    """Record lines grouped by street, then by property; within a group, in record-type `rank` order."""
    keyed = pd.concat([pd.DataFrame({"line": lines.values, "group": rank >= 2, "key": key.values, "rank": rank})
                       for lines, key, rank in records], ignore_index=True)
    return keyed.sort_values(["group", "key", "rank"], kind="stable")["line"].reset_index(drop=True)


def _order(n: int) -> pd.Series:
    return pd.Series(np.arange(1, n + 1).astype(str))


def _coord(values: pd.Series) -> pd.Series:
    return pd.Series(np.char.mod("%.2f", np.asarray(values, dtype=float)), index=values.index)


def _text(values: pd.Series) -> pd.Series:
    return "\"" + values.fillna("").astype(str).str.replace("\"", "\"\"") + "\""
