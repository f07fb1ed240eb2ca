"""Shared fixtures: synthetic towns made once per session, small references written by hand,
and the path to ../shared/data."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from geolink.gazetteer.prepare import prepare_reference
from geolink.synth import make_town, write_town

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
ARTEFACTS = REPO / "tests" / "artefacts"  # screenshots and other test outputs worth a look (git ignores it)


def run_geolink(*args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Run the real `geolink` command line in a subprocess, as a user would."""
    result = subprocess.run([sys.executable, "-m", "geolink", *map(str, args)],
                            capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"geolink {' '.join(map(str, args))} failed:\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def borough():
    """A small synthetic borough (~800 addresses) for fast unit tests."""
    return make_town(800, 11)


@pytest.fixture(scope="session")
def town():
    """The demo-sized town (20,000 addresses, seed 7), in memory."""
    return make_town(20_000, 7)


@pytest.fixture(scope="session")
def town_dir(town, tmp_path_factory) -> Path:
    """The demo-sized town written to disk in the fixed layout."""
    out = tmp_path_factory.mktemp("town")
    write_town(town, out)
    return out


@pytest.fixture
def shared_data() -> Path:
    """../shared/data (real public data); tests that need it skip cleanly when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """`geolink demo --out D` run once: (D, the stage log)."""
    out = tmp_path_factory.mktemp("demo") / "D"
    result = run_geolink("demo", "--out", out)
    return out, result.stderr


@pytest.fixture
def workspace_copy(demo_dir, tmp_path) -> Path:
    """A private copy of the demo's workspace, for tests that change it."""
    out, _ = demo_dir
    copy = tmp_path / "workspace.duckdb"
    copy.write_bytes((out / "workspace.duckdb").read_bytes())
    return copy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(demo_dir):
    """Base URL of `geolink serve D/release` running in its own process."""
    out, _ = demo_dir
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "geolink", "serve", str(out / "release"), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/sql", timeout=2)
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"geolink serve exited:\n{process.stderr.read()}")
            time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError("geolink serve did not start within 60 s")
    yield url
    process.terminate()
    process.wait(timeout=10)


MILL_LANE = """uprn,address,postcode
100,"14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
101,"FLAT 1, 14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
102,"FLAT 2, 14 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
103,"16 MILL LANE, TOPSHAM, EXBRIDGE",YX1 1AA
105,"3 CHURCH ROAD, EXBRIDGE",YX1 1AD
106,"3 CHURCH ROAD, EXBRIDGE",YX2 2AA
"""


@pytest.fixture
def prepared(tmp_path):
    """prepared(csv_text): the reference written as that CSV text, prepared and open."""
    opened = []

    def prepare(text: str):
        path = tmp_path / f"reference-{len(opened)}.csv"
        path.write_text(text)
        opened.append(prepare_reference(path, cache=tmp_path / "cache"))
        return opened[-1]

    yield prepare
    for reference in opened:
        reference.close()


@pytest.fixture
def mill_lane(prepared):
    """A house with two flats, its neighbour, and one address in two postcodes."""
    return prepared(MILL_LANE)
