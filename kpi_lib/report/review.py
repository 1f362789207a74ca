"""The period review a manager reads: sections rendered from a computed review.

The review itself (scores, decisions, diagnosis) is computed once by
:func:`kpi_lib.review.compute_review`; the ``*_html`` functions here only turn its tables into
the sections of the report, in the review's language. The notebook ``period_review.ipynb``
only calls these.
"""

from __future__ import annotations

import base64
import html
import io
import re

import numpy as np
import pandas as pd

from kpi_lib.analyses import changes
from kpi_lib.indicators.catalogue import CATALOGUE, dimension_label, label
from kpi_lib.indicators.periods import period_bounds
from kpi_lib.report.formatting import (
    format_currency,
    format_indicator,
    format_number,
    format_percent,
    is_missing,
    manager_table,
    table_name,
    with_labels,
)
from kpi_lib.report.markup import details_html as _details
from kpi_lib.report.markup import table_html
from kpi_lib.report.review_text import TEXTS, text
from kpi_lib.report.style import DPI
from kpi_lib.review.pipeline import Review, diverse_findings
from kpi_lib.review.spec import DEFAULT_CURRENCY
from kpi_lib.scoring.schemes import SENIOR_RULE

__all__ = [
    "format_value",
    "headline_html",
    "change_tables",
    "changes_html",
    "trend_table",
    "trends_note",
    "scored_indicators",
    "bonus_status",
    "gate_failure_text",
    "records_of",
    "separator",
    "certification_rule_text",
    "certification_evidence",
    "coaching_table",
    "finding_sentences",
    "gates_text",
    "pip_evidence",
    "board_table",
    "board_html",
    "leaderboard_table",
    "leaderboard_html",
    "decisions_html",
    "health_html",
    "scheme_html",
    "agent_page_data",
    "agent_pages_html",
    "data_html",
    "notes_html",
    "note_sentences",
    "scheme_adapted_html",
    "scheme_adapted_sentence",
    "skip_reason",
    "skipped_html",
    "skipped_note",
    "text",
]

_LIGHT_COLOURS = {"green": "#2da44e", "yellow": "#e3b341", "red": "#cf222e", "": "#d0d7de"}


def _t(review: Review, key: str, **values) -> str:
    """A sentence of the review in the review's language."""
    return text(key, review.language, **values)


def _label(review: Review, indicator: str) -> str:
    return label(indicator, review.language)


# ------------------------------------------------------------------------------ formatting


def format_value(
    indicator: str, value, language: str = "en", *, currency: str = DEFAULT_CURRENCY
) -> str:
    """An indicator value as a manager reads it (percentages, ``currency``, seconds...), in
    the locale of ``language``; "–" when missing."""
    if is_missing(value):
        return "–"
    return format_indicator(indicator, value, language, currency=currency)


def _html_table(df: pd.DataFrame, *, cell_styles: pd.DataFrame | None = None) -> str:
    """A plain, readable HTML table (escaped), optionally with per-cell inline styles."""
    return table_html(df, cell_styles=cell_styles, style="border-collapse:collapse;font-size:0.9em")


def _headers(review: Review, df: pd.DataFrame) -> pd.DataFrame:
    """Column headers in the review's language (keys ``col.<name>`` of the review texts)."""
    return df.rename(columns={c: _t(review, f"col.{c}") for c in df.columns if f"col.{c}" in TEXTS})


def _table(review: Review, df: pd.DataFrame) -> str:
    return _html_table(_headers(review, df))


def _p(textvalue: str) -> str:
    return f"<p>{html.escape(textvalue)}</p>"


def _h(level: int, textvalue: str) -> str:
    return f"<h{level}>{html.escape(textvalue)}</h{level}>"


def _png(fig) -> str:
    """A matplotlib figure as an embedded <img> (the HTML stays one self-contained file)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return f'<img alt="chart" src="data:image/png;base64,{data}"/>'


# ------------------------------------------------------------------------------ sections


# ------------------------------------------------------------------------------ adapted / skipped


def scheme_adapted_sentence(review: Review) -> str:
    """The note that the scheme was adapted to the data (dropped indicators and gates, the
    rescaled weights), in the review's language; empty when the scheme was used as written."""
    note = next((n for n in review.notes if n.get("code") == "scheme_adapted"), None)
    if note is None:
        return ""
    items = [
        _t(
            review,
            "scheme_adapted.gate" if d["role"] == "gate" else "scheme_adapted.item",
            indicator=_label(review, d["indicator"])
            if d["indicator"] in CATALOGUE
            else d["indicator"],
            needs=d["needs"],
        )
        for d in note["dropped"]
    ]
    weights = note.get("weights") or {}
    if weights == (note.get("original_weights") or {}):
        weights_text = _t(review, "scheme_adapted.same")
    else:
        shown = (", " if review.language == "en" else "、").join(
            f"{_label(review, i) if i in CATALOGUE else i} {w:.0%}" for i, w in weights.items()
        )
        weights_text = _t(review, "scheme_adapted.weights", weights=shown)
    sep = ", " if review.language == "en" else "、"
    return _t(
        review,
        "scheme_adapted",
        scheme=note.get("scheme", review.scheme.name),
        dropped=sep.join(items),
        weights_text=weights_text,
    )


def scheme_adapted_html(review: Review) -> str:
    """:func:`scheme_adapted_sentence` as a prominent box (every page that shows scores)."""
    sentence = scheme_adapted_sentence(review)
    if not sentence:
        return ""
    return (
        '<div style="border-left:6px solid #e3b341;background:#fff8e1;padding:8px 12px;'
        f'margin:8px 0"><b>{html.escape(sentence)}</b></div>'
    )


def skip_reason(review: Review, reason: str, **values) -> str:
    """Why a section was not computed, in the review's language. ``reason`` is a code
    (``needs``, ``not_scored``, ``no_scores``, ``off``, ``no_table``, ``one_reviewer``,
    ``no_pairs``, ``partial_period``, ``error``) or, for an analysis's own message (a store
    written before the codes), any other text."""
    key = f"skip.{reason}"
    if key in TEXTS:
        values = {k: v for k, v in values.items() if v is not None}
        if "indicators" in values:
            values["indicators"] = ", ".join(
                _label(review, i.strip()) if i.strip() in CATALOGUE else i.strip()
                for i in str(values["indicators"]).split(",")
                if i.strip()
            )
        return _t(review, key, **values)
    return _t(review, "skip.no_analysis", why=reason)


def _section_name(review: Review, section: str) -> str:
    key = f"section.{section}"
    return _t(review, key) if key in TEXTS else section


def skipped_note(review: Review, section: str) -> dict | None:
    """The review's note that ``section`` (a decision: certification, pip, coaching...) was
    skipped, or None when it was computed."""
    return next(
        (n for n in review.notes if n.get("code") == "skipped" and n.get("section") == section),
        None,
    )


def skipped_html(review: Review, section: str, reason: str | None = None, **values) -> str:
    """One paragraph saying that ``section`` is not available for this data and why.

    With ``reason`` None the reason is the review's own note for ``section`` (empty string
    when the section was computed).
    """
    if reason is None:
        note = skipped_note(review, section)
        if note is None:
            return ""
        if note.get("reason_code") == "partial_period":
            sentence = _t(
                review,
                "note.skipped_partial",
                section=_section_name(review, section),
                period=note.get("period", review.period),
                as_of=note.get("as_of", ""),
            )
            return f'<p style="color:#57606a"><i>{html.escape(sentence)}</i></p>'
        reason = note["reason"]
        values = {"indicators": note.get("indicators"), "needs": note.get("needs"), **values}
        detail = note.get("detail")
    else:
        detail = None
    sentence = _t(
        review,
        "skipped.section",
        section=_section_name(review, section),
        reason=skip_reason(review, reason, **values),
    )
    # the library's (English) message of a decision that raised, for analysts: a tooltip
    title = f' title="{html.escape(str(detail))}"' if detail else ""
    return f'<p style="color:#57606a"{title}><i>{html.escape(sentence)}</i></p>'


def _team_text(review: Review) -> str:
    return ", ".join(review.teams) if review.teams else _t(review, "all_teams")


def _sep(review: Review) -> str:
    return _t(review, "review.sep")


def separator(review: Review) -> str:
    """The list separator of the review's language (``", "`` or ``"、"``)."""
    return _sep(review)


def _points(review: Review, value: float) -> str:
    """A signed number of points (``+3.2``, ``-20.0``) in the review's locale."""
    if is_missing(value):
        return format_number(value, review.language)
    sign = "+" if value > 0 else ""
    return sign + format_number(value, review.language, digits=1)


def _frame(review: Review, df: pd.DataFrame, columns: dict) -> str:
    """A manager table (translated headers, formatted cells) as escaped HTML, no index."""
    table = manager_table(df, columns, language=review.language, currency=review.spec.currency)
    return table_html(table)


def _export_link(name: str) -> str:
    return f'<a href="exports/{html.escape(name)}.csv">{html.escape(name)}.csv</a>'


def _shown(review: Review, shown: int, total: int, export: str) -> str:
    """ "N of M shown; the full list is in exports/<export>.csv" (a paragraph with the link)."""
    key = "review.shown" if shown < total else "review.all_shown"
    sentence = html.escape(_t(review, key, shown=shown, total=total, link="\x00"))
    return f"<p>{sentence.replace(chr(0), _export_link(export))}</p>"


def _agent(review: Review, agent_id) -> str:
    names = review.agent_names
    return f"{names.get(agent_id, agent_id)} ({agent_id})"


def _ordered_tiers(review: Review, observed) -> list[str]:
    """Tier names best first: the scheme's, then any other observed (the bottom tier)."""
    tiers = [str(t) for t in review.scheme.tiers]
    rest = sorted({str(t) for t in observed if isinstance(t, str) and t and t not in tiers})
    return tiers + rest


def scored_indicators(review: Review) -> list[str]:
    """The indicators with a weight in the scored period, heaviest first."""
    rows = review.current.indicators.query("weight > 0")
    weights = rows.groupby("indicator")["weight"].mean().sort_values(ascending=False)
    return list(weights.index)


def headline_html(review: Review) -> str:
    """What is assessed, team attainment, score distribution, movement and what moved it
    (the page header, :func:`kpi_lib.report.page.page_header_html`, carries the title)."""
    agents = review.current.agents
    indicators = scored_indicators(review)
    parts = [
        scheme_adapted_html(review),
        _p(
            _t(
                review,
                "review.intro",
                team=_team_text(review),
                scheme=review.scheme.name,
                n_agents=agents["agent_id"].nunique(),
                n_indicators=len(indicators),
                indicators=_sep(review).join(_label(review, i) for i in indicators),
                dataset=review.dataset.name,
            )
        ),
        _p(_t(review, "assessed", what=_t(review, f"assessed.{review.cycle}"))),
        _h(2, _t(review, "h.headline")),
    ]
    items = []
    attain = review.team_indicators[
        (review.team_indicators["indicator"] == "team_target_attainment")
        & (review.team_indicators["period"] == review.scored_period)
    ]
    if len(attain) and attain["value"].notna().any():
        overall = attain["numerator"].sum() / attain["denominator"].sum()
        per_team = _sep(review).join(
            f"{r.team_id} {format_percent(r.value, review.language)}"
            for r in attain.dropna(subset=["value"]).itertuples()
        )
        items.append(
            _t(
                review,
                "headline.attainment",
                value=f"{format_percent(overall, review.language)} ({per_team})",
            )
        )
    else:
        items.append(_t(review, "headline.no_target"))
    comp = agents["composite"].dropna()
    tiers = agents["tier"].value_counts()
    order = _ordered_tiers(review, tiers.index)
    items.append(
        _t(
            review,
            "headline.composite",
            median=comp.median(),
            q1=comp.quantile(0.25),
            q3=comp.quantile(0.75),
            tiers=_sep(review).join(f"{k} {tiers[k]}" for k in order if k in tiers.index),
        )
    )
    items.append(_movement_text(review))
    drivers = _drivers_text(review)
    if drivers:
        items.append(drivers)
    parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def _movement_text(review: Review) -> str:
    if review.previous is None:
        return _t(review, "headline.no_previous")
    tables = change_tables(review)
    moved = tables.get("overall", pd.DataFrame())
    now = review.current.agents
    prev = review.scorecard.for_period(review.previous).agents
    return _t(
        review,
        "headline.movement",
        previous=review.previous,
        delta=now["composite"].median() - prev["composite"].median(),
        up=int(moved["tier_up"].sum()) if len(moved) else 0,
        down=int(moved["tier_down"].sum()) if len(moved) else 0,
    )


def movement_sentences(review: Review) -> list[str]:
    """What changed since the previous period, and which indicators moved the score (the
    headline's sentences, for the index)."""
    sentences = [_movement_text(review)]
    if review.previous is not None:
        drivers = _drivers_text(review)
        if drivers:
            sentences.append(drivers)
    return sentences


def _composite_changes(review: Review, *, by: str | None) -> pd.DataFrame:
    sc = review.scorecard
    return changes.composite_changes(
        sc.agents,
        sc.indicators,
        period=review.scored_period,
        previous=review.previous,
        tiers=list(review.scheme.tiers),
        by=by,
    )


def change_tables(review: Review) -> dict[str, pd.DataFrame]:
    """What changed since the previous period, as tidy tables (empty dict without one).

    Returns
    -------
    dict of str to DataFrame
        ``overall`` and ``teams`` (:func:`kpi_lib.analyses.changes.composite_changes` for all
        agents and per team), ``indicators`` and ``team_indicators``
        (:func:`~kpi_lib.analyses.changes.score_changes` for all agents and per team),
        ``tiers`` (``tier``, ``agents_before``, ``agents_after``, best tier first).
    """
    if review.previous is None or review.previous not in review.scorecard.periods:
        return {}
    sc = review.scorecard
    period, previous = review.scored_period, review.previous
    prev_agents = sc.agents[sc.agents["period"].astype(str) == str(previous)]
    now_agents = sc.agents[sc.agents["period"].astype(str) == str(period)]
    before = prev_agents["tier"].value_counts()
    after = now_agents["tier"].value_counts()
    order = _ordered_tiers(review, set(before.index) | set(after.index))
    tiers = pd.DataFrame(
        {
            "tier": order,
            "agents_before": [int(before.get(t, 0)) for t in order],
            "agents_after": [int(after.get(t, 0)) for t in order],
        }
    )
    return {
        "overall": _composite_changes(review, by=None),
        "teams": _composite_changes(review, by="team_id"),
        "indicators": changes.score_changes(
            sc.indicators, period=period, previous=previous, by=None
        ),
        "team_indicators": changes.score_changes(sc.indicators, period=period, previous=previous),
        "tiers": tiers,
    }


def _drivers_text(review: Review, *, top: int = 3) -> str:
    """ "What moved the average composite: Sales amount -6.2 points, ..." (empty without a
    previous period)."""
    tables = change_tables(review)
    if not tables or tables["indicators"].empty:
        return ""
    ind = tables["indicators"]
    ind = ind[ind["contribution_change"].abs() >= 0.05].head(top)
    if ind.empty:
        return ""
    drivers = _sep(review).join(
        _t(
            review,
            "review.driver",
            indicator=_label(review, r.indicator),
            points=_points(review, r.contribution_change),
        )
        for r in ind.itertuples()
    )
    delta = tables["overall"]["mean_change"].iloc[0] if len(tables["overall"]) else float("nan")
    return _t(review, "review.headline.drivers", delta=_points(review, delta), drivers=drivers)


def changes_html(review: Review, *, trend_periods: int = 12, language: str | None = None) -> str:
    """What changed since the previous period, and why: the composite's change split by
    indicator and by team, agents per tier then and now, a collapsed analyst table of every
    team and indicator, and the small multiples of each indicator's trend per team over the
    last ``trend_periods`` periods (:func:`kpi_lib.report.review_plots.indicator_trends_plot`
    of :func:`trend_table`). ``language``: the one charts are labelled in (from
    :func:`kpi_lib.report.style.setup_plots`; default the review's)."""
    tables = change_tables(review)
    if not tables:
        return _p(_t(review, "headline.no_previous")) + _trends_html(
            review, trend_periods, language
        )
    overall = tables["overall"].iloc[0]
    parts = [
        _h(2, _t(review, "review.h.changes", previous=review.previous)),
        _p(
            _t(
                review,
                "review.changes.explain",
                agents=int(overall["agents"]),
                before=format_number(overall["mean_before"], review.language),
                after=format_number(overall["mean_after"], review.language),
                delta=_points(review, overall["mean_change"]),
            )
        ),
    ]
    if abs(overall["other"]) >= 0.05:
        parts.append(
            _p(_t(review, "review.changes.other", other=_points(review, overall["other"])))
        )
    ind = tables["indicators"].assign(
        label=lambda d: [_label(review, i) for i in d["indicator"]],
        points=lambda d: [_points(review, v) for v in d["contribution_change"]],
        change=lambda d: [_points(review, v) for v in d["score_change"]],
        value_before_text=lambda d: [
            format_indicator(i, v, review.language, currency=review.spec.currency)
            for i, v in zip(d["indicator"], d["value_before"], strict=True)
        ],
        value_after_text=lambda d: [
            format_indicator(i, v, review.language, currency=review.spec.currency)
            for i, v in zip(d["indicator"], d["value_after"], strict=True)
        ],
    )
    parts.append(
        _frame(
            review,
            ind,
            {
                "label": ("review.col.indicator", "text"),
                "value_before_text": ("review.col.value_before", "text"),
                "value_after_text": ("review.col.value_after", "text"),
                "change": ("review.col.score_change", "text"),
                "points": ("review.col.points", "text"),
            },
        )
    )
    teams = tables["teams"]
    per_team = tables["team_indicators"]
    main = per_team.drop_duplicates("team_id").set_index("team_id")
    teams = teams.assign(
        driver=[
            _t(
                review,
                "review.driver",
                indicator=_label(review, main.loc[t, "indicator"]),
                points=_points(review, main.loc[t, "contribution_change"]),
            )
            if t in main.index
            else None
            for t in teams["team_id"]
        ],
        change=[_points(review, v) for v in teams["mean_change"]],
    ).sort_values("mean_change")
    parts.append(_p(_t(review, "review.changes.teams")))
    parts.append(
        _frame(
            review,
            teams,
            {
                "team_id": ("review.col.team", "text"),
                "agents": ("review.col.agents", "count"),
                "mean_before": ("review.col.composite_before", "number"),
                "mean_after": ("review.col.composite_after", "number"),
                "change": ("review.col.composite_change", "text"),
                "driver": ("review.col.main_driver", "text"),
                "tier_up": ("review.col.tier_up", "count"),
                "tier_down": ("review.col.tier_down", "count"),
            },
        )
    )
    parts.append(_p(_t(review, "review.changes.tiers")))
    parts.append(
        _frame(
            review,
            tables["tiers"],
            {
                "tier": ("review.col.tier", "text"),
                "agents_before": ("review.col.agents_before", "count"),
                "agents_after": ("review.col.agents_after", "count"),
            },
        )
    )
    detail = per_team.assign(
        label=[_label(review, i) for i in per_team["indicator"]],
        change=[_points(review, v) for v in per_team["score_change"]],
        points=[_points(review, v) for v in per_team["contribution_change"]],
    )
    parts.append(
        _details(
            _t(review, "review.details.changes"),
            _frame(
                review,
                detail,
                {
                    "team_id": ("review.col.team", "text"),
                    "label": ("review.col.indicator", "text"),
                    "agents": ("review.col.agents", "count"),
                    "score_before": ("review.col.score_before", "number"),
                    "score_after": ("review.col.score_after", "number"),
                    "change": ("review.col.score_change", "text"),
                    "points": ("review.col.points", "text"),
                },
            ),
        )
    )
    parts.append(_trends_html(review, trend_periods, language))
    return "\n".join(parts)


def trend_table(review: Review, *, last: int = 12) -> pd.DataFrame:
    """Mean score per period, team and weighted indicator over the last ``last`` periods up
    to the scored one (:func:`kpi_lib.analyses.changes.indicator_trends`)."""
    periods = review.scorecard.periods
    upto = periods[: periods.index(review.scored_period) + 1]
    return changes.indicator_trends(review.scorecard.indicators, periods=upto, last=last)


def _trends_html(review: Review, last: int, language: str | None) -> str:
    from kpi_lib.report.fonts import setup_fonts
    from kpi_lib.report.review_plots import indicator_trends_plot

    trends = trend_table(review, last=last)
    if trends["period"].nunique() < 2:
        return _p(_t(review, "review.changes.one_period"))
    fig = indicator_trends_plot(trends, language=language or setup_fonts(review.language))
    return _png(fig) + trends_note(review, last=last)


def trends_note(review: Review, *, last: int = 12) -> str:
    """The sentence under the small multiples (or why there are none)."""
    n = trend_table(review, last=last)["period"].nunique()
    if n < 2:
        return _p(_t(review, "review.changes.one_period"))
    return _p(_t(review, "review.changes.trends", n=n))


def board_table(review: Review, *, max_agents: int = 40) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The red / yellow / green board as (values, lights): agents x indicators.

    Agents with the most red lights come first; at most ``max_agents`` rows.
    """
    board = review.board
    names = review.agent_names
    lang = review.language
    reds = board.assign(red=board["light"].eq("red")).groupby("agent_id")["red"].sum()
    order = reds.sort_values(ascending=False, kind="stable").index[:max_agents]
    sub = board[board["agent_id"].isin(order)]
    text_values = sub.assign(
        cell=[
            f"{format_value(i, v, lang, currency=review.spec.currency)} ({format_percent(a, lang)})"
            if np.isfinite(a)
            else format_value(i, v, lang, currency=review.spec.currency)
            for i, v, a in zip(sub["indicator"], sub["value"], sub["attainment"], strict=False)
        ]
    ).pivot_table(index="agent_id", columns="indicator", values="cell", aggfunc="first")
    lights = sub.pivot_table(index="agent_id", columns="indicator", values="light", aggfunc="first")
    text_values = text_values.reindex(order)
    lights = lights.reindex(order).fillna("")
    text_values.columns = [_label(review, c) for c in text_values.columns]
    lights.columns = text_values.columns
    text_values.insert(0, "agent", [f"{names.get(a, a)} ({a})" for a in text_values.index])
    return text_values.fillna("–").reset_index(drop=True), lights.reset_index(drop=True)


def board_html(review: Review, *, max_agents: int = 40) -> str:
    values, lights = board_table(review, max_agents=max_agents)
    yellow = review.scheme.lights.get("yellow", 0.8) if hasattr(review.scheme, "lights") else 0.8
    styles = lights.apply(
        lambda col: col.map(lambda x: f"background:{_LIGHT_COLOURS.get(x, '#d0d7de')};color:#fff")
    )
    parts = [_h(2, _t(review, "h.board")), _p(_t(review, "board.explain", yellow=yellow))]
    total = review.board["agent_id"].nunique()
    if total > max_agents:
        parts.append(_p(_t(review, "board.truncated", shown=max_agents, total=total)))
    parts.append(_html_table(_headers(review, values), cell_styles=styles))
    return "\n".join(parts)


def leaderboard_table(review: Review, *, top: int = 25) -> pd.DataFrame:
    """Leaderboard rows for a manager: rank, agent, team, composite, tier, plausible ranks
    and a note (formatted strings, translated headers)."""
    lb = review.leaderboard.head(top)
    out = lb.assign(
        agent=[_agent(review, a) for a in lb["agent_id"]],
        plausible=[
            f"{lo:.0f}–{hi:.0f}" if pd.notna(lo) and pd.notna(hi) else None
            for lo, hi in zip(lb["rank_low"], lb["rank_high"], strict=False)
        ],
        note=[
            _t(review, "col.not_rankable") if not r else (_t(review, "col.uncertain") if f else "")
            for r, f in zip(lb["rankable"], lb["any_flip"].fillna(False), strict=False)
        ],
    )
    return manager_table(
        out,
        {
            "rank": ("review.col.rank", "count"),
            "agent": ("review.col.agent", "text"),
            "team_id": ("review.col.team", "text"),
            "composite": ("review.col.composite", "number"),
            "tier": ("review.col.tier", "text"),
            "plausible": ("review.col.plausible", "text"),
            "note": ("review.col.note", "text"),
        },
        language=review.language,
        currency=review.spec.currency,
    )


def leaderboard_html(review: Review, *, top: int = 25) -> str:
    """The ranking with each rank's plausible range; the draw statistics in a collapsed
    analyst section."""
    s = review.spec
    parts = [
        _h(2, _t(review, "h.leaderboard")),
        _p(_t(review, "leader.explain", size=s.perturbation, draws=s.draws)),
    ]
    lb = review.leaderboard
    k = int(s.top_k)
    if lb["p_top_k"].notna().any():
        nominal_top = lb.nsmallest(k, "rank")
        n_uncertain = int((nominal_top["p_top_k"] < 0.8).sum())
        parts.append(_p(_t(review, "leader.uncertain", n=n_uncertain, k=k, p=0.8)))
    if (~lb["rankable"].astype(bool)).any():
        parts.append(_p(_t(review, "leader.small")))
    table = leaderboard_table(review, top=top)
    parts.append(table_html(table))
    parts.append(_shown(review, len(table), len(lb), "scorecard"))
    detail = lb.head(top).assign(
        agent=[_agent(review, a) for a in lb.head(top)["agent_id"]],
        plausible=[
            f"{lo:.0f}–{hi:.0f}" if pd.notna(lo) and pd.notna(hi) else None
            for lo, hi in zip(lb.head(top)["rank_low"], lb.head(top)["rank_high"], strict=False)
        ],
    )
    parts.append(
        _details(
            _t(review, "review.details.leaderboard"),
            _frame(
                review,
                detail,
                {
                    "agent": ("review.col.agent", "text"),
                    "rank": ("review.col.rank", "count"),
                    "plausible": ("review.col.plausible", "text"),
                    "p_top_k": ("review.col.p_top", "percent"),
                    "p_bottom_k": ("review.col.p_bottom", "percent"),
                },
            ),
        )
    )
    return "\n".join(parts)


def _gate_values(review: Review) -> pd.DataFrame:
    """agent_id x gate indicator -> observed value in the scored period."""
    rows = review.current.indicators
    ids = [g.indicator for g in review.scheme.gates]
    sub = rows[rows["indicator"].isin(ids)]
    col = "value_observed" if "value_observed" in sub else "value"
    return sub.pivot_table(index="agent_id", columns="indicator", values=col, aggfunc="first")


def gates_text(review: Review, effects=("bonus", "composite")) -> str:
    """The scheme's gates with the given effects in words (empty when none)."""
    items = []
    for g in review.scheme.gates:
        if g.effect not in effects:
            continue
        name = _label(review, g.indicator) if g.indicator in CATALOGUE else g.indicator
        if g.min is not None:
            items.append(
                _t(review, "review.gate.min", indicator=name,
                   value=format_indicator(g.indicator, g.min, review.language, currency=review.spec.currency))
            )  # fmt: skip
        if g.max is not None:
            items.append(
                _t(review, "review.gate.max", indicator=name,
                   value=format_indicator(g.indicator, g.max, review.language, currency=review.spec.currency))
            )  # fmt: skip
    return _sep(review).join(items)


def _gate_failures(review: Review, agent_id, values: pd.DataFrame) -> list[str]:
    out = []
    for g in review.scheme.gates:
        if g.effect not in ("bonus", "composite"):
            continue
        v = (
            values.at[agent_id, g.indicator]
            if (agent_id in values.index and g.indicator in values.columns)
            else float("nan")
        )
        if g.passes(float(v)):
            continue
        name = _label(review, g.indicator) if g.indicator in CATALOGUE else g.indicator
        if is_missing(v):
            out.append(_t(review, "review.status.gate_missing", indicator=name))
        elif g.min is not None and v < g.min:
            out.append(
                _t(review, "review.status.gate_min", indicator=name,
                   value=format_indicator(g.indicator, v, review.language, currency=review.spec.currency),
                   limit=format_indicator(g.indicator, g.min, review.language, currency=review.spec.currency))
            )  # fmt: skip
        else:
            out.append(
                _t(review, "review.status.gate_max", indicator=name,
                   value=format_indicator(g.indicator, v, review.language, currency=review.spec.currency),
                   limit=format_indicator(g.indicator, g.max, review.language, currency=review.spec.currency))
            )  # fmt: skip
    return out


def records_of(value) -> list[dict]:
    """A cell of dict records (a list, or an array after the store's Parquet round trip)."""
    if isinstance(value, list | tuple | np.ndarray):
        return [dict(v) for v in value if isinstance(v, dict)]
    return []


def gate_failure_text(review: Review, record: dict) -> str:
    """One failed gate (a ``gate_failures`` record of the scorecard) in words: the
    indicator, the value the gate judged and the limit it missed."""
    indicator = str(record.get("indicator", ""))
    name = _label(review, indicator) if indicator in CATALOGUE else indicator
    value = record.get("value")
    if is_missing(value):
        return _t(review, "review.status.gate_missing", indicator=name)
    low, high = record.get("min"), record.get("max")
    if not is_missing(low) and value < low:
        key, limit = "review.status.gate_min", low
    elif not is_missing(high):
        key, limit = "review.status.gate_max", high
    else:
        key, limit = "review.status.gate_min", low
    return _t(
        review,
        key,
        indicator=name,
        value=format_indicator(indicator, value, review.language),
        limit=format_indicator(indicator, limit, review.language),
    )


def _hold_text(review: Review, record: dict) -> str:
    reason = record.get("reason")
    if reason == "small_sample":
        # after the store's Parquet round trip every record has every key (None if unset)
        if record.get("rank_low") is not None and record.get("rank_high") is not None:
            return _t(review, "review.hold.small_sample", calls=record.get("calls", "–"),
                      low=record["rank_low"], high=record["rank_high"])  # fmt: skip
        return _t(review, "review.hold.small_sample_rank", calls=record.get("calls", "–"))
    if reason == "gaming_flag":
        key = f"review.check.{record.get('check', '')}"
        check = _t(review, key) if key in TEXTS else _t(review, "review.check.other")
        return _t(review, "review.hold.gaming_flag", check=check)
    if reason == "unrankable":
        return _t(review, "review.hold.unrankable")
    return _t(review, "review.status.not_eligible")


def bonus_status(review: Review) -> pd.DataFrame:
    """Every agent's bonus with the reason in the review's language, from the structured
    columns (gate values, composite, tier, hold records), never the decision's English text.

    Returns
    -------
    DataFrame
        ``review.bonus`` with ``agent`` (name and id), ``status`` (why not paid, or the hold;
        "eligible" otherwise) and ``needs_attention`` (not eligible or held).
    """
    b = review.bonus.copy()
    if b.empty:
        return b.assign(agent=[], status=[], needs_attention=[])
    values = _gate_values(review)
    agents = review.current.agents.set_index("agent_id")
    statuses = []
    for r in b.itertuples():
        parts = []
        if not r.eligible:
            passed = (
                bool(agents["bonus_eligible"].get(r.agent_id, True))
                if ("bonus_eligible" in agents)
                else True
            )
            records = records_of(getattr(r, "failed_gates", None))
            if records:
                failures = [gate_failure_text(review, f) for f in records]
            else:
                failures = [] if passed else _gate_failures(review, r.agent_id, values)
            reason = str(r.reason)
            if reason == "partial_period":
                parts.append(_t(review, "review.status.partial_period"))
            elif reason == "no_composite" or is_missing(r.composite):
                parts.append(_t(review, "review.status.no_composite"))
            elif failures:
                parts.append(_t(review, "review.status.gate", failures=_sep(review).join(failures)))
            elif reason == "below_min":
                parts.append(_t(review, "review.status.below_min"))
            elif reason == "tier_no_bonus":
                parts.append(_t(review, "review.status.tier", tier=r.tier))
            else:
                parts.append(_t(review, "review.status.not_eligible"))
        records = getattr(r, "hold_codes", None)
        # a list, or an array after the store's Parquet round trip
        if not isinstance(records, list | tuple | np.ndarray):
            records = []
        for record in records:
            if isinstance(record, dict):
                parts.append(_hold_text(review, record))
        statuses.append(_sep(review).join(parts) if parts else _t(review, "review.status.paid"))
    held = b["held"].astype(bool) if "held" in b else pd.Series(False, index=b.index)
    b["agent"] = [_agent(review, a) for a in b["agent_id"]]
    b["status"] = statuses
    b["needs_attention"] = (~b["eligible"].astype(bool)) | held
    return b


def _bonus_html(review: Review, max_rows: int) -> list[str]:
    gates = gates_text(review)
    pool = format_currency(review.spec.bonus_pool, review.language, currency=review.spec.currency)
    parts = [
        _h(3, _t(review, "h.bonus")),
        _p(
            _t(review, "review.bonus.explain", pool=pool, gates=gates)
            if gates
            else _t(review, "review.bonus.explain_nogate", pool=pool)
        ),
    ]
    b = bonus_status(review)
    if b.empty:
        parts.append(_p(_t(review, "review.none")))
        return parts
    eligible = int(b["eligible"].sum())
    parts.append(
        _p(
            _t(
                review,
                "review.bonus.summary",
                eligible=eligible,
                total=len(b),
                not_eligible=len(b) - eligible,
            )
        )
    )
    has_hold = "payable" in b
    if has_hold and b["held"].astype(bool).any():
        parts.append(_p(_t(review, "review.bonus.held_summary", held=int(b["held"].sum()))))
    columns = {
        "agent": ("review.col.agent", "text"),
        "team_id": ("review.col.team", "text"),
        "composite": ("review.col.composite", "number"),
        "tier": ("review.col.tier", "text"),
        "bonus": ("review.col.bonus", "currency"),
    }
    if has_hold:
        columns["payable"] = ("review.col.payable", "currency")
    columns["status"] = ("review.col.status", "text")
    attention = b[b["needs_attention"]]
    if len(attention):
        shown = attention.head(max_rows)
        parts.append(_frame(review, shown, columns))
        parts.append(_shown(review, len(shown), len(attention), "bonus"))
    paid = b[~b["needs_attention"]].sort_values("bonus", ascending=False)
    if len(paid):
        shown = paid.head(max_rows)
        parts.append(_frame(review, shown, columns))
        parts.append(_shown(review, len(shown), len(paid), "bonus"))
    return parts


_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "=": "="}


def _condition_value(review: Review, c: dict, value) -> str:
    field = c.get("field", "value")
    if field == "attainment":
        return format_percent(value, review.language)
    if field == "score":
        return format_number(value, review.language, digits=0)
    return format_indicator(c["indicator"], value, review.language, currency=review.spec.currency)


def certification_rule_text(review: Review) -> str:
    """The scheme's certification rule in the review's language, from its conditions."""
    rule = review.scheme.rule("certification") or SENIOR_RULE
    conditions = _t(review, "review.cond.and").join(
        _t(
            review,
            f"review.cond.{c.get('field', 'value')}"
            if f"review.cond.{c.get('field', 'value')}" in TEXTS
            else "review.cond.value",
            indicator=_label(review, c["indicator"])
            if c["indicator"] in CATALOGUE
            else c["indicator"],
            op=_OPS.get(c.get("op", ">="), c.get("op", ">=")),
            value=_condition_value(review, c, c["value"]),
        )
        for c in rule.get("conditions", [])
    )
    return _t(review, "review.cert.rule", n=int(rule.get("consecutive", 2)), conditions=conditions)


def certification_evidence(review: Review, agent_id, period: str | None = None) -> str:
    """The values behind an agent's latest qualifying period, in words."""
    rule = review.scheme.rule("certification") or SENIOR_RULE
    period = period or review.scored_period
    rows = review.scorecard.indicators
    rows = rows[(rows["agent_id"] == agent_id) & (rows["period"].astype(str) == str(period))]
    rows = rows.drop_duplicates("indicator").set_index("indicator")
    values = []
    for c in rule.get("conditions", []):
        field = c.get("field", "value")
        v = rows[field].get(c["indicator"]) if field in rows else None
        name = _label(review, c["indicator"]) if c["indicator"] in CATALOGUE else c["indicator"]
        key = "review.cert.attainment" if field == "attainment" else "review.cert.value"
        values.append(_t(review, key, indicator=name, value=_condition_value(review, c, v)))
    return _t(review, "review.cert.evidence", period=period, values=_sep(review).join(values))


def _current_run(review: Review, last: str, n) -> str:
    """The periods of the streak that runs up to ``last`` (``2026-07 – 2026-10``)."""
    periods = review.scorecard.periods
    if is_missing(n) or int(n) < 1 or str(last) not in periods:
        return str(last)
    end = periods.index(str(last))
    first = periods[max(0, end - int(n) + 1)]
    return str(last) if first == str(last) else f"{first} – {last}"


def _certification_html(review: Review, max_rows: int) -> list[str]:
    parts = [_h(3, _t(review, "h.certification"))]
    if skipped_note(review, "certification"):
        parts.append(skipped_html(review, "certification"))
        return parts
    rule = review.scheme.rule("certification") or SENIOR_RULE
    needed = int(rule.get("consecutive", 2))
    parts.append(_p(_t(review, "cert.explain", rule=certification_rule_text(review))))
    cert = review.certified
    parts.append(
        _p(
            _t(
                review,
                "review.cert.summary",
                n=len(cert),
                needed=needed,
                period=review.scored_period,
            )
        )
    )
    allc = review.certification
    if len(allc) and "current_streak" in allc and needed > 1:
        close = allc[(allc["current_streak"] == needed - 1) & (allc["current_streak"] > 0)]
        close = close[~close["agent_id"].isin(cert.get("agent_id", []))]
        if len(close):
            parts.append(
                _p(_t(review, "review.cert.close", n=len(close), period=review.scored_period))
            )
    if cert.empty:
        parts.append(_p(_t(review, "review.none")))
        return parts
    shown = cert.head(max_rows)
    shown = shown.assign(
        agent=[_agent(review, a) for a in shown["agent_id"]],
        run=[
            _current_run(review, last, n)
            for last, n in zip(shown["last_period"], shown["current_streak"], strict=False)
        ],
        evidence_text=[
            certification_evidence(review, a, p)
            for a, p in zip(shown["agent_id"], shown["last_period"], strict=False)
        ],
    )
    parts.append(
        _frame(
            review,
            shown,
            {
                "agent": ("review.col.agent", "text"),
                "team_id": ("review.col.team", "text"),
                "current_streak": ("review.col.current_streak", "count"),
                "run": ("review.col.qualifying", "text"),
                "evidence_text": ("review.col.evidence", "text"),
            },
        )
    )
    parts.append(_shown(review, len(shown), len(cert), "certification"))
    return parts


def pip_evidence(review: Review, row) -> str:
    """One improvement-plan candidate's evidence in words (from the structured columns)."""
    return _t(
        review,
        "pip.evidence",
        low=int(row.periods_low),
        window=int(row.periods_in_window),
        periods=row.low_periods,
        composites=row.composites,
    )


def _pip_html(review: Review, max_rows: int) -> list[str]:
    parts = [_h(3, _t(review, "h.pip"))]
    if skipped_note(review, "pip"):
        parts.append(skipped_html(review, "pip"))
        return parts
    plan = review.pip_rule
    parts.append(_p(_t(review, "pip.explain", k=plan["min_count"], n=plan["window"])))
    pip = review.pip
    if pip.empty:
        parts.append(_p(_t(review, "review.none")))
        return parts
    shown = pip.head(max_rows)
    shown = shown.assign(
        agent=[_agent(review, a) for a in shown["agent_id"]],
        low=[
            _t(review, "review.pip.low", low=int(r.periods_low), window=int(r.periods_in_window))
            for r in shown.itertuples()
        ],
        evidence_text=[pip_evidence(review, r) for r in shown.itertuples()],
    )
    parts.append(
        _frame(
            review,
            shown,
            {
                "agent": ("review.col.agent", "text"),
                "team_id": ("review.col.team", "text"),
                "low": ("review.col.low", "text"),
                "latest_composite": ("review.col.latest", "number"),
                "evidence_text": ("review.col.evidence", "text"),
            },
        )
    )
    parts.append(_shown(review, len(shown), len(pip), "pip"))
    return parts


def coaching_table(review: Review) -> pd.DataFrame:
    """Each agent's coaching focus with the evidence in words.

    Returns
    -------
    DataFrame
        ``review.coaching`` (weakest gap first) with ``agent``, ``dimension_label``,
        ``indicator_label`` and ``evidence_text`` (the agent's value against the team median,
        and the scores).
    """
    c = review.coaching
    if c.empty or "indicator" not in c:
        return c
    rows = review.current.indicators
    rows = rows[rows["weight"] > 0]
    value = rows.drop_duplicates(["agent_id", "indicator"]).set_index(["agent_id", "indicator"])[
        "value"
    ]
    team_median = rows.groupby(["team_id", "indicator"])["value"].median()
    evidence = []
    for r in c.itertuples():
        if not isinstance(r.indicator, str):
            evidence.append(None)
            continue
        v = value.get((r.agent_id, r.indicator))
        t = team_median.get((r.team_id, r.indicator))
        evidence.append(
            _t(
                review,
                "review.coach.evidence",
                value=format_indicator(
                    r.indicator, v, review.language, currency=review.spec.currency
                ),
                team=format_indicator(
                    r.indicator, t, review.language, currency=review.spec.currency
                ),
                score=format_number(r.indicator_score, review.language, digits=0),
                team_score=format_number(r.team_indicator_score, review.language, digits=0),
            )
        )
    return c.assign(
        agent=[_agent(review, a) for a in c["agent_id"]],
        dimension_label=[dimension_label(d, review.language) for d in c["dimension"]],
        indicator_label=[
            _label(review, i) if isinstance(i, str) and i in CATALOGUE else i
            for i in c["indicator"]
        ],
        below=(-c["gap"]).clip(lower=0),
        evidence_text=evidence,
    )


def _coaching_html(review: Review, max_rows: int) -> list[str]:
    parts = [_h(3, _t(review, "h.coaching"))]
    if skipped_note(review, "coaching"):
        parts.append(skipped_html(review, "coaching"))
        return parts
    parts.append(_p(_t(review, "review.coach.explain")))
    table = coaching_table(review)
    if table.empty or "dimension" not in table:
        parts.append(_p(_t(review, "review.none")))
        return parts
    needing = table[table["gap"] < 0]
    counts = needing["dimension_label"].value_counts()
    if len(counts):
        parts.append(
            _p(
                _t(
                    review,
                    "review.coach.frequent",
                    dims=_sep(review).join(
                        _t(review, "review.coach.count", dimension=d, n=int(n))
                        for d, n in counts.items()
                    ),
                )
            )
        )
    if needing.empty:
        parts.append(_p(_t(review, "review.none")))
        return parts
    shown = needing.head(max_rows)
    parts.append(
        _frame(
            review,
            shown,
            {
                "agent": ("review.col.agent", "text"),
                "team_id": ("review.col.team", "text"),
                "dimension_label": ("review.col.dimension", "text"),
                "below": ("review.col.gap", "number"),
                "indicator_label": ("review.col.work_on", "text"),
                "evidence_text": ("review.col.evidence", "text"),
            },
        )
    )
    parts.append(_shown(review, len(shown), len(needing), "coaching"))
    return parts


def decisions_html(review: Review, *, max_rows: int = 25) -> str:
    """Bonus, certification, PIP and coaching: every listed agent with the reason and the
    evidence in the review's language; a list cut at ``max_rows`` says so and links its
    export (``exports/<name>.csv``)."""
    parts = [_h(2, _t(review, "h.decisions"))]
    parts += _bonus_html(review, max_rows)
    parts += _certification_html(review, max_rows)
    parts += _pip_html(review, max_rows)
    parts += _coaching_html(review, max_rows)
    return "\n".join(parts)


def _finding_parts(review: Review, r) -> tuple[str, str, str]:
    effect = float(r.effect) if pd.notna(r.effect) else float("nan")
    what = text(
        f"finding.{r.kind}",
        review.language,
        a=_label(review, r.indicator_a) if r.indicator_a in CATALOGUE else str(r.indicator_a or ""),
        b=_label(review, r.indicator_b) if r.indicator_b in CATALOGUE else str(r.indicator_b or ""),
        agent=_agent(review, r.agent_id) if r.agent_id else "",
        team=r.team_id or "",
        effect=effect,
    )
    evidence = text(f"evidence.{r.evidence}", review.language)
    action = text(f"action.{r.action}", review.language) if r.action else ""
    return what, evidence, action


#: The analysis's raw figures in an English finding ("(team_complaints=0.32; repurchase=nan)").
# "(r = -0.45 (95 % interval -0.77 to -0.13))": figures, with one level of nesting
_DETAILS = re.compile(r"\s*\((?:[^()]|\([^()]*\))*=(?:[^()]|\([^()]*\))*\)")


def _finding_words(review: Review, findings: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(what, evidence, action) per finding in the review's language. The catalogue's
    English forms of the finding sentences are empty: English comes from
    :func:`kpi_lib.report.conflict_text.findings_text`."""
    words = [_finding_parts(review, r) for r in findings.itertuples()]
    if review.language != "en" or findings.empty:
        return words
    from kpi_lib.report.conflict_text import findings_text

    english = findings_text(findings, language="en")
    return [
        (_DETAILS.sub("", str(e.finding)), evidence, str(e.recommendation))
        for e, (_, evidence, _) in zip(english.itertuples(), words, strict=True)
    ]


def finding_sentences(review: Review) -> list[str]:
    """One sentence per indicator-health finding in the review's language, with the action."""
    out = []
    for what, evidence, action in _finding_words(review, diverse_findings(review)):
        if review.language == "en":
            out.append(f"{what} ({evidence} evidence) {action}".strip())
        else:
            out.append(f"{what}（{evidence}）{action}")
    return out


def _p_text(p) -> str | None:
    if is_missing(p):
        return None
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def health_html(review: Review) -> str:
    """Top conflicts and gaming signals with what to do about each; the figures (effect
    sizes, adjusted p-values, sources) in a collapsed analyst section."""
    parts = [_h(2, _t(review, "h.health")), _p(_t(review, "health.explain"))]
    findings = diverse_findings(review)
    if findings.empty:
        parts.append(_p(_t(review, "health.none")))
        return "\n".join(parts)
    items = "".join(f"<li>{html.escape(s)}</li>" for s in finding_sentences(review))
    parts.append(f"<ol>{items}</ol>")
    detail = findings.assign(
        finding=[w[0] for w in _finding_words(review, findings)],
        strength=[text(f"evidence.{e}", review.language) for e in findings["evidence"]],
        p_text=[_p_text(p) for p in findings["p_adj"]],
    )
    columns = {
        "finding": ("review.col.finding", "text"),
        "effect": ("review.col.effect", "number"),
        "strength": ("review.col.strength", "text"),
        "p_text": ("review.col.p_value", "text"),
    }
    if review.language == "en":  # the sources' wording is English
        columns["practice"] = ("review.col.source", "text")
    parts.append(_details(_t(review, "review.details.health"), _frame(review, detail, columns)))
    return "\n".join(parts)


def scheme_html(review: Review) -> str:
    """Scheme review and effective weights (quarterly and annual cycles)."""
    if review.cycle not in ("quarterly", "annual"):
        return ""
    parts = [_h(2, _t(review, "h.scheme")), _p(_t(review, "scheme.explain"))]
    if len(review.effective):
        parts.append(_p(_t(review, "sensitivity.explain")))
        eff = review.effective.assign(
            label=[_label(review, i) for i in review.effective["indicator"]]
        )
        parts.append(
            _frame(
                review,
                eff,
                {
                    "label": ("review.col.indicator", "text"),
                    "weight": ("review.col.weight", "percent"),
                    "variance_share": ("review.col.effective", "percent"),
                },
            )
        )
    findings = review.scheme_findings
    if len(findings):
        severity = {s: f"scorecard.severity.{s}" for s in findings["severity"].unique()}
        findings = findings.assign(
            severity=[
                _t(review, severity[s]) if severity[s] in TEXTS else s for s in findings["severity"]
            ],
            label=[
                _label(review, i) if isinstance(i, str) and i in CATALOGUE else i
                for i in findings["indicator"]
            ],
            message=[with_labels(m, review.language) for m in findings["message"]],
        )
        columns = {
            "severity": ("review.col.severity", "text"),
            "code": ("review.col.check", "text"),
            "label": ("review.col.indicator", "text"),
        }
        if review.language == "en":  # the scheme checks word their findings in English
            columns["message"] = ("review.col.message", "text")
        # the id last, for an analyst matching the finding to the scheme file
        columns["indicator"] = ("review.col.indicator_id", "text")
        parts.append(
            _details(_t(review, "review.details.scheme"), _frame(review, findings, columns))
        )
    else:
        parts.append(_p(_t(review, "review.nothing")))
    return "\n".join(parts)


# ------------------------------------------------------------------------------ agent pages


def _improves(indicator: str, value, goal) -> bool:
    if is_missing(value) or is_missing(goal):
        return False
    lower = CATALOGUE[indicator].direction == "lower" if indicator in CATALOGUE else False
    return goal < value if lower else goal > value


def agent_page_data(review: Review, agent_id: str, *, history_periods: int = 6) -> dict:
    """Strengths, weaknesses, trends, coaching focus and three talking points for one agent.

    Returns
    -------
    dict
        ``summary`` (sentence), ``strengths`` and ``weaknesses`` (lists of sentences),
        ``talking_points`` (three sentences that never contradict themselves: praise only
        for a result that is really better than the team's or on target), ``focus`` (the
        coaching focus in words, or empty), ``trend`` (DataFrame: period, composite,
        team_median) and ``indicator_trend`` (period, indicator, score, team_score).
    """
    rows = review.current.indicators
    rows = rows[rows["weight"] > 0]
    mine = rows[rows["agent_id"] == agent_id]
    if mine.empty:
        raise KeyError(f"Agent {agent_id!r} has no scored indicators in {review.period}.")
    team_id = mine["team_id"].iloc[0]
    team_rows = rows[rows["team_id"] == team_id]
    team_median_value = team_rows.groupby("indicator")["value"].median()
    team_median_score = team_rows.groupby("indicator")["score"].mean()
    mine = mine.assign(
        team_value=mine["indicator"].map(team_median_value),
        gap=mine["score"] - mine["indicator"].map(team_median_score),
    ).dropna(subset=["score"])
    lang = review.language

    def fmt(indicator, value):
        return format_indicator(indicator, value, lang, currency=review.spec.currency)

    def vs(r):
        return _t(
            review,
            "agent.vs",
            indicator=_label(review, r.indicator),
            value=fmt(r.indicator, r.value),
            target=fmt(r.indicator, r.target),
            team=fmt(r.indicator, r.team_value),
        )

    def really_better(r) -> bool:
        return r.gap > 0 and fmt(r.indicator, r.value) != fmt(r.indicator, r.team_value)

    strengths = [vs(r) for r in mine.nlargest(2, "gap").itertuples() if really_better(r)]
    weak_rows = mine.sort_values(["attainment", "gap"], na_position="last")
    weak_rows = weak_rows[
        (weak_rows["attainment"].notna() & (weak_rows["attainment"] < 1)) | (weak_rows["gap"] < 0)
    ]
    weaknesses = [vs(r) for r in weak_rows.head(2).itertuples()]
    agents = review.current.agents.set_index("agent_id")
    a = agents.loc[agent_id]
    summary = _t(
        review,
        "agent.summary",
        composite=a["composite"] if pd.notna(a["composite"]) else float("nan"),
        rank="–" if pd.isna(a["rank"]) else f"{a['rank']:.0f}",
        n=agents["composite"].notna().sum(),
        tier=a["tier"] or "–",
    )
    periods = review.scorecard.periods
    upto = periods[: periods.index(review.scored_period) + 1][-history_periods:]
    hist = review.scorecard.agents[review.scorecard.agents["period"].isin(upto)]
    trend = (
        hist[hist["agent_id"] == agent_id][["period", "composite"]]
        .merge(
            hist[hist["team_id"] == team_id]
            .groupby("period")["composite"]
            .median()
            .rename("team_median"),
            on="period",
            how="left",
        )
        .sort_values("period")
        .reset_index(drop=True)
    )
    ih = review.scorecard.indicators
    ih = ih[ih["period"].isin(upto) & (ih["weight"] > 0) & (ih["team_id"] == team_id)]
    team_score = ih.groupby(["period", "indicator"])["score"].mean().rename("team_score")
    indicator_trend = (
        ih[ih["agent_id"] == agent_id][["period", "indicator", "score"]]
        .merge(team_score.reset_index(), on=["period", "indicator"], how="left")
        .sort_values(["indicator", "period"])
        .reset_index(drop=True)
    )
    talking = []
    best = mine.sort_values("gap", ascending=False)
    on_target = mine[mine["attainment"].notna() & (mine["attainment"] >= 1)].sort_values(
        "attainment", ascending=False
    )
    if len(best) and really_better(best.iloc[0]):
        r = best.iloc[0]
        talking.append(
            _t(
                review,
                "talk.praise",
                indicator=_label(review, r.indicator),
                value=fmt(r.indicator, r.value),
                gap=_t(review, "better"),
                team=fmt(r.indicator, r.team_value),
            )
        )
    elif len(on_target):
        r = on_target.iloc[0]
        talking.append(
            _t(
                review,
                "review.talk.praise_target",
                indicator=_label(review, r.indicator),
                value=fmt(r.indicator, r.value),
                target=fmt(r.indicator, r.target),
            )
        )
    elif len(best):
        r = best.iloc[0]
        talking.append(
            _t(
                review,
                "review.talk.praise_closest",
                indicator=_label(review, r.indicator),
                value=fmt(r.indicator, r.value),
                team=fmt(r.indicator, r.team_value),
            )
        )
    if len(weak_rows):
        r = weak_rows.iloc[0]
        if pd.notna(r.attainment) and pd.notna(r.target):
            talking.append(
                _t(
                    review,
                    "talk.problem",
                    indicator=_label(review, r.indicator),
                    value=fmt(r.indicator, r.value),
                    target=fmt(r.indicator, r.target),
                    attainment=r.attainment,
                )
            )
        else:
            talking.append(
                _t(
                    review,
                    "review.talk.problem_team",
                    indicator=_label(review, r.indicator),
                    value=fmt(r.indicator, r.value),
                    team=fmt(r.indicator, r.team_value),
                )
            )
        goal = r.target if _improves(r.indicator, r.value, r.target) else r.team_value
        if _improves(r.indicator, r.value, goal):
            lower = (
                CATALOGUE[r.indicator].direction == "lower" if r.indicator in CATALOGUE else False
            )
            talking.append(
                _t(
                    review,
                    "talk.plan_lower" if lower else "talk.plan",
                    indicator=_label(review, r.indicator),
                    value=fmt(r.indicator, r.value),
                    goal=fmt(r.indicator, goal),
                )
            )
    else:
        talking.append(_t(review, "review.talk.keep"))
    if len(trend) >= 2 and trend["composite"].notna().sum() >= 2 and len(talking) < 3:
        delta = trend["composite"].dropna().iloc[-1] - trend["composite"].dropna().iloc[0]
        talking.append(
            _t(
                review,
                "talk.trend_up" if delta >= 0 else "talk.trend_down",
                delta=delta,
                n=len(trend),
            )
        )
    focus = ""
    coaching = coaching_table(review)
    if len(coaching) and "agent_id" in coaching:
        mine_c = coaching[coaching["agent_id"] == agent_id]
        if len(mine_c) and isinstance(mine_c["indicator"].iloc[0], str):
            c = mine_c.iloc[0]
            focus = _t(
                review,
                "review.agent.focus",
                indicator=c["indicator_label"],
                dimension=c["dimension_label"],
                evidence=c["evidence_text"],
            )
    return {
        "agent_id": agent_id,
        "team_id": team_id,
        "summary": summary,
        "strengths": strengths,
        "weaknesses": weaknesses,
        "talking_points": talking[:3],
        "focus": focus,
        "trend": trend,
        "indicator_trend": indicator_trend,
    }


def _pick_agents(review: Review, max_pages: int) -> list[str]:
    agents = review.current.agents
    if review.teams:
        return agents.sort_values("rank")["agent_id"].tolist()
    first = []
    for frame in (review.pip, review.certified, review.bonus.nlargest(3, "bonus")):
        first += [a for a in frame.get("agent_id", []) if a not in first]
    rest = [a for a in agents.sort_values("rank")["agent_id"] if a not in first]
    return (first + rest)[:max_pages]


def _agent_decisions(review: Review, agent_id) -> str:
    items = []
    bonus = review.bonus.set_index("agent_id")["bonus"] if len(review.bonus) else pd.Series()
    if agent_id in bonus.index and bonus[agent_id] > 0:
        amount = format_currency(bonus[agent_id], review.language, currency=review.spec.currency)
        items.append(_t(review, "review.agent.bonus", amount=amount))
    if agent_id in set(review.certified.get("agent_id", [])):
        items.append(_t(review, "review.agent.certified"))
    if agent_id in set(review.pip.get("agent_id", [])):
        items.append(_t(review, "review.agent.on_pip"))
    return _t(review, "review.agent.decisions", items=_sep(review).join(items)) if items else ""


def _list(items: list[str], review: Review, tag: str = "ul") -> str:
    items = items or [_t(review, "review.nothing")]
    return f"<{tag}>" + "".join(f"<li>{html.escape(s)}</li>" for s in items) + f"</{tag}>"


def agent_pages_html(
    review: Review, *, max_pages: int = 12, history_periods: int = 6, language: str | None = None
) -> str:
    """One collapsed page per agent for the monthly one-to-one (all agents of the selected
    teams): decisions, coaching focus, strengths, talking points and the trend of the
    composite and of every indicator. ``language``: the one charts are labelled in (from
    :func:`kpi_lib.report.style.setup_plots`; default the review's)."""
    from kpi_lib.report.fonts import setup_fonts
    from kpi_lib.report.review_plots import agent_trend_plot

    chart_language = language or setup_fonts(review.language)
    chosen = _pick_agents(review, max_pages)
    total = review.current.agents["agent_id"].nunique()
    parts = [_h(2, _t(review, "h.agents")), _p(_t(review, "review.agent.open"))]
    if len(chosen) < total:
        parts.append(_p(_t(review, "agent.pages_truncated", shown=len(chosen), total=total)))
    names = review.agent_names
    agents = review.current.agents.set_index("agent_id")
    for agent_id in chosen:
        try:
            page = agent_page_data(review, agent_id, history_periods=history_periods)
        except KeyError:
            continue
        fig = agent_trend_plot(page["trend"], page["indicator_trend"], language=chart_language)
        a = agents.loc[agent_id]
        summary = _t(
            review,
            "review.agent.summary_line",
            name=names.get(agent_id, agent_id),
            agent_id=agent_id,
            team=page["team_id"],
            composite=format_number(a["composite"], review.language),
            tier=a["tier"] or _t(review, "review.no_tier"),
        )
        body = [
            _h(
                3,
                _t(
                    review,
                    "agent.title",
                    name=names.get(agent_id, agent_id),
                    agent_id=agent_id,
                    team=page["team_id"],
                ),
            ),  # fmt: skip
            _p(page["summary"]),
        ]
        decided = _agent_decisions(review, agent_id)
        if decided:
            body.append(_p(decided))
        if page["focus"]:
            body.append(_p(page["focus"]))
        body += [
            _h(4, _t(review, "agent.talking")),
            _list(page["talking_points"], review, "ol"),
            _h(4, _t(review, "agent.strengths")),
            _list(page["strengths"], review),
            _h(4, _t(review, "agent.weaknesses")),
            _list(page["weaknesses"], review),
            _h(4, _t(review, "agent.trend")),
            _p(_t(review, "review.agent.trend_note")),
            _png(fig),
        ]
        parts.append(
            '<section class="agent-page">' + _details(summary, "\n".join(body)) + "</section>"
        )
    return "\n".join(parts)


def data_html(review: Review) -> str:
    """Rows read, used and set aside per table."""
    report = review.dataset.load_report
    summary = report[report["reason"] == ""]
    summary = summary.assign(table=[table_name(t, review.language) for t in summary["table"]])
    return "\n".join(
        [
            _h(2, _t(review, "h.data")),
            _p(_t(review, "data.explain")),
            _frame(
                review,
                summary,
                {
                    "table": ("review.col.table", "text"),
                    "rows_read": ("review.col.rows_read", "count"),
                    "rows_used": ("review.col.rows_used", "count"),
                    "rows_quarantined": ("review.col.rows_quarantined", "count"),
                },
            ),
        ]
    )


def _indicator_list(review: Review, ids) -> str:
    """Indicator ids (a list, or a comma-separated string) as labels joined for the language."""
    if isinstance(ids, str):
        ids = ids.split(",")
    return _sep(review).join(
        _label(review, str(i).strip()) if str(i).strip() in CATALOGUE else str(i).strip()
        for i in ids
        if str(i).strip()
    )


def _cycle_name(review: Review, cycle) -> str:
    key = f"cycle.{cycle}"
    return _t(review, key) if key in TEXTS else str(cycle)


def scoring_note(review: Review, note: dict | str) -> str:
    """A note of the scorecard (a :attr:`Scorecard.notes` record: ``code`` + values, or the
    review note wrapping it, its code under ``note``) in the review's language. A note
    of an unknown code names the code; an English sentence (a store written before the
    codes) is shown as written."""
    if isinstance(note, str):
        return note
    if "text" in note and "note" not in note:
        return str(note["text"])
    code = note.get("note", note.get("code"))
    if code == "not_assessed":
        return _t(review, "review.note.not_assessed", cycle=_cycle_name(review, note["cycle"]),
                  indicators=_indicator_list(review, note["indicators"]))  # fmt: skip
    if code == "derived_target":
        counts = note.get("agent_periods") or [None] * len(note["indicators"])
        return _sep(review).join(
            _t(
                review,
                "review.note.derived_target",
                indicator=_indicator_list(review, [i]),
                n=format_number(n, review.language, digits=0),
            )  # fmt: skip
            for i, n in zip(note["indicators"], counts, strict=False)
        )
    if code == "no_target":
        return _t(review, "review.note.no_target",
                  indicators=_indicator_list(review, note["indicators"]))  # fmt: skip
    if code == "shrunk":
        return _t(review, "review.note.shrunk")
    if code == "geometric_shift":
        return _t(review, "review.note.geometric")
    if code == "gates_missing":
        return _t(review, "review.note.gates_missing",
                  indicators=_indicator_list(review, note["indicators"]))  # fmt: skip
    if code == "other_granularity":
        return _t(review, "review.note.other_granularity",
                  cycle=_cycle_name(review, note["cycle"]),
                  used=_t(review, f"review.granularity.{note['used']}")
                  if f"review.granularity.{note['used']}" in TEXTS else str(note["used"]))  # fmt: skip
    return _t(review, "review.note.unknown", code=str(code))


def note_sentences(review: Review) -> list[str]:
    """The review's notes (decisions taken on the reader's behalf) as sentences."""
    out = []
    for note in review.notes:
        code = note.get("code")
        if code == "scoring":
            out.append(scoring_note(review, note))
        elif code == "partial_period":
            out.append(_t(review, "partial_period", period=note["period"], share=note["share"]))
        elif code == "board.weekly":
            start, end, _ = period_bounds(note["period"])
            elapsed = note.get("working_days")
            total = note.get("working_days_total")
            if elapsed is None:  # a store written before working days
                elapsed = (pd.Timestamp(note["as_of"]) - pd.Timestamp(start)).days + 1
                total = (pd.Timestamp(end) - pd.Timestamp(start)).days
            out.append(
                _t(review, "board.weekly", elapsed=elapsed, total=total, period=note["period"])
            )
        elif code == "scheme_adapted":
            out.append(scheme_adapted_sentence(review))
        elif code == "previous_span":
            out.append(
                _t(
                    review,
                    "note.previous_span",
                    period=note["period"],
                    as_of=note["as_of"],
                    days=note["working_days"],
                    previous=note["previous"],
                    start=note["previous_from"],
                    end=note["previous_to"],
                )
            )
        elif code == "partial_target":
            out.append(
                _t(
                    review,
                    "note.partial_target",
                    agents=note["agents"],
                    indicators=", ".join(_label(review, i) for i in note["indicators"]),
                    period=note["period"],
                    examples=", ".join(note["agent_ids"][:3]),
                )
            )
        elif code == "period_latest_partial":
            out.append(
                _t(
                    review,
                    "note.period_latest_partial",
                    cycle=_t(review, f"cycle.{note['cycle']}").lower(),
                    period=note["period"],
                )
            )
        elif code == "skipped" and note.get("reason_code") == "partial_period":
            out.append(
                _t(
                    review,
                    "note.skipped_partial",
                    section=_section_name(review, note["section"]),
                    period=note["period"],
                    as_of=note["as_of"],
                )
            )
        elif code == "skipped":
            reason = skip_reason(
                review,
                note["reason"],
                indicators=note.get("indicators"),
                needs=note.get("needs"),
            )
            section = _section_name(review, note["section"])
            out.append(_t(review, "note.skipped", section=section, reason=reason))
        elif code == "spot_check_returned":
            out.append(
                _t(
                    review,
                    "note.spot_check_returned",
                    sheet=note["sheet"],
                    used=note["rows_used"],
                    aside=note["rows_set_aside"],
                )
            )
        elif code == "spot_check_unreadable":
            out.append(
                _t(review, "note.spot_check_unreadable", sheet=note["sheet"], reason=note["reason"])
            )
        elif code == "no_rank_study":
            out.append(_t(review, "note.no_rank_study", agents=note["agents"]))
        else:
            out.append(str(note))
    return out


def notes_html(review: Review) -> str:
    """Decisions taken on the reader's behalf (derived targets, rescaled weights...)."""
    sentences = note_sentences(review)
    if not sentences:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in sentences)
    return _h(3, _t(review, "notes")) + f"<ul>{items}</ul>"
