"""Difference in differences: the change in treated teams net of the change in a comparison
team, with inference at the team level (wild cluster bootstrap) and a pre-trend check.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.analyses.before_after.common import (
    as_list,
    as_window,
    check_table,
    check_window_in_data,
    data_extent,
    not_matured,
    period_index,
    select_rows,
    side_of_switch,
    single_granularity,
)
from kpi_lib.analyses.before_after.derived import indicator_meta
from kpi_lib.analyses.before_after.multiplicity import CORRECTIONS, adjust_p_values
from kpi_lib.analyses.before_after.wild import MIN_CLUSTERS_PER_SIDE, wild_cluster_test

__all__ = [
    "WEIGHTS",
    "did_panel",
    "difference_in_differences",
    "did_trends",
]


#: Regression weights of :func:`did_panel`.
WEIGHTS = ("denominator", "equal")


def did_panel(
    data: pd.DataFrame,
    *,
    treated: Sequence[str] | str,
    comparison: Sequence[str] | str,
    switch,
    indicators: Sequence[str] | str | None = None,
    before=None,
    after=None,
    weights: str = "denominator",
) -> pd.DataFrame:
    """The agent-period rows a difference-in-differences fit uses (also for inspection).

    Parameters
    ----------
    data : DataFrame
        Agent-level indicator table.
    treated, comparison : str or list of str
        Team ids that switched scheme and team ids that kept the old one.
    switch : date-like
        First day under the new scheme.
    indicators : list of str, optional
        Indicator ids (default: all in ``data``).
    before, after : (start, end), optional
        Restrict the pre and post periods to these inclusive windows (default: everything on
        each side of the switch).
    weights : {"denominator", "equal"}
        Regression weight of a row: its ``denominator`` (so a rate counts in proportion to the
        calls, customers or surveys behind it and the fitted cell means are ratios of sums; for
        counts and amounts the denominator is 1, i.e. unweighted) or 1 for every agent-period.

    Returns
    -------
    DataFrame
        ``agent_id``, ``team_id``, ``period``, ``period_start``, ``indicator``, ``value``
        (numerator / denominator), ``numerator``, ``denominator``, ``weight``, ``treated``
        (1 for treated teams, 0 for comparison), ``post`` (1 after the switch), ``time``
        (period number, 0 = first period). Transition periods (straddling the switch) and rows
        with a zero denominator are left out.
    """
    check_table(data)
    check_option("weights", weights, list(WEIGHTS))
    t_list, c_list = as_list(treated, "treated"), as_list(comparison, "comparison")
    if not t_list or not c_list:
        raise ValueError("Both `treated` and `comparison` must name at least one team.")
    overlap = set(t_list) & set(c_list)
    if overlap:
        raise ValueError(f"Teams {sorted(overlap)} are in both `treated` and `comparison`.")
    rows, _ = select_rows(data, indicators, t_list + c_list)
    rows["agent_id"] = rows["agent_id"].astype(str)
    rows["team_id"] = rows["team_id"].astype(str)
    rows = rows[rows["denominator"] > 0]
    side = side_of_switch(rows, switch)
    keep = side != "transition"
    if before is not None:
        bw = as_window(before, "before")
        check_window_in_data(bw, data, "before")
        keep &= (side != "before") | rows["period_start"].between(*bw)
    if after is not None:
        aw = as_window(after, "after")
        check_window_in_data(aw, data, "after")
        keep &= (side != "after") | rows["period_start"].between(*aw)
    rows, side = rows[keep].copy(), side[keep]
    for name in ("before", "after"):
        for grp, teams in (("treated", t_list), ("comparison", c_list)):
            if not ((side == name) & rows["team_id"].isin(teams)).any():
                raise ValueError(
                    f"No {grp} rows ({teams}) fall {name} the switch "
                    f"{pd.Timestamp(switch).date()}; check the switch date, windows and team ids."
                )
    rows["value"] = rows["numerator"] / rows["denominator"]
    rows["weight"] = rows["denominator"].astype(float) if weights == "denominator" else 1.0
    rows["treated"] = rows["team_id"].isin(t_list).astype(int)
    rows["post"] = (side == "after").astype(int)
    rows["time"] = period_index(rows["period_start"], single_granularity(rows))
    cols = [
        "agent_id",
        "team_id",
        "period",
        "period_start",
        "indicator",
        "value",
        "numerator",
        "denominator",
        "weight",
        "treated",
        "post",
        "time",
    ]
    return rows[cols].sort_values(["indicator", "agent_id", "period_start"]).reset_index(drop=True)


def _team_test(panel: pd.DataFrame, other: str, *, n_boot: int, alpha: float, seed):
    """WCR wild cluster bootstrap, clustered by team, of ``treated:<other>`` in
    ``value ~ treated * <other>``."""
    t = panel["treated"].to_numpy(float)
    o = panel[other].to_numpy(float)
    X = np.column_stack([np.ones(len(panel)), t, o, t * o])
    return wild_cluster_test(
        X,
        panel["value"].to_numpy(float),
        panel["weight"].to_numpy(float),
        panel["team_id"].to_numpy(),
        j=3,
        n_boot=n_boot,
        alpha=alpha,
        seed=seed,
    )


def _teams_note(n_t: int, n_c: int) -> str:
    """Why team-level inference is limited or impossible; empty when it is not."""
    if min(n_t, n_c) < MIN_CLUSTERS_PER_SIDE:
        side = "comparison team" if n_c <= n_t else "switched team"
        return (
            f"only one {side}: its own month-to-month swings cannot be told apart from the "
            "effect of the scheme, so no interval or test can be given (at least 2 teams on each "
            "side are needed, 5 or more for a useful interval)"
        )
    if n_t + n_c < 6:
        return f"only {n_t + n_c} teams: the interval is approximate and on the wide side"
    return ""


def _can_infer(n_t: int, n_c: int) -> bool:
    return min(n_t, n_c) >= MIN_CLUSTERS_PER_SIDE


def _ratio(panel: pd.DataFrame) -> float:
    w = panel["weight"]
    return float((panel["value"] * w).sum() / w.sum()) if w.sum() > 0 else np.nan


def difference_in_differences(
    data: pd.DataFrame,
    *,
    treated: Sequence[str] | str,
    comparison: Sequence[str] | str,
    switch,
    indicators: Sequence[str] | str | None = None,
    before=None,
    after=None,
    weights: str = "denominator",
    alpha: float = 0.05,
    correction: str = "holm",
    n_boot: int = 1999,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Change in treated teams net of the change in a comparison team, with a pre-trend check.

    Parameters
    ----------
    data, treated, comparison, switch, indicators, before, after, weights
        As in :func:`did_panel`.
    alpha : float
        Significance level for ``significant`` and for the parallel-trends verdict; the
        interval is ``1 - alpha``.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiplicity correction of the DiD p-values across the indicators.
    n_boot : int
        Wild-bootstrap draws (all :math:`6^G` Webb weight patterns when fewer, for *G* teams).
    seed : int or None
        Seed of the bootstrap draws.

    Returns
    -------
    DataFrame
        One row per indicator:

        - ``indicator``, ``label``, ``direction``, ``weights``;
        - ``treated_before``, ``treated_after``, ``comparison_before``, ``comparison_after``:
          fitted cell means (ratios of sums when ``weights="denominator"``);
        - ``counterfactual_after``: ``treated_before + comparison_after - comparison_before``,
          the treated level had it moved like the comparison team;
        - ``estimate`` (the ``treated:post`` coefficient), ``se`` (clustered by team, CRV1),
          ``ci_low``, ``ci_high`` (wild cluster bootstrap by team, test inversion; infinite
          when the data bound the effect on neither side), ``p_value`` (wild cluster bootstrap),
          ``p_adj``, ``significant`` (``p_adj < alpha``); NaN where no inference is possible;
        - ``rel_effect``: ``estimate / counterfactual_after``;
        - ``n_obs``, ``n_agents_treated``, ``n_agents_comparison``, ``n_teams_treated``,
          ``n_teams_comparison``, ``n_pre_periods``, ``n_post_periods``;
        - ``pre_trend_diff``: treated minus comparison slope per period in the pre-period, with
          ``pre_trend_se`` and ``pre_trend_p`` (team level, as above); ``trend_bias``: the bias
          that slope difference would put into ``estimate`` if it continued (slope difference x
          distance between the mean post and mean pre period);
        - ``parallel_trends``: ``plausible`` (no significant pre-trend difference),
          ``doubtful`` (significant at ``alpha``) or ``cannot judge`` (fewer than 3 pre
          periods, or too few teams);
        - ``inference``: how ``ci_low``/``p_value`` were obtained, ``none`` when they could not
          be; ``note``: why the inference is limited or missing (too few teams, no rows on one
          side of the switch, e.g. a follow-up window that has not closed), empty otherwise.

    Notes
    -----
    Model, fitted per indicator on agent-period rows (:func:`did_panel`):
    ``value ~ treated * post`` by weighted least squares,
    :math:`y_{it} = \\beta_0 + \\beta_1 T_i + \\beta_2 P_t + \\delta T_i P_t + e_{it}`. The
    model is saturated, so the cell means are the weighted means and :math:`\\delta` equals
    the difference of the before/after differences of those means.

    The scheme is assigned by team, so every agent of a team shares that team's month-to-month
    swings; errors clustered by agent ignore them and a no-effect test then rejects 30-60 % of
    the time (``benchmarks/calibration_before_after.py``). Inference is therefore at the team
    level: a restricted wild cluster bootstrap (WCR) with Webb six-point weights, clustered by
    team (:func:`~kpi_lib.analyses.before_after.wild.wild_cluster_test`), which stays close to
    its nominal level with few clusters (MacKinnon, Nielsen & Webb 2023). With a single team on
    either side no interval, test or pre-trend verdict is given (that team's own swings cannot
    be told from the effect; the bootstrap then gives intervals wider than the scale of the
    indicator), and ``note`` says so; with fewer than 6 teams ``note`` says the interval is
    approximate.

    Pre-trend check: on pre-period rows only, ``value ~ treated * time`` with the same weights
    and team-level bootstrap; the ``treated:time`` coefficient is the slope difference. Absence
    of a significant difference is not proof of parallel trends (few pre periods and few teams
    give little power); read it with the side-by-side chart of :func:`did_trends`.

    References
    ----------
    Angrist, J. D. & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*, ch. 5.
    Bertrand, M., Duflo, E. & Mullainathan, S. (2004). How much should we trust
    differences-in-differences estimates? *QJE*, 119(1).
    MacKinnon, J. G., Nielsen, M. O. & Webb, M. D. (2023). Cluster-robust inference: a guide
    to empirical practice. *Journal of Econometrics*, 232(2).
    """
    check_option("correction", correction, list(CORRECTIONS))
    if int(n_boot) < 99:
        raise ValueError(f"`n_boot` must be at least 99, got {n_boot}.")
    panel = did_panel(
        data,
        treated=treated,
        comparison=comparison,
        switch=switch,
        indicators=indicators,
        before=before,
        after=after,
        weights=weights,
    )
    t_list, c_list = as_list(treated, "treated"), as_list(comparison, "comparison")
    first, last = data_extent(data)
    sw = pd.Timestamp(switch)
    spans = {
        "before": as_window(before, "before") if before is not None else (first, sw),
        "after": as_window(after, "after") if after is not None else (sw, last),
    }
    immature = {k: not_matured(data, w, t_list + c_list) for k, w in spans.items()}
    out = []
    for ind, p in panel.groupby("indicator", sort=False, observed=True):
        left_out = [
            f"{', '.join(immature[k][ind])} ({k})"
            for k in ("before", "after")
            if ind in immature[k]
        ]
        matured = (
            "months whose follow-up window had not closed are left out: " + "; ".join(left_out)
            if left_out
            else ""
        )
        cells = {
            (t, q): _ratio(p[(p["treated"] == t) & (p["post"] == q)])
            for t in (0, 1)
            for q in (0, 1)
        }
        label, direction, _unit = indicator_meta(ind)
        n_t = int(p.loc[p["treated"] == 1, "team_id"].nunique())
        n_c = int(p.loc[p["treated"] == 0, "team_id"].nunique())
        pre, post = p[p["post"] == 0], p[p["post"] == 1]
        row = {
            "indicator": ind,
            "label": label,
            "direction": direction,
            "weights": weights,
            "treated_before": cells[1, 0],
            "treated_after": cells[1, 1],
            "comparison_before": cells[0, 0],
            "comparison_after": cells[0, 1],
            "n_obs": int(len(p)),
            "n_agents_treated": int(p.loc[p["treated"] == 1, "agent_id"].nunique()),
            "n_agents_comparison": int(p.loc[p["treated"] == 0, "agent_id"].nunique()),
            "n_teams_treated": n_t,
            "n_teams_comparison": n_c,
            "n_pre_periods": int(pre["period_start"].nunique()),
            "n_post_periods": int(post["period_start"].nunique()),
        }
        empty = [
            f"{'switched' if t else 'comparison'} teams {'after' if q else 'before'}"
            for (t, q), v in cells.items()
            if not np.isfinite(v)
        ]
        nan = dict.fromkeys(
            ["counterfactual_after", "estimate", "se", "ci_low", "ci_high", "p_value"], np.nan
        )
        nan |= dict.fromkeys(
            ["rel_effect", "pre_trend_diff", "pre_trend_se", "pre_trend_p"], np.nan
        )
        if empty:
            out.append(
                row
                | nan
                | {
                    "trend_bias": np.nan,
                    "parallel_trends": "cannot judge",
                    "inference": "none",
                    "note": "; ".join(
                        x for x in ["no data for " + " and ".join(empty), matured] if x
                    ),
                }
            )
            continue
        cf = cells[1, 0] + cells[0, 1] - cells[0, 0]
        note = _teams_note(n_t, n_c)
        if _can_infer(n_t, n_c):
            fit = _team_test(p, "post", n_boot=int(n_boot), alpha=alpha, seed=seed)
            est, se, pv, lo, hi = fit.estimate, fit.se, fit.p_value, fit.ci_low, fit.ci_high
            method = "wild cluster bootstrap by team (WCR, Webb weights)"
        else:
            est = cells[1, 1] - cf
            se = pv = lo = hi = np.nan
            method = "none"
        n_pre = row["n_pre_periods"]
        if (
            _can_infer(n_t, n_c)
            and n_pre >= 3
            and pre.groupby("treated")["time"].nunique().min() >= 2
            and pre["team_id"].nunique() == n_t + n_c
        ):
            tfit = _team_test(pre, "time", n_boot=int(n_boot), alpha=alpha, seed=seed)
            slope, slope_se, slope_p = tfit.estimate, tfit.se, tfit.p_value
            verdict = "doubtful" if slope_p < alpha else "plausible"
            bias = slope * (post["time"].mean() - pre["time"].mean())
        else:
            slope = slope_se = slope_p = bias = np.nan
            verdict = "cannot judge"
        out.append(
            row
            | {
                "counterfactual_after": cf,
                "estimate": float(est),
                "se": float(se),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "p_value": float(pv),
                "rel_effect": est / cf if cf else np.nan,
                "pre_trend_diff": slope,
                "pre_trend_se": slope_se,
                "pre_trend_p": slope_p,
                "trend_bias": bias,
                "parallel_trends": verdict,
                "inference": method,
                "note": "; ".join(x for x in [note, matured] if x),
            }
        )
    cols = [
        "indicator",
        "label",
        "direction",
        "weights",
        "treated_before",
        "treated_after",
        "comparison_before",
        "comparison_after",
        "counterfactual_after",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "p_value",
        "rel_effect",
        "n_obs",
        "n_agents_treated",
        "n_agents_comparison",
        "n_teams_treated",
        "n_teams_comparison",
        "n_pre_periods",
        "n_post_periods",
        "pre_trend_diff",
        "pre_trend_se",
        "pre_trend_p",
        "trend_bias",
        "parallel_trends",
        "inference",
        "note",
    ]
    res = pd.DataFrame(out).reindex(columns=cols)
    res["p_adj"] = adjust_p_values(res["p_value"], correction)
    res["significant"] = (res["p_adj"] < alpha).fillna(False).astype(bool)
    return res


def did_trends(
    data: pd.DataFrame,
    *,
    treated: Sequence[str] | str,
    comparison: Sequence[str] | str,
    switch,
    indicators: Sequence[str] | str | None = None,
    before=None,
    after=None,
) -> pd.DataFrame:
    """Treated and comparison series side by side, plus the DiD counterfactual after the switch.

    Parameters
    ----------
    data, treated, comparison, switch, indicators, before, after
        As in :func:`did_panel`.

    Returns
    -------
    DataFrame
        ``indicator``, ``label``, ``period``, ``period_start``, ``group`` (``treated``,
        ``comparison`` or ``counterfactual``), ``post`` (0/1), ``value`` (ratio of sums over
        the group's agents), ``n_agents``. ``counterfactual`` rows (post periods only) are
        ``treated pre-level + (comparison level - comparison pre-level)``: where the treated
        teams would be had they moved like the comparison team.
    """
    panel = did_panel(
        data,
        treated=treated,
        comparison=comparison,
        switch=switch,
        indicators=indicators,
        before=before,
        after=after,
        weights="denominator",
    )
    g = (
        panel.groupby(["indicator", "treated", "period", "period_start", "post"], observed=True)
        .agg(
            numerator=("numerator", "sum"),
            denominator=("denominator", "sum"),
            n_agents=("agent_id", "nunique"),
        )
        .reset_index()
    )
    g["value"] = g["numerator"] / g["denominator"]
    g["group"] = np.where(g["treated"] == 1, "treated", "comparison")
    cf = []
    for ind, p in panel.groupby("indicator", sort=False, observed=True):
        pre_t = _ratio(p[(p["treated"] == 1) & (p["post"] == 0)])
        pre_c = _ratio(p[(p["treated"] == 0) & (p["post"] == 0)])
        comp = g[(g["indicator"] == ind) & (g["treated"] == 0) & (g["post"] == 1)]
        cf.append(comp.assign(group="counterfactual", value=pre_t + comp["value"] - pre_c))
    out = pd.concat([g, *cf], ignore_index=True)
    out["label"] = out["indicator"].map(lambda i: indicator_meta(i)[0])
    cols = ["indicator", "label", "period", "period_start", "group", "post", "value", "n_agents"]
    return out[cols].sort_values(["indicator", "group", "period_start"]).reset_index(drop=True)
