"""Benchmarks are run on demand (``make bench`` = ``pytest -s tests/benchmarks``).

Benchmark modules are named ``bench_*.py`` so the normal suite never collects them; this
hook lets pytest collect them when it is pointed at this folder.
"""
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".py" and file_path.name.startswith("bench_"):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


@pytest.fixture
def run_with_bench_sizes(monkeypatch):
    """Run a benchmark's main() as `make bench` does: --sizes from GEOLINK_BENCH_SIZES
    (default 20000 200000)."""
    def run(main, name: str) -> None:
        sizes = os.environ.get("GEOLINK_BENCH_SIZES", "20000 200000").split()
        monkeypatch.setattr(sys, "argv", [name, "--sizes", *sizes])
        main()
    return run
