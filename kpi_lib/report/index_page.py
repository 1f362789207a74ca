"""The index of a published review: the headline first, then the pages, the decision exports
and what data was read — in the review's language, self-contained (no network resources).

The headline is worded from the stored review while it is open (:func:`index_headline_html`);
the page is assembled once every notebook has run (:func:`index_html`), from the manifest.
"""

from __future__ import annotations

import html

import pandas as pd

from kpi_lib.indicators import label
from kpi_lib.report.fonts import cjk_font_face_css
from kpi_lib.report.formatting import currency_name
from kpi_lib.report.page_html import PAGE_CSS, page_label
from kpi_lib.report.quality_text import table_name
from kpi_lib.report.review import movement_sentences
from kpi_lib.report.review_text import text
from kpi_lib.review.pipeline import Review

__all__ = ["index_headline_html", "index_html"]

_LIGHTS = ("red", "yellow", "green")


def _e(value) -> str:
    return html.escape(str(value))


def _t(language: str, key: str, **values) -> str:
    return _e(text(key, language, **values))


def index_headline_html(review: Review, *, max_agents: int = 10) -> str:
    """The index's headline: reds and yellows per indicator, and who needs attention and why.

    Parameters
    ----------
    max_agents
        Agents listed by name under "needs attention"; the list says "N of M shown" when cut
        (the full list is in the PIP export).
    """
    lang = review.language
    parts = [f"<h2>{_t(lang, 'index.h.headline')}</h2>"]
    board = review.board
    if len(board):
        n_agents = board["agent_id"].nunique()
        counts = (
            board.assign(light=board["light"].astype(str))
            .pivot_table(index="indicator", columns="light", values="agent_id", aggfunc="nunique")
            .reindex(columns=list(_LIGHTS))
            .fillna(0)
            .astype(int)
            .sort_values(["red", "yellow"], ascending=False)
        )
        rows = "".join(
            f"<tr><td>{_e(label(indicator, lang))}</td>"
            f"<td class='n red'>{r['red']}</td><td class='n yellow'>{r['yellow']}</td>"
            f"<td class='n green'>{r['green']}</td></tr>"
            for indicator, r in counts.iterrows()
        )
        parts.append(
            f"<p>{_t(lang, 'index.lights', n=n_agents, period=review.scored_period)}</p>"
            f"<table><tr><th>{_t(lang, 'index.col.indicator')}</th>"
            f"<th>{_t(lang, 'index.col.red')}</th><th>{_t(lang, 'index.col.yellow')}</th>"
            f"<th>{_t(lang, 'index.col.green')}</th></tr>{rows}</table>"
        )
    changed = "".join(f"<li>{_e(s)}</li>" for s in movement_sentences(review) if s)
    if changed:
        parts.append(f"<h3>{_t(lang, 'index.h.changed')}</h3><ul>{changed}</ul>")
    pip = review.pip if isinstance(review.pip, pd.DataFrame) else pd.DataFrame()
    if len(pip):
        names = review.agent_names
        shown = pip.head(max_agents)
        items = "".join(
            f"<li><b>{_e(names.get(r.agent_id, r.agent_id))}</b> ({_e(r.agent_id)}, "
            f"{_e(r.team_id)}): "
            + _t(
                lang,
                "index.pip_evidence",
                low=r.periods_low,
                n=r.periods_in_window,
                periods=r.low_periods,
                composites=r.composites,
            )
            + "</li>"
            for r in shown.itertuples()
        )
        parts.append(
            f"<h3>{_t(lang, 'index.h.attention')}</h3>"
            "<p>"
            + _t(lang, "index.attention", shown=len(shown), total=len(pip), link="\x00").replace(
                "\x00", '<a href="exports/pip.csv">pip.csv</a>'
            )
            + f"</p><ul>{items}</ul>"
        )
    else:
        parts.append(f"<h3>{_t(lang, 'index.h.attention')}</h3><p>{_t(lang, 'index.no_pip')}</p>")
    return "\n".join(parts)


def index_html(manifest: dict, *, headline: str = "", language: str = "en") -> str:
    """The index page of a published review.

    Parameters
    ----------
    manifest
        The review's manifest (``cycle``, ``period``, ``notebooks`` with ``name``, ``html``,
        ``title``, ``window``, ``status``, ``duration_s``; ``exports``; ``spot_checks``
        (QA spot-check sheets, paths relative to the review folder); ``load_report``;
        ``dataset``, ``dataset_fingerprint``, ``finished_at``, ``code_version``,
        ``specification_hash``).
    headline
        HTML from :func:`index_headline_html` (already escaped).
    """
    lang = language
    cycle_name = text(f"cycle.{manifest['cycle']}", lang)
    title = text("title", lang, cycle_name=cycle_name, period=manifest["period"])
    status_words = {
        "ok": text("index.status.ok", lang),
        "failed": text("index.status.failed", lang),
    }
    rows = []
    # ``pages``: pages published without a notebook (the "no usable calls" page)
    for nb in [*manifest["notebooks"], *manifest.get("pages", [])]:
        status = nb["status"]
        colour = {"ok": "#1a7f37", "failed": "#cf222e"}.get(status, "#6e7781")
        name = nb.get("name", "")
        page = page_label(name, lang) if name else nb["title"]
        rows.append(
            f'<tr><td><a href="{_e(nb["html"])}">{_e(page)}</a></td>'
            f"<td>{_e(nb.get('window', ''))}</td>"
            f"<td style='color:{colour}'>{_e(status_words.get(status, status))}</td></tr>"
        )
    exports = manifest.get("exports") or []
    export_links = " · ".join(
        f'<a href="{_e(path)}">{_e(path.split("/")[-1])}</a>' for path in exports
    )
    money = (manifest.get("specification") or {}).get("settings", {}).get("currency")
    money_html = (
        f" {_t(lang, 'index.currency', currency=currency_name(money, lang))}" if money else ""
    )
    exports_html = (
        f"<h2>{_t(lang, 'index.h.exports')}</h2><p>{_t(lang, 'index.exports')}{money_html}</p>"
        f"<p>{export_links}</p>"
        if exports
        else ""
    )
    sheets = manifest.get("spot_checks") or []
    spot_html = (
        f"<h2>{_t(lang, 'index.h.spot_check')}</h2><p>{_t(lang, 'index.spot_check')}</p><p>"
        + " · ".join(f'<a href="{_e(path)}">{_e(path.split("/")[-1])}</a>' for path in sheets)
        + "</p>"
        if sheets
        else ""
    )
    counts = manifest.get("load_report", {})
    load = ""
    if counts:
        load = (
            f"<h2>{_t(lang, 'index.h.data')}</h2><table><tr>"
            f"<th>{_t(lang, 'index.col.table')}</th><th>{_t(lang, 'index.col.read')}</th>"
            f"<th>{_t(lang, 'index.col.used')}</th><th>{_t(lang, 'index.col.aside')}</th>"
            f"<th>{_t(lang, 'index.col.filtered')}</th></tr>"
        )
        for table, c in counts.items():
            load += (
                f"<tr><td>{_e(table_name(table, lang))}</td><td class='n'>{c['rows_read']:,}</td>"
                f"<td class='n'>{c['rows_used']:,}</td>"
                f"<td class='n'>{c['rows_quarantined']:,}</td>"
                f"<td class='n'>{c.get('rows_filtered', 0):,}</td></tr>"
            )
        load += "</table>"
    about = _t(
        lang,
        "index.about",
        dataset=manifest["dataset"],
        fingerprint=manifest["dataset_fingerprint"],
        finished=manifest["finished_at"],
        version=manifest["code_version"],
        hash=manifest["specification_hash"],
    )
    page = f"""<!DOCTYPE html>
<html lang="{_e(lang)}"><head><meta charset="utf-8"><title>{_e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style>body{{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1f2328}}
table{{border-collapse:collapse;margin:.5em 0}}td,th{{padding:4px 12px;border-bottom:1px solid #d0d7de;text-align:left}}
td.n{{text-align:right;font-variant-numeric:tabular-nums}}td.red{{color:#cf222e}}td.yellow{{color:#9a6700}}
td.green{{color:#1a7f37}}small{{color:#57606a}}{PAGE_CSS}</style>
</head><body>
<h1>{_e(title)}</h1>
{headline}
<h2>{_t(lang, "index.h.pages")}</h2>
<table><tr><th>{_t(lang, "index.col.page")}</th><th>{_t(lang, "index.col.covers")}</th>
<th>{_t(lang, "index.col.status")}</th></tr>{"".join(rows)}</table>
{exports_html}
{spot_html}
{load}
<p><small>{about}</small></p>
</body></html>
"""
    css = cjk_font_face_css(page)
    if css:
        # Chinese indexes carry the glyphs they use, so they read without system CJK fonts
        page = page.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    return page
