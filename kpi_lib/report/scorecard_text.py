"""Manager-facing sentences for the scorecard notebook (Markdown strings)."""

from __future__ import annotations

import pandas as pd

from kpi_lib.report.markup import markdown_safe
from kpi_lib.report.review import scheme_adapted_html, skipped_html

__all__ = [
    "adapted_html",
    "section_skipped_html",
    "commission_bands",
    "describe_bonus",
    "describe_certification",
    "describe_notes",
    "describe_pip",
    "describe_review",
    "describe_scorecard",
    "describe_shrinkage",
]


def adapted_html(review) -> str:
    """The prominent note that the scheme was adapted to the data (empty when it was not)."""
    return scheme_adapted_html(review)


def section_skipped_html(review, section: str) -> str:
    """Why a decision (``certification``, ``pip``, ``coaching``...) was not made for this
    data, in the review's language; empty when it was made."""
    return skipped_html(review, section)


def describe_notes(scorecard) -> str:
    """The decisions taken on the reader's behalf while scoring, as a bullet list."""
    s = scorecard.settings
    head = (
        f"Scheme **{markdown_safe(s['scheme'])}**, {markdown_safe(s['cycle'])} cycle, normalisation **{markdown_safe(s['normalisation'])}**,"
        f" aggregation **{markdown_safe(s['aggregation'])}**."
    )
    notes = "\n".join(f"- {markdown_safe(n)}" for n in scorecard.notes)
    return head + ("\n\n" + notes if notes else "")


def describe_review(findings: pd.DataFrame, scheme_name: str = "") -> str:
    """Scheme-review findings as a short list, errors first."""
    if findings is None or len(findings) == 0:
        return f"The scheme {markdown_safe(scheme_name)} follows every design principle checked."
    counts = findings["severity"].value_counts()
    head = (
        f"Scheme review{' of ' + markdown_safe(scheme_name) if scheme_name else ''}: "
        + ", ".join(f"{counts[s]} {s}(s)" for s in ("error", "warning", "info") if s in counts)
        + "."
    )
    lines = [
        f"- **{markdown_safe(r.severity)}** ({markdown_safe(r.code)}): {markdown_safe(r.message)}"
        for r in findings.itertuples()
    ]
    return head + "\n\n" + "\n".join(lines)


def describe_scorecard(scorecard, *, period: str) -> str:
    """Headline numbers of one period: agents scored, median, tiers, gates, small samples."""
    a = scorecard.agents[scorecard.agents["period"].astype(str) == str(period)]
    n = len(a)
    scored = a["composite"].notna().sum()
    tiers = a["tier"].replace("", pd.NA).dropna().value_counts().sort_index()
    tier_txt = ", ".join(f"{markdown_safe(t)}: {k}" for t, k in tiers.items())
    gate_fail = int((~a["gates_passed"].astype(bool)).sum())
    unrank = int((~a["rankable"].astype(bool)).sum())
    top = a.dropna(subset=["composite"]).nsmallest(1, "rank")
    top_txt = (
        f" The top score is {top['composite'].iloc[0]:.0f} ({markdown_safe(top['agent_id'].iloc[0])})."
        if len(top)
        else ""
    )
    return (
        f"In {period}, {scored} of {n} agents received a composite score; the median is "
        f"{a['composite'].median():.0f} out of 100.{top_txt} Tiers: {tier_txt}. "
        f"{gate_fail} agent(s) failed a gate (see `gate_failures`), and {unrank} agent(s) "
        "have rates based on too few calls or surveys to be ranked with confidence."
    )


def describe_bonus(bonus: pd.DataFrame, *, pool: float) -> str:
    """Who shares the pool and who was excluded, and why."""
    paid = bonus[bonus["eligible"]]
    excluded = bonus[~bonus["eligible"]]
    reasons = excluded["reason"].str.split(":").str[0].value_counts()
    reason_txt = "; ".join(f"{markdown_safe(k)} ({v})" for k, v in reasons.items())
    top = paid.head(1)
    top_txt = (
        f" The largest bonus is {top['bonus'].iloc[0]:,.0f} ({markdown_safe(top['agent_id'].iloc[0])})."
        if len(top)
        else ""
    )
    return (
        f"A pool of {pool:,.0f} is shared by {len(paid)} eligible agents in proportion to their "
        f"composite.{top_txt} {len(excluded)} agent(s) get nothing"
        + (f": {reason_txt}." if len(excluded) else ".")
    )


def describe_certification(cands: pd.DataFrame, rule_text: str = "") -> str:
    """How many agents meet the certification rule now (the same count as the period review's
    certification list: a qualifying streak up to the scored period)."""
    if cands.empty or "current_streak" not in cands:
        return "Certification was not assessed for this data (see the notes of the review)."
    now = cands["eligible"] & (cands["current_streak"] >= 2)
    rule = rule_text or "two consecutive months with satisfaction >= 95 % and the sales target met"
    return (
        f"{int(now.sum())} agent(s) meet the rule ({rule}) up to this period and are eligible "
        f"for senior certification. {int((cands['current_streak'] == 1).sum())} more met it "
        "in this period only and are one month away."
    )


def describe_pip(pip: pd.DataFrame, *, min_count: int = 2, window: int = 3) -> str:
    """How many persistent low performers were found."""
    if len(pip) == 0 and "evidence" not in pip:
        return "Improvement plans were not assessed for this data (see the notes of the review)."
    if len(pip) == 0:
        return (
            f"No agent was in the bottom tier in {min_count} of the last {window} periods; "
            "no performance improvement plan is suggested."
        )
    return (
        f"{len(pip)} agent(s) were in the bottom tier in at least {min_count} of the last "
        f"{window} periods. Each row shows the evidence; a PIP starts with a coaching "
        "conversation, not a sanction."
    )


def describe_shrinkage(effect: pd.DataFrame, *, indicator: str) -> str:
    """What discounting luck changes in the ranking on one rate."""
    top_raw = effect.nsmallest(5, "rate_rank_raw")
    small = top_raw[~top_raw["rankable"].astype(bool)]
    moved = effect["rate_rank_raw"] - effect["rate_rank_shrunk"]
    biggest = effect.loc[moved.abs().idxmax()] if len(effect) else None
    txt = (
        f"Of the five best agents on {indicator} before shrinkage, {len(small)} have too few "
        "trials for their rate to be trusted"
    )
    if len(small):
        txt += (
            " ("
            + ", ".join(
                f"{markdown_safe(r.agent_id)}: {r.trials:.0f} trials" for r in small.itertuples()
            )
            + ")"
        )
    txt += "."
    if biggest is not None:
        txt += (
            f" Shrinkage moves {markdown_safe(biggest['agent_id'])} from rank "
            f"{biggest['rate_rank_raw']:.0f} to {biggest['rate_rank_shrunk']:.0f} on this "
            "rate, the largest change."
        )
    return txt


def commission_bands(commission: pd.DataFrame) -> pd.DataFrame:
    """Agents per commission band (``band``, ``agents``); empty when commission was not
    computed for this data."""
    if commission.empty or "band" not in commission:
        return pd.DataFrame(columns=["band", "agents"])
    return commission.groupby("band")["agent_id"].count().rename("agents").reset_index()
