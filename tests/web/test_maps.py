"""`geolink map`: real images with legend and hatching, and an HTML map that needs no network."""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.image import imread

from conftest import run_geolink
from geolink.maps import class_breaks


def test_a_png_map_is_a_real_picture_with_several_colours_and_hatching(demo_dir, tmp_path):
    out, _ = demo_dir
    png = tmp_path / "m.png"
    run_geolink("map", out / "release", "--measure", "cts_households", "--level", "oa", "--out", png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = imread(png)[..., :3]
    assert image.shape[0] > 800 and image.shape[1] > 800
    colours = {tuple(c) for c in (image.reshape(-1, 3) * 255).round().astype(int)[::37]}
    assert len(colours) > 20, "classes, hatching, legend and text give many distinct colours"
    hatch_grey = np.all(np.abs(image * 255 - [150, 150, 150]) < 8, axis=-1).sum()
    assert hatch_grey > 500, "suppressed OAs are hatched"


@pytest.mark.parametrize("suffix,magic", [(".pdf", b"%PDF"), (".svg", b"<?xml")])
def test_the_suffix_picks_the_format(demo_dir, tmp_path, suffix, magic):
    out, _ = demo_dir
    target = tmp_path / f"m{suffix}"
    run_geolink("map", out / "release", "--measure", "repair_jobs", "--level", "ward", "--out", target,
                "--scheme", "equal_interval")
    assert target.read_bytes().startswith(magic)


def test_the_html_map_is_self_contained(demo_dir, tmp_path):
    out, _ = demo_dir
    html = tmp_path / "m.html"
    run_geolink("map", out / "release", "--measure", "asc_households", "--level", "msoa", "--out", html)
    text = html.read_text()
    assert "L.geoJSON" in text and "Leaflet" in text
    assert not re.search(r'<(script|link|img)[^>]+(src|href)=["\']https?://', text)
    assert '"tileUrl": null' in text
    with_tiles = tmp_path / "t.html"
    run_geolink("map", out / "release", "--measure", "asc_households", "--out", with_tiles,
                "--tile-url", "https://tiles.example/{z}/{x}/{y}.png")
    assert "https://tiles.example/{z}/{x}/{y}.png" in with_tiles.read_text()


@pytest.mark.parametrize("args,message", [
    (["--measure", "nope", "--out", "x.png"], "no measure 'nope'"),
    (["--measure", "cts_households", "--level", "county", "--out", "x.png"], "no level 'county'"),
    (["--measure", "cts_households", "--out", "x.gif"], "cannot write a static map as .gif"),
    (["--measure", "cts_households", "--out", "x.png", "--scheme", "jenks"], "unknown classification"),
])
def test_bad_map_requests_get_clear_messages(demo_dir, tmp_path, args, message):
    out, _ = demo_dir
    result = run_geolink("map", out / "release", *args, check=False, cwd=tmp_path)
    assert result.returncode == 2 and message in " ".join(result.stderr.split())


def test_a_folder_that_is_not_a_release_is_named(tmp_path):
    result = run_geolink("map", tmp_path, "--measure", "m", "--out", tmp_path / "x.png", check=False)
    assert result.returncode == 2 and "is not a release folder" in " ".join(result.stderr.split())


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_class_breaks_cover_the_values_and_ignore_suppressed_ones(scheme):
    values = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 50, np.nan, np.nan])
    breaks = class_breaks(values, scheme, 4)
    assert len(breaks) == 4 and breaks == sorted(breaks) and breaks[-1] == 50
    assert class_breaks(np.array([3.0, 3.0, np.nan]), scheme, 5) == [3.0]
