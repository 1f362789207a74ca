"""The page a review publishes when its period has no usable calls, and its index headline.

Rendering only: the facts come from :func:`kpi_lib.run.no_calls.no_usable_calls` (recorded in
the manifest as ``no_usable_calls``); the wording from the message catalogue
(:mod:`kpi_lib.report.messages.no_calls`), in the review's language. The page is
self-contained (no network resources) and carries the review's navigation bar.
"""

from __future__ import annotations

import html

from kpi_lib.report.fonts import cjk_font_face_css
from kpi_lib.report.page_html import PAGE_CSS, nav_html
from kpi_lib.report.review_text import text

__all__ = ["NO_CALLS_PAGE", "no_calls_headline_html", "no_calls_page_html"]

#: Name of the page (``<name>.html`` in the published folder, ``page.<name>`` its label).
NO_CALLS_PAGE = "no_calls"

_CSS = """body{font-family:system-ui,sans-serif;max-width:960px;margin:0 auto;padding:0 1em 2em;
color:#1f2328}table{border-collapse:collapse;margin:.5em 0}td,th{padding:4px 12px;
border-bottom:1px solid #d0d7de;text-align:left}td.n{text-align:right;
font-variant-numeric:tabular-nums}p.lead{font-size:1.1em}small{color:#57606a}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px}"""


def _e(value) -> str:
    return html.escape(str(value))


def _t(language: str, key: str, **values) -> str:
    return _e(text(key, language, **values))


def _with_code(escaped: str) -> str:
    """`...` spans of an escaped sentence as <code> (commands and file names)."""
    parts = escaped.split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _cause(facts: dict, lang: str) -> str:
    cause = facts["cause"]
    if cause == "empty":
        return _t(lang, "nocalls.cause.empty", file=facts.get("calls_source") or "calls")
    if cause in ("quarantined", "filtered"):
        return _t(lang, f"nocalls.cause.{cause}", read=f"{facts['calls_read']:,}")
    if cause == "declared_empty":
        return _t(lang, "nocalls.cause.declared_empty", reason=facts["declared_reason"])
    return _t(
        lang,
        "nocalls.cause.none_in_period",
        used=f"{facts['calls_used']:,}",
        first=facts["calls_from"],
        last=facts["calls_to"],
        period=facts["period"],
    )


def _todo(facts: dict, lang: str, dataset: str) -> list[str]:
    cause = facts["cause"]
    items = [_with_code(_t(lang, "nocalls.todo.validate", dataset=dataset))]
    if cause == "none_in_period":
        periods = ", ".join(facts["periods_with_calls"]) or "-"
        items.append(
            _t(lang, "nocalls.todo.none_in_period", periods=periods, period=facts["period"])
        )
    elif cause == "declared_empty":
        items.append(_with_code(_t(lang, "nocalls.todo.declared_empty", dataset=dataset)))
    else:
        items.append(_with_code(_t(lang, f"nocalls.todo.{cause}", period=facts["period"])))
    items.append(_t(lang, "nocalls.todo.rerun"))
    return items


def _accounting(counts: dict, lang: str) -> str:
    rows = "".join(
        f"<tr><td>{_e(table)}</td><td class='n'>{c['rows_read']:,}</td>"
        f"<td class='n'>{c['rows_used']:,}</td><td class='n'>{c['rows_quarantined']:,}</td>"
        f"<td class='n'>{c.get('rows_filtered', 0):,}</td></tr>"
        for table, c in counts.items()
    )
    return (
        f"<table><tr><th>{_t(lang, 'index.col.table')}</th><th>{_t(lang, 'index.col.read')}</th>"
        f"<th>{_t(lang, 'index.col.used')}</th><th>{_t(lang, 'index.col.aside')}</th>"
        f"<th>{_t(lang, 'index.col.filtered')}</th></tr>{rows}</table>"
    )


def _reasons(reasons: list[dict], lang: str) -> str:
    if not reasons:
        return f"<p>{_t(lang, 'nocalls.no_reasons')}</p>"
    rows = "".join(
        f"<tr><td>{_e(r['table'])}</td><td>{_e(r['reason'])}</td>"
        f"<td class='n'>{r['rows']:,}</td></tr>"
        for r in reasons
    )
    return (
        f"<table><tr><th>{_t(lang, 'index.col.table')}</th>"
        f"<th>{_t(lang, 'nocalls.col.reason')}</th><th>{_t(lang, 'nocalls.col.rows')}</th></tr>"
        f"{rows}</table>"
    )


def no_calls_page_html(manifest: dict, *, language: str = "en") -> str:
    """The "no usable calls in <period>" page of a published review.

    Parameters
    ----------
    manifest
        The manifest of the run: ``cycle``, ``period``, ``dataset``, ``dataset_fingerprint``,
        ``finished_at``, ``code_version``, ``specification_hash`` and ``no_usable_calls`` (the
        facts of :func:`kpi_lib.run.no_calls.no_usable_calls`).
    language
        ``en``, ``zh-Hans`` or ``zh-Hant``.

    Returns
    -------
    str
        A self-contained HTML page: what happened, the rows read / used / set aside /
        filtered per table, the quarantine reasons with their counts, and what to do.
    """
    lang = language
    facts = manifest["no_usable_calls"]
    cycle_name = text(f"cycle.{manifest['cycle']}", lang)
    title = text("title", lang, cycle_name=cycle_name, period=manifest["period"])
    todo = "".join(f"<li>{item}</li>" for item in _todo(facts, lang, manifest["dataset"]))
    about = _t(
        lang,
        "nocalls.about",
        dataset=manifest["dataset"],
        fingerprint=manifest["dataset_fingerprint"],
        finished=manifest["finished_at"],
        version=manifest["code_version"],
        hash=manifest["specification_hash"],
    )
    nav = nav_html([(NO_CALLS_PAGE, f"{NO_CALLS_PAGE}.html")], current=NO_CALLS_PAGE, language=lang)
    page = f"""<!DOCTYPE html>
<html lang="{_e(lang)}"><head><meta charset="utf-8"><title>{_e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style>{_CSS}{PAGE_CSS}</style>
</head><body>
{nav}
<h1>{_t(lang, "nocalls.h1", period=manifest["period"])}</h1>
<p class="lead">{_t(lang, "nocalls.lead", period=manifest["period"])}</p>
<p>{_cause(facts, lang)}</p>
<h2>{_t(lang, "nocalls.h.todo")}</h2>
<ol>{todo}</ol>
<h2>{_t(lang, "nocalls.h.accounting")}</h2>
<p>{_t(lang, "nocalls.accounting")}</p>
{_accounting(facts["row_counts"], lang)}
<h2>{_t(lang, "nocalls.h.reasons")}</h2>
{_reasons(facts["reasons"], lang)}
<p><small>{about}</small></p>
</body></html>
"""
    css = cjk_font_face_css(page)
    if css:  # Chinese pages carry the glyphs they use (no system CJK font needed)
        page = page.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    return page


def no_calls_headline_html(manifest: dict, *, language: str = "en") -> str:
    """The index's headline for a period without usable calls (escaped HTML)."""
    lang = language
    facts = manifest["no_usable_calls"]
    return (
        f"<h2>{_t(lang, 'index.h.headline')}</h2>"
        f"<p><b>{_t(lang, 'nocalls.headline', period=manifest['period'])}</b></p>"
        f"<p>{_cause(facts, lang)} "
        f'<a href="{NO_CALLS_PAGE}.html">{_t(lang, "nocalls.headline.link")}</a></p>'
    )
