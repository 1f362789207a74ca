"""Plain-language findings of the weight-sensitivity analyses, for managers.

Each function takes the tidy table(s) of :mod:`kpi_lib.analyses.sensitivity` and returns a
short Markdown text (bullet points) that a notebook can show with ``IPython.display.Markdown``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.report.markup import markdown_safe

__all__ = [
    "effective_weights_text",
    "tornado_text",
    "uncertainty_text",
    "sobol_text",
    "scheme_text",
    "reversal_text",
]


def _label(indicator: str) -> str:
    try:
        from kpi_lib.indicators.catalogue import label

        return label(indicator)
    except (ImportError, KeyError, ValueError):
        return str(indicator).replace("_", " ")


def _pct(x: float, digits: int = 0) -> str:
    return f"{x:.{digits}%}" if np.isfinite(x) else "n/a"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def effective_weights_text(effective: pd.DataFrame) -> str:
    """Which indicators drive more or less than their weight says.

    Parameters
    ----------
    effective : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.effective_weights`.
    """
    lines = []
    for r in effective.itertuples():
        name = _label(r.indicator)
        if r.influence == "no spread":
            lines.append(
                f"**{name}** has a {_pct(r.weight)} weight but every agent scores the same on "
                "it, so it changes nobody's rank: it only lifts everyone's composite. Use it as "
                "a pass/fail gate or give its weight to an indicator that separates agents."
            )
        elif r.influence == "muted":
            typical = float(effective.loc[effective["weight"] > 0, "score_sd"].median())
            if r.score_sd < 0.5 * typical:
                why = (
                    f"its scores spread little (sd {r.score_sd:.0f} points against a typical "
                    f"{typical:.0f})"
                )
            else:
                why = (
                    "it is largely unrelated to the other indicators, and a small weight on an "
                    "unrelated indicator counts less than in proportion"
                )
            lines.append(
                f"**{name}** carries {_pct(r.weight)} of the weight but only "
                f"{_pct(r.variance_share)} of the differences between agents: {why}. Its "
                "weight drives less than it appears."
            )
        elif r.influence == "amplified":
            lines.append(
                f"**{name}** drives {_pct(r.variance_share)} of the differences between agents "
                f"on a {_pct(r.weight)} weight: its scores spread widely "
                f"(sd {r.score_sd:.0f} points) and move with the other indicators."
            )
        elif r.influence == "counteracting":
            lines.append(
                f"**{name}** pulls against the rest of the scheme: agents who do well on it tend "
                "to do worse on the others, so it narrows the composite's spread."
            )
    if not lines:
        return "- Every indicator influences the ranking roughly in line with its weight."
    return _bullets(lines)


def tornado_text(oat: pd.DataFrame, *, top: int = 3) -> str:
    """Which single weights move the ranking most.

    Parameters
    ----------
    oat : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.one_at_a_time`.
    """
    if oat.empty:
        return "- No weight could be moved."
    d = oat[oat["step"] == oat["step"].min()]
    worst = (
        d.groupby("indicator")
        .agg(
            shift=("mean_abs_rank_shift", "max"),
            tiers=("tier_changes", "max"),
            bonus=("top_k_changes", "max"),
            pip=("bottom_k_changes", "max"),
            change=("weight_change", lambda s: s.abs().max()),
        )
        .sort_values("shift", ascending=False)
    )
    lines = []
    for ind, r in worst.head(top).iterrows():
        extra = []
        if np.isfinite(r["tiers"]) and r["tiers"] > 0:
            extra.append(f"{int(r['tiers'])} tier changes")
        if r["bonus"] > 0:
            extra.append(f"{int(r['bonus'])} agents in or out of the bonus group")
        if r["pip"] > 0:
            extra.append(f"{int(r['pip'])} in or out of the PIP group")
        tail = f" ({', '.join(extra)})" if extra else ""
        lines.append(
            f"Moving **{_label(ind)}** by {r['change'] * 100:.0f} points moves agents by "
            f"{r['shift']:.1f} places on average{tail}."
        )
    calm = worst[worst["shift"] == 0].index.tolist()
    if calm:
        lines.append(
            "Changing these weights alone moves nobody: " + ", ".join(_label(i) for i in calm) + "."
        )
    return _bullets(lines)


def uncertainty_text(result, flips: pd.DataFrame, *, max_agents: int = 8) -> str:
    """Bonus, PIP and tier decisions that are not robust to the weights.

    Parameters
    ----------
    result : MonteCarloResult
        From :func:`~kpi_lib.analyses.sensitivity.monte_carlo_ranks`.
    flips : DataFrame
        :func:`~kpi_lib.analyses.sensitivity.decision_flips` of ``result`` (computed by the
        caller: the report layer only words results).
    """
    s = result.settings
    a = result.agents
    lines = [
        f"{s['draws']:,} draws with every weight perturbed by up to {_pct(s['size'])} "
        f"({s['distribution']}); bonus = top {s['top_k']}, PIP = bottom {s['bottom_k']}.",
    ]
    if len(s["normalisations"]) > 1 or len(s["methods"]) > 1:
        lines.append(
            "Draws also switch the normalisation among "
            f"{', '.join(s['normalisations'])} and the aggregation among "
            f"{', '.join(s['methods'])}."
        )
    firm_top = int((a["top_k"] & (a["p_top_k"] >= 0.95)).sum())
    lines.append(
        f"{firm_top} of the {int(a['top_k'].sum())} nominal bonus agents keep the bonus in at "
        "least 95 % of the draws."
    )
    thr = s["flip_threshold"]
    for decision, what in (("bonus", "bonus"), ("pip", "PIP"), ("tier", "tier")):
        f = flips[flips["decision"] == decision]
        if f.empty:
            continue
        names = ", ".join(
            f"{markdown_safe(r.agent_id)} (#{r.rank}, {_pct(r.p_flip)})"
            for r in f.head(max_agents).itertuples()
        )
        more = f" and {len(f) - max_agents} more" if len(f) > max_agents else ""
        lines.append(
            f"**{len(f)} {what} decision(s) flip** in at least {_pct(thr)} of the draws: "
            f"{names}{more}. Treat these as judgement calls, not as what the data says."
        )
    if flips.empty:
        lines.append(
            f"No bonus, PIP or tier decision flips in {_pct(thr)} or more of the draws: the "
            "decisions are robust to this much weight uncertainty."
        )
    return _bullets(lines)


def sobol_text(sobol: pd.DataFrame, *, output: str | None = None) -> str:
    """Which weight choices (and method choices) the ranking depends on.

    Parameters
    ----------
    sobol : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.sobol_weight_indices`.
    """
    output = sobol["output"].iloc[0] if output is None else output
    d = sobol[sobol["output"] == output].sort_values("ST", ascending=False)
    if d["ST"].isna().all():
        return "- The ranking never changed in the sampled weight range."
    lines = []
    top = d.iloc[0]
    lines.append(
        f"**{_label(top['factor'])}** matters most: it explains {_pct(top['S1'])} of the "
        f"variation in {output.replace('_', ' ')} on its own and {_pct(top['ST'])} including "
        "its interactions with the other factors."
    )
    inter = d[(d["ST"] - d["S1"]) > 0.1]
    if len(inter):
        lines.append(
            "These act mostly together with other factors (total index well above first "
            "order): " + ", ".join(_label(f) for f in inter["factor"]) + "."
        )
    idle = d[d["ST_high"] < 0.02]
    if len(idle):
        lines.append(
            "Within the sampled range these weights hardly matter (total index < 2 %): "
            + ", ".join(_label(f) for f in idle["factor"])
            + ". Fine-tuning them is not worth a discussion."
        )
    wide = d[(d["ST_high"] - d["ST_low"]) > 0.2]
    if len(wide):
        lines.append(
            "Wide intervals for " + ", ".join(_label(f) for f in wide["factor"]) + ": raise the "
            "number of base samples before relying on their order."
        )
    return _bullets(lines)


def scheme_text(comparison: pd.DataFrame, agreement: pd.DataFrame, *, max_agents: int = 6) -> str:
    """How much the ranking changes between schemes, and who wins and loses.

    Parameters
    ----------
    comparison, agreement : DataFrame
        Outputs of :func:`~kpi_lib.analyses.sensitivity.compare_schemes` and
        :func:`~kpi_lib.analyses.sensitivity.scheme_agreement`.
    """
    lines = []
    baseline = comparison["baseline"].iloc[0] if "baseline" in comparison else None
    for r in agreement.itertuples():
        if baseline is not None and baseline not in (r.scheme_a, r.scheme_b):
            continue
        tc = "" if not np.isfinite(r.tier_changes) else f", {int(r.tier_changes)} tier changes"
        lines.append(
            f"**{markdown_safe(r.scheme_a)} vs {markdown_safe(r.scheme_b)}**: Kendall's tau {r.kendall_tau:.2f}; agents move "
            f"{r.mean_abs_rank_shift:.1f} places on average (at most {r.max_abs_rank_shift}); "
            f"{r.winners} move up, {r.losers} down{tc}; "
            f"{_pct(r.top_k_overlap)} of the bonus group stays."
        )
    movers = comparison[comparison["scheme"] != baseline] if baseline else comparison
    for label, asc in (("Biggest winners", False), ("Biggest losers", True)):
        m = movers.sort_values("rank_change", ascending=asc).head(max_agents)
        m = m[m["rank_change"] > 0] if not asc else m[m["rank_change"] < 0]
        if len(m):
            lines.append(
                f"{label}: "
                + ", ".join(
                    f"{markdown_safe(r.agent_id)} ({markdown_safe(r.scheme)}: #{r.baseline_rank} -> #{r.rank})"
                    for r in m.itertuples()
                )
                + "."
            )
    return _bullets(lines)


def reversal_text(reversals: pd.DataFrame, *, within: float = 0.02, top_ranks: int = 10) -> str:
    """How close the ranking decisions are to a reversal.

    Parameters
    ----------
    reversals : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.rank_reversal_thresholds`.
    within : float
        A pair is "close" when a weight change of at most this many share points swaps it.
    top_ranks : int
        Also list the closest pair among the first ``top_ranks`` places.
    """
    c = reversals[reversals["closest"]]
    if c.empty:
        return "- No single weight change can swap any two neighbouring agents."
    close = c[c["weight_change"].abs() <= within]
    n_pairs = reversals[["upper_agent", "lower_agent"]].drop_duplicates().shape[0]
    tied = int((c["gap"].abs() <= 1e-9).sum())
    lines = [
        f"{len(close)} of {n_pairs} neighbouring pairs swap with a change of one weight of "
        f"{within * 100:.0f} points or less"
        + (f" ({tied} of them are already tied)." if tied else ".")
    ]
    never = n_pairs - len(c)
    if never:
        lines.append(
            f"{never} pairs cannot be separated by any single weight (e.g. agents with "
            "identical scores)."
        )
    head = c[c["upper_rank"] <= top_ranks]
    if len(head):
        r = head.loc[head["weight_change"].abs().idxmin()]
        direction = "raising" if r["weight_change"] > 0 else "lowering"
        lines.append(
            f"Near the top: #{r['upper_rank']} {markdown_safe(r['upper_agent'])} and #{r['lower_rank']} "
            f"{markdown_safe(r['lower_agent'])} swap by {direction} the weight of {_label(r['indicator'])} from "
            f"{_pct(r['weight'], 2)} to {_pct(r['threshold_weight'], 2)}."
        )
    return _bullets(lines)
