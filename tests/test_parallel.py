"""Work shared between this process and spawned helpers: every item once, in order."""

from __future__ import annotations

import os
import time

import pytest

from geolink.parallel import Helpers


def _slow_square(x: int) -> tuple[int, int]:
    time.sleep(0.02)
    return x * x, os.getpid()


def _fails_on_last(x: int) -> int:
    if x == 39:
        raise ValueError("item 39 is bad")
    return x


def test_results_come_in_order_each_item_run_once():
    with Helpers(1) as helpers:
        out = list(helpers.map(_slow_square, _slow_square, list(range(120))))
    assert [square for square, _ in out] == [x * x for x in range(120)]
    # The calling process starts from the front, so the first item is always its own.
    assert out[0][1] == os.getpid()


def test_helpers_serve_one_map_after_another():
    """Items an earlier map() left queued in a helper take nothing from the next one."""
    with Helpers(1) as helpers:
        first = list(helpers.map(_slow_square, _slow_square, list(range(30))))
        second = list(helpers.map(_slow_square, _slow_square, list(range(100, 160))))
    assert [s for s, _ in first] == [x * x for x in range(30)]
    assert [s for s, _ in second] == [x * x for x in range(100, 160)]


def test_a_helpers_error_reaches_the_caller():
    # The helper starts from the back, so it meets item 39 unless this process gets there
    # first; either way the error surfaces.
    with Helpers(1) as helpers, pytest.raises(ValueError, match="item 39 is bad"):
        list(helpers.map(_fails_on_last, _fails_on_last, list(range(40))))
