"""The scorecard page a manager reads: sections of HTML in the review's language.

Every sentence comes from the message catalogue (``scorecard.*`` keys in
:mod:`kpi_lib.report.messages.scorecard`), every table goes through
:func:`~kpi_lib.report.formatting.manager_table` (labels, formatted values, no index) and is
rendered escaped. The notebook ``scorecard.ipynb`` only calls the ``*_html`` functions here and
the charts of :mod:`kpi_lib.report.scorecard_plots`. Wording is built from the review's codes
and values, never from the English sentences of the layers below.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from kpi_lib.indicators.catalogue import CATALOGUE, dimension_label, label
from kpi_lib.indicators.periods import previous_period
from kpi_lib.report.formatting import (
    format_count,
    format_currency,
    format_indicator,
    format_number,
    format_percent,
    is_missing,
    manager_table,
)
from kpi_lib.report.markup import details_html, markdown_safe, table_html
from kpi_lib.report.review import scheme_adapted_html, skipped_html
from kpi_lib.report.review_text import TEXTS, text
from kpi_lib.scoring.schemes import SENIOR_RULE

__all__ = [
    "adapted_html",
    "attainability_html",
    "board_intro_html",
    "bonus_html",
    "breakdown_intro_html",
    "certification_html",
    "coaching_html",
    "commission_bands",
    "commission_html",
    "describe_scorecard",
    "detail_html",
    "distribution_intro_html",
    "key_numbers",
    "key_numbers_html",
    "pip_html",
    "read_me_html",
    "scheme_html",
    "scheme_review_html",
    "scorecard_html",
    "section_skipped_html",
    "small_samples_html",
    "weak_spots_html",
]

#: Export file (under ``exports/``) that holds the full list behind each table.
EXPORT_OF = {
    "scorecard": "scorecard",
    "bonus": "bonus",
    "certification": "certification",
    "pip": "pip",
    "coaching": "coaching",
}


# ------------------------------------------------------------------------------ helpers


def _lang(review) -> str:
    return review.language


def _t(review, key: str, **values) -> str:
    return text(key, _lang(review), **values)


def _label(review, indicator) -> str:
    ind = str(indicator)
    return label(ind, _lang(review)) if ind in CATALOGUE else ind


def _sep(review) -> str:
    return ", " if _lang(review) == "en" else "、"


def _p(sentence: str, *, muted: bool = False) -> str:
    style = ' style="color:#57606a"' if muted else ""
    return f"<p{style}>{html.escape(sentence)}</p>"


def _h(sentence: str, level: int = 2) -> str:
    return f"<h{level}>{html.escape(sentence)}</h{level}>"


def _table(df: pd.DataFrame) -> str:
    """A manager table as escaped HTML without the index."""
    return table_html(df)


def _details(review, body: str) -> str:
    """A collapsed analyst section (technical detail, closed by default)."""
    return details_html(_t(review, "scorecard.analyst"), body)


def _agent(review, agent_id) -> str:
    names = review.agent_names
    name = names.get(agent_id)
    if name is None or is_missing(name) or str(name) == str(agent_id):
        return str(agent_id)
    return f"{name} ({agent_id})"


def _with_agent(review, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with an ``agent`` column: the agent's name and id."""
    return df.assign(agent=[_agent(review, a) for a in df.get("agent_id", pd.Series(dtype=str))])


def _shown_html(review, shown: int, total: int, export: str) -> str:
    """ "N of M shown" with a link to the export holding the full list (all shown: the link)."""
    href = f"exports/{export}.csv"
    link = f'<a href="{html.escape(href)}">{html.escape(href)}</a>'
    key = "scorecard.shown" if shown < total else "scorecard.all_shown"
    # the sentence is escaped around the link, which is built from a fixed name
    sentence = _t(review, key, shown=format_count(shown, _lang(review)),
                  total=format_count(total, _lang(review)), link="\x00")  # fmt: skip
    before, after = sentence.split("\x00")
    return f'<p style="color:#57606a">{html.escape(before)}{link}{html.escape(after)}</p>'


def _scored_period(review) -> str:
    return str(review.scored_period)


def _tier_text(review, tiers: pd.Series) -> str:
    return _sep(review).join(f"{t} {format_count(n, _lang(review))}" for t, n in tiers.items())


def adapted_html(review) -> str:
    """The prominent note that the scheme was adapted to the data (empty when it was not)."""
    return scheme_adapted_html(review)


def section_skipped_html(review, section: str) -> str:
    """Why a decision (``certification``, ``pip``, ``coaching``...) was not made for this
    data, in the review's language; empty when it was made."""
    return skipped_html(review, section)


# ------------------------------------------------------------------------------ how to read


def _gate_sentence(review, gate) -> str:
    lang = _lang(review)
    effect_key = f"scorecard.gate.effect.{gate.effect}"
    effect = (
        _t(review, effect_key)
        if effect_key in TEXTS
        else _t(review, "scorecard.gate.effect.other", effect=gate.effect)
    )
    if gate.min is not None:
        limit = format_indicator(gate.indicator, gate.min, lang, currency=review.spec.currency)
        return _t(
            review, "scorecard.gate", indicator=_label(review, gate.indicator), limit=limit,
            effect=effect,
        )  # fmt: skip
    limit = format_indicator(gate.indicator, gate.max, lang, currency=review.spec.currency)
    return _t(
        review, "scorecard.gate.max", indicator=_label(review, gate.indicator), limit=limit,
        effect=effect,
    )  # fmt: skip


def read_me_html(review) -> str:
    """ "How to read this page": scores, tiers, gates and the order of the sections."""
    lang = _lang(review)
    tiers = _sep(review).join(
        f"{t} ≥ {format_number(c, lang, digits=0)}" for t, c in review.scheme.tiers.items()
    )
    parts = [
        _h(_t(review, "scorecard.h.read")),
        _p(_t(review, "scorecard.read.1", tiers=tiers)),
    ]
    if review.scheme.gates:
        gates = "; ".join(_gate_sentence(review, g) for g in review.scheme.gates)
        parts.append(_p(_t(review, "scorecard.read.gates", gates=gates)))
    parts.append(_p(_t(review, "scorecard.read.2")))
    return "\n".join(parts)


# ------------------------------------------------------------------------------ scheme


def scheme_html(review) -> str:
    """The weight scheme: one row per scored indicator, with its weights and cycle."""
    lang = _lang(review)
    table = review.scheme.weight_table()
    now = review.scorecard.settings.get("weights") or {}
    table = table.assign(
        indicator_label=[_label(review, i) for i in table["indicator"]],
        dimension_label=[dimension_label(d, lang) for d in table["dimension"]],
        cycle_label=[
            _t(review, f"cycle.{c}") if f"cycle.{c}" in TEXTS else str(c) for c in table["cycle"]
        ],
        weight_now=[now.get(i, 0.0) for i in table["indicator"]],
    )
    shown = manager_table(
        table,
        {
            "dimension_label": ("col.dimension", "text"),
            "indicator_label": ("col.indicator", "text"),
            "dimension_weight": ("scorecard.col.dimension_weight", "percent"),
            "weight_in_dimension": ("scorecard.col.weight_in_dimension", "percent"),
            "weight": ("scorecard.col.weight", "percent"),
            "cycle_label": ("scorecard.col.cycle", "text"),
            "weight_now": ("scorecard.col.weight_now", "percent"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    return "\n".join(
        [
            _h(_t(review, "scorecard.h.scheme")),
            _p(_t(review, "scorecard.scheme.explain", scheme=review.scheme.name)),
            _table(shown),
        ]
    )


def _finding_sentence(review, code: str, indicator: str) -> str:
    lang = _lang(review)
    scheme = review.scheme
    weights = scheme.overall_weights()
    key = f"scorecard.finding.{code}"
    if key not in TEXTS:
        extra = f" ({_label(review, indicator)})" if indicator else ""
        return _t(review, "scorecard.finding.other", code=code, indicator=extra)
    values = {"indicator": _label(review, indicator) if indicator else ""}
    if code in ("too_many_indicators", "few_indicators"):
        values["n"] = sum(1 for w in weights.values() if w > 0)
    if code == "negligible_weight":
        values["weight"] = format_percent(weights.get(indicator, 0.0), lang, digits=1)
    if code == "dominant_dimension":
        dims = scheme.dimension_weights()
        values["dimension"] = dimension_label(dims.idxmax(), lang)
        values["weight"] = format_percent(dims.max(), lang)
    return _t(review, key, **values)


def scheme_review_html(review) -> str:
    """The scheme checked against the design principles, one sentence per finding."""
    findings = review.scheme_findings
    parts = [_h(_t(review, "scorecard.h.scheme_review"))]
    if findings is None or len(findings) == 0:
        parts.append(_p(_t(review, "scorecard.review.ok", scheme=review.scheme.name)))
        return "\n".join(parts)
    counts = findings["severity"].value_counts()
    parts.append(
        _p(
            _t(
                review,
                "scorecard.review.head",
                scheme=review.scheme.name,
                errors=int(counts.get("error", 0)),
                warnings=int(counts.get("warning", 0)),
                infos=int(counts.get("info", 0)),
            )
        )
    )
    items = []
    for r in findings.itertuples():
        sev_key = f"scorecard.severity.{r.severity}"
        sev = _t(review, sev_key) if sev_key in TEXTS else str(r.severity)
        ind = "" if is_missing(r.indicator) else str(r.indicator)
        sentence = _finding_sentence(review, str(r.code), ind)
        items.append(f"<li><b>{html.escape(sev)}</b>: {html.escape(sentence)}</li>")
    parts.append(f"<ul>{''.join(items)}</ul>")
    return "\n".join(parts)


# ------------------------------------------------------------------------------ scorecard


def _summary_values(review_or_scorecard, period: str, language: str, names: dict) -> dict:
    agents = review_or_scorecard.agents
    a = agents[agents["period"].astype(str) == str(period)]
    scored = int(a["composite"].notna().sum())
    tiers = a["tier"].replace("", pd.NA).dropna().value_counts().sort_index()
    top = a.dropna(subset=["composite"]).nsmallest(1, "rank")
    return {
        "n": len(a),
        "scored": scored,
        "median": a["composite"].median(),
        "tiers": tiers,
        "gates": int((~a["gates_passed"].astype(bool)).sum()),
        "unrank": int((~a["rankable"].astype(bool)).sum()),
        "top": top,
    }


def describe_scorecard(
    scorecard, *, period: str, language: str = "en", names: dict | None = None
) -> str:
    """Headline numbers of one period (agents scored, median, tiers, gates, small samples) as
    Markdown in ``language``; data values are escaped."""
    return _describe(scorecard, period, language, names or {}, markdown_safe)


def _describe(scorecard, period, language, names, markdown_safe) -> str:
    """:func:`describe_scorecard` with ``markdown_safe`` escaping data values."""
    v = _summary_values(scorecard, period, language, names)
    sep = ", " if language == "en" else "、"
    top_txt = ""
    if len(v["top"]):
        aid = v["top"]["agent_id"].iloc[0]
        name = names.get(aid)
        who = f"{name} ({aid})" if name and str(name) != str(aid) else str(aid)
        top_txt = text(
            "scorecard.summary.top",
            language,
            score=format_number(v["top"]["composite"].iloc[0], language, digits=0),
            agent=markdown_safe(who),
        )
    return text(
        "scorecard.summary",
        language,
        period=markdown_safe(period),
        scored=format_count(v["scored"], language),
        n=format_count(v["n"], language),
        median=format_number(v["median"], language, digits=0),
        top=top_txt,
        tiers=sep.join(
            f"{markdown_safe(t)} {format_count(k, language)}" for t, k in v["tiers"].items()
        ),
        gates=format_count(v["gates"], language),
        unrank=format_count(v["unrank"], language),
    )


def _scoring_notes(review) -> list[str]:
    """The decisions taken while scoring, worded from the scorecard's settings and columns."""
    lang = _lang(review)
    s = review.scorecard.settings
    agg_key = f"scorecard.aggregation.{s.get('aggregation')}"
    cycle = str(s.get("cycle", review.cycle))
    out = [
        _t(
            review,
            "scorecard.settings",
            scheme=s.get("scheme", review.scheme.name),
            cycle=(_t(review, f"cycle.{cycle}") if f"cycle.{cycle}" in TEXTS else cycle).lower(),
            aggregation=_t(review, agg_key) if agg_key in TEXTS else str(s.get("aggregation")),
        )
    ]
    scheme_ids = list(review.scheme.weight_table()["indicator"])
    used = s.get("weights") or {}
    dropped = [i for i in scheme_ids if i not in used]
    if used and dropped:
        out.append(
            _t(
                review,
                "scorecard.note.not_assessed",
                indicators=_sep(review).join(_label(review, i) for i in dropped),
            )
        )
    ind = review.current.indicators
    if "target_source" in ind:
        hist = ind[ind["target_source"].astype(str) == "history"]
        for indicator, n in hist.groupby("indicator")["agent_id"].nunique().items():
            out.append(
                _t(
                    review,
                    "scorecard.note.history_target",
                    indicator=_label(review, indicator),
                    n=format_count(n, lang),
                )
            )
    return out


def _light(review, value) -> str:
    key = f"scorecard.light.{value}"
    return _t(review, key) if value and key in TEXTS else _t(review, "scorecard.light.none")


def scorecard_html(review, *, max_rows: int = 25) -> str:
    """Headline numbers, the scoring notes and the scorecard table (best first)."""
    lang = _lang(review)
    period = _scored_period(review)
    parts = [
        _h(_t(review, "scorecard.h.scorecard")),
        _p(_describe(review.scorecard, period, lang, review.agent_names, str)),
        "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in _scoring_notes(review)) + "</ul>",
        _p(_t(review, "scorecard.table.explain")),
    ]
    table = review.scorecard.table(period=period)
    total = len(table)
    head = _with_agent(review, table.head(max_rows))
    head = head.assign(light=[_light(review, x) for x in head["light"].fillna("")])
    lb = review.leaderboard
    if "held" in lb:
        held = lb.drop_duplicates("agent_id").set_index("agent_id")["held"]
        head = head.assign(held=head["agent_id"].map(held))
    columns = {
        "rank": ("col.rank", "count"),
        "agent": ("col.agent", "text"),
        "team_id": ("col.team", "text"),
        "composite": ("col.composite", "score"),
        "tier": ("col.tier", "text"),
        "gates_passed": ("scorecard.col.gates_passed", "flag"),
        "light": ("scorecard.col.light", "text"),
        "rankable": ("scorecard.col.rankable", "flag"),
    }
    if "held" in head:
        columns["held"] = ("scorecard.col.bonus_held", "flag")
    for ind in review.scorecard.settings.get("weights") or {}:
        if ind in head:
            columns[ind] = (f"indicator:{ind}", "score")
    parts.append(_table(manager_table(head, columns, language=lang, currency=review.spec.currency)))
    parts.append(_shown_html(review, len(head), total, EXPORT_OF["scorecard"]))
    return "\n".join(parts)


def detail_html(review, *, max_rows: int = 40) -> str:
    """The detail behind each score (value, target, attainment, score, weight, points), in a
    collapsed analyst section."""
    lang = _lang(review)
    ind = review.current.indicators
    ind = ind[ind["weight"] > 0].sort_values(["agent_id", "indicator"])
    head = _with_agent(review, ind.head(max_rows))
    head = head.assign(
        indicator_label=[_label(review, i) for i in head["indicator"]],
        value_text=[format_indicator(i, v, lang, currency=review.spec.currency) for i, v in zip(head["indicator"], head["value"], strict=True)],
        target_text=[format_indicator(i, v, lang, currency=review.spec.currency) for i, v in zip(head["indicator"], head["target"], strict=True)],
        source=[
            _t(review, f"scorecard.source.{s}" if f"scorecard.source.{s}" in TEXTS else "scorecard.source.none")
            for s in head.get("target_source", pd.Series([""] * len(head))).fillna("")
        ],
    )  # fmt: skip
    table = manager_table(
        head,
        {
            "agent": ("col.agent", "text"),
            "indicator_label": ("col.indicator", "text"),
            "value_text": ("col.value", "text"),
            "target_text": ("col.target", "text"),
            "attainment": ("col.attainment", "percent"),
            "score": ("scorecard.col.score", "score"),
            "weight": ("col.weight", "percent"),
            "contribution": ("scorecard.col.contribution", "number"),
            "source": ("scorecard.col.target_source", "text"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    body = _p(_t(review, "scorecard.detail.explain")) + _table(table)
    if len(head) < len(ind):
        shown = _t(review, "scorecard.shown_plain", shown=format_count(len(head), lang),
                   total=format_count(len(ind), lang))  # fmt: skip
        body += _p(shown, muted=True)
    return _details(review, body)


def distribution_intro_html(review) -> str:
    """Heading and reading guide of the score-distribution chart."""
    return _h(_t(review, "scorecard.h.distribution")) + _p(
        _t(review, "scorecard.distribution.explain")
    )


def breakdown_intro_html(review) -> str:
    """Heading and reading guide of the where-the-score-comes-from chart."""
    return _h(_t(review, "scorecard.h.breakdown")) + _p(_t(review, "scorecard.breakdown.explain"))


def board_intro_html(review, *, max_agents: int = 30) -> str:
    """Heading and reading guide of the traffic-light board chart."""
    lights = getattr(review.scheme, "lights", None) or {}
    yellow = format_percent(lights.get("yellow", 0.8), _lang(review))
    total = review.board["agent_id"].nunique()
    parts = [
        _h(_t(review, "scorecard.h.board")),
        _p(_t(review, "scorecard.board.explain", yellow=yellow)),
    ]
    if total > max_agents:
        parts.append(
            _p(_t(review, "scorecard.board.shown", shown=max_agents, total=total), muted=True)
        )
    return "\n".join(parts)  # fmt: skip


# ------------------------------------------------------------------------------ decisions


def _gate_failure(review, gate, value) -> str:
    """One failed gate in words: the indicator, the agent's value and the limit."""
    lang = _lang(review)
    name = _label(review, gate.indicator)
    if is_missing(value):
        return _t(review, "scorecard.reason.gate_missing", indicator=name)
    key, limit = (
        ("scorecard.reason.gate", gate.min)
        if gate.min is not None and value < gate.min
        else ("scorecard.reason.gate_max", gate.max)
    )
    if limit is None:
        return _t(review, "scorecard.reason.gate_missing", indicator=name)
    return _t(review, key, indicator=name, value=format_indicator(gate.indicator, value, lang, currency=review.spec.currency),
              limit=format_indicator(gate.indicator, limit, lang, currency=review.spec.currency))  # fmt: skip


def _gate_reasons(review) -> dict[str, str]:
    """agent_id -> why the agent failed a bonus gate, in words: from the scorecard's gate
    records (``gate_failures``: ``{"indicator", "value", "effect", ...}``, the values the gate
    judged), else from the indicator table of the scored period."""
    gates = {g.indicator: g for g in review.scheme.gates if g.effect == "bonus"}
    if not gates:
        return {}
    out: dict[str, list[str]] = {}
    lb = review.leaderboard
    if "gate_failures" in lb:
        for aid, failures in zip(lb["agent_id"], lb["gate_failures"], strict=True):
            for record in _records(failures):
                if record.get("effect") != "bonus" or record.get("indicator") not in gates:
                    continue
                value = record.get("value")
                value = np.nan if is_missing(value) else float(value)
                gate = gates[record["indicator"]]
                out.setdefault(aid, []).append(_gate_failure(review, gate, value))
    ind = review.indicators
    ind = ind[ind["period"].astype(str) == _scored_period(review)]
    for g in gates.values():
        values = ind[ind["indicator"] == g.indicator].drop_duplicates("agent_id")
        values = values.set_index("agent_id")["value"]
        for aid in review.bonus["agent_id"]:
            if aid in out or aid not in values.index:
                continue
            v = values.get(aid)
            if is_missing(v) or not g.passes(float(v)):
                out.setdefault(aid, []).append(_gate_failure(review, g, v))
    return {k: "; ".join(v) for k, v in out.items()}


def _bonus_reason(review, row, gates: dict[str, str]) -> str:
    reason = "" if is_missing(row.get("reason")) else str(row.get("reason"))
    if not reason:
        return ""
    if reason == "no_composite":
        return _t(review, "scorecard.reason.no_composite")
    if reason == "below_min":
        limit = row.get("min_composite")
        limit = "" if is_missing(limit) else format_number(limit, _lang(review), digits=0)
        return _t(review, "scorecard.reason.below", limit=limit)
    if reason == "gate_failed":
        return gates.get(row["agent_id"]) or _t(review, "scorecard.reason.other")
    if reason == "tier_no_bonus":
        return _t(review, "scorecard.reason.tier")
    if reason == "partial_period":
        return _t(review, "scorecard.reason.partial")
    return _t(review, "scorecard.reason.other")


def _records(value) -> list[dict]:
    """The hold records of one agent (a list of dicts; Parquet may return arrays)."""
    if value is None or (not isinstance(value, list | tuple | np.ndarray)):
        return []
    return [dict(r) for r in value if isinstance(r, dict)]


def _rank(value) -> str:
    return "?" if is_missing(value) else f"{int(value)}"


def _hold_sentence(review, row) -> str:
    """Why a bonus is held (or carries a caveat), worded from the hold records."""
    records = _records(row.get("hold_codes"))
    lang = _lang(review)
    out = []
    for rec in records:
        reason = rec.get("reason")
        if reason == "small_sample":
            if "calls" in rec:
                out.append(_t(review, "scorecard.hold.small_sample",
                              calls=format_count(rec["calls"], lang),
                              low=_rank(rec.get("rank_low")), high=_rank(rec.get("rank_high"))))  # fmt: skip
            else:
                out.append(_t(review, "scorecard.hold.small_sample_short"))
        elif reason == "gaming_flag":
            check = str(rec.get("check", ""))
            key = f"scorecard.check.{check}"
            out.append(_t(review, "scorecard.hold.gaming_flag",
                          check=_t(review, key) if key in TEXTS else check))  # fmt: skip
        elif reason == "unrankable":
            if "rank_low" in rec and "rank_high" in rec:
                out.append(_t(review, "scorecard.hold.unrankable",
                              low=_rank(rec["rank_low"]), high=_rank(rec["rank_high"])))  # fmt: skip
            else:
                out.append(_t(review, "scorecard.hold.unrankable_short"))
    held = row.get("held")
    if not out and not is_missing(held) and bool(held):
        out.append(_t(review, "scorecard.hold.generic"))
    return "; ".join(dict.fromkeys(out))


def bonus_html(review, *, max_rows: int = 15) -> str:
    """Who shares the pool, how much, who gets nothing and why, and whose bonus is held."""
    lang = _lang(review)
    bonus = review.bonus
    parts = [_h(_t(review, "scorecard.h.bonus"))]
    skipped = section_skipped_html(review, "bonus")
    if skipped:
        parts.append(skipped)
    paid = bonus[bonus["eligible"].astype(bool)]
    excluded = bonus[~bonus["eligible"].astype(bool)]
    ordered = bonus.sort_values(["bonus", "composite"], ascending=False, na_position="last")
    top_txt = ""
    if len(paid):
        top = ordered.iloc[0]
        top_txt = _t(review, "scorecard.bonus.top", amount=format_currency(top["bonus"], lang, currency=review.spec.currency),
                     agent=_agent(review, top["agent_id"]))  # fmt: skip
    parts.append(
        _p(
            _t(
                review,
                "scorecard.bonus.summary",
                pool=format_currency(review.spec.bonus_pool, lang, currency=review.spec.currency),
                paid=format_count(len(paid), lang),
                top=top_txt,
                excluded=format_count(len(excluded), lang),
            )
        )
    )
    has_holds = "held" in bonus
    if has_holds:
        held = bonus[bonus["held"].fillna(False).astype(bool)]
        if len(held):
            parts.append(
                _p(_t(review, "scorecard.bonus.held", n=format_count(len(held), lang),
                      amount=format_currency(held["bonus"].sum(), lang, currency=review.spec.currency)))
            )  # fmt: skip
    parts.append(_p(_t(review, "scorecard.bonus.explain")))
    gates = _gate_reasons(review)
    base = {
        "agent": ("col.agent", "text"),
        "team_id": ("col.team", "text"),
        "composite": ("col.composite", "score"),
        "tier": ("col.tier", "text"),
    }
    paid_columns = {
        **base,
        "share": ("scorecard.col.share", "percent"),
        "bonus": ("scorecard.col.bonus", "currency"),
    }
    rest_columns = {**base, "bonus": ("scorecard.col.bonus", "currency")}
    if has_holds:
        rest_columns["held"] = ("scorecard.col.held", "flag")
    if "payable" in bonus:
        rest_columns["payable"] = ("scorecard.col.payable", "currency")
    rest_columns["why"] = ("scorecard.col.why", "text")
    # the best paid, then everybody who gets nothing or whose bonus is held, with the reason
    flagged = ~ordered["eligible"].astype(bool)
    if has_holds:
        flagged |= ordered["held"].fillna(False).astype(bool)
    top = ordered[~flagged].head(max_rows)
    rest = ordered[flagged].sort_values("composite", ascending=False, na_position="last")
    shown_rest = rest.head(max_rows)
    for part, total, columns in (
        (top, int((~flagged).sum()), paid_columns),
        (shown_rest, len(rest), rest_columns),
    ):
        if part.empty:
            continue
        head = _with_agent(review, part).reset_index(drop=True)
        why = [
            "; ".join(
                r for r in (_bonus_reason(review, row, gates), _hold_sentence(review, row)) if r
            )
            for _, row in head.iterrows()
        ]
        head = head.assign(why=why)
        table = manager_table(head, columns, language=lang, currency=review.spec.currency)
        if "why" in columns:
            # an empty reason is no missing value: nothing to explain
            table.iloc[:, -1] = why
        parts.append(_table(table))
        parts.append(_shown_html(review, len(head), total, EXPORT_OF["bonus"]))
    return "\n".join(parts)


def commission_bands(commission: pd.DataFrame) -> pd.DataFrame:
    """Agents per commission band (``band``, ``commission_rate``, ``agents``,
    ``commission``); empty when commission was not computed for this data."""
    if commission.empty or "band" not in commission:
        return pd.DataFrame(columns=["band", "commission_rate", "agents", "commission"])
    c = commission.assign(_rate=commission.get("commission_rate", np.nan))
    out = c.groupby("band", sort=False).agg(
        commission_rate=("_rate", "first"),
        agents=("agent_id", "count"),
        commission=("commission", "sum") if "commission" in c else ("_rate", "size"),
    )
    return out.sort_values("commission_rate").reset_index()


def commission_html(review) -> str:
    """Agents and commission per band of sales-target attainment."""
    lang = _lang(review)
    parts = [_h(_t(review, "scorecard.h.commission"))]
    skipped = section_skipped_html(review, "commission")
    if skipped:
        return "\n".join([*parts, skipped])
    bands = commission_bands(review.commission)
    if bands.empty:
        return "\n".join([*parts, _p(_t(review, "none"))])
    parts.append(_p(_t(review, "scorecard.commission.explain")))
    table = manager_table(
        bands,
        {
            "band": ("scorecard.col.band", "text"),
            "commission_rate": ("scorecard.col.rate", "percent"),
            "agents": ("col.agents", "count"),
            "commission": ("scorecard.col.commission", "currency"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    parts.append(_table(table))
    return "\n".join(parts)


def _rule(review) -> dict | None:
    return review.scheme.rule("certification")


def _rule_text(review) -> str:
    """The certification rule in words (the sources' wording for the default rule)."""
    rule = _rule(review) or SENIOR_RULE
    if rule == SENIOR_RULE and review.granularity == "month":
        # the sources' wording says months: only true when the periods are months
        return _t(review, "cert.rule")
    lang = _lang(review)
    conditions = []
    for c in rule.get("conditions") or []:
        field = c.get("field", "value")
        value = c["value"]
        shown = (
            format_percent(value, lang)
            if field == "attainment"
            else format_indicator(c["indicator"], value, lang, currency=review.spec.currency)
            if field == "value"
            else format_number(value, lang)
        )
        fkey = f"scorecard.field.{field}"
        fname = _t(review, fkey) if fkey in TEXTS else field
        conditions.append(f"{_label(review, c['indicator'])} {fname} {c.get('op', '>=')} {shown}")
    return _t(
        review,
        "cert.rule.custom",
        name=(
            _t(review, "scorecard.rule.senior")
            if rule.get("name") == SENIOR_RULE.get("name")
            else rule.get("name", _t(review, "scorecard.h.certification"))
        ),
        n=rule.get("consecutive", 2),
        conditions=_sep(review).join(conditions),
    )


def _streak_start(last, n) -> str:
    if is_missing(last) or is_missing(n) or int(n) < 1:
        return ""
    start = str(last)
    try:
        for _ in range(int(n) - 1):
            start = previous_period(start)
    except (ValueError, KeyError):
        return ""
    return start


def certification_html(review, *, max_rows: int = 15) -> str:
    """Certification candidates now: current streak, since when, the rule, the latest values."""
    lang = _lang(review)
    parts = [_h(_t(review, "scorecard.h.certification"))]
    skipped = section_skipped_html(review, "certification")
    cands = review.certification
    if skipped or cands.empty or "current_streak" not in cands:
        return "\n".join([*parts, skipped or _p(_t(review, "none"))])
    rule = _rule(review) or SENIOR_RULE
    needed = int(rule.get("consecutive", 2))
    now = review.certified
    if len(now) and "last_period" in now:
        # a streak that ended before the scored period (the agent left) is no candidate now
        now = now[now["last_period"].astype(str) == _scored_period(review)]
    one_away = int(((cands["current_streak"] >= 1) & (cands["current_streak"] < needed)
                    & (cands["last_period"].astype(str) == _scored_period(review))).sum())  # fmt: skip
    parts.append(_p(_t(review, "scorecard.cert.rule", rule=_rule_text(review))))
    parts.append(
        _p(_t(review, "scorecard.cert.summary", now=format_count(len(now), lang),
              one=format_count(one_away, lang)))
    )  # fmt: skip
    if now.empty:
        return "\n".join([*parts, _p(_t(review, "none"))])
    ordered = now.sort_values(["current_streak", "agent_id"], ascending=[False, True])
    head = _with_agent(review, ordered.head(max_rows)).reset_index(drop=True)
    head = head.assign(
        since=[_streak_start(p, n) for p, n in zip(head["last_period"], head["current_streak"], strict=True)]
    )  # fmt: skip
    columns = {
        "agent": ("col.agent", "text"),
        "team_id": ("col.team", "text"),
        "current_streak": ("scorecard.col.current_streak", "count"),
        "since": ("scorecard.col.streak_since", "text"),
        "last_period": ("scorecard.col.last_period", "text"),
    }
    table = manager_table(head, columns, language=lang, currency=review.spec.currency)
    # the values behind the latest qualifying period, one column per condition of the rule
    hist = review.scorecard.indicators
    for c in rule.get("conditions") or []:
        field = c.get("field", "value")
        sub = hist[hist["indicator"] == c["indicator"]]
        if field not in sub:
            continue
        lookup = sub.assign(period=sub["period"].astype(str)).drop_duplicates(
            ["agent_id", "period"]).set_index(["agent_id", "period"])[field]  # fmt: skip
        values = [lookup.get((a, str(p)), np.nan) for a, p in zip(head["agent_id"], head["last_period"], strict=True)]  # fmt: skip
        fkey = f"scorecard.field.{field}"
        header = _t(review, "scorecard.col.condition", indicator=_label(review, c["indicator"]),
                    field=_t(review, fkey) if fkey in TEXTS else field)  # fmt: skip
        table[header] = [
            format_percent(v, lang, digits=1) if field == "attainment"
            else format_indicator(c["indicator"], v, lang, currency=review.spec.currency) if field == "value"
            else format_number(v, lang)
            for v in values
        ]  # fmt: skip
    parts.append(_table(table))
    parts.append(_shown_html(review, len(head), len(now), EXPORT_OF["certification"]))
    return "\n".join(parts)


def pip_html(review, *, max_rows: int = 15) -> str:
    """Persistent low performers: who, in which periods, with which tiers and composites."""
    lang = _lang(review)
    plan = review.pip_rule
    k, window = plan["min_count"], plan["window"]
    parts = [_h(_t(review, "scorecard.h.pip"))]
    skipped = section_skipped_html(review, "pip")
    pip = review.pip
    if skipped:
        return "\n".join([*parts, skipped])
    if len(pip) == 0:
        return "\n".join([*parts, _p(_t(review, "scorecard.pip.none", k=k, window=window))])
    parts.append(_p(_t(review, "scorecard.pip.summary", n=format_count(len(pip), lang), k=k,
                       window=window)))  # fmt: skip
    head = _with_agent(review, pip.head(max_rows)).reset_index(drop=True)
    table = manager_table(
        head,
        {
            "agent": ("col.agent", "text"),
            "team_id": ("col.team", "text"),
            "low_periods": ("scorecard.col.low_periods", "text"),
            "tiers": ("scorecard.col.tiers", "text"),
            "composites": ("scorecard.col.composites", "text"),
            "latest_composite": ("scorecard.col.latest", "score"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    parts.append(_table(table))
    parts.append(_shown_html(review, len(head), len(pip), EXPORT_OF["pip"]))
    return "\n".join(parts)


def coaching_html(review, *, max_rows: int = 15) -> str:
    """Each agent's weakest dimension against the team and the indicator to start with."""
    lang = _lang(review)
    parts = [_h(_t(review, "scorecard.h.coaching"))]
    skipped = section_skipped_html(review, "coaching")
    coaching = review.coaching
    if skipped:
        return "\n".join([*parts, skipped])
    if coaching.empty or "dimension" not in coaching:
        return "\n".join([*parts, _p(_t(review, "none"))])
    parts.append(_p(_t(review, "scorecard.coaching.explain")))
    ordered = coaching.sort_values(["gap", "agent_id"], na_position="last")
    head = _with_agent(review, ordered.head(max_rows)).reset_index(drop=True)
    head = head.assign(
        dimension_label=[dimension_label(d, lang) if not is_missing(d) else "" for d in head["dimension"]],
        indicator_label=[_label(review, i) if not is_missing(i) else "" for i in head["indicator"]],
        indicator_scores=[
            f"{format_number(a, lang, digits=0)} / {format_number(b, lang, digits=0)}"
            for a, b in zip(head["indicator_score"], head["team_indicator_score"], strict=True)
        ],
    )  # fmt: skip
    table = manager_table(
        head,
        {
            "agent": ("col.agent", "text"),
            "team_id": ("col.team", "text"),
            "dimension_label": ("col.dimension", "text"),
            "agent_score": ("scorecard.col.agent_score", "score"),
            "team_score": ("scorecard.col.team_score", "score"),
            "gap": ("scorecard.col.gap", "score"),
            "indicator_label": ("scorecard.col.start_with", "text"),
            "indicator_scores": ("scorecard.col.indicator_scores", "text"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    parts.append(_table(table))
    parts.append(_shown_html(review, len(head), len(coaching), EXPORT_OF["coaching"]))
    return "\n".join(parts)


def weak_spots_html(review, *, max_rows: int = 8) -> str:
    """Dimensions where a whole team is below the others (a case for team training)."""
    lang = _lang(review)
    parts = [_h(_t(review, "scorecard.h.weak_spots"))]
    skipped = section_skipped_html(review, "weak_spots")
    weak = review.weak_spots
    if skipped:
        return "\n".join([*parts, skipped])
    if weak.empty or "dimension" not in weak:
        return "\n".join([*parts, _p(_t(review, "none"))])
    parts.append(_p(_t(review, "scorecard.weak.explain")))
    head = weak.sort_values("gap").head(max_rows)
    head = head.assign(dimension_label=[dimension_label(d, lang) for d in head["dimension"]])
    table = manager_table(
        head,
        {
            "team_id": ("col.team", "text"),
            "dimension_label": ("col.dimension", "text"),
            "team_score": ("scorecard.col.team_score", "score"),
            "overall_score": ("scorecard.col.overall_score", "score"),
            "gap": ("scorecard.col.gap", "score"),
            "agents": ("scorecard.col.team_agents", "count"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    parts.append(_table(table))
    return "\n".join(parts)


# ------------------------------------------------------------------------------ checks


def attainability_html(review) -> str:
    """Heading, reading guide and table of how attainable each target was in the history."""
    lang = _lang(review)
    parts = [_h(_t(review, "scorecard.h.attainability"))]
    skipped = section_skipped_html(review, "attainability")
    table = review.attainability
    if skipped:
        return "\n".join([*parts, skipped])
    parts.append(_p(_t(review, "scorecard.attain.explain")))
    if table.empty or "share_reached" not in table:
        return "\n".join([*parts, _p(_t(review, "none"))])
    t = table.sort_values("share_reached")
    t = t.assign(
        indicator_label=[_label(review, i) for i in t["indicator"]],
        target_text=[format_indicator(i, v, lang, currency=review.spec.currency) for i, v in zip(t["indicator"], t["target"], strict=True)],
        median_text=[format_indicator(i, v, lang, currency=review.spec.currency) for i, v in zip(t["indicator"], t["historical_median"], strict=True)],
        verdict=[_t(review, f"scorecard.flag.{f}") if f"scorecard.flag.{f}" in TEXTS else str(f) for f in t["flag"]],
    )  # fmt: skip
    shown = manager_table(
        t,
        {
            "indicator_label": ("col.indicator", "text"),
            "target_text": ("col.target", "text"),
            "median_text": ("scorecard.col.historical_median", "text"),
            "share_reached": ("scorecard.col.share_reached", "percent"),
            "agent_periods": ("scorecard.col.agent_periods", "count"),
            "verdict": ("scorecard.col.verdict", "text"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    parts.append(_table(shown))
    return "\n".join(parts)


def small_samples_html(review, *, indicator: str = "satisfaction_rate", max_rows: int = 10) -> str:
    """What discounting luck (shrinkage) changes for one rate: the sentence, and the agents
    whose rank moves most in an analyst section."""
    lang = _lang(review)
    parts = [_h(_t(review, "scorecard.h.small_samples"))]
    skipped = section_skipped_html(review, "shrinkage")
    effect = review.shrinkage
    if skipped:
        return "\n".join([*parts, skipped])
    if effect is None or effect.empty or "rate_rank_raw" not in effect:
        return "\n".join([*parts, _p(_t(review, "none"))])
    parts.append(_p(_t(review, "scorecard.small.explain")))
    top_raw = effect.nsmallest(5, "rate_rank_raw")
    n_small = int((~top_raw["rankable"].astype(bool)).sum())
    sentence = _t(review, "scorecard.small.summary", indicator=_label(review, indicator),
                  n=format_count(n_small, lang))  # fmt: skip
    moved = (effect["rate_rank_raw"] - effect["rate_rank_shrunk"]).abs()
    if moved.notna().any():
        big = effect.loc[moved.idxmax()]
        sentence += " " + _t(review, "scorecard.small.moved", agent=_agent(review, big["agent_id"]),
                             before=_rank(big["rate_rank_raw"]), after=_rank(big["rate_rank_shrunk"]))  # fmt: skip
    parts.append(_p(sentence))
    head = effect.assign(_moved=moved).sort_values("_moved", ascending=False).head(max_rows)
    head = _with_agent(review, head).reset_index(drop=True)
    head = head.assign(
        ci=[
            _t(review, "scorecard.range", low=format_percent(lo, lang, digits=1), high=format_percent(hi, lang, digits=1))
            for lo, hi in zip(head["ci_low"], head["ci_high"], strict=True)
        ]
    )  # fmt: skip
    table = manager_table(
        head,
        {
            "agent": ("col.agent", "text"),
            "trials": ("scorecard.col.trials", "count"),
            "observed": ("scorecard.col.observed", "percent"),
            "ci": ("scorecard.col.ci", "text"),
            "shrunk": ("scorecard.col.shrunk", "percent"),
            "rate_rank_raw": ("scorecard.col.rank_raw", "count"),
            "rate_rank_shrunk": ("scorecard.col.rank_shrunk", "count"),
            "rankable": ("scorecard.col.rankable", "flag"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    parts.append(_details(review, _table(table)))
    return "\n".join(parts)


# ------------------------------------------------------------------------------ key numbers


def key_numbers(review, outcomes: pd.DataFrame) -> dict:
    """The page's key numbers (recorded for the period review), from ``agent_outcomes``.

    Returns
    -------
    dict
        ``period``, ``specification``, ``agents``, ``median_composite``, ``bonus_paid``,
        ``pip_candidates``, ``certification_candidates``.
    """
    return {
        "period": review.scored_period,
        "specification": review.spec.hash,
        "agents": len(outcomes),
        "median_composite": float(outcomes["composite"].median()),
        "bonus_paid": float(outcomes["bonus"].sum()),
        "pip_candidates": int(outcomes["pip"].sum()),
        "certification_candidates": int(outcomes["certification"].sum()),
    }


def key_numbers_html(review, numbers: dict) -> str:
    """:func:`key_numbers` as a small two-column table."""
    lang = _lang(review)
    rows = [
        (_t(review, "scorecard.key.agents"), format_count(numbers["agents"], lang)),
        (_t(review, "scorecard.key.median"), format_number(numbers["median_composite"], lang)),
        (
            _t(review, "scorecard.key.bonus"),
            format_currency(numbers["bonus_paid"], lang, currency=review.spec.currency),
        ),
        (_t(review, "scorecard.key.pip"), format_count(numbers["pip_candidates"], lang)),
        (_t(review, "scorecard.key.cert"), format_count(numbers["certification_candidates"], lang)),
    ]
    table = pd.DataFrame(
        rows, columns=[_t(review, "scorecard.col.measure"), _t(review, "scorecard.col.number")]
    )
    return _h(_t(review, "scorecard.h.key_numbers")) + _table(table)
