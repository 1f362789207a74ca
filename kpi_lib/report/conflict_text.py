"""Words and tables of the indicator-conflict diagnosis page, in the review's language.

The analyses (:mod:`kpi_lib.analyses.conflicts`, :mod:`kpi_lib.analyses.gaming`,
:mod:`kpi_lib.analyses.recommendations`) return codes and numbers; this module words them
from the message catalogue (:mod:`kpi_lib.report.messages.conflict`): a short summary for
managers, formatted manager tables (labels, names with ids, plain words for strength and
certainty) and the technical tables (r, intervals, adjusted p, n) for a collapsed analyst
section. :func:`findings_text` keeps the English sentences of the findings for the exports.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from kpi_lib.indicators import label
from kpi_lib.report import markup
from kpi_lib.report.formatting import (
    format_count,
    format_indicator,
    format_number,
    format_percent,
    is_missing,
    manager_table,
)
from kpi_lib.report.review_text import text

__all__ = [
    "ACTION_TEXT",
    "GAMING_TABLES",
    "actions_table",
    "analyst_html",
    "certainty_word",
    "conflict_pairs",
    "findings_text",
    "gaming_rows",
    "gaming_table",
    "heading_html",
    "note_html",
    "pairs_table",
    "skipped_html",
    "strength_word",
    "summary_html",
    "table_html",
]

#: What to do, per action code of :data:`kpi_lib.analyses.recommendations.ACTIONS`.
ACTION_TEXT = {
    "replace_indicator": "Replace or redefine the volume indicator (e.g. effective talk time "
    "instead of a call count, or add 'questions asked by the customer').",
    "lower_weight": "Lower the weight of {a} and add a call-quality score (need clarity, "
    "objections resolved).",
    "merge_indicators": "Keep one of {a} and {b} (they measure the same thing) and give the "
    "freed weight to an indicator of a different behaviour.",
    "add_quality_gate": "Add a quality gate: pair {a} with a quality check and calibrate the "
    "automatic judgement on a 10 % manual sample of recordings.",
    "add_long_term_indicator": "Review this agent's recordings for prohibited promises and give "
    "repurchase / complaints a weight in the scheme so that over-promising does not pay.",
    "review_recordings": "Review a sample of this agent's recordings before drawing "
    "conclusions; the data pattern is a reason to look, not a verdict.",
    "audit_surveys": "Send satisfaction surveys automatically after a random sample of calls "
    "instead of at the agent's discretion, then re-read this agent's satisfaction.",
    "check_level": "Decide whether the scheme should steer each agent over time or compare "
    "agents with each other before changing weights: the two relations point in opposite "
    "directions.",
}

#: Gaming table of the diagnosis -> finding kind (key of ``conflict.what.*``).
GAMING_TABLES = {
    "bunching": "bunching",
    "call_padding": "call_padding",
    "need_intent": "need_intent_mismatch",
    "over_promising": "over_promising",
    "selective_surveys": "selective_surveys",
}

#: Rows of a table shown in the analyst section before it is cut.
ANALYST_ROWS = 40


# ---------------------------------------------------------------- small words
def _label(indicator: str, language: str = "en") -> str:
    if not indicator:
        return ""
    try:
        return label(indicator, language)
    except (KeyError, ValueError):
        return indicator.replace("_", " ")


def strength_word(r, language: str = "en") -> str:
    """Plain words for the size of a correlation ("a strong" relation).

    Examples
    --------
    >>> strength_word(-0.62), strength_word(0.25, "zh-Hans")
    ('a strong', '较弱的')
    """
    a = abs(float(r)) if not is_missing(r) else 0.0
    code = ("negligible" if a < 0.1 else "weak" if a < 0.3 else "moderate" if a < 0.5
            else "strong" if a < 0.7 else "very_strong")  # fmt: skip
    return text(f"conflict.strength.{code}", language)


def certainty_word(p_adj, language: str = "en") -> str:
    """Plain words for an adjusted p-value ("almost certain", "very likely", ...).

    Examples
    --------
    >>> certainty_word(1e-9), certainty_word(0.004), certainty_word(0.3, "zh-Hans")
    ('almost certain', 'very likely', '不确定')
    """
    p = float(p_adj) if not is_missing(p_adj) else np.nan
    code = ("strong" if p < 0.001 else "moderate" if p < 0.01 else "weak" if p < 0.05
            else "none")  # fmt: skip
    return text(f"conflict.certainty.{code}", language)


def _p(p, language: str) -> str:
    if is_missing(p):
        return text("fmt.no_data", language)
    return "< 0.001" if p < 0.001 else format_number(p, language, digits=3)


def _ci(low, high, language: str, digits: int = 2) -> str:
    if is_missing(low) or is_missing(high):
        return text("fmt.no_data", language)
    lo, hi = (format_number(x, language, digits=digits) for x in (low, high))
    return f"{lo} – {hi}"


def _agent(review, agent_id) -> str:
    names = getattr(review, "agent_names", {}) or {}
    name = names.get(agent_id)
    return f"{name} ({agent_id})" if name and name != agent_id else str(agent_id)


def _esc(s: str) -> str:
    return html.escape(str(s))


def table_html(
    table: pd.DataFrame, language: str = "en", *, empty: str = "conflict.note.none_table"
) -> str:
    """A formatted table as HTML (escaped, no index, text left-aligned); the sentence of
    catalogue key ``empty`` when it has no rows."""
    if table.empty:
        return f"<p>{_esc(text(empty, language))}</p>"
    return markup.table_html(table)


def heading_html(review, key: str, level: int = 2) -> str:
    """A heading of the page from the catalogue, in the review's language."""
    return f"<h{level}>{_esc(text(key, review.language))}</h{level}>"


def note_html(review, key: str) -> str:
    """A paragraph of the page from the catalogue, in the review's language."""
    return f"<p>{_esc(text(key, review.language))}</p>"


# ---------------------------------------------------------------- conflicts
def conflict_pairs(review) -> pd.DataFrame:
    """The pairs of indicators that confidently pull against each other, strongest first.

    Returns
    -------
    DataFrame
        ``indicator_a``, ``indicator_b``, ``level`` (``across`` agent-months or ``within``
        agents), ``r``, ``ci_low``, ``ci_high``, ``p_adj``; one row per pair (the across
        relation when both exist).
    """
    cols = ["indicator_a", "indicator_b", "level", "r", "ci_low", "ci_high", "p_adj"]
    f = review.findings
    if f is None or f.empty:
        return pd.DataFrame(columns=cols)
    c = f[f["kind"] == "conflict"]
    if c.empty:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(
        {
            "indicator_a": c["indicator_a"],
            "indicator_b": c["indicator_b"],
            "level": np.where(c["statistic"].str.startswith("within"), "within", "across"),
            "r": c["effect"].astype(float),
            "ci_low": c["ci_low"].astype(float),
            "ci_high": c["ci_high"].astype(float),
            "p_adj": c["p_adj"].astype(float),
        }
    )
    key = out[["indicator_a", "indicator_b"]].apply(lambda r: tuple(sorted(r)), axis=1)
    out = out.assign(_key=key, _lvl=(out["level"] == "within").astype(int))
    out = out.sort_values(["_lvl", "p_adj"]).drop_duplicates("_key")
    out = out.assign(_abs=-out["r"].abs()).sort_values(["_abs", "p_adj"])
    return out[cols].reset_index(drop=True)


def pairs_table(review, *, top: int = 15) -> pd.DataFrame:
    """Manager table of :func:`conflict_pairs`: labels, strength and certainty in words, the
    plausible range of r."""
    lang = review.language
    p = conflict_pairs(review).head(top)
    d = pd.DataFrame(
        {
            "a": [_label(x, lang) for x in p["indicator_a"]],
            "b": [_label(x, lang) for x in p["indicator_b"]],
            "strength": [strength_word(r, lang) for r in p["r"]],
            "certainty": [certainty_word(x, lang) for x in p["p_adj"]],
            "range": [_ci(lo, hi, lang) for lo, hi in zip(p["ci_low"], p["ci_high"], strict=False)],
        }
    )
    return manager_table(
        d,
        {
            "a": ("conflict.col.indicator_a", "text"),
            "b": ("conflict.col.indicator_b", "text"),
            "strength": ("conflict.col.strength", "text"),
            "certainty": ("conflict.col.certainty", "text"),
            "range": ("conflict.col.range", "text"),
        },
        language=lang,
        currency=review.spec.currency,
    )


# ---------------------------------------------------------------- gaming
def _what(review, kind: str, r: dict) -> str:
    lang = review.language
    if kind == "bunching":
        return text("conflict.what.bunching", lang, excess=format_percent(r["excess_ratio"], lang))
    if kind == "call_padding":
        return text(
            "conflict.what.call_padding",
            lang,
            before=format_percent(r.get("short_share_before"), lang),
            after=format_percent(r.get("short_share_after"), lang),
        )
    if kind == "need_intent_mismatch":
        return text(
            "conflict.what.need_intent_mismatch", lang, ratio=format_number(r["ratio"], lang)
        )
    return text(f"conflict.what.{kind}", lang)


def _quality(review) -> pd.DataFrame:
    q = review.analysis("flagged_quality")
    need = {"agent_id", "outcome", "code", "value", "peer_value"}
    return q if not q.empty and need <= set(q.columns) else pd.DataFrame()


def _cost(review, agent_id, quality: pd.DataFrame) -> str:
    """What the agent's flag costs customers, from ``flagged_quality`` ("" when absent)."""
    if quality.empty:
        return ""
    lang = review.language
    q = quality[quality["agent_id"] == agent_id]
    if q.empty:
        return ""
    # an agent flagged by two checks has the same outcomes twice: say each once
    worse = q[q["code"] == "worse"].drop_duplicates("outcome")
    if len(worse):
        parts = []
        for r in worse.to_dict("records"):
            o = r["outcome"]
            key = f"conflict.cost.worse.{o}"
            vals = dict(
                value=format_indicator(o, r["value"], lang, currency=review.spec.currency),
                peer=format_indicator(o, r["peer_value"], lang, currency=review.spec.currency),
                outcome=_label(o, lang),
            )
            try:
                parts.append(text(key, lang, **vals))
            except KeyError:
                parts.append(text("conflict.cost.worse.other", lang, **vals))
        return ("；" if lang != "en" else "; ").join(parts)
    if (q["code"] == "too_little_data").all():
        return text("conflict.cost.too_little", lang)
    return text("conflict.cost.none", lang)


def _no_cost(language: str) -> set[str]:
    return {text(k, language) for k in ("conflict.cost.none", "conflict.cost.too_little")}


def gaming_rows(review) -> pd.DataFrame:
    """One row per flagged agent and kind of gaming, worded.

    Returns
    -------
    DataFrame
        ``agent_id``, ``agent`` (name and id), ``team_id``, ``kind``, ``what`` (what the data
        shows), ``cost`` (what it costs customers, from ``flagged_quality``; empty when not
        measured), ``p_adj``.
    """
    cols = ["agent_id", "agent", "team_id", "kind", "what", "cost", "p_adj"]
    quality = _quality(review)
    rows = []
    for table, kind in GAMING_TABLES.items():
        t = review.analysis(table)
        if t.empty or "flagged" not in t:
            continue
        for r in t[t["flagged"].astype(bool)].sort_values("p_adj").to_dict("records"):
            rows.append(
                {
                    "agent_id": r["agent_id"],
                    "agent": _agent(review, r["agent_id"]),
                    "team_id": r.get("team_id", ""),
                    "kind": kind,
                    "what": _what(review, kind, r),
                    "cost": _cost(review, r["agent_id"], quality),
                    "p_adj": r.get("p_adj", np.nan),
                }
            )
    return pd.DataFrame(rows, columns=cols)


def gaming_table(review) -> pd.DataFrame:
    """Manager table of the flagged agents: agent, team, what the data shows, certainty, and
    the cost to customers when the diagnosis has ``flagged_quality``."""
    lang = review.language
    g = gaming_rows(review)
    g = g.assign(
        certainty=[certainty_word(p, lang) for p in g["p_adj"]],
        cost=[c or text("conflict.cost.unknown", lang) for c in g["cost"]],
    )
    columns = {
        "agent": ("conflict.col.agent", "text"),
        "team_id": ("conflict.col.team", "text"),
        "what": ("conflict.col.seen", "text"),
        "certainty": ("conflict.col.certainty", "text"),
    }
    if not _quality(review).empty:
        columns["cost"] = ("conflict.col.cost", "text")
    return manager_table(g, columns, language=lang, currency=review.spec.currency)


# ---------------------------------------------------------------- summary
def _li(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_esc(s)}</li>" for s in items) + "</ul>"


def summary_html(review, *, top_pairs: int = 3, top_agents: int = 5) -> str:
    """The manager summary: which indicators pull against each other (strength and certainty
    in words), which pairs double-count, who may be gaming and what it costs customers."""
    lang = review.language
    out = [f"<h2>{_esc(text('conflict.h.summary', lang))}</h2>"]
    pairs = conflict_pairs(review)
    items = []
    for r in pairs.head(top_pairs).to_dict("records"):
        key = "conflict.sum.pair_within" if r["level"] == "within" else "conflict.sum.pair"
        items.append(
            text(
                key,
                lang,
                a=_label(r["indicator_a"], lang),
                b=_label(r["indicator_b"], lang),
                strength=strength_word(r["r"], lang),
                certainty=certainty_word(r["p_adj"], lang),
            )
        )
    if len(pairs) > top_pairs:
        items.append(text("conflict.sum.more_pairs", lang, n=len(pairs) - top_pairs))
    if pairs.empty:
        items.append(text("conflict.sum.no_pairs", lang))
    f = review.findings if review.findings is not None else pd.DataFrame()
    if not f.empty:
        red = f[f["kind"] == "redundant"]
        if len(red):
            items.append(
                text(
                    "conflict.sum.redundant",
                    lang,
                    n=len(red),
                    a=_label(red.iloc[0]["indicator_a"], lang),
                    b=_label(red.iloc[0]["indicator_b"], lang),
                )
            )
        harm = f[f["kind"] == "harmful_indicator"]
        for r in harm.head(2).to_dict("records"):
            items.append(
                text(
                    "conflict.sum.harmful",
                    lang,
                    a=_label(r["indicator_a"], lang),
                    b=_label(r["indicator_b"], lang),
                    certainty=certainty_word(r["p_adj"], lang),
                )
            )
    out.append(_li(items))
    g = gaming_rows(review)
    worse_first = [0 if c and c not in _no_cost(lang) else 1 for c in g["cost"]]
    g = g.assign(_w=worse_first).sort_values(["_w", "p_adj"], kind="stable")
    items = []
    for r in g.head(top_agents).to_dict("records"):
        key = ("conflict.sum.agent" if not r["cost"] else "conflict.sum.agent_nocost"
               if r["cost"] in _no_cost(lang) else "conflict.sum.agent_cost")  # fmt: skip
        items.append(text(key, lang, agent=r["agent"], what=r["what"], cost=r["cost"]))
    if len(g) > top_agents:
        items.append(text("conflict.sum.more_agents", lang, n=len(g) - top_agents))
    team = (
        review.analysis("bunching_team", where="flagged")
        if "flagged" in review.analysis("bunching_team")
        else pd.DataFrame()
    )
    for r in team.to_dict("records"):
        items.append(
            text(
                "conflict.sum.team_bunching",
                lang,
                team=r["team_id"],
                excess=format_percent(r["excess_ratio"], lang),
                certainty=certainty_word(r["p_adj"], lang),
            )
        )
    if not items:
        items.append(text("conflict.sum.no_gaming", lang))
    else:
        items.append(text("conflict.sum.caution", lang))
    out.append(_li(items))
    return "\n".join(out)


# ---------------------------------------------------------------- recommendations
def _about(review, r: dict) -> str:
    lang = review.language
    if r.get("agent_id"):
        return _agent(review, r["agent_id"])
    if r.get("subject") == "team" and not r.get("indicator_a"):
        return str(r.get("team_id", ""))
    a, b = _label(r["indicator_a"], lang), _label(r["indicator_b"], lang)
    return f"{a} / {b}" if b else a


def actions_table(review, *, top: int = 20) -> pd.DataFrame:
    """Manager table of the findings, strongest evidence first: what was found, about what or
    whom, how certain, what to do."""
    lang = review.language
    f = review.findings if review.findings is not None else pd.DataFrame()
    rows = []
    for r in f.head(top).to_dict("records") if not f.empty else []:
        a = _label(r["indicator_a"], lang)
        b = _label(r["indicator_b"], lang)
        rows.append(
            {
                "finding": text(f"conflict.kind.{r['kind']}", lang),
                "about": _about(review, r),
                "certainty": certainty_word(r["p_adj"], lang),
                "action": text(f"conflict.action.{r['action']}", lang, a=a or b, b=b),
            }
        )
    d = pd.DataFrame(rows, columns=["finding", "about", "certainty", "action"])
    return manager_table(
        d,
        {
            "finding": ("conflict.col.finding", "text"),
            "about": ("conflict.col.about", "text"),
            "certainty": ("conflict.col.certainty", "text"),
            "action": ("conflict.col.action", "text"),
        },
        language=lang,
        currency=review.spec.currency,
    )


# ---------------------------------------------------------------- skipped analyses
def _analysis_name(name: str, language: str) -> str:
    try:
        return text(f"conflict.an.{name}", language)
    except KeyError:
        return text("conflict.an.other", language, name=name)


def _skipped_reason(r, language: str) -> str:
    """The reason in words when diagnose() gave a known one (a missing table), else ''."""
    code = getattr(r, "reason_code", None)
    table = getattr(r, "table", None)
    if code is None:  # a store written before the codes
        reason = str(r.reason)
        table = next((t for t in ("calls", "surveys") if reason == f"no {t} table passed"), None)
        code = "no_table" if table else "error"
    if code == "no_table" and table in ("calls", "surveys"):
        return text(
            "conflict.skipped.no_table",
            language,
            table=text(f"conflict.table.{table}", language),
        )
    return ""


def skipped_html(review) -> str:
    """The analyses of the diagnosis that could not run on this data, one sentence each in the
    review's language; a sentence saying everything ran when none was skipped. The library's
    own (English) reason is shown in the analyst section only, unless it is a known one."""
    lang = review.language
    skipped = review.analysis("skipped")
    if skipped.empty:
        return f"<p>{_esc(text('conflict.skipped.none', lang))}</p>"
    items = []
    for r in skipped.itertuples():
        what = _analysis_name(r.analysis, lang)
        why = _skipped_reason(r, lang)
        if why:
            what = f"{what} ({why})" if lang == "en" else f"{what}（{why}）"
        items.append(text("conflict.skipped", lang, what=what))
    return _li(items)


# ---------------------------------------------------------------- analyst section
def _section(title: str, table: pd.DataFrame, language: str) -> str:
    n = len(table)
    note = ""
    if n > ANALYST_ROWS:
        note = f"<p>{_esc(text('conflict.a.more', language, shown=ANALYST_ROWS, n=n))}</p>"
        table = table.head(ANALYST_ROWS)
    return f"<h4>{_esc(title)}</h4>{note}{table_html(table, language)}"


def _verdict(v, language: str) -> str:
    try:
        return text(f"conflict.verdict.{v}", language)
    except KeyError:
        return str(v)


def _tech(review, name: str) -> pd.DataFrame | None:
    """The analyst version of one diagnosis table (formatted strings), or None when absent."""
    lang = review.language
    t = review.analysis(name)
    if t.empty:
        return None
    lab = lambda s: [_label(x, lang) for x in s]  # noqa: E731
    num = lambda s, d=2: [format_number(x, lang, digits=d) for x in s]  # noqa: E731
    pv = lambda s: [_p(x, lang) for x in s]  # noqa: E731
    cnt = lambda s: [format_count(x, lang) for x in s]  # noqa: E731
    ci = lambda lo, hi: [_ci(a, b, lang) for a, b in zip(t[lo], t[hi], strict=False)]  # noqa: E731
    if name == "correlations":
        t = t[(t["method"] == "spearman") & (t["flag"] != "")].sort_values("r_oriented")
        lo, hi = t["ci_low"], t["ci_high"]
        d = {
            "conflict.col.a": lab(t["indicator_a"]),
            "conflict.col.b": lab(t["indicator_b"]),
            "conflict.col.kind": [text(f"conflict.kind.{k}", lang) for k in t["flag"]],
            "conflict.col.r": num(t["r"]),
            "conflict.col.ci": [_ci(a, b, lang) for a, b in zip(lo, hi, strict=False)],
            "conflict.col.p_adj": pv(t["p_adj"]),
            "conflict.col.n": cnt(t["n"]),
            "conflict.col.agents": cnt(t["n_agents"]),
        }
    elif name == "within_between":
        t = t[t["simpson_warning"].astype(bool)].sort_values("within_p_adj")
        d = {
            "conflict.col.a": lab(t["indicator_a"]),
            "conflict.col.b": lab(t["indicator_b"]),
            "conflict.col.within_r": num(t["within_r"]),
            "conflict.col.ci": ci("within_ci_low", "within_ci_high"),
            "conflict.col.p_adj": pv(t["within_p_adj"]),
            "conflict.col.between_r": num(t["between_r"]),
            "conflict.col.agents": cnt(t["n_agents"]),
        }
    elif name == "expected":
        d = {
            "conflict.col.a": lab(t["indicator_a"]),
            "conflict.col.b": lab(t["indicator_b"]),
            "conflict.col.expected_sign": [
                text("conflict.sign.pos" if s > 0 else "conflict.sign.neg", lang)
                for s in t["expected_sign"]
            ],
            "conflict.col.r": num(t["r"]),
            "conflict.col.ci": ci("ci_low", "ci_high"),
            "conflict.col.p_adj": pv(t["p_adj"]),
            "conflict.col.verdict": [_verdict(v, lang) for v in t["verdict"]],
            "conflict.col.n": cnt(t["n"]),
        }
    elif name == "trends_team":
        t = t[t["confident"].astype(bool)]
        d = {
            "conflict.col.team": list(t["team_id"]),
            "conflict.col.periods": [
                f"{a} → {b}" for a, b in zip(t["period_from"], t["period_to"], strict=False)
            ],
            "conflict.col.improved": lab(t["improved"]),
            "conflict.col.change": [
                format_percent(x, lang, digits=1) for x in t["improved_change"]
            ],
            "conflict.col.deteriorated": lab(t["deteriorated"]),
            "conflict.col.effect": [
                format_percent(x, lang, digits=1) for x in t["deteriorated_change"]
            ],
            "conflict.col.p_adj": pv(t["p_adj"]),
        }
    elif name == "relevance":
        t = t[t["relation"] != "no detectable relation"].sort_values("p_adj")
        d = {
            "conflict.col.a": lab(t["indicator"]),
            "conflict.col.outcome": lab(t["outcome"]),
            "conflict.col.beta": num(t["beta"]),
            "conflict.col.ci": ci("ci_low", "ci_high"),
            "conflict.col.p_adj": pv(t["p_adj"]),
            "conflict.col.verdict": [_verdict(v, lang) for v in t["relation"]],
            "conflict.col.n": cnt(t["n"]),
        }
    elif name == "alpha_by_dimension":
        from kpi_lib.indicators import dimension_label

        d = {
            "conflict.col.dimension": [dimension_label(x, lang) for x in t["dimension"]],
            "conflict.col.items": cnt(t["n_items"]),
            "conflict.col.alpha": num(t["alpha"]),
            "conflict.col.ci": ci("ci_low", "ci_high"),
            "conflict.col.n": cnt(t["n_obs"]),
        }
    elif name == "bunching":
        t = t[t["rankable"].astype(bool)].sort_values("rank")
        d = {
            "conflict.col.rank": cnt(t["rank"]),
            "conflict.col.agent": [_agent(review, a) for a in t["agent_id"]],
            "conflict.col.excess": [format_percent(x, lang) for x in t["excess_ratio"]],
            "conflict.col.ci": [
                f"{format_percent(a, lang)} – {format_percent(b, lang)}"
                for a, b in zip(t["ci_low"], t["ci_high"], strict=False)
            ],
            "conflict.col.p_adj": pv(t["p_adj"]),
            "conflict.col.calls": cnt(t["n_calls"]),
        }
    elif name == "flagged_quality":
        o = list(t["outcome"])
        d = {
            "conflict.col.agent": [_agent(review, a) for a in t["agent_id"]],
            "conflict.col.outcome": lab(t["outcome"]),
            "conflict.col.value": [
                format_indicator(k, v, lang, currency=review.spec.currency)
                for k, v in zip(o, t["value"], strict=False)
            ],
            "conflict.col.peer": [
                format_indicator(k, v, lang, currency=review.spec.currency)
                for k, v in zip(o, t["peer_value"], strict=False)
            ],
            "conflict.col.difference": num(t["difference"], 3),
            "conflict.col.ci": [
                _ci(a, b, lang, 3) for a, b in zip(t["ci_low"], t["ci_high"], strict=False)
            ],
            "conflict.col.p": pv(t["p_value"]),
            "conflict.col.verdict": [text(f"conflict.cost.code.{c}", lang) for c in t["code"]],
            "conflict.col.n": cnt(t["n"]),
        }
    else:
        raise ValueError(f"No analyst table for {name!r}.")
    return pd.DataFrame({text(k, lang): v for k, v in d.items()})


def _findings_tech(review) -> pd.DataFrame | None:
    lang = review.language
    f = review.findings
    if f is None or f.empty:
        return None
    d = {
        "conflict.col.finding": [text(f"conflict.kind.{k}", lang) for k in f["kind"]],
        "conflict.col.about": [_about(review, r) for r in f.to_dict("records")],
        "conflict.col.effect": [format_number(x, lang, digits=2) for x in f["effect"]],
        "conflict.col.ci": [
            _ci(a, b, lang) for a, b in zip(f["ci_low"], f["ci_high"], strict=False)
        ],
        "conflict.col.p_adj": [_p(x, lang) for x in f["p_adj"]],
    }
    return pd.DataFrame({text(k, lang): v for k, v in d.items()})


_ANALYST = [
    ("correlations", "conflict.a.correlations"),
    ("within_between", "conflict.a.within_between"),
    ("expected", "conflict.a.expected"),
    ("trends_team", "conflict.a.trends"),
    ("relevance", "conflict.a.relevance"),
    ("alpha_by_dimension", "conflict.a.alpha"),
    ("bunching", "conflict.a.bunching"),
    ("flagged_quality", "conflict.a.quality"),
]


def _skipped_analyst(review) -> str:
    """The skipped analyses with the library's reason: as text on an English page; on a
    Chinese page worded when known, else a sentence in the language with the library's
    (English) message as the item's tooltip, so that no English sentence is on the page."""
    lang = review.language
    skipped = review.analysis("skipped")
    if skipped.empty:
        return ""
    items = []
    for r in skipped.itertuples():
        name = _esc(_analysis_name(r.analysis, lang))
        reason = str(r.reason)
        if lang == "en":
            items.append(f"<li>{name}: {_esc(reason)}</li>")
            continue
        why = _skipped_reason(r, lang) or text("conflict.skipped.reason_generic", lang)
        items.append(f'<li title="{_esc(reason)}">{name}：{_esc(why)}</li>')
    return "<ul>" + "".join(items) + "</ul>"


def analyst_html(review) -> str:
    """The technical tables (r, 95 % intervals, adjusted p-values, n) in one collapsed
    ``<details>`` section, headers and codes in the review's language."""
    lang = review.language
    parts = []
    for name, title in _ANALYST:
        t = _tech(review, name)
        if t is not None:
            parts.append(_section(text(title, lang), t, lang))
    skipped = _skipped_analyst(review)
    if skipped:
        parts.append(f"<h4>{_esc(text('conflict.a.skipped', lang))}</h4>{skipped}")
    f = _findings_tech(review)
    if f is not None:
        parts.append(_section(text("conflict.a.findings", lang), f, lang))
    if not parts:
        parts.append(f"<p>{_esc(text('conflict.a.none', lang))}</p>")
    return markup.details_html(text("conflict.h.analyst", lang), "".join(parts))


# ---------------------------------------------------------------- English findings (exports)
def _pct(x: float) -> str:
    return f"{x:+.0%}" if np.isfinite(x) else "n/a"


def _ci_en(r) -> str:
    if np.isfinite(r["ci_low"]) and np.isfinite(r["ci_high"]):
        return f" (95 % interval {r['ci_low']:.2f} to {r['ci_high']:.2f})"
    return ""


def _sentence(r) -> str:
    a, b = _label(r["indicator_a"]), _label(r["indicator_b"])
    who = f"Agent {r['agent_id']}" if r["agent_id"] else f"Team {r['team_id']}"
    k = r["kind"]
    if k == "conflict":
        what = "over time within agents" if r["statistic"].startswith("within") else ""
        return (
            f"{a} and {b} pull against each other {what}: doing better on one goes with "
            f"doing worse on the other, r = {r['effect']:.2f}{_ci_en(r)}."
        ).replace("  ", " ")
    if k == "redundant":
        return f"{a} and {b} move almost in lockstep (r = {r['effect']:.2f}): they double-count."
    if k == "simpson":
        return (
            f"Within agents, {a} and {b} move in one direction (r = {r['effect']:.2f}) but "
            f"between agents in the other ({r['details'].split(';')[0]}): a Simpson's "
            "paradox."
        )
    if k == "expected_contradicted":
        return (
            f"{a} and {b} should move together but the data shows the opposite "
            f"(r = {r['effect']:.2f}{_ci_en(r)})."
        )
    if k == "trend_conflict":
        period, change_a = r["details"].split("; ")
        return (
            f"{who}: {a} improved ({_pct(float(change_a.split('=')[1]))}) while {b} "
            f"deteriorated ({_pct(r['effect'])}), {period}."
        )
    if k == "harmful_indicator":
        return (
            f"Agents who do better on {a} have worse {b} after controlling for tenure, team "
            f"and month (standardised effect {r['effect']:.2f}{_ci_en(r)})."
        )
    if k == "bunching":
        return (
            f"{who}: {r['effect']:.0%} more calls than expected end just past the "
            f"effective-call threshold{_ci_en(r).replace(' to ', ' to ')} - calls stretched "
            "to count as effective."
        )
    if k == "call_padding":
        return (
            f"{who}: after the target raise the share of near-empty connected calls rose by "
            f"{r['effect'] * 100:.0f} points ({r['details']})."
        )
    if k == "need_intent_mismatch":
        return (
            f"{who}: effective calls rated 'no interest' by the customer are "
            f"{r['effect']:.1f} times the team's share."
        )
    if k == "over_promising":
        return (
            f"{who}: a high seller whose customers complain more or come back less than "
            f"the team's ({r['details']})."
        )
    if k == "selective_surveys":
        return (
            f"{who}: surveyed calls are much better than the agent's other calls (gap "
            f"{r['effect']:.0%}): surveys look hand-picked."
        )
    return f"{k}: {a} {b} {who}"


def findings_text(findings: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """Sentences for the findings of :func:`kpi_lib.analyses.recommendations.top_findings`.

    Parameters
    ----------
    findings : DataFrame
        Output of ``top_findings``.
    language : {"en"}
        Only English wording exists so far.

    Returns
    -------
    DataFrame
        ``rank``, ``finding`` (what the data shows), ``evidence`` (strong / moderate / weak,
        with the adjusted p-value), ``recommendation`` (what to do), ``practice`` (the rule in
        the sources it follows).
    """
    from kpi_lib._util import check_option

    check_option("language", language, ["en"])
    cols = ["rank", "finding", "evidence", "recommendation", "practice"]
    if findings.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in findings.to_dict("records"):
        a, b = _label(r["indicator_a"]), _label(r["indicator_b"])
        rows.append(
            {
                "rank": r["rank"],
                "finding": _sentence(r),
                "evidence": f"{r['evidence']} (adjusted p = {r['p_adj']:.2g})",
                "recommendation": ACTION_TEXT[r["action"]].format(a=a or "it", b=b),
                "practice": r["practice"],
            }
        )
    return pd.DataFrame(rows, columns=cols)
