"""Plain-language sentences for the indicator-conflict diagnosis (manager-facing wording)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from kpi_lib.report.review_text import text

__all__ = ["findings_text", "skipped_html", "ACTION_TEXT"]

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


def _label(indicator: str) -> str:
    if not indicator:
        return ""
    try:
        from kpi_lib.indicators.catalogue import label

        return label(indicator)
    except (ImportError, KeyError, ValueError):
        return indicator.replace("_", " ")


def _pct(x: float) -> str:
    return f"{x:+.0%}" if np.isfinite(x) else "n/a"


def _ci(r) -> str:
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
            f"doing worse on the other, r = {r['effect']:.2f}{_ci(r)}."
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
            f"(r = {r['effect']:.2f}{_ci(r)})."
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
            f"and month (standardised effect {r['effect']:.2f}{_ci(r)})."
        )
    if k == "bunching":
        return (
            f"{who}: {r['effect']:.0%} more calls than expected end just past the "
            f"effective-call threshold{_ci(r).replace(' to ', ' to ')} - calls stretched "
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


def skipped_html(review) -> str:
    """The analyses of the diagnosis that could not run on this data, one line each in the
    review's language ("Not computed for this data: relevance (...)"); a sentence saying
    everything ran when none was skipped. The reason is the analysis's own."""
    skipped = review.analysis("skipped")
    if skipped.empty:
        return ""
    items = "".join(
        "<li>"
        + html.escape(
            text("note.skipped", review.language, section=r.analysis, reason=str(r.reason))
        )
        + "</li>"
        for r in skipped.itertuples()
    )
    return f"<ul>{items}</ul>"
