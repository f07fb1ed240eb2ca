"""Process pools for work that splits into independent pieces (batches, measures)."""

from __future__ import annotations

import atexit
import importlib
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

MAX_ITEMS = 1 << 16  # items one map() shares (batches: 1.6 billion records at 25,000)
# map() generations, counted across every Helpers of this process: a closed Helpers' last
# helper may still run a stale item while its freed flags are reused by a new Helpers' own,
# and a stale generation is always below the new one, so it never takes the new items.
_GENERATIONS = itertools.count(1)


def process_pool(workers: int, initializer: Callable | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of spawned processes: DuckDB connections are not fork-safe."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=initializer, initargs=initargs)


def ordered_map(fn: Callable, items: list, workers: int) -> list:
    """`[fn(item) for item in items]`, on up to `workers` processes when there is more than one item."""
    workers = min(workers, len(items))
    if workers <= 1:
        return [fn(item) for item in items]
    with process_pool(workers) as pool:
        return list(pool.map(fn, items))


class Helpers:
    """`count` spawned processes that take a share of the calling process's work (`map`).

    Started early, before the caller's own imports and reading, they spawn and import
    `warm` (a module name) meanwhile instead of afterwards: about a second each.
    """

    def __init__(self, count: int, warm: str | None = None, capacity: int = MAX_ITEMS) -> None:
        # Per item, the last map() generation that took it, shared with the helpers.
        self._taken = multiprocessing.get_context("spawn").RawArray("q", capacity)
        self._pool = process_pool(count, _start_helper, (self._taken, warm))
        for _ in range(count):  # spawn them all now, not at the first items
            self._pool.submit(int)

    def map(self, here: Callable, there: Callable, items: Sequence) -> Iterator:
        """The result of each item, in order: this process runs `here(item)` from the front
        while the helpers run `there(item)` (importable by name) from the back, each item
        run by whichever reaches it first. This process starts at once, so a short input
        is done before the helpers are even ready, and the helpers' last items finish
        close to its own."""
        if len(items) > len(self._taken):
            raise ValueError(f"{len(items):,} items; helpers share at most {len(self._taken):,}")
        generation = next(_GENERATIONS)
        there_first = {i: self._pool.submit(_run_if_free, there, generation, i, items[i])
                       for i in reversed(range(len(items)))}
        try:
            for i, item in enumerate(items):
                yield here(item) if _take(self._taken, generation, i) else there_first[i].result()
        finally:
            for future in there_first.values():
                future.cancel()

    def close(self) -> None:
        """Stop the helpers: items not begun are dropped, and each exits once its current
        item ends. This waits for that, as the interpreter would at exit anyway; a pool
        left to its exit hook there can race its own shutdown (Python 3.11 then prints a
        'Bad file descriptor' traceback)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Helpers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_TAKEN = None  # in a helper: Helpers._taken


def _start_helper(taken, warm: str | None) -> None:
    global _TAKEN
    _TAKEN = taken
    # A helper's work is handed back as it finishes: at exit it has nothing to write or
    # free, and the caller waits for it, so it skips the interpreter's teardown.
    atexit.register(os._exit, 0)
    if warm:
        importlib.import_module(warm)


def _take(taken, generation: int, i: int) -> bool:
    """Take item `i` of map() `generation` unless another process has: True when this one now has it.

    There is no lock (a named semaphore can vanish with the caller while a late helper
    still starts): two processes may take one item at the same instant, and each then
    runs it. The caller keeps its own result, so the race costs time, never a wrong or
    missing result. An item left queued by an earlier map() takes nothing from a later one."""
    if taken[i] >= generation:
        return False
    taken[i] = generation
    return True


def _run_if_free(fn: Callable, generation: int, i: int, item):
    """`fn(item)` in a helper, or None when another process has taken item `i`."""
    return fn(item) if _take(_TAKEN, generation, i) else None
