"""Decisions that follow from the scorecard: bonus, commission rate, certification, PIP and
coaching focus. Every function returns the evidence behind each decision, so that a manager can
explain it to the agent.
"""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.scoring.composite import Scorecard
from kpi_lib.scoring.schemes import COACHING_COMPARISONS, SENIOR_RULE, Scheme

__all__ = [
    "SENIOR_RULE",
    "DEFAULT_COMMISSION_TIERS",
    "bonus_allocation",
    "certification_candidates",
    "coaching_focus",
    "commission_tiers",
    "pip_candidates",
    "rule_gaps",
    "team_weak_spots",
]

#: (lowest attainment, commission rate): below 80 % of target 2 %, ...
DEFAULT_COMMISSION_TIERS = [(0.0, 0.02), (0.8, 0.03), (1.0, 0.05), (1.2, 0.06)]

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


def _agents(history) -> pd.DataFrame:
    if isinstance(history, Scorecard):
        return history.agents
    if isinstance(history, list | tuple):
        return pd.concat([_agents(h) for h in history], ignore_index=True)
    return history


def _indicators(history) -> pd.DataFrame:
    if isinstance(history, Scorecard):
        return history.indicators
    if isinstance(history, list | tuple):
        return pd.concat([_indicators(h) for h in history], ignore_index=True)
    return history


def _period_index(periods: pd.Series) -> pd.Series:
    """Consecutive integers for consecutive period labels (months, quarters, years, weeks)."""
    p = periods.astype(str)
    out = pd.Series(np.nan, index=p.index)
    m = p.str.extract(r"^(\d{4})-(\d{2})$").astype(float)
    out = out.fillna(m[0] * 12 + m[1])
    q = p.str.extract(r"^(\d{4})-Q([1-4])$").astype(float)
    out = out.fillna(q[0] * 4 + q[1])
    w = p.str.extract(r"^(\d{4})-W(\d{2})$").astype(float)
    wk = pd.Series(
        [
            pd.Timestamp.fromisocalendar(int(a), int(b), 1).toordinal() // 7
            if not np.isnan(a)
            else np.nan
            for a, b in zip(w[0], w[1], strict=True)
        ],
        index=p.index,
        dtype=float,
    )
    out = out.fillna(wk)
    y = p.str.extract(r"^(\d{4})$").astype(float)
    out = out.fillna(y[0])
    if out.isna().any():
        bad = sorted(p[out.isna()].unique())
        raise ValueError(
            f"Unrecognised period labels {bad}; expected 2026-10, 2026-Q4, 2026 or 2026-W43."
        )
    return out


def _records(value) -> list[dict]:
    """A cell holding a list of dicts (an array of them after a Parquet round trip) as a list."""
    if isinstance(value, list | tuple | np.ndarray):
        return [dict(v) for v in value if isinstance(v, dict)]
    return []


def bonus_allocation(
    scorecard: Scorecard | pd.DataFrame,
    *,
    pool: float,
    period: str | None = None,
    min_composite: float = 0.0,
    exponent: float = 1.0,
    tier_multipliers: dict[str, float] | None = None,
    require_gates: bool = True,
    decimals: int = 2,
    holds: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Distribute a bonus pool by composite score among eligible agents.

    Parameters
    ----------
    scorecard : Scorecard or its ``agents`` table
    pool : float
        Amount to distribute (per period).
    period : str, optional
        Period to allocate (default: the latest in the scorecard).
    min_composite : float
        Agents below this composite get nothing.
    exponent : float
        Share proportional to ``composite ** exponent`` (> 1 favours top scorers).
    tier_multipliers : dict, optional
        E.g. ``{"A": 1.5, "B": 1.0, "C": 0.5, "D": 0}``, multiplying each agent's weight.
    require_gates : bool
        Agents who fail a bonus gate (e.g. compliance < 90 %) get nothing, whatever the score.
    decimals : int
        Bonuses are rounded; the rounding remainder goes to the highest share.
    holds : DataFrame, optional
        :func:`bonus_holds`: agents whose bonus is computed but held pending review (too few
        calls, unrankable, a gaming flag). A held bonus keeps its share of the pool (nobody
        else's bonus changes when the review releases it) and is not payable yet.

    Returns
    -------
    DataFrame
        One row per agent: ``agent_id``, ``team_id``, ``period``, ``composite``, ``rank``,
        ``tier``, ``eligible``, ``reason`` (a code saying why not eligible, else empty:
        ``no_composite`` (too few indicators with a value), ``below_min`` (composite below
        ``min_composite``), ``gate_failed``, ``tier_no_bonus`` (the tier's multiplier is 0)),
        ``failed_gates`` (for ``gate_failed``: the scorecard's ``gate_failures`` records with
        a bonus or composite effect, ``{"indicator", "value", "min", "max", "effect"}``; else
        an empty list), ``min_composite``, ``share`` (of the pool) and ``bonus``. The
        bonuses add up to ``pool`` when anybody is eligible. With ``holds`` also ``held``
        (bool: a ``bonus_held`` record; caveats do not hold), ``hold`` (the hold and caveat
        reason codes, ``"; "``-joined, else empty), ``hold_codes`` (list of the hold records,
        see :func:`bonus_holds`) and ``payable`` (``bonus``, or 0 while held). The report
        layer words the codes (``kpi_lib.report.review.bonus_status``).

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import bonus_allocation, score
    >>> sc = score(compute_indicators(load_sample()), "default")
    >>> bonus = bonus_allocation(sc, pool=10_000)
    >>> bonus[["agent_id", "composite", "tier", "share", "bonus"]].head(3).round(3)
      agent_id  composite tier  share   bonus
    0    A0019    100.000    A  0.082  819.17
    1    A0006     99.707    A  0.082  816.79
    2    A0020     99.114    A  0.081  811.94
    >>> round(float(bonus["bonus"].sum()), 2), int(bonus["eligible"].sum())
    (10000.0, 17)
    >>> not_paid = bonus.loc[~bonus["eligible"]].iloc[0]
    >>> not_paid["reason"], not_paid["failed_gates"][0]["indicator"]
    ('gate_failed', 'compliance_rate')
    >>> round(not_paid["failed_gates"][0]["value"], 3), not_paid["failed_gates"][0]["min"]
    (0.889, 0.9)
    """
    if pool < 0:
        raise ValueError(f"`pool` must be >= 0, got {pool}.")
    a = _agents(scorecard).copy()
    if period is None:
        order = _period_index(a["period"].drop_duplicates())
        period = str(a["period"].drop_duplicates().iloc[int(np.argmax(order.to_numpy()))])
    a = a[a["period"].astype(str) == str(period)].reset_index(drop=True)
    reason = np.full(len(a), "", dtype=object)
    comp = a["composite"].to_numpy(dtype=float)
    reason = np.where(np.isnan(comp), "no_composite", reason)
    reason = np.where((reason == "") & (comp < min_composite), "below_min", reason)
    failed_gates = [[] for _ in range(len(a))]
    if require_gates and "bonus_eligible" in a:
        failed = ~a["bonus_eligible"].astype(bool).to_numpy()
        reason = np.where((reason == "") & failed, "gate_failed", reason)
        if "gate_failures" in a:
            failed_gates = [
                [f for f in _records(g) if f.get("effect") in ("bonus", "composite")]
                if r == "gate_failed"
                else []
                for g, r in zip(a["gate_failures"], reason, strict=True)
            ]
    weight = np.where(reason == "", np.clip(np.nan_to_num(comp), 0, None) ** exponent, 0.0)
    if tier_multipliers is not None:
        mult = a["tier"].map(tier_multipliers).fillna(0.0).to_numpy(dtype=float)
        reason = np.where((reason == "") & (mult == 0), "tier_no_bonus", reason)
        weight = weight * mult
    total = weight.sum()
    share = weight / total if total > 0 else np.zeros(len(a))
    bonus = np.round(share * pool, decimals)
    if total > 0:
        bonus[int(np.argmax(share))] += round(pool - bonus.sum(), decimals)
    a["eligible"] = reason == ""
    a["reason"] = reason
    a["failed_gates"] = failed_gates
    a["min_composite"] = float(min_composite)
    a["share"] = share
    a["bonus"] = bonus
    cols = [
        "agent_id",
        "team_id",
        "period",
        "composite",
        "rank",
        "tier",
        "eligible",
        "reason",
        "failed_gates",
        "min_composite",
        "share",
        "bonus",
    ]
    if holds is not None:
        a = _attach_holds(a, holds, "bonus")
        cols += ["held", "hold", "hold_codes", "payable"]
    return a[cols].sort_values(["bonus", "composite"], ascending=False).reset_index(drop=True)


def commission_tiers(
    scorecard: Scorecard | pd.DataFrame,
    *,
    indicator: str = "sales_amount",
    tiers: list[tuple[float, float]] | None = None,
    period: str | None = None,
    require_gates: bool = False,
) -> pd.DataFrame:
    """Commission rate set by attainment of the sales target.

    Parameters
    ----------
    scorecard : Scorecard or an indicator table with ``value``, ``target`` and ``attainment``
    indicator : str
        Indicator whose attainment sets the rate and whose value the rate applies to.
    tiers : list of (lowest attainment, rate)
        Default :data:`DEFAULT_COMMISSION_TIERS`: < 80 % -> 2 %, 80-100 % -> 3 %,
        100-120 % -> 5 %, >= 120 % -> 6 %.
    require_gates : bool
        Agents failing a bonus gate get the lowest rate.

    Returns
    -------
    DataFrame
        ``agent_id``, ``team_id``, ``period``, ``value``, ``target``, ``attainment``,
        ``band`` (e.g. ``100%-120%``), ``commission_rate`` and ``commission`` (rate x value).
    """
    tiers = sorted(tiers or DEFAULT_COMMISSION_TIERS)
    ind = _indicators(scorecard)
    rows = ind[ind["indicator"] == indicator].copy()
    if not len(rows):
        raise KeyError(f"commission_tiers: no `{indicator}` rows in the scorecard.")
    if "attainment" not in rows:
        raise KeyError("commission_tiers: needs `attainment` (score with targets first).")
    if period is not None:
        rows = rows[rows["period"].astype(str) == str(period)]
    cuts = np.array([t[0] for t in tiers], dtype=float)
    rates = np.array([t[1] for t in tiers], dtype=float)
    att = rows["attainment"].to_numpy(dtype=float)
    pos = np.searchsorted(cuts, np.nan_to_num(att, nan=-np.inf), side="right") - 1
    pos = np.clip(pos, 0, len(tiers) - 1)
    labels = [
        f">= {cuts[k]:.0%}" if k == len(cuts) - 1 else f"{cuts[k]:.0%}-{cuts[k + 1]:.0%}"
        for k in range(len(cuts))
    ]
    if require_gates and isinstance(scorecard, Scorecard):
        ok = scorecard.agents.set_index(["agent_id", "period"])["bonus_eligible"]
        passed = rows.set_index(["agent_id", "period"]).index.map(ok).fillna(False).to_numpy()
        pos = np.where(passed.astype(bool), pos, 0)
    rows["band"] = [labels[k] for k in pos]
    rows["commission_rate"] = np.where(np.isnan(att), np.nan, rates[pos])
    rows["commission"] = rows["commission_rate"] * rows["value"]
    cols = [
        "agent_id",
        "team_id",
        "period",
        "value",
        "target",
        "attainment",
        "band",
        "commission_rate",
        "commission",
    ]
    return rows[cols].reset_index(drop=True)


def rule_gaps(scheme: Scheme, missing: dict[str, str], scorecard: Scorecard) -> pd.DataFrame:
    """Decision rules of ``scheme`` that cannot be applied to this data, and why.

    Parameters
    ----------
    scheme : Scheme
        Its ``rules`` (certification, pip, coaching).
    missing : dict of str to str
        Indicators the dataset cannot provide -> what they need (e.g. ``{"satisfaction_rate":
        "surveys"}``; see ``unavailable_indicators``).
    scorecard : Scorecard
        The review's scores (a certification condition must be scored to be checked).

    Returns
    -------
    DataFrame
        One row per rule that is skipped: ``rule`` (``certification``, ``pip``, ``coaching``),
        ``reason`` (``off``: the scheme switched it off; ``needs``: an indicator needs data the
        dataset lacks; ``not_scored``: the scheme does not score an indicator the rule reads;
        ``no_scores``: no agent has a composite or dimension score), ``indicators`` and
        ``needs`` (comma-separated; empty when not applicable). Empty when every rule applies.

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import load_scheme, score
    >>> scheme = load_scheme("default").without({"satisfaction_rate": "surveys"})
    >>> sc = score(compute_indicators(load_sample()), scheme)
    >>> rule_gaps(scheme, {"satisfaction_rate": "surveys"}, sc)
                rule reason         indicators    needs
    0  certification  needs  satisfaction_rate  surveys
    """
    rows = []

    def add(rule, reason, indicators=(), needs=()):
        rows.append(
            {
                "rule": rule,
                "reason": reason,
                "indicators": ", ".join(indicators),
                "needs": ", ".join(dict.fromkeys(needs)),
            }
        )

    scored = set(scorecard.indicators["indicator"]) if len(scorecard.indicators) else set()
    has_composite = (
        bool(scorecard.agents["composite"].notna().any()) if len(scorecard.agents) else False
    )
    has_dimensions = (
        bool(scorecard.dimensions["score"].notna().any()) if len(scorecard.dimensions) else False
    )
    cert = scheme.rule("certification")
    if cert is None:
        add("certification", "off")
    else:
        inds = list(dict.fromkeys(c["indicator"] for c in cert["conditions"]))
        lacking = [i for i in inds if i in missing]
        unscored = [i for i in inds if i not in missing and i not in scored]
        if lacking:
            add("certification", "needs", lacking, [missing[i] for i in lacking])
        elif unscored:
            add("certification", "not_scored", unscored)
    if scheme.rule("pip") is None:
        add("pip", "off")
    elif not has_composite:
        add("pip", "no_scores")
    if scheme.rule("coaching") is None:
        add("coaching", "off")
    elif not has_dimensions:
        add("coaching", "no_scores")
    return pd.DataFrame(rows, columns=["rule", "reason", "indicators", "needs"])


def certification_candidates(
    history: Scorecard | pd.DataFrame | list,
    *,
    rule: dict | None = None,
    as_of: str | None = None,
) -> pd.DataFrame:
    """Agents who meet a certification rule over consecutive periods.

    Parameters
    ----------
    history : Scorecard, list of Scorecards, or indicator table
        Indicator rows over several periods; ``attainment`` conditions need targets (a
        scorecard has them).
    rule : dict
        ``{"name", "consecutive": n, "conditions": [{"indicator", "field": "value" |
        "attainment" | "score", "op": ">=", "value"}], "require_gates": bool}``; default
        :data:`SENIOR_RULE` (two consecutive months with satisfaction >= 95 % and the sales
        target met). A scheme carries its own under ``rules.certification``
        (``scheme.rule("certification")``).
    as_of : str, optional
        Only consider periods up to this one, and require the streak to end in it
        (default: the streak may end anywhere, ``last_period`` tells when).

    Returns
    -------
    DataFrame
        One row per agent: ``agent_id``, ``team_id``, ``rule``, ``eligible``, ``streak``
        (longest run of consecutive periods meeting every condition), ``current_streak``
        (run ending in the latest period), ``periods`` (the qualifying periods of the longest
        run), ``last_period`` and ``evidence`` (the values behind the latest period: a list
        with one ``{"indicator", "field", "value", "op", "threshold"}`` per condition of the
        rule, ``value`` NaN when missing), eligible agents first.

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import certification_candidates, score
    >>> sc = score(compute_indicators(load_sample()), "default")
    >>> cert = certification_candidates(sc)
    >>> int(cert["eligible"].sum())
    3
    >>> cert[["agent_id", "eligible", "streak", "last_period"]].head(3)
      agent_id  eligible  streak last_period
    0    A0004      True       2     2026-04
    1    A0019      True       2     2026-04
    2    A0020      True       2     2026-04
    >>> [(e["indicator"], e["field"], round(e["value"], 3)) for e in cert["evidence"].iloc[0]]
    [('satisfaction_rate', 'value', 1.0), ('sales_amount', 'attainment', 1.767)]
    """
    rule = rule or SENIOR_RULE
    n_needed = int(rule.get("consecutive", 2))
    conds = rule.get("conditions") or []
    if not conds:
        raise ValueError("certification rule needs `conditions`.")
    ind = _indicators(history)
    for c in conds:
        check_option("op", c.get("op", ">="), list(_OPS))
        field = c.get("field", "value")
        if field not in ind:
            raise KeyError(
                f"certification rule uses `{field}` of `{c['indicator']}`, but the "
                f"history has no `{field}` column (score it with targets first)."
            )
        if c["indicator"] not in set(ind["indicator"]):
            raise KeyError(f"certification rule needs `{c['indicator']}`, absent from the history.")
    if as_of is not None:
        idx = _period_index(ind["period"])
        ind = ind[idx <= float(_period_index(pd.Series([as_of])).iloc[0])]
    per = ind[["agent_id", "period"]].drop_duplicates().reset_index(drop=True)
    met = pd.Series(True, index=pd.MultiIndex.from_frame(per))
    evidence = {k: [] for k in met.index}
    for c in conds:
        field = c.get("field", "value")
        sub = ind[ind["indicator"] == c["indicator"]].set_index(["agent_id", "period"])[field]
        sub = sub[~sub.index.duplicated()].reindex(met.index)
        ok = _OPS[c.get("op", ">=")](sub, float(c["value"])) & sub.notna()
        met &= ok.to_numpy()
        for k, v in sub.items():
            evidence[k].append(
                {
                    "indicator": c["indicator"],
                    "field": field,
                    "value": float(v) if pd.notna(v) else np.nan,
                    "op": c.get("op", ">="),
                    "threshold": float(c["value"]),
                }
            )
    if rule.get("require_gates") and isinstance(history, Scorecard):
        ok = history.agents.set_index(["agent_id", "period"])["certification_eligible"]
        met &= ok.reindex(met.index).fillna(False).astype(bool).to_numpy()
    team = ind.drop_duplicates("agent_id").set_index("agent_id").get("team_id")
    rows = []
    for agent, g in met.groupby(level=0):
        periods = g.index.get_level_values(1).astype(str)
        order = _period_index(pd.Series(periods))
        srt = np.argsort(order.to_numpy())
        per_sorted = [periods[k] for k in srt]
        o = order.to_numpy()[srt]
        m = g.to_numpy()[srt]
        best, best_run, run, run_start = 0, [], 0, 0
        for k in range(len(m)):
            if m[k] and run > 0 and o[k] == o[k - 1] + 1:
                run += 1
            elif m[k]:
                run, run_start = 1, k
            else:
                run = 0
            if run > best:
                best, best_run = run, per_sorted[run_start : k + 1]
        current = run
        last = per_sorted[-1]
        eligible = (current if as_of is not None else best) >= n_needed
        rows.append(
            {
                "agent_id": agent,
                "team_id": None if team is None else team.get(agent),
                "rule": rule.get("name", "certification"),
                "eligible": bool(eligible),
                "streak": best,
                "current_streak": current,
                "periods": ", ".join(best_run),
                "last_period": last,
                "evidence": evidence[(agent, last)],
            }
        )
    cols = [
        "agent_id",
        "team_id",
        "rule",
        "eligible",
        "streak",
        "current_streak",
        "periods",
        "last_period",
        "evidence",
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(
        ["eligible", "streak", "agent_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def pip_candidates(
    history: Scorecard | pd.DataFrame | list,
    *,
    bottom_tiers: tuple[str, ...] = ("D",),
    min_count: int = 2,
    window: int = 3,
    as_of: str | None = None,
) -> pd.DataFrame:
    """Persistent low performers: in a bottom tier in ``min_count`` of the last ``window``
    periods.

    Parameters
    ----------
    history : Scorecard, list of Scorecards, or an agents table over several periods
    bottom_tiers : tuple of str
        Tiers that count as low performance.
    min_count, window : int
        E.g. 2 of the last 3 periods.
    as_of : str, optional
        Last period of the window (default: the latest period in ``history``).

    Returns
    -------
    DataFrame
        One row per agent found: ``agent_id``, ``team_id``, ``periods_in_window``,
        ``periods_low`` (count), ``low_periods`` (labels), ``tiers`` (tier per period of the
        window, oldest first), ``composites`` (same order), ``latest_composite`` and
        ``bottom_tiers`` (the tiers that count as low, ``"/"``-joined). The report layer
        words the evidence from these columns (``kpi_lib.report.review.pip_evidence``).

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import pip_candidates, score
    >>> sc = score(compute_indicators(load_sample()), "default")
    >>> pip = pip_candidates(sc, min_count=2, window=3)
    >>> pip[["agent_id", "periods_low", "low_periods"]].head(3)
      agent_id  periods_low                low_periods
    0    A0008            3  2026-02, 2026-03, 2026-04
    1    A0015            2           2026-02, 2026-04
    2    A0021            2           2026-02, 2026-03
    >>> pip[["agent_id", "periods_in_window", "composites", "bottom_tiers"]].head(1)
      agent_id  periods_in_window  composites bottom_tiers
    0    A0008                  3  28, 16, 30            D
    """
    if min_count > window:
        raise ValueError(f"`min_count` ({min_count}) cannot exceed `window` ({window}).")
    a = _agents(history).copy()
    a["_o"] = _period_index(a["period"])
    order = sorted(a["_o"].unique())
    end = order[-1] if as_of is None else float(_period_index(pd.Series([as_of])).iloc[0])
    keep = [o for o in order if o <= end][-window:]
    a = a[a["_o"].isin(keep)].sort_values(["agent_id", "_o"])
    rows = []
    for agent, g in a.groupby("agent_id", sort=True):
        low = g[g["tier"].isin(bottom_tiers)]
        if len(low) >= min_count:
            tiers = ", ".join(f"{p}: {t}" for p, t in zip(g["period"], g["tier"], strict=True))
            comps = ", ".join(f"{c:.0f}" if pd.notna(c) else "-" for c in g["composite"])
            rows.append(
                {
                    "agent_id": agent,
                    "team_id": g["team_id"].iloc[-1],
                    "periods_in_window": len(g),
                    "periods_low": len(low),
                    "low_periods": ", ".join(low["period"].astype(str)),
                    "tiers": tiers,
                    "composites": comps,
                    "latest_composite": g["composite"].iloc[-1],
                    "bottom_tiers": "/".join(bottom_tiers),
                }
            )
    cols = [
        "agent_id",
        "team_id",
        "periods_in_window",
        "periods_low",
        "low_periods",
        "tiers",
        "composites",
        "latest_composite",
        "bottom_tiers",
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(
        ["periods_low", "latest_composite"], ascending=[False, True]
    ).reset_index(drop=True)


def coaching_focus(
    scorecard: Scorecard, *, period: str | None = None, compare_to: str = "team"
) -> pd.DataFrame:
    """Each agent's weakest dimension relative to the team, and the indicator behind it.

    Parameters
    ----------
    scorecard : Scorecard
    period : str, optional
        Default: the latest period.
    compare_to : str
        ``team``: against the mean of the agent's team (the default); ``all``: against every
        scored agent of the period (for teams too small to compare within). The
        ``team_score`` columns then hold that mean. A scheme sets it under
        ``rules.coaching.compare_to``.

    Returns
    -------
    DataFrame
        One row per agent: ``agent_id``, ``team_id``, ``period``, ``dimension`` (largest gap
        below the team mean), ``agent_score``, ``team_score`` (team mean of that dimension),
        ``gap`` (agent - team, points), ``indicator`` (weakest indicator within the dimension
        relative to the team), ``indicator_score`` and ``team_indicator_score`` (the report
        layer words them: ``kpi_lib.report.review.coaching_table``).
        When an agent is at or above the team mean in every dimension, ``dimension`` is the
        relatively weakest one and the gap is >= 0.

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import coaching_focus, score
    >>> sc = score(compute_indicators(load_sample()), "default")
    >>> focus = coaching_focus(sc, period="2026-04")
    >>> focus[["agent_id", "dimension", "gap", "indicator"]].head(3).round(1)
      agent_id    dimension   gap        indicator
    0    A0003   efficiency -66.3  effective_calls
    1    A0012   efficiency -58.8  effective_calls
    2    A0008  performance -56.5     sales_amount
    """
    check_option("compare_to", compare_to, COACHING_COMPARISONS)
    if period is None:
        period = scorecard.periods[-1]
    group = ["team_id"] if compare_to == "team" else []
    d = scorecard.dimensions[scorecard.dimensions["period"].astype(str) == str(period)].copy()
    d = d[d["score"].notna()]
    d["team_score"] = d.groupby([*group, "dimension"])["score"].transform("mean")
    d["gap"] = d["score"] - d["team_score"]
    worst = d.sort_values("gap").drop_duplicates("agent_id")
    i = scorecard.indicators
    i = i[(i["period"].astype(str) == str(period)) & (i["weight"] > 0) & i["score"].notna()].copy()
    i["team_indicator_score"] = i.groupby([*group, "indicator"])["score"].transform("mean")
    i["igap"] = i["score"] - i["team_indicator_score"]
    wi = (
        i.merge(worst[["agent_id", "dimension"]], on=["agent_id", "dimension"])
        .sort_values("igap")
        .drop_duplicates("agent_id")
        .set_index("agent_id")
    )
    out = worst.rename(columns={"score": "agent_score"})[
        ["agent_id", "team_id", "period", "dimension", "agent_score", "team_score", "gap"]
    ]
    out["indicator"] = out["agent_id"].map(wi["indicator"])
    out["indicator_score"] = out["agent_id"].map(wi["score"])
    out["team_indicator_score"] = out["agent_id"].map(wi["team_indicator_score"])
    return out.sort_values("gap").reset_index(drop=True)


def team_weak_spots(scorecard: Scorecard, *, period: str | None = None) -> pd.DataFrame:
    """Team-wide weak spots for team training: each team's dimension means against all teams.

    Returns
    -------
    DataFrame
        ``team_id``, ``dimension``, ``team_score``, ``overall_score``, ``gap`` and ``agents``,
        weakest gaps first.
    """
    if period is None:
        period = scorecard.periods[-1]
    d = scorecard.dimensions[scorecard.dimensions["period"].astype(str) == str(period)]
    overall = d.groupby("dimension")["score"].mean()
    t = (
        d.groupby(["team_id", "dimension"])
        .agg(team_score=("score", "mean"), agents=("agent_id", "nunique"))
        .reset_index()
    )
    t["overall_score"] = t["dimension"].map(overall)
    t["gap"] = t["team_score"] - t["overall_score"]
    return (
        t[["team_id", "dimension", "team_score", "overall_score", "gap", "agents"]]
        .sort_values("gap")
        .reset_index(drop=True)
    )


#: Why a decision is held, in the order a manager should read them.
HOLD_REASONS = ("small_sample", "unrankable", "gaming_flag")

#: The per-agent gaming checks of a review's diagnosis (``kpi_lib.analyses.gaming``) that hold
#: a bonus, with the name a manager reads.
GAMING_CHECKS = {
    "bunching": "call-length",
    "call_padding": "call-padding",
    "need_intent": "need/intent mismatch",
    "over_promising": "over-promising",
    "selective_surveys": "selective-survey",
}


def _flag_table(gaming_flags) -> pd.DataFrame:
    """agent_id, check of every flagged agent, from a table or a mapping check -> table."""
    if gaming_flags is None:
        return pd.DataFrame(columns=["agent_id", "check"])
    if isinstance(gaming_flags, pd.DataFrame):
        items = [(None, gaming_flags)]
    elif isinstance(gaming_flags, dict):
        # a diagnosis also holds conflict and team-level tables: only the gaming checks count
        items = [(k, t) for k, t in gaming_flags.items() if k in GAMING_CHECKS]
    else:
        raise ValueError(
            "`gaming_flags` must be a DataFrame (agent_id, check, flagged) or a mapping of "
            f"check name -> table with agent_id and flagged; got {type(gaming_flags).__name__}."
        )
    parts = []
    for name, t in items:
        if not isinstance(t, pd.DataFrame) or not {"agent_id", "flagged"} <= set(t.columns):
            continue
        f = t[t["flagged"].fillna(False).astype(bool)]
        check = f["check"].astype(str) if "check" in f.columns else str(name or "gaming")
        parts.append(pd.DataFrame({"agent_id": f["agent_id"].astype(str), "check": check}))
    if not parts:
        return pd.DataFrame(columns=["agent_id", "check"])
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def bonus_holds(
    leaderboard: pd.DataFrame,
    *,
    gaming_flags: pd.DataFrame | dict | None = None,
    calls: pd.Series | pd.DataFrame | None = None,
    min_calls: int = 30,
    min_share: float = 0.25,
) -> pd.DataFrame:
    """Bonus holds and caveats: agents whose bonus must wait for a review, or be read with
    care, with the reason and evidence.

    An agent's bonus is held when the period says too little about the agent (fewer calls
    than ``min_calls`` or than ``min_share`` of the median agent's: hired late, long leave) or when a gaming check flags the agent (the
    bonus may reward the gaming). It carries a caveat when the scorecard cannot rank the agent
    (its rates are too uncertain, ``rankable`` False: in a small team this can be everyone, so
    it does not stop payment). Every record carries the agent's rank interval so the reader
    sees how much the rank itself is worth.

    Parameters
    ----------
    leaderboard : DataFrame
        One row per agent with ``agent_id`` and ``rank``; optional ``rankable``,
        ``rank_low``, ``rank_high`` (the Monte Carlo rank interval with sampling noise).
    gaming_flags : DataFrame or mapping, optional
        A table with ``agent_id``, ``flagged`` and optional ``check``, or a mapping check name
        -> table with ``agent_id`` and ``flagged``: the review's diagnosis, of which the
        tables named in ``GAMING_CHECKS`` are read (conflict and team-level tables are not
        agent flags).
    calls : Series or DataFrame, optional
        Calls (dials) per agent in the period: a Series indexed by ``agent_id``, or a table
        with ``agent_id`` and ``calls`` (or ``value``, e.g. the ``dials`` rows of the
        indicator table). Agents absent from it are not held for sample size.
    min_calls : int, default 30
        Fewer calls than this always holds the bonus (``small_sample``).
    min_share : float, default 0.25
        Fewer calls than this share of the median agent's calls also holds it (with ~420
        calls a month for the median agent: below 105; in a weekly review with ~100: below
        30), so the rule scales with the period.

    Returns
    -------
    DataFrame
        One row per agent and hold: ``agent_id``, ``code`` (``"bonus_held"``, or
        ``"bonus_caveat"`` for ``unrankable``), ``reason``
        (``small_sample``, ``unrankable`` or ``gaming_flag``), ``check`` (the gaming check,
        else empty), ``calls`` (NaN when unknown), ``rank``, ``rank_low``, ``rank_high``
        (NaN when absent) and ``record`` (a dict of the code and its values, for reports
        and JSON, worded by ``kpi_lib.report.review``:
        ``{"code": "bonus_held", "reason": "small_sample", "calls": 30, "rank_low": 3,
        "rank_high": 41}``). Sorted by rank, then by reason.
    """
    if not isinstance(leaderboard, pd.DataFrame) or not {"agent_id", "rank"} <= set(
        leaderboard.columns
    ):
        raise KeyError("bonus_holds: `leaderboard` needs `agent_id` and `rank` columns.")
    if min_calls < 0:
        raise ValueError(f"`min_calls` must be >= 0; got {min_calls!r}.")
    if not 0 <= min_share <= 1:
        raise ValueError(f"`min_share` must be in [0, 1]; got {min_share!r}.")
    lb = leaderboard.drop_duplicates("agent_id").copy()
    lb["agent_id"] = lb["agent_id"].astype(str)
    lb = lb.set_index("agent_id")
    for c in ("rank_low", "rank_high"):
        if c not in lb:
            lb[c] = np.nan
    if calls is None:
        n_calls = pd.Series(np.nan, index=lb.index)
    elif isinstance(calls, pd.Series):
        n_calls = calls.rename(index=str).reindex(lb.index).astype(float)
    elif isinstance(calls, pd.DataFrame):
        col = "calls" if "calls" in calls else "value" if "value" in calls else None
        if col is None or "agent_id" not in calls:
            raise KeyError("bonus_holds: `calls` needs `agent_id` and `calls` (or `value`).")
        n_calls = (
            calls.assign(agent_id=calls["agent_id"].astype(str))
            .groupby("agent_id")[col]
            .sum()
            .reindex(lb.index)
            .astype(float)
        )
    else:
        raise ValueError("`calls` must be a Series (agent_id -> calls) or a DataFrame.")
    lb["calls"] = n_calls
    known = n_calls[np.isfinite(n_calls)]
    floor = max(float(min_calls), min_share * float(known.median()) if len(known) else 0.0)

    rows = []
    for aid, r in lb.iterrows():
        base = {
            "agent_id": aid,
            "code": "bonus_held",
            "calls": r["calls"],
            "rank": r["rank"],
            "rank_low": r["rank_low"],
            "rank_high": r["rank_high"],
        }
        if np.isfinite(r["calls"]) and r["calls"] < floor:
            rows.append({**base, "reason": "small_sample", "check": ""})
        rankable = r.get("rankable", True)
        if pd.notna(rankable) and not bool(rankable):
            rows.append({**base, "code": "bonus_caveat", "reason": "unrankable", "check": ""})
    flags = _flag_table(gaming_flags)
    for aid, check in flags.itertuples(index=False):
        if aid not in lb.index:
            continue
        r = lb.loc[aid]
        rows.append(
            {
                "agent_id": aid,
                "code": "bonus_held",
                "calls": r["calls"],
                "rank": r["rank"],
                "rank_low": r["rank_low"],
                "rank_high": r["rank_high"],
                "reason": "gaming_flag",
                "check": check,
            }
        )
    cols = ["agent_id", "code", "reason", "check", "calls", "rank", "rank_low", "rank_high",
            "record"]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(rows)

    def record(r) -> dict:
        rec = {"code": r["code"], "reason": r["reason"]}
        if r["check"]:
            rec["check"] = r["check"]
        for c in ("calls", "rank_low", "rank_high"):
            if np.isfinite(r[c]):
                rec[c] = int(r[c])
        return rec

    out["record"] = [record(r) for _, r in out.iterrows()]
    out["_o"] = out["reason"].map({k: i for i, k in enumerate(HOLD_REASONS)})
    out = out.sort_values(["rank", "agent_id", "_o"], na_position="last", kind="stable")
    return out[cols].reset_index(drop=True)


def _attach_holds(a: pd.DataFrame, holds: pd.DataFrame, decision: str) -> pd.DataFrame:
    """``held``, ``hold``, ``hold_codes`` and ``payable`` from a :func:`bonus_holds` table."""
    if not isinstance(holds, pd.DataFrame) or not {"agent_id", "reason"} <= set(holds.columns):
        raise KeyError("`holds` must be a bonus_holds() table (agent_id, reason, record...).")
    h = holds.assign(agent_id=holds["agent_id"].astype(str))
    if "record" not in h:
        h["record"] = [{"code": f"{decision}_held"} for _ in range(len(h))]
    reasons = h.groupby("agent_id")["reason"].agg(lambda t: "; ".join(dict.fromkeys(t)))
    recs = h.groupby("agent_id")["record"].agg(list)
    ids = a["agent_id"].astype(str)
    code = h["record"].map(lambda r: r.get("code", "")) if len(h) else pd.Series(dtype=object)
    blocking = set(h.loc[code.to_numpy() == f"{decision}_held", "agent_id"])
    a["held"] = ids.isin(blocking).to_numpy()
    a["hold"] = ids.map(reasons).astype(object).fillna("").to_numpy()
    a["hold_codes"] = [recs.get(i, []) for i in ids]
    a["payable"] = np.where(a["held"], 0.0, a[decision].to_numpy(dtype=float))
    return a


__all__ += ["GAMING_CHECKS", "HOLD_REASONS", "bonus_holds"]
