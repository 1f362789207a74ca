"""What changed between two periods of a scorecard, and which indicators moved the score.

A composite is a weighted sum of indicator scores, so a change in the mean composite of a
group of agents splits exactly into one part per indicator: the change of the indicator's
contribution (weight x score). These tables answer "the median composite fell 20 points —
why?" with "effective calls took 9 points off it in team T02".

Functions
---------
score_changes
    Per group and indicator: mean score before and after, its change and the change of its
    contribution to the composite (weight x score), agents compared.
composite_changes
    Per group: mean composite before and after, its change, the part the indicators explain,
    and how many agents moved up or down a tier.
indicator_trends
    Per period, group and indicator: mean score and median value over the last periods (for
    small multiples and sparklines).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["composite_changes", "indicator_trends", "score_changes"]

_INDICATOR_COLUMNS = ("agent_id", "period", "indicator", "score", "weight")
_AGENT_COLUMNS = ("agent_id", "period", "composite")


def _check(table: pd.DataFrame, columns, name: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`{name}` must be a DataFrame, got {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(f"`{name}` needs the columns {missing} (has {list(table.columns)}).")


def _check_periods(table: pd.DataFrame, name: str, **periods: str) -> None:
    known = set(table["period"].astype(str))
    for role, period in periods.items():
        if str(period) not in known:
            raise ValueError(
                f"`{role}` {period!r} is not a period of `{name}`; known: {sorted(known)}."
            )


def _groups(by: str | None) -> list[str]:
    return [] if by is None else [by]


def score_changes(
    indicators: pd.DataFrame,
    *,
    period: str,
    previous: str,
    by: str | None = "team_id",
) -> pd.DataFrame:
    """Change of each weighted indicator's score and contribution between two periods.

    Parameters
    ----------
    indicators : DataFrame
        A scorecard's indicator table (``Scorecard.indicators``): ``agent_id``, ``period``,
        ``indicator``, ``score`` (0-100), ``weight`` (share of the composite), optional
        ``value`` and the ``by`` column. Rows with weight 0 in both periods (gates) are
        left out.
    period, previous : str
        The period reviewed and the one it is compared with.
    by : str or None, default "team_id"
        Column to group agents by (its value in ``period``); None for all agents together.

    Returns
    -------
    DataFrame
        One row per group and indicator: the ``by`` column (when given), ``indicator``,
        ``agents`` (agents with a score in both periods), ``weight_before``,
        ``weight_after``, ``score_before``, ``score_after`` (mean scores of those agents),
        ``score_change``, ``value_before``, ``value_after`` (median values; NaN without a
        ``value`` column), ``contribution_change`` (points of the mean composite the
        indicator added or took away) and ``share_of_change`` (``contribution_change`` over
        the sum of the absolute contribution changes of the group, signed; NaN when nothing
        moved). Largest absolute ``contribution_change`` first within each group.

    Notes
    -----
    For agents scored in both periods, ``contribution_change = mean(w1 * s1) - mean(w0 * s0)``,
    which is ``weight x score_change`` when the weights did not change. Summed over a group's
    indicators it is the change of the mean composite, except where the composite is rescaled
    for missing indicators or set to 0 by a gate (:func:`composite_changes` reports that
    remainder).

    Examples
    --------
    >>> ind = pd.DataFrame({
    ...     "agent_id": ["A1", "A1", "A1", "A1"], "team_id": "T1",
    ...     "period": ["2026-09", "2026-09", "2026-10", "2026-10"],
    ...     "indicator": ["sales_amount", "effective_calls"] * 2,
    ...     "score": [80.0, 60.0, 70.0, 40.0], "weight": [0.5, 0.5, 0.5, 0.5]})
    >>> score_changes(ind, period="2026-10", previous="2026-09")[
    ...     ["team_id", "indicator", "score_change", "contribution_change"]]
      team_id        indicator  score_change  contribution_change
    0      T1  effective_calls         -20.0                -10.0
    1      T1     sales_amount         -10.0                 -5.0
    """
    _check(indicators, _INDICATOR_COLUMNS, "indicators")
    groups = _groups(by)
    if groups:
        _check(indicators, groups, "indicators")
    _check_periods(indicators, "indicators", period=period, previous=previous)
    ind = indicators.assign(period=indicators["period"].astype(str))
    has_value = "value" in ind.columns
    keep = ["agent_id", "indicator", "score", "weight"] + (["value"] if has_value else [])
    after = ind[ind["period"] == str(period)][keep + groups]
    before = ind[ind["period"] == str(previous)][keep]
    both = after.merge(before, on=["agent_id", "indicator"], suffixes=("_after", "_before"))
    both = both[(both["weight_after"] > 0) | (both["weight_before"] > 0)]
    both = both.dropna(subset=["score_after", "score_before"])
    if not has_value:
        both["value_after"] = np.nan
        both["value_before"] = np.nan
    both["c_after"] = both["weight_after"] * both["score_after"]
    both["c_before"] = both["weight_before"] * both["score_before"]
    out = (
        both.groupby([*groups, "indicator"], sort=True)
        .agg(
            agents=("agent_id", "nunique"),
            weight_before=("weight_before", "mean"),
            weight_after=("weight_after", "mean"),
            score_before=("score_before", "mean"),
            score_after=("score_after", "mean"),
            value_before=("value_before", "median"),
            value_after=("value_after", "median"),
            c_before=("c_before", "mean"),
            c_after=("c_after", "mean"),
        )
        .reset_index()
    )
    out["score_change"] = out["score_after"] - out["score_before"]
    out["contribution_change"] = out["c_after"] - out["c_before"]
    total = (
        out.groupby(groups)["contribution_change"].transform(lambda s: s.abs().sum())
        if groups
        else pd.Series(out["contribution_change"].abs().sum(), index=out.index)
    )
    out["share_of_change"] = np.where(total > 0, out["contribution_change"] / total, np.nan)
    out["_abs"] = out["contribution_change"].abs()
    out = out.sort_values([*groups, "_abs"], ascending=[True] * len(groups) + [False])
    cols = [
        *groups,
        "indicator",
        "agents",
        "weight_before",
        "weight_after",
        "score_before",
        "score_after",
        "score_change",
        "value_before",
        "value_after",
        "contribution_change",
        "share_of_change",
    ]
    return out[cols].reset_index(drop=True)


def composite_changes(
    agents: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    *,
    period: str,
    previous: str,
    tiers: list[str] | tuple[str, ...] | None = None,
    by: str | None = "team_id",
) -> pd.DataFrame:
    """Change of the mean and median composite per group, and agents moving tier.

    Parameters
    ----------
    agents : DataFrame
        A scorecard's agent table (``Scorecard.agents``): ``agent_id``, ``period``,
        ``composite``, optional ``tier`` and the ``by`` column.
    indicators : DataFrame, optional
        The indicator table; with it, ``explained`` is the sum of :func:`score_changes`'
        ``contribution_change`` over the group's indicators.
    period, previous : str
        The period reviewed and the one it is compared with.
    tiers : sequence of str, optional
        Tier names best first (e.g. ``["A", "B", "C"]``; any other tier, such as the bottom
        one, counts as below them). Without it no tier movement is counted.
    by : str or None, default "team_id"
        Column to group agents by (its value in ``period``); None for all agents together.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` column (when given), ``agents`` (with a composite in
        both periods), ``mean_before``, ``mean_after``, ``mean_change``, ``median_before``,
        ``median_after``, ``median_change``, ``explained`` (points of ``mean_change`` the
        indicators' contributions account for; NaN without ``indicators``), ``other``
        (``mean_change - explained``: rescaling for missing indicators, gates), ``tier_up``
        and ``tier_down`` (agents now in a better / worse tier; 0 without ``tiers``).

    Examples
    --------
    >>> ag = pd.DataFrame({"agent_id": ["A1", "A2"] * 2, "team_id": "T1",
    ...     "period": ["2026-09", "2026-09", "2026-10", "2026-10"],
    ...     "composite": [80.0, 60.0, 70.0, 66.0], "tier": ["A", "C", "B", "C"]})
    >>> composite_changes(ag, period="2026-10", previous="2026-09", tiers=["A", "B", "C"])[
    ...     ["team_id", "agents", "mean_change", "tier_up", "tier_down"]]
      team_id  agents  mean_change  tier_up  tier_down
    0      T1       2         -2.0        0          1
    """
    _check(agents, _AGENT_COLUMNS, "agents")
    groups = _groups(by)
    if groups:
        _check(agents, groups, "agents")
    _check_periods(agents, "agents", period=period, previous=previous)
    a = agents.assign(period=agents["period"].astype(str))
    tier_col = ["tier"] if "tier" in a.columns else []
    after = a[a["period"] == str(period)][["agent_id", "composite", *tier_col, *groups]]
    before = a[a["period"] == str(previous)][["agent_id", "composite", *tier_col]]
    both = after.merge(before, on="agent_id", suffixes=("_after", "_before"))
    both = both.dropna(subset=["composite_after", "composite_before"])
    if tiers and tier_col:
        order = {t: k for k, t in enumerate(tiers)}
        now = both["tier_after"].map(lambda t: order.get(t, len(order)))
        then = both["tier_before"].map(lambda t: order.get(t, len(order)))
        both["up"] = (now < then).astype(int)
        both["down"] = (now > then).astype(int)
    else:
        both["up"] = 0
        both["down"] = 0
    grouped = both.groupby(groups) if groups else both.groupby(lambda _: 0)
    out = grouped.agg(
        agents=("agent_id", "nunique"),
        mean_before=("composite_before", "mean"),
        mean_after=("composite_after", "mean"),
        median_before=("composite_before", "median"),
        median_after=("composite_after", "median"),
        tier_up=("up", "sum"),
        tier_down=("down", "sum"),
    )
    out = out.reset_index() if groups else out.reset_index(drop=True)
    out["mean_change"] = out["mean_after"] - out["mean_before"]
    out["median_change"] = out["median_after"] - out["median_before"]
    if indicators is not None:
        _check(indicators, _INDICATOR_COLUMNS, "indicators")
        # the same agents as the composite comparison, grouped as in `period`
        same = indicators[indicators["agent_id"].isin(both["agent_id"])]
        if groups:
            same = same.drop(columns=groups, errors="ignore").merge(
                both[["agent_id", *groups]], on="agent_id"
            )
        ch = score_changes(same, period=period, previous=previous, by=by)
        explained = ch.groupby(groups)["contribution_change"].sum() if groups else None
        if groups:
            out["explained"] = out[by].map(explained).fillna(0.0).to_numpy()
        else:
            out["explained"] = float(ch["contribution_change"].sum())
    else:
        out["explained"] = np.nan
    out["other"] = out["mean_change"] - out["explained"]
    cols = [
        *groups,
        "agents",
        "mean_before",
        "mean_after",
        "mean_change",
        "median_before",
        "median_after",
        "median_change",
        "explained",
        "other",
        "tier_up",
        "tier_down",
    ]
    out[["tier_up", "tier_down"]] = out[["tier_up", "tier_down"]].astype(int)
    return out[cols]


def indicator_trends(
    indicators: pd.DataFrame,
    *,
    periods: list[str] | None = None,
    last: int = 12,
    by: str | None = "team_id",
) -> pd.DataFrame:
    """Mean score and median value of each weighted indicator per period and group.

    Parameters
    ----------
    indicators : DataFrame
        A scorecard's indicator table: ``agent_id``, ``period``, ``indicator``, ``score``,
        ``weight``, optional ``value`` and the ``by`` column.
    periods : list of str, optional
        The periods in order (default: those of the table, sorted); the last ``last`` are
        kept.
    last : int, default 12
        How many periods to keep (>= 1).
    by : str or None, default "team_id"
        Column to group agents by; None for all agents together.

    Returns
    -------
    DataFrame
        One row per period, group and indicator with a weight in that period: ``period``,
        the ``by`` column (when given), ``indicator``, ``agents`` (with a score),
        ``score`` (mean), ``value`` (median; NaN without a ``value`` column), ``weight``.
        Sorted by group, indicator and period.

    Examples
    --------
    >>> ind = pd.DataFrame({"agent_id": ["A1", "A2"] * 2, "team_id": "T1",
    ...     "period": ["2026-09", "2026-09", "2026-10", "2026-10"],
    ...     "indicator": "effective_calls", "score": [60.0, 40.0, 30.0, 50.0],
    ...     "value": [50, 40, 30, 40], "weight": 0.2})
    >>> indicator_trends(ind)[["period", "team_id", "score", "value"]]
        period team_id  score  value
    0  2026-09      T1   50.0   45.0
    1  2026-10      T1   40.0   35.0
    """
    _check(indicators, _INDICATOR_COLUMNS, "indicators")
    groups = _groups(by)
    if groups:
        _check(indicators, groups, "indicators")
    if last < 1:
        raise ValueError(f"`last` must be >= 1, got {last}.")
    ind = indicators.assign(period=indicators["period"].astype(str))
    order = [str(p) for p in periods] if periods is not None else sorted(ind["period"].unique())
    keep = order[-last:]
    ind = ind[ind["period"].isin(keep) & (ind["weight"] > 0)]
    if "value" not in ind.columns:
        ind = ind.assign(value=np.nan)
    out = (
        ind.dropna(subset=["score"])
        .groupby(["period", *groups, "indicator"])
        .agg(
            agents=("agent_id", "nunique"),
            score=("score", "mean"),
            value=("value", "median"),
            weight=("weight", "mean"),
        )
        .reset_index()
    )
    out["_o"] = out["period"].map({p: k for k, p in enumerate(keep)})
    out = out.sort_values([*groups, "indicator", "_o"]).drop(columns="_o")
    return out.reset_index(drop=True)
