"""One call for the whole indicator-conflict diagnosis, and its findings ranked by evidence.

:func:`diagnose` runs every analysis of :mod:`kpi_lib.analyses.conflicts` and
:mod:`kpi_lib.analyses.gaming` that the data allows; :func:`top_findings` keeps only the
findings that hold after multiple-testing correction and maps each to the practice in the
sources (lower a weight, replace the indicator, add a quality gate, review the agent's
recordings). Sentences for managers are written by :mod:`kpi_lib.report.conflict_text`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kpi_lib.analyses import conflicts, gaming
from kpi_lib.indicators.definitions import Definitions

__all__ = ["ACTIONS", "diagnose", "top_findings", "FINDING_COLUMNS", "GAMING_CHECKS"]

#: Action codes and the practice in the sources each one follows (003 = KPI design source).
ACTIONS = {
    "replace_indicator": "003 s.4: when two indicators conflict, change the indicator (e.g. "
    "effective talk time instead of call count, or add 'questions asked by the customer')",
    "lower_weight": "003 s.4: lower the weight of the indicator that is driving the wrong "
    "behaviour and add a call-quality score",
    "merge_indicators": "003: choose 3-5 core indicators; indicators that double-count dilute "
    "the scheme",
    "add_quality_gate": "003: pair every volume indicator with a quality indicator; make "
    "compliance a pass/fail gate once the script is mastered",
    "add_long_term_indicator": "003: balance short and long term (add repurchase / LTV so that "
    "agents do not over-promise)",
    "review_recordings": "003: calibrate automatic judgements with a manual spot check of about "
    "10 % of recordings; review this agent's calls",
    "audit_surveys": "003: satisfaction comes from post-call SMS surveys; send them "
    "automatically, not at the agent's discretion",
    "check_level": "within-agent and between-agent relations differ: decide which question "
    "the scheme is answering before changing weights",
}

_KIND_ORDER = [
    "conflict", "bunching", "over_promising", "call_padding", "selective_surveys",
    "need_intent_mismatch", "trend_conflict", "expected_contradicted", "harmful_indicator",
    "simpson", "redundant",
]  # fmt: skip

#: Columns of :func:`top_findings`.
FINDING_COLUMNS = [
    "rank", "kind", "subject", "agent_id", "team_id", "indicator_a", "indicator_b", "statistic",
    "effect", "ci_low", "ci_high", "p_adj", "evidence", "action", "practice", "details",
    "quality", "quality_worse",
]  # fmt: skip


def diagnose(
    indicators: pd.DataFrame,
    calls: pd.DataFrame | None = None,
    *,
    definitions: Definitions | None = None,
    agents: pd.DataFrame | None = None,
    surveys: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    teams: Sequence[str] | str | None = None,
    alpha: float = 0.05,
    conflict_below: float = -0.4,
    redundant_above: float = 0.9,
    improve_threshold: float = 0.10,
    deteriorate_threshold: float = 0.05,
    n_boot: int = 500,
    seed: int | None = 0,
) -> dict[str, pd.DataFrame]:
    """Run every conflict and gaming analysis the data allows.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table (``compute_indicators(dataset, level="agent")``).
    definitions : Definitions, optional
        The effective-call rule: its threshold (``effective_min_talk_s``) and bunching window
        (``bunching_window``) are used by the bunching and need-vs-intent checks. None means
        :class:`~kpi_lib.indicators.definitions.Definitions()`; pass the definitions the
        indicators were computed with, so that the report applies one rule throughout.
    calls, agents, surveys, targets : DataFrame, optional
        Contract tables; the gaming checks that need a missing table are skipped.
    period_from, period_to : str, optional
        Inclusive period range (indicator periods and call months).
    teams : str or list of str, optional
        Teams to include.
    alpha : float
        False-discovery rate used by every analysis.
    conflict_below, redundant_above : float
        Correlation flags (see :func:`kpi_lib.analyses.conflicts.correlation_map`).
    improve_threshold, deteriorate_threshold : float
        Trend-conflict thresholds (relative changes).
    n_boot : int
        Bootstrap replicates for bunching.
    seed : int, optional
        Bootstrap seed.

    Returns
    -------
    dict of str to DataFrame
        ``correlations``, ``within_between``, ``expected``, ``trends_team``, ``trends_agent``,
        ``relevance``, ``relevance_summary``, ``redundant``, ``alpha_by_dimension``,
        ``components``, ``over_promising``, ``bunching``, ``bunching_team``,
        ``bunching_bins``, ``call_padding``, ``need_intent``, ``selective_surveys``,
        ``flagged_quality`` (``check`` plus the columns of
        :func:`kpi_lib.analyses.gaming.flagged_quality`: each flagged agent's satisfaction,
        complaints and repurchase against the team's other agents, with intervals and a
        ``code``), and ``skipped`` (``analysis``, ``reason_code``, ``table``, ``reason``) for
        each analysis that could not run: ``reason_code`` is ``no_table`` (the ``table`` it
        needs was not passed) or ``error`` (the analysis raised on this data); ``reason`` is
        the library's English message, for analysts (the report layer words the code). Keys of skipped analyses are absent. The agent-level gaming checks
        (:data:`GAMING_CHECKS`) share one Benjamini-Hochberg correction: their ``p_adj`` is
        adjusted over all their agent p-values together (each check's own adjustment is kept
        as ``p_adj_check``) and ``flagged`` uses it.

    Examples
    --------
    >>> from kpi_lib.analyses import diagnose
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> ds = load_sample()
    >>> tables = {name: ds[name] for name in ("agents", "surveys", "targets")}
    >>> diag = diagnose(compute_indicators(ds), ds["calls"], n_boot=50, seed=0, **tables)
    >>> diag["skipped"].empty
    True
    >>> bunching = diag["bunching"][["agent_id", "excess_ratio", "ci_low", "flagged"]]
    >>> bunching.head(3).round(2)
      agent_id  excess_ratio  ci_low  flagged
    0    A0014          4.72    3.26     True
    1    A0021          4.57    3.08     True
    2    A0018          0.33    0.02    False
    >>> diag["call_padding"].query("flagged")["agent_id"].tolist()
    ['A0002', 'A0017']
    """
    definitions = Definitions.from_yaml(definitions)
    ind = conflicts.select_indicators(
        indicators, period_from=period_from, period_to=period_to, teams=teams
    )
    out: dict[str, pd.DataFrame] = {}
    skipped = []

    def run(key, fn, *args, **kw):
        try:
            out[key] = fn(*args, **kw)
        except (KeyError, ValueError, np.linalg.LinAlgError) as e:
            # too little or degenerate data for this analysis (a singular design included):
            # the section is skipped with the reason; any other error is a bug and propagates
            skipped.append(_skip(key, "error", reason=str(e).strip("'\"")))

    run("correlations", conflicts.correlation_map, ind, alpha=alpha,
        conflict_below=conflict_below, redundant_above=redundant_above)  # fmt: skip
    run("within_between", conflicts.within_between, ind, alpha=alpha)
    run("expected", conflicts.expected_relations, ind, alpha=alpha)
    trend = dict(improve_threshold=improve_threshold, deteriorate_threshold=deteriorate_threshold,
                 alpha=alpha)  # fmt: skip
    run("trends_team", conflicts.trend_conflicts, ind, level="team", **trend)
    run("trends_agent", conflicts.trend_conflicts, ind, level="agent", **trend)
    run("relevance", conflicts.outcome_relevance, ind, agents=agents, alpha=alpha)
    if "relevance" in out:
        out["relevance_summary"] = conflicts.relevance_summary(out["relevance"])
    if "correlations" in out:
        out["redundant"] = conflicts.redundant_pairs(out["correlations"])
    run("alpha_by_dimension", conflicts.cronbach_alpha_by_dimension, ind)
    run("components", conflicts.principal_components, ind)
    run("over_promising", gaming.over_promising, ind, alpha=alpha)
    if calls is None:
        skipped.append(_skip("gaming (calls)", "no_table", table="calls"))
    else:
        c = gaming.select_calls(
            calls, agents=agents, period_from=period_from, period_to=period_to, teams=teams
        )
        bun = dict(definitions=definitions, alpha=alpha, seed=seed)
        run("bunching", gaming.bunching, c, by="agent_id", n_boot=n_boot, **bun)
        run("bunching_team", gaming.bunching, c, by="team_id", n_boot=n_boot, **bun)
        run("bunching_bins", gaming.bunching_bins, c, definitions=definitions)
        run("call_padding", gaming.call_padding, c, targets=targets, alpha=alpha)
        run("need_intent", gaming.need_intent_mismatch, c, definitions=definitions, alpha=alpha)
        if surveys is None:
            skipped.append(_skip("selective_surveys", "no_table", table="surveys"))
        else:
            run("selective_surveys", gaming.selective_surveys, c, surveys, alpha=alpha)
    _joint_gaming_fdr(out, alpha)
    quality = []
    for key in GAMING_CHECKS:
        if key in out and not out[key].empty:
            try:
                q = gaming.flagged_quality(ind, out[key], alpha=alpha)
            except KeyError as e:
                skipped.append(
                    _skip(f"flagged_quality ({key})", "error", reason=str(e).strip("'\""))
                )
                continue
            quality.append(q.assign(check=key))
    cols = ["check", *gaming.FLAGGED_QUALITY_COLUMNS]
    out["flagged_quality"] = (
        pd.concat(quality, ignore_index=True)[cols] if quality else pd.DataFrame(columns=cols)
    )
    out["skipped"] = pd.DataFrame(skipped, columns=["analysis", "reason_code", "table", "reason"])
    return out


def _skip(analysis: str, code: str, *, table: str = "", reason: str = "") -> dict:
    """A row of ``diagnose()['skipped']``: the code with its values; ``reason`` keeps the
    English message (a missing table's is built here for analysts reading the table)."""
    if code == "no_table" and not reason:
        reason = f"no {table} table passed"
    return {"analysis": analysis, "reason_code": code, "table": table, "reason": reason}


#: Agent-level gaming checks of :func:`diagnose` (keys of its output): one false-discovery
#: family
GAMING_CHECKS = ("bunching", "call_padding", "need_intent", "over_promising", "selective_surveys")


def _joint_gaming_fdr(out: dict[str, pd.DataFrame], alpha: float) -> None:
    """One Benjamini-Hochberg correction over the agent p-values of every gaming check.

    Each check's table keeps its own adjustment as ``p_adj_check``; ``p_adj`` becomes the joint
    one, ``evidence`` follows it, and ``flagged`` = the check's size conditions (its minimum
    effect, :func:`kpi_lib.analyses.gaming.size_conditions`) and joint ``p_adj < alpha``. With
    five checks of 60 agents each, one BH per check lets each check's false discoveries add up
    across checks; one family keeps the share of false agent flags in the diagnosis at
    ``alpha``.
    """
    keys = [k for k in GAMING_CHECKS if k in out and not out[k].empty]
    pos, pv = [], []
    for k in keys:
        t = out[k]
        ok = t["rankable"].astype(bool) & t["p_value"].notna()
        for i in np.flatnonzero(ok.to_numpy()):
            pos.append((k, i))
            pv.append(float(t["p_value"].iloc[i]))
    adj = conflicts.bh_adjust(np.array(pv, float)) if pv else np.array([])
    for k in keys:
        t = out[k].copy()
        joint = np.full(len(t), np.nan)
        for (kk, i), q in zip(pos, adj, strict=True):
            if kk == k:
                joint[i] = q
        t["p_adj_check"] = t["p_adj"]
        t["p_adj"] = joint
        t["evidence"] = conflicts.evidence_label(t["p_adj"])
        size = gaming.size_conditions(k, t)
        t["flagged"] = t["rankable"].astype(bool) & size & (t["p_adj"] < alpha)
        out[k] = t


def _row(kind, action, **kw) -> dict:
    base = dict.fromkeys(FINDING_COLUMNS, np.nan)
    base.update(subject="", agent_id="", team_id="", indicator_a="", indicator_b="", details="",
                quality="", quality_worse="")  # fmt: skip
    base.update(kind=kind, action=action, practice=ACTIONS[action], **kw)
    return base


def _quality(fq: pd.DataFrame | None, check: str, agent_id) -> dict:
    """``quality`` and ``quality_worse`` of one flagged agent from the ``flagged_quality`` table:
    ``outcome=code (value vs peers, interval of the difference)`` joined by ``; ``, and the
    outcomes whose code is ``worse`` joined by ``,``."""
    if fq is None or fq.empty:
        return {}
    q = fq[(fq["check"] == check) & (fq["agent_id"] == agent_id)]
    parts = []
    for r in q.to_dict("records"):
        if r["code"] == "too_little_data":
            parts.append(f"{r['outcome']}={r['code']}")
        else:
            parts.append(f"{r['outcome']}={r['code']} ({r['value']:.4g} vs {r['peer_value']:.4g}; "
                         f"difference {r['ci_low']:+.4g} to {r['ci_high']:+.4g})")  # fmt: skip
    worse = q.loc[q["code"] == "worse", "outcome"].tolist()
    return {"quality": "; ".join(parts), "quality_worse": ",".join(worse)}


def top_findings(diagnosis: dict[str, pd.DataFrame], *, limit: int | None = None) -> pd.DataFrame:
    """The confident findings of :func:`diagnose`, strongest evidence first.

    Ordered by evidence class (strong, moderate, weak), then by kind (conflicts and gaming
    before trend, relevance, Simpson and redundancy findings), then by adjusted p-value.

    Only findings that pass each analysis's own multiple-testing gate are listed (``flag`` /
    ``verdict`` / ``confident`` / ``flagged``); a dataset with nothing planted should give an
    empty or near-empty table.

    Parameters
    ----------
    diagnosis : dict of DataFrame
        Output of :func:`diagnose`.
    limit : int, optional
        Keep the first ``limit`` findings.

    Returns
    -------
    DataFrame
        ``rank``, ``kind`` (``conflict``, ``redundant``, ``simpson``, ``expected_contradicted``,
        ``trend_conflict``, ``harmful_indicator``, ``bunching``, ``call_padding``,
        ``need_intent_mismatch``, ``over_promising``, ``selective_surveys``), ``subject``
        (``indicators`` or ``agent`` or ``team``), ``agent_id``, ``team_id``, ``indicator_a``,
        ``indicator_b``, ``statistic`` (what ``effect`` is), ``effect``, ``ci_low``,
        ``ci_high``, ``p_adj``, ``evidence``, ``action`` (a key of :data:`ACTIONS`),
        ``practice`` (the rule in the sources), ``details`` (supporting numbers, ``key=value``
        separated by ``; ``), ``quality`` (agent gaming findings: the flagged agent's quality
        outcomes against the team's other agents, ``outcome=code (value vs peers; difference
        low to high)`` separated by ``; ``, codes as in
        :func:`kpi_lib.analyses.gaming.flagged_quality`: ``worse``, ``better``,
        ``no_difference``, ``too_little_data``; empty otherwise), ``quality_worse`` (the
        outcomes coded ``worse``, comma-separated: e.g. ``satisfaction_rate`` for "stretched
        calls, and their customers are less satisfied").

    Examples
    --------
    >>> from kpi_lib.analyses import diagnose, top_findings
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> ds = load_sample()
    >>> tables = {name: ds[name] for name in ("agents", "surveys", "targets")}
    >>> diag = diagnose(compute_indicators(ds), ds["calls"], n_boot=50, seed=0, **tables)
    >>> top = top_findings(diag)
    >>> top[["kind", "indicator_a", "indicator_b", "evidence", "action"]].head(3)
           kind   indicator_a      indicator_b evidence             action
    0  conflict  connect_rate      intent_rate   strong  replace_indicator
    1  conflict      connects  avg_talk_time_s   strong  replace_indicator
    2  conflict  connect_rate  avg_talk_time_s   strong  replace_indicator
    >>> top.loc[top["subject"] == "agent", ["kind", "agent_id", "evidence"]].head(4)
               kind agent_id evidence
    3      bunching    A0014   strong
    4      bunching    A0021   strong
    7  call_padding    A0002   strong
    8  call_padding    A0017   strong
    """
    rows = []
    d = diagnosis
    if "correlations" in d:
        cm = d["correlations"]
        cm = cm[cm["method"] == "spearman"]
        for r in cm[cm["flag"] == "conflict"].to_dict("records"):
            rows.append(_row("conflict", "replace_indicator", subject="indicators",
                indicator_a=r["indicator_a"], indicator_b=r["indicator_b"], statistic="spearman r",
                effect=r["r"], ci_low=r["ci_low"], ci_high=r["ci_high"], p_adj=r["p_adj"],
                details=f"n={r['n']}; agents={r['n_agents']}"))  # fmt: skip
        for r in cm[cm["flag"] == "redundant"].to_dict("records"):
            rows.append(_row("redundant", "merge_indicators", subject="indicators",
                indicator_a=r["indicator_a"], indicator_b=r["indicator_b"], statistic="spearman r",
                effect=r["r"], ci_low=r["ci_low"], ci_high=r["ci_high"], p_adj=r["p_adj"],
                details=f"n={r['n']}"))  # fmt: skip
    if "within_between" in d and not d["within_between"].empty:
        wb = d["within_between"]
        for r in wb[wb["simpson_warning"]].to_dict("records"):
            rows.append(_row("simpson", "check_level", subject="indicators",
                indicator_a=r["indicator_a"], indicator_b=r["indicator_b"],
                statistic="within-agent r", effect=r["within_r"], ci_low=r["within_ci_low"],
                ci_high=r["within_ci_high"], p_adj=max(r["within_p_adj"], r["between_p_adj"]),
                details=f"between_r={r['between_r']:.2f}; agents={r['n_agents']}"))  # fmt: skip
        conflict_within = wb[wb["within_significant"] & (wb["within_oriented"] < -0.4)
                             & ~wb["simpson_warning"]]  # fmt: skip
        for r in conflict_within.to_dict("records"):
            rows.append(_row("conflict", "replace_indicator", subject="indicators",
                indicator_a=r["indicator_a"], indicator_b=r["indicator_b"],
                statistic="within-agent r", effect=r["within_r"], ci_low=r["within_ci_low"],
                ci_high=r["within_ci_high"], p_adj=r["within_p_adj"],
                details=f"between_r={r['between_r']:.2f}"))  # fmt: skip
    if "expected" in d:
        ex = d["expected"]
        for r in ex[ex["verdict"] == "contradicted"].to_dict("records"):
            rows.append(_row("expected_contradicted", "add_quality_gate", subject="indicators",
                indicator_a=r["indicator_a"], indicator_b=r["indicator_b"],
                statistic="spearman r", effect=r["r"], ci_low=r["ci_low"], ci_high=r["ci_high"],
                p_adj=r["p_adj"], details=f"expected_sign={r['expected_sign']:+d}"))  # fmt: skip
    # agent-level trend conflicts stay in their own table: month-to-month changes of one agent
    # are noisy and overdispersed, so only team-level ones are headline findings
    for key in ("trends_team",):
        if key in d:
            t = d[key]
            for r in t[t["confident"]].to_dict("records"):
                rows.append(_row("trend_conflict", "lower_weight",
                    subject="team" if r["level"] == "team" else "agent",
                    agent_id=r["agent_id"] or "", team_id=r["team_id"],
                    indicator_a=r["improved"], indicator_b=r["deteriorated"],
                    statistic="relative change of B", effect=r["deteriorated_change"],
                    p_adj=r["p_adj"],
                    details=f"{r['period_from']}->{r['period_to']}; "
                            f"A_change={r['improved_change']:+.3f}"))  # fmt: skip
    if "relevance" in d:
        rel = d["relevance"]
        for r in rel[rel["relation"] == "harmful"].to_dict("records"):
            rows.append(_row("harmful_indicator", "lower_weight", subject="indicators",
                indicator_a=r["indicator"], indicator_b=r["outcome"],
                statistic="standardised beta", effect=r["beta"], ci_low=r["ci_low"],
                ci_high=r["ci_high"], p_adj=r["p_adj"], details=f"controls={r['controls']}"))  # fmt: skip
    gaming_specs = [
        ("bunching", "bunching", "review_recordings", "excess ratio", "excess_ratio",
         lambda r: f"excess_calls={r['excess_calls']:.0f}; n_calls={r['n_calls']}"),
        ("call_padding", "call_padding", "review_recordings", "short-call share change",
         "short_share_change",
         lambda r: f"event={r['event_period']}; dials_change={r['dials_change']:+.2f}"),
        ("need_intent", "need_intent_mismatch", "review_recordings", "ratio to team", "ratio",
         lambda r: f"share={r['mismatch_share']:.2f}; team={r['team_share']:.2f}"),
        ("over_promising", "over_promising", "add_long_term_indicator",
         "complaints (value)", "complaints_value",
         lambda r: f"team_complaints={r['team_complaints_value']:.2f}; "
                   f"repurchase={r['repurchase_value']:.3f}; "
                   f"team_repurchase={r['team_repurchase_value']:.3f}"),
        ("selective_surveys", "selective_surveys", "audit_surveys", "good-call gap", "gap",
         lambda r: f"coverage={r['coverage']:.3f}; team_coverage={r['team_coverage']:.3f}"),
    ]  # fmt: skip
    fq = d.get("flagged_quality")
    for key, kind, action, stat, col, det in gaming_specs:
        if key not in d or d[key].empty:
            continue
        t = d[key]
        for r in t[t["flagged"]].to_dict("records"):
            q = _quality(fq, key, r["agent_id"])
            rows.append(_row(kind, action, subject="agent", agent_id=r["agent_id"],
                team_id=r.get("team_id", ""), statistic=stat, effect=r[col],
                ci_low=r.get("ci_low", np.nan), ci_high=r.get("ci_high", np.nan),
                p_adj=r["p_adj"], details=det(r), **q))  # fmt: skip
    if "bunching_team" in d:
        t = d["bunching_team"]
        for r in t[t["flagged"]].to_dict("records"):
            rows.append(_row("bunching", "add_quality_gate", subject="team",
                team_id=r["team_id"], statistic="excess ratio", effect=r["excess_ratio"],
                ci_low=r["ci_low"], ci_high=r["ci_high"], p_adj=r["p_adj"],
                details=f"n_calls={r['n_calls']}"))  # fmt: skip
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    if out.empty:
        return out
    out["evidence"] = conflicts.evidence_label(out["p_adj"])
    # strongest evidence class first; within a class, behaviour findings before bookkeeping
    # ones (redundancy), then by adjusted p
    level = out["evidence"].map({"strong": 0, "moderate": 1, "weak": 2, "none": 3})
    prio = out["kind"].map({k: i for i, k in enumerate(_KIND_ORDER)})
    out = out.assign(_l=level, _k=prio).sort_values(["_l", "_k", "p_adj"])
    out = out.drop(columns=["_l", "_k"]).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out.head(limit) if limit else out
