"""Plain-language findings of the before/after analyses, for managers.

Each function takes the tidy table(s) of :mod:`kpi_lib.analyses.before_after` and returns
Markdown (bullets, a table, or the full case-study write-up) that a notebook shows with
``IPython.display.Markdown``; :func:`comparison_table` returns a DataFrame of display strings.
Wording rule: a change is called a rise or fall only when the test (after the multiplicity
correction) and the interval agree; otherwise the text says the data cannot tell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.indicators.periods import period_order
from kpi_lib.report.markup import markdown_safe

__all__ = [
    "format_value",
    "comparison_table",
    "comparison_text",
    "did_text",
    "its_text",
    "rescoring_text",
    "scheme_weights_text",
    "case_study_text",
]


def _finite(x) -> bool:
    try:
        return bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False


def format_value(value, unit: str = "") -> str:
    """A level in its unit: shares as percentages, amounts with thousands separators.

    Examples
    --------
    >>> format_value(0.2234, "share")
    '22.3 %'
    >>> format_value(38961.3, "currency")
    '38,961'
    """
    if not _finite(value):
        return "n/a"
    v = float(value)
    if unit == "share":
        return f"{100 * v:.1f} %"
    if unit == "currency" or abs(v) >= 1000:
        return f"{v:,.0f}"
    if unit.startswith("score"):
        return f"{v:.2f}"
    return f"{v:.1f}"


def _pct(x, signed: bool = True) -> str:
    if not _finite(x):
        return "n/a"
    return f"{100 * float(x):+.0f} %" if signed else f"{100 * float(x):.0f} %"


def _delta(x, unit: str) -> str:
    """An absolute change: percentage points for shares."""
    if not _finite(x):
        return "n/a"
    if unit == "share":
        text = f"{100 * float(x):+.1f}"
        return ("0.0" if text in ("+0.0", "-0.0") else text) + " points"
    text = ("+" if float(x) > 0 else "") + format_value(x, unit)
    return text.lstrip("+-") if float(text.lstrip("+").replace(",", "")) == 0 else text


def _p(p) -> str:
    if not _finite(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _md_table(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.astype(str).itertuples(index=False):
        lines.append("| " + " | ".join(v.replace("|", "/") for v in row) + " |")
    return "\n".join(lines)


def comparison_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """Display table of :func:`~kpi_lib.analyses.before_after.period_comparison`.

    Returns
    -------
    DataFrame
        One row per group and indicator with text columns ``group``, ``indicator`` (label),
        ``before`` and ``after`` (level [95 % interval]), ``change`` (relative change [interval]),
        ``test`` (name, adjusted p), ``effect size`` and ``verdict``.
    """
    rows = []
    for r in comparison.itertuples(index=False):
        u = r.unit
        if r.verdict == "no data":
            rows.append(
                {
                    "group": r.group,
                    "indicator": r.label,
                    "before": format_value(r.value_before, u),
                    "after": format_value(r.value_after, u),
                    "change": "n/a",
                    "test": "n/a",
                    "effect size": "n/a",
                    "verdict": _no_data_reason(r),
                }
            )
            continue
        rows.append(
            {
                "group": r.group,
                "indicator": r.label,
                "before": f"{format_value(r.value_before, u)} [{format_value(r.value_before_ci_low, u)}, "
                f"{format_value(r.value_before_ci_high, u)}]",
                "after": f"{format_value(r.value_after, u)} [{format_value(r.value_after_ci_low, u)}, "
                f"{format_value(r.value_after_ci_high, u)}]",
                "change": f"{_pct(r.rel_change)} [{_pct(r.rel_change_ci_low)}, {_pct(r.rel_change_ci_high)}]",
                "test": f"{r.test}, p_adj {_p(r.p_adj)}",
                "effect size": f"{r.effect_size:+.2f}" if _finite(r.effect_size) else "n/a",
                "verdict": r.verdict,
            }
        )
    return pd.DataFrame(rows)


def _no_data_reason(r) -> str:
    """Why a comparison row has no estimate."""
    for side in ("after", "before"):
        if not _finite(getattr(r, f"value_{side}")):
            late = getattr(r, f"not_matured_{side}", "")
            if late:
                return f"no data {side}: follow-up window not yet closed ({markdown_safe(late)})"
            return f"no data {side} the switch"
    return "no data"


def _matured_note(r) -> str:
    """Which months a follow-up indicator could not use; empty when none."""
    parts = [
        f"{side} window without {markdown_safe(late)}"
        for side in ("before", "after")
        if (late := getattr(r, f"not_matured_{side}", ""))
    ]
    if not parts:
        return ""
    return (
        " Only months whose follow-up window had closed count ("
        + "; ".join(parts)
        + ", too recent to know who came back)."
    )


def _change_sentence(r) -> str:
    u = r.unit
    if r.verdict == "no data":
        return f"**{r.label}** cannot be compared: {_no_data_reason(r)}. No estimate is given."
    levels = f"from {format_value(r.value_before, u)} to {format_value(r.value_after, u)}"
    interval = f"{_pct(r.rel_change_ci_low)} to {_pct(r.rel_change_ci_high)}"
    if r.verdict in ("improved", "worsened", "increased", "decreased"):
        verb = "rose" if r.change > 0 else "fell"
        tail = {"improved": " - an improvement", "worsened": " - a deterioration"}.get(
            r.verdict, ""
        )
        return (
            f"**{r.label}** {verb} {levels} ({_pct(r.rel_change)}, 95 % interval {interval})"
            f"{tail}.{_matured_note(r)}"
        )
    return (
        f"**{r.label}** moved {levels} ({_pct(r.rel_change)}), but the interval ({interval}) "
        f"or the test cannot rule out no change.{_matured_note(r)}"
    )


def comparison_text(comparison: pd.DataFrame) -> str:
    """One bullet per indicator (and group): what changed, by how much, how sure.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.period_comparison`.
    """
    multi = comparison["group"].nunique() > 1
    lines = []
    for r in comparison.itertuples(index=False):
        s = _change_sentence(r)
        lines.append(f"{markdown_safe(r.group)}: {s}" if multi else s)
    corr = comparison["correction"].iloc[0] if len(comparison) else "none"
    kind = comparison["interval"].iloc[0] if "interval" in comparison and len(comparison) else ""
    note = (
        f"\n\n*Intervals: cluster bootstrap over agents ({kind}). Tests: {', '.join(sorted(comparison['test'].unique()))} "
        f"on per-agent values, p-values adjusted ({corr}) across the {comparison['p_value'].notna().sum()} "
        "tests of this table. A change counts only when test and interval agree.*"
    )
    return "\n".join(f"- {line}" for line in lines) + note


def did_text(
    did: pd.DataFrame,
    *,
    treated: str = "the treated teams",
    comparison: str = "the comparison team",
) -> str:
    """Difference-in-differences findings with the parallel-trends verdict, one bullet each.

    Parameters
    ----------
    did : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.difference_in_differences`.
    treated, comparison : str
        How to name the two groups in the text (e.g. ``"teams T01 and T02"``).
    """
    lines = []
    units = {r.indicator: _unit(r.indicator) for r in did.itertuples(index=False)}
    parts = [
        [x for x in str(n or "").split("; ") if x]
        for n in (did["note"] if "note" in did else [""] * len(did))
    ]
    shared = [x for x in (parts[0] if parts else []) if all(x in p for p in parts)]
    for r, own in zip(did.itertuples(index=False), parts, strict=True):
        u = units[r.indicator]
        note = markdown_safe("; ".join(x for x in own if x not in shared))
        tail = f" *{note[0].upper() + note[1:]}.*" if note else ""
        if not _finite(r.estimate):
            lines.append(f"**{r.label}**: cannot be estimated - no estimate is given.{tail}")
            continue
        if not _finite(r.ci_low) and not _finite(r.ci_high):
            lines.append(
                f"**{r.label}**: {_delta(r.estimate, u)} relative to {comparison}, with no "
                f"interval or test.{tail}"
            )
            continue
        ci = f"95 % interval {_delta(r.ci_low, u)} to {_delta(r.ci_high, u)}"
        if not (np.isfinite(r.ci_low) and np.isfinite(r.ci_high)):
            ci = "the data do not bound the effect: " + ci.replace("inf", "infinity")
        if r.significant:
            head = (
                f"**{r.label}**: relative to {comparison}, {treated} moved by an extra "
                f"{_delta(r.estimate, u)} ({_pct(r.rel_effect)} against where they would otherwise "
                f"be; {ci})."
            )
        elif _finite(r.ci_low) and (r.ci_low > 0 or r.ci_high < 0):
            head = (
                f"**{r.label}**: {_delta(r.estimate, u)} relative to {comparison} ({ci}), but not "
                f"significant once all {len(did)} indicators tested are taken into account "
                f"(adjusted p {_p(r.p_adj)})."
            )
        else:
            head = (
                f"**{r.label}**: no change attributable to the scheme can be shown "
                f"({_delta(r.estimate, u)}, {ci})."
            )
        if r.parallel_trends == "doubtful":
            drift = (
                f" Caution: before the switch the two groups already drifted apart "
                f"({_delta(r.pre_trend_diff, u)} per period, p {_p(r.pre_trend_p)}), so the "
                "parallel-trends assumption looks violated."
            )
            if _finite(r.trend_bias) and np.sign(r.trend_bias) == np.sign(r.estimate):
                trend = drift + (
                    f" If that drift went on, about {_delta(r.trend_bias, u)} of the estimate is "
                    "drift, not scheme."
                )
            else:
                trend = drift + (
                    " The drift ran against the change seen, so the effect is not overstated by "
                    "it, but its size is uncertain."
                )
        elif r.parallel_trends == "cannot judge":
            trend = " Too few periods or teams before the switch to check that the groups moved in parallel."
        else:
            trend = (
                " Before the switch the groups moved in parallel (no significant trend difference)."
            )
        lines.append(head + trend + tail)
    if shared:
        lines.insert(0, "**All indicators**: " + markdown_safe("; ".join(shared)) + ".")
    if len(did) and "inference" in did:
        lines.append(
            "*Intervals and tests treat each team as one unit (wild cluster bootstrap by team), "
            "because the scheme was switched team by team and every team has its own "
            "month-to-month swings.*"
        )
    return "\n".join(f"- {line}" for line in lines)


def _unit(indicator: str) -> str:
    from kpi_lib.analyses.before_after import indicator_meta

    return indicator_meta(indicator)[2]


def its_text(its: pd.DataFrame) -> str:
    """Interrupted-time-series findings: jump at the switch, change of trend, effect at the end.

    Parameters
    ----------
    its : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.interrupted_time_series`.
    """
    lines = []
    for r in its.itertuples(index=False):
        u = _unit(r.indicator)
        effect = (
            f"by the last {r.granularity} it stands {_delta(r.effect_end, u)} "
            f"({_pct(r.rel_effect_end)}) away from where the earlier trend pointed "
            f"(95 % interval {_delta(r.effect_end_ci_low, u)} to {_delta(r.effect_end_ci_high, u)})"
        )
        if r.significant:
            verdict = "a clear break at the switch"
        elif _finite(r.level_change_p) and r.level_change_p < 0.05:
            verdict = "a jump at the switch but no clear lasting effect"
        else:
            verdict = "no clear break at the switch"
        line = (
            f"**{r.label}**: {verdict} - jump {_delta(r.level_change, u)} "
            f"(p {_p(r.level_change_p)}), trend change {_delta(r.slope_change, u)} per {r.granularity}; "
            f"{effect}."
        )
        if r.caution:
            line += f" *{r.caution[0].upper() + r.caution[1:]}.*"
        left_out = str(getattr(r, "left_out", "") or "")
        if left_out:
            line += f" Left out: {markdown_safe(left_out)}."
        lines.append(line)
    return "\n".join(f"- {line}" for line in lines)


def rescoring_text(rescored: pd.DataFrame, *, max_agents: int = 8) -> str:
    """Who would be rewarded or put on a PIP under one scheme but not the other.

    Parameters
    ----------
    rescored : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.rescore_under_schemes`.
    max_agents : int
        Agents named per category at most.
    """
    lines = []
    old, new = (markdown_safe(rescored[c].iloc[0]) for c in ("old_scheme", "new_scheme"))
    periods = rescored["period"].astype(str)
    for period in period_order(periods):
        d = rescored[periods == period]
        n = len(d)
        ranks = d[["rank_old", "rank_new"]].dropna()
        rho = ranks.corr(method="spearman").iloc[0, 1] if len(ranks) > 2 else np.nan
        parts = [
            f"**{period}** ({n} agents): rank agreement between {old} and {new} "
            f"(Spearman) {rho:.2f}"
            if _finite(rho)
            else f"**{period}** ({n} agents)"
        ]
        for label in (
            "rewarded only under new",
            "rewarded only under old",
            "PIP only under new",
            "PIP only under old",
        ):
            who = d.loc[d["decision_change"].str.contains(label, regex=False), "agent_id"].tolist()
            if who:
                names = ", ".join(markdown_safe(a) for a in who[:max_agents]) + (
                    f" and {len(who) - max_agents} more" if len(who) > max_agents else ""
                )
                parts.append(f"{label}: {len(who)} ({names})")
        if len(parts) == 1:
            parts.append("no agent's reward or PIP status depends on the scheme")
        lines.append("; ".join(parts) + ".")
    return "\n".join(f"- {line}" for line in lines)


def scheme_weights_text(scheme) -> str:
    """A scheme's weights in one line, e.g. ``Sales amount 70 %, Dials 30 %``.

    Parameters
    ----------
    scheme : Scheme
        A loaded :class:`~kpi_lib.scoring.schemes.Scheme` (the report layer reads no files).
    """
    from kpi_lib.analyses.before_after import indicator_meta

    if not hasattr(scheme, "overall_weights"):
        raise TypeError(
            f"scheme_weights_text needs a loaded Scheme (kpi_lib.scoring.load_scheme), not "
            f"{type(scheme).__name__}."
        )
    w = scheme.overall_weights().sort_values(ascending=False)
    return ", ".join(f"{indicator_meta(i)[0]} {100 * v:.0f} %" for i, v in w.items())


def case_study_text(
    *,
    comparison: pd.DataFrame,
    case_table: pd.DataFrame,
    old,
    new,
    did: pd.DataFrame | None = None,
    group: str | None = None,
    team_name: str = "the treated teams",
    comparison_name: str = "the comparison team",
) -> str:
    """The case-study write-up: background, the change, results before -> after, in plain words.

    Parameters
    ----------
    comparison : DataFrame
        :func:`~kpi_lib.analyses.before_after.period_comparison` of the treated group.
    case_table : DataFrame
        :func:`~kpi_lib.analyses.before_after.case_study_table` of that comparison.
    old, new : Scheme
        Loaded schemes before and after the switch.
        The schemes before and after the switch.
    did : DataFrame, optional
        :func:`~kpi_lib.analyses.before_after.difference_in_differences`; adds how much of the
        change the comparison team confirms.
    group : str, optional
        Group of ``comparison`` to describe (required when it holds several).
    team_name, comparison_name : str
        How the text names the treated teams and the comparison team.

    Returns
    -------
    str
        Markdown with the sections Background, The change, Results (a before -> after table
        with intervals and the source's figures), In one paragraph, and How sure we are.
    """
    groups = list(pd.unique(comparison["group"]))
    if group is None:
        if len(groups) != 1:
            raise ValueError(f"`comparison` holds several groups {groups}; pass `group=`.")
        group = groups[0]
    c = comparison[comparison["group"] == group].set_index("indicator")
    bw = (c["before_start"].iloc[0], c["before_end"].iloc[0])
    aw = (c["after_start"].iloc[0], c["after_end"].iloc[0])
    period = lambda w: f"{pd.Timestamp(w[0]):%b %Y} - {pd.Timestamp(w[1]):%b %Y}"  # noqa: E731

    def level(ind, side):
        return (
            format_value(c.loc[ind, f"value_{side}"], c.loc[ind, "unit"])
            if ind in c.index
            else "n/a"
        )

    symptoms = []
    for ind in ("complaints_per_100_orders", "repurchase_rate", "dials"):
        if ind in c.index:
            symptoms.append(f"{c.loc[ind, 'label'].lower()} {level(ind, 'before')}")
    out = [
        "### Background",
        (
            f"Under the old scheme ({scheme_weights_text(old)}) {team_name} were paid for sales and "
            f"call volume. In {period(bw)}: "
            + (", ".join(symptoms) if symptoms else "see the table below")
            + "."
        ),
    ]
    out += [
        "### The change",
        f"New scheme: {scheme_weights_text(new)}. Results below compare {period(aw)} (after) with "
        f"{period(bw)} (before).",
    ]

    rows = []
    for r in c.reset_index().itertuples(index=False):
        u = r.unit
        if r.verdict == "no data":
            rows.append(
                {
                    "indicator": r.label,
                    "before": format_value(r.value_before, u),
                    "after": format_value(r.value_after, u),
                    "change": "n/a",
                    "verdict": _no_data_reason(r),
                }
            )
            continue
        rows.append(
            {
                "indicator": r.label,
                "before": f"{format_value(r.value_before, u)} [{format_value(r.value_before_ci_low, u)} - {format_value(r.value_before_ci_high, u)}]",
                "after": f"{format_value(r.value_after, u)} [{format_value(r.value_after_ci_low, u)} - {format_value(r.value_after_ci_high, u)}]",
                "change": f"{_pct(r.rel_change)} [{_pct(r.rel_change_ci_low)} - {_pct(r.rel_change_ci_high)}]",
                "verdict": r.verdict,
            }
        )
    out += [
        "### Results",
        "Before -> after with 95 % intervals:\n\n" + _md_table(pd.DataFrame(rows)),
    ]
    checks = []
    for r in case_table.itertuples(index=False):
        if pd.isna(r.consistent):
            why = (
                _no_data_reason(c.loc[r.indicator].rename(r.indicator))
                if r.indicator in c.index and c.loc[r.indicator, "verdict"] == "no data"
                else "not measured here"
            )
            checks.append(f"{r.source_text}: {why}")
            continue
        unit = "share" if r.check == "rel_change" else _unit(r.indicator)
        measured = _pct(r.measured) if r.check == "rel_change" else format_value(r.measured, unit)
        lo = _pct(r.ci_low) if r.check == "rel_change" else format_value(r.ci_low, unit)
        hi = _pct(r.ci_high) if r.check == "rel_change" else format_value(r.ci_high, unit)
        agree = "consistent with" if r.consistent else "differs from"
        checks.append(
            f"source: {r.source_text} - measured {measured} [{lo} - {hi}], {agree} the source"
        )
    out += ["Against the figures the source reports:\n\n" + "\n".join(f"- {x}" for x in checks)]

    better = [r for r in c.reset_index().itertuples(index=False) if r.verdict == "improved"]
    worse = [r for r in c.reset_index().itertuples(index=False) if r.verdict == "worsened"]
    para = []
    if better:
        para.append(
            "After the switch "
            + "; ".join(
                f"{r.label.lower()} went from {format_value(r.value_before, r.unit)} to {format_value(r.value_after, r.unit)}"
                for r in better
            )
            + "."
        )
    if worse:
        para.append(
            "The price: "
            + "; ".join(
                f"{r.label.lower()} {'fell' if r.change < 0 else 'rose'} {_pct(abs(r.rel_change), False)}"
                for r in worse
            )
            + " - the new scheme no longer pays for this."
        )
    unclear = [
        r.label.lower()
        for r in c.reset_index().itertuples(index=False)
        if r.verdict == "no clear change"
    ]
    if unclear:
        para.append("No clear change in " + ", ".join(unclear) + ".")
    missing = [
        r.label.lower() for r in c.reset_index().itertuples(index=False) if r.verdict == "no data"
    ]
    if missing:
        para.append("Not measurable yet: " + ", ".join(missing) + ".")
    out += ["### In one paragraph", " ".join(para) if para else "No indicator changed clearly."]

    sure = [
        "Intervals come from resampling agents (a cluster bootstrap), so they reflect how much the "
        "result depends on which agents happened to be in the team; a change is reported only when "
        "the interval and the rank test agree, after correcting for the number of indicators tested."
    ]
    if did is not None and len(did):
        notes = [n for n in did.get("note", pd.Series(dtype=str)).fillna("") if n]
        team_notes = [n for n in dict.fromkeys(notes) if "team" in n]
        testable = did[did["inference"] != "none"] if "inference" in did else did
        confirmed = testable[testable["significant"]]
        doubtful = testable[testable["parallel_trends"] == "doubtful"]
        if len(testable):
            sure.append(
                f"{comparison_name.capitalize()} kept the old scheme: against it, {len(confirmed)} "
                f"of {len(testable)} indicators show a change attributable to the scheme"
                + (f" ({', '.join(confirmed['label'].str.lower())})" if len(confirmed) else "")
                + "."
            )
        elif team_notes:
            sure.append(
                f"{comparison_name.capitalize()} kept the old scheme, but with "
                + team_notes[0].split(" (")[0].split(":")[0]
                + " its own month-to-month swings cannot be told apart from the effect of the "
                "scheme: against it the changes can only be described, not confirmed."
            )
        if len(doubtful):
            sure.append(
                "For "
                + ", ".join(doubtful["label"].str.lower())
                + " the groups already drifted apart "
                "before the switch, so that comparison is less trustworthy."
            )
        if team_notes and len(testable):
            sure.append(
                "The comparison counts teams, not agents, since the scheme changed team by team: "
                + team_notes[0].split(";")[0]
                + "."
            )
    else:
        sure.append(
            "Without a comparison team, other things that changed at the same time (season, "
            "products, leads) cannot be separated from the effect of the scheme."
        )
    out += ["### How sure we are", " ".join(sure)]
    return "\n\n".join(out)
