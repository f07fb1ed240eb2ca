"""Benchmarks are run on demand (``make bench`` = ``pytest -s tests/benchmarks``).

Benchmark modules are named ``bench_*.py`` so the normal suite never collects them; this
hook lets pytest collect them when it is pointed at this folder.
"""
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
