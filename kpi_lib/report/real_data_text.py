"""Manager-facing sentences for the real-data tour (Markdown strings)."""

from __future__ import annotations

import pandas as pd

from kpi_lib.report.markup import markdown_safe

__all__ = [
    "status_text",
    "accounting_text",
    "volume_text",
    "confounding_text",
    "contacts_text",
    "duration_text",
    "sources_text",
    "sdr_text",
]

_MISSING = "_The data for this section is not available on this machine; nothing to show._"


def status_text(status: pd.DataFrame) -> str:
    """Which real datasets were found and imported."""
    if not status["available"].any():
        return (
            "**Real data not available.** None of the real datasets was found under "
            f"`{status['folder'].iloc[0].rsplit('/', 1)[0]}`; every section below is empty. "
            "Point the `realdata` parameter at the folder described in its README."
        )
    found = ", ".join(markdown_safe(d) for d in status.loc[status["available"], "dataset"])
    missing = status.loc[~status["available"], "dataset"].tolist()
    text = f"Imported through their mappings: **{found}**."
    if missing:
        text += f" Not available: {', '.join(markdown_safe(m) for m in missing)}."
    return text


def accounting_text(accounting: pd.DataFrame) -> str:
    """Whether every source row was accounted for."""
    if accounting.empty:
        return _MISSING
    ok = accounting["balanced"].all()
    dropped = int(accounting["dropped"].sum())
    quarantined = int(accounting["quarantined"].sum())
    return (
        f"{'Every' if ok else 'NOT every'} source row is accounted for: rows read = rows dropped "
        f"by a stated rule ({dropped:,}) + merged into distinct rows + quarantined "
        f"({quarantined:,}) + used. The table below lists each rule and how many rows it removed."
    )


def volume_text(table: pd.DataFrame) -> str:
    """Spread of volume and handle time between agents; small samples named."""
    if table.empty:
        return _MISSING
    top, low = table.iloc[0], table.iloc[-1]
    fast = table.loc[table["median_handle_s"].idxmin()]
    slow = table.loc[table["median_handle_s"].idxmax()]
    small = table.loc[table["small_sample"].astype(bool), "agent_id"].tolist()
    text = (
        f"Volume ranges from {top['calls']:,} calls ({markdown_safe(top['agent_id'])}) down to "
        f"{low['calls']:,} ({markdown_safe(low['agent_id'])}). Median handle time ranges from "
        f"{fast['median_handle_s']:.0f} s ({markdown_safe(fast['agent_id'])}) to "
        f"{slow['median_handle_s']:.0f} s ({markdown_safe(slow['agent_id'])})."
    )
    if small:
        text += (
            f" Too few calls to judge: {', '.join(markdown_safe(a) for a in small)} — read their wide intervals, not "
            "their point values."
        )
    return text


def confounding_text(adjusted: pd.DataFrame, mix: pd.DataFrame) -> str:
    """The agent whose raw handle time is most inflated by call mix."""
    if adjusted.empty:
        return _MISSING
    a = adjusted.assign(mix_effect=adjusted["expected_ratio"]).sort_values(
        "mix_effect", ascending=False
    )
    r = a.iloc[0]
    share = float(r["main_type_share"])
    overall = mix.loc[mix["call_type"] == r["main_type"], "share_overall"]
    overall = float(overall.iloc[0]) if len(overall) else float("nan")
    moved = adjusted.loc[adjusted["rank_shift"].abs() >= 3, "agent_id"].tolist()
    text = (
        f"**{markdown_safe(r['agent_id'])}** takes mostly `{r['main_type']}` calls ({share:.0%} of their calls, "
        f"against {overall:.0%} for the centre). Those calls are long for everyone, so the mix "
        f"alone predicts handle time {r['expected_ratio']:.2f}x the centre's; the raw figure is "
        f"{r['raw_ratio']:.2f}x and, compared like for like, {r['adjusted_ratio']:.2f}x "
        f"(95% CI {r['ci_low']:.2f}-{r['ci_high']:.2f}). Rank agents on the adjusted ratio, "
        "never on raw handle time."
    )
    if moved:
        text += f" Adjustment moves these agents by 3 or more places: {', '.join(markdown_safe(a) for a in moved)}."
    return text


def contacts_text(table: pd.DataFrame) -> str:
    """Contact fatigue: conversion against the number of contacts."""
    if table.empty:
        return _MISSING
    first, last = table.iloc[0], table.iloc[-1]
    return (
        f"Clients reached on the first contact convert at {first['rate']:.1%}; those called "
        f"{last['bin']} times convert at {last['rate']:.1%}. Repeated calls have diminishing "
        "returns: a dials target that rewards calling the same client again and again buys "
        "little. (Part of this is selection — easy clients say yes early — so it shows the "
        "return of the next call, not the harm of calling.)"
    )


def duration_text(table: pd.DataFrame, predictors: pd.DataFrame) -> str:
    """Why call duration must not be used as a predictor or a target."""
    if table.empty:
        return _MISSING
    auc = predictors.set_index("variable")["auc"].get("duration_s", float("nan"))
    return (
        f"Conversion climbs from {table['rate'].iloc[0]:.1%} for calls under a minute to "
        f"{table['rate'].iloc[-1]:.1%} for calls of ten minutes or more (AUC {auc:.2f}). "
        "**This is not a usable predictor**: the duration is only known after the call ends, "
        "and a client who is subscribing stays on the line — the length partly *is* the "
        'outcome. It cannot tell you whom to call, and as a target ("talk longer") it invites '
        "padded calls, the gaming the domain sources warn about. Pair talk time with an outcome "
        "or quality indicator instead."
    )


def sources_text(table: pd.DataFrame) -> str:
    """Lead conversion by source, with small groups named."""
    if table.empty:
        return _MISSING
    big = table[~table["small_sample"].astype(bool)]
    best, worst = big.iloc[0], big.iloc[-1]
    small = table.loc[table["small_sample"].astype(bool), "group"].tolist()
    text = (
        f"Among sources with enough leads, **{markdown_safe(best['group'])}** converts best "
        f"({best['rate']:.1%}, 95% CI {best['ci_low']:.1%}-{best['ci_high']:.1%}) and "
        f"**{markdown_safe(worst['group'])}** worst ({worst['rate']:.1%})."
    )
    if small:
        text += f" Too few leads to rank: {', '.join(markdown_safe(g) for g in small)}."
    return text


def sdr_text(deals: pd.DataFrame, conversion: pd.DataFrame) -> str:
    """Per-SDR results and why no per-SDR conversion rate is shown."""
    if deals.empty:
        return _MISSING
    top = deals.iloc[0]
    no_denominator = int((conversion["reason"] != "").sum())
    neg = int(deals["negative_cycles"].sum())
    zero = 1 - deals["nonzero_amounts"].sum() / deals["deals"].sum()
    text = (
        f"{len(deals)} SDRs won {int(deals['deals'].sum())} deals; the busiest has "
        f"{int(top['deals'])} ({top['share']:.0%}). **No per-SDR conversion rate is shown**: "
        f"the lead file names no rep and lost leads never get one, so {no_denominator} SDRs "
        "have deals but no denominator. Attributing only won leads would give every SDR 100 %. "
        "To rank SDRs on conversion, export the lead assignment (lead -> SDR) for all leads."
    )
    if neg:
        text += f" {neg} deal(s) are won before the lead's first contact: a data error to check."
    text += (
        f" {zero:.0%} of declared revenues are 0, so revenue per SDR is not comparable; "
        "use deal counts."
    )
    return text
