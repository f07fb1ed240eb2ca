"""HTML for the area profile, the table and the SQL console (plain HTML, escaped, no CDN)."""

from __future__ import annotations

import io
from html import escape

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from geolink.measures.stats import funnel_limits  # noqa: E402

STYLE = """<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 12px 18px; color: #222; }
nav a { margin-right: 14px; color: #08519c; } table { border-collapse: collapse; margin: 10px 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; } th { cursor: pointer; background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; } .muted { color: #777; } .error { color: #a50f15; font-weight: 600; }
textarea { width: 100%; height: 110px; font: 13px monospace; }
</style>"""
NAV = '<nav><a href="/">map</a><a href="/table">table</a><a href="/sql">SQL console</a></nav>'


def page(title: str, body: str, script: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · geolink</title>'
            f'{STYLE}</head><body>{NAV}<h1>{escape(title)}</h1>{body}{script}</body></html>')


def _num(x, digits: int = 1) -> str:
    return "–" if x is None or pd.isna(x) else f"{x:,.{digits}f}"


def _rate(row) -> str:
    if pd.isna(row.get("rate")):
        return "–"
    return f"{_num(row['rate'])} ({_num(row['rate_low'])} to {_num(row['rate_high'])})"


def profile_page(area: pd.Series, rows: pd.DataFrame, whole: pd.DataFrame, parent: pd.DataFrame | None,
                 parent_name: str | None, measures: dict, funnel_svg: str, policy: str) -> str:
    """Every measure for one area with its interval, beside the whole town and the parent area."""
    head = ["measure", "count", "rate per 1,000 (95% CI)", "whole town", parent_name or "parent area", "against the whole"]
    lines = []
    for _, r in rows.sort_values("measure").iterrows():
        m = r["measure"]
        count = _num(r["value"], 0) if not pd.isna(r["value"]) else f'<span class="muted">suppressed ({escape(str(r["flag"]))})</span>'
        w = whole[whole["measure"] == m]
        p = parent[parent["measure"] == m] if parent is not None else pd.DataFrame()
        lines.append("<tr>" + "".join(f"<td>{c}</td>" for c in (
            f'<a href="?measure={escape(m)}">{escape(measures.get(m, {}).get("description", m))}</a>', count, _rate(r),
            _rate(w.iloc[0]) if len(w) else "–", _rate(p.iloc[0]) if len(p) else "–",
            escape(str(r["comparison"])) if not pd.isna(r["comparison"]) else "–")) + "</tr>")
    table = "<table id=\"profile\"><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>" + "".join(lines) + "</table>"
    intro = (f'<p>{escape(area["level"].upper())} {escape(area["area_code"])} · '
             f'{int(area["denominator"]):,} households. {escape(policy)}</p>')
    return page(str(area["area_name"]), intro + table + "<h2>Funnel plot</h2><p class=\"muted\">Choose a measure "
                "above to plot it.</p>" + funnel_svg)


def funnel_svg(rows: pd.DataFrame, code: str, whole_rate: float | None, unit: str, title: str) -> str:
    """A funnel plot of one measure at one level as inline SVG, the area marked."""
    shown = rows[rows["rate"].notna()]
    fig, ax = plt.subplots(figsize=(7, 4))
    if whole_rate is not None and len(shown):
        n = np.linspace(max(shown["denominator"].min() * 0.8, 1), shown["denominator"].max() * 1.2, 200)
        for level, style in (("95%", "--"), ("99.8%", ":")):
            low, high = funnel_limits(whole_rate, n, unit, level)
            ax.plot(n, low, color="grey", linestyle=style, label=f"{level} limits")
            ax.plot(n, high, color="grey", linestyle=style)
        ax.axhline(whole_rate, color="black", linewidth=0.8, label="whole town")
    others = shown[shown["area_code"] != code]
    ax.scatter(others["denominator"], others["rate"], s=14, color="#2c7fb8", label="other areas")
    mine = shown[shown["area_code"] == code]
    if len(mine):
        ax.scatter(mine["denominator"], mine["rate"], s=60, color="crimson", label="this area", zorder=3)
    ax.set_xlabel("households")
    ax.set_ylabel("rate per 1,000 households")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


SORT_SCRIPT = """<script>
document.querySelectorAll('table.sortable th').forEach((th, col) => th.addEventListener('click', () => {
  const table = th.closest('table'), body = Array.from(table.querySelectorAll('tr')).slice(1);
  const up = th.dataset.dir !== 'up'; th.dataset.dir = up ? 'up' : 'down';
  const key = tr => { const t = tr.children[col].dataset.v ?? tr.children[col].textContent; const n = parseFloat(t); return isNaN(n) ? t : n; };
  body.sort((a, b) => { const x = key(a), y = key(b); return (x > y ? 1 : x < y ? -1 : 0) * (up ? 1 : -1); });
  body.forEach(tr => table.appendChild(tr));
}));
</script>"""


def table_page(rows: pd.DataFrame, levels: list[str], measures: dict, level: str, measure: str) -> str:
    """A sortable table of one level and measure with a CSV download link."""
    options = lambda items, chosen: "".join(  # noqa: E731
        f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(label)}</option>' for v, label in items)
    form = (f'<form method="get"><label>Level <select name="level">{options([(lv, lv.upper()) for lv in levels], level)}'
            f'</select></label> <label>Measure <select name="measure">'
            f'{options([(m, i["description"]) for m, i in measures.items()], measure)}</select></label> '
            f'<button>show</button> <a id="csv" href="/table.csv?level={escape(level)}&amp;measure={escape(measure)}">'
            f'download CSV</a></form>')
    columns = ["area_code", "area_name", "value", "flag", "denominator", "rate", "rate_low", "rate_high", "comparison"]
    head = "".join(f"<th>{c}</th>" for c in columns)
    body = []
    for _, r in rows[columns].iterrows():
        cells = []
        for c in columns:
            v = r[c]
            text = "" if pd.isna(v) else (f"{v:,.2f}" if isinstance(v, float) and c.startswith("rate") else str(v))
            if c == "area_code":
                text = f'<a href="/area/{escape(str(v))}">{escape(str(v))}</a>'
            else:
                text = escape(text)
            sort_value = "" if pd.isna(v) else escape(str(v))
            cells.append(f'<td data-v="{sort_value}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return page("Aggregates", form + f'<table class="sortable" id="aggregates"><tr>{head}</tr>{"".join(body)}</table>',
                SORT_SCRIPT)


SQL_SCRIPT = """<script>
const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
document.getElementById('run').addEventListener('click', async () => {
  const out = document.getElementById('result');
  out.innerHTML = '<span class="muted">running…</span>';
  const response = await fetch('/api/sql', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                            body: JSON.stringify({sql: document.getElementById('sql').value})});
  const answer = await response.json();
  if (!response.ok) { out.innerHTML = `<p class="error" id="error">${esc(answer.error)}</p>`; return; }
  const head = answer.columns.map(c => `<th>${esc(c)}</th>`).join('');
  const rows = answer.rows.map(r => '<tr>' + r.map(v => `<td>${esc(v)}</td>`).join('') + '</tr>').join('');
  const more = answer.truncated ? `<p class="muted">first ${answer.rows.length} rows shown</p>` : '';
  out.innerHTML = `<p class="muted">${answer.rows.length} row(s)</p><table id="rows"><tr>${head}</tr>${rows}</table>${more}`;
});
</script>"""


def sql_page(example: str, time_limit: float, row_cap: int) -> str:
    body = (f'<p>Query the release’s <code>aggregates</code> table (and the views <code>oa</code>, <code>lsoa</code>, '
            f'<code>msoa</code>, <code>ward</code>, <code>lad</code>, and <code>measures</code>, <code>areas</code>). '
            f'Read-only: one SELECT at a time, {time_limit:g} s and {row_cap:,} rows at most; files, ATTACH, COPY, '
            f'INSTALL and SET are refused.</p><textarea id="sql">{escape(example)}</textarea>'
            f'<p><button id="run">Run</button></p><div id="result"></div>')
    return page("SQL console", body, SQL_SCRIPT)
