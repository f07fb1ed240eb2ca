"""Static choropleth maps with matplotlib: class breaks, hatched suppressed areas, a footnote."""

from __future__ import annotations

import warnings
from pathlib import Path

import mapclassify
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from geolink.errors import GeolinkError  # noqa: E402
from .release_data import ReleaseData  # noqa: E402

SCHEMES = {"quantiles": mapclassify.Quantiles, "natural_breaks": mapclassify.FisherJenks,
           "equal_interval": mapclassify.EqualInterval}
FORMATS = (".png", ".pdf", ".svg")
COLOURS = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494", "#081d58", "#000033"]
SUPPRESSED = "#d9d9d9"


def class_breaks(values: np.ndarray, scheme: str, classes: int) -> list[float]:
    """Upper bounds of each class for the published values (fewer classes when values are few)."""
    if scheme not in SCHEMES:
        raise GeolinkError(f"unknown classification {scheme!r} (choose {', '.join(SCHEMES)})")
    values = np.asarray(values, float)
    values = values[~np.isnan(values)]
    distinct = len(np.unique(values))
    if distinct == 0:
        return []
    if distinct <= classes:
        return sorted(np.unique(values).tolist())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify notes that numba would be faster
        return [float(b) for b in SCHEMES[scheme](values, k=classes).bins]


def class_of(values: np.ndarray, breaks: list[float]) -> np.ndarray:
    """The class index of each value (-1 where missing)."""
    values = np.asarray(values, float)
    index = np.searchsorted(np.asarray(breaks), values, side="left")
    return np.where(np.isnan(values), -1, np.minimum(index, len(breaks) - 1))


def draw_map(release: ReleaseData, measure: str, level: str, out: Path, *, scheme: str = "quantiles",
             classes: int = 5, show: str = "rate") -> Path:
    """Write a choropleth of one measure at one level; the suffix of `out` picks the format."""
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise GeolinkError(f"cannot write a static map as {out.suffix or 'no suffix'} (use {', '.join(FORMATS)} or .html)")
    if show not in ("rate", "value"):
        raise GeolinkError("--show takes rate or value")
    layer = release.layer(level, measure)
    values = layer[show].astype(float).to_numpy()
    breaks = class_breaks(values, scheme, min(classes, len(COLOURS)))
    colours = COLOURS[:max(len(breaks), 1)]
    index = class_of(values, breaks)
    hidden = layer["value"].isna().to_numpy()

    fig, ax = plt.subplots(figsize=(8.5, 9))
    published = layer[~hidden]
    if len(published):
        published.plot(ax=ax, color=[colours[i] for i in index[~hidden]], edgecolor="white", linewidth=0.4)
    if hidden.any():
        layer[hidden].plot(ax=ax, facecolor=SUPPRESSED, edgecolor="#969696", hatch="///", linewidth=0.4)
    ax.set_axis_off()
    ax.set_aspect("equal")
    unit = "per 1,000 households" if show == "rate" else release.unit(measure)
    lower = [np.nanmin(values)] + breaks[:-1] if breaks else []
    handles = [Patch(facecolor=colours[i], edgecolor="#888888", label=f"{_fmt(lo)} to {_fmt(hi)}")
               for i, (lo, hi) in enumerate(zip(lower, breaks))]
    handles.append(Patch(facecolor=SUPPRESSED, edgecolor="#969696", hatch="///",
                         label=f"suppressed ({int(hidden.sum())} areas)"))
    ax.legend(handles=handles, title=f"{show} {unit}", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              title_fontsize=9, frameon=False)
    ax.set_title(f"{release.describe(measure)}\nby {level.upper()}, {scheme.replace('_', ' ')}", fontsize=12)
    created = str(release.manifest.get("created", ""))[:10]
    fig.text(0.02, 0.015, f"Source: geolink release of {created} ({release.folder}). {release.policy_note()}",
             fontsize=7, wrap=True, color="#444444")
    fig.savefig(out, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return out


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}"
