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
import math

import numpy as np
import pandas as pd

from kpi_lib.indicators.catalogue import CATALOGUE, dimension_label, label
from kpi_lib.indicators.periods import period_bounds
from kpi_lib.report.review_text import TEXTS, text
from kpi_lib.review.pipeline import Review, diverse_findings
from kpi_lib.scoring.schemes import SENIOR_RULE

__all__ = [
    "format_value",
    "headline_html",
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


def format_value(indicator: str, value) -> str:
    """An indicator value as a manager reads it (percentages, currency, seconds...)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return "–"
    unit = CATALOGUE[indicator].unit if indicator in CATALOGUE else ""
    if unit == "share":
        return f"{value:.1%}"
    if unit == "currency":
        return f"{value:,.0f}"
    if unit == "seconds":
        return f"{value:.0f} s"
    if unit == "minutes":
        return f"{value:,.0f} min"
    if unit.startswith("score") or unit.startswith("level"):
        return f"{value:.2f}"
    if unit.startswith("per 100"):
        return f"{value:.1f}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _html_table(df: pd.DataFrame, *, cell_styles: pd.DataFrame | None = None) -> str:
    """A plain, readable HTML table (escaped), optionally with per-cell inline styles."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for i in range(len(df)):
        cells = []
        for j, col in enumerate(df.columns):
            style = ""
            if cell_styles is not None and col in cell_styles.columns:
                s = cell_styles.iloc[i][col]
                style = f' style="{s}"' if isinstance(s, str) and s else ""
            cells.append(f"<td{style}>{html.escape(str(df.iloc[i, j]))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="kpi-table" style="border-collapse:collapse;font-size:0.9em">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


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
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
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
    ``no_pairs``) or, for an analysis's own message, any other text."""
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
        reason = note["reason"]
        values = {"indicators": note.get("indicators"), "needs": note.get("needs"), **values}
    sentence = _t(
        review,
        "skipped.section",
        section=_section_name(review, section),
        reason=skip_reason(review, reason, **values),
    )
    return f'<p style="color:#57606a"><i>{html.escape(sentence)}</i></p>'


def _team_text(review: Review) -> str:
    return ", ".join(review.teams) if review.teams else _t(review, "all_teams")


def headline_html(review: Review) -> str:
    """What is assessed, team attainment, score distribution and movement (the page header,
    :func:`kpi_lib.report.page.page_header_html`, carries the title)."""
    agents = review.current.agents
    weights = review.current.indicators.query("weight > 0")["indicator"].unique()
    dims = review.current.dimensions["dimension"].unique()
    parts = [
        scheme_adapted_html(review),
        _p(
            _t(
                review,
                "intro",
                team=_team_text(review),
                scheme=review.scheme.name,
                n_agents=agents["agent_id"].nunique(),
                n_indicators=len(weights),
                dimensions=", ".join(dimension_label(d, review.language) for d in dims),
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
        per_team = ", ".join(
            f"{r.team_id} {r.value:.0%}" for r in attain.dropna(subset=["value"]).itertuples()
        )
        items.append(_t(review, "headline.attainment", value=f"{overall:.0%} ({per_team})"))
    else:
        items.append(_t(review, "headline.no_target"))
    comp = agents["composite"].dropna()
    tiers = agents["tier"].value_counts().sort_index()
    items.append(
        _t(
            review,
            "headline.composite",
            median=comp.median(),
            q1=comp.quantile(0.25),
            q3=comp.quantile(0.75),
            tiers=", ".join(f"{k} {v}" for k, v in tiers.items() if k),
        )
    )
    items.append(_movement_text(review))
    parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def _movement_text(review: Review) -> str:
    if review.previous is None:
        return _t(review, "headline.no_previous")
    prev = review.scorecard.for_period(review.previous).agents
    now = review.current.agents
    both = now.merge(prev, on="agent_id", suffixes=("", "_prev"))
    order = {t: i for i, t in enumerate(review.scheme.tiers)}
    bottom = len(order)
    now_pos = both["tier"].map(lambda t: order.get(t, bottom))
    prev_pos = both["tier_prev"].map(lambda t: order.get(t, bottom))
    return _t(
        review,
        "headline.movement",
        previous=review.previous,
        delta=now["composite"].median() - prev["composite"].median(),
        up=int((now_pos < prev_pos).sum()),
        down=int((now_pos > prev_pos).sum()),
    )


def board_table(review: Review, *, max_agents: int = 40) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The red / yellow / green board as (values, lights): agents x indicators.

    Agents with the most red lights come first; at most ``max_agents`` rows.
    """
    board = review.board
    names = review.agent_names
    reds = board.assign(red=board["light"].eq("red")).groupby("agent_id")["red"].sum()
    order = reds.sort_values(ascending=False, kind="stable").index[:max_agents]
    sub = board[board["agent_id"].isin(order)]
    text_values = sub.assign(
        cell=[
            f"{format_value(i, v)} ({a:.0%})" if np.isfinite(a) else format_value(i, v)
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
    """Leaderboard rows: rank, agent, composite, tier and the rank interval under weight noise."""
    lb = review.leaderboard.head(top)
    out = pd.DataFrame(
        {
            "rank": lb["rank"].map(lambda r: "–" if pd.isna(r) else f"{r:.0f}"),
            "agent": [f"{n} ({a})" for n, a in zip(lb["agent_name"], lb["agent_id"], strict=False)],
            "team": lb["team_id"],
            "composite": lb["composite"].map(lambda v: f"{v:.1f}" if pd.notna(v) else "–"),
            "tier": lb["tier"],
            "range": [
                f"{lo:.0f}–{hi:.0f}" if pd.notna(lo) else "–"
                for lo, hi in zip(lb["rank_low"], lb["rank_high"], strict=False)
            ],
            "p_top": lb["p_top_k"].map(lambda p: f"{p:.0%}" if pd.notna(p) else "–"),
            "note": [
                (
                    _t(review, "col.not_rankable")
                    if not r
                    else (_t(review, "col.uncertain") if f else "")
                )
                for r, f in zip(lb["rankable"], lb["any_flip"].fillna(False), strict=False)
            ],
        }
    )
    return out


def leaderboard_html(review: Review, *, top: int = 25) -> str:
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
    styles = pd.DataFrame(
        {"note": table["note"].map(lambda n: "color:#cf222e;font-weight:bold" if n else "")}
    )
    parts.append(_html_table(_headers(review, table), cell_styles=_headers(review, styles)))
    return "\n".join(parts)


def decisions_html(review: Review, *, max_rows: int = 25) -> str:
    """Bonus, certification, PIP and coaching tables with one sentence each."""
    names = review.agent_names

    def agent(col):
        return [f"{names.get(a, a)} ({a})" for a in col]

    parts = [_h(2, _t(review, "h.decisions")), _h(3, _t(review, "h.bonus"))]
    gates = [g.text() for g in review.scheme.gates] if review.scheme.gates else []
    gate_text = f" ({'; '.join(gates)})" if gates else ""
    parts.append(_p(_t(review, "bonus.explain", pool=review.spec.bonus_pool, gate_text=gate_text)))
    bonus = review.bonus.sort_values("bonus", ascending=False).head(max_rows)
    parts.append(
        _table(
            review,
            pd.DataFrame(
                {
                    "agent": agent(bonus["agent_id"]),
                    "team": bonus["team_id"],
                    "composite": bonus["composite"].round(1),
                    "tier": bonus["tier"],
                    "bonus": bonus["bonus"].map(lambda b: f"{b:,.0f}"),
                    "reason": bonus["reason"],
                }
            ),
        )
    )
    parts.append(_h(3, _t(review, "h.certification")))
    cert = review.certified.head(max_rows)
    if skipped_note(review, "certification"):
        parts.append(skipped_html(review, "certification"))
    else:
        parts.append(_p(_t(review, "cert.explain", rule=_rule_text(review))))
        parts.append(
            _table(
                review,
                pd.DataFrame(
                    {
                        "agent": agent(cert["agent_id"]),
                        "team": cert["team_id"],
                        "periods": cert["periods"].astype(str),
                        "evidence": [
                            _t(review, "cert.evidence", streak=int(n), last=last)
                            for n, last in zip(
                                cert["current_streak"], cert["last_period"], strict=False
                            )
                        ],
                    }
                ),
            )
            if len(cert)
            else _p(_t(review, "none"))
        )
    parts.append(_h(3, _t(review, "h.pip")))
    plan = review.pip_rule
    if skipped_note(review, "pip"):
        parts.append(skipped_html(review, "pip"))
    else:
        parts.append(_p(_t(review, "pip.explain", k=plan["min_count"], n=plan["window"])))
    pip = review.pip.head(max_rows)
    parts.append(
        ""
        if skipped_note(review, "pip")
        else _table(
            review,
            pd.DataFrame(
                {
                    "agent": agent(pip["agent_id"]),
                    "team": pip["team_id"],
                    "evidence": pip["evidence"],
                }
            ),
        )
        if len(pip)
        else _p(_t(review, "none"))
    )
    parts.append(_h(3, _t(review, "h.coaching")))
    if skipped_note(review, "coaching"):
        parts.append(skipped_html(review, "coaching"))
        return "\n".join(parts)
    parts.append(_p(_t(review, "coaching.explain")))
    if "dimension" not in review.coaching or review.coaching.empty:
        parts.append(_p(_t(review, "none")))
        return "\n".join(parts)
    focus = (
        review.coaching.assign(
            dimension=review.coaching["dimension"].map(
                lambda d: dimension_label(d, review.language)
            )
        )
        .groupby("dimension")
        .size()
        .sort_values(ascending=False)
        .rename("agents")
        .reset_index()
    )
    parts.append(_table(review, focus))
    return "\n".join(parts)


def _rule_text(review: Review) -> str:
    """The certification rule in words: the sources' wording for the seeds' rule."""
    rule = review.scheme.rule("certification")
    if rule == SENIOR_RULE or rule is None:
        return _t(review, "cert.rule")
    conditions = ", ".join(
        f"{_label(review, c['indicator']) if c['indicator'] in CATALOGUE else c['indicator']} "
        f"{c.get('field', 'value')} {c.get('op', '>=')} {c['value']:g}"
        for c in rule["conditions"]
    )
    return _t(
        review,
        "cert.rule.custom",
        name=rule.get("name", "certification"),
        n=rule.get("consecutive", 2),
        conditions=conditions,
    )


def health_html(review: Review) -> str:
    """Top conflicts and gaming signals with what to do about each."""
    from kpi_lib.report.conflict_text import findings_text

    parts = [_h(2, _t(review, "h.health")), _p(_t(review, "health.explain"))]
    findings = diverse_findings(review)
    if findings.empty:
        parts.append(_p(_t(review, "health.none")))
        return "\n".join(parts)
    if review.language == "en":
        words = findings_text(findings, language="en")
        items = "".join(
            f"<li><b>{html.escape(str(r.finding))}</b> ({html.escape(str(r.evidence))})<br/>"
            f"{html.escape(str(r.recommendation))} <i>[{html.escape(str(r.practice))}]</i></li>"
            for r in words.itertuples()
        )
    else:
        items = "".join(f"<li><b>{html.escape(s)}</b></li>" for s in finding_sentences(review))
    parts.append(f"<ol>{items}</ol>")
    return "\n".join(parts)


def finding_sentences(review: Review) -> list[str]:
    """One sentence per indicator-health finding in the review's language (with the action)."""
    out = []
    for r in diverse_findings(review).itertuples():
        effect = float(r.effect) if pd.notna(r.effect) else float("nan")
        what = text(
            f"finding.{r.kind}",
            review.language,
            a=_label(review, r.indicator_a)
            if r.indicator_a in CATALOGUE
            else str(r.indicator_a or ""),
            b=_label(review, r.indicator_b)
            if r.indicator_b in CATALOGUE
            else str(r.indicator_b or ""),
            agent=r.agent_id or "",
            team=r.team_id or "",
            effect=effect,
        )
        evidence = text(f"evidence.{r.evidence}", review.language)
        action = text(f"action.{r.action}", review.language) if r.action else ""
        out.append(f"{what}（{evidence}）{action}" if review.language != "en" else what)
    return out


def scheme_html(review: Review) -> str:
    """Scheme review and effective weights (quarterly and annual cycles)."""
    if review.cycle not in ("quarterly", "annual"):
        return ""
    parts = [_h(2, _t(review, "h.scheme")), _p(_t(review, "scheme.explain"))]
    findings = review.scheme_findings
    parts.append(
        _table(review, findings[["severity", "code", "indicator", "message"]])
        if len(findings)
        else _p(_t(review, "none"))
    )
    if len(review.effective):
        parts.append(_p(_t(review, "sensitivity.explain")))
        eff = review.effective
        parts.append(
            _table(
                review,
                pd.DataFrame(
                    {
                        "indicator": [_label(review, i) for i in eff["indicator"]],
                        "weight": eff["weight"].map(lambda w: f"{w:.0%}"),
                        "effective": eff["variance_share"].map(lambda w: f"{w:.0%}"),
                        "influence": eff["influence"],
                    }
                ),
            )
        )
    return "\n".join(parts)


# ------------------------------------------------------------------------------ agent pages


def agent_page_data(review: Review, agent_id: str, *, history_periods: int = 6) -> dict:
    """Strengths, weaknesses, trend and three talking points for one agent.

    Returns
    -------
    dict
        ``summary`` (sentence), ``strengths`` and ``weaknesses`` (lists of sentences),
        ``talking_points`` (three sentences), ``trend`` (DataFrame: period, composite,
        team_median).
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

    def vs(r):
        return _t(
            review,
            "agent.vs",
            indicator=_label(review, r.indicator),
            value=format_value(r.indicator, r.value),
            target=format_value(r.indicator, r.target),
            team=format_value(r.indicator, r.team_value),
        )

    strengths = [vs(r) for r in mine.nlargest(2, "gap").itertuples() if r.gap > 0]
    weak_rows = mine.sort_values(["attainment", "gap"], na_position="last")
    weaknesses = [
        vs(r)
        for r in weak_rows.head(2).itertuples()
        if (pd.notna(r.attainment) and r.attainment < 1) or r.gap < 0
    ]
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
    talking = []
    best = mine.nlargest(1, "gap")
    if len(best):
        r = best.iloc[0]
        talking.append(
            _t(
                review,
                "talk.praise",
                indicator=_label(review, r.indicator),
                value=format_value(r.indicator, r.value),
                gap=_t(review, "better") if r.gap >= 0 else _t(review, "worse"),
                team=format_value(r.indicator, r.team_value),
            )
        )
    worst = weak_rows.head(1)
    if len(worst):
        r = worst.iloc[0]
        attainment = r.attainment if pd.notna(r.attainment) else 0.0
        talking.append(
            _t(
                review,
                "talk.problem",
                indicator=_label(review, r.indicator),
                value=format_value(r.indicator, r.value),
                target=format_value(r.indicator, r.target),
                attainment=attainment,
            )
        )
        goal = r.target if pd.notna(r.target) else r.team_value
        lower = CATALOGUE[r.indicator].direction == "lower" if r.indicator in CATALOGUE else False
        talking.append(
            _t(
                review,
                "talk.plan_lower" if lower else "talk.plan",
                indicator=_label(review, r.indicator),
                value=format_value(r.indicator, r.value),
                goal=format_value(r.indicator, goal),
            )
        )
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
    return {
        "agent_id": agent_id,
        "team_id": team_id,
        "summary": summary,
        "strengths": strengths,
        "weaknesses": weaknesses,
        "talking_points": talking[:3],
        "trend": trend,
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


def agent_pages_html(review: Review, *, max_pages: int = 12, history_periods: int = 6) -> str:
    """One page per agent for the monthly one-to-one (all agents of the selected teams)."""
    from kpi_lib.report.review_plots import agent_trend_plot

    chosen = _pick_agents(review, max_pages)
    total = review.current.agents["agent_id"].nunique()
    parts = [_h(2, _t(review, "h.agents"))]
    if len(chosen) < total:
        parts.append(_p(_t(review, "agent.pages_truncated", shown=len(chosen), total=total)))
    names = review.agent_names
    for agent_id in chosen:
        try:
            page = agent_page_data(review, agent_id, history_periods=history_periods)
        except KeyError:
            continue
        fig = agent_trend_plot(page["trend"], language=review.language).figure
        block = [
            '<section style="page-break-before:always;border-top:2px solid #d0d7de;margin-top:1.5em">',
            _h(
                3,
                _t(
                    review,
                    "agent.title",
                    name=names.get(agent_id, agent_id),
                    agent_id=agent_id,
                    team=page["team_id"],
                ),
            ),
            _p(page["summary"]),
            _h(4, _t(review, "agent.strengths")),
            "<ul>"
            + "".join(
                f"<li>{html.escape(s)}</li>" for s in page["strengths"] or [_t(review, "none")]
            )
            + "</ul>",
            _h(4, _t(review, "agent.weaknesses")),
            "<ul>"
            + "".join(
                f"<li>{html.escape(s)}</li>" for s in page["weaknesses"] or [_t(review, "none")]
            )
            + "</ul>",
            _h(4, _t(review, "agent.talking")),
            "<ol>"
            + "".join(f"<li>{html.escape(s)}</li>" for s in page["talking_points"])
            + "</ol>",
            _h(4, _t(review, "agent.trend")),
            _png(fig),
            "</section>",
        ]
        parts.append("\n".join(block))
    return "\n".join(parts)


def data_html(review: Review) -> str:
    """Rows read, used and set aside per table."""
    report = review.dataset.load_report
    summary = report[report["reason"] == ""][
        ["table", "rows_read", "rows_used", "rows_quarantined"]
    ]
    return "\n".join(
        [_h(2, _t(review, "h.data")), _p(_t(review, "data.explain")), _table(review, summary)]
    )


def note_sentences(review: Review) -> list[str]:
    """The review's notes (decisions taken on the reader's behalf) as sentences."""
    out = []
    for note in review.notes:
        code = note.get("code")
        if code == "scoring":
            out.append(str(note["text"]))
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
                    section=note["section"],
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
