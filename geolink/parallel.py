"""Process pools for work that splits into independent pieces (batches, measures)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


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
